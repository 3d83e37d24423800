"""Audit indicators computed on hand-made frames whose answers are known."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from edupoverty.core.audit import (
    AuditReport,
    compute_audit,
    finding_fingerprints,
    irregular_payments,
    rectification_list,
    school_townships,
    status_against_previous,
)
from edupoverty.core.config import AuditThresholds
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
from factories import AS_OF, make_context, make_id, make_ledger, make_registry, make_roster

ALL_RULES = [
    "INVALID_ID",
    "ID_NUMBER_MANGLED",
    "IDENTITY_CONFLICT",
    "DUPLICATE_ENROLLMENT",
    "NOT_ENROLLED",
    "MISSED_AID",
    "DUPLICATE_AID",
    "INELIGIBLE_AID",
    "AMOUNT_MISMATCH",
    "PAID_NOT_ENROLLED",
    "PROBABLE_MATCH",
]
A, B, C, H = (make_id(f"2014030{i}", seq=100 + i) for i in (1, 2, 3, 4))
D = make_id("20110506", seq=201)  # 13 at the as-of date, on no roster
E = make_id("19800101", seq=301)  # an adult of the household
F = make_id("20130909", seq=401)  # paid, but in no registry and on no roster
CENTRE, RIVER = "城关镇中心小学", "河口乡小学"
REG_FILE, ROSTER_FILE, LEDGER_FILE = (
    "防返贫监测对象名单.xlsx",
    "城关镇中心小学学籍.xlsx",
    "2024秋寄宿生生活补助发放花名册.xlsx",
)


def _registry() -> pd.DataFrame:
    rows = [
        ("城关镇", "张一", A, "脱贫户"),
        ("城关镇", "张二", B, "低保"),
        ("城关镇", "张三", C, "监测对象"),
        ("城关镇", "张四", D, "脱贫户"),
        ("城关镇", "张父", E, "脱贫户"),
        ("河口乡", "王五", H, "脱贫户"),
    ]
    return make_registry(
        [
            {"township": t, "household": "H1", "name": n, "id": i, "category": c}
            for t, n, i, c in rows
        ]
    )


def _roster() -> pd.DataFrame:
    rows = [
        ("张一", A, "住校", CENTRE),
        ("张二", B, "走读", CENTRE),
        ("张三", C, "住校", CENTRE),
        ("王五", H, "住校", RIVER),
    ]
    return make_roster(
        [
            {
                "school": s,
                "name": n,
                "id": i,
                "grade": "四年级",
                "status": "在读",
                "boarding": b,
                "term": "2024秋",
            }
            for n, i, b, s in rows
        ]
    )


LEDGER_ROWS = [  # Excel rows 2..8
    ("张一", A, "小学寄宿生生活补助", "500"),
    ("张二", B, "小学非寄宿生生活补助", "250"),
    ("张二", B, "小学非寄宿生生活补助", "250"),  # row 4: DUPLICATE_AID, 250
    ("张三", C, "小学寄宿生生活补助", "600"),  # row 5: AMOUNT_MISMATCH, excess 100
    (
        "赵六",
        F,
        "小学寄宿生生活补助",
        "500",
    ),  # row 6: INELIGIBLE_AID and PAID_NOT_ENROLLED, 500 once
    (
        "钱七",
        A[:-1] + ("0" if A[-1] != "0" else "1"),
        "小学寄宿生生活补助",
        "500",
    ),  # row 7: bad check digit
    ("张一", A, "营养餐补助", "300"),  # row 8: unknown programme
]


def _ledger() -> pd.DataFrame:
    return make_ledger(
        [
            {
                "township": "城关镇",
                "school": CENTRE,
                "name": n,
                "id": i,
                "program": p,
                "term": "2024秋",
                "amount": a,
            }
            for n, i, p, a in LEDGER_ROWS
        ]
    )


def _finding(
    rule: str,
    person_id: str | None,
    source: str,
    file: str,
    row: int,
    program: str | None = None,
    amount: int | None = None,
) -> dict[str, Any]:
    severity = {"AMOUNT_MISMATCH": "medium", "INVALID_ID": "medium"}.get(rule, "high")
    return {
        "rule": rule,
        "severity": severity,
        "person_id": person_id,
        "name": "x",
        "source": source,
        "file": file,
        "sheet": "Sheet1" if source != "registry" else "城关镇",
        "row": row,
        "program": program,
        "term": "2024秋" if program else None,
        "amount_cents": amount,
        "message": f"{rule} 问题",
        "related": "",
        "evidence": "{}",
    }


def findings_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return a findings frame with the engine's dtypes from plain dicts."""
    empty = empty_findings()
    if not rows:
        return empty
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(empty.dtypes.to_dict())


