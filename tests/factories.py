"""Small factories for rule and reader tests: realistic rows through the real read pipeline.

Rows are given with Chinese header names' meanings (``name``, ``id``, ``grade`` …); the
factory lays them out as a sheet with a real header row and runs the same header
detection and normalisation a real file goes through, so tests exercise what users get.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from edupoverty.core.context import RuleContext
from edupoverty.core.engine import review_terms
from edupoverty.core.linking import link_guardian_payments, match_programs
from edupoverty.core.models import SOURCE_KINDS, SourceKind
from edupoverty.io.loading import conform
from edupoverty.io.readers.columns import AliasTable
from edupoverty.io.readers.frames import read_sheet_frame
from edupoverty.io.readers.raw import RawSheet, text_table

DATA = Path(__file__).parent / "data"
AS_OF = dt.date(2024, 11, 1)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(body17: str) -> str:
    """Return the check character of a 17-digit ID body (GB 11643)."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def make_id(birth: str = "20120305", region: str = "411422", seq: int = 123) -> str:
    """Return a valid 18-character ID; odd ``seq`` is male, even female."""
    body = f"{region}{birth}{seq:03d}"
    return body + id_check_digit(body)


HEADERS: dict[SourceKind, dict[str, str]] = {
    "registry": {
        "township": "乡(镇)",
        "village": "行政村",
        "household": "户编号",
        "name": "姓名",
        "id": "证件号码",
        "relation": "与户主关系",
        "category": "人口类型",
        "risk_cleared": "风险是否消除",
        "schooling": "在校生状况",
        "gender": "性别",
        "birth_date": "出生日期",
    },
    "roster": {
        "school": "学校名称",
        "name": "姓名",
        "gender": "性别",
        "birth_date": "出生日期",
        "id": "身份证件号",
        "student_no": "全国学籍号",
        "grade": "年级",
        "class": "班级",
        "status": "学籍状态",
        "boarding": "就读方式",
        "term": "学期",
    },
    "ledger": {
        "township": "乡镇",
        "school": "学校",
        "grade": "年级",
        "name": "姓名",
        "id": "身份证号",
        "program": "资助项目",
        "term": "学期",
        "amount": "金额",
        "pay_date": "发放日期",
        "account": "银行卡号",
    },
}

DEFAULT_FILES: dict[SourceKind, tuple[str, str]] = {
    "registry": ("防返贫监测对象名单.xlsx", "城关镇"),
    "roster": ("城关镇中心小学学籍.xlsx", "Sheet1"),
    "ledger": ("2024秋寄宿生生活补助发放花名册.xlsx", "Sheet1"),
}


def make_frame(
    kind: SourceKind,
    rows: Sequence[dict[str, Any]],
    *,
    file: str | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Return the canonical frame for rows of one kind, read as a sheet with a header on row 1.

    Row n of ``rows`` becomes Excel row n + 2. Unknown keys raise ``KeyError``.
    """
    default_file, default_sheet = DEFAULT_FILES[kind]
    headers = HEADERS[kind]
    used = [k for k in headers if any(k in r for r in rows)] or ["name", "id"]
    for r in rows:
        unknown = set(r) - set(headers)
        if unknown:
            raise KeyError(f"unknown {kind} fields: {sorted(unknown)}")
    matrix = [[headers[k] for k in used]] + [[_text(r.get(k)) for k in used] for r in rows]
    cells = pd.DataFrame(matrix, dtype=pd.StringDtype("pyarrow"))
    cells.columns = range(cells.shape[1])
    raw = RawSheet(
        path=Path(file or default_file),
        sheet=sheet if sheet is not None else default_sheet,
        table=text_table(cells),
    )
    result = read_sheet_frame(raw, AliasTable(), kind)
    return conform(result.frame, kind)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def make_registry(rows: Sequence[dict[str, Any]], **kw: Any) -> pd.DataFrame:
    """Registry rows: name, id, household, relation, category, risk_cleared, schooling, township."""
    return make_frame("registry", rows, **kw)


def make_roster(rows: Sequence[dict[str, Any]], **kw: Any) -> pd.DataFrame:
    """Roster rows: school, name, id, grade, status (在读/转出…), boarding (住校/走读), term."""
    return make_frame("roster", rows, **kw)


def make_ledger(rows: Sequence[dict[str, Any]], **kw: Any) -> pd.DataFrame:
    """Ledger rows: school, name, id, program (资助项目 text), term, amount (text like 500)."""
    return make_frame("ledger", rows, **kw)


def concat(*frames: pd.DataFrame) -> pd.DataFrame:
    """Concatenate frames of one kind (e.g. two roster files)."""
    return pd.concat(frames, ignore_index=True)


def make_policy(path: Path | None = None) -> Any:
    """Return the small test policy (tests/data/policy_small.toml) or another file."""
    from edupoverty.io.policy_file import load_policy

    return load_policy(path or DATA / "policy_small.toml")


def make_context(
    registry: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
    *,
    policy: Any = None,
    as_of: dt.date = AS_OF,
    terms: Sequence[str] = (),
) -> RuleContext:
    """Return a linked RuleContext exactly as the engine builds it."""
    frames = {
        "registry": registry if registry is not None else conform(pd.DataFrame(), "registry"),
        "roster": roster if roster is not None else conform(pd.DataFrame(), "roster"),
        "ledger": ledger if ledger is not None else conform(pd.DataFrame(), "ledger"),
    }
    policy = policy or make_policy()
    linked, _issues = match_programs(frames["ledger"], policy)
    linked = link_guardian_payments(linked, frames["registry"], as_of)
    present = frozenset(k for k in SOURCE_KINDS if not frames[k].empty)
    return RuleContext(
        frames["registry"],
        frames["roster"],
        linked,
        policy,
        as_of,
        review_terms(frames["ledger"], terms),
        present,
    )
