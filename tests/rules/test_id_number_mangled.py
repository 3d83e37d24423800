"""ID_NUMBER_MANGLED: IDs Excel stored as numbers (15 digits kept), and look-alikes that are not."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from edupoverty.rules import id_number_mangled
from factories import make_context, make_id, make_ledger, make_registry, make_roster

KID = make_id("20120305", seq=123)  # 411422201203051237


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        pytest.param("4.11422E+17", "411422", id="单元格显示科学计数法"),
        pytest.param("4.11422201203051e+17", "411422201203051", id="Python打印的浮点数"),
        pytest.param("411422201203051000", "411422201203051", id="末三位变成000"),
        pytest.param("411422201203051000.0", "411422201203051", id="末三位变成000且带点零"),
    ],
)
def test_id_number_mangled_flags_id_stored_as_a_number(value: str, prefix: str) -> None:
    """A ledger ID that Excel turned into a number is one finding that keeps the surviving digits."""
    ledger = make_ledger(
        [
            {
                "name": "李娜",
                "id": make_id(seq=8),
                "program": "小学寄宿生生活补助",
                "term": "2024秋",
                "amount": "500",
            },
            {
                "name": "张伟",
                "id": value,
                "program": "小学寄宿生生活补助",
                "term": "2024秋",
                "amount": "500",
            },
        ]
    )
    found = id_number_mangled.detect(make_context(ledger=ledger))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["row"], f["name"], f["term"]) == (
        "ID_NUMBER_MANGLED",
        "medium",
        "ledger",
        3,
        "张伟",
        "2024秋",
    )
    assert pd.isna(f["person_id"])
    evidence = json.loads(f["evidence"])
    assert evidence["id_prefix"] == prefix
    assert f"前{len(prefix)}位" in f["message"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(KID, id="完整有效号码"),
        pytest.param(make_id("20120305", seq=119), id="末位X的号码Excel存为文本"),
        pytest.param("110105491231002", id="15位老号码的老人"),
        pytest.param(KID[:17] + "0", id="18位校验错误但数字未丢失归INVALID_ID"),
        pytest.param("4114222012030512", id="16位非浮点数归INVALID_ID"),
        pytest.param(KID + "21", id="20位残疾人证号"),
        pytest.param("", id="空白"),
    ],
)
def test_id_number_mangled_ignores_ids_excel_did_not_damage(value: str) -> None:
    """Valid, legacy, certificate, blank and merely mistyped IDs are not mangled."""
    roster = make_roster(
        [{"school": "城关镇中心小学", "name": "张伟", "id": value, "status": "在读"}]
    )
    assert id_number_mangled.detect(make_context(roster=roster)).empty


def test_id_number_mangled_reports_rows_of_every_source() -> None:
    """Mangled IDs in the registry and the roster are each reported at their own row."""
    registry = make_registry([{"name": "王芳", "id": KID}, {"name": "赵强", "id": "4.10101E+17"}])
    roster = make_roster(
        [{"name": "孙丽", "id": "411422201203051000"}], file="赵庄小学学籍.xlsx", sheet="三年级"
    )
    found = id_number_mangled.detect(make_context(registry, roster))
    assert list(zip(found["source"], found["file"], found["sheet"], found["row"], strict=True)) == [
        ("registry", "防返贫监测对象名单.xlsx", "城关镇", 3),
        ("roster", "赵庄小学学籍.xlsx", "三年级", 2),
    ]
    assert "411422201203051000" not in found.iloc[1]["message"]