FINDINGS = [
    _finding("INVALID_ID", None, "ledger", LEDGER_FILE, 7),
    _finding("NOT_ENROLLED", D, "registry", REG_FILE, 5),
    _finding("MISSED_AID", H, "roster", ROSTER_FILE, 5, "boarding_primary", 50000),
    _finding("DUPLICATE_AID", B, "ledger", LEDGER_FILE, 4, "nonboarding_primary", 25000),
    _finding("INELIGIBLE_AID", F, "ledger", LEDGER_FILE, 6, "boarding_primary", 50000),
    _finding("AMOUNT_MISMATCH", C, "ledger", LEDGER_FILE, 5, "boarding_primary", 10000),
    _finding("PAID_NOT_ENROLLED", F, "ledger", LEDGER_FILE, 6, "boarding_primary", 50000),
]
ISSUES = pd.DataFrame(
    [
        {
            "source": "ledger",
            "file": LEDGER_FILE,
            "sheet": "Sheet1",
            "row": 7,
            "column": "身份证号",
            "code": "row.id_invalid",
            "params": "{}",
            "level": "error",
        }
    ]
)


def _result(findings: list[dict[str, Any]] = FINDINGS) -> ReconcileResult:
    ctx = make_context(_registry(), _roster(), _ledger())
    return ReconcileResult(
        findings=findings_frame(findings),
        issues=ISSUES.iloc[0:0],
        terms=ctx.terms,
        as_of=AS_OF,
        rules_run=list(ALL_RULES),
        context=ctx,
    )


@pytest.fixture(scope="module")
def report() -> AuditReport:
    """The audit of the hand-made county under the default thresholds."""
    return compute_audit(_result(), ISSUES, AuditThresholds())


def test_audit_coverage_is_paid_over_entitled_persons_per_programme_and_term(
    report: AuditReport,
) -> None:
    """A, B and C are paid, H is not: 3 of 4, so 75% fails the 100% target."""
    coverage = report.indicator("coverage")
    assert (coverage.numerator, coverage.denominator, coverage.value) == (3, 4, 0.75)
    assert coverage.passed is False


def test_audit_counts_suspected_dropouts_and_their_share_of_school_age_children(
    report: AuditReport,
) -> None:
    """One NOT_ENROLLED person among five registered children of compulsory age (the adult is left out)."""
    assert (
        report.indicator("not_enrolled").value == 1
        and report.indicator("not_enrolled").passed is False
    )
    share = report.indicator("not_enrolled_share")
    assert (share.numerator, share.denominator, share.value) == (1, 5, 0.2)
    assert share.passed is None


def test_audit_irregular_money_counts_each_payment_once_and_only_the_excess(
    report: AuditReport,
) -> None:
    """250 duplicate + 500 paid to F (flagged twice, counted once) + 100 excess = 850 yuan."""
    money = report.indicator("irregular_money")
    assert money.value == 850.0 and money.passed is False
    assert report.irregular_by_rule == {
        "DUPLICATE_AID": 250.0,
        "INELIGIBLE_AID": 500.0,
        "PAID_NOT_ENROLLED": 0.0,
        "AMOUNT_MISMATCH": 100.0,
    }


def test_irregular_payments_ignores_underpayment() -> None:
    """An AMOUNT_MISMATCH below the standard (negative) is not irregular money."""
    frame = findings_frame(
        [_finding("AMOUNT_MISMATCH", C, "ledger", LEDGER_FILE, 5, "boarding_primary", -10000)]
    )
    assert irregular_payments(frame).empty


