"""Column operations the rules share, done by Arrow kernels where pandas is slow.

pandas 3 answers ``Series.isin`` on Arrow-backed strings by converting every value to a
Python object (measured, 1M IDs against 333k: 8.9 s; ``pyarrow.compute.is_in`` 0.47 s),
and sorts several text columns through object arrays too. Rules that test membership of
person keys or put rows in location order call these instead (issue #7).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core import columns as C

SOURCE_ORDER = {"registry": 0, "roster": 1, "ledger": 2}
"""Order of the sources in location order."""


def arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """Return a column as Arrow text (no copy when it is already Arrow-backed)."""
    return _arrow(values.astype("string[pyarrow]"))


def one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with each Arrow text column in one chunk (no copy when it is).

    ``pd.concat`` joins Arrow columns as chunks without copying, but Arrow's ``take`` on a
    chunked column first concatenates the chunks: 36 ms for a few rows of a 3M-row column
    in three chunks, against 0.2 ms in one. A frame that is filtered or indexed many times
    after a concat is combined once instead (issue #7).
    """
    combined = {}
    for name in frame.columns:
        array = frame[name].array
        if isinstance(array, pd.arrays.ArrowStringArray) and array._pa_array.num_chunks > 1:
            whole = pa.chunked_array([array._pa_array.combine_chunks()])
            combined[name] = pd.Series(
                pd.arrays.ArrowStringArray(whole), index=frame.index, dtype=frame[name].dtype
            )
    return frame.assign(**combined) if combined else frame


def _arrow(values: pd.Series | pd.Index | Iterable[object]) -> pa.Array | pa.ChunkedArray:
    array = getattr(values, "array", None)
    if isinstance(array, pd.arrays.ArrowStringArray):
        return array._pa_array
    if not isinstance(values, pd.Series | pd.Index):
        values = pd.Series(list(values), dtype=object)
    return pa.array(pd.Series(values, dtype=object).astype("string[pyarrow]").array)


def is_in(values: pd.Series, among: pd.Series | pd.Index | Iterable[object]) -> pd.Series:
    """Return, for each value, whether it is one of ``among`` (missing values: False).

    Text columns go through ``pyarrow.compute.is_in``; anything else through pandas.

    Args:
        values: the column tested, e.g. ``person_id``.
        among: the values looked for (a column, an index, a set or a list).

    Returns:
        A plain boolean Series on ``values.index``.
    """
    if not isinstance(values.dtype, pd.StringDtype):
        among_list = among if isinstance(among, pd.Series | pd.Index) else list(among)
        return values.isin(among_list).fillna(False).astype(bool)
    value_set = _arrow(among)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = (
            value_set.combine_chunks() if value_set.num_chunks else pa.array([], pa.string())
        )
    found = pc.is_in(_arrow(values), value_set=value_set.cast(pa.large_string()), skip_nulls=True)
    hits = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return pd.Series(hits.astype(bool), index=values.index)


def location_order(frame: pd.DataFrame, then: Sequence[str] = ()) -> npt.NDArray[np.int64]:
    """Return the positions of the rows in (source, file, sheet, row) order, stably.

    Text is ordered by code point (Arrow's UTF-8 byte order, Python's ``str`` order).
    Each key becomes an integer rank and the ranks are packed into one int64 when they
    fit: a stable sort of one integer column that is already nearly in order (rows come
    in file order) costs a fraction of a multi-column text sort (issue #7).

    Args:
        frame: rows with ``source`` (optional), ``file``, ``sheet`` and ``row``.
        then: further integer columns of ``frame`` to order by, after the location.
    """
    n = len(frame)
    source = (
        positions_in(frame[C.SOURCE], list(SOURCE_ORDER), missing=len(SOURCE_ORDER))
        if C.SOURCE in frame
        else np.zeros(n, dtype=np.int64)
    )
    keys = [
        source,
        text_ranks(frame[C.FILE]),
        text_ranks(frame[C.SHEET]),
        frame[C.ROW].astype("int64").to_numpy(),
        *(frame[name].astype("int64").to_numpy() for name in then),
    ]
    return _stable_order(keys)


