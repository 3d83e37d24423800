"""NOT_ENROLLED: registered children of compulsory age active on no roster in the as-of term."""

from __future__ import annotations

import json

import pytest

from edupoverty.rules import not_enrolled
from factories import AS_OF, make_context, make_id, make_registry, make_roster

KID = make_id("20120305", seq=123)  # 12 at AS_OF (2024-11-01)
CLASSMATE = make_id("20120606", seq=131)
SCHOOL = "城关镇中心小学"


def _member(name: str, pid: str, household: str = "H1") -> dict[str, str]:
    return {
        "name": name,
        "id": pid,
        "household": household,
        "category": "脱贫户",
        "village": "王庄村",
    }


def _pupil(
    pid: str, status: str = "在读", term: str | None = "2024秋", name: str = "李明"
) -> dict[str, str]:
    row = {"school": SCHOOL, "name": name, "id": pid, "grade": "三年级", "status": status}
    return row | ({"term": term} if term is not None else {})


@pytest.mark.parametrize(
    ("birth", "roster", "variant_text"),
    [
        pytest.param(
            "20120305", [_pupil(CLASSMATE)], "所有学籍表中都没有在读记录", id="12岁不在任何学籍"
        ),
        pytest.param("20181101", [_pupil(CLASSMATE)], "现年6岁", id="当天刚满6岁"),
        pytest.param("20090101", [_pupil(CLASSMATE)], "现年15岁", id="15岁仍在义务教育年龄"),
        pytest.param(
            "20120305", [_pupil(CLASSMATE), _pupil(KID, status="转出")], "「转出」", id="学籍为转出"
        ),
        pytest.param(
            "20120305", [_pupil(CLASSMATE), _pupil(KID, status="辍学")], "「辍学」", id="学籍为辍学"
        ),
        pytest.param(
            "20120305",
            [_pupil(CLASSMATE), _pupil(KID, term="2024春")],
            "2024春「在读」",
            id="只在上学期在读",
        ),
    ],
)
def test_not_enrolled_flags_registered_child_of_school_age_on_no_roster(
    birth, roster, variant_text
) -> None:
    """A registry child aged 6 to 15 with no active roster row this term is one finding on the registry row."""
    pid = make_id(birth, seq=123)
    registry = make_registry(
        [_member("张大山", make_id("19800101", seq=111)), _member("张伟", pid)]
    )
    found = not_enrolled.detect(make_context(registry, make_roster(roster)))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["file"], f["sheet"], f["row"]) == (
        "NOT_ENROLLED",
        "high",
        "registry",
        "防返贫监测对象名单.xlsx",
        "城关镇",
        3,
    )
    assert (f["person_id"], f["name"], f["term"]) == (pid, "张伟", "2024秋")
    assert variant_text in f["message"]
    assert pid not in f["message"]


def test_not_enrolled_lists_the_childs_roster_rows_as_related() -> None:
    """A child transferred out is reported with the roster rows found for the ID."""
    registry = make_registry([_member("张伟", KID)])
    roster = make_roster(
        [_pupil(KID, status="在读", term="2024春"), _pupil(CLASSMATE), _pupil(KID, status="转出")]
    )
    found = not_enrolled.detect(make_context(registry, roster))
    assert found["related"].tolist() == [
        "roster:城关镇中心小学学籍.xlsx:Sheet1:2;roster:城关镇中心小学学籍.xlsx:Sheet1:4"
    ]
    evidence = json.loads(found.iloc[0]["evidence"])
    assert (evidence["age"], evidence["roster_status"], evidence["roster_term"]) == (
        12,
        "转出",
        "2024秋",
    )


def test_not_enrolled_reports_a_person_once_at_the_first_registry_row() -> None:
    """A child on two registry lists (脱贫户 and 低保) is one finding, at the first row."""
    registry = make_registry(
        [_member("张伟", KID), {"name": "张伟", "id": KID, "category": "低保"}]
    )
    found = not_enrolled.detect(make_context(registry, make_roster([_pupil(CLASSMATE)])))
    assert (len(found), found.iloc[0]["row"]) == (1, 2)


@pytest.mark.parametrize(
    ("registry", "roster"),
    [
        pytest.param([_member("张伟", KID)], [_pupil(KID)], id="本学期在读"),
        pytest.param(
            [_member("张伟", KID)], [_pupil(KID, term=None)], id="学籍行没有学期适用于所有学期"
        ),
        pytest.param([_member("張偉", KID)], [_pupil(KID, name="张伟")], id="繁体名同号在读"),
        pytest.param(
            [_member("张伟", KID)],
            [_pupil(KID, status="转出"), _pupil(KID, status="在读")],
            id="转出又转入在读",
        ),
        pytest.param(
            [_member("张大山", make_id("19800101", seq=111))], [_pupil(CLASSMATE)], id="成年人"
        ),
        pytest.param(
            [_member("张奶奶", "110105491231002")], [_pupil(CLASSMATE)], id="15位老号码的老人"
        ),
        pytest.param(
            [_member("张小妹", make_id("20190601", seq=124))], [_pupil(CLASSMATE)], id="5岁还没上学"
        ),
        pytest.param(
            [_member("张大哥", make_id("20080101", seq=113))],
            [_pupil(CLASSMATE)],
            id="16岁已过义务教育年龄",
        ),
        pytest.param(
            [_member("张伟", KID[:17] + "0")], [_pupil(CLASSMATE)], id="无效号码无法判断年龄"
        ),
        pytest.param(
            [_member("张伟", KID)],
            [_pupil(CLASSMATE, term="2024春"), _pupil(KID, term="2024春")],
            id="学籍表只有上学期则任一学期在读都算",
        ),
    ],
)
def test_not_enrolled_ignores_enrolled_children_adults_and_other_ages(registry, roster) -> None:
    """Active pupils (by ID), adults, under-6s, over-15s and invalid IDs are not flagged."""
    ctx = make_context(make_registry(registry), make_roster(roster))
    assert ctx.as_of == AS_OF
    assert not_enrolled.detect(ctx).empty


def test_not_enrolled_uses_only_the_as_of_term_when_the_rosters_have_it() -> None:
    """With rows for the as-of term present, being active only last term does not count."""
    registry = make_registry([_member("张伟", KID), _member("李明", CLASSMATE, "H2")])
    roster = make_roster([_pupil(CLASSMATE, term="2024秋"), _pupil(KID, term="2024春")])
    found = not_enrolled.detect(make_context(registry, roster))
    assert found["person_id"].tolist() == [KID]
