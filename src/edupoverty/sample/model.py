"""The sample county's records: the truth about people, and every row as it is written.

Rows (``RegistryRow``, ``Enrolment``, ``Payment``) carry the cell values exactly as they
go into the files (an ID cell may be full-width text, a float Excel made of it, or a
typo), plus the file, sheet and Excel row they land on. The oracle reads only those
written values; the ``person`` link is the generator's truth, used for messages and to
decide where to inject anomalies, never to compute the answer key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Format = Literal["xlsx", "xls", "csv"]
Cell = str | float | int | None
"""A cell value as written: text, a number, or empty."""


@dataclass(slots=True, eq=False)
class Person:
    """One resident of the county."""

    pid: str
    """The true 18-character ID."""
    name: str
    birth: dt.date
    male: bool
    household: str
    """The household number (户编号)."""
    relation: str
    """与户主关系: 户主, 配偶, 之子, 之女, 之父, 之母, 之孙子, 之孙女."""

    def age_on(self, day: dt.date) -> int:
        """Return whole years of age on a day."""
        before_birthday = (day.month, day.day) < (self.birth.month, self.birth.day)
        return day.year - self.birth.year - int(before_birthday)

    @property
    def is_child(self) -> bool:
        """Whether the person is a child or grandchild of the head."""
        return self.relation in ("之子", "之女", "之孙子", "之孙女")


@dataclass(slots=True, eq=False)
class Household:
    """A household; registered ones carry a category (户类型/人口类型)."""

    number: str
    township: str
    village: str
    category: str | None = None
    """Canonical category (脱贫户 …) or None when the household is not registered."""
    category_text: str | None = None
    """The category as the registry writes it (脱贫人口, 边缘易致贫户, 农村低保 …)."""
    risk_cleared: bool = False
    """For 监测对象: 风险已消除 (then the category no longer qualifies)."""
    members: list[Person] = field(default_factory=list)

    @property
    def qualifies(self) -> bool:
        """Whether the household's category gives its pupils the registry programmes."""
        return self.category is not None and not (self.category == "监测对象" and self.risk_cleared)


@dataclass(slots=True, eq=False)
class School:
    """A school and the shape of its roster export."""

    name: str
    township: str
    stages: tuple[str, ...]
    fmt: Format = "xlsx"
    term_column: bool = False
    """True: one sheet with a 学期 column; False: one sheet per term."""
    junior_style: int = 0
    """0: 七年级; 1: 初一 (some 学籍 exports write 初一 where others write 七年级)."""
    boarding_header: str = "是否寄宿"
    title_row: bool = False


@dataclass(frozen=True, slots=True)
class Program:
    """A programme of the sample policy."""

    code: str
    name: str
    aliases: tuple[str, ...]
    stages: tuple[str, ...]
    categories: tuple[str, ...]
    boarding: bool | None
    entitled: bool
    group: str | None
    standards: dict[str, tuple[Decimal, ...]]
    """Allowed per-term amounts by term, ascending; the first is the standard (semantics.md)."""

    def standard(self, term: str) -> Decimal:
        """Return the standard (first allowed) amount for a term."""
        return self.standards[term][0]


@dataclass(slots=True, eq=False)
class RegistryRow:
    """One registry row as written."""

    person: Person
    household: Household
    id_cell: Cell = None
    name: str = ""
    category: str | None = None
    """Canonical category of this row (None when the row gives none)."""
    risk_cleared: bool = False
    schooling: str = ""
    file: str = ""
    sheet: str = ""
    row: int = 0
    source: str = "registry"


@dataclass(slots=True, eq=False)
class Enrolment:
    """One roster row: a pupil on a school's roll in a term, as written."""

    person: Person
    school: School
    term: str
    stage: str
    grade: int
    boarding: bool
    status: str = "在读"
    """学籍状态 as written."""
    id_cell: Cell = None
    name: str = ""
    birth_text: str = ""
    gender_text: str = ""
    student_no: str = ""
    dropped: bool = False
    """Removed by an anomaly before writing (never written)."""
    file: str = ""
    sheet: str = ""
    row: int = 0
    source: str = "roster"


@dataclass(slots=True, eq=False)
class Payment:
    """One ledger row: a payment of a programme for a term, as written."""

    person: Person
    program: Program
    term: str
    school: School
    stage: str
    grade: int
    amount: Decimal
    """The amount paid (what the clerk meant; ``amount_cell`` is how it is written)."""
    amount_cell: Cell = None
    program_text: str = ""
    id_cell: Cell = None
    name: str = ""
    remark: str = ""
    guardian: Person | None = None
    """Set when the row carries the guardian's ID (the money goes to the parent's card)."""
    dropped: bool = False
    file: str = ""
    sheet: str = ""
    row: int = 0
    source: str = "ledger"


Row = RegistryRow | Enrolment | Payment


@dataclass(slots=True)
class County:
    """Everything the sample writes."""

    households: list[Household]
    schools: list[School]
    registry: list[RegistryRow] = field(default_factory=list)
    roster: list[Enrolment] = field(default_factory=list)
    ledger: list[Payment] = field(default_factory=list)
    programs: tuple[Program, ...] = ()
