"""Reading policy TOML: the shipped default, line numbers in errors, syntax and file errors."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from edupoverty.core.errors import PolicyError
from edupoverty.io.policy_file import (
    default_policy_text,
    load_policy,
    locate_lines,
    parse_policy_text,
)

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def default_text() -> str:
    """The shipped national default policy text."""
    return default_policy_text()


def test_default_policy_loads_with_all_programmes() -> None:
    """The shipped default loads and names the national programmes."""
    policy = load_policy(None)
    assert {p.code for p in policy.programs} >= {
        "boarding_primary",
        "boarding_junior",
        "nonboarding_primary",
        "nonboarding_junior",
        "hs_grant",
        "hs_fee_waiver",
        "vocational_grant",
        "vocational_tuition_waiver",
        "preschool_aid",
    }
    assert policy.compulsory_age == (6, 15)


@pytest.mark.parametrize(
    ("code", "term", "expected"),
    [
        pytest.param("boarding_primary", "2024秋", ("500",), id="小学寄宿 1000/年"),
        pytest.param("boarding_junior", "2024秋", ("625",), id="初中寄宿 1250/年"),
        pytest.param("nonboarding_primary", "2024秋", ("250",), id="小学非寄宿 半额"),
        pytest.param("nonboarding_junior", "2024秋", ("312.5",), id="初中非寄宿 312.5"),
        pytest.param("vocational_grant", "2024秋", ("1000",), id="中职助学金 2000/年"),
        pytest.param("vocational_grant", "2025春", ("1150",), id="中职助学金 2300/年"),
    ],
)
def test_default_policy_standard_matches_national_figures(
    code: str, term: str, expected: tuple[str, ...]
) -> None:
    """Per-term amounts are half the yearly national standards; 312.5 stays exact."""
    assert load_policy(None).standard(code, term) == tuple(Decimal(a) for a in expected)


def test_default_policy_hs_grant_rises_from_2025_spring() -> None:
    """The 普通高中国家助学金 tiers change at 2025春 (average 2000 → 2300 a year)."""
    policy = load_policy(None)
    before, after = policy.standard("hs_grant", "2024秋"), policy.standard("hs_grant", "2025春")
    assert before != after
    assert sum(before) / len(before) * 2 == 2000
    assert sum(after) / len(after) * 2 == 2300


def test_default_policy_every_programme_cites_a_source(default_text: str) -> None:
    """Each programme has a source and each amount line carries a comment naming a document."""
    data = tomllib.loads(default_text)
    assert all(p.get("source") for p in data["program"])
    amount_lines = [
        line for line in default_text.splitlines() if re.match(r"^\s*(per_term|allowed)\s*=", line)
    ]
    assert amount_lines
    for line in amount_lines:
        assert "#" in line, line
        comment = line.split("#", 1)[1]
        assert re.search(r"〔\d{4}〕|unverified|国务院|\d{4}-\d{2}-\d{2}", comment), line


def test_default_policy_aliases_resolve_real_ledger_spellings() -> None:
    """Spellings seen in real ledgers (DOMAIN §1.3), with full-width brackets, map to codes."""
    policy = load_policy(None)
    raw = pd.Series(
        [
            "义务教育资助-农村义务教育阶段家庭经济困难寄宿生生活补助（小学）",
            "寄宿生生活补助(小学)",
            "小学寄宿生生活补助",
            "寄宿生生活补助（初中）",
            "义务教育家庭经济困难非寄宿生生活补助（初中）",
            "普高教育资助-国家助学金",
            "普高教育资助-免除学杂费",
            "中职教育资助－国家助学金",
            "中职教育资助-免除学杂费",
            "学前教育资助-家庭经济困难幼儿园补助",
            "营养改善计划",
        ]
    )
    assert policy.match_programs(raw).tolist()[:-1] == [
        "boarding_primary",
        "boarding_primary",
        "boarding_primary",
        "boarding_junior",
        "nonboarding_junior",
        "hs_grant",
        "hs_fee_waiver",
        "vocational_grant",
        "vocational_tuition_waiver",
        "preschool_aid",
    ]
    assert pd.isna(policy.match_programs(raw).iloc[-1])


def test_default_policy_leaves_stage_neutral_spelling_unmatched() -> None:
    """The national system's stage-neutral 寄宿生 name cannot pick 小学 or 初中, so it stays <NA>."""
    policy = load_policy(None)
    raw = pd.Series(["义务教育资助-农村义务教育阶段家庭经济困难寄宿生生活补助", "寄宿生生活补助"])
    assert policy.match_programs(raw).isna().all()


