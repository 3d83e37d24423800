"""Annotated copies of .xlsx inputs made by patching the package (issue 7).

Every copy here is made through ``write_annotated_copies`` on files read by the real
loader, and checked two ways: opened with openpyxl as a clerk's Excel would show it, and
taken apart as a zip (no formula left, no full ID in any member, every relationship
pointing at a part that exists, worksheet children in the order the schema demands).
"""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table

from edupoverty.core.findings import FINDING_COLUMNS
from edupoverty.io.loading import load_inputs
from edupoverty.io.workbook import write_annotated_copies, xlsx_patch, xlsx_sheet
from edupoverty.io.workbook.annotate import rule_specs
from edupoverty.io.workbook.styles import HEADER_COLOUR, SEVERITY_COLOURS
from edupoverty.io.workbook.xlsx_patch import PatchDeclinedError, patch_xlsx
from factories import make_id

ROSTER = "城关镇中心小学学籍.xlsx"
LEDGER = "2024秋寄宿生生活补助发放花名册.xlsx"
NAMES = [
    "王浩然",
    "李欣怡",
    "张子涵",
    "刘宇轩",
    "陈思彤",
    "杨梓萱",
    "赵俊杰",
    "黄雨桐",
    "周博文",
    "吴诗琪",
]
ROSTER_HEADER = ["学校名称", "姓名", "性别", "身份证件号", "年级", "学籍状态"]
LEDGER_HEADER = ["序号", "学校", "年级", "姓名", "身份证号", "资助项目", "金额", "银行卡号"]
BAD_ID = make_id(seq=57)[:17]
_ORDER = (
    "sheetPr dimension sheetViews sheetFormatPr cols sheetData sheetCalcPr sheetProtection "
    "protectedRanges scenarios autoFilter sortState dataConsolidate customSheetViews mergeCells "
    "phoneticPr conditionalFormatting dataValidations hyperlinks printOptions pageMargins "
    "pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors "
    "smartTags drawing legacyDrawing legacyDrawingHF drawingHF picture oleObjects controls "
    "webPublishItems tableParts extLst"
).split()
"""CT_Worksheet's children in schema order (ECMA-376 Part 1, 18.3.1.99)."""


def _pupil(i: int) -> list[Any]:
    """One 学籍 row: school, name, sex, ID, grade, status; row 57's ID has only 17 characters."""
    name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
    pid = BAD_ID if i == 57 else make_id(seq=i)
    return ["城关镇中心小学", name, "女" if i % 2 else "男", pid, "三年级", "在读"]


def roster_rows(first_col: int = 0) -> list[list[Any]]:
    """A title on row 1, the header on row 2, pupils on rows 3–60, shifted right by ``first_col``."""
    pad: list[Any] = [None] * first_col
    rows = [pad + ["城关镇中心小学2024年秋季学期学籍名册"], pad + ROSTER_HEADER]
    return rows + [pad + _pupil(i) for i in range(3, 61)]


def write_roster_xlsxwriter(path: Path, rows: list[list[Any]], **extra: Any) -> Path:
    """Write the roster as the 学籍 system exports it: shared strings, a bold header, widths."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("2024秋")
    bold = wb.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value, bold if r == 1 else None)
    ws.set_column(0, 12, 14)
    ws.freeze_panes(2, 0)
    for key, value in extra.items():
        if key == "blank_styled_column":  # a coloured, empty column from the template
            fill = wb.add_format({"bg_color": "#FFFF00"})
            for r in range(2, len(rows)):
                ws.write_blank(r, value, None, fill)
        if key == "notes_sheet":
            wb.add_worksheet("填表说明").write_string(0, 0, value)
    wb.close()
    return path


def write_roster_openpyxl(path: Path, rows: list[list[Any]]) -> Path:
    """Write the roster as openpyxl saves it: inline strings, no r: namespace on the root."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024秋"
    for row in rows:
        ws.append(row)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    ws.column_dimensions["B"].width = 18
    wb.save(path)
    return path


