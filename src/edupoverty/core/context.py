"""What every rule sees: the linked frames, the policy, the dates, and shared derived tables.

A helper two rules share (e.g. "active on some roster in term T") lives here, computed
once per run and cached, never inside a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core import columns as C
from edupoverty.core.columnops import (
    arrow_text,
    codes_of,
    location_order,
    one_chunk,
    positions_in,
)
from edupoverty.core.models import SourceKind
from edupoverty.core.normalise.terms import term_of_date, term_sort_key

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy

_STRING = pd.StringDtype("pyarrow")
ACTIVE = "active"
NO_CODE = -1
"""The integer code of a missing or unknown value."""
PERSON_CODE = "_person"
"""Column of the integer person code (``RuleContext.person_codes``) in derived frames."""

ROW_COLUMNS = [
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    C.ID_STATUS,
    C.ID_RAW,
    C.STUDENT_NO,
    C.PERSON_ID,
    C.ID_PREFIX,
    C.NAME,
    C.NAME_KEY,
    C.GENDER,
    C.ID_GENDER,
    C.BIRTH_DATE,
    C.ID_BIRTH_DATE,
    C.LINKED_VIA,
    C.TERM,
    C.PROGRAM,
]
"""Columns of ``own_rows``: what the rules comparing a person across sources read."""

PAYMENT_COLUMNS = [
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    C.PERSON_ID,
    C.NAME,
    C.NAME_KEY,
    C.SCHOOL,
    C.STAGE,
    C.GRADE,
    C.TERM,
    C.PROGRAM,
    C.PROGRAM_RAW,
    C.AMOUNT_CENTS,
    C.PAY_DATE,
    C.LINKED_VIA,
    C.GUARDIAN_ID,
]
"""Ledger columns ``payments`` keeps: what the payment rules read."""


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
        named = distinct_texts(self.roster[C.TERM]) if not self.roster.empty else set()
        paid = distinct_texts(self.ledger[C.TERM]) if not self.ledger.empty else set()
        return tuple(sorted(named | paid | set(self.terms) | {self.as_of_term}, key=term_sort_key))

    @cached_property
    def active_enrolments(self) -> pd.DataFrame:
        """One row per active roster row and term it applies to (term <NA> applies to all).

        Columns: person_id, term, school, stage, boarding, name, source, file, sheet, row
        and ``_person`` (the person code); only rows with a valid ID; in file/sheet/row order.
        """
        r = self.roster
        if r.empty:
            return pd.DataFrame(
                columns=[
                    PERSON_CODE,
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
            PERSON_CODE,
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
        is_active = ((r[C.STATUS] == ACTIVE).fillna(False) & r[C.PERSON_ID].notna()).to_numpy(bool)
        active = r[cols[1:]][is_active].assign(
            **{PERSON_CODE: self.source_person_codes[1][is_active]}
        )[cols]
        has_term = active[C.TERM].notna().to_numpy(bool)
        dated = active[has_term]
        undated = active[~has_term]
        if not undated.empty:
            expanded = undated.drop(columns=[C.TERM]).merge(
                pd.DataFrame({C.TERM: pd.Series(self.roster_terms, dtype=_STRING)}), how="cross"
            )
            dated = one_chunk(pd.concat([dated, expanded[cols]], ignore_index=True))
        return sort_by_location(dated).reset_index(drop=True)

    @cached_property
    def first_active(self) -> pd.DataFrame:
        """The first active roster row per (person_id, term): where stage and boarding come from."""
        active = self.active_enrolments
        keys = pd.DataFrame({"p": active[PERSON_CODE], "t": codes_of(active[C.TERM])})
        first = ~keys.duplicated().to_numpy(dtype=bool)
        return active[first].reset_index(drop=True)

    @cached_property
    def payments(self) -> pd.DataFrame:
        """Linked, usable payments: valid person_id, a matched programme, an amount and a term.

        Keeps ``PAYMENT_COLUMNS``; adds ``group`` (the programme's exclusive group, or its own code) and ``_person``
        (the person code).
        """
        lg = self.ledger
        if lg.empty or C.PROGRAM not in lg:
            return lg.assign(
                group=pd.Series(dtype=_STRING), **{PERSON_CODE: pd.Series(dtype="int64")}
            ).iloc[0:0]
        usable_rows = (
            lg[C.PERSON_ID].notna()
            & lg[C.PROGRAM].notna()
            & lg[C.AMOUNT_CENTS].notna()
            & lg[C.TERM].notna()
        ).to_numpy(bool)
        # Choose the columns before the rows: a boolean filter copies every column.
        usable = lg[[c for c in PAYMENT_COLUMNS if c in lg]][usable_rows]
        program = self.program_codes(usable[C.PROGRAM])
        groups = pa.array(
            [self.policy.group_of(p.code) for p in self.policy.programs] + [None],
            pa.large_string(),
        )
        return usable.assign(
            **{
                PERSON_CODE: self.source_person_codes[2][usable_rows],
                "group": pd.Series(
                    pd.arrays.ArrowStringArray(groups.take(pa.array(program))),
                    index=usable.index,
                ),
            }
        )

    @cached_property
    def person_categories(self) -> pd.DataFrame:
        """Eligible (person_id, category) pairs from the registry; cleared monitoring excluded.

        Also ``_person``, the person code.
        """
        reg = self.registry
        if reg.empty:
            return pd.DataFrame(
                {
                    C.PERSON_ID: pd.Series(dtype=_STRING),
                    C.CATEGORY: pd.Series(dtype=_STRING),
                    PERSON_CODE: pd.Series(dtype="int64"),
                }
            )
        cleared = (reg[C.CATEGORY] == "监测对象") & (reg[C.RISK_CLEARED].fillna(False).astype(bool))
        eligible = (reg[C.PERSON_ID].notna() & reg[C.CATEGORY].notna() & ~cleared).to_numpy(bool)
        person = self.source_person_codes[0][eligible]
        category = codes_of(reg[C.CATEGORY])[eligible]
        first = ~pd.DataFrame({"p": person, "c": category}).duplicated().to_numpy(bool)
        pairs = reg.loc[eligible, [C.PERSON_ID, C.CATEGORY]][first]
        return pairs.assign(**{PERSON_CODE: person[first]}).reset_index(drop=True)

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
        person = (
            pairs[PERSON_CODE].to_numpy()
            if PERSON_CODE in pairs
            else self.person_codes(pairs[C.PERSON_ID])
        )
        program = self.program_codes(pairs[C.PROGRAM])
        return pd.Series(self.eligibility_of(person, program), index=pairs.index)

    def eligibility_of(
        self, person: npt.NDArray[np.int64], program: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """``category_eligible`` on codes: ``person_codes`` and ``program_codes``."""
        eligible: npt.NDArray[np.bool_] = self._eligibility[person, program]
        return eligible

    @cached_property
    def _eligibility(self) -> npt.NDArray[np.bool_]:
        """A (person code, programme code) table of category eligibility.

        The last row stands for a missing or unknown person (code -1) and admits only open
        programmes; the last column stands for an unknown programme and admits nobody.
        """
        programs = self.policy.programs
        table = np.zeros((len(self.known_persons) + 1, len(programs) + 1), dtype=bool)
        pairs = self.person_categories
        person = pairs[PERSON_CODE].to_numpy()
        for column, program in enumerate(programs):
            if not program.categories:
                table[:, column] = True
                continue
            wanted = pc.is_in(
                arrow_text(pairs[C.CATEGORY]), value_set=pa.array(list(program.categories))
            )
            hit = pc.fill_null(wanted, False).to_numpy(zero_copy_only=False)
            table[person[hit & (person != NO_CODE)], column] = True
        table[-1, : len(programs)] = [not p.categories for p in programs]
        return table

    @cached_property
    def source_person_codes(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The person code of every registry, roster and ledger row (missing: -1)."""
        return self._person_dictionary[1]

    @cached_property
    def known_persons(self) -> pa.Array:
        """Every distinct person_id of the three sources: what person codes index."""
        return self._person_dictionary[0]

    @cached_property
    def _person_dictionary(
        self,
    ) -> tuple[
        pa.Array, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]
    ]:
        """One dictionary encoding of the three sources' person_id columns together."""
        frames = (self.registry, self.roster, self.ledger)
        columns = [arrow_text(f[C.PERSON_ID]) if C.PERSON_ID in f else None for f in frames]
        chunks = [
            chunk.cast(pa.large_string())
            for column in columns
            if column is not None
            for chunk in (column.chunks if isinstance(column, pa.ChunkedArray) else [column])
        ]
        everyone = pc.dictionary_encode(pa.chunked_array(chunks, pa.large_string()))
        dictionary = (
            everyone.chunk(0).dictionary if everyone.num_chunks else pa.array([], pa.large_string())
        )
        codes = np.concatenate(
            [
                pc.fill_null(chunk.indices, NO_CODE).to_numpy(zero_copy_only=False)
                for chunk in everyone.iterchunks()
            ]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        bounds = np.cumsum([0, *(len(f) if C.PERSON_ID in f else 0 for f in frames)])
        per_frame = tuple(
            codes[bounds[i] : bounds[i + 1]] if C.PERSON_ID in f else np.full(len(f), NO_CODE)
            for i, f in enumerate(frames)
        )
        return dictionary, (per_frame[0], per_frame[1], per_frame[2])

    def person_codes(self, ids: pd.Series) -> npt.NDArray[np.int64]:
        """Return each person_id's code: its position in ``known_persons`` (missing: -1).

        Joining and grouping on these integers instead of the ID text keeps large merges
        off pandas' slow path for Arrow strings (issue #7).
        """
        return positions_in(ids, self.known_persons, NO_CODE)

    def program_codes(self, programs: pd.Series) -> npt.NDArray[np.int64]:
        """Return each programme's position in the policy (unknown or missing: the count)."""
        codes = [p.code for p in self.policy.programs]
        return positions_in(programs, codes, missing=len(codes))

    @cached_property
    def own_rows(self) -> pd.DataFrame:
        """Every row of the three sources that carries its own ID, in location order.

        ``ROW_COLUMNS`` (absent columns are missing), positions 0..n-1, plus integer codes
        ``_person`` (``person_codes``) and ``_name`` (the name key's). A ledger row paid
        under a guardian's ID carries the pupil's ID but the guardian's name and birth
        date: rules comparing a person's rows across sources leave it out. Built once for
        the rules that compare every row (issue #7).
        """
        sources = (self.registry, self.roster, self.ledger)
        if all(f.empty for f in sources):
            empty = pd.DataFrame(columns=ROW_COLUMNS)
            return empty.assign(_person=pd.Series(dtype="int64"), _name=pd.Series(dtype="int64"))
        # Leave out guardian-paid rows before the concat: Arrow columns concatenate
        # without a copy, while a filter afterwards would copy every column (issue #7).
        parts, person_parts = [], []
        for frame, codes in zip(sources, self.source_person_codes, strict=True):
            if frame.empty:
                continue
            columns = frame[[c for c in ROW_COLUMNS if c in frame]]
            own = _own_id(frame)
            parts.append(columns if own.all() else columns[own])
            person_parts.append(codes[own])
        rows = one_chunk(pd.concat(parts, ignore_index=True).reindex(columns=ROW_COLUMNS))
        person = np.concatenate(person_parts)
        order = location_order(rows)
        if not _is_identity(order):
            rows = rows.iloc[order].reset_index(drop=True)
            person = person[order]
        return rows.assign(_person=person, _name=codes_of(rows[C.NAME_KEY]))

    @cached_property
    def standards(self) -> pd.DataFrame:
        """(program, term) → allowed amounts in fen, for every programme and relevant term.

        Columns: program, term, standard_cents (the first allowed amount), allowed (tuple of fen).
        """
        terms = (
            set(self.terms) | distinct_texts(self.ledger[C.TERM])
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
    order = location_order(frame)
    if _is_identity(order):
        # Rows usually arrive in location order: skip the copy of every column.
        return frame.copy(deep=False)
    return frame.iloc[order]


def _is_identity(order: npt.NDArray[np.int64]) -> bool:
    """Return True when ``order`` is 0, 1, …, n-1."""
    return bool((order == np.arange(len(order))).all())


def _own_id(frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Return False for ledger rows paid under a guardian's ID, True for the others."""
    if C.LINKED_VIA not in frame:
        return np.ones(len(frame), dtype=bool)
    guardian = (frame[C.LINKED_VIA].astype("string").fillna("") == "guardian").to_numpy(bool)
    own: npt.NDArray[np.bool_] = ~guardian
    return own


def distinct_texts(values: pd.Series) -> set[str]:
    """Return the distinct non-missing texts of a column (one Arrow pass, no Python loop)."""
    return {str(v) for v in pc.unique(pc.drop_null(arrow_text(values))).to_pylist()}