def test_audit_data_quality_counts_each_problem_row_once(report: AuditReport) -> None:
    """17 rows; the invalid-ID row (rejected, bad ID, unlinked) and the unknown-programme row: 15/17 clean."""
    quality = report.indicator("data_quality")
    assert (quality.numerator, quality.denominator) == (15, 17)
    assert quality.value == pytest.approx(15 / 17) and quality.passed is False
    assert report.indicator("bad_ids").value == 1
    assert report.indicator("unlinked_payments").value == 2
    assert report.indicator("rows_rejected").numerator == 1


def test_audit_fails_under_default_thresholds_and_passes_under_lenient_ones(
    report: AuditReport,
) -> None:
    """The same county fails the defaults and passes targets set just at its values."""
    assert report.passed is False
    lenient = AuditThresholds(
        coverage=0.75, max_not_enrolled=1, max_irregular_money=850, data_quality=0.88
    )
    assert compute_audit(_result(), ISSUES, lenient).passed is True


def test_audit_breaks_coverage_down_by_township_school_and_programme(report: AuditReport) -> None:
    """城关镇 has 3 of 3 paid, 河口乡 (township from the registry via its pupils) 0 of 1."""
    towns = {u.township: u for u in report.units if u.dimension == "township"}
    assert (towns["城关镇"].entitled, towns["城关镇"].paid, towns["城关镇"].not_enrolled) == (
        3,
        3,
        1,
    )
    assert towns["城关镇"].irregular_yuan == 850.0 and towns["城关镇"].passed is False
    assert (towns["河口乡"].entitled, towns["河口乡"].paid, towns["河口乡"].coverage) == (1, 0, 0.0)
    schools = {u.school: u for u in report.units if u.dimension == "school"}
    assert schools[RIVER].township == "河口乡" and schools[CENTRE].township == "城关镇"
    programmes = {(u.program, u.term): u for u in report.units if u.dimension == "program_term"}
    assert (
        programmes[("boarding_primary", "2024秋")].entitled,
        programmes[("boarding_primary", "2024秋")].paid,
    ) == (3, 2)
    assert (
        programmes[("nonboarding_primary", "2024秋")].entitled,
        programmes[("nonboarding_primary", "2024秋")].paid,
    ) == (1, 1)


def test_school_townships_prefers_ledger_pairs_then_registry_pupils() -> None:
    """The centre school's township comes from the ledger; the river school's from its pupils' registry rows."""
    mapping = school_townships(make_context(_registry(), _roster(), _ledger()))
    assert mapping.to_dict() == {CENTRE: "城关镇", RIVER: "河口乡"}


def test_audit_marks_indicator_not_computable_when_its_rule_did_not_run() -> None:
    """Without NOT_ENROLLED in the run, the dropout indicator is n/a and does not fail the audit."""
    result = _result()
    result.rules_run = [r for r in ALL_RULES if r != "NOT_ENROLLED"]
    item = compute_audit(result, ISSUES, AuditThresholds()).indicator("not_enrolled")
    assert item.value is None and item.passed is None


def test_status_against_previous_marks_new_and_open_by_fingerprint() -> None:
    """A finding whose fingerprint was in the previous run is open; others are new, whatever their row."""
    frame = findings_frame(FINDINGS[1:3])
    moved = findings_frame([{**FINDINGS[1], "row": 99}])
    previous = set(finding_fingerprints(moved))
    assert status_against_previous(frame, previous).tolist() == ["open", "new"]


def test_rectification_list_groups_findings_by_township_and_school() -> None:
    """Rows come grouped by township, then school, with registry findings last in their township."""
    result = _result()
    assert result.context is not None
    frame = rectification_list(result.context, result.findings, None)
    assert len(frame) == len(FINDINGS)
    assert frame[["township", "school"]].drop_duplicates().values.tolist() == [
        ["城关镇", CENTRE],
        ["城关镇", ""],
        ["河口乡", RIVER],
    ]
    assert frame["status"].isna().all()
