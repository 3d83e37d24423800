"""PROBABLE_MATCH: broken, missing or near-miss IDs matching a known person by name and birth date."""

from __future__ import annotations

import json

import pytest

from edupoverty.rules import probable_match
from factories import make_context, make_id, make_ledger, make_registry, make_roster

KID = make_id("20120305", seq=123)  # 411422201203051237
SWAPPED = make_id("20120305", seq=132)  # 3rd and 2nd sequence digits swapped, own check digit
ONE_OFF = make_id("20120305", seq=128)  # one sequence digit different
TWO_OFF = make_id("20120305", region="411522", seq=128)  # two digits apart
GIRL = make_id("20130708", seq=246)
ADULT = make_id("19800101", seq=111)
PAY = {"program": "小学寄宿生生活补助", "term": "2024秋", "amount": "500"}
REG = "registry:防返贫监测对象名单.xlsx:城关镇"
ROS = "roster:城关镇中心小学学籍.xlsx:Sheet1"
ANCHORS = [{"name": "张伟", "id": KID, "household": "H1"}]
ON_ROSTER = [
    {"school": "城关镇中心小学", "name": "张伟", "id": KID, "status": "在读", "term": "2024秋"}
]


def _context(registry, roster, ledger):
    return make_context(
        make_registry(registry) if registry else None,
        make_roster(roster) if roster else None,
        make_ledger(ledger) if ledger else None,
    )


@pytest.mark.parametrize(
    ("registry", "roster", "ledger", "where", "related", "evidence"),
    [
        pytest.param(
            ANCHORS,
            ON_ROSTER,
            [{"name": "张伟", "id": SWAPPED, **PAY}],
            ("ledger", 2),
            f"{REG}:2;{ROS}:2",
            {"id_status": "valid", "edit": "swap", "similarity": "same_name"},
            id="台账号码相邻两位颠倒",
        ),
        pytest.param(
            ANCHORS,
            ON_ROSTER,
            [{"name": "张伟", "id": ONE_OFF, **PAY}],
            ("ledger", 2),
            f"{REG}:2;{ROS}:2",
            {"id_status": "valid", "edit": "substitution"},
            id="台账号码错一位",
        ),
        pytest.param(
            [],
            ON_ROSTER,
            [{"name": "张伟", "id": "411422201203051000", **PAY}],
            ("ledger", 2),
            f"{ROS}:2",
            {"id_status": "mangled", "id_prefix": "411422201203051"},
            id="Excel破坏的号码前缀与姓名一致",
        ),
        pytest.param(
            ANCHORS,
            [{"school": "赵庄小学", "name": "张伟", "birth_date": "2012-03-05", "status": "在读"}],
            [],
            ("roster", 2),
            f"{REG}:2",
            {"id_status": "missing", "birth_date": "2012-03-05"},
            id="学籍缺号码姓名生日与名单一致",
        ),
        pytest.param(
            ANCHORS,
            [{"school": "赵庄小学", "name": "张伟", "id": "J" + KID, "birth_date": "2012.03.05"}],
            [],
            ("roster", 2),
            f"{REG}:2",
            {"id_status": "student_no"},
            id="证件栏填了学籍号",
        ),
        pytest.param(
            ANCHORS,
            [{"school": "赵庄小学", "name": "张玮", "id": KID[:17] + "0"}],
            [],
            ("roster", 2),
            f"{REG}:2",
            {"id_status": "invalid", "similarity": "same_pinyin", "anchor_name": "张伟"},
            id="同音错字张玮且号码校验错",
        ),
        pytest.param(
            ANCHORS,
            [],
            [{"name": "張偉", "id": KID[:16] + "99", **PAY}],
            ("ledger", 2),
            f"{REG}:2",
            {"id_status": "invalid", "similarity": "same_name"},
            id="繁体名且号码无效",
        ),
        pytest.param(
            [{"name": "阿依古丽·买买提", "id": GIRL}],
            [{"school": "赵庄小学", "name": "阿依古丽•买买提", "birth_date": "2013-07-08"}],
            [],
            ("roster", 2),
            f"{REG}:2",
            {"id_status": "missing", "similarity": "same_name"},
            id="间隔号写法不同且缺号码",
        ),
    ],
)
def test_probable_match_flags_stray_row_matching_a_known_child(
    registry, roster, ledger, where, related, evidence
) -> None:
    """A stray row with the same name (or pinyin) and birth date as a valid-ID row elsewhere is one finding."""
    found = probable_match.detect(_context(registry, roster, ledger))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["row"]) == ("PROBABLE_MATCH", "low", *where)
    assert f["person_id"] == (GIRL if "阿依古丽" in f["name"] else KID)
    assert f["related"] == related
    assert evidence.items() <= json.loads(f["evidence"]).items()
    assert f["person_id"] not in f["message"]


