"""Annotated copies: the clerk's own files, same rows and row numbers, offending cells marked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from edupoverty.core import columns as C
from edupoverty.core.errors import OutputError
from edupoverty.core.findings import FINDING_COLUMNS
from edupoverty.io.loading import load_inputs
from edupoverty.io.workbook import write_annotated_copies
from edupoverty.io.workbook.annotate import (
    MARK_COLUMNS,
    annotated_name,
    copy_sheet_name,
    rule_specs,
    split_ref,
)
from edupoverty.io.workbook.styles import MAX_CELL_CHARS, SEVERITY_COLOURS
from factories import make_id
from filebuilders import registry_rows_merged, write_csv, write_xls, write_xlsx

ROSTER = "城关镇中心小学学籍.xlsx"
LEDGER = "2024秋寄宿生生活补助发放花名册.csv"
INJECTION = "=cmd|' /C calc'!A0"
ACCOUNT = "6228480012345678901"
BAD_ID = "41142220120305123"


def _title(code: str) -> str:
    return next(s.title for s in rule_specs() if s.code == code)


def _severity(code: str) -> str:
    return next(s.severity.value for s in rule_specs() if s.code == code)


def build_roster(folder: Path) -> Path:
    """A roster whose table starts in column B under a title row: data rows 3–60, a bad ID on row 57."""
    rows: list[list[Any]] = [
        [None, "城关镇中心小学2024年秋季学期学籍名册"],
        [None, "学校名称", "姓名", "身份证件号", "年级", "学籍状态"],
    ]
    rows += [
        [
            None,
            "城关镇中心小学",
            f"学生{i}",
            BAD_ID if i == 57 else make_id(seq=i),
            "三年级",
            "在读",
        ]
        for i in range(3, 61)
    ]
    return write_xlsx(folder / ROSTER, {"Sheet1": rows})


LEDGER_ROWS: list[list[Any]] = [
    ["乡镇", "学校", "姓名", "身份证号", "资助项目", "学期", "金额", "银行卡号"],
    [
        "城关镇",
        "城关镇中心小学",
        "学生3",
        make_id(seq=3),
        "寄宿生生活补助(小学)",
        "2024秋",
        "500",
        ACCOUNT,
    ],
    [
        "城关镇",
        "城关镇中心小学",
        "学生3",
        make_id(seq=3),
        "寄宿生生活补助(小学)",
        "2024秋",
        "500",
        ACCOUNT,
    ],
    [
        "城关镇",
        "城关镇中心小学",
        "学生4",
        make_id(seq=4),
        "寄宿生生活补助(小学)",
        "2024秋",
        "-400",
        ACCOUNT,
    ],
    [
        "城关镇",
        "城关镇中心小学",
        INJECTION,
        make_id(seq=5),
        "寄宿生生活补助(小学)",
        "2024秋",
        "500",
        ACCOUNT,
    ],
]


def finding(rule: str, source: str, file: str, sheet: str, row: int, **kw: Any) -> dict[str, Any]:
    """One finding row (FINDING_COLUMNS) located on a row."""
    base: dict[str, Any] = dict.fromkeys(FINDING_COLUMNS)
    base.update(
        rule=rule,
        severity=_severity(rule),
        source=source,
        file=file,
        sheet=sheet,
        row=row,
        message=f"{rule} 的说明。",
        related="",
        evidence="{}",
    )
    base.update(kw)
    return base


def make_findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A findings frame with the engine's dtypes."""
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    return frame


def ledger_findings(file: str = LEDGER, sheet: str = "") -> list[dict[str, Any]]:
    """A duplicate payment on row 3 (related: row 2), an amount mismatch on row 4, a probable match on row 5."""
    return [
        finding(
            "DUPLICATE_AID",
            "ledger",
            file,
            sheet,
            3,
            person_id=make_id(seq=3),
            related=f"ledger:{file}:{sheet}:2",
        ),
        finding(
            "AMOUNT_MISMATCH",
            "ledger",
            file,
            sheet,
            4,
            person_id=make_id(seq=4),
            amount_cents=-90000,
            message=f"金额不符：{make_id(seq=4)} 应发 500 元。",
        ),
        finding("PROBABLE_MATCH", "ledger", file, sheet, 5, name=INJECTION),
    ]


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Any]:
    """A roster xlsx and a ledger CSV on disk, loaded, with findings on both."""
    folder = tmp_path / "in"
    folder.mkdir()
    roster = build_roster(folder)
    ledger = write_csv(folder / LEDGER, LEDGER_ROWS)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    findings = make_findings(
        [
            finding("MISSED_AID", "roster", ROSTER, "Sheet1", 5, name="学生5"),
            finding(
                "INVALID_ID",
                "roster",
                ROSTER,
                "Sheet1",
                57,
                name="学生57",
                message="证件号码为17位，应为18位。",
            ),
            *ledger_findings(),
        ]
    )
    return {
        "roster": roster,
        "ledger": ledger,
        "loaded": loaded,
        "findings": findings,
        "out": tmp_path / "out",
    }


