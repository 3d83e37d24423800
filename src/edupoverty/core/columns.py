"""Canonical DataFrame column names, in one place so that a typo is a NameError.

Every frame that leaves the readers carries the provenance columns; the per-source
columns below are filled where the input had them (otherwise the column is absent or
all-null). DataFrame columns are English snake_case; Chinese headers live only in
``io/readers/columns.py`` and in the output writers.
"""

from __future__ import annotations

from typing import Final

# Provenance: attached once, at the first read, never recomputed.
SOURCE: Final = "source"  # "registry" | "roster" | "ledger"
FILE: Final = "file"  # file name as given (base name), e.g. "城关镇中心小学学籍.xlsx"
PATH: Final = "path"  # left empty: ``FileReport.path`` has it (a full path on 3M rows cost memory)
SHEET: Final = "sheet"  # sheet name; "" for CSV
ROW: Final = "row"  # 1-based row number as Excel shows it in the original sheet

# Identity (all sources)
ID_RAW: Final = "id_raw"  # the ID cell text exactly as read
PERSON_ID: Final = "person_id"  # normalised 18-character ID, upper-case X; <NA> unless valid
ID_STATUS: Final = "id_status"  # see core.normalise.ids.IdStatus
ID_BIRTH_DATE: Final = "id_birth_date"  # birth date encoded in the ID (datetime64) when parseable
ID_GENDER: Final = "id_gender"  # "男"/"女" from the ID's sequence digit when parseable
ID_PREFIX: Final = "id_prefix"  # leading digits that survived Excel (mangled IDs), else <NA>
NAME: Final = "name"  # name as written (displayed and written back)
NAME_KEY: Final = "name_key"  # matching key: NFKC, no whitespace, no middle dots, t2s
GENDER: Final = "gender"  # "男"/"女" from a gender column
BIRTH_DATE: Final = "birth_date"  # datetime64 from a birth-date column
STUDENT_NO: Final = "student_no"  # 学籍号 as written
TOWNSHIP: Final = "township"
VILLAGE: Final = "village"
SCHOOL: Final = "school"
SCHOOL_CODE: Final = "school_code"
ETHNICITY: Final = "ethnicity"

# Registry
HOUSEHOLD_NO: Final = "household_no"
RELATION: Final = "relation"  # 与户主关系 as written
CATEGORY_RAW: Final = "category_raw"
CATEGORY: Final = "category"  # canonical category, see core.normalise.categories
RISK_CLEARED: Final = "risk_cleared"  # boolean; True when 风险已消除 (monitoring cleared)
SCHOOLING_RAW: Final = "schooling_raw"  # 在校生状况 as written
SCHOOLING_STAGE: Final = "schooling_stage"  # stage named by 在校生状况, or <NA>

# Roster
GRADE_RAW: Final = "grade_raw"
STAGE: Final = "stage"  # canonical stage: 学前 小学 初中 高中 中职 高校
GRADE: Final = "grade"  # grade number within the stage (1..6), Int64
CLASS: Final = "class_name"
STATUS_RAW: Final = "status_raw"
STATUS: Final = "status"  # see core.normalise.status.EnrolmentStatus values
BOARDING: Final = "boarding"  # boolean; True for 住校/寄宿
TERM: Final = "term"  # canonical term "2024秋" / "2025春"; <NA> when unknown

# Ledger
PROGRAM_RAW: Final = "program_raw"  # 资助项目 as written
PROGRAM: Final = "program"  # programme code from the policy, <NA> when no alias matched
AMOUNT_RAW: Final = "amount_raw"
AMOUNT_CENTS: Final = "amount_cents"  # Int64, amount in fen (分): exact, vectorisable
PAY_DATE: Final = "pay_date"
ACCOUNT: Final = "account"  # bank / 社保卡 / 一卡通 account as written
HOLDER_NAME: Final = "holder_name"
SCHOOL_YEAR_RAW: Final = "school_year_raw"
TERM_RAW: Final = "term_raw"

# Linking (added by core.linking)
LINKED_VIA: Final = "linked_via"  # "id" | "guardian" | <NA>
GUARDIAN_ID: Final = "guardian_id"  # the ledger ID when it was a guardian's

PROVENANCE_COLUMNS: Final = (SOURCE, FILE, SHEET, ROW)

_COMMON: Final = (
    SOURCE,
    FILE,
    PATH,
    SHEET,
    ROW,
    ID_RAW,
    PERSON_ID,
    ID_STATUS,
    ID_BIRTH_DATE,
    ID_GENDER,
    ID_PREFIX,
    NAME,
    NAME_KEY,
    GENDER,
    BIRTH_DATE,
    TOWNSHIP,
    SCHOOL,
    TERM,
)
REGISTRY_COLUMNS: Final = _COMMON + (
    VILLAGE,
    HOUSEHOLD_NO,
    RELATION,
    CATEGORY_RAW,
    CATEGORY,
    RISK_CLEARED,
    SCHOOLING_RAW,
    SCHOOLING_STAGE,
    ETHNICITY,
)
ROSTER_COLUMNS: Final = _COMMON + (
    SCHOOL_CODE,
    STUDENT_NO,
    GRADE_RAW,
    STAGE,
    GRADE,
    CLASS,
    STATUS_RAW,
    STATUS,
    BOARDING,
    ETHNICITY,
)
LEDGER_COLUMNS: Final = _COMMON + (
    STUDENT_NO,
    GRADE_RAW,
    STAGE,
    GRADE,
    PROGRAM_RAW,
    AMOUNT_RAW,
    AMOUNT_CENTS,
    PAY_DATE,
    ACCOUNT,
    HOLDER_NAME,
    CATEGORY_RAW,
    CATEGORY,
    SCHOOL_YEAR_RAW,
    TERM_RAW,
)
"""The columns every frame of that kind has after loading (all-null when the input lacked them)."""

DATE_COLUMNS: Final = (ID_BIRTH_DATE, BIRTH_DATE, PAY_DATE)
BOOL_COLUMNS: Final = (RISK_CLEARED, BOARDING)
INT_COLUMNS: Final = (ROW, GRADE, AMOUNT_CENTS)
