"""DUPLICATE_ENROLLMENT: one pupil active at two schools in one term; transfers are not."""

from __future__ import annotations

import json

import pytest

from edupoverty.rules import duplicate_enrollment
from factories import concat, make_context, make_id, make_roster

KID = make_id("20120305", seq=123)
OTHER = make_id("20120305", seq=125)
A = "城关镇中心小学"
B = "赵庄小学"
ROS = "roster:城关镇中心小学学籍.xlsx:Sheet1"


def _row(
    school: str,
    status: str = "在读",
    term: str | None = "2024秋",
    pid: str = KID,
    name: str = "张伟",
) -> dict[str, str | None]:
    row = {"school": school, "name": name, "id": pid, "grade": "三年级", "status": status}
    return row | ({"term": term} if term is not None else {})


@pytest.mark.parametrize(
    ("rows", "located_row", "term", "related", "schools"),
    [
        pytest.param([_row(A), _row(B)], 3, "2024秋", f"{ROS}:2", f"{A}、{B}", id="两校同学期在读"),
        pytest.param(
            [_row(A), _row(A), _row(B)],
            4,
            "2024秋",
            f"{ROS}:2;{ROS}:3",
            f"{A}、{B}",
            id="原校重复两行再加一校",
        ),
        pytest.param(
            [_row(A), _row(B), _row("王庄小学")],
            3,
            "2024秋",
            f"{ROS}:2;{ROS}:4",
            f"{A}、{B}、王庄小学",
            id="三校同时在读",
        ),
        pytest.param(
            [_row(A, term=None), _row(B)],
            3,
            "2024秋",
            f"{ROS}:2",
            f"{A}、{B}",
            id="无学期的在读行适用于本学期",
        ),
        pytest.param(
            [_row(A, status="正常"), _row(B, status="借读")],
            3,
            "2024秋",
            f"{ROS}:2",
            f"{A}、{B}",
            id="正常和借读都算在读",
        ),
        pytest.param(
            [
                _row(A),
                _row(B, pid=KID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
            ],
            3,
            "2024秋",
            f"{ROS}:2",
            f"{A}、{B}",
            id="另一校号码写成全角仍是同一人",
        ),
        pytest.param(
            [_row(A, name="張偉"), _row(B)],
            3,
            "2024秋",
            f"{ROS}:2",
            f"{A}、{B}",
            id="繁简体姓名同号",
        ),
    ],
)
def test_duplicate_enrollment_flags_pupil_active_at_two_schools_in_one_term(
    rows, located_row, term, related, schools
) -> None:
    """A pupil active at two schools in one term is one finding on the first row of the second school."""
    found = duplicate_enrollment.detect(make_context(roster=make_roster(rows)))
    assert len(found) == 1
    f = found.iloc[0]
    assert (f["rule"], f["severity"], f["source"], f["row"], f["person_id"], f["term"]) == (
        "DUPLICATE_ENROLLMENT",
        "high",
        "roster",
        located_row,
        KID,
        term,
    )
    assert f["related"] == related
    assert json.loads(f["evidence"])["schools"] == schools
    assert f"{KID[:6]}********{KID[-4:]}" in f["message"]
    assert KID not in f["message"]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([_row(A, status="转出"), _row(B)], id="转出后在新校在读"),
        pytest.param([_row(A, status="转学"), _row(B, status="在读")], id="转学后在新校在读"),
        pytest.param([_row(A, status="休学"), _row(B)], id="原校休学"),
        pytest.param([_row(A, status="毕业"), _row(B)], id="小学毕业后上初中"),
        pytest.param([_row(A, term="2024春"), _row(B, term="2024秋")], id="不同学期分别在两校"),
        pytest.param([_row(A), _row(A)], id="同校重复两行"),
        pytest.param([_row(A), _row("城关镇 中心小学")], id="校名多一个空格"),
        pytest.param([_row(A), _row("城關鎮中心小學")], id="校名繁体字"),
        pytest.param(
            [
                _row(A),
                _row(A, pid=KID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
            ],
            id="同校同一人号码写成全角",
        ),
        pytest.param([_row(A), _row(B, pid=OTHER)], id="同名同生日不同号的两个孩子"),
        pytest.param(
            [_row(A, pid=KID[:17] + "0"), _row(B, pid=KID[:17] + "0")], id="无效号码不参与"
        ),
    ],
)
def test_duplicate_enrollment_ignores_transfers_and_single_enrolments(rows) -> None:
    """Transfers, other statuses, other terms, one school and different IDs are not duplicates."""
    assert duplicate_enrollment.detect(make_context(roster=make_roster(rows))).empty


def test_duplicate_enrollment_reports_each_term_across_roster_files() -> None:
    """Rows from two schools' roster files give one finding per term, located in the later file."""
    town = make_roster(
        [_row(A, term="2024春"), _row(A, term="2024秋")], file="城关镇中心小学学籍.xlsx"
    )
    village = make_roster(
        [_row(B, term="2024春"), _row(B, term="2024秋")], file="赵庄小学学籍.xlsx", sheet="三年级"
    )
    found = duplicate_enrollment.detect(make_context(roster=concat(village, town)))
    assert sorted(
        zip(
            found["term"],
            found["file"],
            found["sheet"],
            found["row"],
            found["related"],
            strict=True,
        )
    ) == [
        ("2024春", "赵庄小学学籍.xlsx", "三年级", 2, f"{ROS}:2"),
        ("2024秋", "赵庄小学学籍.xlsx", "三年级", 3, f"{ROS}:3"),
    ]


def test_duplicate_enrollment_tells_schools_apart_by_file_when_there_is_no_school_column() -> None:
    """Two roster exports without a school column are two schools, named by their files."""
    town = make_roster(
        [{"name": "张伟", "id": KID, "status": "在读", "term": "2024秋"}],
        file="城关镇中心小学学籍.xlsx",
    )
    village = make_roster(
        [{"name": "张伟", "id": KID, "status": "在读", "term": "2024秋"}], file="赵庄小学学籍.xlsx"
    )
    found = duplicate_enrollment.detect(make_context(roster=concat(town, village)))
    assert found["file"].tolist() == ["赵庄小学学籍.xlsx"]
    assert "城关镇中心小学学籍.xlsx、赵庄小学学籍.xlsx" in found.iloc[0]["message"]
