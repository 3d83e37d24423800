"""DUPLICATE_AID: two payments of one programme group to one person in one term, and look-alikes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from edupoverty.rules import duplicate_aid
from factories import concat, make_context, make_id, make_ledger, make_registry, make_roster

LI = make_id("20150305", seq=11)  # 李娜, 脱贫户, 小学
WANG = make_id("20150610", seq=22)  # 王芳, 脱贫户, 小学
GUARDIAN = make_id("19850101", seq=67)  # 李建国, 李娜's father, same household

REGISTRY = [
    {"household": "H1", "name": "李建国", "id": GUARDIAN, "relation": "户主", "category": "脱贫户"},
    {"household": "H1", "name": "李娜", "id": LI, "relation": "之女", "category": "脱贫户"},
    {"household": "H2", "name": "王芳", "id": WANG, "relation": "之女", "category": "脱贫户"},
]
ROSTER = [
    {
        "school": "城关镇中心小学",
        "name": "李娜",
        "id": LI,
        "grade": "三年级",
        "status": "在读",
        "boarding": "住校",
        "term": "2024秋",
    },
    {
        "school": "城关镇中心小学",
        "name": "王芳",
        "id": WANG,
        "grade": "三年级",
        "status": "在读",
        "boarding": "住校",
        "term": "2024秋",
    },
]

FILE = "2024秋寄宿生生活补助发放花名册.xlsx"
FILE_A = "城关镇第一小学发放花名册.xlsx"
FILE_B = "城关镇第二小学发放花名册.xlsx"


def _paid(
    name: str,
    pid: str,
    program: str = "寄宿生生活补助(小学)",
    amount: str = "500",
    term: str = "2024秋",
    school: str = "城关镇中心小学",
) -> dict[str, Any]:
    return {
        "school": school,
        "name": name,
        "id": pid,
        "program": program,
        "term": term,
        "amount": amount,
    }


def _detect(ledger: list[dict[str, Any]] | dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    if isinstance(ledger, dict):
        frame = concat(*(make_ledger(rows, file=file) for file, rows in ledger.items()))
    else:
        frame = make_ledger(ledger)
    ctx = make_context(make_registry(REGISTRY), make_roster(ROSTER), frame)
    return duplicate_aid.detect(ctx)


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
    ("ledger", "expected"),
    [
        pytest.param(
            [_paid("李娜", LI), _paid("李娜", LI)],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    3,
                    f"ledger:{FILE}:Sheet1:2",
                )
            ],
            id="同一台账发了两次",
        ),
        pytest.param(
            {
                FILE_B: [_paid("李娜", LI, school="城关镇第二小学")],
                FILE_A: [_paid("李娜", LI, school="城关镇第一小学")],
            },
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE_B,
                    2,
                    f"ledger:{FILE_A}:Sheet1:2",
                )
            ],
            id="转学后两校都发放",
        ),
        pytest.param(
            [
                _paid("李娜", LI),
                _paid("王芳", WANG),
                _paid("李娜", LI, "非寄宿生生活补助(小学)", "250"),
            ],
            [
                (
                    LI,
                    "nonboarding_primary",
                    "2024秋",
                    25000,
                    "ledger",
                    FILE,
                    4,
                    f"ledger:{FILE}:Sheet1:2",
                )
            ],
            id="寄宿与非寄宿补助同学期互斥",
        ),
        pytest.param(
            [
                _paid("李娜", LI),
                _paid("李娜", LI, "非寄宿生生活补助(初中)", "312.5"),
                _paid("李娜", LI, amount="450"),
            ],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    45000,
                    "ledger",
                    FILE,
                    4,
                    f"ledger:{FILE}:Sheet1:2;ledger:{FILE}:Sheet1:3",
                )
            ],
            id="三笔同组发放记一条",
        ),
        pytest.param(
            [_paid("李娜", GUARDIAN), _paid("李娜", LI)],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    3,
                    f"ledger:{FILE}:Sheet1:2",
                )
            ],
            id="监护人证件一笔加本人证件一笔",
        ),
    ],
)
def test_duplicate_aid_flags_second_payment_in_group_and_term(
    ledger: Any, expected: list[tuple[Any, ...]]
) -> None:
    """Two or more payments of one group in one term: one finding on the last row, the others related."""
    found = _detect(ledger)
    assert _keys(found) == expected
    assert set(found["rule"]) == {"DUPLICATE_AID"} and set(found["severity"]) == {"high"}


@pytest.mark.parametrize(
    "ledger",
    [
        pytest.param([_paid("李娜", LI), _paid("李娜", LI, term="2025春")], id="两个学期各发一次"),
        pytest.param(
            [_paid("李娜", LI), _paid("李娜", LI, "普高国家助学金", "1000")], id="不同互斥组的项目"
        ),
        pytest.param([_paid("李娜", LI), _paid("王芳", WANG)], id="两个不同学生"),
        pytest.param(
            [_paid("李娜", LI), _paid("李娜", LI, "营养改善计划", "500")],
            id="另一笔资助项目无法识别",
        ),
        pytest.param([_paid("李娜", LI), _paid("李娜", LI, amount="abc")], id="另一笔金额无效"),
        pytest.param(
            {
                FILE_A: [_paid("王芳", WANG, school="城关镇第一小学")],
                FILE_B: [_paid("李娜", LI, school="城关镇第二小学")],
            },
            id="转学后只由新校发放",
        ),
        pytest.param(
            [_paid("李娜", "41142220150305011"), _paid("李娜", "41142220150305011")],
            id="证件号码无效的两行",
        ),
    ],
)
def test_duplicate_aid_ignores_single_payment_per_group_and_term(ledger: Any) -> None:
    """Look-alikes: other terms, other groups, other people, unusable rows and single transfers."""
    assert _keys(_detect(ledger)) == []


def test_duplicate_aid_message_lists_every_payment_and_total() -> None:
    """The message counts the payments, names each programme and school, and gives the total."""
    found = _detect(
        {
            FILE_B: [_paid("李娜", LI, school="城关镇第二小学")],
            FILE_A: [_paid("李娜", LI, "非寄宿生生活补助(小学)", "250", school="城关镇第一小学")],
        }
    )
    assert found.loc[0, "message"] == (
        "李娜 2024秋领取了2笔同类资助（城关镇第一小学 义务教育家庭经济困难非寄宿生生活补助(小学) 250元；"
        "城关镇第二小学 义务教育家庭经济困难寄宿生生活补助(小学) 500元），合计750元，同一学期只应发放一笔。"
    )
    evidence = json.loads(found.loc[0, "evidence"])
    assert (evidence["count"], evidence["total"], evidence["group"]) == (
        2,
        "750",
        "living_allowance_compulsory",
    )


def test_duplicate_aid_evidence_names_masked_guardian_id() -> None:
    """A payment made under the guardian's ID is named in the evidence, with the ID masked."""
    found = _detect([_paid("李娜", LI), _paid("李娜", GUARDIAN)])
    evidence = json.loads(found.loc[0, "evidence"])
    assert evidence["linked_via"] == "guardian"
    assert evidence["guardian_ids"] == GUARDIAN[:6] + "********" + GUARDIAN[-4:]
    assert GUARDIAN not in found.loc[0, "message"]
