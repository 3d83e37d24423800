"""INVALID_ID: rows whose ID cell is not an ID, and the look-alikes that are fine."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from edupoverty.rules import invalid_id
from factories import (
    concat,
    id_check_digit,
    make_context,
    make_id,
    make_ledger,
    make_registry,
    make_roster,
)

KID = make_id("20120305", seq=123)
X_ID = make_id("20120305", seq=119)  # check character X
assert X_ID.endswith("X")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _body_with_check(body17: str) -> str:
    return body17 + id_check_digit(body17)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param(KID[:17], "length", id="少一位的17位号码"),
        pytest.param(KID[:17] + ("0" if KID[-1] != "0" else "1"), "check", id="校验位错误"),
        pytest.param(_body_with_check("41142220120230123"), "date", id="出生日期2月30日不存在"),
        pytest.param("41142220120305123甲", "chars", id="末位是汉字"),
        pytest.param("无", "chars", id="填了无字"),
        pytest.param("4114222012030512", "length", id="16位且不像Excel数字"),
    ],
)
def test_invalid_id_flags_roster_row_whose_id_is_not_an_id(value: str, reason: str) -> None:
    """A roster row with a wrong-length, wrong-check, bad-date or bad-character ID is one finding."""
    roster = make_roster(
        [
            {"school": "城关镇中心小学", "name": "张伟", "id": make_id(seq=5)},
            {"school": "城关镇中心小学", "name": "李娜", "id": value},
        ]
    )
    found = invalid_id.detect(make_context(roster=roster))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["file"], f["sheet"], f["row"]) == (
        "INVALID_ID",
        "medium",
        "roster",
        "城关镇中心小学学籍.xlsx",
        "Sheet1",
        3,
    )
    assert f["name"] == "李娜"
    assert pd.isna(f["person_id"])
    assert json.loads(f["evidence"])["reason"] == reason


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(_full_width(X_ID[:17]) + "x", id="全角数字加小写x"),
        pytest.param(f"'{KID}", id="前置撇号"),
        pytest.param(f" {KID[:6]} {KID[6:14]} {KID[14:]}\u00a0", id="空格和不换行空格"),
        pytest.param(f"{KID}.0", id="末尾点零"),
        pytest.param("110105491231002", id="15位老号码的老人"),
        pytest.param(KID + "21", id="20位残疾人证号"),
        pytest.param("J" + KID, id="J开头学籍号"),
        pytest.param("L" + KID, id="L开头学籍号"),
        pytest.param(make_id("20120305", region="999999", seq=7), id="查不到的行政区划代码"),
        pytest.param("4.11422E+17", id="Excel科学计数法归ID_NUMBER_MANGLED"),
        pytest.param("", id="空白"),
    ],
)
def test_invalid_id_ignores_ids_that_clean_up_or_are_something_else(value: str) -> None:
    """Cleanable IDs, legacy and certificate numbers, 学籍号, mangled and blank cells are not INVALID_ID."""
    roster = make_roster([{"school": "城关镇中心小学", "name": "张伟", "id": value}])
    assert invalid_id.detect(make_context(roster=roster)).empty


def test_invalid_id_flags_rows_of_every_source_in_location_order() -> None:
    """Registry, roster and ledger rows are all checked; findings keep each row's own location."""
    registry = make_registry([{"name": "王芳", "id": KID}, {"name": "赵强", "id": "12345"}])
    roster_a = make_roster(
        [{"name": "孙丽", "id": "4114222012"}], file="赵庄小学学籍.xlsx", sheet="三年级"
    )
    roster_b = make_roster(
        [{"name": "周杰", "id": KID}, {"name": "吴敏", "id": KID[:16]}],
        file="城关镇中心小学学籍.xlsx",
    )
    ledger = make_ledger(
        [
            {
                "name": "郑明",
                "id": KID[:17] + "Y",
                "program": "小学寄宿生生活补助",
                "term": "2024秋",
                "amount": "500",
            }
        ]
    )
    found = invalid_id.detect(make_context(registry, concat(roster_a, roster_b), ledger))
    located = list(
        zip(
            found["source"], found["file"], found["sheet"], found["row"], found["name"], strict=True
        )
    )
    assert located == [
        ("registry", "防返贫监测对象名单.xlsx", "城关镇", 3, "赵强"),
        ("roster", "城关镇中心小学学籍.xlsx", "Sheet1", 3, "吴敏"),
        ("roster", "赵庄小学学籍.xlsx", "三年级", 2, "孙丽"),
        ("ledger", "2024秋寄宿生生活补助发放花名册.xlsx", "Sheet1", 2, "郑明"),
    ]
    assert found["term"].tolist()[-1] == "2024秋"
    assert found["related"].tolist() == ["", "", "", ""]


def test_invalid_id_message_masks_the_number() -> None:
    """The message shows the ID masked (first 6 and last 4), never the full wrong number."""
    wrong = KID[:17] + ("0" if KID[-1] != "0" else "1")
    found = invalid_id.detect(make_context(roster=make_roster([{"name": "张伟", "id": wrong}])))
    message = found.iloc[0]["message"]
    assert wrong not in message
    assert f"{wrong[:6]}********{wrong[-4:]}" in message
    assert "校验位" in message
