"""Build real-format input files in tmp_path: the quirks of government exports, made by code.

Every builder writes a file the way the exporting system or Excel would, so reader tests
exercise bytes a clerk really has (see tests/data/README.md for the catalogue).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import xlwt
from openpyxl.utils import get_column_letter

LEDGER_TITLE = "城关县2024年秋季学期义务教育阶段家庭经济困难学生生活补助发放花名册"


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    merges: dict[str, Sequence[str]] | None = None,
    hidden: Sequence[str] = (),
) -> Path:
    """Write rows per sheet (None = empty cell); ``merges`` lists ranges like ``A2:A3``."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for rng in (merges or {}).get(name, ()):
            ws.merge_cells(rng)
        if name in hidden:
            ws.sheet_state = "hidden"
        for c in range(1, max((len(r) for r in rows), default=0) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 14
    wb.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """Write an old-format .xls (BIFF8) workbook with xlwt."""
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    """Write a CSV as Excel would save it (every row as wide as the widest)."""
    width = max(len(r) for r in rows)
    lines = []
    for row in rows:
        cells = ["" if v is None else str(v) for v in row] + [""] * (width - len(row))
        lines.append(delimiter.join(_quote(c, delimiter) for c in cells))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _quote(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def ledger_rows(
    data: Sequence[Sequence[Any]], *, total: bool = True, footer: bool = True
) -> list[list[Any]]:
    """A 发放花名册: title row, header on row 2, data from row 3, 合计 and 填表人 rows."""
    rows: list[list[Any]] = [
        [LEDGER_TITLE],
        ["序号", "学校", "年级", "姓名", "身份证号", "资助项目", "金额", "发放日期"],
    ]
    rows += [[i + 1, *r] for i, r in enumerate(data)]
    if total:
        rows.append(["合计", None, None, None, None, None, "=SUM(G3:G9)", None])
    if footer:
        rows.append([None])
        rows.append(["填表人：王芳", None, None, "审核人：李强", None, None, None, None])
    return rows


def registry_rows_merged(data: Sequence[Sequence[Any]]) -> tuple[list[list[Any]], list[str]]:
    """A registry sheet: title row 1, two-row merged header on rows 2–3, data from row 4."""
    rows: list[list[Any]] = [
        ["城关县防返贫监测对象及脱贫人口信息表（城关镇）"],
        [
            "乡(镇)",
            "行政村",
            "户编号",
            "家庭成员信息",
            None,
            None,
            None,
            "风险是否消除",
            "在校生状况",
        ],
        [None, None, None, "姓名", "证件号码", "与户主关系", "人口类型", None, None],
    ]
    rows += [list(r) for r in data]
    rows.append(["合计", None, None, f"{len(data)}人", None, None, None, None, None])
    merges = ["A1:I1", "A2:A3", "B2:B3", "C2:C3", "D2:G2", "H2:H3", "I2:I3"]
    return rows, merges
