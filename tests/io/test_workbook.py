"""reconcile.xlsx: 汇总 first, a sheet per rule that fired, 说明 last; text stays text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
import unicodedata
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import edupoverty
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.errors import OutputError
from edupoverty.core.findings import FINDING_COLUMNS, RuleSpec
from edupoverty.core.summary import FileFacts, RuleFacts, Summary
from edupoverty.i18n import catalogue, set_language, t
from edupoverty.io.loading import LoadedInputs, load_inputs
from edupoverty.io.workbook import reconcile_book, write_annotated_copies, write_reconcile_workbook
from edupoverty.io.workbook.annotate import copy_sheet_name, rule_specs
from edupoverty.io.workbook.styles import (
    CURRENCY_FORMAT,
    SEVERITY_COLOURS,
    column_widths,
    display_width,
    safe_text,
)
from factories import make_id
from filebuilders import write_csv, write_xlsx

ROSTER = "城关镇中心小学学籍.xlsx"
LEDGER = "2024秋寄宿生生活补助发放花名册.csv"
INJECTION = "=cmd|' /C calc'!A0"
FORMULA_NAMES = ['=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "-2+3"]
ACCOUNT = "6228480012345678901"


def _spec(code: str) -> RuleSpec:
    return next(s for s in rule_specs() if s.code == code)


def build_inputs(folder: Path) -> tuple[Path, Path]:
    """A roster whose table starts in column B under a title row; a ledger CSV with an account."""
    roster_rows: list[list[Any]] = [
        [None, "城关镇中心小学2024年秋季学期学籍名册"],
        [None, "学校名称", "姓名", "身份证件号", "年级", "学籍状态"],
    ]
    for i in range(3, 61):
        ident = "41142220120305123" if i == 57 else make_id(seq=i)
        roster_rows.append([None, "城关镇中心小学", f"学生{i}", ident, "三年级", "在读"])
    roster = write_xlsx(folder / ROSTER, {"Sheet1": roster_rows})
    ledger = write_csv(
        folder / LEDGER,
        [
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
        ],
    )
    return roster, ledger


def finding(rule: str, source: str, file: str, sheet: str, row: int, **kw: Any) -> dict[str, Any]:
    """One finding row (FINDING_COLUMNS) located on a row, as a rule would make it."""
    spec = _spec(rule)
    base = {
        "rule": rule,
        "severity": spec.severity.value,
        "person_id": None,
        "name": None,
        "source": source,
        "file": file,
        "sheet": sheet,
        "row": row,
        "program": None,
        "term": None,
        "amount_cents": None,
        "message": f"{rule} 的说明。",
        "related": "",
        "evidence": "{}",
    }
    base.update(kw)
    return base


def make_findings(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A findings frame with the engine's dtypes."""
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    for col in FINDING_COLUMNS:
        if col not in ("row", "amount_cents"):
            frame[col] = frame[col].astype(pd.StringDtype("pyarrow"))
    return frame


def scenario_findings() -> pd.DataFrame:
    """Findings on the roster (rows 5 and 57) and on the ledger CSV (rows 3, 4 and 5)."""
    return make_findings(
        [
            finding(
                "MISSED_AID",
                "roster",
                ROSTER,
                "Sheet1",
                5,
                person_id=make_id(seq=5),
                name="学生5",
                program="boarding_primary",
                term="2024秋",
                amount_cents=50000,
            ),
            finding(
                "DUPLICATE_AID",
                "ledger",
                LEDGER,
                "",
                3,
                person_id=make_id(seq=3),
                name="学生3",
                program="boarding_primary",
                term="2024秋",
                amount_cents=50000,
                related=f"ledger:{LEDGER}::2",
            ),
            finding(
                "INVALID_ID",
                "roster",
                ROSTER,
                "Sheet1",
                57,
                name="学生57",
                message="证件号码为17位，应为18位。",
            ),
            finding(
                "AMOUNT_MISMATCH",
                "ledger",
                LEDGER,
                "",
                4,
                person_id=make_id(seq=4),
                name="学生4",
                program="boarding_primary",
                term="2024秋",
                amount_cents=-90000,
                message=f"金额不符：{make_id(seq=4)} 应发 500 元。",
            ),
            finding(
                "PROBABLE_MATCH", "ledger", LEDGER, "", 5, person_id=make_id(seq=5), name=INJECTION
            ),
        ]
    )