@pytest.mark.parametrize(
    ("registry", "roster", "ledger"),
    [
        pytest.param(
            [
                {"name": "张伟", "id": KID, "household": "H1"},
                {"name": "张伟", "id": ONE_OFF, "household": "H2"},
            ],
            ON_ROSTER,
            [{"name": "张伟", "id": ONE_OFF, **PAY}],
            id="两个同名同生日的有效号码各自在别的表出现",
        ),
        pytest.param(
            ANCHORS,
            [{"school": "赵庄小学", "name": "张伟", "birth_date": "2012-03-06"}],
            [],
            id="同名但生日差一天",
        ),
        pytest.param(
            ANCHORS,
            [{"school": "赵庄小学", "name": "张玮", "birth_date": "2012-03-06"}],
            [],
            id="同音但生日不同",
        ),
        pytest.param(
            ANCHORS, [], [{"name": "张伟", "id": "", **PAY}], id="台账缺号码也没有出生日期"
        ),
        pytest.param(
            [],
            [*ON_ROSTER, {"school": "城关镇中心小学", "name": "张伟", "birth_date": "2012-03-05"}],
            [],
            id="锚点只在同一文件里",
        ),
        pytest.param(
            ANCHORS, ON_ROSTER, [{"name": "张伟", "id": TWO_OFF, **PAY}], id="号码差两位不是录错"
        ),
        pytest.param(
            ANCHORS,
            [],
            [{"name": "张伟", "id": "411423201203051000", **PAY}],
            id="Excel破坏但前缀不同县",
        ),
        pytest.param(
            ANCHORS,
            [],
            [{"name": "李明", "id": "411422201203051000", **PAY}],
            id="Excel破坏前缀相同但不同名",
        ),
        pytest.param(
            [{"name": "张大山", "id": ADULT, "household": "H1"}, *ANCHORS],
            ON_ROSTER,
            [{"name": "张伟", "id": ADULT, **PAY}],
            id="同户监护人身份证领取",
        ),
        pytest.param(ANCHORS, ON_ROSTER, [{"name": "张伟", "id": KID, **PAY}], id="三表号码一致"),
    ],
)
def test_probable_match_ignores_different_people_and_rows_without_a_match(
    registry, roster, ledger
) -> None:
    """Distinct valid IDs known elsewhere, other birth dates, same-file anchors and two-digit differences are not matched."""
    assert probable_match.detect(_context(registry, roster, ledger)).empty


def test_probable_match_reports_one_finding_per_stray_with_all_anchor_rows() -> None:
    """A missing-ID ledger row matching registry and roster rows names the first anchor and lists all of them."""
    registry = make_registry([{"name": "李明", "id": GIRL}, *ANCHORS])
    roster = make_roster(
        [*ON_ROSTER, {"school": "城关镇中心小学", "name": "张伟", "birth_date": "2012-03-05"}]
    )
    found = probable_match.detect(make_context(registry, roster))
    assert found[["source", "row", "person_id", "related"]].values.tolist() == [
        ["roster", 3, KID, f"{REG}:3"]
    ]
    evidence = json.loads(found.iloc[0]["evidence"])
    assert (evidence["anchor_file"], evidence["anchor_row"], evidence["anchor_count"]) == (
        "防返贫监测对象名单.xlsx",
        3,
        1,
    )


def test_probable_match_message_names_the_anchor_with_a_masked_id() -> None:
    """The clerk sees where the anchor is and its masked ID, and that the names only sound alike."""
    registry = make_registry(ANCHORS)
    roster = make_roster([{"school": "赵庄小学", "name": "张玮", "birth_date": "2012-03-05"}])
    message = probable_match.detect(make_context(registry, roster)).iloc[0]["message"]
    assert "防返贫监测对象名单.xlsx" in message
    assert f"{KID[:6]}********{KID[-4:]}" in message
    assert "读音相同" in message
