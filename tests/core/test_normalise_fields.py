"""Tests for dates, genders, yes/no flags and boarding."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.core.normalise.fields import (
    parse_boarding,
    parse_booleans,
    parse_dates,
    parse_genders,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("2012-09-01", dt.date(2012, 9, 1), id="ISO"),
        pytest.param("2012-09-01 00:00:00", dt.date(2012, 9, 1), id="带时间"),
        pytest.param("20120901", dt.date(2012, 9, 1), id="八位数字"),
        pytest.param("2012.09.01", dt.date(2012, 9, 1), id="点分"),
        pytest.param("2012/9/1", dt.date(2012, 9, 1), id="斜杠不补零"),
        pytest.param("2012年9月1日", dt.date(2012, 9, 1), id="中文"),
        pytest.param("2012.09", dt.date(2012, 9, 1), id="只有年月"),
        pytest.param("201209", dt.date(2012, 9, 1), id="六位年月"),
        pytest.param("45200", dt.date(2023, 10, 1), id="Excel序列号"),
        pytest.param("45200.0", dt.date(2023, 10, 1), id="Excel序列号带点零"),
        pytest.param("2012-02-30", None, id="不存在的日期"),
        pytest.param("1850-01-01", None, id="早于1900"),
        pytest.param("不详", None, id="文字"),
        pytest.param(None, None, id="空"),
    ],
)
def test_parse_dates_reads_date_spellings(text: str | None, day: dt.date | None) -> None:
    """Each date spelling gives the date, or NaT."""
    result = parse_dates(pd.Series([text], dtype=object))
    assert str(result.dtype) == "datetime64[ns]"
    value = result.iloc[0]
    assert (None if pd.isna(value) else value.date()) == day


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_dates_reads_every_spelling_of_a_date(day: dt.date) -> None:
    """ISO, compact, dotted and Chinese spellings and the Excel serial agree."""
    serial = (day - dt.date(1899, 12, 30)).days
    texts = [
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day:%Y.%m.%d}",
        f"{day.year}年{day.month}月{day.day}日",
    ]
    if serial >= 10000:
        texts.append(str(serial))
    result = parse_dates(pd.Series(texts))
    assert {value.date() for value in result} == {day}


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        pytest.param("男", "男", id="男"),
        pytest.param("女", "女", id="女"),
        pytest.param("男性", "男", id="男性"),
        pytest.param("女性", "女", id="女性"),
        pytest.param("1", "男", id="代码1"),
        pytest.param("2", "女", id="代码2"),
        pytest.param("m", "男", id="小写m"),
        pytest.param("F", "女", id="F"),
        pytest.param("未知", None, id="未知"),
        pytest.param(None, None, id="空"),
    ],
)
def test_parse_genders_reads_gender_spellings(text: str | None, gender: str | None) -> None:
    """Gender codes and words map to 男/女."""
    value = parse_genders(pd.Series([text], dtype=object)).iloc[0]
    assert (None if pd.isna(value) else value) == gender


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        *[pytest.param(t, True, id=t) for t in ("是", "Y", "1", "√")],
        *[pytest.param(t, False, id=t) for t in ("否", "n", "0")],
        pytest.param("不详", None, id="不详"),
        pytest.param(None, None, id="空"),
    ],
)
def test_parse_booleans_reads_yes_no(text: str | None, flag: bool | None) -> None:
    """是/否-style cells become a nullable boolean."""
    result = parse_booleans(pd.Series([text], dtype=object))
    assert str(result.dtype) == "boolean"
    value = result.iloc[0]
    assert (None if pd.isna(value) else bool(value)) == flag


@pytest.mark.parametrize(
    ("text", "boarding"),
    [
        *[pytest.param(t, True, id=t) for t in ("住校", "寄宿", "住宿", "寄宿生", "是")],
        *[pytest.param(t, False, id=t) for t in ("走读", "非寄宿", "否", "通学")],
        pytest.param("借宿", None, id="借宿"),
        pytest.param("其他", None, id="其他"),
        pytest.param("", None, id="空串"),
        pytest.param(None, None, id="空"),
    ],
)
def test_parse_boarding_reads_boarding_types(text: str | None, boarding: bool | None) -> None:
    """就读方式 becomes boarder True, day pupil False, unknown <NA>."""
    value = parse_boarding(pd.Series([text], dtype=object)).iloc[0]
    assert (None if pd.isna(value) else bool(value)) == boarding
