"""MISSED_AID: eligible, enrolled pupils with no payment of an entitled programme, and look-alikes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from edupoverty.rules import missed_aid
from factories import concat, make_context, make_id, make_ledger, make_registry, make_roster

LI = make_id("20150305", seq=11)  # 李娜, 脱贫户, 小学
WANG = make_id("20110610", seq=22)  # 王芳, 低保, 初中
ZHAO = make_id("20150101", seq=33)  # 赵磊, 孤儿, 小学
CHEN = make_id("20080909", seq=44)  # 陈静, 脱贫户, 高中
ZHOU = make_id("20140202", seq=55)  # 周强, 监测对象 whose risk is cleared
GUARDIAN = make_id("19850101", seq=67)  # 李建国, 李娜's father, same household
OUTSIDER = make_id("20150808", seq=77)  # 孙悦, in no registry

REGISTRY_FILE = "registry:防返贫监测对象名单.xlsx:城关镇"
ROSTER_FILE = "城关镇中心小学学籍.xlsx"

REGISTRY = [
    {"household": "H1", "name": "李建国", "id": GUARDIAN, "relation": "户主", "category": "脱贫户"},
    {"household": "H1", "name": "李娜", "id": LI, "relation": "之女", "category": "脱贫户"},
    {"household": "H2", "name": "王芳", "id": WANG, "relation": "之女", "category": "低保"},
    {"household": "H3", "name": "赵磊", "id": ZHAO, "relation": "之子", "category": "孤儿"},
    {"household": "H4", "name": "陈静", "id": CHEN, "relation": "之女", "category": "脱贫户"},
    {
        "household": "H5",
        "name": "周强",
        "id": ZHOU,
        "relation": "之子",
        "category": "监测对象",
        "risk_cleared": "是",
    },
]
"""Registry rows 2–7 of 防返贫监测对象名单.xlsx: 李建国 2, 李娜 3, 王芳 4, 赵磊 5, 陈静 6, 周强 7."""


def _pupil(
    name: str,
    pid: str,
    grade: str,
    boarding: str,
    status: str = "在读",
    term: str | None = "2024秋",
) -> dict[str, Any]:
    row = {
        "school": "城关镇中心小学",
        "name": name,
        "id": pid,
        "grade": grade,
        "status": status,
        "boarding": boarding,
    }
    return row | ({"term": term} if term else {})


def _paid(name: str, pid: str, program: str, amount: str, term: str = "2024秋") -> dict[str, Any]:
    return {
        "school": "城关镇中心小学",
        "name": name,
        "id": pid,
        "program": program,
        "term": term,
        "amount": amount,
    }


OTHER_PAYMENT = _paid("陈静", CHEN, "普高国家助学金", "1000")
"""A payment to someone else, so that 2024秋 is under review."""

LI_BOARDER = _pupil("李娜", LI, "三年级", "住校")


def _frame(
    maker: Any, spec: list[dict[str, Any]] | dict[str, list[dict[str, Any]]]
) -> pd.DataFrame:
    if isinstance(spec, dict):
        return concat(*(maker(rows, file=file) for file, rows in spec.items()))
    return maker(spec)


def _detect(roster: Any, ledger: Any) -> pd.DataFrame:
    ctx = make_context(
        make_registry(REGISTRY), _frame(make_roster, roster), _frame(make_ledger, ledger)
    )
    return missed_aid.detect(ctx)


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
    ("roster", "ledger", "expected"),
    [
        pytest.param(
            [LI_BOARDER],
            [OTHER_PAYMENT],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "roster",
                    ROSTER_FILE,
                    2,
                    f"{REGISTRY_FILE}:3",
                )
            ],
            id="寄宿脱贫户本学期无发放",
        ),
        pytest.param(
            [_pupil("王芳", WANG, "七年级", "走读")],
            [OTHER_PAYMENT],
            [
                (
                    WANG,
                    "nonboarding_junior",
                    "2024秋",
                    31250,
                    "roster",
                    ROSTER_FILE,
                    2,
                    f"{REGISTRY_FILE}:4",
                )
            ],
            id="走读低保初中生少了312.5元",
        ),
        pytest.param(
            [_pupil("陈静", CHEN, "高一", "")],
            [_paid("李娜", LI, "寄宿生生活补助(小学)", "500")],
            [(CHEN, "hs_grant", "2024秋", 50000, "roster", ROSTER_FILE, 2, f"{REGISTRY_FILE}:6")],
            id="高中助学金分档时按第一档计",
        ),
        pytest.param(
            {
                "城关镇第一小学学籍.xlsx": [_pupil("李娜", LI, "三年级", "住校", status="转出")],
                "城关镇第二小学学籍.xlsx": [_pupil("李娜", LI, "三年级", "住校")],
            },
            [OTHER_PAYMENT],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "roster",
                    "城关镇第二小学学籍.xlsx",
                    2,
                    f"{REGISTRY_FILE}:3",
                )
            ],
            id="转学后两校都未发放记在新校",
        ),
        pytest.param(
            [_pupil("李娜", LI, "三年级", "住校", term=None)],
            [_paid("李娜", LI, "寄宿生生活补助(小学)", "500", term="2025春"), OTHER_PAYMENT],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "roster",
                    ROSTER_FILE,
                    2,
                    f"{REGISTRY_FILE}:3",
                )
            ],
            id="只发了下学期",
        ),
        pytest.param(
            [LI_BOARDER],
            [_paid("李娜", LI, "营养改善计划", "500")],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "roster",
                    ROSTER_FILE,
                    2,
                    f"{REGISTRY_FILE}:3",
                )
            ],
            id="资助项目无法识别的发放不算",
        ),
        pytest.param(
            [LI_BOARDER],
            [_paid("李娜", LI, "寄宿生生活补助(小学)", "五百"), OTHER_PAYMENT],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "roster",
                    ROSTER_FILE,
                    2,
                    f"{REGISTRY_FILE}:3",
                )
            ],
            id="金额无效的发放不算",
        ),
    ],
)
def test_missed_aid_flags_eligible_pupil_with_no_payment_in_term(
    roster: Any, ledger: Any, expected: list[tuple[Any, ...]]
) -> None:
    """An eligible pupil active in the term with no usable payment in the group is one finding on the roster row."""
    found = _detect(roster, ledger)
    assert _keys(found) == expected
    assert set(found["rule"]) == {"MISSED_AID"} and set(found["severity"]) == {"high"}


@pytest.mark.parametrize(
    ("roster", "ledger"),
    [
        pytest.param(
            [LI_BOARDER], [_paid("李娜", LI, "寄宿生生活补助(小学)", "500")], id="已按标准发放"
        ),
        pytest.param(
            [LI_BOARDER], [_paid("李娜", LI, "寄宿生生活补助(小学)", "450")], id="少发也算已发"
        ),
        pytest.param(
            [_pupil("赵磊", ZHAO, "三年级", "走读")],
            [OTHER_PAYMENT],
            id="孤儿走读不在非寄宿补助范围",
        ),
        pytest.param(
            [LI_BOARDER],
            [_paid("李娜", LI, "非寄宿生生活补助(小学)", "250")],
            id="领了同组的非寄宿补助",
        ),
        pytest.param(
            [_pupil("周强", ZHOU, "四年级", "走读")], [OTHER_PAYMENT], id="监测对象风险已消除"
        ),
        pytest.param(
            [LI_BOARDER],
            [_paid("李娜", GUARDIAN, "寄宿生生活补助(小学)", "500")],
            id="用监护人身份证号发放",
        ),
        pytest.param(
            {
                "城关镇第一小学学籍.xlsx": [_pupil("李娜", LI, "三年级", "住校", status="转出")],
                "城关镇第二小学学籍.xlsx": [_pupil("李娜", LI, "三年级", "住校")],
            },
            [_paid("李娜", LI, "寄宿生生活补助(小学)", "500")],
            id="转学后由新校发放",
        ),
        pytest.param(
            [_pupil("李娜", LI, "六年级", "住校", status="毕业")],
            [OTHER_PAYMENT],
            id="本学期已毕业",
        ),
        pytest.param(
            [_pupil("孙悦", OUTSIDER, "三年级", "住校")], [OTHER_PAYMENT], id="不在困难人员名单"
        ),
        pytest.param([_pupil("李娜", LI, "三年级", "")], [OTHER_PAYMENT], id="就读方式不详"),
        pytest.param(
            [_pupil("李娜", LI, "三年级", "住校", term="2023秋")],
            [OTHER_PAYMENT],
            id="只在往学期在读",
        ),
    ],
)
def test_missed_aid_ignores_pupil_paid_or_not_entitled(roster: Any, ledger: Any) -> None:
    """Look-alikes: paid (also in the group, via a guardian, by the new school) or not entitled in the term."""
    assert _keys(_detect(roster, ledger)) == []


def test_missed_aid_message_names_pupil_school_category_programme_and_amount() -> None:
    """The message is one Chinese sentence with the programme's name, not its code."""
    found = _detect([LI_BOARDER], [OTHER_PAYMENT])
    assert found.loc[0, "message"] == (
        "李娜 2024秋在城关镇中心小学就读（小学，寄宿），属脱贫户，"
        "应发义务教育家庭经济困难寄宿生生活补助(小学) 500元，台账中没有发放记录。"
    )
    evidence = json.loads(found.loc[0, "evidence"])
    assert (evidence["categories"], evidence["standard"], evidence["boarding"]) == (
        "脱贫户",
        "500",
        True,
    )


def test_missed_aid_message_leaves_out_boarding_when_roster_does_not_say() -> None:
    """A 高中 pupil with no 就读方式 gets the message without the boarding part."""
    found = _detect(
        [_pupil("陈静", CHEN, "高一", "")], [_paid("李娜", LI, "寄宿生生活补助(小学)", "500")]
    )
    assert (
        found.loc[0, "message"]
        == "陈静 2024秋在城关镇中心小学就读（高中），属脱贫户，应发普通高中国家助学金 500元，台账中没有发放记录。"
    )


def test_missed_aid_needs_registry_roster_and_ledger() -> None:
    """The rule runs only when all three sources are present, as the SPEC's table says."""
    assert missed_aid.RULE.needs == frozenset({"registry", "roster", "ledger"})
    assert missed_aid.RULE.title == "应助未助"
