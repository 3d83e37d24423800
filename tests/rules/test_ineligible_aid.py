"""INELIGIBLE_AID: payments outside a programme's categories, stages or boarding, and look-alikes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from edupoverty.rules import ineligible_aid
from factories import make_context, make_id, make_ledger, make_registry, make_roster

LI = make_id("20150305", seq=11)  # 李娜, 脱贫户, 小学 住校
WANG = make_id("20150610", seq=22)  # 王芳, 低保, 小学 走读
ZHAO = make_id("20150101", seq=33)  # 赵磊, 孤儿, 小学 走读
ZHOU = make_id("20140202", seq=55)  # 周强, 监测对象 whose risk is cleared, 小学 走读
SUN = make_id("20150808", seq=77)  # 孙悦, in no registry, 小学 住校
QIAN = make_id("20080909", seq=88)  # 钱坤, in no registry, 中职
WU = make_id("20120101", seq=99)  # 吴敏, 脱贫户, graduated
GUARDIAN = make_id("19850101", seq=67)  # 李建国, 李娜's father
GUARDIAN_W = make_id("19860101", seq=69)  # 王建军, 王芳's father

REG = "registry:防返贫监测对象名单.xlsx:城关镇"
ROS = "roster:城关镇中心小学学籍.xlsx:Sheet1"
FILE = "2024秋寄宿生生活补助发放花名册.xlsx"

REGISTRY = [
    {"household": "H1", "name": "李建国", "id": GUARDIAN, "relation": "户主", "category": "脱贫户"},
    {"household": "H1", "name": "李娜", "id": LI, "relation": "之女", "category": "脱贫户"},
    {"household": "H2", "name": "王建军", "id": GUARDIAN_W, "relation": "户主", "category": "低保"},
    {"household": "H2", "name": "王芳", "id": WANG, "relation": "之女", "category": "低保"},
    {"household": "H3", "name": "赵磊", "id": ZHAO, "relation": "之子", "category": "孤儿"},
    {
        "household": "H5",
        "name": "周强",
        "id": ZHOU,
        "relation": "之子",
        "category": "监测对象",
        "risk_cleared": "是",
    },
    {"household": "H6", "name": "吴敏", "id": WU, "relation": "之女", "category": "脱贫户"},
]
"""Registry rows: 李建国 2, 李娜 3, 王建军 4, 王芳 5, 赵磊 6, 周强 7, 吴敏 8."""


def _pupil(name: str, pid: str, grade: str, boarding: str, status: str = "在读") -> dict[str, Any]:
    return {
        "school": "城关镇中心小学",
        "name": name,
        "id": pid,
        "grade": grade,
        "status": status,
        "boarding": boarding,
        "term": "2024秋",
    }


ROSTER = [
    _pupil("李娜", LI, "三年级", "住校"),
    _pupil("王芳", WANG, "三年级", "走读"),
    _pupil("赵磊", ZHAO, "三年级", "走读"),
    _pupil("周强", ZHOU, "四年级", "走读"),
    _pupil("孙悦", SUN, "三年级", "住校"),
    _pupil("钱坤", QIAN, "中职一年级", "住校"),
    _pupil("吴敏", WU, "六年级", "住校", status="毕业"),
    _pupil("郑好", make_id("20150711", seq=13), "三年级", ""),
]
"""Roster rows: 李娜 2, 王芳 3, 赵磊 4, 周强 5, 孙悦 6, 钱坤 7, 吴敏 8 (毕业), 郑好 9 (就读方式 blank)."""


def _paid(name: str, pid: str, program: str, amount: str) -> dict[str, Any]:
    return {
        "school": "城关镇中心小学",
        "name": name,
        "id": pid,
        "program": program,
        "term": "2024秋",
        "amount": amount,
    }


def _detect(
    ledger: list[dict[str, Any]], registry: list[dict[str, Any]] = REGISTRY
) -> pd.DataFrame:
    ctx = make_context(make_registry(registry), make_roster(ROSTER), make_ledger(ledger))
    return ineligible_aid.detect(ctx)


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
    ("ledger", "expected", "reasons", "variant_text"),
    [
        pytest.param(
            [_paid("李娜", LI, "普高国家助学金", "1000")],
            [(LI, "hs_grant", "2024秋", 100000, "ledger", FILE, 2, f"{ROS}:2;{REG}:3")],
            "stage",
            "普通高中国家助学金只资助高中学生",
            id="高中助学金发给小学生",
        ),
        pytest.param(
            [_paid("王芳", WANG, "寄宿生生活补助(小学)", "500")],
            [(WANG, "boarding_primary", "2024秋", 50000, "ledger", FILE, 2, f"{ROS}:3;{REG}:5")],
            "boarding",
            "在城关镇中心小学走读",
            id="寄宿生补助发给走读生",
        ),
        pytest.param(
            [_paid("李娜", LI, "非寄宿生生活补助(小学)", "250")],
            [(LI, "nonboarding_primary", "2024秋", 25000, "ledger", FILE, 2, f"{ROS}:2;{REG}:3")],
            "boarding",
            "只发给走读生",
            id="非寄宿补助发给寄宿生",
        ),
        pytest.param(
            [_paid("周强", ZHOU, "非寄宿生生活补助(小学)", "250")],
            [(ZHOU, "nonboarding_primary", "2024秋", 25000, "ledger", FILE, 2, f"{ROS}:5;{REG}:7")],
            "category",
            "监测对象但风险已消除",
            id="监测对象风险已消除仍发放",
        ),
        pytest.param(
            [_paid("孙悦", SUN, "寄宿生生活补助(小学)", "500")],
            [(SUN, "boarding_primary", "2024秋", 50000, "ledger", FILE, 2, f"{ROS}:6")],
            "category",
            "孙悦不在困难人员名单中",
            id="不在困难人员名单",
        ),
        pytest.param(
            [_paid("赵磊", ZHAO, "非寄宿生生活补助(小学)", "250")],
            [(ZHAO, "nonboarding_primary", "2024秋", 25000, "ledger", FILE, 2, f"{ROS}:4;{REG}:6")],
            "category",
            "困难类别为孤儿",
            id="孤儿走读领非寄宿补助",
        ),
        pytest.param(
            [_paid("孙悦", SUN, "普高国家助学金", "1000")],
            [(SUN, "hs_grant", "2024秋", 100000, "ledger", FILE, 2, f"{ROS}:6")],
            "stage,category",
            "只资助高中学生",
            id="学段和类别都不符记一条",
        ),
        pytest.param(
            [_paid("王芳", GUARDIAN_W, "寄宿生生活补助(小学)", "500")],
            [(WANG, "boarding_primary", "2024秋", 50000, "ledger", FILE, 2, f"{ROS}:3;{REG}:5")],
            "boarding",
            "只发给寄宿生",
            id="监护人证件领取寄宿补助但学生走读",
        ),
    ],
)
def test_ineligible_aid_flags_payment_outside_programme_conditions(
    ledger: Any, expected: Any, reasons: str, variant_text: str
) -> None:
    """A payment outside the programme's stages, boarding or categories is one finding on the payment row."""
    found = _detect(ledger)
    assert _keys(found) == expected
    assert json.loads(found.loc[0, "evidence"])["reasons"] == reasons
    assert variant_text in found.loc[0, "message"]
    assert set(found["rule"]) == {"INELIGIBLE_AID"} and set(found["severity"]) == {"high"}


