"""PAID_NOT_ENROLLED (非在读仍发放): a payment for a term in which the person is on no roster as 在读.

docs/dev/semantics.md: a linked payment for term T while the person has no ``active``
roster row for T (a row without a term counts for every term). Graduated (毕业),
transferred out without a new school (转出), suspended (休学), dropped out, deceased,
abroad, or simply absent from every roster. A transfer (转出 at A, 在读 at B in the same
term) is active at B and is not flagged; a payment under the guardian's ID was relinked
to the pupil and is judged as the pupil's.

The finding sits on the payment row, amount = paid; ``related`` lists the person's
non-active roster rows for T (e.g. the 毕业 row), and the message quotes the first one's
status as written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import codes_across
from edupoverty.core.context import ACTIVE, PERSON_CODE, RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id

RULE = RuleSpec(
    code="PAID_NOT_ENROLLED", severity=Severity.HIGH, needs=frozenset({"ledger", "roster"})
)

_KEY = [C.PERSON_ID, C.TERM]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per linked payment for a term in which the person is not active.

    Reads ``ctx.payments``, ``ctx.active_enrolments`` and ``ctx.roster`` (status, status_raw,
    school, term and the location of the non-active rows).
    """
    pay = ctx.payments.reset_index(drop=True)
    if pay.empty:
        return make_findings(RULE, pay)
    roster = ctx.roster
    active = ctx.active_enrolments
    # Join (person, term) on integer codes, not text (issue #7).
    pay_term, active_term = codes_across(pay[C.TERM], active[C.TERM])
    width = int(max(pay_term.max(initial=0), active_term.max(initial=0))) + 2
    pay_person = pay[PERSON_CODE].to_numpy()
    active_pairs = active[PERSON_CODE].to_numpy() * width + active_term
    roster_person = ctx.source_person_codes[1]
    status = roster[C.STATUS]
    # An undated active row applies to every term, including ledger terms outside the
    # review window that ``active_enrolments`` does not expand to.
    undated_active = ((status == ACTIVE) & roster[C.TERM].isna()).fillna(False).to_numpy(bool)
    always_active = roster_person[undated_active & (roster_person >= 0)]
    is_active = np.isin(pay_person * width + pay_term, active_pairs) | np.isin(
        pay_person, always_active
    )
    located = pay[~is_active]
    if located.empty:
        return make_findings(RULE, located)
    flagged = np.isin(roster_person, pay_person[~is_active])
    not_active = (status != ACTIVE).fillna(False).to_numpy(bool)
    candidates = roster[flagged & not_active & (roster_person >= 0)]

    inactive = _inactive_rows(candidates, located)
    keys = pd.MultiIndex.from_frame(located[_KEY])
    grouped = inactive.groupby(_KEY, sort=False)
    first = grouped.first()

    def per_finding(values: pd.Series) -> pd.Series:
        return pd.Series(values.reindex(keys).to_numpy(), index=located.index)

    located["related"] = per_finding(grouped["_ref"].agg(";".join)).fillna("")
    status = (
        per_finding(first[C.STATUS_RAW])
        if not first.empty
        else pd.Series(pd.NA, index=located.index)
    )
    school = (
        per_finding(first["_school"]) if not first.empty else pd.Series(pd.NA, index=located.index)
    )
    names = {p.code: p.name for p in ctx.policy.programs}
    return make_findings(
        RULE,
        located,
        evidence={
            "status": status.astype("string"),
            "school": school.astype("string"),
            "program_name": located[C.PROGRAM].map(names),
            "linked_via": located[C.LINKED_VIA],
            "guardian_id": located[C.GUARDIAN_ID].map(mask_id, na_action="ignore"),
        },
        message_variant=pd.Series(
            np.where(status.notna(), "message_status", "message_absent"), index=located.index
        ),
    )


def _inactive_rows(rows: pd.DataFrame, located: pd.DataFrame) -> pd.DataFrame:
    """Return the non-active roster rows of the flagged persons, one per (person, term) they cover.

    ``rows`` are the flagged persons' non-active roster rows. A non-active row without a
    term is taken to cover each flagged term of its person.
    Columns: person_id, term, status_raw, _school, _ref; in file/sheet/row order.
    """
    rows = sort_by_location(rows)
    rows = rows.assign(
        _ref=location_refs(rows) if not rows.empty else pd.Series(dtype="string"),
        _school=rows[C.SCHOOL].astype("string").fillna(rows[C.FILE].astype("string")),
        _status=rows[C.STATUS_RAW].astype("string").fillna(rows[C.STATUS].astype("string")),
    )
    columns = [C.PERSON_ID, C.TERM, C.STATUS_RAW, "_school", "_ref"]
    wanted = located[_KEY].drop_duplicates()
    dated = rows[rows[C.TERM].notna()].merge(wanted, on=_KEY)
    undated = rows[rows[C.TERM].isna()].drop(columns=[C.TERM]).merge(wanted, on=C.PERSON_ID)
    both = pd.concat([dated, undated], ignore_index=True)
    both[C.STATUS_RAW] = both["_status"]
    return sort_by_location(both)[columns] if not both.empty else both.reindex(columns=columns)
