"""The sample county's schools, enrolments and payments, clean by construction.

Every registered pupil entitled to a programme is paid exactly the standard, once, by
the school they attend; every child aged 3–17 is enrolled. ``sample.anomalies`` then
breaks this on purpose and records what each break must produce.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from edupoverty.sample.people import COUNTY_NAME, TOWNSHIPS, Household, Person

TERMS = ("2024秋", "2025春")
TERM_TITLES = {"2024秋": "2024年秋季学期", "2025春": "2025年春季学期"}
PAY_DATES = {"2024秋": "2024-10-15", "2025春": "2025-04-15"}
GRADE_SPELLINGS = {
    "学前": (("小班", "中班", "大班"),),
    "小学": (("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),),
    "初中": (("七年级", "八年级", "九年级"), ("初一", "初二", "初三")),
    "高中": (("高一", "高二", "高三"),),
    "中职": (("中职一年级", "中职二年级", "中职三年级"),),
}
BOARDING_SHARE = {"学前": 0.0, "小学": 0.3, "初中": 0.6, "高中": 0.85, "中职": 0.7}


@dataclass(frozen=True)
class Program:
    """A programme of the sample's policy: who gets how much."""

    code: str
    name: str
    ledger_name: str
    stage: str
    boarding: bool | None
    categories: tuple[str, ...]
    amounts: dict[str, Decimal]


ALL_CATEGORIES = ("脱贫户", "监测对象", "低保", "特困供养", "孤儿", "残疾")
FOUR_CATEGORIES = ("脱贫户", "监测对象", "低保", "特困供养", "残疾")
PROGRAMS = (
    Program(
        "boarding_primary",
        "义务教育家庭经济困难寄宿生生活补助(小学)",
        "小学寄宿生生活补助",
        "小学",
        True,
        ALL_CATEGORIES,
        {"2024秋": Decimal(500), "2025春": Decimal(500)},
    ),
    Program(
        "boarding_junior",
        "义务教育家庭经济困难寄宿生生活补助(初中)",
        "初中寄宿生生活补助",
        "初中",
        True,
        ALL_CATEGORIES,
        {"2024秋": Decimal(625), "2025春": Decimal(625)},
    ),
    Program(
        "nonboarding_primary",
        "义务教育家庭经济困难非寄宿生生活补助(小学)",
        "小学非寄宿生生活补助",
        "小学",
        False,
        FOUR_CATEGORIES,
        {"2024秋": Decimal(250), "2025春": Decimal(250)},
    ),
    Program(
        "nonboarding_junior",
        "义务教育家庭经济困难非寄宿生生活补助(初中)",
        "初中非寄宿生生活补助",
        "初中",
        False,
        FOUR_CATEGORIES,
        {"2024秋": Decimal("312.5"), "2025春": Decimal("312.5")},
    ),
    Program(
        "hs_grant",
        "普通高中国家助学金",
        "普高国家助学金",
        "高中",
        None,
        ALL_CATEGORIES,
        {"2024秋": Decimal(1000), "2025春": Decimal(1150)},
    ),
    Program(
        "vocational_grant",
        "中等职业教育国家助学金",
        "中职国家助学金",
        "中职",
        None,
        ALL_CATEGORIES,
        {"2024秋": Decimal(1000), "2025春": Decimal(1150)},
    ),
    Program(
        "preschool_aid",
        "学前教育家庭经济困难幼儿资助",
        "学前教育资助",
        "学前",
        None,
        ALL_CATEGORIES,
        {"2024秋": Decimal(500), "2025春": Decimal(500)},
    ),
)
PROGRAM_BY_CODE = {p.code: p for p in PROGRAMS}


@dataclass
class School:
    """A school and the file its roster is exported to."""

    name: str
    township: str
    stages: tuple[str, ...]
    fmt: str = "xlsx"
    """xlsx, xls or csv (GBK)."""
    term_column: bool = False
    """True: one sheet with a 学期 column; False: one sheet per term."""
    junior_spelling: int = 0


@dataclass
class RosterRow:
    """One roster row, written to its school's file for its term."""

    person: Person
    school: School
    term: str
    stage: str
    grade: int
    boarding: bool
    status: str = "在读"
    id_text: object = None
    """What is written in the ID cell (None: the ID itself)."""
    name: str | None = None
    loc: tuple[str, str, int] | None = None

    @property
    def written_name(self) -> str:
        """The name as written in the file."""
        return self.name or self.person.name


