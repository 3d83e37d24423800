"""DUPLICATE_AID (重复资助): two or more payments of one programme group to one person in one term.

docs/dev/semantics.md: two or more linked payments to person p for term T whose
programmes share a ``group`` (the programme's ``exclusive_group``, else its own code),
across every ledger file and school. So 寄宿 at school A plus 非寄宿 at school B in one
term is a duplicate although the codes differ (DOMAIN.md §6.4), and both schools paying
a transferred pupil is one too (§6.5). Payments under a guardian's ID were relinked to
the pupil and count as the pupil's.

The finding sits on the last payment of the group in file/sheet/row order (program and
amount are that row's); ``related`` lists the other payments. One finding per person,
term and group.
"""

from __future__ import annotations

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, fen_to_yuan, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id
from edupoverty.i18n import t

RULE = RuleSpec(code="DUPLICATE_AID", severity=Severity.HIGH, needs=frozenset({"ledger"}))

_KEY = [C.PERSON_ID, C.TERM, "group"]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per person, term and programme group paid two or more times.

    Reads ``ctx.payments`` (person_id, term, program, group, amount_cents, school,
    linked_via, guardian_id and the location).
    """
    payments = sort_by_location(ctx.payments)
    repeated = payments[payments.duplicated(_KEY, keep=False)]
    if repeated.empty:
        return make_findings(RULE, repeated)
    names = {p.code: p.name for p in ctx.policy.programs}
    repeated = repeated.assign(
        _ref=location_refs(repeated),
        _what=(
            repeated[C.SCHOOL].astype("string").fillna(repeated[C.FILE].astype("string"))
            + " "
            + repeated[C.PROGRAM].map(names).astype("string")
            + " "
            + repeated[C.AMOUNT_CENTS].map(fen_to_yuan).astype("string")
            + t("rule.duplicate_aid.yuan")
        ),
        _guardian=repeated[C.GUARDIAN_ID].map(mask_id, na_action="ignore").astype("string"),
    )
    is_last = ~repeated.duplicated(_KEY, keep="last")
    located = repeated[is_last].copy()
    others = repeated[~is_last]
    grouped = repeated.groupby(_KEY, sort=False)
    keys = pd.MultiIndex.from_frame(located[_KEY])

    def per_finding(values: pd.Series) -> pd.Series:
        return pd.Series(values.reindex(keys).to_numpy(), index=located.index)

    located["related"] = per_finding(others.groupby(_KEY, sort=False)["_ref"].agg(";".join))
    guardians = repeated.dropna(subset=["_guardian"]).groupby(_KEY, sort=False)["_guardian"]
    return make_findings(
        RULE,
        located.drop(columns=["_ref"]),
        evidence={
            "count": per_finding(grouped.size()),
            "total": per_finding(grouped[C.AMOUNT_CENTS].sum()).map(fen_to_yuan),
            "payments": per_finding(grouped["_what"].agg("；".join)),
            "program_name": located[C.PROGRAM].map(names),
            "group": located["group"],
            "linked_via": located[C.LINKED_VIA],
            "guardian_ids": per_finding(guardians.agg("、".join)),
        },
    )