def _stable_order(keys: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """Return the stable order of rows by several integer keys, most significant first."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if sum(span.bit_length() for span in spans) <= 62:
        packed = np.zeros(n, dtype=np.int64)
        for key, low, span in zip(keys, lows, spans, strict=True):
            packed = packed * span + (key - low)
        if n < 2 or bool((packed[1:] >= packed[:-1]).all()):
            return np.arange(n, dtype=np.int64)
        order: npt.NDArray[np.int64] = np.argsort(packed, kind="stable").astype(np.int64)
        return order
    return np.lexsort(keys[::-1]).astype(np.int64)


def text_ranks(values: pd.Series) -> npt.NDArray[np.int64]:
    """Return each text's rank among the column's distinct texts in code-point order.

    Missing values rank as the empty string.
    """
    array = pc.fill_null(_arrow(values.astype("string[pyarrow]")), "")
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    distinct = pc.unique(array)
    ordered = pc.take(distinct, pc.sort_indices(distinct))
    ranks: npt.NDArray[np.int64] = (
        pc.index_in(array, value_set=ordered).to_numpy(zero_copy_only=False).astype(np.int64)
    )
    return ranks


def positions_in(
    values: pd.Series, dictionary: pa.Array | Sequence[str], missing: int = -1
) -> npt.NDArray[np.int64]:
    """Return each value's position in ``dictionary`` (``missing`` for others and blanks).

    The one lookup behind person, programme, term and stage codes: a hash lookup in
    Arrow, no Python loop over the values.
    """
    if not isinstance(dictionary, pa.Array):
        dictionary = pa.array(list(dictionary), pa.large_string())
    found = pc.index_in(arrow_text(values), value_set=dictionary)
    positions: npt.NDArray[np.int64] = (
        pc.fill_null(found, missing).to_numpy(zero_copy_only=False).astype(np.int64)
    )
    return positions


def codes_of(values: pd.Series) -> npt.NDArray[np.int64]:
    """Return an integer code per value (equal values, equal codes; missing: -1).

    Joining and grouping on these instead of text keeps pandas off its slow path for
    Arrow strings (factorising text keys was most of a 1M-row merge, issue #7).
    """
    array = _arrow(values.astype("string[pyarrow]"))
    if isinstance(array, pa.ChunkedArray):
        # One dictionary for the whole column: chunks encoded apart would not share codes.
        array = array.combine_chunks() if array.num_chunks else pa.array([], pa.large_string())
    if len(array) == 0:
        return np.zeros(0, dtype=np.int64)
    encoded = pc.dictionary_encode(array)
    codes: npt.NDArray[np.int64] = (
        pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    )
    return codes


def codes_across(*columns: pd.Series) -> list[npt.NDArray[np.int64]]:
    """Return integer codes of several text columns that share one dictionary (missing: -1).

    Equal texts get equal codes whichever column they are in, so the columns can be
    joined or compared as integers.
    """
    arrays = [arrow_text(column) for column in columns]
    chunks = [
        chunk.cast(pa.large_string())
        for array in arrays
        for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array])
    ]
    dictionary = pc.drop_null(pc.unique(pa.chunked_array(chunks, pa.large_string())))
    return [positions_in(column, dictionary) for column in columns]


def _key_codes(
    left: pd.DataFrame, right: pd.DataFrame, on: Sequence[str]
) -> tuple[dict[str, npt.NDArray[np.int64]], dict[str, npt.NDArray[np.int64]]]:
    """Return shared integer codes of the text key columns of two frames (missing: -1)."""
    left_codes: dict[str, npt.NDArray[np.int64]] = {}
    right_codes: dict[str, npt.NDArray[np.int64]] = {}
    for i, column in enumerate(on):
        both = pd.concat(
            [left[column].astype("string[pyarrow]"), right[column].astype("string[pyarrow]")],
            ignore_index=True,
        )
        codes = codes_of(both)
        left_codes[f"_key{i}"] = codes[: len(left)]
        right_codes[f"_key{i}"] = codes[len(left) :]
    return left_codes, right_codes


def merge_on_text(
    left: pd.DataFrame, right: pd.DataFrame, on: Sequence[str], how: str = "inner"
) -> pd.DataFrame:
    """Return ``left.merge(right, on=on, how=how)`` for text keys, joined on integer codes.

    pandas factorises Arrow text keys through Python objects (most of a 1M-row merge,
    issue #7); the codes are shared by both sides, so equal texts join as before, and
    missing keys join each other as pandas joins them. The key columns come from
    ``left``. Only ``inner`` and ``left`` joins keep that meaning.
    """
    if how not in {"inner", "left"}:
        raise ValueError(f"merge_on_text supports inner and left joins, not {how}")
    left_codes, right_codes = _key_codes(left, right, on)
    keys = list(left_codes)
    merged = left.assign(**left_codes).merge(
        right.drop(columns=list(on)).assign(**right_codes), on=keys, how=how
    )
    return merged.drop(columns=keys)


def duplicated_on_text(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Return ``frame.duplicated(columns)`` (keep first) computed on integer codes."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    codes = pd.DataFrame({c: codes_of(frame[c].astype("string[pyarrow]")) for c in columns})
    duplicated: npt.NDArray[np.bool_] = codes.duplicated().to_numpy(dtype=bool)
    return duplicated
