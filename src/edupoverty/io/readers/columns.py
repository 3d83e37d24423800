"""Column alias tables: the header texts seen in real exports, per canonical field.

One alias list per canonical field (DOMAIN.md §1.4 and the exports it cites). A user
extends or overrides them from the ``[columns]`` table of ``edupov.toml``; tests
parametrise over the whole table, so adding an alias adds a test case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from edupoverty.core import columns as C
from edupoverty.core.models import SourceKind


@dataclass(frozen=True)
class FieldSpec:
    """A canonical field: its frame column, the header texts that name it, and who has it."""

    column: str
    aliases: tuple[str, ...]
    weight: dict[SourceKind, float]
    """How strongly the field suggests each source kind (for inferring the kind)."""


def _w(registry: float = 0.0, roster: float = 0.0, ledger: float = 0.0) -> dict[SourceKind, float]:
    return {"registry": registry, "roster": roster, "ledger": ledger}


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        C.ID_RAW,
        (
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号码",
            "身份证件号",
            "身份证件号码",
            "学生身份证号",
            "学生身份证号码",
            "证件号",
            "身份证",
            "学生证件号码",
            "受助学生身份证号",
            "幼儿身份证号",
            "居民身份证号码",
            "成员证件号码",
        ),
        _w(),
    ),
    FieldSpec(
        C.NAME,
        ("姓名", "学生姓名", "成员姓名", "幼儿姓名", "受助学生姓名", "受助人姓名", "人员姓名"),
        _w(),
    ),
    FieldSpec(C.GENDER, ("性别", "学生性别"), _w()),
    FieldSpec(C.BIRTH_DATE, ("出生日期", "出生年月", "出生年月日", "生日"), _w(roster=0.2)),
    FieldSpec(C.ETHNICITY, ("民族",), _w()),
    FieldSpec(
        C.RELATION,
        ("与户主关系", "与户主的关系", "家庭关系", "成员关系"),
        _w(registry=3),
    ),
    FieldSpec(C.HOUSEHOLD_NO, ("户编号", "户号", "家庭编号", "户主编号"), _w(registry=3)),
    FieldSpec(
        C.CATEGORY_RAW,
        (
            "人口类型",
            "监测对象类别",
            "户类型",
            "贫困户属性",
            "困难类型",
            "资助类别",
            "保障类别",
            "易返贫致贫户(监测对象)类型",
            "对象类别",
            "困难类别",
            "家庭经济困难类型",
            "类别",
        ),
        _w(registry=2, ledger=0.5),
    ),
    FieldSpec(
        C.RISK_CLEARED,
        ("风险是否消除", "风险是否已消除", "是否风险消除", "风险消除"),
        _w(registry=3),
    ),
    FieldSpec(
        C.SCHOOLING_RAW,
        ("在校生状况", "在校生情况", "在校生状态", "就学情况"),
        _w(registry=3),
    ),
    FieldSpec(
        C.TOWNSHIP, ("乡(镇)", "乡镇", "乡镇(街道)", "乡(镇、街道)", "所属乡镇", "苏木乡"), _w()
    ),
    FieldSpec(C.VILLAGE, ("行政村", "村", "村(社区)", "嘎查村", "自然村"), _w(registry=1.5)),
    FieldSpec(
        C.SCHOOL,
        ("学校", "学校名称", "就读学校", "所在学校", "学校全称", "幼儿园名称", "就读学校名称"),
        _w(roster=1, ledger=0.5),
    ),
    FieldSpec(C.SCHOOL_CODE, ("学校标识码", "学校代码", "学校编码"), _w(roster=2)),
    FieldSpec(
        C.STUDENT_NO,
        ("学籍号", "全国学籍号", "个人标识码", "学籍号码", "学籍辅号"),
        _w(roster=3, ledger=0.5),
    ),
    FieldSpec(
        C.GRADE_RAW, ("年级", "年级名称", "就读年级", "学段", "所在年级"), _w(roster=1, ledger=0.5)
    ),
    FieldSpec(C.CLASS, ("班级", "班级名称", "班别"), _w(roster=1)),
    FieldSpec(
        C.STATUS_RAW,
        ("学籍状态", "学生状态", "在校状态", "学籍变动情况"),
        _w(roster=3),
    ),
    FieldSpec(
        C.BOARDING,
        ("是否寄宿", "是否寄宿生", "就读方式", "住宿类型", "是否住校", "寄宿情况"),
        _w(roster=2),
    ),
    FieldSpec(
        C.PROGRAM_RAW,
        ("资助项目", "资助项目名称", "项目名称", "补助项目", "资助类型", "项目"),
        _w(ledger=3),
    ),
    FieldSpec(C.SCHOOL_YEAR_RAW, ("学年", "资助学年", "发放学年"), _w(ledger=1)),
    FieldSpec(C.TERM_RAW, ("学期", "学年学期", "发放学期", "资助学期"), _w(roster=0.2, ledger=1)),
    FieldSpec(
        C.AMOUNT_RAW,
        (
            "金额",
            "发放金额",
            "资助金额",
            "补助金额",
            "金额(元)",
            "实发金额",
            "发放金额(元)",
            "资助金额(元)",
            "补助金额(元)",
            "本次发放金额",
        ),
        _w(ledger=3),
    ),
    FieldSpec(C.PAY_DATE, ("发放日期", "发放时间", "拨付日期", "到账日期"), _w(ledger=2)),
    FieldSpec(
        C.ACCOUNT,
        (
            "银行卡号",
            "银行账号",
            "卡号",
            "社保卡号",
            "一卡通账号",
            "账号",
            "银行账户",
            "惠民惠农一卡通账号",
            "社会保障卡号",
        ),
        _w(ledger=2),
    ),
    FieldSpec(C.HOLDER_NAME, ("持卡人姓名", "持卡人", "户名", "开户人姓名"), _w(ledger=1)),
)

FIELD_BY_COLUMN: dict[str, FieldSpec] = {f.column: f for f in FIELDS}

_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_DROP = re.compile(r"[\s*＊:：/／\-_—·.]+")


def normalise_header(text: object) -> str:
    """Return a header cell's matching form: NFKC, ASCII brackets, no spaces or punctuation.

    Real exports write 金额（元）, 金额(元) and ``金额 (元)``; 乡（镇）and 乡(镇); some put a
    ``*`` before mandatory columns.
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    return _DROP.sub("", s).strip()


