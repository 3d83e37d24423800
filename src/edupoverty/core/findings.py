"""Rule metadata and the findings frame: the shape every rule returns and every writer reads.

A rule's ``detect`` returns a frame with ``FINDING_COLUMNS``; ``make_findings`` builds it
from the located rows and renders each message once, from the rule's template and the
evidence, when the finding is made.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.models import Finding, Severity, SourceKind
from edupoverty.i18n import t

FINDING_COLUMNS = [
    "rule",
    "severity",
    C.PERSON_ID,
    C.NAME,
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    C.PROGRAM,
    C.TERM,
    C.AMOUNT_CENTS,
    "message",
    "related",
    "evidence",
]
"""Columns of a findings frame; ``amount_cents`` is signed fen, ``evidence`` a JSON object."""

CONTRACT_COLUMNS = [
    "rule",
    "severity",
    "person_id",
    "name",
    "source",
    "file",
    "sheet",
    "row",
    "program",
    "term",
    "amount",
    "message",
    "related",
]
"""The header of findings.csv, exactly as the SPEC gives it."""

_STRING = pd.StringDtype("pyarrow")


@dataclass(frozen=True)
class RuleSpec:
    """A rule's metadata: the single source for findings.csv, sheet names, docs and 说明."""

    code: str
    """Rule code, e.g. ``MISSED_AID``."""
    severity: Severity
    """Severity of every finding of this rule."""
    needs: frozenset[SourceKind]
    """Sources that must be present for the rule to run."""

    @property
    def key(self) -> str:
        """Lower-case form used in message ids (``rule.missed_aid.title``)."""
        return self.code.lower()

    @property
    def title(self) -> str:
        """Short Chinese (or --lang) name, also the workbook sheet name."""
        return t(f"rule.{self.key}.title")

    @property
    def description(self) -> str:
        """What the rule means."""
        return t(f"rule.{self.key}.description")

    @property
    def action(self) -> str:
        """What the clerk should do about a finding."""
        return t(f"rule.{self.key}.action")

    def message_id(self, variant: str = "message") -> str:
        """Return the message id of the rule's finding template (or a variant of it)."""
        return f"rule.{self.key}.{variant}"


def empty_findings() -> pd.DataFrame:
    """Return an empty findings frame with the right columns and dtypes."""
    return pd.DataFrame(
        {
            "rule": pd.Series(dtype=_STRING),
            "severity": pd.Series(dtype=_STRING),
            C.PERSON_ID: pd.Series(dtype=_STRING),
            C.NAME: pd.Series(dtype=_STRING),
            C.SOURCE: pd.Series(dtype=_STRING),
            C.FILE: pd.Series(dtype=_STRING),
            C.SHEET: pd.Series(dtype=_STRING),
            C.ROW: pd.Series(dtype="Int64"),
            C.PROGRAM: pd.Series(dtype=_STRING),
            C.TERM: pd.Series(dtype=_STRING),
            C.AMOUNT_CENTS: pd.Series(dtype="Int64"),
            "message": pd.Series(dtype=_STRING),
            "related": pd.Series(dtype=_STRING),
            "evidence": pd.Series(dtype=_STRING),
        }
    )


def location_refs(rows: pd.DataFrame) -> pd.Series:
    """Return ``source:file:sheet:row`` for each row (the form of the ``related`` column)."""
    return (
        rows[C.SOURCE].astype(str)
        + ":"
        + rows[C.FILE].astype(str)
        + ":"
        + rows[C.SHEET].fillna("").astype(str)
        + ":"
        + rows[C.ROW].astype("Int64").astype(str)
    )


def fen_to_yuan(cents: Any) -> str:
    """Return fen as a yuan string without trailing zeros: 31250 → ``312.5``, 50000 → ``500``."""
    if cents is None or cents is pd.NA or (isinstance(cents, float) and pd.isna(cents)):
        return ""
    value = Decimal(int(cents)) / 100
    text = format(value.normalize(), "f")
    return text


