"""Who must be paid: every eligible, enrolled person per entitled programme and term.

This is the shared half of ``MISSED_AID`` (the rows with ``paid`` False) and of the audit's
应助尽助率 (paid / all rows). It implements docs/dev/semantics.md ``MISSED_AID`` without the
"no payment" clause, as whole-table merges.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import (
    duplicated_on_text,
    is_in,
    location_order,
    merge_on_text,
)
from edupoverty.core.context import RuleContext
from edupoverty.core.normalise.terms import term_sort_key

_STRING = pd.StringDtype("pyarrow")

GROUP: Final = "group"
PROGRAM_BOARDING: Final = "program_boarding"
STANDARD_CENTS: Final = "standard_cents"
PAID: Final = "paid"

ENTITLEMENT_COLUMNS: Final = (
    C.PERSON_ID,
    C.NAME,
    C.PROGRAM,
    GROUP,
    C.TERM,
    C.SCHOOL,
    C.STAGE,
    C.BOARDING,
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    STANDARD_CENTS,
    PAID,
)
"""Columns of ``entitled_enrolments``, in order."""


def entitled_enrolments(ctx: RuleContext) -> pd.DataFrame:
    """Return one row per person, entitled programme and term under review where payment is due.

    A row exists when, for an ``entitled`` programme P and a term T under review, the person
    is active on a roster in T, ``stage(p, T)`` is one of P's stages, ``boarding(p, T)``
    equals P's boarding setting when P sets one (an unknown boarding matches neither), and
    the person's registry categories meet P's (an empty list admits anyone).

    Args:
        ctx: the run's context; uses ``first_active``, ``payments``, ``standards`` and
            ``category_eligible``.

    Returns:
        A frame with ``ENTITLEMENT_COLUMNS``: the person and name, ``program`` and its
        ``group``, ``term``, where the person is enrolled (``school``, ``stage``,
        ``boarding`` and the first active roster row's ``source, file, sheet, row``),
        ``standard_cents`` (the first allowed amount in fen, ``<NA>`` when the policy has
        none for the term) and ``paid``: True when the person has a linked payment of any
        programme in P's group for T. Rows are in roster location order, then policy
        programme order.
    """
    programs = _entitled_programs(ctx)
    if programs.empty or not ctx.terms or ctx.roster.empty:
        return _empty()
    enrolled = ctx.first_active[is_in(ctx.first_active[C.TERM], list(ctx.terms))]
    enrolled = enrolled.assign(**{C.STAGE: enrolled[C.STAGE].astype(_STRING)})
    candidates = merge_on_text(enrolled, programs, [C.STAGE])
    if candidates.empty:
        return _empty()
    boarding_set = candidates[PROGRAM_BOARDING].notna()
    boarding_ok = (candidates[C.BOARDING].astype("boolean") == candidates[PROGRAM_BOARDING]).fillna(
        False
    )
    candidates = candidates[~boarding_set | boarding_ok].reset_index(drop=True)
    if candidates.empty:
        return _empty()
    candidates = candidates[ctx.category_eligible(candidates).to_numpy(dtype=bool)]
    paid = ctx.payments[[C.PERSON_ID, C.TERM, GROUP]]
    paid = paid[~duplicated_on_text(paid, list(paid.columns))].assign(**{PAID: True})
    out = merge_on_text(candidates, paid, [C.PERSON_ID, C.TERM, GROUP], how="left")
    out[PAID] = out[PAID].fillna(False).astype(bool)
    standards = ctx.standards[[C.PROGRAM, C.TERM, STANDARD_CENTS]]
    out = merge_on_text(out, standards, [C.PROGRAM, C.TERM], how="left")
    out[STANDARD_CENTS] = out[STANDARD_CENTS].astype("Int64")
    return _in_order(out)[list(ENTITLEMENT_COLUMNS)].reset_index(drop=True)


def _entitled_programs(ctx: RuleContext) -> pd.DataFrame:
    """Return (program, group, stage, program_boarding, _order) for every entitled programme."""
    rows = [
        (p.code, ctx.policy.group_of(p.code), _text(stage), p.boarding, order)
        for order, p in enumerate(ctx.policy.programs)
        if p.entitled
        for stage in p.stages
    ]
    frame = pd.DataFrame(rows, columns=[C.PROGRAM, GROUP, C.STAGE, PROGRAM_BOARDING, "_order"])
    for column in (C.PROGRAM, GROUP, C.STAGE):
        frame[column] = frame[column].astype(_STRING)
    frame[PROGRAM_BOARDING] = frame[PROGRAM_BOARDING].astype("boolean")
    return frame


def _text(value: object) -> str:
    """Return a stage as its canonical text whether the policy holds an enum or a string."""
    return str(value.value) if isinstance(value, Enum) else str(value)


def _in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Return rows in roster location order, then term, then policy programme order."""
    terms = frame[C.TERM].astype("string")
    rank = {t: i for i, t in enumerate(sorted(terms.dropna().unique(), key=term_sort_key))}
    keys = pd.DataFrame(
        {
            C.FILE: frame[C.FILE],
            C.SHEET: frame[C.SHEET],
            C.ROW: frame[C.ROW],
            "_t": terms.map(rank).fillna(-1).astype("int64"),
            "_p": frame["_order"].astype("int64"),
        }
    )
    return frame.iloc[location_order(keys, then=["_t", "_p"])]


def _empty() -> pd.DataFrame:
    """Return an empty entitlement frame with the right columns and dtypes."""
    dtypes: dict[str, str | pd.StringDtype] = dict.fromkeys(ENTITLEMENT_COLUMNS, _STRING)
    dtypes.update({C.BOARDING: "boolean", C.ROW: "Int64", STANDARD_CENTS: "Int64", PAID: "bool"})
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in ENTITLEMENT_COLUMNS})
