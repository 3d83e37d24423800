"""Tests for roster enrolment status."""

from __future__ import annotations

import pandas as pd
import pytest

from edupoverty.core.normalise.status import EnrolmentStatus, normalise_statuses


@pytest.mark.parametrize(
    ("text", "status"),
    [
        *[
            pytest.param(t, "active", id=t)
            for t in ("在读", "在校", "正常", "复学", "借读", "在籍")
        ],
        *[pytest.param(t, "transferred_out", id=t) for t in ("转出", "转学", "已转出")],
        *[pytest.param(t, "graduated", id=t) for t in ("毕业", "结业", "已毕业")],
        pytest.param("休学", "suspended", id="休学"),
        *[pytest.param(t, "dropped_out", id=t) for t in ("辍学", "退学", "肄业", "开除", "失学")],
        pytest.param("死亡", "deceased", id="死亡"),
        *[pytest.param(t, "abroad", id=t) for t in ("出国", "出境")],
        pytest.param("正常在读", "active", id="正常在读"),
        pytest.param(" 转出(外省) ", "transferred_out", id="带括注"),
        pytest.param("待定", "other", id="未知值"),
        pytest.param("", None, id="空串"),
        pytest.param(None, None, id="None"),
    ],
)
def test_normalise_statuses_reads_status_spellings(text: str | None, status: str | None) -> None:
    """Each 学籍状态 spelling maps to its canonical status; blanks stay <NA>."""
    value = normalise_statuses(pd.Series([text], dtype=object)).iloc[0]
    assert (None if pd.isna(value) else value) == status


def test_enrolment_status_values_are_the_canonical_strings() -> None:
    """The enum's values are what the status column holds."""
    assert EnrolmentStatus.ACTIVE == "active"
    assert {s.value for s in EnrolmentStatus} >= {"active", "transferred_out", "other"}