def make_findings(
    spec: RuleSpec,
    located: pd.DataFrame,
    *,
    evidence: Mapping[str, pd.Series] | None = None,
    message_variant: str | pd.Series = "message",
) -> pd.DataFrame:
    """Return a findings frame for one rule from the rows where each finding is located.

    Args:
        spec: the rule.
        located: one row per finding with columns ``source, file, sheet, row, person_id,
            name`` and optionally ``program, term, amount_cents, related``.
        evidence: per-finding values the decision used, as Series aligned with ``located``;
            they are stored as JSON and are the parameters of the message template.
        message_variant: which template of the rule (a Series picks one per finding).

    Returns:
        A frame with ``FINDING_COLUMNS``.
    """
    if located.empty:
        return empty_findings()
    n = len(located)
    idx = located.index
    ev_frame = pd.DataFrame({k: v.reindex(idx) for k, v in (evidence or {}).items()}, index=idx)
    for col in (C.NAME, C.PERSON_ID, C.PROGRAM, C.TERM):
        if col in located and col not in ev_frame:
            ev_frame[col] = located[col]
    if C.AMOUNT_CENTS in located and "amount" not in ev_frame:
        ev_frame["amount"] = located[C.AMOUNT_CENTS].map(fen_to_yuan)
    variants = (
        message_variant
        if isinstance(message_variant, pd.Series)
        else pd.Series(message_variant, index=idx)
    )
    records = ev_frame.astype(object).where(ev_frame.notna(), None).to_dict("records")
    templates = {v: _template(spec.message_id(v)) for v in set(variants.tolist())}
    messages = [
        _render(templates[v], {k: ("" if val is None else val) for k, val in rec.items()})
        for v, rec in zip(variants.tolist(), records, strict=True)
    ]
    evidence_json = _evidence_json(ev_frame)
    out = pd.DataFrame(
        {
            "rule": pd.Series(spec.code, index=idx, dtype=_STRING),
            "severity": pd.Series(spec.severity.value, index=idx, dtype=_STRING),
            C.PERSON_ID: _col(located, C.PERSON_ID, n),
            C.NAME: _col(located, C.NAME, n),
            C.SOURCE: _col(located, C.SOURCE, n),
            C.FILE: _col(located, C.FILE, n),
            C.SHEET: _col(located, C.SHEET, n).fillna(""),
            C.ROW: located[C.ROW].astype("Int64")
            if C.ROW in located
            else pd.Series(pd.NA, index=idx, dtype="Int64"),
            C.PROGRAM: _col(located, C.PROGRAM, n),
            C.TERM: _col(located, C.TERM, n),
            C.AMOUNT_CENTS: located[C.AMOUNT_CENTS].astype("Int64")
            if C.AMOUNT_CENTS in located
            else pd.Series(pd.NA, index=idx, dtype="Int64"),
            "message": pd.Series(messages, index=idx, dtype=_STRING),
            "related": _col(located, "related", n).fillna(""),
            "evidence": pd.Series(evidence_json, index=idx, dtype=_STRING),
        }
    )
    return out.reset_index(drop=True)


def _template(msg_id: str) -> str:
    """Return the raw template of a message id in the current language."""
    from edupoverty.i18n import catalogue, get_language

    entry = catalogue().get(msg_id)
    if entry is None:
        return msg_id
    return entry[1] if get_language() == "en" else entry[0]


def _render(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def _evidence_json(ev_frame: pd.DataFrame) -> list[str]:
    """Return one JSON object per row, keys sorted, in one vectorised pandas call."""
    if ev_frame.shape[1] == 0:
        return ["{}"] * len(ev_frame)
    frame = ev_frame[sorted(ev_frame.columns)].copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d").astype(object)
        elif not (
            pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col])
        ):
            frame[col] = (
                frame[col].map(_json_value, na_action="ignore")
                if frame[col].dtype == object
                else frame[col]
            )
    text: str = str(frame.to_json(orient="records", lines=True, force_ascii=False))
    return text.rstrip("\n").split("\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, int | float | str | bool | list | dict):
        return value
    return str(value)


def _col(frame: pd.DataFrame, name: str, n: int) -> pd.Series:
    if name in frame:
        return frame[name].astype(_STRING)
    return pd.Series([pd.NA] * n, index=frame.index, dtype=_STRING)


def fingerprint(
    rule: str, person_id: str | None, program: str | None, term: str | None, where: str = ""
) -> str:
    """Return a finding's stable fingerprint (rule, person, programme, term), for run history.

    Findings without a person (an invalid ID) fall back to their location, ``where``.
    """
    basis = "|".join([rule, person_id or where, program or "", term or ""])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def finding_records(frame: pd.DataFrame) -> list[Finding]:
    """Return a findings frame as typed ``Finding`` records (the public API's form)."""
    out: list[Finding] = []
    for r in frame.itertuples(index=False):
        cents = getattr(r, C.AMOUNT_CENTS)
        out.append(
            Finding(
                rule=r.rule,
                severity=Severity(r.severity),
                person_id=_opt(r.person_id),
                name=_opt(r.name),
                source=r.source,
                file=r.file,
                sheet=r.sheet or "",
                row=None if pd.isna(r.row) else int(r.row),
                program=_opt(r.program),
                term=_opt(r.term),
                amount=None if pd.isna(cents) else Decimal(int(cents)) / 100,
                message=r.message,
                related=r.related or "",
                evidence=json.loads(r.evidence) if r.evidence else {},
            )
        )
    return out


def _opt(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)