def make_result(findings: pd.DataFrame) -> ReconcileResult:
    """A ReconcileResult as the engine returns it, every rule run."""
    return ReconcileResult(
        findings=findings,
        issues=pd.DataFrame(
            columns=["source", "file", "sheet", "row", "column", "code", "params", "level"]
        ),
        terms=("2024秋",),
        as_of=dt.date(2024, 11, 1),
        rules_run=[s.code for s in rule_specs()],
    )


def make_summary(loaded: LoadedInputs, result: ReconcileResult) -> Summary:
    """The Summary summary.json would hold (built by hand: no policy file needed)."""
    counts = result.counts()
    specs = {s.code: s for s in rule_specs()}
    return Summary(
        version="0.1.0",
        as_of=result.as_of.isoformat(),
        terms=list(result.terms),
        policy={"name": "测试政策", "source": "builtin", "fingerprint": "x"},
        files=[
            FileFacts(
                file=r.file,
                path=str(r.path),
                kind=str(r.sheets[0].kind),
                sheets=[s.sheet for s in r.sheets],
                rows_read=r.rows_read,
                rows_rejected=r.rows_rejected,
            )
            for r in loaded.files
        ],
        rows_read={
            "registry": len(loaded.registry),
            "roster": len(loaded.roster),
            "ledger": len(loaded.ledger),
        },
        rows_rejected=0,
        row_issues={},
        rules=[
            RuleFacts(
                rule=c,
                title=specs[c].title,
                severity=specs[c].severity.value,
                count=v["count"],
                people=v["people"],
                amount=Decimal(v["amount_cents"]) / 100,
            )
            for c, v in counts.items()
        ],
        rules_skipped={},
        findings_total=len(result.findings),
        findings_by_severity={},
        amount_total=Decimal(int(result.findings["amount_cents"].dropna().abs().sum())) / 100,
    )


@pytest.fixture
def run(tmp_path: Path) -> dict[str, Any]:
    """Inputs on disk, loaded; findings; annotated copies and reconcile.xlsx written."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    roster, ledger = build_inputs(inputs)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(scenario_findings())
    out = tmp_path / "out"
    copies = write_annotated_copies(out, loaded, result.findings)
    target = out / "reconcile.xlsx"
    write_reconcile_workbook(
        target,
        loaded,
        result,
        make_summary(loaded, result),
        annotated=copies,
        inputs=[roster, ledger],
    )
    return {
        "loaded": loaded,
        "result": result,
        "out": out,
        "target": target,
        "copies": copies,
        "roster": roster,
        "ledger": ledger,
    }


def _rule_sheet(wb: Any, code: str) -> Any:
    return wb[_spec(code).title]


def _headers(ws: Any) -> list[str]:
    return [c.value for c in ws[1]]


def _column(ws: Any, header: str) -> int:
    return _headers(ws).index(header) + 1


def test_reconcile_workbook_orders_sheets_summary_rules_then_notes(run: dict[str, Any]) -> None:
    """汇总 comes first, then one sheet per rule that fired in SPEC order, 说明 last."""
    wb = openpyxl.load_workbook(run["target"])
    fired = [s.title for s in rule_specs() if s.code in set(run["result"].findings["rule"])]
    assert wb.sheetnames == [t("workbook.sheet.summary"), *fired, t("workbook.sheet.notes")]
    assert wb.sheetnames[0] == "汇总" and wb.sheetnames[-1] == "说明"


def test_reconcile_workbook_rule_sheet_has_chinese_headers_frozen_and_filtered(
    run: dict[str, Any],
) -> None:
    """A rule sheet's header is Chinese, frozen, and carries an autofilter over the table."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "MISSED_AID")
    headers = _headers(ws)
    assert headers[:13] == [
        "规则",
        "严重程度",
        "身份证号",
        "姓名",
        "来源",
        "文件",
        "工作表",
        "行号",
        "资助项目",
        "学期",
        "金额(元)",
        "说明",
        "相关行",
    ]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")


