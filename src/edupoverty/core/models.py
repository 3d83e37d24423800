"""Typed records of the public API: provenance, the three record kinds, row issues, findings.

Bulk validation runs as column operations (see ``core.normalise``); these models are
the schema those operations implement and the shape of records handed to scripts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["registry", "roster", "ledger"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("registry", "roster", "ledger")


class Severity(Enum):
    """Finding severity, ordered: ``HIGH > MEDIUM > LOW``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Return 3 for high, 2 for medium, 1 for low."""
        return {"low": 1, "medium": 2, "high": 3}[self.value]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


class Stage(StrEnum):
    """Canonical school stages (学段)."""

    PRESCHOOL = "学前"
    PRIMARY = "小学"
    JUNIOR = "初中"
    SENIOR = "高中"
    VOCATIONAL = "中职"
    HIGHER = "高校"


STAGES: tuple[str, ...] = tuple(s.value for s in Stage)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")


class Provenance(_Model):
    """Where a record was read from."""

    source: SourceKind
    """Which kind of input: registry, roster or ledger."""
    file: str
    """File name as given on the command line (base name)."""
    sheet: str
    """Sheet name; empty for CSV."""
    row: int = Field(ge=1)
    """1-based row number as Excel shows it in the original sheet."""


class RegistryPerson(_Model):
    """One person in a registered household (建档立卡 / 监测 / 低保 / 特困 / 孤儿 / 残疾 list)."""

    where: Provenance
    """Where the row lives."""
    person_id: str | None
    """Normalised 18-character ID, or None when the ID is missing or unusable."""
    name: str
    """Name as written."""
    category: str | None = None
    """Canonical category (脱贫户, 监测对象, 低保, 特困供养, 孤儿, 事实无人抚养, 残疾)."""
    risk_cleared: bool | None = None
    """For monitoring households: whether the risk is marked cleared (风险已消除)."""
    household_no: str | None = None
    """户编号 as written."""
    relation: str | None = None
    """与户主关系 as written."""
    township: str | None = None
    """乡(镇)."""


class Enrolment(_Model):
    """One enrolment of one student at one school (学籍 row)."""

    where: Provenance
    """Where the row lives."""
    person_id: str | None
    """Normalised 18-character ID, or None."""
    name: str
    """Name as written."""
    school: str | None = None
    """School name."""
    stage: Stage | None = None
    """Canonical stage derived from grade or school."""
    grade: int | None = None
    """Grade number within the stage."""
    status: str | None = None
    """Canonical enrolment status (active, transferred_out, graduated, ...)."""
    boarding: bool | None = None
    """True for boarders (住校/寄宿)."""
    term: str | None = None
    """Canonical term such as 2024秋."""


class Payment(_Model):
    """One payment of one aid programme to one student for one term (发放台账 row)."""

    where: Provenance
    """Where the row lives."""
    person_id: str | None
    """Normalised 18-character ID, or None."""
    name: str
    """Name as written."""
    program_raw: str | None = None
    """资助项目 as written."""
    term: str | None = None
    """Canonical term."""
    amount: Decimal | None = None
    """Amount paid in yuan."""
    pay_date: dt.date | None = None
    """发放日期."""


class RowIssue(_Model):
    """A row that could not be used (or only partly), with a reason a clerk understands."""

    source: SourceKind | None
    """Which kind of input, when known."""
    file: str
    """File name."""
    sheet: str
    """Sheet name; empty for CSV."""
    row: int | None
    """1-based Excel row number, or None for a whole-sheet remark."""
    column: str | None
    """Header text of the offending column, as written in the file."""
    code: str
    """Message id in the i18n catalogue, e.g. ``row.id_invalid``."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Parameters for the message template."""
    level: Literal["error", "remark"] = "error"
    """``error``: the row was rejected or could not be linked; ``remark``: informational."""


class Finding(_Model):
    """One problem in the data, with the contract fields of ``findings.csv`` plus evidence."""

    rule: str
    """Rule code, e.g. MISSED_AID."""
    severity: Severity
    """high, medium or low."""
    person_id: str | None
    """Normalised 18-character ID when known."""
    name: str | None
    """Name as written in the located row."""
    source: SourceKind
    """Where the clerk finds it: which kind of input."""
    file: str
    """File name."""
    sheet: str
    """Sheet name."""
    row: int | None
    """1-based Excel row number."""
    program: str | None
    """Programme code from the policy."""
    term: str | None
    """Canonical term."""
    amount: Decimal | None
    """Money involved, in yuan."""
    message: str
    """One Chinese sentence a clerk understands."""
    related: str
    """Other rows involved, ``source:file:sheet:row`` joined by ``;``."""
    evidence: dict[str, Any] = Field(default_factory=dict)
    """The values the decision used."""
