"""AMOUNT_MISMATCH: payments that differ from the term's standard or tiers, and look-alikes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from edupoverty.rules import amount_mismatch
from factories import make_context, make_id, make_ledger, make_registry

LI = make_id("20150305", seq=11)  # 李娜, in the registry
SUN = make_id("20150808", seq=77)  # 孙悦, on no registry and no roster
GUARDIAN = make_id("19850101", seq=67)  # 李建国, 李娜's father

REGISTRY = [
    {"household": "H1", "name": "李建国", "id": GUARDIAN, "relation": "户主", "category": "脱贫户"},
    {"household": "H1", "name": "李娜", "id": LI, "relation": "之女", "category": "脱贫户"},
]
FILE = "2024秋寄宿生生活补助发放花名册.xlsx"


def _paid(
    program: str, amount: str, term: str = "2024秋", pid: str = LI, name: str = "李娜"
) -> dict[str, Any]:
    return {
        "school": "城关镇中心小学",
        "name": name,
        "id": pid,
        "program": program,
        "term": term,
        "amount": amount,
    }


def _detect(ledger: list[dict[str, Any]]) -> pd.DataFrame:
    return amount_mismatch.detect(make_context(make_registry(REGISTRY), None, make_ledger(ledger)))


def _keys(found: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [
        (
            f.person_id,
            f.program,
            f.term,
            int(f.amount_cents),
            f.source,
            f.file,
            int(f.row),
            f.related,
        )
        for f in found.itertuples()
    ]


@pytest.mark.parametrize(
    ("ledger", "expected", "standard", "allowed"),
    [
        pytest.param(
            [_paid("寄宿生生活补助(小学)", "450")],
            (LI, "boarding_primary", "2024秋", -5000),
            "500",
            None,
            id="寄宿补助少发50元",
        ),
        pytest.param(
            [_paid("寄宿生生活补助(小学)", "625")],
            (LI, "boarding_primary", "2024秋", 12500),
            "500",
            None,
            id="小学按初中标准多发",
        ),
        pytest.param(
            [_paid("非寄宿生生活补助(初中)", "312")],
            (LI, "nonboarding_junior", "2024秋", -50),
            "312.5",
            None,
            id="312元少了5角",
        ),
        pytest.param(
            [_paid("普高国家助学金", "1000", term="2025春")],
            (LI, "hs_grant", "2025春", -15000),
            "1150",
            "600、1150、1700",
            id="2025春仍按旧标准1000元",
        ),
        pytest.param(
            [_paid("普高国家助学金", "750")],
            (LI, "hs_grant", "2024秋", 25000),
            "500",
            "500、1000、1500",
            id="两档之间按先列的一档比",
        ),
        pytest.param(
            [_paid("寄宿生生活补助(小学)", "1000", pid=SUN, name="孙悦")],
            (SUN, "boarding_primary", "2024秋", 50000),
            "500",
            None,
            id="不在名单和学籍中的人也核对金额",
        ),
        pytest.param(
            [_paid("寄宿生生活补助(小学)", "400", pid=GUARDIAN)],
            (LI, "boarding_primary", "2024秋", -10000),
            "500",
            None,
            id="监护人证件代领少发",
        ),
    ],
)
def test_amount_mismatch_flags_payment_off_standard_with_signed_difference(
    ledger: Any, expected: tuple[Any, ...], standard: str, allowed: str | None
) -> None:
    """A payment off the standard is one finding on the payment row; amount = paid − nearest standard."""
    found = _detect(ledger)
    assert _keys(found) == [(*expected, "ledger", FILE, 2, "")]
    evidence = json.loads(found.loc[0, "evidence"])
    assert (evidence["standard"], evidence["allowed"], evidence["policy"]) == (
        standard,
        allowed,
        "测试政策",
    )
    assert (found.loc[0, "rule"], found.loc[0, "severity"]) == ("AMOUNT_MISMATCH", "medium")


@pytest.mark.parametrize(
    "ledger",
    [
        pytest.param([_paid("寄宿生生活补助(小学)", "500")], id="按标准发放"),
        pytest.param([_paid("非寄宿生生活补助(初中)", "312.5")], id="312.5元是正确金额"),
        pytest.param([_paid("非寄宿生生活补助(初中)", "312.50元")], id="带元和两位小数的312.50"),
        pytest.param([_paid("普高国家助学金", "1000")], id="2024秋高中助学金1000元属二档"),
        pytest.param([_paid("普高国家助学金", "1150", term="2025春")], id="2025春新标准1150元"),
        pytest.param([_paid("营养改善计划", "123")], id="资助项目无法识别"),
        pytest.param([_paid("寄宿生生活补助(小学)", "abc")], id="金额无效"),
        pytest.param(
            [_paid("寄宿生生活补助(小学)", "450", pid="41142220150305011")], id="证件号码无效"
        ),
    ],
)
def test_amount_mismatch_ignores_payment_at_standard_or_unusable(ledger: Any) -> None:
    """Look-alikes: exact standards (fractional, tiered, by term) and rows no money rule uses."""
    assert _keys(_detect(ledger)) == []


def test_amount_mismatch_reports_under_and_over_payment_in_separate_messages() -> None:
    """Underpayment says 少发, overpayment 多发; both name the programme, the policy and the standard."""
    found = _detect([_paid("寄宿生生活补助(小学)", "450"), _paid("寄宿生生活补助(初中)", "700")])
    assert found["message"].tolist() == [
        "李娜 2024秋的义务教育家庭经济困难寄宿生生活补助(小学)只发放450元，按测试政策应发500元，少发50元。",
        "李娜 2024秋的义务教育家庭经济困难寄宿生生活补助(初中)发放700元，按测试政策应发625元，多发75元。",
    ]
    assert found["amount_cents"].tolist() == [-5000, 7500]


def test_amount_mismatch_message_for_tiers_names_the_tiers_and_the_nearest() -> None:
    """A tiered programme's message lists the allowed tiers and the one compared with."""
    found = _detect([_paid("普高国家助学金", "1000", term="2025春")])
    assert found.loc[0, "message"] == (
        "李娜 2025春的普通高中国家助学金发放1000元，不是测试政策规定的任一档次（600、1150、1700元），比最接近的1150元少150元。"
    )


def test_amount_mismatch_evidence_names_masked_guardian_id() -> None:
    """A payment made under the guardian's ID says so in the evidence, with the ID masked."""
    evidence = json.loads(
        _detect([_paid("寄宿生生活补助(小学)", "400", pid=GUARDIAN)]).loc[0, "evidence"]
    )
    assert (evidence["linked_via"], evidence["guardian_id"], evidence["paid"]) == (
        "guardian",
        GUARDIAN[:6] + "********" + GUARDIAN[-4:],
        "400",
    )