def test_reconcile_workbook_stores_ids_as_text_and_amounts_as_currency(run: dict[str, Any]) -> None:
    """IDs are string cells with the text format; amounts are numbers in yuan with a currency format."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "MISSED_AID")
    id_cell = ws.cell(2, _column(ws, "身份证号"))
    assert id_cell.data_type == "s" and id_cell.value == make_id(seq=5)
    assert id_cell.number_format == "@" and "E+" not in str(id_cell.value)
    amount = ws.cell(2, _column(ws, "金额(元)"))
    assert amount.data_type == "n" and amount.value == 500
    assert amount.number_format == CURRENCY_FORMAT


def test_reconcile_workbook_fills_severity_cell_by_severity(run: dict[str, Any]) -> None:
    """The severity cell of a high finding carries the high fill; a low one the low fill."""
    wb = openpyxl.load_workbook(run["target"])
    high = _rule_sheet(wb, "MISSED_AID").cell(2, 2)
    low = _rule_sheet(wb, "PROBABLE_MATCH").cell(2, 2)
    assert high.value == "高" and high.fill.fgColor.rgb.endswith(SEVERITY_COLOURS["high"])
    assert low.fill.fgColor.rgb.endswith(SEVERITY_COLOURS["low"])


def test_reconcile_workbook_links_rows_into_existing_annotated_copy(run: dict[str, Any]) -> None:
    """The 行号 cell links to the annotated copy's sheet and row, and the file and sheet exist."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "INVALID_ID")
    cell = ws.cell(2, _column(ws, "行号"))
    assert cell.value == 57
    link = cell.hyperlink
    assert link.target == "annotated/城关镇中心小学学籍.核查.xlsx"
    assert link.location == "'Sheet1'!A57"
    copy = run["target"].parent / link.target
    assert copy.exists()
    assert "Sheet1" in openpyxl.load_workbook(copy).sheetnames


def test_reconcile_workbook_links_csv_rows_to_the_converted_sheet(run: dict[str, Any]) -> None:
    """A CSV row links to the sheet named after the file in its converted copy."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "DUPLICATE_AID")
    link = ws.cell(2, _column(ws, "行号")).hyperlink
    copy = openpyxl.load_workbook(run["target"].parent / link.target)
    sheet = link.location.rsplit("!", 1)[0].strip("'")
    assert sheet in copy.sheetnames


def test_reconcile_workbook_keeps_formula_like_name_as_text(run: dict[str, Any]) -> None:
    """A name beginning with = is a string cell, never a formula."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "PROBABLE_MATCH")
    cell = ws.cell(2, _column(ws, "姓名"))
    assert cell.data_type == "s"
    assert cell.value == safe_text(INJECTION)
    assert not str(cell.value).startswith("=")


def test_reconcile_workbook_summary_has_facts_rule_table_pivot_and_charts(
    run: dict[str, Any],
) -> None:
    """汇总 states the as-of date, the inputs with rows read, a rule table, a pivot and two charts."""
    wb = openpyxl.load_workbook(run["target"])
    ws = wb["汇总"]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "2024-11-01" in texts and "2024秋" in texts
    assert ROSTER in texts and LEDGER in texts
    assert "按规则统计" in texts and "按乡镇和学校统计" in texts
    assert "城关镇中心小学" in texts and "城关镇" in texts
    assert t("workbook.fact.ids_full") in texts
    assert len(ws._charts) == 2
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref


