"""Ledger amounts (金额): cell text to exact integer fen, with a reason when unusable.

Standards can be fractional (312.5 a term), so amounts never pass through a float: the
integer and fraction digits are read as text and combined as integers.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core.normalise._common import digits_to_int, fold_text, large, to_arrow_text

AMOUNT_ERRORS: Final = ("blank", "negative", "not_number", "too_precise")
"""The values of ``amount_error``."""
_BLANK, _NEGATIVE, _NOT_NUMBER, _TOO_PRECISE = range(4)

# Currency signs and units clerks type into amount cells (500元, ￥500, RMB 500); NFKC has
# already turned ￥ into ¥ and the full-width comma into ",".
_DECORATION: Final = r"元|圆|人民币|RMB|CNY|¥|\$|,"
_NUMBER: Final = r"^(?P<sign>[-+]?)(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?$"
_MAX_WHOLE_DIGITS: Final = 13


def parse_amounts(amounts: pd.Series) -> pd.DataFrame:
    """Return each amount cell in fen (分), or why it cannot be used.

    Accepts 500, 500.00, 1,000.00, 500元, ￥500, ¥500, 312.5, padded and full-width
    digits. More than two significant decimals is ``too_precise`` (312.505), a minus sign
    ``negative``, anything else that is not a number ``not_number``, an empty cell
    ``blank``.

    Returns:
        A frame on ``amounts.index`` with ``amount_cents`` (Int64, ``<NA>`` unless usable)
        and ``amount_error`` (string, ``<NA>`` when usable).
    """
    text = fold_text(to_arrow_text(amounts), upper=True)
    text = pc.fill_null(
        pc.replace_substring_regex(text, pattern=_DECORATION, replacement=""), large("")
    )
    parts = pc.extract_regex(text, pattern=_NUMBER)
    sign = pc.fill_null(pc.struct_field(parts, "sign"), large(""))
    whole = pc.fill_null(pc.struct_field(parts, "whole"), large(""))
    fraction = pc.utf8_rtrim(
        pc.fill_null(pc.struct_field(parts, "fraction"), large("")), characters="0"
    )

    def as_numpy(arr: pa.Array) -> np.ndarray:
        return np.asarray(arr.to_numpy(zero_copy_only=False))

    is_number = as_numpy(pc.is_valid(parts)) & (
        as_numpy(pc.utf8_length(whole))
        + as_numpy(pc.utf8_length(pc.struct_field(parts, "fraction")))
        > 0
    )
    whole_length = as_numpy(pc.utf8_length(whole))
    fraction_length = as_numpy(pc.utf8_length(fraction))
    usable = is_number & (whole_length <= _MAX_WHOLE_DIGITS) & (fraction_length <= 2)
    whole_value = digits_to_int(pc.if_else(pa.array(usable), whole, large("")))
    fraction_value = digits_to_int(
        pc.if_else(pa.array(usable), pc.utf8_rpad(fraction, width=2, padding="0"), large(""))
    )
    cents = whole_value * 100 + fraction_value
    negative = as_numpy(pc.equal(sign, "-")) & (cents != 0)

    error = np.full(len(text), -1, dtype=np.int64)
    error[~is_number | (is_number & (whole_length > _MAX_WHOLE_DIGITS))] = _NOT_NUMBER
    error[is_number & (fraction_length > 2)] = _TOO_PRECISE
    error[usable & negative] = _NEGATIVE
    error[as_numpy(pc.utf8_length(text)) == 0] = _BLANK
    ok = error < 0
    table = pa.array(AMOUNT_ERRORS, type=pa.large_string())
    return pd.DataFrame(
        {
            "amount_cents": pd.Series(pd.arrays.IntegerArray(cents, ~ok), index=amounts.index),
            "amount_error": pd.Series(
                pd.arrays.ArrowStringArray(table.take(pa.array(error, mask=ok))),
                index=amounts.index,
            ),
        },
        index=amounts.index,
    )
