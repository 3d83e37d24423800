"""Hardship categories (困难类别) of registry and ledger rows, folded to the canonical seven.

Since 2021 registries say 脱贫户 and 监测对象 rather than 建档立卡 (DOMAIN §0.3), and civil
affairs lists say 农村低保 or 城市特困供养; all spellings map to one canonical name each.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import pandas as pd

from edupoverty.core.normalise._common import (
    fold_text,
    lookup_boolean,
    map_unique_text,
    to_arrow_text,
)

CANONICAL_CATEGORIES: Final = (
    "脱贫户",
    "监测对象",
    "低保",
    "特困供养",
    "孤儿",
    "事实无人抚养",
    "残疾",
)
"""The canonical category names, in the order policies list them."""

CATEGORY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "脱贫户": (
        "建档立卡",
        "建档立卡户",
        "建档立卡贫困户",
        "建档立卡学生",
        "贫困户",
        "脱贫户",
        "已脱贫户",
        "脱贫人口",
        "未脱贫户",
    ),
    "监测对象": (
        "监测对象",
        "监测户",
        "防返贫监测对象",
        "脱贫不稳定户",
        "边缘易致贫户",
        "突发严重困难户",
        "易返贫致贫户",
        "返贫户",
    ),
    "低保": (
        "低保",
        "低保户",
        "农村低保",
        "城市低保",
        "城镇低保",
        "最低生活保障",
        "低保对象",
        "低保家庭",
    ),
    "特困供养": (
        "特困",
        "特困供养",
        "农村特困供养",
        "城市特困供养",
        "特困人员",
        "特困供养人员",
        "五保户",
        "五保",
    ),
    "孤儿": ("孤儿",),
    "事实无人抚养": ("事实无人抚养", "事实无人抚养儿童"),
    "残疾": (
        "残疾",
        "残疾人",
        "困难残疾",
        "残疾学生",
        "持证残疾",
        "残疾儿童",
        "家庭经济困难残疾学生",
    ),
}
"""Every spelling seen in exports, per canonical category (DOMAIN §1.1, §1.3)."""

NOT_A_CATEGORY: Final = ("一般农户", "一般户", "其他", "无", "否", "非贫困户")
"""Values that say "no category" (the row is in the list but gives no entitlement)."""

_LOOKUP: Final = {
    alias: canonical for canonical, aliases in CATEGORY_ALIASES.items() for alias in aliases
}
# Fallback for spellings with extra words (脱贫户（享受政策）, 农村低保一类): the first
# keyword found wins, most specific first.
_KEYWORDS: Final = (
    ("事实无人抚养", "事实无人抚养"),
    ("监测", "监测对象"),
    ("特困", "特困供养"),
    ("五保", "特困供养"),
    ("低保", "低保"),
    ("孤儿", "孤儿"),
    ("残疾", "残疾"),
    ("脱贫", "脱贫户"),
    ("建档立卡", "脱贫户"),
)


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalise_category(text: object) -> str | None:
    """Return the canonical category a cell names (农村低保 → 低保), or None for none.

    一般农户, 其他 and blanks give None, as does anything unrecognised.
    """
    if not isinstance(text, str):
        return None
    folded = _fold(text)
    if folded in _LOOKUP:
        return _LOOKUP[folded]
    if not folded or folded in NOT_A_CATEGORY or folded.startswith(("非", "不是")):
        return None
    for keyword, canonical in _KEYWORDS:
        if keyword in folded:
            return canonical
    return None


def normalise_categories(categories: pd.Series) -> pd.Series:
    """Return the canonical category of each cell (see ``normalise_category``), ``<NA>`` if none.

    Returns:
        A string Series on ``categories.index``.
    """
    folded = fold_text(to_arrow_text(categories))
    return map_unique_text(folded, normalise_category, categories.index)


def is_canonical_category(text: object) -> bool:
    """Return whether a policy may name ``text`` as a category: a canonical name or an alias."""
    return isinstance(text, str) and (_fold(text) in _LOOKUP or _fold(text) in CANONICAL_CATEGORIES)


_RISK_CLEARED: Final = {
    "是": True,
    "已消除": True,
    "风险已消除": True,
    "消除": True,
    "已解除": True,
    "Y": True,
    "YES": True,
    "1": True,
    "√": True,
    "否": False,
    "未消除": False,
    "风险未消除": False,
    "未": False,
    "未解除": False,
    "N": False,
    "NO": False,
    "0": False,
    "×": False,
}


def parse_risk_cleared(values: pd.Series) -> pd.Series:
    """Return whether each monitoring row's risk is marked cleared (风险是否消除).

    是/已消除/风险已消除/Y are True, 否/未消除/未 are False, anything else ``<NA>``.

    Returns:
        A ``boolean`` Series on ``values.index``.
    """
    return lookup_boolean(values, _RISK_CLEARED)