def test_reconcile_workbook_summary_pivot_counts_findings_per_school(run: dict[str, Any]) -> None:
    """All five findings belong to 城关镇中心小学 in 城关镇 (the roster row takes the ledger's township)."""
    ws = openpyxl.load_workbook(run["target"])["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    pivot = next(r for r in rows if r[0] == "城关镇" and r[1] == "城关镇中心小学")
    assert pivot[-1] == 5


def test_reconcile_workbook_notes_sheet_explains_every_rule(run: dict[str, Any]) -> None:
    """说明 lists every rule with its severity, description and action."""
    ws = openpyxl.load_workbook(run["target"])["说明"]
    assert _headers(ws)[:5] == ["规则", "规则代码", "严重程度", "含义", "处理建议"]
    codes = [ws.cell(r, 2).value for r in range(2, ws.max_row + 1)]
    assert codes == [s.code for s in rule_specs()]
    first = rule_specs()[0]
    assert ws.cell(2, 4).value == first.description and ws.cell(2, 5).value == first.action


def test_reconcile_workbook_masks_ids_accounts_and_ids_in_messages(tmp_path: Path) -> None:
    """--mask writes IDs and accounts masked, masks IDs inside messages, and says so on 汇总."""
    roster, ledger = build_inputs(tmp_path)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(scenario_findings())
    target = tmp_path / "out" / "reconcile.xlsx"
    write_reconcile_workbook(target, loaded, result, make_summary(loaded, result), mask=True)
    wb = openpyxl.load_workbook(target)
    ws = _rule_sheet(wb, "AMOUNT_MISMATCH")
    full = make_id(seq=4)
    assert ws.cell(2, _column(ws, "身份证号")).value == full[:6] + "*" * 8 + full[-4:]
    assert ws.cell(2, _column(ws, "银行卡号")).value.count("*") >= 8
    assert full not in ws.cell(2, _column(ws, "说明")).value
    everything = [
        str(c.value)
        for s in wb.worksheets
        for row in s.iter_rows()
        for c in row
        if c.value is not None
    ]
    assert not any(full in v or ACCOUNT in v for v in everything)
    assert t("workbook.fact.ids_masked") in everything


def test_reconcile_workbook_shows_raw_id_when_id_is_invalid(run: dict[str, Any]) -> None:
    """An INVALID_ID finding has no person_id; the sheet shows the ID as written, as text."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "INVALID_ID")
    cell = ws.cell(2, _column(ws, "身份证号"))
    assert cell.value == "41142220120305123" and cell.data_type == "s"


def test_reconcile_workbook_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    """An output path equal to an input path is refused, and the input is untouched."""
    roster, ledger = build_inputs(tmp_path)
    before = roster.read_bytes()
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(scenario_findings())
    with pytest.raises(OutputError):
        write_reconcile_workbook(roster, loaded, result, make_summary(loaded, result))
    assert roster.read_bytes() == before


def test_reconcile_workbook_leaves_no_temp_file_and_keeps_inputs_unchanged(
    run: dict[str, Any],
) -> None:
    """Only the workbook and the annotated folder are in the output; the inputs' bytes are as built."""
    out: Path = run["out"]
    assert sorted(p.name for p in out.iterdir()) == ["annotated", "reconcile.xlsx"]
    assert not list(out.rglob("*.tmp"))


def test_reconcile_workbook_writes_empty_findings_with_summary_and_notes_only(
    tmp_path: Path,
) -> None:
    """No findings: 汇总 and 说明 only, still valid."""
    roster, ledger = build_inputs(tmp_path)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(make_findings([]))
    target = tmp_path / "out" / "reconcile.xlsx"
    write_reconcile_workbook(target, loaded, result, make_summary(loaded, result))
    assert openpyxl.load_workbook(target).sheetnames == ["汇总", "说明"]


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", INJECTION, "\t=1", "\r=1"]
)
def test_safe_text_stores_formula_like_text_as_string(tmp_path: Path, text: str) -> None:
    """Formula-like text written through safe_text reopens as a string, with openpyxl and xlsxwriter."""
    import xlsxwriter

    from edupoverty.io.workbook.styles import XLSXWRITER_OPTIONS

    wb = openpyxl.Workbook()
    wb.active["A1"] = safe_text(text)
    wb.save(tmp_path / "o.xlsx")
    xw = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), XLSXWRITER_OPTIONS)
    xw.add_worksheet().write(0, 0, safe_text(text))
    xw.close()
    for name in ("o.xlsx", "x.xlsx"):
        cell = openpyxl.load_workbook(tmp_path / name).active["A1"]
        assert cell.data_type == "s"
        assert cell.value.startswith("'")
        assert cell.value.endswith(text.lstrip("\t\r"))  # a CR itself comes back as LF or _x000D_


def test_safe_text_leaves_ordinary_text_and_removes_control_characters() -> None:
    """A name stays as written; XML-illegal control characters are dropped; None is empty."""
    assert safe_text("张伟") == "张伟"
    assert safe_text("王\x0b芳") == "王芳"
    assert safe_text(None) == ""
    assert safe_text(500) == "500"


