"""Tests for the name matching key and pinyin keys."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edupoverty.core.normalise.names import name_key, name_keys, pinyin_keys


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param("張偉", "张伟", id="繁简"),
        pytest.param("阿依古丽·买买提", "阿依古丽•买买提", id="间隔点变体"),
        pytest.param("阿依古丽·买买提", "阿依古丽买买提", id="无间隔点"),
        pytest.param("阿依古丽・买买提", "阿依古丽．买买提", id="片假名点与全角句点"),
        pytest.param("王　芳", "王芳", id="全角空格补位"),
        pytest.param(" 王芳\t", "王芳", id="首尾空白"),
        pytest.param("王乾", "王乾", id="乾字两边一致"),
    ],
)
def test_name_key_matches_spellings_of_one_name(left: str, right: str) -> None:
    """Spellings of one name share a matching key."""
    assert name_key(left) == name_key(right)


def test_name_keys_keeps_original_names_untouched() -> None:
    """The key is a new column: t2s may turn 王乾 into 王干, the original stays as written."""
    names = pd.Series(["王乾", "於明"], index=[4, 2])
    keys = name_keys(names)
    assert names.tolist() == ["王乾", "於明"]
    assert list(keys.index) == [4, 2]
    assert keys.tolist() == [name_key("王乾"), name_key("於明")]


def test_name_keys_leaves_blank_names_missing() -> None:
    """Blank and missing names have no key."""
    keys = name_keys(pd.Series(["", "　", None, pd.NA], dtype=object))
    assert keys.isna().all()
    assert name_key("") == ""


def test_name_keys_tells_different_names_apart() -> None:
    """Different names keep different keys."""
    assert name_key("张伟") != name_key("张玮")


@given(st.lists(st.text(max_size=8), max_size=20))
def test_name_keys_are_idempotent(names: list[str]) -> None:
    """Folding a key again gives the same key."""
    keys = name_keys(pd.Series(names, dtype=object))
    again = name_keys(keys)
    assert keys.fillna("").tolist() == again.fillna("").tolist()


def test_pinyin_keys_read_names_without_tones() -> None:
    """Homophones share pinyin; the pinyin comes from the name before t2s."""
    keys = pinyin_keys(pd.Series(["张伟", "章炜", "王乾", None]))
    assert keys.iloc[0] == keys.iloc[1] == "zhangwei"
    assert keys.iloc[2] == "wangqian"
    assert pd.isna(keys.iloc[3])
