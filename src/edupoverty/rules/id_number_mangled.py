"""ID_NUMBER_MANGLED: every row whose ID was stored by Excel as a number and lost digits.

``id_status = mangled`` (docs/dev/semantics.md): scientific notation such as
``4.10101E+17``, or 16–19 digits whose check fails while their value as a float keeps
at most 15 significant digits (Excel keeps 15, Microsoft KB269370). The lost digits
cannot be recovered from the cell; PROBABLE_MATCH may propose the person from the
surviving prefix and the name, but nothing is merged.
"""

from __future__ import annotations

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import IdStatus, mask_id

RULE = RuleSpec(code="ID_NUMBER_MANGLED", severity=Severity.MEDIUM, needs=frozenset())

_COLUMNS = [C.SOURCE, C.FILE, C.SHEET, C.ROW, C.ID_RAW, C.ID_PREFIX, C.NAME, C.TERM]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per row whose ID cell is an Excel-mangled number.

    Reads ``id_status``, ``id_raw`` and ``id_prefix`` (the digits that survived) of
    every source.
    """
    parts = [
        frame.loc[frame[C.ID_STATUS] == IdStatus.MANGLED, [c for c in _COLUMNS if c in frame]]
        for frame in (ctx.registry, ctx.roster, ctx.ledger)
        if not frame.empty
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return make_findings(RULE, pd.DataFrame(columns=_COLUMNS))
    located = sort_by_location(
        pd.concat(parts, ignore_index=True).reindex(columns=_COLUMNS)
    ).reset_index(drop=True)
    raw = located[C.ID_RAW].astype("string")
    prefix = located[C.ID_PREFIX].astype("string")
    return make_findings(
        RULE,
        located,
        evidence={
            "id_value": raw,
            "id_masked": raw.fillna("").map(mask_id),
            "id_prefix": prefix,
            "digits_kept": prefix.str.len(),
        },
    )