def test_display_width_counts_cjk_characters_twice() -> None:
    """城关镇 is six columns wide, abc three; widths fit the widest cell within bounds."""
    assert display_width("城关镇") == 6
    assert display_width("abc") == 3
    assert column_widths(["姓名", "x"], [["城关镇中心小学", "1"]]) == [16.0, 6.0]


def test_workbook_message_ids_exist_in_both_languages() -> None:
    """Every ``workbook.`` id the writers use is in the catalogue, in Chinese and English."""
    package = Path(edupoverty.__file__).parent / "io" / "workbook"
    pattern = re.compile(r"[\"'](workbook\.[a-z0-9_.]+)[\"']")
    used = {m for p in package.glob("*.py") for m in pattern.findall(p.read_text(encoding="utf-8"))}
    known = catalogue()
    assert used and used <= set(known)
    assert all(
        zh.strip() and en.strip() for key, (zh, en) in known.items() if key.startswith("workbook.")
    )


def test_reconcile_workbook_names_sheets_in_english_under_lang_en(
    run: dict[str, Any], tmp_path: Path
) -> None:
    """Sheet names follow --lang: Summary first and Rules explained last in English."""
    set_language("en")
    try:
        target = tmp_path / "en.xlsx"
        write_reconcile_workbook(
            target, run["loaded"], run["result"], make_summary(run["loaded"], run["result"])
        )
        names = openpyxl.load_workbook(target).sheetnames
    finally:
        set_language("zh")
    assert names[0] == "Summary" and names[-1] == "Rules explained"
    assert all(len(n) <= 31 for n in names)


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed"
)
def test_reconcile_workbook_converts_to_pdf_with_libreoffice(
    run: dict[str, Any], tmp_path: Path
) -> None:
    """A real spreadsheet program opens reconcile.xlsx: LibreOffice converts it to PDF."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office is not None
    pdf_dir = tmp_path / "pdf"
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf_dir),
            str(run["target"]),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    pdf = pdf_dir / "reconcile.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def _sheet_xml(path: Path) -> dict[str, bytes]:
    """Every worksheet part of an xlsx package, by part name."""
    with zipfile.ZipFile(path) as package:
        return {
            name: package.read(name)
            for name in package.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


def _write_findings(folder: Path, rows: list[dict[str, Any]], **kw: Any) -> Path:
    """Write reconcile.xlsx for findings on the built inputs; return its path."""
    roster, ledger = build_inputs(folder)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(make_findings(rows))
    target = folder / "out" / "reconcile.xlsx"
    write_reconcile_workbook(target, loaded, result, make_summary(loaded, result), **kw)
    return target


def test_reconcile_workbook_stores_formula_like_names_as_text_not_formulas(tmp_path: Path) -> None:
    """Names shaped like a formula, a link or a signed sum are string cells; no sheet holds a formula."""
    rows = [
        finding(
            "PROBABLE_MATCH",
            "roster",
            ROSTER,
            "Sheet1",
            3 + i,
            person_id=make_id(seq=3 + i),
            name=n,
        )
        for i, n in enumerate(FORMULA_NAMES)
    ]
    target = _write_findings(tmp_path, rows)
    wb = openpyxl.load_workbook(target)
    ws = _rule_sheet(wb, "PROBABLE_MATCH")
    cells = [ws.cell(r, _column(ws, "姓名")) for r in range(2, 2 + len(FORMULA_NAMES))]
    assert [c.value for c in cells] == [safe_text(n) for n in FORMULA_NAMES]
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for s in wb.worksheets for row in s.iter_rows() for c in row)
    assert not any(b"<f>" in xml or b"<f " in xml for xml in _sheet_xml(target).values())


def test_reconcile_workbook_keeps_id_ending_in_x_as_text(run: dict[str, Any]) -> None:
    """An ID whose check digit is X is a string cell in text format, the X kept."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "AMOUNT_MISMATCH")
    cell = ws.cell(2, _column(ws, "身份证号"))
    assert cell.value == make_id(seq=4) and cell.value.endswith("X")
    assert cell.data_type == "s" and cell.number_format == "@"


