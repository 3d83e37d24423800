"""PAID_NOT_ENROLLED: payments for a term in which the person is not 在读 on any roster, and look-alikes."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from edupoverty.rules import paid_not_enrolled
from factories import concat, make_context, make_id, make_ledger, make_registry, make_roster

LI = make_id("20150305", seq=11)  # 李娜
GUARDIAN = make_id("19850101", seq=67)  # 李建国, 李娜's father

REGISTRY = [
    {"household": "H1", "name": "李建国", "id": GUARDIAN, "relation": "户主", "category": "脱贫户"},
    {"household": "H1", "name": "李娜", "id": LI, "relation": "之女", "category": "脱贫户"},
]
ROSTER_FILE = "城关镇中心小学学籍.xlsx"
FILE = "2024秋寄宿生生活补助发放花名册.xlsx"
OLD = "城关镇第一小学学籍.xlsx"
NEW = "城关镇第二小学学籍.xlsx"


def _enrolled(
    status: str = "在读", term: str | None = "2024秋", school: str = "城关镇中心小学"
) -> dict[str, Any]:
    row = {
        "school": school,
        "name": "李娜",
        "id": LI,
        "grade": "六年级",
        "status": status,
        "boarding": "住校",
    }
    return row | ({"term": term} if term else {})


def _paid(
    pid: str = LI, term: str = "2024秋", program: str = "寄宿生生活补助(小学)", amount: str = "500"
) -> dict[str, Any]:
    return {
        "school": "城关镇中心小学",
        "name": "李娜",
        "id": pid,
        "program": program,
        "term": term,
        "amount": amount,
    }


def _detect(
    roster: list[dict[str, Any]] | dict[str, list[dict[str, Any]]], ledger: list[dict[str, Any]]
) -> pd.DataFrame:
    if isinstance(roster, dict):
        frame = concat(*(make_roster(rows, file=file) for file, rows in roster.items()))
    else:
        frame = make_roster(roster)
    return paid_not_enrolled.detect(
        make_context(make_registry(REGISTRY), frame, make_ledger(ledger))
    )


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
    ("roster", "ledger", "expected", "status"),
    [
        pytest.param(
            [_enrolled("毕业")],
            [_paid()],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    2,
                    f"roster:{ROSTER_FILE}:Sheet1:2",
                )
            ],
            "毕业",
            id="毕业后仍发放",
        ),
        pytest.param(
            {
                ROSTER_FILE: [
                    {
                        "school": "城关镇中心小学",
                        "name": "王芳",
                        "id": make_id("20150610", seq=22),
                        "grade": "三年级",
                        "status": "在读",
                        "term": "2024秋",
                    }
                ]
            },
            [_paid()],
            [(LI, "boarding_primary", "2024秋", 50000, "ledger", FILE, 2, "")],
            None,
            id="不在任何学籍名单中",
        ),
        pytest.param(
            {OLD: [_enrolled("转出", school="城关镇第一小学")]},
            [_paid()],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    2,
                    f"roster:{OLD}:Sheet1:2",
                )
            ],
            "转出",
            id="转出后没有新学校",
        ),
        pytest.param(
            [_enrolled("休学")],
            [_paid(program="普高国家助学金", amount="1000")],
            [
                (
                    LI,
                    "hs_grant",
                    "2024秋",
                    100000,
                    "ledger",
                    FILE,
                    2,
                    f"roster:{ROSTER_FILE}:Sheet1:2",
                )
            ],
            "休学",
            id="休学期间发放",
        ),
        pytest.param(
            [_enrolled("在读", term="2024秋")],
            [_paid(), _paid(term="2025春")],
            [(LI, "boarding_primary", "2025春", 50000, "ledger", FILE, 3, "")],
            None,
            id="只在上学期在读却发了下学期",
        ),
        pytest.param(
            [_enrolled("在读", term="2024春"), _enrolled("毕业", term=None)],
            [_paid()],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    2,
                    f"roster:{ROSTER_FILE}:Sheet1:3",
                )
            ],
            "毕业",
            id="无学期的毕业行也列为相关",
        ),
        pytest.param(
            [_enrolled("毕业")],
            [_paid(pid=GUARDIAN)],
            [
                (
                    LI,
                    "boarding_primary",
                    "2024秋",
                    50000,
                    "ledger",
                    FILE,
                    2,
                    f"roster:{ROSTER_FILE}:Sheet1:2",
                )
            ],
            "毕业",
            id="监护人证件代领但学生已毕业",
        ),
    ],
)
def test_paid_not_enrolled_flags_payment_for_term_without_active_enrolment(
    roster: Any, ledger: Any, expected: list[tuple[Any, ...]], status: str | None
) -> None:
    """A payment for a term with no 在读 row is one finding on the payment row; the inactive rows are related."""
    found = _detect(roster, ledger)
    assert _keys(found) == expected
    assert json.loads(found.loc[0, "evidence"])["status"] == status
    assert set(found["rule"]) == {"PAID_NOT_ENROLLED"} and set(found["severity"]) == {"high"}


@pytest.mark.parametrize(
    ("roster", "ledger"),
    [
        pytest.param([_enrolled()], [_paid()], id="在读学生"),
        pytest.param(
            {
                OLD: [_enrolled("转出", school="城关镇第一小学")],
                NEW: [_enrolled(school="城关镇第二小学")],
            },
            [_paid()],
            id="转学后由新校发放",
        ),
        pytest.param([_enrolled()], [_paid(pid=GUARDIAN)], id="用监护人身份证号发放"),
        pytest.param(
            [_enrolled()],
            [_paid(pid=LI.translate(str.maketrans("0123456789", "０１２３４５６７８９")))],
            id="台账身份证号为全角数字",
        ),
        pytest.param(
            [_enrolled()],
            [_paid(pid=LI.lower() + " ")],
            id="台账号码带空格",
        ),
        pytest.param(
            [_enrolled(term=None)], [_paid(), _paid(term="2025春")], id="无学期的在读行适用每个学期"
        ),
        pytest.param([_enrolled("毕业")], [_paid(program="营养改善计划")], id="资助项目无法识别"),
        pytest.param([_enrolled("毕业")], [_paid(amount="abc")], id="金额无效"),
        pytest.param([_enrolled("毕业")], [_paid(pid="41142220150305011")], id="证件号码无效"),
    ],
)
def test_paid_not_enrolled_ignores_payment_to_active_pupil_or_unusable_row(
    roster: Any, ledger: Any
) -> None:
    """Look-alikes: active pupils (also after a transfer or via a guardian's ID) and rows no money rule uses."""
    assert _keys(_detect(roster, ledger)) == []


def test_paid_not_enrolled_counts_undated_active_row_for_ledger_term_outside_review() -> None:
    """A 在读 row without a term covers a ledger term even when --term reviews another one."""
    roster = make_roster([_enrolled(term=None)])
    ledger = make_ledger([_paid(term="2025春")])
    ctx = make_context(make_registry(REGISTRY), roster, ledger, terms=("2024秋",))
    assert _keys(paid_not_enrolled.detect(ctx)) == []


def test_paid_not_enrolled_message_quotes_status_school_and_programme() -> None:
    """The message names the roster status as written, the school and the programme's Chinese name."""
    found = _detect([_enrolled("毕业")], [_paid()])
    assert (
        found.loc[0, "message"]
        == "李娜 2024秋在城关镇中心小学的学籍状态为「毕业」，不在读，却领取了义务教育家庭经济困难寄宿生生活补助(小学) 500元。"
    )
    absent = _detect({NEW: [_enrolled("转出", term="2023秋", school="城关镇第二小学")]}, [_paid()])
    assert (
        absent.loc[0, "message"]
        == "李娜 2024秋不在任何学校的在读学籍名单中，却领取了义务教育家庭经济困难寄宿生生活补助(小学) 500元。"
    )