def _fill(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type == "solid" else ""


def test_annotated_copy_fills_offending_id_cell_and_keeps_row_numbers(
    inputs: dict[str, Any],
) -> None:
    """INVALID_ID on row 57 fills D57 (the ID column, after the empty column A) and comments it; every row matches the original."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    path = copies[ROSTER]
    assert path == inputs["out"] / "annotated" / "城关镇中心小学学籍.核查.xlsx"
    copy = openpyxl.load_workbook(path)["Sheet1"]
    original = openpyxl.load_workbook(inputs["roster"])["Sheet1"]
    assert copy["D57"].value == BAD_ID
    assert _fill(copy["D57"]) == SEVERITY_COLOURS["medium"]
    assert copy["D57"].comment is not None
    assert (
        "证件号码为17位" in copy["D57"].comment.text
        and _title("INVALID_ID") in copy["D57"].comment.text
    )
    assert _fill(copy["C57"]) == "" and copy["C57"].comment is None
    for row in range(1, 61):
        assert [copy.cell(row, c).value for c in range(1, 7)] == [
            original.cell(row, c).value for c in range(1, 7)
        ]


def test_annotated_copy_appends_result_column_after_last_used_column(
    inputs: dict[str, Any],
) -> None:
    """核查结果 heads column G on the header row; marked rows name their rules there."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    ws = openpyxl.load_workbook(copies[ROSTER])["Sheet1"]
    assert ws["G2"].value == "核查结果"
    assert ws["G57"].value == _title("INVALID_ID")
    assert ws["G5"].value == _title("MISSED_AID")
    assert ws["G6"].value is None


def test_annotated_copy_marks_name_cell_for_missed_aid_and_keeps_formatting(
    inputs: dict[str, Any],
) -> None:
    """MISSED_AID fills the name cell (C5) high; the original's column widths survive."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    ws = openpyxl.load_workbook(copies[ROSTER])["Sheet1"]
    assert _fill(ws["C5"]) == SEVERITY_COLOURS["high"]
    assert ws.column_dimensions["B"].width == 14


def test_annotated_copy_converts_csv_to_xlsx_with_same_row_numbers(inputs: dict[str, Any]) -> None:
    """A CSV becomes .xlsx, one sheet named after the file, CSV line n on row n; cells marked per rule."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    wb = openpyxl.load_workbook(copies[LEDGER])
    assert wb.sheetnames == [copy_sheet_name(LEDGER, "")]
    ws = wb.active
    for r, row in enumerate(LEDGER_ROWS, start=1):
        assert str(ws.cell(r, 3).value).lstrip("'") == row[2]
    assert _fill(ws["E3"]) == SEVERITY_COLOURS["high"]  # DUPLICATE_AID marks the programme
    assert _title("DUPLICATE_AID") in ws["E3"].comment.text
    assert "相关" in ws["E2"].comment.text and "第3行" in ws["E2"].comment.text
    assert _fill(ws["G4"]) == SEVERITY_COLOURS["medium"]  # AMOUNT_MISMATCH marks the amount
    assert ws["G4"].value == -400 and ws["G4"].data_type == "n"
    assert ws["I1"].value == "核查结果" and ws["I3"].value == _title("DUPLICATE_AID")


def test_annotated_copy_comments_only_the_offending_cell(inputs: dict[str, Any]) -> None:
    """No comment is copied across the row: only the marked cell of row 3 has one."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    ws = openpyxl.load_workbook(copies[LEDGER]).active
    commented = [c.coordinate for c in ws[3] if c.comment is not None]
    assert commented == ["E3"]


def test_annotated_copy_keeps_ids_as_text_and_formula_names_as_text(inputs: dict[str, Any]) -> None:
    """IDs from a CSV stay 18-character text; a name beginning with = is a string, never a formula."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    ws = openpyxl.load_workbook(copies[LEDGER]).active
    assert ws["D2"].data_type == "s" and ws["D2"].value == make_id(seq=3)
    assert ws["H2"].data_type == "s" and ws["H2"].value == ACCOUNT
    assert (
        ws["C5"].data_type == "s"
        and ws["C5"].value.endswith(INJECTION)
        and not ws["C5"].value.startswith("=")
    )


def test_annotated_copies_skip_files_without_findings_unless_annotate_all(
    inputs: dict[str, Any],
) -> None:
    """A file with no finding gets no copy; --annotate-all copies it, with the result column header only."""
    roster_only = inputs["findings"][inputs["findings"]["file"] == ROSTER]
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], roster_only)
    assert set(copies) == {ROSTER}
    everything = write_annotated_copies(
        inputs["out"], inputs["loaded"], roster_only, annotate_all=True
    )
    assert set(everything) == {ROSTER, LEDGER}
    ws = openpyxl.load_workbook(everything[LEDGER]).active
    assert ws["I1"].value == "核查结果" and ws["I3"].value is None