@pytest.mark.parametrize(
    "ledger",
    [
        pytest.param(
            [_paid("李娜", LI, "寄宿生生活补助(小学)", "500")], id="脱贫户寄宿生领寄宿补助"
        ),
        pytest.param(
            [_paid("王芳", WANG, "非寄宿生生活补助(小学)", "250")], id="低保走读生领非寄宿补助"
        ),
        pytest.param([_paid("李娜", LI, "寄宿生生活补助(小学)", "450")], id="金额不符不是资格问题"),
        pytest.param([_paid("钱坤", QIAN, "中职教育资助-免学费", "1000")], id="不限类别的项目"),
        pytest.param(
            [_paid("李娜", GUARDIAN, "寄宿生生活补助(小学)", "500")], id="监护人证件代领且符合条件"
        ),
        pytest.param(
            [_paid("吴敏", WU, "寄宿生生活补助(小学)", "500")], id="已毕业属非在读不属资格"
        ),
        pytest.param([_paid("李娜", LI, "营养改善计划", "500")], id="资助项目无法识别"),
        pytest.param([_paid("孙悦", SUN, "寄宿生生活补助(小学)", "abc")], id="金额无效"),
    ],
)
def test_ineligible_aid_ignores_payment_within_programme_conditions(ledger: Any) -> None:
    """Look-alikes: eligible payments, open programmes, guardian payments, non-enrolment and unusable rows."""
    assert _keys(_detect(ledger)) == []


def test_ineligible_aid_treats_blank_boarding_as_unknown_not_mismatch() -> None:
    """A roster without 就读方式 says nothing about boarding: only the category test can fail."""
    pid = make_id("20150711", seq=13)
    registry = [
        *REGISTRY,
        {"household": "H7", "name": "郑好", "id": pid, "relation": "之子", "category": "脱贫户"},
    ]
    assert _keys(_detect([_paid("郑好", pid, "寄宿生生活补助(小学)", "500")], registry)) == []


def test_ineligible_aid_message_and_evidence_for_stage_mismatch() -> None:
    """The stage message names the pupil's stage and the programme's; guardian fields stay empty."""
    found = _detect([_paid("李娜", LI, "普高国家助学金", "1000")])
    assert (
        found.loc[0, "message"]
        == "李娜 2024秋在城关镇中心小学读小学，普通高中国家助学金只资助高中学生，却发放了1000元。"
    )
    evidence = json.loads(found.loc[0, "evidence"])
    assert (
        evidence["stage"],
        evidence["program_stages"],
        evidence["linked_via"],
        evidence["guardian_id"],
    ) == ("小学", "高中", "id", None)


def test_ineligible_aid_evidence_names_masked_guardian_id() -> None:
    """A flagged payment made under the guardian's ID says so, with the ID masked."""
    found = _detect([_paid("王芳", GUARDIAN_W, "寄宿生生活补助(小学)", "500")])
    evidence = json.loads(found.loc[0, "evidence"])
    assert (evidence["linked_via"], evidence["guardian_id"]) == (
        "guardian",
        GUARDIAN_W[:6] + "********" + GUARDIAN_W[-4:],
    )


def test_ineligible_aid_flags_registry_person_without_category() -> None:
    """A registry row whose 人口类型 is blank gives no category: a category-restricted payment is flagged."""
    registry = [
        *REGISTRY,
        {"household": "H8", "name": "孙悦", "id": SUN, "relation": "之女", "category": ""},
    ]
    found = _detect([_paid("孙悦", SUN, "寄宿生生活补助(小学)", "500")], registry)
    assert _keys(found) == [
        (SUN, "boarding_primary", "2024秋", 50000, "ledger", FILE, 2, f"{ROS}:6;{REG}:9")
    ]
    assert found.loc[0, "message"].startswith("孙悦在困难人员名单中没有登记困难类别")
