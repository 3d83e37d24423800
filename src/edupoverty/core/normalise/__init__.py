"""Normalisers: raw cell text of registry, roster and ledger columns to canonical values.

Each function takes a pandas Series (one column) and returns column(s) on the same
index, as vectorised Arrow/numpy operations; the scalar helpers are thin wrappers.
"""

from __future__ import annotations

from edupoverty.core.normalise.amounts import parse_amounts
from edupoverty.core.normalise.categories import (
    CANONICAL_CATEGORIES,
    is_canonical_category,
    normalise_categories,
    normalise_category,
    parse_risk_cleared,
)
from edupoverty.core.normalise.fields import (
    parse_boarding,
    parse_booleans,
    parse_dates,
    parse_genders,
)
from edupoverty.core.normalise.ids import (
    IdResult,
    IdStatus,
    check_digit,
    is_valid_id,
    legacy15_to_18,
    mask_account,
    mask_id,
    mask_ids_in_text,
    normalise_id,
    normalise_ids,
)
from edupoverty.core.normalise.names import name_key, name_keys, pinyin_keys
from edupoverty.core.normalise.stages import (
    grades_to_stage,
    stages_from_school_names,
    stages_from_schooling,
)
from edupoverty.core.normalise.status import EnrolmentStatus, normalise_statuses
from edupoverty.core.normalise.terms import (
    combine_year_and_term,
    find_term,
    is_canonical_term,
    normalise_term,
    normalise_terms,
    term_of_date,
    term_sort_key,
    term_start,
)

__all__ = [
    "CANONICAL_CATEGORIES",
    "EnrolmentStatus",
    "IdResult",
    "IdStatus",
    "check_digit",
    "combine_year_and_term",
    "find_term",
    "grades_to_stage",
    "is_canonical_category",
    "is_canonical_term",
    "is_valid_id",
    "legacy15_to_18",
    "mask_account",
    "mask_id",
    "mask_ids_in_text",
    "name_key",
    "name_keys",
    "normalise_categories",
    "normalise_category",
    "normalise_id",
    "normalise_ids",
    "normalise_statuses",
    "normalise_term",
    "normalise_terms",
    "parse_amounts",
    "parse_boarding",
    "parse_booleans",
    "parse_dates",
    "parse_genders",
    "parse_risk_cleared",
    "pinyin_keys",
    "stages_from_school_names",
    "stages_from_schooling",
    "term_of_date",
    "term_sort_key",
    "term_start",
]