def write_ledger(path: Path, *, formulas: bool = False) -> Path:
    """A 发放花名册 with a bold header, amounts formatted #,##0.00 and bank accounts."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("花名册")
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws.write_string(0, 0, "城关县2024年秋季学期寄宿生生活补助发放花名册")
    ws.write_row(1, 0, LEDGER_HEADER, bold)
    for i in range(10):
        r = i + 2
        ws.write_number(r, 0, i + 1)
        ws.write_row(r, 1, ["城关镇中心小学", "三年级", NAMES[i], make_id(seq=i + 3)])
        ws.write_string(r, 5, "寄宿生生活补助(小学)")
        if formulas and i < 3:
            ws.write_formula(r, 6, "=250*2", money, 500)
        else:
            ws.write_number(r, 6, 500, money)
        ws.write_string(r, 7, f"622848001234567{i:04d}")
    if formulas:
        ws.write_formula(12, 1, '="合计"&"："', None, "合计：")
        ws.write_formula(12, 6, "=SUM(G3:G12)", money, 5000)
    ws.set_column(3, 3, 20)
    ws.set_column(7, 7, 24)
    ws.data_validation(2, 6, 11, 6, {"validate": "decimal", "criteria": ">=", "value": 0})
    wb.close()
    return path


def finding(rule: str, source: str, file: str, sheet: str, row: int, **kw: Any) -> dict[str, Any]:
    """One finding row (FINDING_COLUMNS) located on a row."""
    spec = next(s for s in rule_specs() if s.code == rule)
    base: dict[str, Any] = dict.fromkeys(FINDING_COLUMNS)
    base.update(rule=rule, severity=spec.severity.value, source=source, file=file, sheet=sheet)
    base.update(row=row, message=f"{spec.title}：第{row}行需核对。", related="", evidence="{}")
    base.update(kw)
    return base


def annotate(
    out: Path,
    kind: str,
    path: Path,
    findings: list[dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
    *,
    mask: bool = False,
    patched: bool = True,
) -> Path:
    """Load ``path``, write its annotated copy and check the package; assert which path made it."""
    loaded = load_inputs(**{kind: [path]})
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="edupoverty.io.workbook.annotate"):
        copies = write_annotated_copies(out, loaded, frame, mask=mask)
    fell_back = any("openpyxl instead" in r.getMessage() for r in caplog.records)
    assert fell_back is not patched, [r.getMessage() for r in caplog.records]
    copy = copies[path.name]
    assert_package_consistent(copy)
    return copy


def assert_package_consistent(path: Path) -> None:
    """Every part is typed, every relationship target exists, every XML part is well formed,
    and every worksheet's children come in schema order."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        overrides = set(re.findall(r'PartName="/([^"]+)"', types))
        defaults = {e.lower() for e in re.findall(r'Extension="([^"]+)"', types)}
        assert overrides <= names
        for name in names:
            assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
            if name.endswith((".xml", ".rels", ".vml")):
                ElementTree.fromstring(z.read(name))
        for rels in (n for n in names if n.endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels))
            for tag in re.findall(r"<Relationship\b[^>]*>", z.read(rels).decode()):
                if 'TargetMode="External"' in tag:
                    continue
                target = re.search(r'Target="([^"]+)"', tag)[1]  # type: ignore[index]
                resolved = (
                    target[1:]
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                assert resolved in names, (rels, target)
        for name in (n for n in names if n.startswith("xl/worksheets/sheet")):
            children = [el.tag.rsplit("}", 1)[-1] for el in ElementTree.fromstring(z.read(name))]
            positions = [_ORDER.index(c) for c in children]
            assert positions == sorted(positions), (name, children)


def members(path: Path) -> dict[str, bytes]:
    """Every member of a zip, inflated."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rewrite_member(path: Path, name: str, edit: Callable[[bytes], bytes]) -> Path:
    """Rewrite one member of a zip in place (the way a quirky exporter would have written it)."""
    parts = members(path)
    parts[name] = edit(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


def fill(cell: Any) -> str:
    """The RGB of a cell's solid fill, or ''."""
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type == "solid" else ""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An input folder the copies are never written into."""
    (tmp_path / "in").mkdir()
    return tmp_path / "in"


WRITERS = [
    pytest.param(write_roster_xlsxwriter, id="xlsxwriter共享字符串"),
    pytest.param(write_roster_openpyxl, id="openpyxl内联字符串"),
]


@pytest.mark.parametrize("write", WRITERS)
def test_patched_copy_fills_and_comments_the_offending_cell(
    folder: Path, caplog: pytest.LogCaptureFixture, write: Callable[..., Path]
) -> None:
    """INVALID_ID on row 57 fills and comments D57; every other cell and row number is as sent."""
    path = write(folder / ROSTER, roster_rows())
    findings = [
        finding("INVALID_ID", "roster", ROSTER, "2024秋", 57, message="证件号码为17位，应为18位。")
    ]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    original = openpyxl.load_workbook(path)["2024秋"]
    assert ws["D57"].value == BAD_ID and fill(ws["D57"]) == SEVERITY_COLOURS["medium"]
    assert ws["D57"].comment is not None and "证件号码为17位" in ws["D57"].comment.text
    assert fill(ws["C57"]) == "" and ws["C57"].comment is None and ws["D56"].comment is None
    assert ws["G2"].value == "核查结果" and ws["G57"].value == "证件号码无效"
    for row in range(1, 61):
        assert [ws.cell(row, c).value for c in range(1, 7)] == [
            original.cell(row, c).value for c in range(1, 7)
        ]


def test_patched_copy_keeps_formatting_of_untouched_cells(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The bold header, the amount format, widths, freeze panes and validation survive; 核查结果 gets the header look."""
    path = write_ledger(folder / LEDGER)
    findings = [finding("AMOUNT_MISMATCH", "ledger", LEDGER, "花名册", 5, name=NAMES[2])]
    copy = annotate(folder.parent / "out", "ledger", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["花名册"]
    assert ws["D2"].font.b and ws["G4"].number_format == "#,##0.00"
    assert fill(ws["G5"]) == SEVERITY_COLOURS["medium"] and ws["G5"].number_format == "#,##0.00"
    assert ws.column_dimensions["D"].width == pytest.approx(20.7109375)
    assert len(ws.data_validations.dataValidation) == 1
    assert ws["I2"].value == "核查结果" and ws["I2"].font.b and fill(ws["I2"]) == HEADER_COLOUR
    assert ws["I5"].value == "金额不符"


def test_patched_copy_copies_unmarked_rows_and_other_parts_byte_for_byte(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows without a mark, the theme, the document properties and a sheet with no table are copied as they were."""
    path = write_roster_xlsxwriter(
        folder / ROSTER, roster_rows(), notes_sheet="学籍状态按学籍系统填写"
    )
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 10)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    before, after = members(path), members(copy)
    for name in ("xl/theme/theme1.xml", "docProps/app.xml", "xl/worksheets/sheet2.xml"):
        assert after[name] == before[name]
    row = re.compile(rb'<row r="(?:9|11|40)".*?</row>')
    assert row.findall(after["xl/worksheets/sheet1.xml"]) == row.findall(
        before["xl/worksheets/sheet1.xml"]
    )
    assert b'<pane ySplit="2"' in after["xl/worksheets/sheet1.xml"]


def test_patched_copy_places_result_column_after_the_last_value_not_the_last_format(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A coloured empty column J does not push 核查结果 past it: it goes in G, and the A:M width range is split around it."""
    path = write_roster_xlsxwriter(folder / ROSTER, roster_rows(), blank_styled_column=9)
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 8)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert ws["G2"].value == "核查结果" and ws["G8"].value == "应助未助"
    assert fill(ws["J8"]) == "FFFF00" and ws["J8"].value is None
    cols = re.findall(rb"<col [^>]*>", members(copy)["xl/worksheets/sheet1.xml"])
    assert [re.findall(rb'(?:min|max|width)="([\d.]+)"', c) for c in cols] == [
        [b"1", b"6", b"14.7109375"],
        [b"7", b"7", b"10.0"],
        [b"8", b"13", b"14.7109375"],
    ]
    assert b'<dimension ref="A1:J60"/>' in members(copy)["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("write", WRITERS)
def test_patched_copy_masks_ids_everywhere_in_the_package(
    folder: Path, caplog: pytest.LogCaptureFixture, write: Callable[..., Path]
) -> None:
    """Under --mask no member of the copy holds a full ID, not even the shared-string table."""
    path = write(folder / ROSTER, roster_rows())
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 5)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog, mask=True)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    full = make_id(seq=3)
    assert ws["D3"].value == full[:6] + "*" * 8 + full[-4:] and ws["D2"].value == "身份证件号"
    everything = b"".join(members(copy).values())
    assert not any(make_id(seq=i).encode() in everything for i in range(3, 61) if i != 57)
    assert BAD_ID.encode() not in everything and "王浩然".encode() in everything


def test_patched_copy_masks_bank_accounts_and_keeps_amounts(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """银行卡号 cells are masked in place; the 金额 numbers and their format are untouched."""
    path = write_ledger(folder / LEDGER)
    findings = [finding("DUPLICATE_AID", "ledger", LEDGER, "花名册", 4)]
    copy = annotate(folder.parent / "out", "ledger", path, findings, caplog, mask=True)
    ws = openpyxl.load_workbook(copy)["花名册"]
    assert ws["H3"].value == "622848*********0000" and ws["G3"].value == 500
    assert b"6228480012345670000" not in b"".join(members(copy).values())


def test_patched_copy_replaces_formulas_with_the_values_excel_showed(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """=250*2 becomes 500, a text formula its text, a formula without a value its own text; no <f> or calcChain is left."""
    path = write_ledger(folder / LEDGER, formulas=True)

    def without_cached_value(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="G4"[^>]*>)<f>250\*2</f><v>500</v>', rb"\1<f>250*2</f>", xml)

    rewrite_member(path, "xl/worksheets/sheet1.xml", without_cached_value)
    calc = b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="G3" i="1"/></calcChain>'
    rewrite_member(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda x: x.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
        ),
    )
    rewrite_member(
        path,
        "[Content_Types].xml",
        lambda x: x.replace(
            b"</Types>",
            b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
        ),
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/calcChain.xml", calc)
    findings = [finding("AMOUNT_MISMATCH", "ledger", LEDGER, "花名册", 3)]
    copy = annotate(folder.parent / "out", "ledger", path, findings, caplog)
    parts = members(copy)
    assert not any(
        re.search(rb"<f[\s>/]", parts[n]) for n in parts if n.startswith("xl/worksheets/")
    )
    assert "xl/calcChain.xml" not in parts and b"calcChain" not in parts["[Content_Types].xml"]
    ws = openpyxl.load_workbook(copy)["花名册"]
    assert ws["G3"].value == 500 and ws["G3"].data_type == "n" and fill(ws["G3"]) != ""
    assert ws["G4"].value == "'=250*2" and ws["G5"].value == 500
    assert ws["B13"].value == "合计：" and ws["G13"].value == 5000


def test_patched_copy_moves_a_mark_inside_a_merged_range_to_its_top_left(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A name merged over rows 5–6: the mark on row 6 fills and comments B5, the row keeps its own result."""
    rows = roster_rows()
    rows[5][1] = None
    wb_path = write_roster_openpyxl(folder / ROSTER, rows)
    wb = openpyxl.load_workbook(wb_path)
    wb["2024秋"].merge_cells("B5:B6")
    wb.save(wb_path)
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 6)]
    copy = annotate(folder.parent / "out", "roster", wb_path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert fill(ws["B5"]) == SEVERITY_COLOURS["high"] and ws["B5"].comment is not None
    assert ws["G6"].value == "应助未助" and ws["G5"].value is None
    assert "B5:B6" in {str(r) for r in ws.merged_cells.ranges}


def test_patched_copy_keeps_existing_comments_and_puts_them_first(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The clerk's comment on D57 heads the new text; the one on B10 stays as written."""
    path = write_roster_openpyxl(folder / ROSTER, roster_rows())
    wb = openpyxl.load_workbook(path)
    wb["2024秋"]["D57"].comment = Comment("身份证号待家长补交", "王老师")
    wb["2024秋"]["B10"].comment = Comment("已转入，待学籍系统确认", "王老师")
    wb.save(path)
    findings = [finding("INVALID_ID", "roster", ROSTER, "2024秋", 57, message="证件号码为17位。")]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    text = ws["D57"].comment.text
    assert text.startswith("身份证号待家长补交\n") and "证件号码为17位" in text
    assert (
        ws["B10"].comment.text == "已转入，待学籍系统确认" and ws["B10"].comment.author == "王老师"
    )
    assert sum(n.endswith(".vml") for n in members(copy)) == 1


def test_patched_copy_finds_columns_when_the_table_starts_in_column_c(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two empty leading columns: the ID of row 57 is in F, and 核查结果 in I."""
    path = write_roster_xlsxwriter(folder / ROSTER, roster_rows(first_col=2))
    findings = [finding("INVALID_ID", "roster", ROSTER, "2024秋", 57)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert ws["F57"].value == BAD_ID and fill(ws["F57"]) == SEVERITY_COLOURS["medium"]
    assert ws["I2"].value == "核查结果" and ws["I57"].value == "证件号码无效"


def test_patched_copy_puts_the_comment_drawing_before_table_parts(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A sheet with a page setup, a header/footer and an Excel table gets <legacyDrawing> between them."""
    path = write_roster_openpyxl(folder / ROSTER, roster_rows())
    wb = openpyxl.load_workbook(path)
    ws = wb["2024秋"]
    ws.add_table(Table(displayName="学籍表", ref="A2:F60"))
    ws.oddFooter.center.text = "第 &P 页"
    ws.page_setup.orientation = "landscape"
    wb.save(path)
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 7)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    sheet = members(copy)["xl/worksheets/sheet1.xml"]
    assert (
        sheet.index(b"<headerFooter") < sheet.index(b"<legacyDrawing") < sheet.index(b"<tableParts")
    )
    assert openpyxl.load_workbook(copy)["2024秋"].tables["学籍表"].ref == "A2:F60"


def test_patched_copy_inserts_rows_the_sheet_does_not_have_in_order(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A related mark on empty row 30 and on row 64 below the table: both rows are created, in order."""
    rows = roster_rows()
    rows[29] = [None] * 6
    path = write_roster_xlsxwriter(folder / ROSTER, rows)
    findings = [
        finding(
            "DUPLICATE_ENROLLMENT",
            "roster",
            ROSTER,
            "2024秋",
            31,
            related=f"roster:{ROSTER}:2024秋:30",
        ),
        finding("MISSED_AID", "roster", ROSTER, "2024秋", 64),
    ]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    numbers = [
        int(n) for n in re.findall(rb'<row r="(\d+)"', members(copy)["xl/worksheets/sheet1.xml"])
    ]
    assert numbers == sorted(numbers) and 30 in numbers and numbers[-1] == 64
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert ws["G30"].value == ws["G31"].value and ws["B30"].comment is not None
    assert ws["G64"].value == "应助未助" and fill(ws["B64"]) == SEVERITY_COLOURS["high"]


def test_patched_copy_defuses_text_that_a_spreadsheet_would_run(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A shared-string name =HYPERLINK(…) is stored with a leading apostrophe; a text -500 stays as it is."""
    rows = roster_rows()
    rows[4][1] = '=HYPERLINK("http://example.com","点此")'
    rows[5][5] = "-500"
    path = write_roster_xlsxwriter(folder / ROSTER, rows)
    findings = [finding("MISSED_AID", "roster", ROSTER, "2024秋", 9)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert ws["B5"].value == "'" + rows[4][1] and ws["F6"].value == "-500"


def test_patched_copy_of_an_xlsm_drops_the_macros(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An .xlsm's copy is an .xlsx: no VBA project, the plain workbook content type."""
    vba = folder.parent / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0 not a real project")
    path = folder / "城关镇中心小学学籍.xlsm"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    ws = wb.add_worksheet("2024秋")
    for r, row in enumerate(roster_rows()):
        ws.write_row(r, 0, row)
    wb.add_vba_project(str(vba))
    wb.close()
    copy = annotate(
        folder.parent / "out",
        "roster",
        path,
        [finding("MISSED_AID", "roster", path.name, "2024秋", 4)],
        caplog,
    )
    parts = members(copy)
    assert copy.name == "城关镇中心小学学籍.核查.xlsx" and "xl/vbaProject.bin" not in parts
    assert (
        b"macroEnabled" not in parts["[Content_Types].xml"]
        and b"vbaProject" not in parts["xl/_rels/workbook.xml.rels"]
    )
    assert openpyxl.load_workbook(copy)["2024秋"]["G4"].value == "应助未助"


def test_annotate_falls_back_to_openpyxl_for_cells_without_r(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A sheet whose cells carry no r attribute is declined by the patcher; openpyxl still makes the copy."""
    path = write_roster_openpyxl(folder / ROSTER, roster_rows())
    rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb'<c r="[A-Z]+\d+"', b"<c", x)
    )
    findings = [finding("INVALID_ID", "roster", ROSTER, "2024秋", 57)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog, patched=False)
    ws = openpyxl.load_workbook(copy)["2024秋"]
    assert fill(ws["D57"]) == SEVERITY_COLOURS["medium"] and ws["G57"].value == "证件号码无效"


def test_patch_xlsx_declines_strict_ooxml_before_writing_anything(folder: Path) -> None:
    """A workbook in the Strict namespace raises PatchDeclinedError and leaves no file behind."""
    path = write_roster_xlsxwriter(folder / ROSTER, roster_rows())
    rewrite_member(
        path,
        "xl/workbook.xml",
        lambda x: x.replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
    )
    target = folder.parent / "out" / "copy.xlsx"
    with pytest.raises(PatchDeclinedError, match="transitional"):
        patch_xlsx(path, target, [], [path])
    assert not target.parent.exists() or not list(target.parent.iterdir())


def test_patch_xlsx_streams_big_sheets_to_the_same_bytes(
    folder: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in 4 KiB chunks instead of at once, the copy is byte for byte the same."""
    path = write_roster_xlsxwriter(folder / ROSTER, roster_rows())
    findings = [
        finding("INVALID_ID", "roster", ROSTER, "2024秋", 57),
        finding("MISSED_AID", "roster", ROSTER, "2024秋", 30),
    ]
    whole = members(annotate(folder.parent / "a", "roster", path, findings, caplog, mask=True))
    monkeypatch.setattr(xlsx_sheet, "CHUNK", 4096)
    monkeypatch.setattr(xlsx_patch, "IN_MEMORY", 0)
    streamed = members(annotate(folder.parent / "b", "roster", path, findings, caplog, mask=True))
    assert streamed == whole


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed",
)
def test_patched_copy_converts_to_csv_with_libreoffice(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """LibreOffice, an Excel-family reader, opens the patched copy and shows the marked rows."""
    path = write_roster_xlsxwriter(folder / ROSTER, roster_rows())
    findings = [finding("INVALID_ID", "roster", ROSTER, "2024秋", 57)]
    copy = annotate(folder.parent / "out", "roster", path, findings, caplog)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office is not None
    subprocess.run(
        [
            office,
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(folder.parent / "csv"),
            str(copy),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    lines = (folder.parent / "csv" / (copy.stem + ".csv")).read_text(encoding="utf-8").splitlines()
    assert lines[1].endswith("核查结果") and lines[56].endswith("证件号码无效")
