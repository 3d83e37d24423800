"""NOT_ENROLLED: a registered child of compulsory-education age who is active on no roster.

docs/dev/semantics.md: a registry person whose age at the as-of date lies within the
policy's ``compulsory_age`` and who has no active roster row in the as-of term (a row
without a term counts for every term). When the rosters carry no row at all for the
as-of term (an export of another term), an active row in any roster term counts.

The finding sits on the person's first registry row. When the person does appear on a
roster, but not as active (转出, 辍学, 休学 …), the message names the latest such row, which
is where the clerk starts (DOMAIN §6.6: transfers out of county, 送教上门, health
exemptions are settled by hand).
"""

from __future__ import annotations

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import is_in
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id
from edupoverty.core.normalise.terms import term_sort_key

RULE = RuleSpec(
    code="NOT_ENROLLED", severity=Severity.HIGH, needs=frozenset({"registry", "roster"})
)


def _enrolled_ids(ctx: RuleContext) -> pd.Series:
    """Return the person_ids active in the as-of term (or in any term, see the module doc)."""
    active = ctx.active_enrolments
    roster_term = ctx.roster[C.TERM]
    covers_as_of = (roster_term.isna() | (roster_term == ctx.as_of_term)).fillna(False).any()
    if covers_as_of:
        active = active[active[C.TERM] == ctx.as_of_term]
    return active[C.PERSON_ID]


def _latest_rows(seen: pd.DataFrame) -> pd.DataFrame:
    """Return each person's roster row of the latest term (undated rows first), by person_id."""
    terms = seen[C.TERM].dropna().astype(str).unique()
    rank = {t: term_sort_key(t)[0] * 2 + term_sort_key(t)[1] for t in terms}
    ordered = seen.assign(_rank=seen[C.TERM].map(rank).astype("Float64").fillna(-1))
    ordered = ordered.sort_values("_rank", kind="stable")
    return ordered.drop_duplicates(C.PERSON_ID, keep="last").set_index(C.PERSON_ID)


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per registry child of compulsory age with no active roster row.

    Reads ``ctx.registry_persons`` (first registry row per person, ``id_birth_date``),
    ``ctx.active_enrolments``, the roster's ``term``/``status_raw``/``school`` and
    ``policy.compulsory_age``.
    """
    persons = ctx.registry_persons
    if persons.empty:
        return make_findings(RULE, persons)
    low, high = ctx.policy.compulsory_age
    ages = ctx.ages(persons[C.ID_BIRTH_DATE])
    of_age = ((ages >= low) & (ages <= high)).fillna(False).astype(bool)
    located = persons[of_age & ~is_in(persons[C.PERSON_ID], _enrolled_ids(ctx))].copy()
    if located.empty:
        return make_findings(RULE, located)
    located[C.TERM] = ctx.as_of_term

    roster = ctx.roster
    seen = sort_by_location(roster[is_in(roster[C.PERSON_ID], located[C.PERSON_ID])])
    seen = seen.assign(_ref=location_refs(seen))
    latest = _latest_rows(seen)
    pid = located[C.PERSON_ID]
    located["related"] = pid.map(seen.groupby(C.PERSON_ID)["_ref"].agg(";".join))
    status = pid.map(latest[C.STATUS_RAW].astype("string")).astype("string")
    school = pid.map(latest[C.SCHOOL].astype("string")).astype("string")
    on_roster = is_in(pid, latest.index)
    variant = pd.Series("message", index=located.index).mask(on_roster, "message_status")
    return make_findings(
        RULE,
        located,
        evidence={
            "age": ages[located.index],
            "as_of": pd.Series(ctx.as_of.isoformat(), index=located.index),
            "id_masked": pid.fillna("").map(mask_id),
            "roster_status": status.fillna(""),
            "roster_school": school.fillna(""),
            "roster_term": pid.map(latest[C.TERM].astype("string")).astype("string").fillna(""),
            "household_no": located[C.HOUSEHOLD_NO],
            "village": located[C.VILLAGE],
        },
        message_variant=variant,
    )
