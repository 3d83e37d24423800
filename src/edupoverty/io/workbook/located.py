"""Each finding's located row, joined back from the loaded inputs on one integer key.

A finding is located on ``source, file, sheet, row``; reconcile.xlsx shows that row's
school, township, ID as written and account. Joining a province's 64,000 findings to its 3
million loaded rows on those four columns took pandas 2–3 s of CPU, most of it hashing
text (issue 7). Here each location is packed into one integer (source, the code of the
file and sheet pair, row), and one stable sort of those integers both de-duplicates the
loaded rows and finds each finding's row: about 0.4 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core import columns as C  # noqa: N812 - the package's one short name for column constants
from edupoverty.core.columnops import is_in
from edupoverty.io.loading import LoadedInputs

KINDS: Final = ("registry", "roster", "ledger")
EXTRAS: Final = (C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT)
"""Columns of the located row that reconcile.xlsx shows beside a finding."""


def located_extras(loaded: LoadedInputs, findings: pd.DataFrame) -> pd.DataFrame:
    """Return school, township, ID as written and account of each finding's located row.

    A location found on several loaded rows takes the first; a finding whose row has no
    township takes its school's most frequent township among the loaded rows (ties: the
    first in code-point order).

    Args:
        loaded: the loaded inputs (the three canonical frames).
        findings: the findings, with ``source, file, sheet, row``.

    Returns:
        ``school, township, id_raw, account`` on ``findings.index``, dtype object, None
        where not found.
    """
    extra = pd.DataFrame(None, index=findings.index, columns=list(EXTRAS), dtype=object)
    frames = {kind: loaded.frame(kind) for kind in KINDS}
    frames = {kind: frame for kind, frame in frames.items() if not frame.empty}
    if not frames or findings.empty:
        return extra
    found_source = findings[C.SOURCE].astype(object).map({k: i + 1 for i, k in enumerate(KINDS)})
    keys = location_keys(
        [
            found_source.fillna(0).to_numpy(dtype=np.int64),
            *(np.full(len(frame), KINDS.index(kind) + 1) for kind, frame in frames.items()),
        ],
        [findings[C.FILE], *(frame[C.FILE] for frame in frames.values())],
        [findings[C.SHEET], *(frame[C.SHEET] for frame in frames.values())],
        [findings[C.ROW], *(frame[C.ROW] for frame in frames.values())],
    )
    finding_keys, row_keys = keys[: len(findings)], keys[len(findings) :]
    first, row_of_finding = first_match(row_keys, finding_keys)
    starts = np.cumsum([0, *(len(frame) for frame in frames.values())])
    for frame, start in zip(frames.values(), starts, strict=False):
        here = (row_of_finding >= start) & (row_of_finding < start + len(frame))
        local = row_of_finding[here] - start
        for column in EXTRAS:
            if column in frame and here.any():
                values = frame[column].take(local)
                extra.loc[here, column] = (
                    values.astype(object).where(values.notna(), None).to_numpy()
                )
    no_township = extra[C.TOWNSHIP].isna() & extra[C.SCHOOL].notna()
    if no_township.any():
        schools = set(extra.loc[no_township, C.SCHOOL])
        kept = [
            frame[[C.SCHOOL, C.TOWNSHIP]][first[start : start + len(frame)]]
            for frame, start in zip(frames.values(), starts, strict=False)
            if C.SCHOOL in frame and C.TOWNSHIP in frame
        ]
        by_school = township_by_school(kept, schools)
        extra.loc[no_township, C.TOWNSHIP] = extra.loc[no_township, C.SCHOOL].map(by_school)
        extra[C.TOWNSHIP] = extra[C.TOWNSHIP].astype(object).where(extra[C.TOWNSHIP].notna(), None)
    return extra


def first_match(
    row_keys: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Return which rows are the first of their key, and the first row of each wanted key.

    One stable sort instead of hash tables over millions of keys; the loaders' rows come
    in location order already, which the sort passes through quickly.

    Args:
        row_keys: one key per loaded row (at least one).
        wanted: the keys looked up (the findings').

    Returns:
        A mask over ``row_keys`` (True on the first row of each key), and per wanted key
        the position of its first row, -1 where there is none.
    """
    order = np.argsort(row_keys, kind="stable")
    ordered = row_keys[order]
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    first = np.zeros(len(row_keys), dtype=bool)
    first[order[starts]] = True
    unique_keys, first_rows = ordered[starts], order[starts]
    at = np.searchsorted(unique_keys, wanted).clip(max=len(unique_keys) - 1)
    return first, np.where(unique_keys[at] == wanted, first_rows[at], -1).astype(np.int64)


