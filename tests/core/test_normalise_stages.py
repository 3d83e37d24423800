"""Tests for stages and grades from 年级 cells, school names and 在校生状况."""

from __future__ import annotations

import pandas as pd
import pytest

from edupoverty.core.normalise.stages import (
    grades_to_stage,
    stages_from_school_names,
    stages_from_schooling,
)


@pytest.mark.parametrize(
    ("text", "stage", "grade"),
    [
        pytest.param("一年级", "小学", 1, id="一年级"),
        pytest.param("1年级", "小学", 1, id="阿拉伯数字"),
        pytest.param("小学一年级", "小学", 1, id="小学一年级"),
        pytest.param("六年级", "小学", 6, id="六年级"),
        pytest.param("三年级2班", "小学", 3, id="带班级"),
        pytest.param("七年级", "初中", 1, id="七年级"),
        pytest.param("九年级", "初中", 3, id="九年级"),
        pytest.param("初一", "初中", 1, id="初一"),
        pytest.param("初中二年级", "初中", 2, id="初中二年级"),
        pytest.param("高一", "高中", 1, id="高一"),
        pytest.param("高中三年级", "高中", 3, id="高中三年级"),
        pytest.param("中职一年级", "中职", 1, id="中职一年级"),
        pytest.param("职高一年级", "中职", 1, id="职高一年级"),
        pytest.param("中职1年级", "中职", 1, id="中职1年级"),
        pytest.param("职一", "中职", 1, id="职一"),
        pytest.param("小班", "学前", 1, id="小班"),
        pytest.param("大班", "学前", 3, id="大班"),
        pytest.param("学前班", "学前", None, id="学前班"),
        pytest.param("幼儿园", "学前", None, id="幼儿园"),
        pytest.param("2019级", None, None, id="届别需学年"),
        pytest.param(None, None, None, id="空"),
    ],
)
def test_grades_to_stage_reads_grade_spellings(
    text: str | None, stage: str | None, grade: int | None
) -> None:
    """Every grade spelling gives its stage and the grade within that stage."""
    result = grades_to_stage(pd.Series([text], dtype=object))
    got_stage, got_grade = result["stage"].iloc[0], result["grade"].iloc[0]
    assert (None if pd.isna(got_stage) else got_stage) == stage
    assert (None if pd.isna(got_grade) else int(got_grade)) == grade


def test_grades_to_stage_returns_typed_columns() -> None:
    """The stage column is text and the grade column Int64, on the input index."""
    result = grades_to_stage(pd.Series(["七年级", "一年级"], index=[5, 6]))
    assert list(result.index) == [5, 6]
    assert str(result["grade"].dtype) == "Int64"


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        pytest.param("城关镇中心小学", "小学", id="中心小学"),
        pytest.param("李家完小", "小学", id="完小"),
        pytest.param("王庄教学点", "小学", id="教学点"),
        pytest.param("县第二初级中学", "初中", id="初级中学"),
        pytest.param("县第一高级中学", "高中", id="高级中学"),
        pytest.param("县职业高中", "中职", id="职业高中"),
        pytest.param("县职教中心", "中职", id="职教中心"),
        pytest.param("城关镇幼儿园", "学前", id="幼儿园"),
        pytest.param("县第一中学", None, id="一中不确定"),
        pytest.param("城关镇九年一贯制学校", None, id="九年一贯制"),
        pytest.param("城关中学", None, id="中学不确定"),
        pytest.param(None, None, id="空"),
    ],
)
def test_stages_from_school_names_reads_school_kinds(name: str | None, stage: str | None) -> None:
    """A school's name gives its stage only when the name is unambiguous."""
    value = stages_from_school_names(pd.Series([name], dtype=object)).iloc[0]
    assert (None if pd.isna(value) else value) == stage


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        pytest.param("学龄前儿童", "学前", id="学龄前"),
        pytest.param("学前教育", "学前", id="学前教育"),
        pytest.param("小学三年级", "小学", id="小学"),
        pytest.param("八年级", "初中", id="八年级"),
        pytest.param("初中", "初中", id="初中"),
        pytest.param("高中二年级", "高中", id="高中"),
        pytest.param("中职一年级", "中职", id="中职"),
        pytest.param("大专", "高校", id="大专"),
        pytest.param("本科", "高校", id="本科"),
        pytest.param("高职", "高校", id="高职"),
        pytest.param("硕士研究生及以上", "高校", id="硕士"),
        pytest.param("", None, id="空白表示不在校"),
        pytest.param(None, None, id="空"),
    ],
)
def test_stages_from_schooling_reads_registry_values(text: str | None, stage: str | None) -> None:
    """The registry's 在校生状况 names a stage; blank means not in school."""
    value = stages_from_schooling(pd.Series([text], dtype=object)).iloc[0]
    assert (None if pd.isna(value) else value) == stage
