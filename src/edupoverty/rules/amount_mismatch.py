"""AMOUNT_MISMATCH (金额不符): a payment that differs from the policy standard for its term.

docs/dev/semantics.md: a payment with a valid ID (linked to a roster or registry person
or not) of a matched programme P for term T whose amount is not ``standard(P, T)``, or
not one of P's ``allowed`` tiers. Standards are looked up per term, so 1000 for 普高助学金
is right in 2024秋 and wrong from 2025春 (DOMAIN.md §2); amounts are fen, so 312.5 is
exact. A programme without a standard for T is not checked.

The finding sits on the payment row; its amount is paid − standard, signed (negative:
underpaid). For a tiered programme the standard compared with is the nearest allowed
amount (the first listed on a tie), and the evidence names it beside the whole list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.context import RuleContext
from edupoverty.core.findings import RuleSpec, fen_to_yuan, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id

RULE = RuleSpec(code="AMOUNT_MISMATCH", severity=Severity.MEDIUM, needs=frozenset({"ledger"}))


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per payment whose amount is not the standard (or an allowed tier).

    Reads ``ctx.payments`` (person_id, program, term, amount_cents, linked_via,
    guardian_id and the location) and ``ctx.standards`` (program, term, allowed).
    """
    pay = ctx.payments.reset_index(drop=True)
    if pay.empty:
        return make_findings(RULE, pay)
    nearest = _nearest_allowed(pay, ctx.standards)
    paid = pay[C.AMOUNT_CENTS].astype("Int64")
    difference = (paid - nearest["_nearest"]).astype("Int64")
    flagged = difference.fillna(0).ne(0).to_numpy(dtype=bool)
    located = pay[flagged].assign(**{C.AMOUNT_CENTS: difference[flagged]})
    if located.empty:
        return make_findings(RULE, located)
    found = nearest[flagged]
    tiered = found["_tiers"].gt(1).to_numpy(dtype=bool)
    under = located[C.AMOUNT_CENTS].lt(0).to_numpy(dtype=bool)
    variant = np.select(
        [tiered & under, tiered, under],
        ["message_under_tiered", "message_over_tiered", "message_under"],
        default="message_over",
    )
    names = {p.code: p.name for p in ctx.policy.programs}
    return make_findings(
        RULE,
        located,
        evidence={
            "paid": _yuan(paid[flagged]),
            "standard": _yuan(found["_nearest"]),
            "allowed": found["_allowed_text"].where(tiered),
            "difference": _yuan(located[C.AMOUNT_CENTS].abs()),
            "program_name": located[C.PROGRAM].map(names),
            "policy": pd.Series(ctx.policy.name, index=located.index),
            "linked_via": located[C.LINKED_VIA],
            "guardian_id": located[C.GUARDIAN_ID].map(mask_id, na_action="ignore"),
        },
        message_variant=pd.Series(variant, index=located.index),
    )


def _nearest_allowed(pay: pd.DataFrame, standards: pd.DataFrame) -> pd.DataFrame:
    """Return, aligned with ``pay``, the nearest allowed amount, the tier count and the list text.

    ``_nearest`` is ``<NA>`` where the policy has no standard for the programme and term.
    """
    tiers = standards[[C.PROGRAM, C.TERM, "allowed"]].explode("allowed")
    tiers = tiers.assign(
        _cents=tiers["allowed"].astype("Int64"),
        _position=tiers.groupby([C.PROGRAM, C.TERM], sort=False).cumcount(),
    )
    listed = tiers.groupby([C.PROGRAM, C.TERM], sort=False).agg(
        _tiers=("_cents", "size"),
        _allowed_text=("_cents", lambda s: "、".join(map(fen_to_yuan, s))),
    )
    pairs = pay[[C.PROGRAM, C.TERM, C.AMOUNT_CENTS]].reset_index(names="_payment")
    pairs = pairs.merge(tiers[[C.PROGRAM, C.TERM, "_cents", "_position"]], on=[C.PROGRAM, C.TERM])
    pairs["_distance"] = (pairs[C.AMOUNT_CENTS].astype("Int64") - pairs["_cents"]).abs()
    best = pairs.sort_values(["_payment", "_distance", "_position"], kind="stable").drop_duplicates(
        "_payment"
    )
    out = pd.DataFrame(index=pay.index)
    out["_nearest"] = best.set_index("_payment")["_cents"].reindex(pay.index).astype("Int64")
    keyed = pd.MultiIndex.from_frame(pay[[C.PROGRAM, C.TERM]])
    out["_tiers"] = listed["_tiers"].reindex(keyed).fillna(0).astype("int64").to_numpy()
    out["_allowed_text"] = listed["_allowed_text"].reindex(keyed).to_numpy()
    return out


def _yuan(cents: pd.Series) -> pd.Series:
    """Return fen as yuan text (``31250`` → ``312.5``), formatting each distinct amount once."""
    distinct = cents.dropna().unique()
    return cents.map(dict(zip(distinct, map(fen_to_yuan, distinct), strict=True)))
