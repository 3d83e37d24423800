"""Who must be paid: every eligible, enrolled person per entitled programme and term.

This is the shared half of ``MISSED_AID`` (the rows with ``paid`` False) and of the audit's
应助尽助率 (paid / all rows). It implements docs/dev/semantics.md ``MISSED_AID`` without the
"no payment" clause, as whole-table merges.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import is_in, location_order, positions_in
from edupoverty.core.context import PERSON_CODE, RuleContext
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

_ENROLMENT_COLUMNS: Final = tuple(
    c for c in ENTITLEMENT_COLUMNS if c not in (C.PROGRAM, GROUP, STANDARD_CENTS, PAID)
)
"""The columns taken from the person's first active roster row."""


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
    enrolled_at, program_at = _stage_pairs(enrolled, programs)
    boarding = enrolled[C.BOARDING].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    wanted = programs[PROGRAM_BOARDING].to_numpy(dtype=float, na_value=np.nan)
    # An unknown boarding (NaN) equals nothing, so it fails every boarding condition.
    fits = np.isnan(wanted[program_at]) | (boarding[enrolled_at] == wanted[program_at])
    enrolled_at, program_at = enrolled_at[fits], program_at[fits]
    person = enrolled[PERSON_CODE].to_numpy()[enrolled_at]
    eligible = ctx.eligibility_of(person, programs["_policy_code"].to_numpy()[program_at])
    enrolled_at, program_at, person = (
        enrolled_at[eligible],
        program_at[eligible],
        person[eligible],
    )
    if len(enrolled_at) == 0:
        return _empty()
    terms = pa.array(sorted(set(ctx.terms), key=term_sort_key), pa.large_string())
    term = positions_in(enrolled[C.TERM], terms)[enrolled_at]
    group = programs["_group_code"].to_numpy()[program_at]
    out = enrolled.iloc[enrolled_at][list(_ENROLMENT_COLUMNS)].reset_index(drop=True)
    chosen = programs.iloc[program_at].reset_index(drop=True)
    out[C.STAGE] = out[C.STAGE].astype(_STRING)
    out[C.PROGRAM] = chosen[C.PROGRAM]
    out[GROUP] = chosen[GROUP]
    out["_order"] = chosen["_order"]
    out[PAID] = _paid(ctx, person, term, group, terms, programs)
    standard = _standard_table(ctx, programs, terms)
    out[STANDARD_CENTS] = pd.array(
        standard[programs["_policy_code"].to_numpy()[program_at], term], dtype="Int64"
    )
    return _in_order(out)[list(ENTITLEMENT_COLUMNS)].reset_index(drop=True)


def _stage_pairs(
    enrolled: pd.DataFrame, programs: pd.DataFrame
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return (enrolment position, programme row) pairs whose stages are equal."""
    stages = pa.array(programs[C.STAGE].tolist(), pa.large_string())
    stage = positions_in(enrolled[C.STAGE], stages)
    enrolled_parts, program_parts = [], []
    for row, code in enumerate(positions_in(programs[C.STAGE], stages)):
        at = np.flatnonzero(stage == code)
        enrolled_parts.append(at)
        program_parts.append(np.full(len(at), row, dtype=np.int64))
    return np.concatenate(enrolled_parts), np.concatenate(program_parts)


def _paid(
    ctx: RuleContext,
    person: npt.NDArray[np.int64],
    term: npt.NDArray[np.int64],
    group: npt.NDArray[np.int64],
    terms: pa.Array,
    programs: pd.DataFrame,
) -> npt.NDArray[np.bool_]:
    """Return True where the person has a linked payment in the group for the term."""
    pay = ctx.payments
    groups = _group_dictionary(programs)
    pay_person = pay[PERSON_CODE].to_numpy()
    pay_term = positions_in(pay[C.TERM], terms)
    pay_group = positions_in(pay[GROUP], groups)
    usable = (pay_person >= 0) & (pay_term >= 0) & (pay_group >= 0)
    width_term, width_group = len(terms), len(groups)

    def packed(
        p: npt.NDArray[np.int64], t: npt.NDArray[np.int64], g: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        return (p * width_term + t) * width_group + g

    paid_keys = np.unique(packed(pay_person[usable], pay_term[usable], pay_group[usable]))
    return np.isin(packed(person, term, group), paid_keys)


def _standard_table(
    ctx: RuleContext, programs: pd.DataFrame, terms: pa.Array
) -> npt.NDArray[np.float64]:
    """Return the first allowed amount in fen per (policy programme, term); NaN when none."""
    table = np.full((len(ctx.policy.programs) + 1, len(terms)), np.nan)
    standards = ctx.standards
    program = ctx.program_codes(standards[C.PROGRAM])
    term = positions_in(standards[C.TERM], terms)
    known = term >= 0
    table[program[known], term[known]] = standards[STANDARD_CENTS].to_numpy(
        dtype=float, na_value=np.nan
    )[known]
    return table


def _group_dictionary(programs: pd.DataFrame) -> pa.Array:
    """Return the distinct groups of the entitled programmes."""
    return pa.array(list(dict.fromkeys(programs[GROUP].tolist())), pa.large_string())


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
    frame["_policy_code"] = frame["_order"].astype("int64")
    frame["_group_code"] = positions_in(frame[GROUP], _group_dictionary(frame))
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
