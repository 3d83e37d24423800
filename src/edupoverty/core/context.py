"""What every rule sees: the linked frames, the policy, the dates, and shared derived tables.

A helper two rules share (e.g. "active on some roster in term T") lives here, computed
once per run and cached, never inside a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.columnops import duplicated_on_text, location_order, merge_on_text
from edupoverty.core.models import SourceKind
from edupoverty.core.normalise.terms import term_of_date, term_sort_key

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy

_STRING = pd.StringDtype("pyarrow")
ACTIVE = "active"


@dataclass
class RuleContext:
    """Linked inputs plus policy and dates; derived tables are computed lazily and cached.

    The frames carry the columns of ``core.columns`` (``REGISTRY_COLUMNS`` …); the ledger
    additionally has ``program``, ``linked_via`` and ``guardian_id`` after linking.
    """

    registry: pd.DataFrame
    roster: pd.DataFrame
    ledger: pd.DataFrame
    policy: Policy
    as_of: dt.date
    terms: tuple[str, ...]
    """Terms under review, sorted."""
    present: frozenset[SourceKind] = field(default_factory=frozenset)
    """Sources that have at least one row."""

    @property
    def as_of_term(self) -> str:
        """The term the as-of date falls in (Sep–Feb: autumn, Mar–Aug: spring)."""
        return term_of_date(self.as_of)

    @cached_property
    def roster_terms(self) -> tuple[str, ...]:
        """Every term a roster row without a term applies to: roster, ledger and review terms."""
        named = set(self.roster[C.TERM].dropna().astype(str)) if not self.roster.empty else set()
        paid = set(self.ledger[C.TERM].dropna().astype(str)) if not self.ledger.empty else set()
        return tuple(sorted(named | paid | set(self.terms) | {self.as_of_term}, key=term_sort_key))

    @cached_property
    def active_enrolments(self) -> pd.DataFrame:
        """One row per active roster row and term it applies to (term <NA> applies to all).

        Columns: person_id, term, school, stage, boarding, name, source, file, sheet, row;
        only rows with a valid ID; in file/sheet/row order.
        """
        r = self.roster
        if r.empty:
            return pd.DataFrame(
                columns=[
                    C.PERSON_ID,
                    C.TERM,
                    C.SCHOOL,
                    C.STAGE,
                    C.BOARDING,
                    C.NAME,
                    C.SOURCE,
                    C.FILE,
                    C.SHEET,
                    C.ROW,
                ]
            )
        cols = [
            C.PERSON_ID,
            C.TERM,
            C.SCHOOL,
            C.STAGE,
            C.BOARDING,
            C.NAME,
            C.SOURCE,
            C.FILE,
            C.SHEET,
            C.ROW,
        ]
        # Choose the columns before the rows: a boolean filter copies every column.
        is_active = (r[C.STATUS] == ACTIVE).fillna(False) & r[C.PERSON_ID].notna()
        active = r.loc[is_active.to_numpy(bool), cols]
        has_term = active[C.TERM].notna().to_numpy(bool)
        dated = active[has_term]
        undated = active[~has_term]
        if not undated.empty:
            expanded = undated.drop(columns=[C.TERM]).merge(
                pd.DataFrame({C.TERM: pd.Series(self.roster_terms, dtype=_STRING)}), how="cross"
            )
            dated = pd.concat([dated, expanded[cols]], ignore_index=True)
        return sort_by_location(dated).reset_index(drop=True)

    @cached_property
    def first_active(self) -> pd.DataFrame:
        """The first active roster row per (person_id, term): where stage and boarding come from."""
        active = self.active_enrolments
        first = ~duplicated_on_text(active, [C.PERSON_ID, C.TERM])
        return active[first].reset_index(drop=True)

    @cached_property
    def payments(self) -> pd.DataFrame:
        """Linked, usable payments: valid person_id, a matched programme, an amount and a term.

        Adds ``group`` (the programme's exclusive group, or its own code).
        """
        lg = self.ledger
        if lg.empty or C.PROGRAM not in lg:
            return lg.assign(group=pd.Series(dtype=_STRING)).iloc[0:0]
        usable = lg[
            lg[C.PERSON_ID].notna()
            & lg[C.PROGRAM].notna()
            & lg[C.AMOUNT_CENTS].notna()
            & lg[C.TERM].notna()
        ].copy()
        groups = {p.code: self.policy.group_of(p.code) for p in self.policy.programs}
        usable["group"] = usable[C.PROGRAM].map(groups).astype(_STRING)
        return usable

    @cached_property
    def person_categories(self) -> pd.DataFrame:
        """Eligible (person_id, category) pairs from the registry; cleared monitoring excluded."""
        reg = self.registry
        if reg.empty:
            return pd.DataFrame(
                {C.PERSON_ID: pd.Series(dtype=_STRING), C.CATEGORY: pd.Series(dtype=_STRING)}
            )
        rows = reg[reg[C.PERSON_ID].notna() & reg[C.CATEGORY].notna()]
        cleared = (rows[C.CATEGORY] == "监测对象") & (
            rows[C.RISK_CLEARED].fillna(False).astype(bool)
        )
        pairs = rows.loc[~cleared, [C.PERSON_ID, C.CATEGORY]].drop_duplicates()
        return pairs.reset_index(drop=True)

    @cached_property
    def registry_persons(self) -> pd.DataFrame:
        """The first registry row of every valid person_id (source order: file, sheet, row)."""
        reg = self.registry
        if reg.empty:
            return reg
        return (
            sort_by_location(reg[reg[C.PERSON_ID].notna()])
            .drop_duplicates(C.PERSON_ID, keep="first")
            .reset_index(drop=True)
        )

    @cached_property
    def program_categories(self) -> pd.DataFrame:
        """(program, category) pairs of programmes restricted by category."""
        rows = [(p.code, c) for p in self.policy.programs for c in p.categories]
        return pd.DataFrame(rows, columns=[C.PROGRAM, C.CATEGORY]).astype(_STRING)

    @cached_property
    def open_programs(self) -> frozenset[str]:
        """Programmes with an empty category list (anyone may receive them)."""
        return frozenset(p.code for p in self.policy.programs if not p.categories)

    def category_eligible(self, pairs: pd.DataFrame) -> pd.Series:
        """Return True where the person's categories meet the programme's (aligned with ``pairs``).

        Args:
            pairs: a frame with ``person_id`` and ``program`` columns.
        """
        if pairs.empty:
            return pd.Series(dtype=bool)
        ok = merge_on_text(self.person_categories, self.program_categories, [C.CATEGORY])[
            [C.PERSON_ID, C.PROGRAM]
        ]
        ok = ok[~duplicated_on_text(ok, [C.PERSON_ID, C.PROGRAM])].assign(_ok=True)
        merged = merge_on_text(
            pairs[[C.PERSON_ID, C.PROGRAM]], ok, [C.PERSON_ID, C.PROGRAM], how="left"
        )
        result = merged["_ok"].fillna(False).astype(bool).to_numpy()
        open_program = pairs[C.PROGRAM].isin(list(self.open_programs)).to_numpy()
        return pd.Series(result | open_program, index=pairs.index)

    @cached_property
    def standards(self) -> pd.DataFrame:
        """(program, term) → allowed amounts in fen, for every programme and relevant term.

        Columns: program, term, standard_cents (the first allowed amount), allowed (tuple of fen).
        """
        terms = (
            set(self.terms) | set(self.ledger[C.TERM].dropna().astype(str))
            if not self.ledger.empty
            else set(self.terms)
        )
        rows = []
        for p in self.policy.programs:
            for term in sorted(terms, key=term_sort_key):
                allowed = tuple(int(a * 100) for a in self.policy.standard(p.code, term))
                if allowed:
                    rows.append((p.code, term, allowed[0], allowed))
        frame = pd.DataFrame(rows, columns=[C.PROGRAM, C.TERM, "standard_cents", "allowed"])
        frame[C.PROGRAM] = frame[C.PROGRAM].astype(_STRING)
        frame[C.TERM] = frame[C.TERM].astype(_STRING)
        frame["standard_cents"] = frame["standard_cents"].astype("Int64")
        return frame

    def ages(self, birth_dates: pd.Series) -> pd.Series:
        """Return whole years of age at the as-of date for each birth date (Int64)."""
        b = pd.to_datetime(birth_dates)
        years = self.as_of.year - b.dt.year
        before_birthday = (b.dt.month > self.as_of.month) | (
            (b.dt.month == self.as_of.month) & (b.dt.day > self.as_of.day)
        )
        return (years - before_birthday.astype("Int64")).astype("Int64")


def sort_by_location(frame: pd.DataFrame) -> pd.DataFrame:
    """Return rows in (source, file, sheet, row) order: the order "first"/"last" refer to."""
    if frame.empty:
        return frame
    return frame.iloc[location_order(frame)]


def own_id_rows_in_order(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the rows in location order, positions 0..n-1, without guardian-paid ledger rows.

    A ledger row paid under a guardian's ID carries the pupil's ID but the guardian's
    name and birth date: rules comparing a person's rows across sources leave it out.
    One ordering and one copy of the rows, whatever their width (issue #7).
    """
    guardian = (rows[C.LINKED_VIA].astype("string").fillna("") == "guardian").to_numpy(bool)
    order = location_order(rows)
    return rows.iloc[order[~guardian[order]]].reset_index(drop=True)