def test_annotated_copies_skip_huge_input_with_a_note(inputs: dict[str, Any]) -> None:
    """A file with more data rows than max_rows is skipped, and the note names it."""
    copies = write_annotated_copies(
        inputs["out"], inputs["loaded"], inputs["findings"], max_rows=10
    )
    assert ROSTER not in copies and ROSTER in copies.skipped
    assert "58" in copies.skipped[ROSTER]
    assert not (inputs["out"] / "annotated" / annotated_name(ROSTER)).exists()


def test_annotated_copy_masks_ids_and_accounts(inputs: dict[str, Any]) -> None:
    """--mask rewrites ID and account cells below the header, and IDs inside comments."""
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"], mask=True)
    roster = openpyxl.load_workbook(copies[ROSTER])["Sheet1"]
    full = make_id(seq=3)
    assert roster["D3"].value == full[:6] + "*" * 8 + full[-4:]
    assert roster["D2"].value == "身份证件号"
    ledger = openpyxl.load_workbook(copies[LEDGER]).active
    values = [str(c.value) for row in ledger.iter_rows() for c in row if c.value is not None]
    comments = [c.comment.text for row in ledger.iter_rows() for c in row if c.comment is not None]
    assert not any(make_id(seq=n) in v for v in values + comments for n in (3, 4, 5))
    assert not any(ACCOUNT in v for v in values)


def test_annotated_copy_never_modifies_input_and_refuses_output_equal_to_input(
    inputs: dict[str, Any],
) -> None:
    """The inputs' bytes are unchanged; an annotated path that is an input is refused; no temp file is left."""
    before = {p: p.read_bytes() for p in (inputs["roster"], inputs["ledger"])}
    write_annotated_copies(inputs["out"], inputs["loaded"], inputs["findings"])
    assert {p: p.read_bytes() for p in before} == before
    protected = inputs["out"] / "annotated" / annotated_name(ROSTER)
    with pytest.raises(OutputError):
        write_annotated_copies(
            inputs["out"], inputs["loaded"], inputs["findings"], inputs=[protected]
        )
    assert not list(inputs["out"].rglob("*.tmp"))


def test_annotated_copy_of_xls_input_becomes_xlsx(tmp_path: Path) -> None:
    """An old .xls ledger becomes .xlsx with its sheet name, rows and marked cells."""
    xls = write_xls(tmp_path / "发放台账.xls", {"2024秋": LEDGER_ROWS})
    loaded = load_inputs(ledger=[xls])
    copies = write_annotated_copies(
        tmp_path / "out", loaded, make_findings(ledger_findings("发放台账.xls", "2024秋"))
    )
    assert copies["发放台账.xls"].name == "发放台账.核查.xlsx"
    ws = openpyxl.load_workbook(copies["发放台账.xls"])["2024秋"]
    assert ws["C3"].value == "学生3" and _fill(ws["E3"]) == SEVERITY_COLOURS["high"]
    assert ws["D3"].value == make_id(seq=3)


