"""Plain fields of any source: dates, genders, yes/no flags and boarding (就读方式)."""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core.normalise._common import (
    digits_to_int,
    fold_text,
    large,
    lookup_boolean,
    map_unique,
    to_arrow_text,
    to_string_series,
    ymd_to_dates,
)

# Date spellings seen in exports (DOMAIN §4): 2012-09-01, 2012-09-01 00:00:00, 20120901,
# 2012.09.01, 2012/9/1, 2012年9月1日, and month-only 2012.09 / 201209 (first of the month).
_DATE_PATTERNS: Final = (
    r"^(?P<y>[0-9]{4})[-/.年](?P<m>[0-9]{1,2})[-/.月](?P<d>[0-9]{1,2})日?(?:T?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$",
    r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$",
    r"^(?P<y>[0-9]{4})[-/.年](?P<m>[0-9]{1,2})月?(?P<d>)$",
    r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>)$",
)
# Excel's 1900 date system counts days from 1899-12-30 (it keeps Lotus's 1900-02-29).
_EXCEL_EPOCH: Final = np.datetime64("1899-12-30", "D")
_SERIAL: Final = r"^(?P<days>[0-9]{5})(?:\.[0-9]+)?$"


def parse_dates(values: pd.Series) -> pd.Series:
    """Return each date cell as a date (first of the month when only a month is given).

    Also reads Excel serial numbers written as text (``45200``, ``45200.0``). Dates
    outside 1900–2100 and impossible dates are NaT.

    Returns:
        A ``datetime64[ns]`` Series on ``values.index``.
    """
    text = pc.fill_null(fold_text(to_arrow_text(values)), large(""))
    n = len(text)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = np.ones(n, dtype=bool)
    for pattern in _DATE_PATTERNS:
        parts = pc.extract_regex(text, pattern=pattern)
        hit = todo & np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
        if not hit.any():
            continue
        day_text = pc.fill_null(pc.struct_field(parts, "d"), large(""))
        day = np.where(hit, digits_to_int(day_text), 0)
        found, real = ymd_to_dates(
            _part(parts, "y", hit), _part(parts, "m", hit), np.where(day == 0, 1, day)
        )
        dates[hit & real] = found[hit & real]
        todo &= ~hit
    serial = pc.extract_regex(text, pattern=_SERIAL)
    hit = todo & np.asarray(pc.is_valid(serial).to_numpy(zero_copy_only=False), dtype=bool)
    if hit.any():
        days = _part(serial, "days", hit)
        found = (_EXCEL_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[ns]")
        in_range = (
            hit & (found >= np.datetime64("1900-01-01")) & (found <= np.datetime64("2100-12-31"))
        )
        dates[in_range] = found[in_range]
    return pd.Series(dates, index=values.index, dtype="datetime64[ns]")


def _part(parts: pa.Array, field: str, hit: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    digits = pc.fill_null(pc.struct_field(parts, field), large(""))
    return np.where(hit, digits_to_int(digits), 0)


_GENDERS: Final = {
    "男": "男",
    "男性": "男",
    "M": "男",
    "MALE": "男",
    "1": "男",
    "女": "女",
    "女性": "女",
    "F": "女",
    "FEMALE": "女",
    "2": "女",
}


def parse_genders(values: pd.Series) -> pd.Series:
    """Return each gender cell as 男 or 女 (男/男性/1/M and 女/女性/2/F), ``<NA>`` otherwise.

    Returns:
        A string Series on ``values.index``.
    """
    folded = fold_text(to_arrow_text(values), upper=True)
    codes, mapped = map_unique(folded, _GENDERS.get)
    table = pa.array(mapped, type=pa.large_string())
    return to_string_series(table.take(pa.array(codes, mask=codes < 0)), values.index)


_BOOLEANS: Final = {
    "是": True,
    "Y": True,
    "YES": True,
    "TRUE": True,
    "1": True,
    "√": True,
    "✓": True,
    "否": False,
    "N": False,
    "NO": False,
    "FALSE": False,
    "0": False,
    "×": False,
    "✗": False,
}


def parse_booleans(values: pd.Series) -> pd.Series:
    """Return each yes/no cell as a boolean (是/Y/1/√ and 否/N/0), ``<NA>`` otherwise.

    Returns:
        A ``boolean`` Series on ``values.index``.
    """
    return lookup_boolean(values, _BOOLEANS)


# 就读方式 / 住宿类型 (DOMAIN §1.2): 借宿 (lodging with a family) and 其他 say nothing about
# whether the school counts the pupil as a boarder, so they stay unknown.
_BOARDING: Final = {
    "住校": True,
    "寄宿": True,
    "住宿": True,
    "寄宿生": True,
    "住校生": True,
    "是": True,
    "Y": True,
    "走读": False,
    "走读生": False,
    "非寄宿": False,
    "非寄宿生": False,
    "通学": False,
    "否": False,
    "N": False,
}


def parse_boarding(values: pd.Series) -> pd.Series:
    """Return whether each roster row is a boarder (住校/寄宿 True, 走读/非寄宿 False).

    Returns:
        A ``boolean`` Series on ``values.index``; ``<NA>`` for 借宿, 其他 and blanks.
    """
    return lookup_boolean(values, _BOARDING)
