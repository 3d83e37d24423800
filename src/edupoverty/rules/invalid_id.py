"""INVALID_ID: every row, in any source, whose ID cell holds something that is not an ID.

``id_status = invalid`` (docs/dev/semantics.md): wrong length, bad characters, an
impossible birth date or a wrong check digit. Rows the readers recognised as something
else are not invalid: a 15-digit legacy ID, a 20-character 残疾人证号, a G/J/L 学籍号, an
Excel-mangled number (ID_NUMBER_MANGLED) or an empty cell. An unknown region code is a
row remark, never INVALID_ID (DOMAIN §4: abolished county codes stay valid).
"""

from __future__ import annotations

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.context import RuleContext, sort_by_location
from edupoverty.core.findings import RuleSpec, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import IdStatus, mask_id, normalise_ids

RULE = RuleSpec(code="INVALID_ID", severity=Severity.MEDIUM, needs=frozenset())

_REASONS = ("length", "chars", "date", "check")
_COLUMNS = [
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    C.ID_STATUS,
    C.ID_RAW,
    C.STUDENT_NO,
    C.NAME,
    C.TERM,
]


def rows_with_status(ctx: RuleContext, status: IdStatus) -> pd.DataFrame:
    """Return the rows of all three sources whose ID cell has ``status``, in location order.

    Columns: source, file, sheet, row, id_status, id_raw, student_no, name, term, and
    ``id_value``: the text the ID status was derived from (the ID cell, or a roster's
    G-prefixed 学籍号 when the ID cell is empty).
    """
    parts = [
        frame.loc[frame[C.ID_STATUS] == status, [c for c in _COLUMNS if c in frame]]
        for frame in (ctx.registry, ctx.roster, ctx.ledger)
        if not frame.empty
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=[*_COLUMNS, "id_value"])
    rows = pd.concat(parts, ignore_index=True).reindex(columns=_COLUMNS)
    rows["id_value"] = rows[C.ID_RAW].fillna(rows[C.STUDENT_NO].astype("string"))
    return sort_by_location(rows).reset_index(drop=True)


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per row whose ID cell is not a valid, mangled or missing ID.

    Reads ``id_status``, ``id_raw`` and (rosters) ``student_no`` of every source; the
    reason (length, chars, date, check) is recomputed from the cell for the message.
    """
    located = rows_with_status(ctx, IdStatus.INVALID)
    if located.empty:
        return make_findings(RULE, located)
    reason = normalise_ids(located["id_value"])["id_reason"].astype("string")
    known = reason.isin(list(_REASONS)).fillna(False).astype(bool)
    variant = ("message_" + reason.fillna("")).where(known, "message")
    value = located["id_value"].astype("string")
    return make_findings(
        RULE,
        located,
        evidence={
            "id_value": value,
            "id_masked": value.fillna("").map(mask_id),
            "reason": reason,
            "length": value.str.len(),
        },
        message_variant=variant,
    )
