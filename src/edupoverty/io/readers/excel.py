"""Read .xlsx / .xlsm / .xls workbooks through fastexcel (calamine into Arrow).

Every cell is read as text (``dtypes="string"``) so that IDs, bank cards and codes such
as ``0099`` keep their digits; a number cell comes back as its shortest decimal text, which
is how an ID that Excel stored as a number is recognised as mangled.
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pandas as pd
import pyarrow as pa

from edupoverty.core.errors import InputError
from edupoverty.io.readers.raw import RawSheet, SkippedSheet

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
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
        InputError: the file is empty, not a workbook, encrypted or corrupt.
    """
    problem = _sniff_problem(path)
    if problem:
        raise InputError.of(problem, file=path.name)
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
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
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
        sheets.append(RawSheet(path=path, sheet=name, cells=arrow_to_text_frame(table)))
    return sheets, skipped


def arrow_to_text_frame(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """Return an Arrow table as a DataFrame of ``string[pyarrow]`` columns named 0..n-1."""
    frame = table.to_pandas(
        types_mapper={
            pa.string(): pd.StringDtype("pyarrow"),
            pa.large_string(): pd.StringDtype("pyarrow"),
        }.get
    )
    frame.columns = range(frame.shape[1])
    for col in frame.columns:
        if not isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].astype(pd.StringDtype("pyarrow"))
    return frame


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