def test_test_policy_file_loads() -> None:
    """The small policy the rule tests use is valid."""
    assert load_policy(DATA / "policy_small.toml").name == "测试政策"


BROKEN = """\
[policy]
name = "某县政策"

[[program]]
code = "boarding_primary"
name = "小学寄宿生生活补助"
stages = ["大学"]
per_term = 500

[[program]]
code = "boarding_junior"
name = "初中寄宿生生活补助"
stages = ["初中"]

[[program]]
code = "boarding_primary"
name = "另一个补助"
stages = ["小学"]
per_term = 500
"""


def test_policy_file_reports_three_problems_with_line_numbers() -> None:
    """Unknown stage (line 7), missing amount (line 10) and duplicate code (line 16) in one error."""
    with pytest.raises(PolicyError) as exc:
        parse_policy_text(BROKEN, file="county.toml")
    found = [(d.code, d.line) for d in exc.value.details]
    assert found == [
        ("policy.stage_unknown", 7),
        ("policy.amount_missing", 10),
        ("policy.code_duplicate", 16),
    ]
    text = str(exc.value)
    assert "county.toml 第7行" in text and "大学" in text
    assert "第10行" in text and "第16行" in text


def test_policy_file_names_the_line_of_a_bad_standard() -> None:
    """A problem inside [[program.standard]] points at that key's line."""
    text = BROKEN.replace('stages = ["大学"]', 'stages = ["小学"]').split(
        '[[program]]\ncode = "boarding_junior"'
    )[0]
    text += '\n[[program.standard]]\nfrom_term = "2025年春"\nper_term = 600\n'
    with pytest.raises(PolicyError) as exc:
        parse_policy_text(text)
    (detail,) = exc.value.details
    assert detail.code == "policy.term_invalid"
    assert text.splitlines()[detail.line - 1].startswith("from_term")  # type: ignore[operator]


def test_policy_file_reports_toml_syntax_error_with_line() -> None:
    """A TOML syntax error names the file and line."""
    with pytest.raises(PolicyError) as exc:
        parse_policy_text('[policy]\nname = "x"\n[[program]\ncode = "a"\n', file="bad.toml")
    (detail,) = exc.value.details
    assert (detail.code, detail.line, detail.file) == ("policy.toml_syntax", 3, "bad.toml")
    assert "bad.toml 第3行" in str(exc.value)


def test_load_policy_missing_file_says_so_in_chinese(tmp_path: Path) -> None:
    """A missing policy file gives one clear Chinese sentence with the path."""
    missing = tmp_path / "无此文件.toml"
    with pytest.raises(PolicyError) as exc:
        load_policy(missing)
    assert exc.value.details[0].code == "policy.file_missing"
    assert "找不到资助政策文件" in str(exc.value) and "无此文件.toml" in str(exc.value)


def test_load_policy_refuses_a_folder(tmp_path: Path) -> None:
    """A folder passed as --policy is refused with a policy error."""
    with pytest.raises(PolicyError) as exc:
        load_policy(tmp_path)
    assert exc.value.details[0].code in {"policy.file_is_folder", "policy.file_unreadable"}


def test_load_policy_reads_utf8_with_bom(tmp_path: Path, default_text: str) -> None:
    """Notepad's UTF-8 BOM does not break the file."""
    path = tmp_path / "p.toml"
    path.write_bytes(b"\xef\xbb\xbf" + default_text.encode("utf-8"))
    assert load_policy(path) == load_policy(None)


def test_locate_lines_finds_tables_and_keys() -> None:
    """Programme blocks, standards and keys get their 1-based line numbers."""
    text = (
        "[policy]\n"
        'name = "x"\n'
        "\n"
        "[[program]]  # first\n"
        'code = "a"\n'
        "aliases = [\n"
        '  "甲",\n'
        "]\n"
        "[[program.standard]]\n"
        'from_term = "2025春"\n'
        "[[program]]\n"
        'code = "b"\n'
    )
    lines = locate_lines(text)
    assert lines[("policy", "name")] == 2
    assert lines[("program", 0)] == 4
    assert lines[("program", 0, "code")] == 5
    assert lines[("program", 0, "aliases")] == 6
    assert lines[("program", 0, "standard", 0, "from_term")] == 10
    assert lines[("program", 1, "code")] == 12
