"""Who must be paid: ``entitled_enrolments`` on small hand-made registries, rosters and ledgers."""

from __future__ import annotations

from typing import Any

import pytest

from edupoverty.core.entitlement import ENTITLEMENT_COLUMNS, entitled_enrolments
from factories import make_context, make_id, make_ledger, make_registry, make_roster

PUPIL = make_id("20140305", seq=121)
SCHOOL = "城关镇中心小学"


def _roster(**overrides: Any) -> dict[str, Any]:
    row = {
        "school": SCHOOL,
        "name": "张伟",
        "id": PUPIL,
        "grade": "三年级",
        "status": "在读",
        "boarding": "住校",
        "term": "2024秋",
    }
    row.update(overrides)
    return row


def _registry(**overrides: Any) -> dict[str, Any]:
    row = {
        "township": "城关镇",
        "household": "H001",
        "name": "张伟",
        "id": PUPIL,
        "relation": "之子",
        "category": "脱贫户",
    }
    row.update(overrides)
    return row


def _payment(
    program: str = "小学寄宿生生活补助", amount: str = "500", **overrides: Any
) -> dict[str, Any]:
    row = {
        "township": "城关镇",
        "school": SCHOOL,
        "name": "张伟",
        "id": PUPIL,
        "program": program,
        "term": "2024秋",
        "amount": amount,
    }
    row.update(overrides)
    return row


def _entitled(
    registry: list[dict[str, Any]], roster: list[dict[str, Any]], ledger: list[dict[str, Any]]
) -> Any:
    ctx = make_context(
        make_registry(registry) if registry else None,
        make_roster(roster) if roster else None,
        make_ledger(ledger) if ledger else None,
        terms=("2024秋",),
    )
    return entitled_enrolments(ctx)


def test_entitled_enrolments_lists_paid_boarding_pupil_with_roster_location() -> None:
    """A 脱贫户 boarder paid the boarding allowance gives one paid row located on the roster."""
    frame = _entitled([_registry()], [_roster()], [_payment()])
    assert list(frame.columns) == list(ENTITLEMENT_COLUMNS)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row["person_id"], row["program"], row["term"], bool(row["paid"])) == (
        PUPIL,
        "boarding_primary",
        "2024秋",
        True,
    )
    assert (row["source"], row["file"], int(row["row"]), row["school"]) == (
        "roster",
        "城关镇中心小学学籍.xlsx",
        2,
        SCHOOL,
    )
    assert int(row["standard_cents"]) == 50000


def test_entitled_enrolments_marks_pupil_without_payment_unpaid() -> None:
    """The same boarder with no payment in the term is entitled and unpaid."""
    frame = _entitled(
        [_registry()], [_roster()], [_payment(id=make_id("20140101", seq=333), name="李四")]
    )
    assert frame[["person_id", "program", "paid"]].values.tolist() == [
        [PUPIL, "boarding_primary", False]
    ]


def test_entitled_enrolments_counts_payment_of_another_programme_in_the_group_as_paid() -> None:
    """A boarder paid the non-boarding allowance (same exclusive group) counts as paid."""
    frame = _entitled(
        [_registry()], [_roster()], [_payment(program="小学非寄宿生生活补助", amount="250")]
    )
    assert frame["paid"].tolist() == [True]


@pytest.mark.parametrize(
    ("registry", "roster"),
    [
        pytest.param(
            [_registry(category="孤儿")], [_roster(boarding="走读")], id="孤儿走读不享受非寄宿补助"
        ),
        pytest.param([], [_roster()], id="不在登记名单"),
        pytest.param(
            [_registry(category="监测对象", risk_cleared="是")], [_roster()], id="监测风险已消除"
        ),
        pytest.param([_registry()], [_roster(status="转出")], id="已转出"),
        pytest.param([_registry()], [_roster(term="2025春")], id="其他学期在读"),
    ],
)
def test_entitled_enrolments_leaves_out_look_alikes(
    registry: list[dict[str, Any]], roster: list[dict[str, Any]]
) -> None:
    """Ineligible categories, cleared monitoring, transfers, other stages and other terms give no row."""
    frame = _entitled(registry, roster, [_payment(id=make_id("20140101", seq=333), name="李四")])
    assert frame.empty


def test_entitled_enrolments_follows_the_stage_to_the_programme_covering_it() -> None:
    """A 七年级 boarder is entitled to the 初中 boarding allowance, a 高一 pupil to the 高中 grant."""
    junior = _entitled([_registry()], [_roster(grade="七年级")], [_payment()])
    senior = _entitled([_registry()], [_roster(grade="高一")], [_payment()])
    assert junior["program"].tolist() == ["boarding_junior"] and senior["program"].tolist() == [
        "hs_grant"
    ]
    assert int(senior.iloc[0]["standard_cents"]) == 50000  # the first allowed tier


def test_entitled_enrolments_matches_non_boarder_to_non_boarding_programme_only() -> None:
    """A 走读 低保 pupil is entitled to the non-boarding allowance, not the boarding one."""
    frame = _entitled(
        [_registry(category="低保")],
        [_roster(boarding="走读")],
        [_payment(program="小学非寄宿生生活补助", amount="250")],
    )
    assert frame[["program", "paid"]].values.tolist() == [["nonboarding_primary", True]]
    assert int(frame.iloc[0]["standard_cents"]) == 25000


def test_entitled_enrolments_returns_typed_empty_frame_without_roster() -> None:
    """With no roster nobody is enrolled: an empty frame with every column."""
    frame = _entitled([_registry()], [], [_payment()])
    assert frame.empty and list(frame.columns) == list(ENTITLEMENT_COLUMNS)


def test_entitled_enrolments_skips_roster_row_with_blank_status() -> None:
    """A roster row whose 学籍状态 cell is blank is not active, and does not break the run."""
    other = make_id("20140305", seq=77)
    frame = _entitled(
        [_registry()],
        [_roster(), _roster(id=other, name="李娜", status=None)],
        [_payment()],
    )
    assert frame["person_id"].tolist() == [PUPIL]
