"""IDENTITY_CONFLICT: one ID under two names, or gender/birth date contradicting the ID."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from edupoverty.rules import identity_conflict
from factories import make_context, make_id, make_ledger, make_registry, make_roster

KID = make_id("20120305", seq=123)  # male
GIRL = make_id("20130708", seq=246)  # female
ADULT = make_id("19800101", seq=111)
PAY = {"program": "小学寄宿生生活补助", "term": "2024秋", "amount": "500"}
REG_FILE = "registry:防返贫监测对象名单.xlsx:城关镇"
ROS_FILE = "roster:城关镇中心小学学籍.xlsx:Sheet1"
LED_FILE = "ledger:2024秋寄宿生生活补助发放花名册.xlsx:Sheet1"


@pytest.mark.parametrize(
    ("registry", "roster", "ledger", "where", "name", "related"),
    [
        pytest.param(
            [{"name": "张伟", "id": KID}],
            [{"name": "李明", "id": KID}],
            [],
            ("roster", 2),
            "李明",
            f"{REG_FILE}:2",
            id="名单和学籍同号不同名",
        ),
        pytest.param(
            [{"name": "张卫", "id": KID}],
            [{"name": "张伟", "id": KID}],
            [{"name": "张伟", "id": KID, **PAY}, {"name": "張偉", "id": KID, **PAY}],
            ("registry", 2),
            "张卫",
            f"{ROS_FILE}:2;{LED_FILE}:2;{LED_FILE}:3",
            id="少数派姓名在名单里",
        ),
        pytest.param(
            [],
            [{"name": "王芳", "id": GIRL}, {"name": "王方", "id": GIRL}],
            [],
            ("roster", 3),
            "王方",
            f"{ROS_FILE}:2",
            id="同一张学籍表内",
        ),
        pytest.param(
            [
                {"name": "张大山", "id": ADULT, "household": "H1"},
                {"name": "张伟", "id": KID, "household": "H2"},
            ],
            [],
            [{"name": "张伟", "id": ADULT, **PAY}],
            ("ledger", 2),
            "张伟",
            f"{REG_FILE}:2",
            id="监护人号码但孩子在别的户",
        ),
    ],
)
def test_identity_conflict_flags_one_id_under_two_names(
    registry, roster, ledger, where, name, related
) -> None:
    """An ID whose own rows carry two name keys is one finding at the first minority-name row."""
    ctx = make_context(
        make_registry(registry) if registry else None,
        make_roster(roster) if roster else None,
        make_ledger(ledger) if ledger else None,
    )
    found = identity_conflict.detect(ctx)
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["row"], f["name"]) == (
        "IDENTITY_CONFLICT",
        "medium",
        *where,
        name,
    )
    assert f["person_id"] in {KID, GIRL, ADULT}
    assert f["related"] == related
    assert pd.isna(f["term"])
    assert f["person_id"] not in f["message"]


@pytest.mark.parametrize(
    ("registry", "roster", "ledger"),
    [
        pytest.param(
            [{"name": "張偉", "id": KID}],
            [{"name": "张伟", "id": KID}],
            [],
            id="繁体張偉和简体张伟",
        ),
        pytest.param(
            [{"name": "阿依古丽·买买提", "id": GIRL}],
            [{"name": "阿依古丽•买买提", "id": GIRL}],
            [
                {"name": "阿依古丽买买提", "id": GIRL, **PAY},
                {"name": "阿依古丽.买买提", "id": GIRL, **PAY},
            ],
            id="间隔号的各种写法",
        ),
        pytest.param(
            [{"name": "张伟", "id": KID}], [{"name": " 张  伟 ", "id": KID}], [], id="名字里夹空格"
        ),
        pytest.param(
            [
                {"name": "张大山", "id": ADULT, "household": "H1"},
                {"name": "张伟", "id": KID, "household": "H1"},
            ],
            [{"name": "张伟", "id": KID}],
            [{"name": "张伟", "id": ADULT, **PAY}],
            id="台账用同户监护人身份证发放",
        ),
        pytest.param(
            [{"name": "张伟", "id": KID}],
            [{"name": "张伟", "id": make_id("20120305", seq=125)}],
            [],
            id="同名不同号是两个人",
        ),
        pytest.param(
            [],
            [{"name": "张伟", "id": KID[:17] + "0"}, {"name": "李明", "id": KID[:17] + "0"}],
            [],
            id="无效号码不参与",
        ),
        pytest.param(
            [{"name": "张伟", "id": KID}], [{"name": "", "id": KID}], [], id="一行没填姓名"
        ),
    ],
)
def test_identity_conflict_ignores_same_name_written_differently(registry, roster, ledger) -> None:
    """Spelling variants, guardian payments, different IDs and invalid IDs are no conflict."""
    ctx = make_context(
        make_registry(registry) if registry else None,
        make_roster(roster) if roster else None,
        make_ledger(ledger) if ledger else None,
    )
    assert identity_conflict.detect(ctx).empty


@pytest.mark.parametrize(
    ("row", "variant_text", "evidence"),
    [
        pytest.param(
            {"gender": "女"}, "性别填写为女", {"gender": "女", "id_gender": "男"}, id="男孩号码填女"
        ),
        pytest.param(
            {"birth_date": "2012-03-15"},
            "2012-03-15",
            {"birth_date": "2012-03-15", "id_birth_date": "2012-03-05"},
            id="出生日期差十天",
        ),
        pytest.param(
            {"gender": "女", "birth_date": "2010-01-01"},
            "可能填了别人的号码",
            {"gender": "女", "birth_date": "2010-01-01"},
            id="性别和出生日期都不符",
        ),
    ],
)
def test_identity_conflict_flags_gender_or_birth_date_contradicting_the_id(
    row, variant_text, evidence
) -> None:
    """A roster row whose gender or birth-date column contradicts its ID is one finding there."""
    roster = make_roster(
        [
            {
                "school": "城关镇中心小学",
                "name": "李娜",
                "id": GIRL,
                "gender": "女",
                "birth_date": "2013-07-08",
            },
            {"school": "城关镇中心小学", "name": "张伟", "id": KID, **row},
        ]
    )
    found = identity_conflict.detect(make_context(roster=roster))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["source"], f["row"], f["person_id"], f["name"]) == ("roster", 3, KID, "张伟")
    assert variant_text in f["message"]
    assert evidence.items() <= json.loads(f["evidence"]).items()


def test_identity_conflict_ignores_gender_and_birth_date_that_agree() -> None:
    """Columns that match the ID (女 for an even sequence digit, same date) are fine."""
    roster = make_roster([{"name": "李娜", "id": GIRL, "gender": "女", "birth_date": "2013-07-08"}])
    registry = make_registry(
        [{"name": "张伟", "id": KID, "gender": "男", "birth_date": "2012/3/5"}]
    )
    assert identity_conflict.detect(make_context(registry, roster)).empty


def test_identity_conflict_reports_each_person_once() -> None:
    """A person with both a name conflict and a wrong gender gets one finding, for the names."""
    registry = make_registry([{"name": "张伟", "id": KID, "gender": "女"}])
    roster = make_roster([{"name": "张卫", "id": KID, "gender": "女"}])
    found = identity_conflict.detect(make_context(registry, roster))
    assert len(found) == 1
    assert json.loads(found.iloc[0]["evidence"])["names"] == "张伟、张卫"
    assert "张伟、张卫" in found.iloc[0]["message"]
