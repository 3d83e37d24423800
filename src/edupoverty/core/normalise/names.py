"""Person names: the matching key two rows must share to count as "the same name".

The key is only ever compared, never shown: OpenCC's traditional-to-simplified step
changes some real names (王乾 → 王干, 於 → 于), so the original is what gets displayed
and written back (DOMAIN §0.10, §6.14).
"""

from __future__ import annotations

import functools
from typing import Final

import opencc
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pypinyin import lazy_pinyin

from edupoverty.core.normalise._common import (
    blank_to_null,
    fold_text,
    to_arrow_text,
    to_string_series,
)

# Every middle-dot variant seen between the parts of a minority name (民委发〔2016〕33号
# prescribes U+00B7; exports also carry these, or no dot at all). NFKC has already turned
# ･ (U+FF65) into ・ (U+30FB) and ． into ".", but both are listed for clarity.
_MIDDLE_DOTS: Final = (
    "\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u2e31\u00b7\u002e\uff0e\u16eb\u2981"
)


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def _fold_names(names: pd.Series) -> pa.LargeStringArray:
    """Return names NFKC-folded with whitespace and middle dots removed (null when blank).

    Folding is the costly part, so each distinct text is folded once: a school column
    repeats a few hundred names over a million rows, and pupils share names (issue #7).
    """
    text = to_arrow_text(names)
    encoded = pc.dictionary_encode(text)
    if len(encoded.dictionary) > _DISTINCT_SHARE * len(text):
        folded: pa.LargeStringArray = blank_to_null(fold_text(text, remove=_MIDDLE_DOTS))
        return folded
    distinct = blank_to_null(fold_text(encoded.dictionary, remove=_MIDDLE_DOTS))
    spread: pa.LargeStringArray = distinct.take(encoded.indices)
    return spread


_DISTINCT_SHARE = 0.5
"""Above this share of distinct texts, folding every row costs less than the lookup."""


def name_keys(names: pd.Series) -> pd.Series:
    """Return the matching key of each name: folded, dot-free and in simplified characters.

    张偉, 張偉 and 张伟 share a key, as do 阿依古丽·买买提, 阿依古丽•买买提 and 阿依古丽买买提.
    OpenCC runs once on all distinct names joined by newlines (newlines cannot occur in a
    folded name), which keeps a million names well under a second.

    Args:
        names: names as written.

    Returns:
        A string Series on ``names.index``; ``<NA>`` where the name is blank.
    """
    folded = _fold_names(names)
    encoded = pc.dictionary_encode(folded)
    distinct = encoded.dictionary.to_pylist()
    simplified = _converter().convert("\n".join(distinct)).split("\n") if distinct else []
    if len(simplified) != len(distinct):  # pragma: no cover - OpenCC keeps line structure
        simplified = [_converter().convert(name) for name in distinct]
    table = pa.array(simplified, type=pa.large_string())
    return to_string_series(table.take(encoded.indices), names.index)


def name_key(name: str) -> str:
    """Return the matching key of one name (see ``name_keys``); ``""`` for a blank name."""
    key = name_keys(pd.Series([name], dtype=object)).iloc[0]
    return "" if pd.isna(key) else str(key)


def pinyin_keys(names: pd.Series) -> pd.Series:
    """Return each name's toneless pinyin, for proposing homophone matches (张伟 ~ 章炜).

    Read character by character: the same on both sides of a comparison, which is what
    matching needs (names are not phrases). Each character position is one Arrow column
    whose distinct characters are looked up once, so a million names cost well under a
    second (pypinyin on whole names: about 13 s per million, issue #7). The pinyin is
    taken before the traditional-to-simplified step, so 王乾 reads ``wangqian``, not
    ``wanggan``.

    Returns:
        A string Series on ``names.index``; ``<NA>`` where the name is blank.
    """
    folded = blank_to_null(_fold_names(names))
    if len(folded) == 0 or folded.null_count == len(folded):
        return to_string_series(folded, names.index)
    longest = int(pc.max(pc.utf8_length(folded)).as_py() or 0)
    readings = []
    for position in range(longest):
        chars = pc.dictionary_encode(pc.utf8_slice_codeunits(folded, position, position + 1))
        table = pa.array(
            [_char_reading(c) for c in chars.dictionary.to_pylist()], type=pa.large_string()
        )
        readings.append(table.take(chars.indices))
    separator = pa.scalar("", pa.large_string())
    return to_string_series(pc.binary_join_element_wise(*readings, separator), names.index)


_CHAR_PINYIN: dict[str, str] = {}
"""Character → its toneless reading, filled as characters are met."""


def _char_reading(char: str) -> str:
    reading = _CHAR_PINYIN.get(char)
    if reading is None:
        reading = "".join(lazy_pinyin(char)).lower() if char else ""
        _CHAR_PINYIN[char] = reading
    return reading
