"""Shared column helpers for the normalisers: cell text as Arrow, folding, dates.

Every normaliser takes a pandas Series of cell text (any dtype the readers produce) and
works on one Arrow array, so the hot paths stay column operations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

STRING = pd.StringDtype("pyarrow")
"""The string dtype of every text column the normalisers return (``<NA>`` for missing)."""

T = TypeVar("T")

# Whitespace a spreadsheet cell may carry: ASCII, NBSP, the full-width space that pads
# two-character names (王　芳), zero-width characters pasted from web pages.
_WHITESPACE = r"\s\p{Z}\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}\x{0085}"

YEAR_MIN = 1900
YEAR_MAX = 2100
ID_YEAR_MIN = 1800
"""Earliest birth year an ID may carry: GB 11643's own example, 440524188001010014, is 1880."""


def to_arrow_text(values: pd.Series) -> pa.LargeStringArray:
    """Return the cells of a column as one Arrow text array, null where the cell is empty.

    Numbers become their Python text (``410101199001011008``, ``4.10101199001011e+17``,
    ``500.0``), which is what a spreadsheet reader hands over for a numeric cell.
    """
    if isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
        try:
            arr = pa.array(values.array, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = None
        if arr is not None:
            return _flatten(arr)
    missing = values.isna().to_numpy(dtype=bool)
    texts = [
        None if gone else _scalar_text(v) for v, gone in zip(values.array, missing, strict=True)
    ]
    return _flatten(pa.array(texts, type=pa.large_string()))


def _scalar_text(value: object) -> str:
    # str() of a float keeps "500.0" and "4.10101199001011e+17": the ID and amount rules
    # downstream recognise both spellings.
    return value if isinstance(value, str) else str(value)


def _flatten(arr: pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    return arr


def fold_text(
    arr: pa.LargeStringArray, *, remove: str = "", upper: bool = False
) -> pa.LargeStringArray:
    """Return the text NFKC-folded, with all whitespace and the ``remove`` characters gone.

    Args:
        arr: cell text.
        remove: extra characters to delete, as the inside of an RE2 character class.
        upper: also upper-case the text.
    """

    def repair(part: pa.Array) -> pa.Array:
        if not pc.all(pc.string_is_ascii(part)).as_py():
            part = pc.utf8_normalize(part, form="NFKC")
        part = pc.replace_substring_regex(part, pattern=f"[{_WHITESPACE}{remove}]+", replacement="")
        # Removing a space NFKC produced (´ → space + combining acute) can leave an
        # uncomposed sequence; normalise again so folding is idempotent.
        return pc.utf8_normalize(part, form="NFKC")

    plain = pc.fill_null(pc.ascii_is_alnum(arr), True).to_numpy(zero_copy_only=False)
    arr = splice(arr, ~np.asarray(plain, dtype=bool), repair)
    if upper:
        ascii_only = pc.all(pc.string_is_ascii(arr)).as_py() is not False
        arr = pc.ascii_upper(arr) if ascii_only else pc.utf8_upper(arr)
    return arr


def blank_to_null(arr: pa.LargeStringArray) -> pa.LargeStringArray:
    """Return the text with empty strings turned into nulls."""
    empty = pc.equal(pc.utf8_length(arr), 0)
    return pc.if_else(empty, pa.scalar(None, pa.large_string()), arr)


def to_string_series(arr: pa.Array, index: pd.Index) -> pd.Series:
    """Return an Arrow text array as a ``string[pyarrow]`` Series on ``index``."""
    return pd.Series(pd.arrays.ArrowStringArray(_flatten(arr)), index=index, copy=False)


def map_unique(
    arr: pa.LargeStringArray, func: Callable[[str], T | None]
) -> tuple[npt.NDArray[np.intp], list[T | None]]:
    """Apply ``func`` once per distinct non-null text.

    Returns:
        ``codes`` (position in the distinct list, -1 for null) and the mapped values.
    """
    encoded = pc.dictionary_encode(arr)
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(pc.is_null(encoded.indices).to_numpy(zero_copy_only=False), -1, codes)
    mapped = [func(text) for text in encoded.dictionary.to_pylist()]
    return codes.astype(np.intp), mapped


def map_unique_text(
    arr: pa.LargeStringArray, func: Callable[[str], str | None], index: pd.Index
) -> pd.Series:
    """Return ``func`` applied to each distinct text, as a string Series on ``index``."""
    codes, mapped = map_unique(arr, func)
    table = pa.array(mapped, type=pa.large_string())
    return to_string_series(table.take(pa.array(codes, mask=codes < 0, type=pa.int64())), index)


def lookup_boolean(values: pd.Series, table: Mapping[str, bool]) -> pd.Series:
    """Return each folded, upper-cased cell looked up in ``table`` (``<NA>`` when absent)."""
    folded = fold_text(to_arrow_text(values), upper=True)
    codes, mapped = map_unique(folded, table.get)
    lookup = np.array([*mapped, None], dtype=object)
    result = pd.array(lookup[codes], dtype="boolean")
    return pd.Series(result, index=values.index)


def days_in_month(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Return the number of days in each (year, month), Gregorian, month clipped to 1–12."""
    table = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days: npt.NDArray[np.int64] = table[np.clip(month, 1, 12) - 1]
    days = days + ((month == 2) & leap).astype(np.int64)
    return days


def ymd_to_dates(
    year: npt.NDArray[np.int64],
    month: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    year_min: int = YEAR_MIN,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """Return ``datetime64[ns]`` dates and a mask of which (year, month, day) are real dates.

    A date counts only between ``year_min``-01-01 and 2100-12-31; anything else is NaT.
    """
    real = (
        (year >= year_min)
        & (year <= YEAR_MAX)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= days_in_month(year, month))
    )
    months = ((np.where(real, year, 1970) - 1970) * 12 + np.where(real, month, 1) - 1).astype(
        "datetime64[M]"
    )
    dates = months.astype("datetime64[D]") + (np.where(real, day, 1) - 1).astype("timedelta64[D]")
    out = dates.astype("datetime64[ns]")
    out[~real] = np.datetime64("NaT")
    return out, real


def digits_to_int(arr: pa.Array) -> npt.NDArray[np.int64]:
    """Return digit-only text as integers (0 where null or empty)."""
    filled = pc.if_else(pc.equal(pc.utf8_length(arr), 0), None, arr)
    ints = pc.cast(filled, pa.int64())
    values: npt.NDArray[np.int64] = np.asarray(
        pc.fill_null(ints, 0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    return values


def large(text: str) -> pa.Scalar:
    """Return a ``large_string`` Arrow scalar (kernels will not mix string widths)."""
    return pa.scalar(text, pa.large_string())


def matches(arr: pa.Array, pattern: str) -> npt.NDArray[np.bool_]:
    """Return, per text, whether the RE2 ``pattern`` matches (False for null)."""
    found = pc.fill_null(pc.match_substring_regex(arr, pattern=pattern), False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def splice(
    arr: pa.LargeStringArray,
    rows: npt.NDArray[np.bool_],
    func: Callable[[pa.Array], pa.Array],
) -> pa.LargeStringArray:
    """Return ``arr`` with ``func`` applied only to the texts where ``rows`` is True.

    Most cells of a real column need no repair; transforming just the others keeps the
    expensive kernels (NFKC, regex replace) off the common path.
    """
    where = np.flatnonzero(rows)
    if len(where) == 0:
        return arr
    if len(where) == len(arr):
        return _flatten(func(arr))
    patched = _flatten(func(arr.take(pa.array(where))))
    index = np.arange(len(arr), dtype=np.int64)
    index[where] = len(arr) + np.arange(len(where), dtype=np.int64)
    return pa.concat_arrays([arr, patched]).take(pa.array(index))


def scatter(
    values: pa.Array, positions: npt.NDArray[np.intp], keep: npt.NDArray[np.bool_], n: int
) -> pa.Array:
    """Return an n-long array holding ``values[i]`` at row ``positions[i]`` where ``keep[i]``."""
    index = np.full(n, -1, dtype=np.int64)
    index[positions[keep]] = np.flatnonzero(keep)
    return values.take(pa.array(index, mask=index < 0))


def byte_matrix(texts: pa.Array, width: int) -> npt.NDArray[np.uint8]:
    """Return fixed-width ASCII texts as an (n, width) byte matrix, with no Python loop."""
    binary = _flatten(texts).cast(pa.large_binary())
    n = len(binary)
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    offsets = np.frombuffer(binary.buffers()[1], dtype=np.int64)[
        binary.offset : binary.offset + n + 1
    ]
    start = int(offsets[0])
    if int(offsets[-1]) - start != width * n:
        raise ValueError("a byte matrix needs texts of one fixed width")
    data = np.frombuffer(binary.buffers()[2], dtype=np.uint8)[start : start + width * n]
    return data.reshape(n, width).copy()


def matrix_number(matrix: npt.NDArray[np.uint8], start: int, stop: int) -> npt.NDArray[np.int64]:
    """Return the number written by the digit columns ``start:stop`` of a byte matrix."""
    value = np.zeros(len(matrix), dtype=np.int64)
    for column in range(start, stop):
        value = value * 10 + (matrix[:, column].astype(np.int64) - ord("0"))
    return value


R = TypeVar("R", pd.Series, pd.DataFrame)

DISTINCT_SHARE = 0.5
"""Normalise the distinct values only when they are at most this share of the rows."""


def by_distinct(values: pd.Series, func: Callable[[pd.Series], R]) -> R:
    """Return ``func(values)``, computed on the distinct values and spread back to the rows.

    A county's school, grade, status and date columns repeat a few hundred values over a
    million rows; folding and matching each distinct text once instead of once per row
    is what keeps normalisation linear in the distinct values (issue #7). ``func`` must
    map each cell on its own (no row depends on another), return a Series or a DataFrame
    on its argument's index, and give a missing result for a missing cell.
    """
    n = len(values)
    if n < 1024 or not isinstance(values.dtype, pd.StringDtype | np.dtypes.ObjectDType):
        return func(values)
    try:
        encoded = pc.dictionary_encode(to_arrow_text(values))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return func(values)
    distinct = encoded.dictionary
    if len(distinct) > DISTINCT_SHARE * n:
        return func(values)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.intp)
    if (codes < 0).any():
        # One extra "value", the missing cell, so that func decides what a blank gives.
        distinct = pa.concat_arrays([distinct, pa.nulls(1, distinct.type)])
        codes = np.where(codes < 0, len(distinct) - 1, codes)
    mapped = func(to_string_series(distinct, pd.RangeIndex(len(distinct))))
    if isinstance(mapped, pd.DataFrame):
        spread = pd.DataFrame(
            {c: mapped[c].array.take(codes) for c in mapped.columns}, index=values.index
        )
        return spread
    return pd.Series(mapped.array.take(codes), index=values.index, name=mapped.name)
