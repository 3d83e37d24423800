"""Read .xlsx / .xlsm / .xls workbooks through fastexcel (calamine into Arrow).

Every cell is read as text (``dtypes="string"``) so that IDs, bank cards and codes such
as ``0099`` keep their digits; a number cell comes back as its shortest decimal text, which
is how an ID that Excel stored as a number is recognised as mangled.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core.errors import InputError
from edupoverty.io.readers.container import CellRange, WorkbookParts, check_workbook_container
from edupoverty.io.readers.raw import RawSheet, SkippedSheet

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
MAX_COLUMNS = 1024
"""Columns read from a sheet. Real exports have a few dozen; a stray value in column XFD
would otherwise make every later step pay for 16,384 columns (issue 8). The columns past
it are left out with a sheet note."""
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def _sniff_problem(path: Path) -> str | None:
    """Return a message id when the bytes cannot be the workbook the suffix promises."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        return "read.file_empty"
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        if head.startswith(_OLE_MAGIC):
            # An OLE container named .xlsx is how Excel stores a password-protected workbook
            # (EncryptedPackage stream); a genuine old .xls renamed would also land here.
            return "read.xlsx_encrypted_or_xls"
        if not head.startswith(_ZIP_MAGIC):
            return "read.not_a_workbook"
    if suffix == ".xls" and not head.startswith(_OLE_MAGIC):
        if head.startswith(_ZIP_MAGIC):
            return None  # an .xlsx saved as .xls: calamine reads it by content
        return "read.not_a_workbook"
    return None


def read_excel(
    path: Path, only_sheet: str | None = None
) -> tuple[list[RawSheet], list[SkippedSheet]]:
    """Return every visible sheet of a workbook as text cells, and the sheets skipped.

    Args:
        path: the workbook.
        only_sheet: read just this sheet (``--sheet``) when given.

    Raises:
        InputError: the file is empty, not a workbook, encrypted, truncated, corrupt, or
            a zip bomb or crafted XML (``check_workbook_container``).
    """
    problem = _sniff_problem(path)
    if problem:
        raise InputError.of(problem, file=path.name)
    parts = check_workbook_container(path) if _is_zip(path) else WorkbookParts()
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # calamine's errors are one opaque family; the file is unusable
        raise InputError.of("read.workbook_corrupt", file=path.name, detail=_short(exc)) from exc
    if only_sheet is not None and only_sheet not in names:
        raise InputError.of(
            "read.sheet_not_found", file=path.name, sheet=only_sheet, sheets="、".join(names)
        )
    sheets: list[RawSheet] = []
    skipped: list[SkippedSheet] = []
    for name in names:
        if only_sheet is not None and name != only_sheet:
            continue
        try:
            sheet = reader.load_sheet(
                name,
                header_row=None,
                skip_rows=0,
                dtypes="string",
                use_columns=_first_columns,
            )
            visible = sheet.visible
            if visible != "visible" and only_sheet is None:
                skipped.append(SkippedSheet(path, name, "read.sheet_hidden"))
                continue
            table = sheet.to_arrow()
        except Exception as exc:
            raise InputError.of(
                "read.sheet_corrupt", file=path.name, sheet=name, detail=_short(exc)
            ) from exc
        if table.num_rows == 0:
            skipped.append(SkippedSheet(path, name, "read.sheet_empty"))
            continue
        notes = ["read.columns_ignored"] if sheet.width > MAX_COLUMNS else []
        cells, filled = fill_merged_down(pa.Table.from_batches([table]), parts.merged_ranges(name))
        if filled:
            notes.append("read.merged_filled")
        sheets.append(RawSheet(path=path, sheet=name, table=cells, notes=notes))
    return sheets, skipped


def fill_merged_down(cells: pa.Table, ranges: Sequence[CellRange]) -> tuple[pa.Table, bool]:
    """Copy the value of each vertically merged cell into the rows below it that it covers.

    Excel shows a 学校 or 乡镇 cell merged over ten pupils on each of their rows, but the
    file holds it in the top cell only. Only the range's first column is filled (a value
    is never copied sideways into another field), only when the top cell has a value, and
    only when the covered cells are empty where the frame's columns say they are.

    Args:
        cells: the sheet's text cells (row 0 = Excel row 1).
        ranges: the sheet's merged ranges in Excel's coordinates.

    Returns:
        The cells with the merged values filled in, and whether some cell was filled.
    """
    vertical = [r for r in ranges if r.last_row > r.first_row]
    if not vertical or cells.num_rows == 0 or cells.num_columns == 0:
        return cells, False
    offset = _merge_offset(cells, vertical)
    if offset is None:
        return cells, False
    filled = False
    height = cells.num_rows
    by_column: dict[int, list[CellRange]] = {}
    for r in vertical:
        by_column.setdefault(r.first_col - offset, []).append(r)
    for column, group in by_column.items():
        if not 0 <= column < cells.num_columns:
            continue
        values = cells.column(column)
        covered = np.zeros(height, dtype=bool)
        for r in group:
            if r.first_row < height and values[r.first_row].is_valid:
                covered[r.first_row + 1 : r.last_row + 1] = True
        if covered.any():
            spread = pc.if_else(pa.array(covered), pc.fill_null_forward(values), values)
            cells = cells.set_column(column, cells.field(column), spread)
            filled = True
    return cells, filled


_MAX_OFFSET = 64
"""Leading empty columns tried: a table starting right of column BM is not an export."""


def _merge_offset(cells: pa.Table, ranges: Sequence[CellRange]) -> int | None:
    """Return how many leading empty columns fastexcel dropped, judged by the merges.

    fastexcel starts a sheet at its first column with a value. At the right offset every
    merged range's covered cells are empty; the smallest such offset wins (0 nearly always).
    """
    sample = ranges[:50]
    for offset in range(0, min(min(r.first_col for r in sample), _MAX_OFFSET) + 1):
        if all(_covered_empty(cells, r, offset) for r in sample):
            return offset
    return None


def _covered_empty(cells: pa.Table, r: CellRange, offset: int) -> bool:
    column = r.first_col - offset
    if column >= cells.num_columns or r.first_row >= cells.num_rows:
        return True
    below = cells.column(column).slice(r.first_row + 1, r.last_row - r.first_row)
    return bool(below.null_count == len(below))


class _Column(Protocol):
    """What fastexcel's ``use_columns`` callback receives (ColumnInfoNoDtype)."""

    @property
    def index(self) -> int: ...


def _first_columns(column: _Column) -> bool:
    return column.index < MAX_COLUMNS


def _is_zip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == _ZIP_MAGIC


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