def location_keys(
    sources: Sequence[npt.NDArray[np.int64]],
    files: Sequence[pd.Series],
    sheets: Sequence[pd.Series],
    row_numbers: Sequence[pd.Series],
) -> npt.NDArray[np.int64]:
    """Return one integer per location, equal exactly when the locations are equal.

    Each argument holds the pieces of one location column, in the same order; the keys
    come out in that order, concatenated. A missing sheet equals an empty one, as in
    ``findings.csv``; a missing file or row equals only another missing one.

    Args:
        sources: source codes (any integers ≥ 0).
        files: file names.
        sheets: sheet names.
        row_numbers: 1-based row numbers.
    """
    source = np.concatenate(sources).astype(np.int64)
    file = shared_codes(files)
    sheet = shared_codes([s.astype("string[pyarrow]").fillna("") for s in sheets])
    # The pair is numbered densely first, so that the packed key stays far below 2**63:
    # at most sources x rows x largest row.
    pair, _ = pd.factorize(file * (int(sheet.max()) + 1) + sheet)
    row = np.concatenate(
        [r.astype("Int64").to_numpy(dtype=np.int64, na_value=-1) + 1 for r in row_numbers]
    )
    row_radix = int(row.max()) + 1
    pair_radix = int(pair.max()) + 1
    keys: npt.NDArray[np.int64] = (source * pair_radix + pair) * row_radix + row
    return keys


def shared_codes(columns: Sequence[pd.Series]) -> npt.NDArray[np.int64]:
    """Return an integer per text value across the columns: equal texts, equal codes.

    Each column is dictionary-encoded by Arrow and only its few distinct values are
    matched up in Python (a file or sheet name repeats on every row). Missing is 0.

    Returns:
        The codes of all the columns' values, concatenated in order.
    """
    vocabulary: dict[str, int] = {}
    parts = []
    for column in columns:
        array = pa.array(column.astype("string[pyarrow]").array)
        encoded = pc.dictionary_encode(array)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        to_shared = np.array(
            [0]
            + [
                vocabulary.setdefault(v, len(vocabulary) + 1)
                for v in encoded.dictionary.to_pylist()
            ],
            dtype=np.int64,
        )
        indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
        parts.append(to_shared[indices.astype(np.int64) + 1])
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def township_by_school(rows: Sequence[pd.DataFrame], schools: set[str]) -> dict[str, str]:
    """Return school → its most frequent township, for the given schools.

    Args:
        rows: frames with ``school`` and ``township``; rows missing either are ignored.
        schools: the schools wanted.

    Returns:
        Per school found with a township, the township on most of its rows; on a tie, the
        first in code-point order.
    """
    wanted = [
        frame[is_in(frame[C.SCHOOL].astype("string[pyarrow]"), schools).to_numpy()]
        for frame in rows
    ]
    both = pd.concat(wanted, ignore_index=True).dropna() if wanted else pd.DataFrame()
    if both.empty:
        return {}
    counts = (
        both.astype(str)
        .value_counts(sort=False)
        .rename("n")
        .reset_index()
        .sort_values([C.SCHOOL, "n", C.TOWNSHIP], ascending=[True, False, True], kind="stable")
        .drop_duplicates(C.SCHOOL)
    )
    return dict(zip(counts[C.SCHOOL], counts[C.TOWNSHIP], strict=True))
