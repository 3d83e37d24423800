"""Tests for ledger amounts in fen."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.core.normalise.amounts import parse_amounts


@pytest.mark.parametrize(
    ("text", "cents", "error"),
    [
        pytest.param("500", 50000, None, id="整数"),
        pytest.param("500.00", 50000, None, id="两位小数"),
        pytest.param("1,000.00", 100000, None, id="千分位"),
        pytest.param("500元", 50000, None, id="带元"),
        pytest.param("￥500", 50000, None, id="全角人民币符号"),
        pytest.param("¥500", 50000, None, id="半角人民币符号"),
        pytest.param("312.5", 31250, None, id="一位小数"),
        pytest.param(" 625 ", 62500, None, id="首尾空格"),
        pytest.param("５００", 50000, None, id="全角数字"),
        pytest.param("312.500", 31250, None, id="尾随零"),
        pytest.param("", None, "blank", id="空串"),
        pytest.param(None, None, "blank", id="None"),
        pytest.param("-500", None, "negative", id="负数"),
        pytest.param("五百", None, "not_number", id="中文数字"),
        pytest.param("500-", None, "not_number", id="乱码"),
        pytest.param("312.505", None, "too_precise", id="三位小数"),
    ],
)
def test_parse_amounts_reads_amount_spellings(
    text: str | None, cents: int | None, error: str | None
) -> None:
    """Each spelling gives exact fen, or the reason it cannot be used."""
    result = parse_amounts(pd.Series([text], dtype=object))
    got_cents, got_error = result["amount_cents"].iloc[0], result["amount_error"].iloc[0]
    assert (None if pd.isna(got_cents) else int(got_cents)) == cents
    assert (None if pd.isna(got_error) else got_error) == error


def test_parse_amounts_returns_typed_columns() -> None:
    """amount_cents is Int64 and the result keeps the input index."""
    result = parse_amounts(pd.Series(["500", "x"], index=[8, 9]))
    assert list(result.index) == [8, 9]
    assert str(result["amount_cents"].dtype) == "Int64"


def test_parse_amounts_reads_numeric_cells() -> None:
    """Numbers a reader kept as floats are read exactly."""
    result = parse_amounts(pd.Series([312.5, 500.0, 1150]))
    assert result["amount_cents"].tolist() == [31250, 50000, 115000]


@given(st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False))
def test_parse_amounts_is_exact_for_two_decimals(amount: Decimal) -> None:
    """Any amount with two decimals converts to fen without rounding error."""
    result = parse_amounts(pd.Series([f"{amount:,.2f}元"]))
    assert result["amount_cents"].iloc[0] == int(amount * 100)
