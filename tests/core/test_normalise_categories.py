"""Tests for hardship categories and the monitoring risk flag."""

from __future__ import annotations

import pandas as pd
import pytest

from edupoverty.core.normalise.categories import (
    CANONICAL_CATEGORIES,
    CATEGORY_ALIASES,
    is_canonical_category,
    normalise_categories,
    normalise_category,
    parse_risk_cleared,
)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        pytest.param(alias, canonical, id=alias)
        for canonical, aliases in CATEGORY_ALIASES.items()
        for alias in aliases
    ],
)
def test_normalise_category_maps_every_alias(alias: str, canonical: str) -> None:
    """Every alias in the table maps to its canonical category."""
    assert normalise_category(alias) == canonical
    assert is_canonical_category(alias)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        pytest.param(" 农村低保 ", "低保", id="带空白"),
        pytest.param("脱贫户（享受政策）", "脱贫户", id="带括注"),
        pytest.param("一般农户", None, id="一般农户"),
        pytest.param("其他", None, id="其他"),
        pytest.param("非贫困户", None, id="非贫困户"),
        pytest.param("", None, id="空串"),
        pytest.param(None, None, id="None"),
    ],
)
def test_normalise_category_handles_decorated_and_empty_values(
    text: str | None, canonical: str | None
) -> None:
    """Extra words still find the category; no-category values give None."""
    assert normalise_category(text) == canonical


def test_normalise_categories_maps_a_column() -> None:
    """The column form keeps the index and gives <NA> for no category."""
    result = normalise_categories(pd.Series(["建档立卡贫困户", "一般农户", None], index=[2, 0, 1]))
    assert list(result.index) == [2, 0, 1]
    assert result.iloc[0] == "脱贫户"
    assert result.iloc[1:].isna().all()


def test_is_canonical_category_accepts_canonical_names_only_from_the_table() -> None:
    """Policies may name canonical categories or aliases, nothing else."""
    assert all(is_canonical_category(name) for name in CANONICAL_CATEGORIES)
    assert not is_canonical_category("富裕户")
    assert not is_canonical_category(None)


@pytest.mark.parametrize(
    ("text", "cleared"),
    [
        pytest.param("是", True, id="是"),
        pytest.param("已消除", True, id="已消除"),
        pytest.param("风险已消除", True, id="风险已消除"),
        pytest.param("y", True, id="小写y"),
        pytest.param("否", False, id="否"),
        pytest.param("未消除", False, id="未消除"),
        pytest.param("未", False, id="未"),
        pytest.param("", None, id="空串"),
        pytest.param(None, None, id="None"),
        pytest.param("不详", None, id="不详"),
    ],
)
def test_parse_risk_cleared_reads_flag(text: str | None, cleared: bool | None) -> None:
    """风险是否消除 becomes a nullable boolean."""
    result = parse_risk_cleared(pd.Series([text], dtype=object))
    assert str(result.dtype) == "boolean"
    value = result.iloc[0]
    assert (None if pd.isna(value) else bool(value)) == cleared
