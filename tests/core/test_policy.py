"""The Policy model: validation that collects every problem, standards per term, matching."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from edupoverty.core.errors import PolicyError
from edupoverty.core.policy import Loc, Policy, Program, build_policy, program_key


def _program(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "boarding_primary",
        "name": "义务教育家庭经济困难寄宿生生活补助(小学)",
        "stages": ["小学"],
        "per_term": 500,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}  # TOML has no null: None drops a key


def _doc(*programs: dict[str, Any], **header: Any) -> dict[str, Any]:
    return {"policy": {"name": "测试", **header}, "program": list(programs)}


def _codes(exc: pytest.ExceptionInfo[PolicyError]) -> list[str]:
    return [d.code for d in exc.value.details]


TIERED = _program(
    code="hs_grant",
    name="普通高中国家助学金",
    stages=["高中"],
    per_term=None,
    allowed=[500, 1000, 1500],
    standard=[
        {"from_term": "2025春", "allowed": [600, 1150, 1700]},
        {"from_term": "2019秋", "allowed": [550, 1000, 1450]},
    ],
)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        pytest.param("2019春", ("500", "1000", "1500"), id="before every standard"),
        pytest.param("2019秋", ("550", "1000", "1450"), id="first term of a standard"),
        pytest.param("2024秋", ("550", "1000", "1450"), id="between standards"),
        pytest.param("2025春", ("600", "1150", "1700"), id="latest standard"),
        pytest.param("2030秋", ("600", "1150", "1700"), id="long after"),
    ],
)
def test_policy_standard_picks_latest_standard_not_after_term(
    term: str, expected: tuple[str, ...]
) -> None:
    """The latest standard whose from_term is not after the term wins, whatever the file order."""
    policy = build_policy(_doc(TIERED))
    assert policy.standard("hs_grant", term) == tuple(Decimal(a) for a in expected)


def test_policy_standard_gives_one_tuple_for_per_term() -> None:
    """A per_term programme allows exactly one amount."""
    policy = build_policy(_doc(_program(per_term=Decimal("312.5"))))
    assert policy.standard("boarding_primary", "2024秋") == (Decimal("312.5"),)


def test_policy_standard_is_empty_before_a_programme_starts() -> None:
    """A programme with amounts only from a standard has none before that term."""
    program = _program(per_term=None, standard=[{"from_term": "2019秋", "per_term": 250}])
    policy = build_policy(_doc(program))
    assert policy.standard("boarding_primary", "2019春") == ()
    assert policy.standard("boarding_primary", "2019秋") == (Decimal("250"),)


def test_policy_standard_rejects_a_term_that_is_not_canonical() -> None:
    """Asking for 2024年秋季 instead of 2024秋 is a programming error, not a silent miss."""
    policy = build_policy(_doc(_program()))
    with pytest.raises(ValueError, match="canonical"):
        policy.standard("boarding_primary", "2024年秋季")


def test_policy_program_raises_key_error_for_unknown_code() -> None:
    """An unknown programme code is a KeyError."""
    policy = build_policy(_doc(_program()))
    with pytest.raises(KeyError):
        policy.program("nope")


def test_policy_group_of_falls_back_to_the_code() -> None:
    """A programme without exclusive_group is its own group."""
    policy = build_policy(
        _doc(
            _program(exclusive_group="living"),
            _program(code="hs_grant", name="普通高中国家助学金", stages=["高中"]),
        )
    )
    assert policy.group_of("boarding_primary") == "living"
    assert policy.group_of("hs_grant") == "hs_grant"


def test_policy_entitled_programs_lists_only_entitled_in_order() -> None:
    """entitled_programs keeps the file order and skips non-entitled programmes."""
    policy = build_policy(
        _doc(
            _program(entitled=True),
            _program(code="waiver", name="免学费", stages=["中职"]),
            _program(code="junior", name="初中补助", stages=["初中"], entitled=True),
        )
    )
    assert [p.code for p in policy.entitled_programs()] == ["boarding_primary", "junior"]


def test_policy_categories_fold_old_names_to_canonical() -> None:
    """建档立卡 in an older policy means 脱贫户; 农村低保 means 低保."""
    policy = build_policy(_doc(_program(categories=["建档立卡", "农村低保", "低保"])))
    assert policy.program("boarding_primary").categories == ("脱贫户", "低保")


def test_policy_amounts_keep_one_spelling_for_fingerprint() -> None:
    """500, 500.0 and 500.00 are one amount, and the fingerprint does not change."""
    a = build_policy(_doc(_program(per_term=500)))
    b = build_policy(_doc(_program(per_term=Decimal("500.00"))))
    assert a.fingerprint() == b.fingerprint()
    assert str(b.program("boarding_primary").per_term) == "500"


def test_policy_fingerprint_changes_with_an_amount() -> None:
    """Changing an amount changes the fingerprint recorded with each run."""
    a = build_policy(_doc(_program(per_term=500)))
    b = build_policy(_doc(_program(per_term=501)))
    assert a.fingerprint() != b.fingerprint()
    assert len(a.fingerprint()) == 64


@pytest.mark.parametrize(
    ("program", "code"),
    [
        pytest.param(_program(stages=["大学"]), "policy.stage_unknown", id="unknown stage"),
        pytest.param(
            _program(categories=["贫困生"]), "policy.category_unknown", id="unknown category"
        ),
        pytest.param(_program(per_term=None), "policy.amount_missing", id="no amount"),
        pytest.param(_program(allowed=[500]), "policy.amount_both", id="per_term and allowed"),
        pytest.param(_program(per_term=-1), "policy.amount_negative", id="negative amount"),
        pytest.param(
            _program(per_term=None, allowed=[500, -5]), "policy.amount_negative", id="negative tier"
        ),
        pytest.param(_program(per_term=None, allowed=[]), "policy.allowed_empty", id="empty tiers"),
        pytest.param(
            _program(standard=[{"from_term": "2025年春", "per_term": 1}]),
            "policy.term_invalid",
            id="bad from_term",
        ),
        pytest.param(
            _program(standard=[{"from_term": "2025春"}]),
            "policy.standard_amount_missing",
            id="standard without amount",
        ),
        pytest.param(
            _program(
                standard=[
                    {"from_term": "2025春", "per_term": 1},
                    {"from_term": "2025春", "per_term": 2},
                ]
            ),
            "policy.standard_term_repeated",
            id="two standards from one term",
        ),
        pytest.param(_program(code="Boarding Primary"), "policy.code_invalid", id="bad code"),
        pytest.param(_program(per_trem=500), "policy.field_unknown", id="misspelt key"),
        pytest.param(
            {k: v for k, v in _program().items() if k != "stages"},
            "policy.field_missing",
            id="no stages",
        ),
        pytest.param(_program(boarding="是"), "policy.field_invalid", id="boarding not bool"),
    ],
)
def test_policy_rejects_bad_programme_with_message_id(program: dict[str, Any], code: str) -> None:
    """Each kind of programme problem has its own message id."""
    with pytest.raises(PolicyError) as exc:
        build_policy(_doc(program))
    assert code in _codes(exc)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        pytest.param({"compulsory_age": [15, 6]}, "policy.age_order", id="ages reversed"),
        pytest.param({"name": " "}, "policy.policy_name_blank", id="blank name"),
        pytest.param({"lang": "zh"}, "policy.header_field_unknown", id="unknown key"),
    ],
)
def test_policy_rejects_bad_header_with_message_id(header: dict[str, Any], code: str) -> None:
    """Problems in [policy] have their own message ids."""
    with pytest.raises(PolicyError) as exc:
        build_policy(_doc(_program(), **header))
    assert code in _codes(exc)


def test_policy_rejects_duplicate_code_with_line_number() -> None:
    """A repeated code names its own line and the line where the code was first used."""
    lines: dict[Loc, int] = {("program", 0, "code"): 5, ("program", 1, "code"): 12}
    with pytest.raises(PolicyError) as exc:
        build_policy(_doc(_program(), _program(name="另一个")), lines=lines, file="p.toml")
    (detail,) = exc.value.details
    assert (detail.code, detail.line, detail.params["line_first"]) == (
        "policy.code_duplicate",
        12,
        5,
    )
    assert "第12行" in str(exc.value)


def test_policy_rejects_alias_shared_by_two_programmes() -> None:
    """One ledger spelling may name one programme only, compared after folding."""
    with pytest.raises(PolicyError) as exc:
        build_policy(
            _doc(
                _program(aliases=["寄宿生生活补助"]),
                _program(
                    code="boarding_junior",
                    name="寄宿生生活补助(初中)",
                    stages=["初中"],
                    aliases=["寄宿生生活补助 "],
                ),
            )
        )
    assert _codes(exc) == ["policy.alias_duplicate"]


def test_policy_reports_every_problem_at_once() -> None:
    """Unknown stage, missing amount and duplicate code come out together, each with its line."""
    lines = {
        ("program", 0): 4,
        ("program", 0, "stages"): 7,
        ("program", 1): 10,
        ("program", 1, "code"): 11,
        ("program", 2, "code"): 17,
        ("program", 0, "code"): 5,
    }
    doc = _doc(
        _program(stages=["大学"]),
        _program(code="b", name="乙", per_term=None),
        _program(code="boarding_primary", name="丙"),
    )
    with pytest.raises(PolicyError) as exc:
        build_policy(doc, lines=lines)
    found = {(d.code, d.line) for d in exc.value.details}
    assert found == {
        ("policy.stage_unknown", 7),
        ("policy.amount_missing", 10),
        ("policy.code_duplicate", 17),
    }


def test_policy_reports_missing_amount_even_when_another_field_failed() -> None:
    """pydantic skips whole-model checks after a field error; the missing amount is still reported."""
    with pytest.raises(PolicyError) as exc:
        build_policy(_doc(_program(stages=["大学"], per_term=None)))
    assert set(_codes(exc)) == {"policy.stage_unknown", "policy.amount_missing"}


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        pytest.param({"program": [_program()]}, "policy.header_missing", id="no [policy]"),
        pytest.param({"policy": {"name": "x"}}, "policy.no_programs", id="no programmes"),
        pytest.param(
            {"policy": {"name": "x"}, "program": [_program()], "programs": []},
            "policy.section_unknown",
            id="misspelt table",
        ),
    ],
)
def test_policy_rejects_bad_document_shape(doc: dict[str, Any], code: str) -> None:
    """A document without [policy], without programmes, or with an unknown table is refused."""
    with pytest.raises(PolicyError) as exc:
        build_policy(doc)
    assert code in _codes(exc)


def test_policy_model_refuses_duplicate_codes_when_built_directly() -> None:
    """Constructing Policy in code checks uniqueness too (one definition of the rule)."""
    program = Program.model_validate(_program())
    with pytest.raises(ValidationError):
        Policy(name="x", programs=(program, program))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("寄宿生生活补助(小学)", "boarding_primary", id="alias"),
        pytest.param("寄宿生生活补助（小学）", "boarding_primary", id="full-width brackets"),
        pytest.param("寄宿生 生活补助 (小学)", "boarding_primary", id="spaces"),
        pytest.param("BOARDING_PRIMARY", "boarding_primary", id="code upper-case"),
        pytest.param("普高教育资助－国家助学金", "hs_grant", id="full-width dash"),
        pytest.param("普高教育资助—国家助学金", "hs_grant", id="em dash"),
        pytest.param("普高教育资助-普通高中国家助学金", "hs_grant", id="area prefix + name"),
        pytest.param("普通高中国家助学金（一档）", "hs_grant", id="tier suffix"),
        pytest.param("国家助学金", None, id="ambiguous"),
        pytest.param("营养改善计划", None, id="unknown"),
        pytest.param("", None, id="empty"),
    ],
)
def test_policy_match_program_folds_ledger_spellings(raw: str, expected: str | None) -> None:
    """Ledger 资助项目 text is folded (NFKC, spaces, dashes, brackets) before lookup."""
    policy = build_policy(
        _doc(
            _program(aliases=["寄宿生生活补助(小学)"]),
            _program(
                code="hs_grant",
                name="普通高中国家助学金",
                stages=["高中"],
                aliases=["普高教育资助-国家助学金"],
            ),
        )
    )
    assert policy.match_program(raw) == expected


def test_policy_match_programs_keeps_index_and_missing_values() -> None:
    """The vectorised form keeps the index and maps missing cells to <NA>."""
    policy = build_policy(_doc(_program(aliases=["小学寄宿生生活补助"])))
    raw = pd.Series(
        ["小学寄宿生生活补助", None, "别的", "小学寄宿生生活补助"], index=[10, 11, 12, 13]
    )
    out = policy.match_programs(raw)
    assert list(out.index) == [10, 11, 12, 13]
    assert out.iloc[0] == "boarding_primary"
    assert out.iloc[3] == "boarding_primary"
    assert out.isna().tolist() == [False, True, True, False]


def test_program_key_unifies_dashes_and_brackets() -> None:
    """Dash and bracket variants fold to one key."""
    assert program_key("中职教育资助－国家助学金【一档】") == program_key(
        "中职教育资助-国家助学金(一档)"
    )
