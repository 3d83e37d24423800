"""The table writer reconcile.xlsx used before issue 7: one xlsxwriter call per cell.

Kept as the reference that ``streaming.write_table`` (which hands xlsxwriter ready-made
row XML) is compared with, part by part: xlsxwriter's public per-cell methods define what
the workbook must hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from edupoverty.io.workbook.streaming import WIDTH_SAMPLE_ROWS, Column
from edupoverty.io.workbook.styles import column_widths, safe_text


def write_table_cell_by_cell(
    worksheet: Any,
    styles: Mapping[str, Any],
    columns: Sequence[Column],
    *,
    links: Mapping[int, Any] | None = None,
    link_column: int = -1,
) -> int:
    """Write the table as ``write_table`` does, through xlsxwriter's per-cell methods."""
    n = len(columns[0].values) if columns else 0
    headers = [c.header for c in columns]
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, safe_text(header), styles["header"])
    sample = zip(*(c.values[:WIDTH_SAMPLE_ROWS] for c in columns), strict=True)
    measured = column_widths(headers, sample, WIDTH_SAMPLE_ROWS)
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column.width or measured[col])
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, n, max(len(columns), 1) - 1)
    for i in range(n):
        row = i + 1
        for col, column in enumerate(columns):
            value = column.values[i]
            if not column.number and value is not None:
                value = safe_text(value) or None
            name = column.row_styles[i] if column.row_styles is not None else column.style
            fmt = styles[name] if name else None
            if value is None:
                if column.styled_blank and column.style:
                    worksheet.write_blank(row, col, None, styles[column.style])
                continue
            url = (links or {}).get(i) if col == link_column else None
            if url is not None:
                worksheet.write_url(row, col, url, fmt)
            if column.number:
                worksheet.write_number(row, col, value, fmt)
            else:
                worksheet.write_string(row, col, value, fmt)
    return n
