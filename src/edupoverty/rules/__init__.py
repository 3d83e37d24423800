"""The rule registry: one module per rule code, listed explicitly in the SPEC's order."""

from __future__ import annotations

from edupoverty.rules import (
    amount_mismatch,
    duplicate_aid,
    duplicate_enrollment,
    id_number_mangled,
    identity_conflict,
    ineligible_aid,
    invalid_id,
    missed_aid,
    not_enrolled,
    paid_not_enrolled,
    probable_match,
)

ALL_RULES = (
    invalid_id,
    id_number_mangled,
    identity_conflict,
    duplicate_enrollment,
    not_enrolled,
    missed_aid,
    duplicate_aid,
    ineligible_aid,
    amount_mismatch,
    paid_not_enrolled,
    probable_match,
)
"""Every rule, in the SPEC table's order (also the order of sheets and summary rows)."""

__all__ = [
    "ALL_RULES",
    "RULES_BY_CODE",
    "amount_mismatch",
    "duplicate_aid",
    "duplicate_enrollment",
    "id_number_mangled",
    "identity_conflict",
    "ineligible_aid",
    "invalid_id",
    "missed_aid",
    "not_enrolled",
    "paid_not_enrolled",
    "probable_match",
]

RULES_BY_CODE = {module.RULE.code: module for module in ALL_RULES}
