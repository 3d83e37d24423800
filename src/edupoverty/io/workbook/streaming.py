"""Workbooks written row by row with xlsxwriter: the sheets of reconcile.xlsx and audit.xlsx.

A province's findings fill sheets of 100,000 rows, so both workbooks are written in
xlsxwriter's ``constant_memory`` mode: each sheet holds one row in memory and spills the
rest to a temp file, which means every sheet is written strictly top to bottom. Those temp
files live in a private folder that is removed however the write ends, so a failed write
leaves nothing behind (issue 7). ``write_table`` streams a findings-sized table with the
per-cell Python work cut to one call per cell; ``SheetRows`` writes the small sheets
(汇总, 说明, 指标) line by line. Every text cell goes through ``safe_text`` and
``write_string``, never ``write()``: a name such as ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from edupoverty.io.workbook.styles import (
    XLSXWRITER_OPTIONS,
    column_widths,
    safe_text,
    xlsxwriter_styles,
)

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

    # Per column, once: the cells' final values, the write method and the format objects,
    # so that the loop below is one list lookup and one xlsxwriter call per cell.
    uniform: list[tuple[int, list[Any], Any, Any]] = []
    varied: list[tuple[int, list[Any], Any, list[Any]]] = []
    blanks: list[tuple[int, list[Any], Any]] = []
    for col, column in enumerate(columns):
        values = list(column.values) if column.number else _text_cells(column.values)
        write = worksheet.write_number if column.number else worksheet.write_string
        if col == link_column and links:
            write = _linked_number_writer(worksheet, links)
        default = styles[column.style] if column.style else None
        if column.row_styles is not None:
            fmts = [styles[s] if s else None for s in column.row_styles]
            varied.append((col, values, write, fmts))
        else:
            uniform.append((col, values, write, default))
        if column.styled_blank and default is not None:
            blanks.append((col, values, default))
    write_blank = worksheet.write_blank
    for i in range(n):
        row = i + 1
        for col, values, write, fmt in uniform:
            value = values[i]
            if value is not None:
                write(row, col, value, fmt)
        for col, values, write, fmts in varied:
            value = values[i]
            if value is not None:
                write(row, col, value, fmts[i])
        for col, values, fmt in blanks:
            if values[i] is None:
                write_blank(row, col, None, fmt)
    return n


def _linked_number_writer(worksheet: Any, links: Mapping[int, Any]) -> Any:
    """Return a ``write_number`` that first makes the cell a link when its row has one.

    xlsxwriter documents this pattern: ``write_url`` writes the link with a text, and a
    second write of the same cell replaces the text (here by the row number), keeping
    the link.
    """
    write_url, write_number = worksheet.write_url, worksheet.write_number

    def write(row: int, col: int, value: float, fmt: Any) -> None:
        url = links.get(row - 1)
        if url is not None:
            write_url(row, col, url, fmt)
        write_number(row, col, value, fmt)

    return write


def _text_cells(values: Sequence[Any]) -> list[Any]:
    """Return the column's cells as safe text, None where empty (each distinct value once)."""
    safe = {v: (safe_text(v) or None) for v in dict.fromkeys(values) if v is not None}
    return [safe.get(v) if v is not None else None for v in values]