@dataclass
class Payment:
    """One ledger row of a programme and term."""

    person: Person
    program: Program
    term: str
    school: School
    stage: str
    grade: int
    amount: Decimal
    id_text: object = None
    name: str | None = None
    amount_text: str | None = None
    loc: tuple[str, str, int] | None = None


@dataclass
class County:
    """Everything the sample writes, before and after anomalies."""

    households: list[Household]
    schools: list[School]
    roster: list[RosterRow] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    stage_of: dict[str, tuple[str, int, bool]] = field(default_factory=dict)
    """pid → (stage, grade, boarding) in 2024秋."""


def make_schools(rng: random.Random) -> list[School]:
    """Schools of every stage: a 中心小学 and a village 完小 per township, 初中, a 九年一贯制, county schools."""
    schools: list[School] = []
    for i, town in enumerate(TOWNSHIPS):
        schools.append(School(f"{town}中心小学", town, ("小学",)))
        schools.append(School(f"{town}{'东' if i % 2 else '西'}街完全小学", town, ("小学",)))
        if i % 3 == 2:
            schools.append(
                School(f"{town}九年一贯制学校", town, ("小学", "初中"), junior_spelling=1)
            )
        else:
            schools.append(School(f"{town}初级中学", town, ("初中",), junior_spelling=i % 2))
        schools.append(School(f"{town}中心幼儿园", town, ("学前",)))
    schools.append(School(f"{COUNTY_NAME}高级中学", TOWNSHIPS[0], ("高中",)))
    schools.append(School(f"{COUNTY_NAME}第二高级中学", TOWNSHIPS[1], ("高中",)))
    schools.append(School(f"{COUNTY_NAME}职业教育中心", TOWNSHIPS[0], ("中职",)))
    schools[1].fmt = "xls"
    schools[5].fmt = "xls"
    schools[4].fmt, schools[4].term_column = "csv", True
    schools[9].term_column = True
    return schools


def stage_and_grade(person: Person, rng: random.Random) -> tuple[str, int] | None:
    """Stage and grade in 2024秋 from age on 2024-09-01; None for children not in school."""
    age = person.age_on(dt.date(2024, 9, 1))
    if 3 <= age <= 5:
        return "学前", age - 2
    if 6 <= age <= 11:
        return "小学", age - 5
    if 12 <= age <= 14:
        return "初中", age - 11
    if 15 <= age <= 17:
        return ("高中" if rng.random() < 0.7 else "中职"), age - 14
    return None


def build_county(households: list[Household], rng: random.Random) -> County:
    """Enrol every child of 3–17 and pay every entitled registered pupil, both terms."""
    schools = make_schools(rng)
    county = County(households, schools)
    for hh in households:
        for person in hh.members:
            if person.relation not in ("之子", "之女"):
                continue
            placed = stage_and_grade(person, rng)
            if placed is None:
                continue
            stage, grade = placed
            # Look-alikes: some children under 6 or over 15 are on no roster, which is fine.
            age = person.age_on(dt.date(2024, 11, 1))
            if (age < 6 or age >= 16) and rng.random() < 0.15:
                continue
            local = [s for s in schools if stage in s.stages and s.township == hh.township] or [
                s for s in schools if stage in s.stages
            ]
            school = rng.choice(local)
            boarding = rng.random() < BOARDING_SHARE[stage]
            county.stage_of[person.pid] = (stage, grade, boarding)
            for term in TERMS:
                county.roster.append(RosterRow(person, school, term, stage, grade, boarding))
                program = entitled_program(hh, stage, boarding)
                if program is not None:
                    county.payments.append(
                        Payment(person, program, term, school, stage, grade, program.amounts[term])
                    )
    return county


def entitled_program(hh: Household, stage: str, boarding: bool) -> Program | None:
    """The programme a pupil of this household, stage and boarding must be paid, if any."""
    if hh.category is None or (hh.category == "监测对象" and hh.risk_cleared):
        return None
    for p in PROGRAMS:
        if (
            p.stage == stage
            and (p.boarding is None or p.boarding == boarding)
            and hh.category in p.categories
        ):
            return p
    return None