def test_annotated_copy_finds_columns_under_a_two_row_merged_header(tmp_path: Path) -> None:
    """A registry with a merged two-row header: NOT_ENROLLED fills the name cell; 核查结果 sits on the header's last row."""
    rows, merges = registry_rows_merged(
        [["城关镇", "东村", "001", "李娜", make_id(seq=8), "之女", "脱贫户", "否", "小学"]]
    )
    path = write_xlsx(
        tmp_path / "防返贫监测对象名单.xlsx", {"城关镇": rows}, merges={"城关镇": merges}
    )
    loaded = load_inputs(registry=[path])
    findings = make_findings(
        [finding("NOT_ENROLLED", "registry", path.name, "城关镇", 4, name="李娜")]
    )
    copies = write_annotated_copies(tmp_path / "out", loaded, findings)
    ws = openpyxl.load_workbook(copies[path.name])["城关镇"]
    assert ws["D4"].value == "李娜" and _fill(ws["D4"]) == SEVERITY_COLOURS["high"]
    assert ws["J3"].value == "核查结果"
    assert ws.merged_cells.ranges  # the original's merges are kept


LONG_NAME = "张" * 40_000
"""A name pasted forty thousand times over: a finding quoting it exceeds Excel's cell limit."""


def _decline_patching(*_args: object, **_kwargs: object) -> None:
    from edupoverty.io.workbook.xlsx_parts import PatchDeclinedError

    raise PatchDeclinedError("test: take the openpyxl path")


@pytest.mark.parametrize(
    "copy_path",
    [
        pytest.param("patched", id="xlsx补丁"),
        pytest.param("openpyxl", id="xlsx经openpyxl"),
        pytest.param("converted", id="csv转xlsx"),
    ],
)
def test_annotated_copy_cuts_a_comment_over_excels_limit_with_a_note(
    inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch, copy_path: str
) -> None:
    """A finding message of 40,000 characters becomes a comment of exactly 32,767 ending with the truncation note, on every way a copy is made (it was longer, or dropped); a control character XML forbids is removed."""
    if copy_path == "openpyxl":
        monkeypatch.setattr("edupoverty.io.workbook.xlsx_patch.patch_xlsx", _decline_patching)
    file, sheet, row, cell = (
        (LEDGER, "", 4, "G4") if copy_path == "converted" else (ROSTER, "Sheet1", 57, "D57")
    )
    rule = "AMOUNT_MISMATCH" if copy_path == "converted" else "INVALID_ID"
    source = "ledger" if copy_path == "converted" else "roster"
    message = f"姓名「\x0b{LONG_NAME}」的记录有误。"  # a stray \x0b, as pasted names carry
    findings = make_findings([finding(rule, source, file, sheet, row, message=message)])
    copies = write_annotated_copies(inputs["out"], inputs["loaded"], findings)
    ws = openpyxl.load_workbook(copies[file]).worksheets[0]
    comment = ws[cell].comment
    assert comment is not None
    whole = f"【{_title(rule)}】{message}".replace("\x0b", "")
    assert len(comment.text) == MAX_CELL_CHARS
    assert comment.text.startswith(whole[:100])
    assert comment.text.endswith(f"已截断；原文共 {len(whole)} 字）")


def test_annotated_copy_of_csv_reads_it_again_with_the_given_encoding(tmp_path: Path) -> None:
    """A UTF-16 CSV without a BOM read under --encoding utf-16-le is copied with its names intact, not re-detected as GB18030 mojibake."""
    ledger = write_csv(tmp_path / LEDGER, LEDGER_ROWS, encoding="utf-16-le")
    loaded = load_inputs(ledger=[ledger], encoding="utf-16-le")
    assert loaded.ledger[C.NAME].tolist()[0] == "学生3"
    copies = write_annotated_copies(
        tmp_path / "out", loaded, make_findings(ledger_findings()), encoding="utf-16-le"
    )
    ws = openpyxl.load_workbook(copies[LEDGER]).active
    assert [ws.cell(1, c).value for c in range(1, 4)] == ["乡镇", "学校", "姓名"]
    assert [ws.cell(r, 3).value for r in (2, 3, 4)] == ["学生3", "学生3", "学生4"]
    assert _fill(ws["E3"]) == SEVERITY_COLOURS["high"]


def test_mark_columns_cover_every_rule() -> None:
    """The rule → marked column table names every registered rule."""
    assert set(MARK_COLUMNS) == {s.code for s in rule_specs()}


def test_split_ref_reads_related_references_with_colons_in_file_names() -> None:
    """``source:file:sheet:row`` splits from the right; an empty CSV sheet stays empty."""
    assert split_ref("ledger:a:b.csv::12") == ("ledger", "a:b.csv", "", 12)
    assert split_ref("roster:学籍.xlsx:Sheet1:57") == ("roster", "学籍.xlsx", "Sheet1", 57)
    assert split_ref("nonsense") is None
