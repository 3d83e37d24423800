"""audit.xlsx written row by row: text stays text, numbers stay numbers, charts, no debris."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from edupoverty.core.audit import (
    RECTIFICATION_COLUMNS,
    AuditReport,
    HistoryFacts,
    Indicator,
    UnitFigures,
)
from edupoverty.core.config import AuditThresholds
from edupoverty.i18n import t
from edupoverty.io.history import no_findings
from edupoverty.io.workbook import audit_book
from edupoverty.io.workbook.audit_book import write_audit_book
from edupoverty.io.workbook.styles import (
    CURRENCY_FORMAT,
    INFO_COLOUR,
    PASS_COLOUR,
    SEVERITY_COLOURS,
    safe_text,
)
from factories import make_id

FORMULA_NAMES = ['=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "-2+3"]
SCHOOL = "城关镇中心小学"


def make_report(previous_run: int | None = None) -> AuditReport:
    """A report with a failed, a passed and an uncomputable indicator, two townships and money."""
    return AuditReport(
        as_of="2024-11-01",
        terms=["2024秋"],
        policy={"name": "测试政策", "source": "builtin", "fingerprint": "x"},
        thresholds=AuditThresholds(),
        passed=False,
        indicators=[
            Indicator(
                key="coverage",
                name="应助尽助率",
                value=0.5,
                unit="ratio",
                threshold=1.0,
                direction="min",
                passed=False,
                numerator=1,
                denominator=2,
            ),
            Indicator(
                key="data_quality",
                name="数据质量",
                value=1.0,
                unit="ratio",
                threshold=0.99,
                direction="min",
                passed=True,
            ),
            Indicator(
                key="irregular_money", name="违规资金", value=None, unit="yuan", note="没有台账"
            ),
        ],
        irregular_by_rule={"DUPLICATE_AID": 500.0},
        units=[
            UnitFigures(dimension="township", township="城关镇", entitled=2, paid=1, coverage=0.5),
            UnitFigures(dimension="township", township="南关镇", entitled=1, paid=1, coverage=1.0),
            UnitFigures(dimension="school", township="城关镇", school=SCHOOL, passed=False),
        ],
        history=None if previous_run is None else HistoryFacts(run_id=2, previous_run_id=1),
    )


def make_listing(names: list[str]) -> pd.DataFrame:
    """A 整改清单 frame (``RECTIFICATION_COLUMNS``): one MISSED_AID finding per name."""
    rows = [
        {
            "township": "城关镇",
            "school": SCHOOL,
            "status": "new",
            "rule": "MISSED_AID",
            "severity": "high",
            "person_id": make_id(seq=4 + 8 * i),
            "name": name,
            "program": "boarding_primary",
            "program_name": "寄宿生生活补助(小学)",
            "term": "2024秋",
            "amount_cents": 50000 if i == 0 else None,
            "message": name,
            "source": "roster",
            "file": "学籍.xlsx",
            "sheet": "Sheet1",
            "row": 5 + i,
            "fingerprint": f"f{i}",
        }
        for i, name in enumerate(names)
    ]
    frame = pd.DataFrame(rows, columns=list(RECTIFICATION_COLUMNS))
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    frame["row"] = frame["row"].astype("Int64")
    return frame


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """audit.xlsx for formula-like names, with one resolved finding from run 1."""
    resolved = pd.concat(
        [
            no_findings(),
            pd.DataFrame(
                [
                    {
                        "fingerprint": "old",
                        "rule": "DUPLICATE_AID",
                        "severity": "medium",
                        "person_id": make_id(seq=20),
                        "name": "张二",
                        "program": "boarding_primary",
                        "term": "2024秋",
                        "amount_cents": 25000,
                        "message": "重复资助",
                        "source": "ledger",
                        "file": "台账.csv",
                        "sheet": "",
                        "row": 9,
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    target = tmp_path / "out" / "audit.xlsx"
    write_audit_book(target, make_report(previous_run=1), make_listing(FORMULA_NAMES), resolved)
    return target


def _header_index(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value is not None}


def test_audit_book_stores_formula_like_names_as_text_not_formulas(book: Path) -> None:
    """Names and messages shaped like formulas are string cells; no sheet holds a formula."""
    wb = openpyxl.load_workbook(book)
    ws = wb["整改清单"]
    col = _header_index(ws)["姓名"]
    cells = [ws.cell(r, col) for r in range(2, 2 + len(FORMULA_NAMES))]
    assert [c.value for c in cells] == [safe_text(n) for n in FORMULA_NAMES]
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for s in wb.worksheets for row in s.iter_rows() for c in row)
    with zipfile.ZipFile(book) as package:
        parts = [n for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in package.read(n) or b"<f " in package.read(n) for n in parts)


def test_audit_book_writes_ids_as_text_and_amounts_rows_as_numbers(book: Path) -> None:
    """整改清单 keeps an X-ending ID as text, the amount in yuan as currency, the row as a number."""
    ws = openpyxl.load_workbook(book)["整改清单"]
    cols = _header_index(ws)
    id_cell = ws.cell(2, cols["证件号码"])
    assert id_cell.value == make_id(seq=4) and id_cell.value.endswith("X")
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    amount = ws.cell(2, cols["金额(元)"])
    assert amount.data_type == "n" and amount.value == 500
    assert amount.number_format == CURRENCY_FORMAT
    assert ws.cell(3, cols["金额(元)"]).value is None
    assert ws.cell(3, cols["金额(元)"]).number_format == CURRENCY_FORMAT  # filled in later: money
    assert [ws.cell(r, 1).value for r in (2, 3)] == [1, 2]
    assert ws.cell(2, cols["行号"]).data_type == "n" and ws.cell(2, cols["行号"]).value == 5
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:R{1 + len(FORMULA_NAMES)}"


def test_audit_book_marks_results_and_an_uncomputable_value(book: Path) -> None:
    """指标 fills 未达标 red, 达标 green, an informational result grey, and says when a value is missing."""
    ws = openpyxl.load_workbook(book)["指标"]
    rows = {ws.cell(r, 1).value: r for r in range(2, 5)}
    fills = {name: ws.cell(r, 4).fill.fgColor.rgb for name, r in rows.items()}
    assert fills["应助尽助率"].endswith(SEVERITY_COLOURS["high"])
    assert fills["数据质量"].endswith(PASS_COLOUR)
    assert fills["违规资金"].endswith(INFO_COLOUR)
    coverage = ws.cell(rows["应助尽助率"], 2)
    assert coverage.value == 0.5 and coverage.number_format == "0.00%"
    assert ws.cell(rows["违规资金"], 2).value == t("audit.value_missing")


def test_audit_book_draws_money_and_coverage_charts_on_indicators(book: Path) -> None:
    """指标 carries a bar chart of irregular money and a column chart of coverage per township."""
    with zipfile.ZipFile(book) as package:
        charts = [
            package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/")
        ]
        assert "drawing" in package.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert len(charts) == 2
    assert any("分项指标!$H$2:$H$3" in c for c in charts)  # the two township rows


def test_audit_book_lists_resolved_findings_with_the_run_below(book: Path) -> None:
    """已整改 lists the gone finding, ID as text and amount as money, then names the previous run."""
    ws = openpyxl.load_workbook(book)["已整改"]
    cols = _header_index(ws)
    assert ws.cell(2, cols["姓名"]).value == "张二"
    assert ws.cell(2, cols["证件号码"]).data_type == "s"
    assert ws.cell(2, cols["金额(元)"]).value == 250
    assert ws.cell(4, 1).value == t("audit.resolved.since", run=1)


def test_audit_book_leaves_previous_file_and_no_temp_files_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after 整改清单 streamed keeps the old audit.xlsx and leaves no temp file anywhere."""
    target = tmp_path / "out" / "audit.xlsx"
    write_audit_book(target, make_report(), make_listing(["张一"]))
    before = target.read_bytes()
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def fail(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("disk went away")

    monkeypatch.setattr(audit_book, "_write_notes", fail)
    with pytest.raises(RuntimeError, match="disk went away"):
        write_audit_book(target, make_report(), make_listing(["张一", "张二"]))
    assert [p.name for p in target.parent.iterdir()] == ["audit.xlsx"]
    assert target.read_bytes() == before
    assert not list(scratch.iterdir())
