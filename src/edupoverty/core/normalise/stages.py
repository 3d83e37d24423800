"""School stages (学段) and grades, from a 年级 cell, a school name or 在校生状况.

Canonical stages are the values of ``core.models.Stage``: 学前 小学 初中 高中 中职 高校.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from edupoverty.core.models import Stage
from edupoverty.core.normalise._common import (
    STRING,
    fold_text,
    map_unique,
    matches,
    to_arrow_text,
    to_string_series,
)

_NUMERALS: Final = {c: i for i, c in enumerate("一二三四五六七八九", start=1)} | {
    str(i): i for i in range(1, 10)
}
_KINDERGARTEN_CLASSES: Final = {"小班": 1, "中班": 2, "大班": 3}

# (pattern on the folded 年级 cell, stage, offset added to the captured grade number).
# Order matters: 中职/职高 before 高中, 初中 before 小学. Some 学籍 exports write 初一 where
# others write 七年级, and 九年一贯制 schools list both on one roster (DOMAIN §1.2).
_GRADE_PATTERNS: Final = (
    (
        re.compile(r"^(?:中职|职高|职中|职业高中|中专|技校|技工|职)([一二三123])(?:年级)?"),
        Stage.VOCATIONAL,
        0,
    ),
    (re.compile(r"^(?:中职|职高|职中|职业高中|中专|技校|技工)"), Stage.VOCATIONAL, None),
    (re.compile(r"^(?:高中|普高)([一二三123])年级"), Stage.SENIOR, 0),
    (re.compile(r"^高([一二三123])(?:年级)?"), Stage.SENIOR, 0),
    (re.compile(r"^(?:高中|普高)"), Stage.SENIOR, None),
    (re.compile(r"^初中([一二三123])年级"), Stage.JUNIOR, 0),
    (re.compile(r"^初([一二三123])(?:年级)?"), Stage.JUNIOR, 0),
    (re.compile(r"^([七八九789])年级"), Stage.JUNIOR, -6),
    (re.compile(r"^初中"), Stage.JUNIOR, None),
    (re.compile(r"^(?:小学)?([一二三四五六1-6])年级"), Stage.PRIMARY, 0),
    (re.compile(r"^小([一二三四五六1-6])$"), Stage.PRIMARY, 0),
    (re.compile(r"^小学"), Stage.PRIMARY, None),
    (re.compile(r"^大([一二三四1-4])$"), Stage.HIGHER, 0),
    (re.compile(r"^(?:大专|专科|本科|高职|研究生|硕士|博士)"), Stage.HIGHER, None),
    (re.compile(r"^(?:学前班|学前|幼儿园|幼儿|托班)"), Stage.PRESCHOOL, None),
)


def _grade_of(text: str) -> tuple[str, int | None] | None:
    for name, number in _KINDERGARTEN_CLASSES.items():
        if text.startswith(name):
            return Stage.PRESCHOOL.value, number
    for pattern, stage, offset in _GRADE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        if offset is None or not match.groups():
            return stage.value, None
        return stage.value, _NUMERALS[match.group(1)] + offset
    return None


def grades_to_stage(grades: pd.Series) -> pd.DataFrame:
    """Return the stage and grade-within-stage a 年级 cell names.

    一年级, 1年级 and 小学一年级 are 小学 1; 七年级, 初一 and 初中一年级 are 初中 1; 高一 is 高中 1;
    中职一年级, 职高一年级 and 职一 are 中职 1; 小班/中班/大班 are 学前 1–3. A cohort such as
    2019级 needs the school year to mean anything and gives ``<NA>``.

    Returns:
        A frame on ``grades.index`` with ``stage`` (string) and ``grade`` (Int64).
    """
    folded = fold_text(to_arrow_text(grades), upper=True)
    codes, mapped = map_unique(folded, _grade_of)
    stage_table = np.array([None if m is None else m[0] for m in mapped] + [None], dtype=object)
    grade_table = np.array([None if m is None else m[1] for m in mapped] + [None], dtype=object)
    return pd.DataFrame(
        {
            "stage": pd.Series(stage_table[codes], index=grades.index, dtype=STRING),
            "grade": pd.Series(pd.array(grade_table[codes], dtype="Int64"), index=grades.index),
        },
        index=grades.index,
    )


# (RE2 pattern on the folded school name, stage); the first that matches wins. A 九年一贯制
# or 完全中学 teaches two stages, and a bare 中学 or 一中 may be either: the grade decides.
_SCHOOL_PATTERNS: Final = (
    (r"九年一贯|十二年一贯|一贯制|完全中学|完中", None),
    (r"幼儿园|幼稚园|幼教", Stage.PRESCHOOL),
    (r"^[^附]*(?:大学|学院)$", Stage.HIGHER),
    (r"职业|职校|职高|职中|中专|职教中心|技工学校|技校", Stage.VOCATIONAL),
    (r"高级中学|高中", Stage.SENIOR),
    (r"初级中学|初中", Stage.JUNIOR),
    (r"小学|完小|教学点|小学部", Stage.PRIMARY),
)


def _first_match(folded: pa.Array, patterns: tuple[tuple[str, Stage | None], ...]) -> pd.Series:
    choice = np.full(len(folded), -1, dtype=np.int64)
    undecided = np.ones(len(folded), dtype=bool)
    labels = [None if stage is None else stage.value for _, stage in patterns]
    for position, (pattern, _) in enumerate(patterns):
        hit = undecided & matches(folded, pattern)
        choice[hit] = position
        undecided &= ~hit
    table = pa.array(labels, type=pa.large_string())
    return table.take(pa.array(choice, mask=choice < 0))


def stages_from_school_names(names: pd.Series) -> pd.Series:
    """Return the stage a school's name implies (城关镇中心小学 → 小学), ``<NA>`` when unsure.

    Returns:
        A string Series on ``names.index``.
    """
    folded = fold_text(to_arrow_text(names))
    return to_string_series(_first_match(folded, _SCHOOL_PATTERNS), names.index)


# 在校生状况 in registry exports: blank means not in school; public checkers read it by
# substring (DOMAIN §1.1), e.g. 学龄前儿童, 小学三年级, 八年级, 高中二年级, 中职, 本科.
_SCHOOLING_PATTERNS: Final = (
    (r"学龄前|学前|幼儿园", Stage.PRESCHOOL),
    (r"大专|专科|本科|高职|硕士|博士|研究生|大学", Stage.HIGHER),
    (r"中职|中专|职高|职中|技工|技校|职业高中", Stage.VOCATIONAL),
    (r"高中|高[一二三]", Stage.SENIOR),
    (r"初中|初[一二三]|[七八九789]年级", Stage.JUNIOR),
    (r"小学|[一二三四五六1-6]年级", Stage.PRIMARY),
)


def stages_from_schooling(text: pd.Series) -> pd.Series:
    """Return the stage a registry's 在校生状况 names (八年级 → 初中), ``<NA>`` when blank.

    Returns:
        A string Series on ``text.index``.
    """
    folded = fold_text(to_arrow_text(text))
    return to_string_series(_first_match(folded, _SCHOOLING_PATTERNS), text.index)
