"""MISSED_AID (应助未助): an eligible, enrolled person with no payment of an entitled programme.

docs/dev/semantics.md: for each ``entitled`` programme P and term T under review, a person
active in T, in one of P's stages, boarding as P requires (when it sets ``boarding``) and
with a registry category P covers (an empty list admits anyone), who has no linked
payment of any programme in P's exclusive group for T. A payment of the other programme
of the group (寄宿 vs 非寄宿) therefore counts: that is DUPLICATE_AID's business, not
missed aid. A payment made under the guardian's ID has been relinked to the pupil before
the rules run, so it counts too.

The finding sits on the person's first active roster row in T; the amount is the
standard owed (the first allowed amount); ``related`` lists the person's registry rows.
The eligibility half is ``core.entitlement.entitled_enrolments``, shared with the audit's
应助尽助率.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import is_in
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.entitlement import PAID, STANDARD_CENTS, entitled_enrolments
from edupoverty.core.findings import RuleSpec, fen_to_yuan, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.i18n import t

RULE = RuleSpec(
    code="MISSED_AID",
    severity=Severity.HIGH,
    needs=frozenset({"registry", "roster", "ledger"}),
)

_KEY = [C.PERSON_ID, C.PROGRAM]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per person, entitled programme and term with no payment in its group.

    Reads ``entitled_enrolments(ctx)`` (person, programme, term, the first active roster
    row, ``standard_cents``, ``paid``), ``ctx.person_categories``, ``ctx.program_categories``
    and ``ctx.registry`` (for ``related``).
    """
    due = entitled_enrolments(ctx)
    missed = due[~due[PAID].astype(bool)].reset_index(drop=True)
    if missed.empty:
        return make_findings(RULE, missed)
    located = missed.assign(**{C.AMOUNT_CENTS: missed[STANDARD_CENTS].astype("Int64")})
    located["related"] = _registry_refs(ctx, located)
    categories = _matching_categories(ctx, located)
    boarding = located[C.BOARDING].astype("boolean")
    has_categories = categories.notna().to_numpy()
    boarding_known = boarding.notna().to_numpy()
    variant = np.select(
        [has_categories & boarding_known, has_categories, boarding_known],
        ["message", "message_no_boarding", "message_open"],
        default="message_open_no_boarding",
    )
    names = {p.code: p.name for p in ctx.policy.programs}
    return make_findings(
        RULE,
        located,
        evidence={
            "school": located[C.SCHOOL].astype("string").fillna(located[C.FILE].astype("string")),
            "stage": located[C.STAGE].astype("string"),
            "boarding": boarding,
            "boarding_text": boarding.map(
                {True: t("rule.missed_aid.boarder"), False: t("rule.missed_aid.day_pupil")}
            ),
            "categories": categories,
            "program_name": located[C.PROGRAM].map(names),
            "standard": located[STANDARD_CENTS].map(fen_to_yuan),
        },
        message_variant=pd.Series(variant, index=located.index),
    )


def _matching_categories(ctx: RuleContext, located: pd.DataFrame) -> pd.Series:
    """Return, per finding, the person's categories that the programme covers (``、``-joined).

    ``<NA>`` for programmes open to anyone. Categories are listed in the policy's order.
    """
    wanted = located[_KEY].drop_duplicates()
    pairs = wanted.merge(ctx.program_categories, on=C.PROGRAM).merge(
        ctx.person_categories, on=[C.PERSON_ID, C.CATEGORY]
    )
    joined = pairs.groupby(_KEY, sort=False)[C.CATEGORY].agg("、".join)
    keys = pd.MultiIndex.from_frame(located[_KEY])
    return pd.Series(joined.reindex(keys).to_numpy(), index=located.index, dtype="string")


def _registry_refs(ctx: RuleContext, located: pd.DataFrame) -> pd.Series:
    """Return, per finding, the person's registry rows as ``source:file:sheet:row;…``."""
    reg = ctx.registry
    people = located[C.PERSON_ID].drop_duplicates()
    rows = reg[is_in(reg[C.PERSON_ID], people)]
    if rows.empty:
        return pd.Series("", index=located.index, dtype="string")
    rows = sort_by_location(rows)
    refs = (
        rows.assign(_ref=location_refs(rows)).groupby(C.PERSON_ID, sort=False)["_ref"].agg(";".join)
    )
    return located[C.PERSON_ID].map(refs).fillna("").astype("string")