class AliasTable:
    """Header text → canonical column, built from the shipped aliases plus user ``[columns]``."""

    def __init__(self, extra: Mapping[str, list[str]] | None = None) -> None:
        self._lookup: dict[str, str] = {}
        for spec in FIELDS:
            for alias in spec.aliases:
                self._lookup[normalise_header(alias)] = spec.column
        for column, aliases in (extra or {}).items():
            for alias in aliases:
                self._lookup[normalise_header(alias)] = column
        self._matched: dict[str, str | None] = {}

    def match(self, header: object) -> str | None:
        """Return the canonical column a header text names, or None."""
        if isinstance(header, str):
            # Every roster of a county repeats the same few dozen header texts: remember them.
            if header in self._matched:
                return self._matched[header]
            found = self._match(header)
            if len(self._matched) < _MATCH_CACHE_SIZE:
                self._matched[header] = found
            return found
        return self._match(header)

    def _match(self, header: object) -> str | None:
        key = normalise_header(header)
        if not key:
            return None
        hit = self._lookup.get(key)
        if hit is not None:
            return hit
        # 金额（元） and friends: a unit in brackets after a known name.
        stripped = re.sub(r"\(.*?\)$", "", key)
        if stripped != key:
            return self._lookup.get(stripped)
        return None

    def known_columns(self) -> set[str]:
        """Return every canonical column that has at least one alias."""
        return set(self._lookup.values())


_MATCH_CACHE_SIZE = 100_000
"""Header texts remembered per alias table (threads share it: a dict is safe for this)."""

USER_FIELD_NAMES: dict[str, str] = {
    "id": C.ID_RAW,
    "name": C.NAME,
    "gender": C.GENDER,
    "birth_date": C.BIRTH_DATE,
    "ethnicity": C.ETHNICITY,
    "relation": C.RELATION,
    "household_no": C.HOUSEHOLD_NO,
    "category": C.CATEGORY_RAW,
    "risk_cleared": C.RISK_CLEARED,
    "schooling": C.SCHOOLING_RAW,
    "township": C.TOWNSHIP,
    "village": C.VILLAGE,
    "school": C.SCHOOL,
    "school_code": C.SCHOOL_CODE,
    "student_no": C.STUDENT_NO,
    "grade": C.GRADE_RAW,
    "class": C.CLASS,
    "status": C.STATUS_RAW,
    "boarding": C.BOARDING,
    "program": C.PROGRAM_RAW,
    "school_year": C.SCHOOL_YEAR_RAW,
    "term": C.TERM_RAW,
    "amount": C.AMOUNT_RAW,
    "pay_date": C.PAY_DATE,
    "account": C.ACCOUNT,
    "holder_name": C.HOLDER_NAME,
}
"""Names users write in the ``[columns]`` table of edupov.toml (e.g. ``id = ["证件号"]``)."""
