"""The workbook look in one place: severity fills, number formats, widths, safe text.

Every writer of ``reconcile.xlsx`` and of the annotated copies takes its colours, formats
and text conversion from here (STYLE.md item 28) and never spells a colour or a format
string itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

SEVERITY_COLOURS: Final[dict[str, str]] = {
    "high": "FFC7CE",
    "medium": "FFEB9C",
    "low": "DDEBF7",
}
"""Fill colour (RGB hex) per severity: Excel's own 'bad' red, 'neutral' amber, and a pale blue."""

HEADER_COLOUR: Final = "D9D9D9"
"""Fill of header rows (a light grey that prints well in black and white)."""

CURRENCY_FORMAT: Final = '"¥"#,##0.00;[Red]-"¥"#,##0.00'
"""Amounts in yuan: two decimals, thousands separators, negatives in red."""

ID_FORMAT: Final = "@"
"""Text format for ID numbers and bank accounts (never a number, never scientific)."""

INTEGER_FORMAT: Final = "#,##0"
"""Counts (findings, people, rows)."""

MAX_WIDTH: Final = 60
"""Widest column, in Excel character units: long messages wrap rather than run off."""

MIN_WIDTH: Final = 6

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet program may read as the start of a formula or command."""

# XML 1.0 forbids these control characters; openpyxl raises IllegalCharacterError on them
# and Excel refuses the file, and some 学籍 exports carry a stray \x0b from a pasted name.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: Any) -> str:
    """Return the text of a cell value, neutralised so that no program reads it as a formula.

    Text beginning with ``= + - @`` (or a tab or carriage return) is prefixed with an
    apostrophe, as OWASP advises against spreadsheet formula injection: a name or remark
    cell is user input, and ``=cmd|' /C calc'!A0`` must stay text whatever program later
    opens, converts or re-saves the workbook. Characters XML forbids are removed.

    Args:
        value: any cell value; None becomes the empty string.

    Returns:
        The text to store in a string cell.
    """
    if value is None:
        return ""
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def is_cjk_wide(char: str) -> bool:
    """Return True when the character takes two columns (CJK ideographs, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def display_width(text: str) -> int:
    """Return the width of text in Excel character units, counting CJK characters as two."""
    longest = 0
    for line in text.split("\n"):
        longest = max(longest, sum(2 if is_cjk_wide(ch) else 1 for ch in line))
    return longest


def column_widths(
    header: list[str], rows: Iterable[Iterable[Any]], sample: int = 500
) -> list[float]:
    """Return a width per column fitting the header and the first ``sample`` rows.

    Args:
        header: the header texts.
        rows: data rows (only the first ``sample`` are measured, so huge sheets cost nothing).
        sample: how many rows to measure.

    Returns:
        Widths between ``MIN_WIDTH`` and ``MAX_WIDTH``, with a little padding.
    """
    widths = [display_width(h) for h in header]
    for i, row in enumerate(rows):
        if i >= sample:
            break
        for j, value in enumerate(row):
            if value is None:
                continue
            w = display_width(value if isinstance(value, str) else str(value))
            if j >= len(widths):
                widths.append(w)
            elif w > widths[j]:
                widths[j] = w
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 2))) for w in widths]


def severity_fill(severity: str) -> PatternFill:
    """Return the solid fill of a severity (``high``, ``medium`` or ``low``)."""
    return PatternFill(
        fill_type="solid",
        start_color=SEVERITY_COLOURS[severity],
        end_color=SEVERITY_COLOURS[severity],
    )


HEADER_FILL: Final = PatternFill(
    fill_type="solid", start_color=HEADER_COLOUR, end_color=HEADER_COLOUR
)
HEADER_FONT: Final = Font(bold=True)
TITLE_FONT: Final = Font(bold=True, size=14)
WRAP: Final = Alignment(wrap_text=True, vertical="top")


def severity_rank(severity: str) -> int:
    """Return 3 for high, 2 for medium, 1 for low (0 for anything else)."""
    return {"high": 3, "medium": 2, "low": 1}.get(severity, 0)


def set_widths(ws: Any, widths: list[float]) -> None:
    """Set the column widths of an openpyxl worksheet (normal or write-only)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def freeze_and_filter(ws: Any, header_row: int, n_cols: int, last_row: int | None = None) -> None:
    """Freeze the rows up to ``header_row`` and put an autofilter on the table below it.

    Args:
        ws: an openpyxl worksheet (normal or write-only: call before the first append).
        header_row: 1-based row of the table header.
        n_cols: columns in the table.
        last_row: last row of the table; the header row alone when None.
    """
    ws.freeze_panes = f"A{header_row + 1}"
    end = max(last_row or header_row, header_row)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(n_cols, 1))}{end}"


def xlsxwriter_formats(workbook: Any) -> dict[str, Any]:
    """Return the xlsxwriter formats writers need: ``header``, ``text``, one per severity.

    Text formats carry ``@`` so a cell the clerk later edits stays text.
    """
    formats: dict[str, Any] = {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#" + HEADER_COLOUR, "num_format": ID_FORMAT}
        ),
        "text": workbook.add_format({"num_format": ID_FORMAT}),
        "number": workbook.add_format({}),
    }
    for severity, colour in SEVERITY_COLOURS.items():
        formats[severity] = workbook.add_format(
            {"bg_color": "#" + colour, "pattern": 1, "num_format": ID_FORMAT}
        )
        formats[severity + "_number"] = workbook.add_format(
            {"bg_color": "#" + colour, "pattern": 1}
        )
    return formats


XLSXWRITER_OPTIONS: Final[dict[str, Any]] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
"""xlsxwriter options every writer uses: a string is always stored as a string."""
