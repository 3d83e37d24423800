"""Roster enrolment status (学籍状态): only ``active`` counts as enrolled."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

import pandas as pd

from edupoverty.core.normalise._common import fold_text, map_unique_text, to_arrow_text


class EnrolmentStatus(StrEnum):
    """Canonical 学籍状态 of one roster row."""

    ACTIVE = "active"
    TRANSFERRED_OUT = "transferred_out"
    GRADUATED = "graduated"
    SUSPENDED = "suspended"
    DROPPED_OUT = "dropped_out"
    DECEASED = "deceased"
    ABROAD = "abroad"
    OTHER = "other"


_EXACT: Final = {
    "在读": EnrolmentStatus.ACTIVE,
    "在校": EnrolmentStatus.ACTIVE,
    "正常": EnrolmentStatus.ACTIVE,
    "复学": EnrolmentStatus.ACTIVE,
    "借读": EnrolmentStatus.ACTIVE,
    "在籍": EnrolmentStatus.ACTIVE,
    "转入": EnrolmentStatus.ACTIVE,
    "转出": EnrolmentStatus.TRANSFERRED_OUT,
    "转学": EnrolmentStatus.TRANSFERRED_OUT,
    "已转出": EnrolmentStatus.TRANSFERRED_OUT,
    "毕业": EnrolmentStatus.GRADUATED,
    "结业": EnrolmentStatus.GRADUATED,
    "已毕业": EnrolmentStatus.GRADUATED,
    "休学": EnrolmentStatus.SUSPENDED,
    "辍学": EnrolmentStatus.DROPPED_OUT,
    "退学": EnrolmentStatus.DROPPED_OUT,
    "肄业": EnrolmentStatus.DROPPED_OUT,
    "开除": EnrolmentStatus.DROPPED_OUT,
    "失学": EnrolmentStatus.DROPPED_OUT,
    "死亡": EnrolmentStatus.DECEASED,
    "出国": EnrolmentStatus.ABROAD,
    "出境": EnrolmentStatus.ABROAD,
}
# Longer spellings (正常在读, 转出(外省), 休学中): the first keyword group found wins, the
# leaving statuses before the staying ones so that 在读转出 counts as a transfer.
_KEYWORDS: Final = (
    (re.compile("死亡|身故"), EnrolmentStatus.DECEASED),
    (re.compile("出国|出境"), EnrolmentStatus.ABROAD),
    (re.compile("转出|转学"), EnrolmentStatus.TRANSFERRED_OUT),
    (re.compile("毕业|结业"), EnrolmentStatus.GRADUATED),
    (re.compile("休学"), EnrolmentStatus.SUSPENDED),
    (re.compile("辍学|退学|肄业|开除|失学"), EnrolmentStatus.DROPPED_OUT),
    (re.compile("在读|在校|正常|复学|借读|在籍|转入"), EnrolmentStatus.ACTIVE),
)


def normalise_status(text: str) -> str:
    """Return the canonical status value a folded 学籍状态 cell names (``other`` if unknown)."""
    if text in _EXACT:
        return _EXACT[text].value
    for pattern, status in _KEYWORDS:
        if pattern.search(text):
            return status.value
    return EnrolmentStatus.OTHER.value


def normalise_statuses(statuses: pd.Series) -> pd.Series:
    """Return the canonical enrolment status of each roster row (在读 → ``active``).

    Returns:
        A string Series of ``EnrolmentStatus`` values on ``statuses.index``; ``<NA>``
        where the cell is blank, ``other`` where it is unrecognised.
    """
    folded = fold_text(to_arrow_text(statuses))
    return map_unique_text(
        folded, lambda text: normalise_status(text) if text else None, statuses.index
    )
