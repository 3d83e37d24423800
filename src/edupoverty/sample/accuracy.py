"""Compare findings with the answer key per rule, on the keys docs/dev/semantics.md gives."""

from __future__ import annotations

import pandas as pd

KEYS: dict[str, tuple[str, ...]] = {
    "INVALID_ID": ("source", "file", "sheet", "row"),
    "ID_NUMBER_MANGLED": ("source", "file", "sheet", "row"),
    "PROBABLE_MATCH": ("source", "file", "sheet", "row"),
    "IDENTITY_CONFLICT": ("person_id",),
    "DUPLICATE_ENROLLMENT": ("person_id", "term"),
    "NOT_ENROLLED": ("person_id",),
    "MISSED_AID": ("person_id", "program", "term"),
    "DUPLICATE_AID": ("person_id", "term"),
    "INELIGIBLE_AID": ("person_id", "program", "term"),
    "AMOUNT_MISMATCH": ("person_id", "program", "term"),
    "PAID_NOT_ENROLLED": ("person_id", "program", "term"),
}


def _keys(frame: pd.DataFrame, rule: str) -> set[tuple[str, ...]]:
    rows = frame[frame["rule"] == rule]
    cols = list(KEYS[rule])
    return {tuple(str(v) for v in r) for r in rows[cols].astype(str).itertuples(index=False)}


def compare(expected: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """Return per rule: expected, found, tp, fp, fn, precision, recall (1.0 when nothing to find).

    Args:
        expected: the answer key (findings.csv columns, all text).
        actual: findings.csv as written by reconcile (all text).
    """
    rows = []
    for rule in KEYS:
        want, got = _keys(expected, rule), _keys(actual, rule)
        tp = len(want & got)
        rows.append(
            {
                "rule": rule,
                "expected": len(want),
                "found": len(got),
                "tp": tp,
                "fp": len(got - want),
                "fn": len(want - got),
                "precision": tp / len(got) if got else 1.0,
                "recall": tp / len(want) if want else 1.0,
            }
        )
    return pd.DataFrame(rows)


def differences(
    expected: pd.DataFrame, actual: pd.DataFrame, rule: str
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """Return (missed keys, extra keys) for one rule, to debug a mismatch."""
    want, got = _keys(expected, rule), _keys(actual, rule)
    return want - got, got - want
