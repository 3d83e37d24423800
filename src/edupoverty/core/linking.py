"""Link rows across sources: the person key, programme matching, and guardian payments.

The person key is the normalised 18-character ID; two different valid IDs are never
merged. Probable matches (same name and birth date, different or missing IDs) are found
by the PROBABLE_MATCH rule and reported, never merged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.columnops import is_in

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy

_STRING = pd.StringDtype("pyarrow")
ADULT_AGE = 18


def match_programs(ledger: pd.DataFrame, policy: Policy) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the ledger with ``program`` codes, and one row issue per file and unknown programme.

    Args:
        ledger: ledger frame with ``program_raw``.
        policy: the policy whose names and aliases are matched.

    Returns:
        (ledger with ``program``, issues frame with the reader's issue columns).
    """
    # A shallow copy: copy-on-write copies only the columns assigned below.
    out = ledger.copy(deep=False)
    if out.empty:
        out[C.PROGRAM] = pd.Series(dtype=_STRING)
        return out, _no_issues()
    out[C.PROGRAM] = policy.match_programs(out[C.PROGRAM_RAW]).astype(_STRING)
    unknown = out[out[C.PROGRAM].isna()]
    if unknown.empty:
        return out, _no_issues()
    grouped = (
        unknown.assign(_p=unknown[C.PROGRAM_RAW].fillna(""))
        .groupby([C.FILE, C.SHEET, "_p"], sort=True, dropna=False)
        .agg(row=(C.ROW, "min"), rows=(C.ROW, "size"))
        .reset_index()
    )
    issues = pd.DataFrame(
        {
            "source": "ledger",
            "file": grouped[C.FILE].astype(str),
            "sheet": grouped[C.SHEET].astype(str),
            "row": grouped["row"].astype("int64"),
            "column": None,
            "code": "row.program_unknown",
            "params": [
                json.dumps({"program": p, "rows": int(n)}, ensure_ascii=False)
                for p, n in zip(grouped["_p"], grouped["rows"], strict=True)
            ],
            "level": "error",
        }
    )
    return out, issues


def _no_issues() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["source", "file", "sheet", "row", "column", "code", "params", "level"]
    )


def link_guardian_payments(
    ledger: pd.DataFrame, registry: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """Return the ledger with payments made under a guardian's ID relinked to the pupil.

    A ledger row whose ID belongs to a registry adult (18 or over at ``as_of``) while a
    registry person of the same household has the ledger row's name (and another ID) is
    the pupil's payment to the guardian's card (DOMAIN.md §1.3): ``person_id`` becomes the
    pupil's, ``linked_via`` = ``guardian`` and ``guardian_id`` keeps the ledger ID.
    """
    # A shallow copy: copy-on-write copies only the columns assigned below.
    out = ledger.copy(deep=False)
    out[C.LINKED_VIA] = (
        pd.Series(pd.NA, index=out.index, dtype=_STRING).mask(out[C.PERSON_ID].notna(), "id")
        if not out.empty
        else pd.Series(dtype=_STRING)
    )
    out[C.GUARDIAN_ID] = pd.Series(pd.NA, index=out.index, dtype=_STRING)
    if out.empty or registry.empty:
        return out
    # Choose the columns before the rows: a boolean filter copies every column.
    reg = registry[[C.PERSON_ID, C.HOUSEHOLD_NO, C.NAME_KEY, C.ID_BIRTH_DATE]]
    reg = reg[(reg[C.PERSON_ID].notna() & reg[C.HOUSEHOLD_NO].notna()).to_numpy(bool)]
    birth = pd.to_datetime(reg[C.ID_BIRTH_DATE])
    age = (
        as_of.year
        - birth.dt.year
        - (
            (birth.dt.month > as_of.month)
            | ((birth.dt.month == as_of.month) & (birth.dt.day > as_of.day))
        ).astype(int)
    )
    adults = reg.loc[age >= ADULT_AGE, [C.PERSON_ID, C.HOUSEHOLD_NO, C.NAME_KEY]].drop_duplicates(
        C.PERSON_ID
    )
    members = reg[[C.PERSON_ID, C.HOUSEHOLD_NO, C.NAME_KEY]].drop_duplicates([C.PERSON_ID])
    candidates = out.loc[
        is_in(out[C.PERSON_ID], adults[C.PERSON_ID]), [C.PERSON_ID, C.NAME_KEY]
    ].reset_index()
    if candidates.empty:
        return out
    cand = candidates.merge(adults.rename(columns={C.NAME_KEY: "_adult_key"}), on=C.PERSON_ID)
    cand = cand[cand[C.NAME_KEY] != cand["_adult_key"]]
    pupils = cand.merge(
        members.rename(columns={C.PERSON_ID: "_pupil_id"}),
        on=[C.HOUSEHOLD_NO, C.NAME_KEY],
    )
    pupils = pupils[pupils["_pupil_id"] != pupils[C.PERSON_ID]].drop_duplicates("index")
    if pupils.empty:
        return out
    idx = pupils["index"].to_numpy()
    out.loc[idx, C.GUARDIAN_ID] = out.loc[idx, C.PERSON_ID].to_numpy()
    out.loc[idx, C.PERSON_ID] = pupils["_pupil_id"].to_numpy()
    out.loc[idx, C.LINKED_VIA] = "guardian"
    return out
