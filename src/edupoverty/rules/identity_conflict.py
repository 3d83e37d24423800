"""IDENTITY_CONFLICT: one ID number under two names, or a row whose gender/birth date contradicts its ID.

docs/dev/semantics.md: over all sources, after guardian relinking, using only rows that
still carry their own ID (a ledger row paid under a guardian's ID is the pupil's payment,
not a conflict), a ``person_id`` with two or more distinct ``name_key``s is a conflict
(張偉 and 张伟, 阿依古丽·买买提 and 阿依古丽买买提 share a key, so they are not). Otherwise a
row whose gender or birth-date column contradicts the ID is. One finding per person.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.context import NO_CODE, RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id

RULE = RuleSpec(code="IDENTITY_CONFLICT", severity=Severity.MEDIUM, needs=frozenset())

_LOCATED = [C.SOURCE, C.FILE, C.SHEET, C.ROW, C.PERSON_ID, C.NAME]


def _joined(frame: pd.DataFrame, by: str, column: str, sep: str) -> pd.Series:
    """Return ``column`` joined per ``by`` value, in the frame's order."""
    return frame.groupby(by, sort=False)[column].agg(sep.join)


def _name_conflicts(rows: pd.DataFrame) -> pd.DataFrame:
    """Return the located row of each person whose rows carry two or more name keys.

    The located row is the first one whose key differs from the person's most frequent
    key (ties: the key of the person's first row); ``related`` lists the rows under the
    other keys and ``names`` the names as written, in order of first appearance.
    Persons and keys are grouped by their integer codes; only the conflicted persons'
    rows are copied out (issue #7).
    """
    person = rows["_person"].to_numpy()
    key = rows["_name"].to_numpy()
    positions = np.flatnonzero((person != NO_CODE) & (key != NO_CODE))
    codes = pd.DataFrame({"_p": person[positions], "_k": key[positions], "_pos": positions})
    keys = (
        codes.groupby(["_p", "_k"], sort=False)
        .agg(_n=("_pos", "size"), _first=("_pos", "min"))
        .reset_index()
    )
    conflicted = keys[keys["_p"].duplicated(keep=False)]
    if conflicted.empty:
        return pd.DataFrame(columns=[*_LOCATED, "related"])
    first_rows = rows.iloc[conflicted["_first"].to_numpy()]
    conflicted = conflicted.assign(
        **{
            C.PERSON_ID: first_rows[C.PERSON_ID].to_numpy(),
            C.NAME_KEY: first_rows[C.NAME_KEY].to_numpy(),
        }
    ).sort_values([C.PERSON_ID, "_n", "_first"], ascending=[True, False, True], kind="stable")
    involved = np.zeros(int(person.max()) + 1, dtype=bool)
    involved[conflicted["_p"].to_numpy()] = True
    members = rows.iloc[positions[involved[person[positions]]]]
    mode = conflicted.drop_duplicates(C.PERSON_ID).set_index(C.PERSON_ID)
    mode_key = members[C.PERSON_ID].map(mode[C.NAME_KEY])
    located = members[members[C.NAME_KEY] != mode_key].drop_duplicates(C.PERSON_ID)
    loc_key = members[C.PERSON_ID].map(located.set_index(C.PERSON_ID)[C.NAME_KEY])
    others = members[members[C.NAME_KEY] != loc_key]
    firsts = conflicted.sort_values("_first", kind="stable")
    firsts = firsts.assign(_name=rows.loc[firsts["_first"], C.NAME].to_numpy())
    out = located[_LOCATED].copy()
    pid = out[C.PERSON_ID]
    out["related"] = pid.map(
        _joined(others.assign(_ref=location_refs(others)), C.PERSON_ID, "_ref", ";")
    )
    out["names"] = pid.map(_joined(firsts, C.PERSON_ID, "_name", "、"))
    out["usual_name"] = pid.map(rows.loc[mode["_first"], C.NAME].set_axis(mode.index))
    out["name_count"] = pid.map(conflicted.groupby(C.PERSON_ID).size())
    out["variant"] = "message"
    return out


def _field_conflicts(rows: pd.DataFrame, skip: npt.NDArray[np.bool_]) -> pd.DataFrame:
    """Return the first row per person whose gender or birth-date column contradicts its ID.

    Args:
        rows: ``own_rows``.
        skip: per row, True for rows left out (no person, or a person already flagged).
    """
    gender_off = (
        rows[C.GENDER].notna() & rows[C.ID_GENDER].notna() & (rows[C.GENDER] != rows[C.ID_GENDER])
    )
    birth = pd.to_datetime(rows[C.BIRTH_DATE])
    id_birth = pd.to_datetime(rows[C.ID_BIRTH_DATE])
    birth_off = birth.notna() & id_birth.notna() & (birth != id_birth)
    gender_off = gender_off.fillna(False).astype(bool)
    birth_off = birth_off.fillna(False).astype(bool)
    flagged = (gender_off | birth_off).to_numpy(dtype=bool) & ~skip
    bad = rows[flagged].assign(_g=gender_off[flagged], _b=birth_off[flagged])
    if bad.empty:
        return pd.DataFrame(columns=[*_LOCATED, "related"])
    located = bad.drop_duplicates(C.PERSON_ID)
    rest = bad.drop(index=located.index)
    out = located[_LOCATED].copy()
    out["related"] = out[C.PERSON_ID].map(
        _joined(rest.assign(_ref=location_refs(rest)), C.PERSON_ID, "_ref", ";")
    )
    out["gender"] = located[C.GENDER]
    out["id_gender"] = located[C.ID_GENDER]
    out["birth_date"] = birth[located.index].dt.strftime("%Y-%m-%d")
    out["id_birth_date"] = id_birth[located.index].dt.strftime("%Y-%m-%d")
    g, b = located["_g"], located["_b"]
    out["variant"] = "message_birth_date"
    out.loc[g & ~b, "variant"] = "message_gender"
    out.loc[g & b, "variant"] = "message_gender_birth_date"
    return out


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per person whose own-ID rows disagree on the name, gender or birth date.

    Reads ``person_id, name, name_key, gender, id_gender, birth_date, id_birth_date`` of
    every source and the ledger's ``linked_via``.
    """
    rows = ctx.own_rows
    person = rows["_person"].to_numpy()
    if not (person != NO_CODE).any():
        return make_findings(RULE, rows.iloc[0:0])
    by_name = _name_conflicts(rows)
    named = np.zeros(int(person.max()) + 2, dtype=bool)
    named[ctx.person_codes(by_name[C.PERSON_ID])] = True
    by_field = _field_conflicts(rows, skip=named[person] | (person == NO_CODE))
    located = pd.concat(
        [p for p in (by_name, by_field) if not p.empty] or [by_name], ignore_index=True
    )
    if located.empty:
        return make_findings(RULE, located)
    located = sort_by_location(located).reset_index(drop=True)
    evidence = {
        k: located[k]
        for k in (
            "names",
            "usual_name",
            "name_count",
            "gender",
            "id_gender",
            "birth_date",
            "id_birth_date",
        )
        if k in located
    }
    evidence["id_masked"] = located[C.PERSON_ID].fillna("").map(mask_id)
    return make_findings(RULE, located, evidence=evidence, message_variant=located["variant"])
