"""Workbooks written row by row with xlsxwriter: the sheets of reconcile.xlsx and audit.xlsx.

A province's findings fill sheets of 100,000 rows, so both workbooks are written in
xlsxwriter's ``constant_memory`` mode: each sheet holds one row in memory and spills the
rest to a temp file, which means every sheet is written strictly top to bottom. Those temp
files live in a private folder that is removed however the write ends, so a failed write
leaves nothing behind (issue 7). ``write_table`` writes a findings-sized table's header
through xlsxwriter and hands it the data rows as ready-made XML (``table_xml``), a column
at a time; ``SheetRows`` writes the small sheets (汇总, 说明, 指标) line by line. Every
text cell goes through ``safe_text`` and is stored as a string (``write_string`` or an
inline string), never through ``write()``: a name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NamedTuple

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from edupoverty.io.workbook.styles import (
    XLSXWRITER_OPTIONS,
    column_widths,
    safe_text,
    xlsxwriter_styles,
)
from edupoverty.io.workbook.table_xml import (
    CellColumn,
    column_letter,
    inline_bodies,
    number_tails,
    rows_xml,
    text_tails,
    with_styled_blanks,
)

EXCEL_LINKS_PER_SHEET: Final = 65_530
"""Excel keeps at most this many hyperlinks on one worksheet."""

WIDTH_SAMPLE_ROWS = 500
"""Rows measured for column widths: a 100,000-row sheet costs what a 500-row one does."""


@contextlib.contextmanager
def streaming_workbook(path: Path) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Yield an xlsxwriter workbook writing ``path`` row by row, and its named styles.

    The workbook is closed (written) when the block ends normally. When the block raises,
    it is abandoned: nothing is assembled, its temp files are closed and removed, and the
    exception propagates (``atomic_write`` then removes the half-written ``path``).

    Args:
        path: the file to write (the temp path ``atomic_write`` yields).

    Yields:
        The workbook and ``xlsxwriter_styles(workbook)``.

    Raises:
        OSError: the workbook could not be written (disk full): xlsxwriter's
            ``FileCreateError`` is unwrapped so that ``atomic_write`` can say which.
    """
    with tempfile.TemporaryDirectory(prefix="edupov-xlsx-", ignore_cleanup_errors=True) as scratch:
        workbook = xlsxwriter.Workbook(
            str(path), {**XLSXWRITER_OPTIONS, "constant_memory": True, "tmpdir": scratch}
        )
        try:
            yield workbook, xlsxwriter_styles(workbook)
            workbook.close()
        except FileCreateError as exc:
            _close_row_files(workbook)
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from exc
            raise
        except BaseException:
            _close_row_files(workbook)
            raise


def _close_row_files(workbook: Any) -> None:
    """Close the sheets' row files of an abandoned workbook so that they can be removed.

    xlsxwriter closes them only in ``close()``, which would assemble the whole file; on
    Windows an open file cannot be deleted, so they are closed here the way ``close()``
    does it.
    """
    for worksheet in workbook.worksheets():
        with contextlib.suppress(Exception):
            worksheet._opt_close()


class Text(NamedTuple):
    """A text cell of a small sheet: written through ``safe_text`` as a string."""

    value: object
    style: str | None = None


class Number(NamedTuple):
    """A number cell of a small sheet (count, amount, share)."""

    value: float | int
    style: str | None = None


class SheetRows:
    """Write a small sheet top to bottom, one ``put`` per row (``constant_memory`` order)."""

    def __init__(self, worksheet: Any, styles: Mapping[str, Any]) -> None:
        self.worksheet = worksheet
        self.styles = styles
        self.row = 0
        """The 0-based row the next ``put`` writes."""

    def put(self, *cells: Text | Number | None) -> int:
        """Write cells from column A on the next row; return that row (0-based)."""
        ws, row = self.worksheet, self.row
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            style = self.styles[cell.style] if cell.style else None
            if isinstance(cell, Number):
                ws.write_number(row, col, cell.value, style)
            elif text := safe_text(cell.value):
                ws.write_string(row, col, text, style)
            elif style is not None:
                ws.write_blank(row, col, None, style)
        self.row += 1
        return row

    def skip(self) -> None:
        """Leave a row empty."""
        self.row += 1


@dataclass(frozen=True)
class Column:
    """One column of a streamed table: its header, one value per row, and its look."""

    header: str
    """Header text (already translated)."""
    values: Sequence[Any]
    """One value per row; None (or an empty text) leaves the cell empty."""
    number: bool = False
    """Write the values as numbers (amounts, counts, row numbers); otherwise as text."""
    style: str | None = None
    """Style name (``XLSXWRITER_STYLES``) of every cell of the column."""
    row_styles: Sequence[str | None] | None = None
    """Style name per row, in place of ``style`` (the severity fill); None: no style."""
    styled_blank: bool = False
    """Give an empty cell the column's style too (an ID column stays text when filled in)."""
    width: float | None = None
    """Fixed width; otherwise measured from the header and the first rows."""


