"""INELIGIBLE_AID (不符合条件资助): a payment to someone the programme does not cover.

docs/dev/semantics.md: a linked payment of programme P for term T where
- P lists categories and the person's registry categories meet none of them (a
  监测对象 whose risk is cleared has no category; someone absent from the registry has
  none), or
- the person is active in T and ``stage(p, T)`` is not one of P's stages (高中助学金 to a
  小学 pupil), or
- P sets ``boarding``, the person is active in T and ``boarding(p, T)`` differs (寄宿
  allowance to a 走读 pupil, DOMAIN.md §6.3).

A stage or boarding the roster leaves blank is unknown, not a mismatch. One finding per
payment row, amount = paid; the message names the first failed test in the order stage,
boarding, category, and ``reasons`` lists all of them. ``related`` is the roster row stage
and boarding came from (if any) and the person's registry rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import is_in
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id

RULE = RuleSpec(
    code="INELIGIBLE_AID",
    severity=Severity.HIGH,
    needs=frozenset({"registry", "roster", "ledger"}),
)

_ENROLMENT = {
    C.SCHOOL: "_school",
    C.STAGE: "_stage",
    C.BOARDING: "_boarding",
    "_roster_ref": "_roster_ref",
}


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per linked payment outside its programme's categories, stages or boarding.

    Reads ``ctx.payments``, ``ctx.first_active`` (stage and boarding per person and term),
    ``ctx.category_eligible`` and ``ctx.registry`` (for ``related`` and cleared monitoring).
    """
    pay = ctx.payments.reset_index(drop=True)
    if pay.empty:
        return make_findings(RULE, pay)
    programs = _program_table(ctx)
    first = ctx.first_active.assign(
        _roster_ref=location_refs(ctx.first_active),
        **{
            C.SCHOOL: ctx.first_active[C.SCHOOL]
            .astype("string")
            .fillna(ctx.first_active[C.FILE].astype("string"))
        },
    )
    enrolment = first[[C.PERSON_ID, C.TERM, *_ENROLMENT]].rename(columns=_ENROLMENT)
    pay = pay.merge(enrolment, on=[C.PERSON_ID, C.TERM], how="left").merge(
        programs, on=C.PROGRAM, how="left"
    )
    active = pay["_roster_ref"].notna()

    bad_category = ~ctx.category_eligible(pay).to_numpy(dtype=bool)
    stage = pay["_stage"].astype("string")
    covered = programs[[C.PROGRAM, "_stages"]].explode("_stages").dropna()
    in_stages = is_in(
        (pay[C.PROGRAM].astype("string") + "|" + stage).astype("string[pyarrow]"),
        covered[C.PROGRAM].astype("string") + "|" + covered["_stages"].astype("string"),
    )
    bad_stage = (active & stage.notna() & ~in_stages).to_numpy(dtype=bool)
    boarding = pay["_boarding"].astype("boolean")
    wants = pay["_program_boarding"].astype("boolean")
    bad_boarding = (active & (boarding != wants)).fillna(False).to_numpy(dtype=bool)
    wants_boarder = wants.fillna(False).to_numpy(dtype=bool)

    flagged = bad_category | bad_stage | bad_boarding
    located = pay[flagged].copy()
    if located.empty:
        return make_findings(RULE, located)
    reasons = _reasons(bad_stage[flagged], bad_boarding[flagged], bad_category[flagged])
    registered, cleared = _registry_facts(ctx, located)
    variant = np.select(
        [
            bad_stage[flagged],
            bad_boarding[flagged] & wants_boarder[flagged],
            bad_boarding[flagged],
            cleared.to_numpy(dtype=bool),
            registered["refs"].eq("").to_numpy(dtype=bool),
            registered["categories"].isna().to_numpy(dtype=bool),
        ],
        [
            "message_stage",
            "message_boarding",
            "message_nonboarding",
            "message_cleared",
            "message_unregistered",
            "message_no_category",
        ],
        default="message_category",
    )
    refs = located["_roster_ref"].fillna("").astype("string")
    located["related"] = (refs + ";" + registered["refs"]).str.strip(";")
    return make_findings(
        RULE,
        located,
        evidence={
            "reasons": pd.Series(reasons.to_numpy(), index=located.index),
            "school": located["_school"].astype("string"),
            "stage": located["_stage"].astype("string"),
            "boarding": located["_boarding"].astype("boolean"),
            "categories": registered["categories"],
            "program_name": located["_program_name"],
            "program_stages": located["_stages_text"],
            "program_categories": located["_categories_text"],
            "linked_via": located[C.LINKED_VIA],
            "guardian_id": located[C.GUARDIAN_ID].map(mask_id, na_action="ignore"),
        },
        message_variant=pd.Series(variant, index=located.index),
    )


def _program_table(ctx: RuleContext) -> pd.DataFrame:
    """Return one row per programme: name, stages (list and text), categories text, boarding."""
    rows = [
        (
            p.code,
            p.name,
            list(p.stages),
            "、".join(p.stages),
            "、".join(p.categories),
            p.boarding,
        )
        for p in ctx.policy.programs
    ]
    columns = [
        C.PROGRAM,
        "_program_name",
        "_stages",
        "_stages_text",
        "_categories_text",
        "_program_boarding",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table[C.PROGRAM] = table[C.PROGRAM].astype(pd.StringDtype("pyarrow"))
    return table


def _reasons(stage: np.ndarray, boarding: np.ndarray, category: np.ndarray) -> pd.Series:
    """Return the failed tests per finding as ``stage,boarding,category`` (comma-joined)."""
    labels = [
        np.where(flags, label + ",", "")
        for label, flags in (("stage", stage), ("boarding", boarding), ("category", category))
    ]
    return pd.Series(np.char.add(np.char.add(labels[0], labels[1]), labels[2])).str.rstrip(",")


def _registry_facts(ctx: RuleContext, located: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Return per finding its registry refs and eligible categories, and whether risk was cleared.

    "Cleared" means the person's only registry rows that would give a category are
    monitoring rows marked 风险已消除 (so ``person_categories`` has nothing for them).
    """
    people = located[C.PERSON_ID]
    reg = sort_by_location(ctx.registry[is_in(ctx.registry[C.PERSON_ID], people)])
    cats = ctx.person_categories[is_in(ctx.person_categories[C.PERSON_ID], people)]
    refs = reg.assign(_ref=location_refs(reg)) if not reg.empty else reg.assign(_ref="")
    facts = pd.DataFrame(
        {
            "refs": people.map(refs.groupby(C.PERSON_ID, sort=False)["_ref"].agg(";".join)),
            "categories": people.map(
                cats.groupby(C.PERSON_ID, sort=False)[C.CATEGORY].agg("、".join)
            ),
        },
        index=located.index,
    ).astype("string")
    facts["refs"] = facts["refs"].fillna("")
    cleared_people = reg.loc[reg[C.RISK_CLEARED].fillna(False).astype(bool), C.PERSON_ID]
    return facts, is_in(people, cleared_people) & facts["categories"].isna()
