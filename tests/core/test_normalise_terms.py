"""Tests for term spellings, terms in titles and file names, and term arithmetic."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.core.normalise.terms import (
    combine_year_and_term,
    find_term,
    is_canonical_term,
    normalise_term,
    normalise_terms,
    term_of_date,
    term_sort_key,
    term_start,
)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        pytest.param("2024秋", "2024秋", id="规范"),
        pytest.param("2024年秋季学期", "2024秋", id="年秋季学期"),
        pytest.param("2024年秋季", "2024秋", id="年秋季"),
        pytest.param("2024秋季", "2024秋", id="秋季"),
        pytest.param("2024-2025学年第一学期", "2024秋", id="学年第一学期"),
        pytest.param("2024-2025学年第二学期", "2025春", id="学年第二学期"),
        pytest.param("2024—2025学年第二学期", "2025春", id="长破折号"),
        pytest.param("2024-2025学年度第二学期", "2025春", id="学年度"),
        pytest.param("2024-2025学年上学期", "2024秋", id="学年上学期"),
        pytest.param("2024-2025学年下学期", "2025春", id="学年下学期"),
        pytest.param("２０２４－２０２５学年 第二学期", "2025春", id="全角"),
        pytest.param("2025年春季学期", "2025春", id="年春季学期"),
        pytest.param("2025春", "2025春", id="春"),
        pytest.param("2024学年秋季", "2024秋", id="学年秋季"),
        pytest.param("2024年下学期", None, id="单年下学期歧义"),
        pytest.param("2024学年春季", None, id="学年春季歧义"),
        pytest.param("2023-2025学年第一学期", None, id="学年不连续"),
        pytest.param("2024-2025学年", None, id="只有学年"),
        pytest.param("第一学期", None, id="只有学期"),
        pytest.param("", None, id="空串"),
        pytest.param(None, None, id="None"),
        pytest.param(float("nan"), None, id="NaN"),
    ],
)
def test_normalise_term_reads_spellings(text: object, term: str | None) -> None:
    """Each spelling in real exports maps to its canonical term, ambiguous ones to None."""
    assert normalise_term(text) == term


@pytest.mark.parametrize(
    ("text", "term"),
    [
        pytest.param(
            "XX县2024年秋季学期义务教育阶段家庭经济困难学生生活补助发放花名册",
            "2024秋",
            id="标题行",
        ),
        pytest.param("2025春_寄宿生生活补助.xlsx", "2025春", id="文件名"),
        pytest.param("城关小学2024-2025学年第二学期资助台账", "2025春", id="标题中的学年学期"),
        pytest.param("2024秋-2025春汇总", None, id="两个学期"),
        pytest.param("城关镇中心小学学籍", None, id="无学期"),
        pytest.param("编号12024秋", None, id="数字粘连"),
    ],
)
def test_find_term_finds_one_term_in_longer_text(text: str, term: str | None) -> None:
    """A title row or file name names its term; two different terms give None."""
    assert find_term(text) == term


def test_normalise_terms_maps_a_column() -> None:
    """The column form keeps the index and gives <NA> where no term is named."""
    result = normalise_terms(pd.Series(["2024年秋季学期", None, "x"], index=[3, 1, 2]))
    assert list(result.index) == [3, 1, 2]
    assert result.iloc[0] == "2024秋"
    assert result.iloc[1:].isna().all()


@pytest.mark.parametrize(
    ("school_year", "term_text", "term"),
    [
        pytest.param("2024-2025学年", "第二学期", "2025春", id="第二学期"),
        pytest.param("2024-2025学年", "第一学期", "2024秋", id="第一学期"),
        pytest.param("2024-2025学年", "春季", "2025春", id="春季"),
        pytest.param("2024-2025", "下学期", "2025春", id="下学期"),
        pytest.param("2024-2025", "上学期", "2024秋", id="上学期"),
        pytest.param("2024", "秋季", "2024秋", id="单年秋季"),
        pytest.param("2024", "第二学期", "2025春", id="单年第二学期"),
        pytest.param(None, "2024秋", "2024秋", id="学期列已完整"),
        pytest.param("2024-2025学年第二学期", None, "2025春", id="学年列已完整"),
        pytest.param(None, None, None, id="两列皆空"),
        pytest.param("2024-2025学年", "补发", None, id="无法识别"),
    ],
)
def test_combine_year_and_term_reads_split_columns(
    school_year: str | None, term_text: str | None, term: str | None
) -> None:
    """Ledgers with separate 学年 and 学期 columns get the right canonical term."""
    result = combine_year_and_term(
        pd.Series([school_year], index=[9], dtype=object),
        pd.Series([term_text], index=[9], dtype=object),
    )
    assert list(result.index) == [9]
    value = result.iloc[0]
    assert (None if pd.isna(value) else value) == term


@pytest.mark.parametrize(
    ("day", "term"),
    [
        pytest.param(dt.date(2024, 9, 1), "2024秋", id="九月一日"),
        pytest.param(dt.date(2024, 12, 31), "2024秋", id="年末"),
        pytest.param(dt.date(2025, 2, 28), "2024秋", id="二月底"),
        pytest.param(dt.date(2024, 2, 29), "2023秋", id="闰年二月底"),
        pytest.param(dt.date(2025, 3, 1), "2025春", id="三月一日"),
        pytest.param(dt.date(2025, 8, 31), "2025春", id="八月底"),
    ],
)
def test_term_of_date_follows_term_boundaries(day: dt.date, term: str) -> None:
    """Sep 1 – end of Feb is the autumn term of that September; Mar 1 – Aug 31 spring."""
    assert term_of_date(day) == term


def test_term_sort_key_orders_terms_in_time() -> None:
    """2024春 < 2024秋 < 2025春."""
    assert sorted(["2025春", "2024秋", "2024春"], key=term_sort_key) == [
        "2024春",
        "2024秋",
        "2025春",
    ]
    with pytest.raises(ValueError, match="canonical"):
        term_sort_key("2024年秋季")


def test_term_start_gives_first_day_of_term() -> None:
    """Autumn terms start on September 1, spring terms on March 1."""
    assert term_start("2024秋") == dt.date(2024, 9, 1)
    assert term_start("2025春") == dt.date(2025, 3, 1)


def test_is_canonical_term_accepts_only_canonical_form() -> None:
    """Only YYYY秋 / YYYY春 are canonical."""
    assert is_canonical_term("2024秋")
    assert not is_canonical_term("2024年秋季")
    assert not is_canonical_term(None)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2098, 12, 31)))
def test_term_of_date_lies_between_term_starts(day: dt.date) -> None:
    """A date's term starts on or before it, and the next term starts after it."""
    term = term_of_date(day)
    assert is_canonical_term(term)
    assert normalise_term(term) == term
    assert term_start(term) <= day
    year, season = term_sort_key(term)
    following = f"{year}秋" if season == 0 else f"{year + 1}春"
    assert day < term_start(following)