def test_reconcile_workbook_writes_negative_amount_as_currency_number(run: dict[str, Any]) -> None:
    """A negative amount is a number in yuan with the currency format, not text."""
    ws = _rule_sheet(openpyxl.load_workbook(run["target"]), "AMOUNT_MISMATCH")
    cell = ws.cell(2, _column(ws, "金额(元)"))
    assert cell.data_type == "n" and cell.value == -900
    assert cell.number_format == CURRENCY_FORMAT


def test_reconcile_workbook_link_keeps_row_number_and_encodes_hash_in_target(
    tmp_path: Path,
) -> None:
    """A copy named with # and a space links whole: target percent-encoded with /, row kept a number."""
    copy = tmp_path / "out" / "annotated" / "第#1 小学.核查.xlsx"
    rows = [
        finding("DUPLICATE_AID", "ledger", LEDGER, "", 3, person_id=make_id(seq=3), name="学生3")
    ]
    target = _write_findings(tmp_path, rows, annotated={LEDGER: copy})
    ws = _rule_sheet(openpyxl.load_workbook(target), "DUPLICATE_AID")
    cell = ws.cell(2, _column(ws, "行号"))
    assert cell.data_type == "n" and cell.value == 3
    assert cell.hyperlink.target == "annotated/第%231%20小学.核查.xlsx"
    assert cell.hyperlink.location == f"'{copy_sheet_name(LEDGER, '')}'!A3"


def test_reconcile_workbook_stops_linking_at_the_per_sheet_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows past the links-per-sheet limit keep their number without a link, and nothing warns."""
    monkeypatch.setattr(reconcile_book, "MAX_LINKS_PER_SHEET", 2)
    rows = [
        finding("DUPLICATE_AID", "ledger", LEDGER, "", r, person_id=make_id(seq=r), name=f"学生{r}")
        for r in (3, 4, 5)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        target = _write_findings(
            tmp_path, rows, annotated={LEDGER: tmp_path / "out" / "annotated" / "x.核查.xlsx"}
        )
    ws = _rule_sheet(openpyxl.load_workbook(target), "DUPLICATE_AID")
    col = _column(ws, "行号")
    assert [ws.cell(r, col).value for r in (2, 3, 4)] == [3, 4, 5]
    assert [ws.cell(r, col).hyperlink is not None for r in (2, 3, 4)] == [True, True, False]


def test_reconcile_workbook_draws_native_bar_charts_on_summary(run: dict[str, Any]) -> None:
    """汇总 carries two native bar charts drawn from its own rule and school tables."""
    with zipfile.ZipFile(run["target"]) as package:
        names = set(package.namelist())
        assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= names
        assert "drawing" in package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        chart = package.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "汇总!$D$" in chart


def test_reconcile_workbook_leaves_previous_file_and_no_temp_files_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the rule sheets streamed keeps the old reconcile.xlsx and leaves no temp file."""
    roster, ledger = build_inputs(tmp_path)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(scenario_findings())
    summary = make_summary(loaded, result)
    out = tmp_path / "out"
    target = out / "reconcile.xlsx"
    write_reconcile_workbook(target, loaded, result, summary)
    before = target.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def fail(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(reconcile_book, "_write_notes_sheet", fail)
    with pytest.raises(RuntimeError, match="disk went away"):
        write_reconcile_workbook(target, loaded, result, summary)
    assert [p.name for p in out.iterdir()] == ["reconcile.xlsx"]
    assert target.read_bytes() == before
    assert not list(scratch.iterdir())


def test_display_width_matches_east_asian_width_across_unicode() -> None:
    """The cached width lookup counts exactly the characters unicodedata calls wide or full-width."""
    chars = [chr(c) for c in (*range(0x20, 0x3400, 7), *range(0xF900, 0x10000, 5))]
    chars += ["\U00020000", "\U0001f600", "\U0001d400", "é", "\u0301"]
    text = "".join(chars)
    expected = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    assert display_width(text) == expected
    assert display_width("ab\n城关镇中心小学\nxyz") == 14
    assert display_width("") == 0 and display_width("x" * 5000) == 5000
