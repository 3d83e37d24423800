"""RuleContext's shared tables: person codes, own-ID rows, category eligibility.

The rules join on integer person codes and rely on rows arriving in location order for
their fast paths; these tests pin what the codes mean and that findings do not depend
on the order the rows come in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from edupoverty.core import columns as C
from edupoverty.core.context import NO_CODE, PERSON_CODE
from edupoverty.core.engine import run_rules
from factories import make_context, make_id, make_ledger, make_registry, make_roster

PUPIL = make_id("20140305", seq=121)
SISTER = make_id("20120611", seq=242)
MOTHER = make_id("19880402", seq=362)
STRANGER = make_id("20130909", seq=481)
PAID_TO_MOTHER = {
    "name": "张伟",
    "id": MOTHER,
    "program": "义务教育家庭经济困难寄宿生生活补助(小学)",
    "term": "2024秋",
    "amount": "500",
}
"""张伟's allowance paid to his mother's card: relinked to him, guardian-paid."""


def _context() -> object:
    registry = make_registry(
        [
            {
                "household": "H001",
                "name": "李秀英",
                "id": MOTHER,
                "relation": "户主",
                "category": "脱贫户",
            },
            {
                "household": "H001",
                "name": "张伟",
                "id": PUPIL,
                "relation": "之子",
                "category": "脱贫户",
            },
            {
                "household": "H001",
                "name": "张丽",
                "id": SISTER,
                "relation": "之女",
                "category": "低保户",
            },
        ]
    )
    roster = make_roster(
        [
            {"name": "张伟", "id": PUPIL, "grade": "三年级", "status": "在读", "term": "2024秋"},
            {"name": "王芳", "id": STRANGER, "grade": "四年级", "status": "在读", "term": "2024秋"},
            {"name": "无证件", "id": "", "grade": "四年级", "status": "在读", "term": "2024秋"},
        ]
    )
    ledger = make_ledger(
        [
            PAID_TO_MOTHER,
            {
                "name": "王芳",
                "id": STRANGER,
                "program": "义务教育家庭经济困难寄宿生生活补助(小学)",
                "term": "2024秋",
                "amount": "500",
            },
        ]
    )
    return make_context(registry, roster, ledger)


def test_person_codes_are_one_code_per_id_across_the_three_sources() -> None:
    ctx = _context()
    registry, roster, ledger = ctx.source_person_codes
    assert len(registry) == len(ctx.registry) and len(ledger) == len(ctx.ledger)
    assert roster[0] == registry[1]  # 张伟 in the roster and the registry
    assert ledger[0] == registry[1]  # the guardian-paid row, relinked to 张伟
    assert roster[2] == NO_CODE  # no ID
    assert len(set(registry) | set(roster[:2]) | set(ledger)) == 4
    known = ctx.known_persons.to_pylist()
    assert sorted(known) == sorted({MOTHER, PUPIL, SISTER, STRANGER})
    assert ctx.person_codes(pd.Series([SISTER, None, "410101199001011234"])).tolist() == [
        known.index(SISTER),
        NO_CODE,
        NO_CODE,
    ]


def test_payments_and_active_enrolments_carry_the_same_codes_as_person_codes() -> None:
    ctx = _context()
    for frame in (ctx.payments, ctx.active_enrolments, ctx.first_active, ctx.person_categories):
        assert frame[PERSON_CODE].tolist() == ctx.person_codes(frame[C.PERSON_ID]).tolist(), (
            frame.columns
        )


def test_own_rows_leave_out_guardian_paid_rows_and_keep_location_order() -> None:
    ctx = _context()
    rows = ctx.own_rows
    assert "guardian" not in rows[C.LINKED_VIA].fillna("").tolist()
    assert rows[C.SOURCE].tolist() == ["registry"] * 3 + ["roster"] * 3 + ["ledger"]
    assert rows[PERSON_CODE].tolist() == ctx.person_codes(rows[C.PERSON_ID]).tolist()
    assert rows.index.tolist() == list(range(len(rows)))


def test_category_eligible_looks_up_each_pair_with_open_unknown_and_missing_cases() -> None:
    """张伟 and 张丽 are registered (脱贫户, 低保); 王芳 is not; 中职免学费 is open to anyone."""
    ctx = _context()
    pairs = pd.DataFrame(
        {
            C.PERSON_ID: [PUPIL, SISTER, STRANGER, None, PUPIL, PUPIL, STRANGER, None],
            C.PROGRAM: ["boarding_primary"] * 4
            + ["不存在的项目", None]
            + ["vocational_tuition_waiver"] * 2,
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )
    eligible = ctx.category_eligible(pairs)
    assert eligible.index.tolist() == pairs.index.tolist()
    assert eligible.tolist() == [True, True, False, False, False, False, True, True]


def test_cleared_monitoring_gives_no_category() -> None:
    registry = make_registry(
        [
            {
                "household": "H009",
                "name": "刘洋",
                "id": STRANGER,
                "relation": "之子",
                "category": "监测对象",
                "risk_cleared": "是",
            },
        ]
    )
    ctx = make_context(registry)
    assert ctx.person_categories.empty
    pairs = pd.DataFrame({C.PERSON_ID: [STRANGER], C.PROGRAM: ["boarding_primary"]})
    assert ctx.category_eligible(pairs).tolist() == [False]


@pytest.fixture(scope="module")
def sample_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    """A 400-pupil CSV sample county, loaded."""
    from edupoverty.io import load_inputs
    from edupoverty.io.config_file import load_config_file
    from edupoverty.sample import generate_sample

    out = tmp_path_factory.mktemp("ctx") / "county"
    generate_sample(out, students=400, seed=11, fmt="csv")
    config = load_config_file(out / "edupov.toml")
    loaded = load_inputs(
        config.get("registry", ()), config.get("roster", ()), config.get("ledger", ())
    )
    return loaded, out


def test_findings_do_not_depend_on_the_order_rows_arrive_in(
    sample_inputs: tuple[object, Path],
) -> None:
    """Reversed and shuffled inputs take the sorting paths; the findings must not change."""
    from edupoverty.io.config_file import load_config_file
    from edupoverty.io.policy_file import load_policy

    loaded, out = sample_inputs
    config = load_config_file(out / "edupov.toml")
    policy = load_policy(config.get("policy"))
    as_of: dt.date = config["as_of"]
    terms = config.get("terms", ())
    frames = (loaded.registry, loaded.roster, loaded.ledger)
    expected = run_rules(*frames, policy, as_of, terms).findings
    assert len(expected) > 20 and expected["rule"].nunique() >= 8
    rng = np.random.default_rng(3)
    reversed_frames = [f.iloc[::-1].reset_index(drop=True) for f in frames]
    shuffled_frames = [f.iloc[rng.permutation(len(f))].reset_index(drop=True) for f in frames]
    for variant in (reversed_frames, shuffled_frames):
        found = run_rules(*variant, policy, as_of, terms).findings
        pd.testing.assert_frame_equal(found, expected)


def test_relinking_guardian_payments_leaves_the_given_ledger_as_it_was() -> None:
    """The relinked ledger is a shallow copy; writing into it must not reach the input."""
    from edupoverty.core.linking import link_guardian_payments, match_programs

    ctx = _context()
    ledger = make_ledger([PAID_TO_MOTHER])
    matched, _issues = match_programs(ledger, ctx.policy)
    before = matched.copy(deep=True)
    linked = link_guardian_payments(matched, ctx.registry, ctx.as_of)
    assert linked[C.PERSON_ID].tolist() == [PUPIL]
    assert linked[C.GUARDIAN_ID].tolist() == [MOTHER]
    pd.testing.assert_frame_equal(matched, before)
