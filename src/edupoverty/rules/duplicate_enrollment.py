"""DUPLICATE_ENROLLMENT: one person active (在读) at two or more schools in the same term.

docs/dev/semantics.md: only ``active`` rows count, so a transfer (转出 at the old school,
在读 at the new one in the same term) is not a duplicate. A roster row without a term
applies to every term. The finding sits on the first row at the second school, in
file/sheet/row order, for each person and term.

Schools are compared by their matching key (the name key: NFKC, no spaces, simplified),
so 城关镇中心小学 and ``城关镇中心小学 `` are one school; a roster without a school
column is identified by its file (one 学籍 export per school).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import codes_of
from edupoverty.core.context import PERSON_CODE, RuleContext
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import mask_id
from edupoverty.core.normalise.names import name_keys

RULE = RuleSpec(code="DUPLICATE_ENROLLMENT", severity=Severity.HIGH, needs=frozenset({"roster"}))

_KEY = [C.PERSON_ID, C.TERM]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per person and term with active roster rows at two or more schools.

    Reads ``ctx.active_enrolments`` (person_id, term, school, name and the location).
    """
    active = ctx.active_enrolments
    if active.empty:
        return make_findings(RULE, active)
    # A school is its name key, else its file; deduplicate and group on integer codes,
    # and copy out only the persons flagged (issue #7).
    named = codes_of(name_keys(active[C.SCHOOL]))
    school_key = np.where(
        named >= 0, named, int(named.max(initial=0)) + 1 + codes_of(active[C.FILE])
    )
    codes = pd.DataFrame(
        {"_p": active[PERSON_CODE].to_numpy(), "_t": codes_of(active[C.TERM]), "_s": school_key}
    )
    first_at_school = ~codes.duplicated().to_numpy(dtype=bool)
    schools_seen = codes[first_at_school]
    two_schools = schools_seen.duplicated(["_p", "_t"], keep=False).to_numpy(dtype=bool)
    if not two_schools.any():
        return make_findings(RULE, active.iloc[0:0])
    pair = codes["_p"].to_numpy() * (int(codes["_t"].max()) + 2) + codes["_t"].to_numpy()
    involved_pairs = pair[first_at_school][two_schools]
    in_pair = np.isin(pair, involved_pairs)
    involved = active[in_pair]
    involved = involved.assign(
        _school=school_key[in_pair],
        _shown=involved[C.SCHOOL].astype("string").fillna(involved[C.FILE].astype("string")),
    )
    per_school = involved.drop_duplicates([*_KEY, "_school"])
    located = per_school[per_school.groupby(_KEY, sort=False).cumcount() == 1].copy()
    located["_ref"] = location_refs(located)

    involved = involved.merge(located[[*_KEY, "_ref"]], on=_KEY)
    involved = involved[location_refs(involved) != involved["_ref"]]
    related = (
        involved.assign(_other=location_refs(involved))
        .groupby(_KEY, sort=False)["_other"]
        .agg(";".join)
    )
    schools = per_school.groupby(_KEY, sort=False)["_shown"].agg("、".join)
    counts = per_school.groupby(_KEY, sort=False).size()

    keys = pd.MultiIndex.from_frame(located[_KEY])
    located["related"] = related.reindex(keys).to_numpy()
    located = located.drop(columns=["_ref"])
    return make_findings(
        RULE,
        located,
        evidence={
            "schools": pd.Series(schools.reindex(keys).to_numpy(), index=located.index),
            "school_count": pd.Series(counts.reindex(keys).to_numpy(), index=located.index),
            "school": located["_shown"],
            "id_masked": located[C.PERSON_ID].fillna("").map(mask_id),
        },
    )
