"""Column operations the rules share: location order, text ranks and shared codes.

Each is checked against the plain-Python meaning it stands for (``sorted`` on tuples,
``str`` comparison, dict lookups) on realistic Chinese file and sheet names, including
the shapes the fast paths special-case: rows already in order, keys too wide to pack
into one integer, missing sheets and unknown sources.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edupoverty.core.columnops import (
    SOURCE_ORDER,
    codes_across,
    location_order,
    one_chunk,
    text_ranks,
)

FILES = [
    "城关镇中心小学学籍.xlsx",
    "赵庄小学学籍.xlsx",
    "2024秋_资助发放台账.csv",
    "a.xlsx",
    "Z.xlsx",
]
SHEETS = ["Sheet1", "三年级", "一年级", "", None]
SOURCES = ["registry", "roster", "ledger", "other"]


def _frame(rows: list[tuple[str, str, str | None, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.Series([r[0] for r in rows], dtype="string[pyarrow]"),
            "file": pd.Series([r[1] for r in rows], dtype="string[pyarrow]"),
            "sheet": pd.Series([r[2] for r in rows], dtype="string[pyarrow]"),
            "row": pd.Series([r[3] for r in rows], dtype="int64"),
        }
    )


def _expected_order(rows: list[tuple[str, str, str | None, int]]) -> list[int]:
    def key(i: int) -> tuple[int, str, str, int]:
        source, file, sheet, row = rows[i]
        return (SOURCE_ORDER.get(source, len(SOURCE_ORDER)), file, sheet or "", row)

    return sorted(range(len(rows)), key=key)  # sorted is stable, like location_order


location_rows = st.lists(
    st.tuples(
        st.sampled_from(SOURCES),
        st.sampled_from(FILES),
        st.sampled_from(SHEETS),
        st.integers(min_value=1, max_value=1_048_576),
    ),
    max_size=60,
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(location_rows)
def test_location_order_is_source_then_file_sheet_row_by_code_point(
    rows: list[tuple[str, str, str | None, int]],
) -> None:
    assert location_order(_frame(rows)).tolist() == _expected_order(rows)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(location_rows)
def test_location_order_of_rows_already_in_order_is_the_identity(
    rows: list[tuple[str, str, str | None, int]],
) -> None:
    in_order = [rows[i] for i in _expected_order(rows)]
    assert location_order(_frame(in_order)).tolist() == list(range(len(in_order)))


def test_location_order_with_keys_too_wide_to_pack_still_orders_every_key() -> None:
    """Row numbers near 2**62 leave no room to pack the keys into one integer."""
    big = 2**61
    rows = [
        ("roster", "赵庄小学学籍.xlsx", "三年级", big + 5),
        ("roster", "赵庄小学学籍.xlsx", "三年级", 3),
        ("registry", "防返贫监测对象名单.xlsx", "城关镇", big),
        ("roster", "城关镇中心小学学籍.xlsx", None, big + 1),
    ]
    assert location_order(_frame(rows)).tolist() == _expected_order(rows) == [2, 3, 1, 0]


def test_location_order_then_breaks_ties_in_the_given_columns() -> None:
    frame = _frame([("roster", "a.xlsx", "Sheet1", 2)] * 3).assign(
        term_rank=[1, 0, 1], program_rank=[0, 5, -1]
    )
    assert location_order(frame, then=["term_rank", "program_rank"]).tolist() == [1, 2, 0]


def test_location_order_without_a_source_column_orders_by_file_sheet_row() -> None:
    frame = _frame(
        [("", "赵庄小学学籍.xlsx", "Sheet1", 9), ("", "城关镇中心小学学籍.xlsx", "Sheet1", 10)]
    ).drop(columns=["source"])
    assert location_order(frame).tolist() == [1, 0]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(FILES + ["张伟", "張偉", "张伟 "])), max_size=40)
)
def test_text_ranks_follow_python_string_order_with_missing_as_empty(
    values: list[str | None],
) -> None:
    ranks = text_ranks(pd.Series(values, dtype="string[pyarrow]")).tolist()
    texts = [v or "" for v in values]
    for i in range(len(values)):
        for j in range(len(values)):
            assert (ranks[i] < ranks[j]) == (texts[i] < texts[j])
            assert (ranks[i] == ranks[j]) == (texts[i] == texts[j])


def test_codes_across_gives_equal_texts_equal_codes_in_every_column() -> None:
    ledger_terms = pd.Series(["2024秋", "2025春", None, "2024秋"], dtype="string[pyarrow]")
    roster_terms = pd.Series(["2025春", "2023秋", "2024秋"], dtype="string[pyarrow]")
    ledger_codes, roster_codes = codes_across(ledger_terms, roster_terms)
    assert ledger_codes[2] == -1
    assert ledger_codes[0] == ledger_codes[3] == roster_codes[2]
    assert ledger_codes[1] == roster_codes[0]
    assert len({ledger_codes[0], ledger_codes[1], roster_codes[1]}) == 3


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "object"])
def test_codes_across_accepts_plain_object_columns(dtype: str) -> None:
    left, right = codes_across(
        pd.Series(["城关镇", "赵庄"], dtype=dtype), pd.Series(["赵庄"], dtype=dtype)
    )
    assert left[1] == right[0] != left[0]


def test_one_chunk_joins_the_chunks_of_concatenated_text_columns_and_keeps_values() -> None:
    part = pd.DataFrame(
        {
            "name": pd.Series(["张伟", None, "阿依古丽·买买提"], dtype="string[pyarrow]"),
            "row": [2, 3, 4],
        }
    )
    joined = pd.concat([part, part.iloc[::-1]], ignore_index=True)
    assert joined["name"].array._pa_array.num_chunks == 2
    single = one_chunk(joined)
    assert single["name"].array._pa_array.num_chunks == 1
    assert single["name"].dtype == joined["name"].dtype
    pd.testing.assert_frame_equal(single, joined)
    assert one_chunk(part) is part