def write_table(
    worksheet: Any,
    styles: Mapping[str, Any],
    columns: Sequence[Column],
    *,
    links: Mapping[int, Any] | None = None,
    link_column: int = -1,
) -> int:
    """Write a header and one row per value, frozen below the header, with an autofilter.

    Args:
        worksheet: an xlsxwriter worksheet with nothing written yet.
        styles: ``xlsxwriter_styles(workbook)``.
        columns: the table's columns, all with the same number of values.
        links: data row (0-based) → an xlsxwriter ``Url`` for the cell of ``link_column``
            (a number column): the cell keeps its number and becomes a link.
        link_column: the column whose cells ``links`` applies to.

    Returns:
        The number of data rows written.
    """
    n = len(columns[0].values) if columns else 0
    headers = [c.header for c in columns]
    header_style = styles["header"]
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, safe_text(header), header_style)
    sample = zip(*(c.values[:WIDTH_SAMPLE_ROWS] for c in columns), strict=True)
    measured = column_widths(headers, sample, WIDTH_SAMPLE_ROWS)
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column.width or measured[col])
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, n, max(len(columns), 1) - 1)

    if n:
        _flush_rows(worksheet, 1)  # the header takes its format index before the data
        cell_columns = _cell_columns(columns, styles)
        _append_rows(worksheet, rows_xml(cell_columns, first_row=2), n, len(columns) - 1)
        linked = columns[link_column].values if links else ()
        for i, url in (links or {}).items():
            if linked[i] is not None:  # as before: a link rides on a written cell
                _add_link(worksheet, i + 1, link_column, url)
    return n


def _cell_columns(columns: Sequence[Column], styles: Mapping[str, Any]) -> list[CellColumn]:
    """Return the table's data cells as XML tails (``table_xml``), column by column.

    xlsxwriter numbers a cell format when a cell first uses it, row by row; the formats
    are numbered here in that same order, so that the style sheet comes out as it does
    from the per-cell methods (but for a format first used on a table's last row, which
    xlsxwriter numbers only when the workbook closes).
    """
    values: list[Sequence[Any]] = [
        column.values if column.number else inline_bodies(column.values) for column in columns
    ]
    names = [_cell_styles(column, vals) for column, vals in zip(columns, values, strict=True)]
    first_use: dict[str, tuple[int, int]] = {}
    for col, column_names in enumerate(names):
        for name in {name for name in set(column_names) if name is not None}:
            first = (column_names.index(name), col)
            first_use[name] = min(first_use.get(name, first), first)
    indexes = {
        name: _format_index(styles[name]) for name in sorted(first_use, key=first_use.__getitem__)
    }
    cell_columns = []
    for col, (column, vals, column_names) in enumerate(zip(columns, values, names, strict=True)):
        row_styles = [indexes[name] if name else None for name in column_names]
        tails = number_tails(vals, row_styles) if column.number else text_tails(vals, row_styles)
        if column.styled_blank and column.style:
            tails = with_styled_blanks(tails, indexes[column.style])
        cell_columns.append(CellColumn(column_letter(col), tails))
    return cell_columns


def _cell_styles(column: Column, values: Sequence[Any]) -> list[str | None]:
    """Return per row the style name of the column's cell; None where no styled cell."""
    blank = column.style if column.styled_blank else None
    if column.row_styles is not None:
        return [
            name if value is not None else blank
            for value, name in zip(values, column.row_styles, strict=True)
        ]
    return [column.style if value is not None else blank for value in values]


# xlsxwriter has no public way to hand it a sheet's rows as XML. The four functions below
# are the only ones that touch its internals, as its own ``write_*`` methods do in
# ``constant_memory`` mode; tests/io/test_table_xml.py writes the same tables through the
# public per-cell methods and compares the workbooks part by part and cell by cell, so a
# change inside xlsxwriter fails there rather than in a clerk's workbook.


def _format_index(fmt: Any) -> int:
    """Return the cell format's index in the style sheet (assigned on first use)."""
    index: int = fmt._get_xf_index()
    return index


def _flush_rows(worksheet: Any, next_row: int) -> None:
    """Write out the row xlsxwriter holds in memory, as writing a cell of ``next_row`` would."""
    worksheet._write_single_row(next_row)


def _append_rows(worksheet: Any, chunks: Iterable[str], last_row: int, last_col: int) -> None:
    """Write ready-made ``<row>`` XML below the rows written so far, through ``last_row``.

    Args:
        worksheet: a ``constant_memory`` worksheet whose written rows are flushed
            (``_flush_rows``); nothing may be written at or above ``last_row`` afterwards,
            the same rule as for its own row-by-row writes.
        chunks: the rows' XML, in row order.
        last_row: 0-based row of the last row in ``chunks``.
        last_col: 0-based column of the rightmost cell in ``chunks``.
    """
    for chunk in chunks:
        worksheet.fh.write(chunk)
    worksheet._check_dimensions(last_row, last_col)  # the sheet's <dimension> covers them
    worksheet.previous_row = last_row + 1


def _add_link(worksheet: Any, row: int, col: int, url: Any) -> None:
    """Make the cell a link to ``url`` without writing the cell (its row is already XML).

    This is ``write_url`` without its text cell, and like it ignores a link past Excel's
    per-sheet limit (callers stop before it and say so).
    """
    if worksheet.hlink_count >= EXCEL_LINKS_PER_SHEET:
        return
    worksheet.hyperlinks[row][col] = url
    worksheet.hlink_count += 1
