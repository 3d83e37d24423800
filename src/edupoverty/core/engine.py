"""Run the rules over linked inputs and return an ordered FindingSet with run facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.context import RuleContext, distinct_texts
from edupoverty.core.findings import FINDING_COLUMNS, RuleSpec, empty_findings
from edupoverty.core.linking import link_guardian_payments, match_programs
from edupoverty.core.models import SOURCE_KINDS, SourceKind
from edupoverty.core.normalise.terms import term_sort_key

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy


class Rule(Protocol):
    """A rule module: ``RULE`` metadata and a vectorised ``detect``."""

    RULE: RuleSpec

    def detect(self, ctx: RuleContext) -> pd.DataFrame: ...


class ProgressSink(Protocol):
    """Progress protocol (see ``io.loading.Progress``)."""

    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def done(self) -> None: ...


@dataclass
class ReconcileResult:
    """Findings (ordered) plus the facts summary.json reports."""

    findings: pd.DataFrame
    """Frame with ``FINDING_COLUMNS`` in the stable order."""
    issues: pd.DataFrame
    """Row issues raised while linking (unknown programmes)."""
    terms: tuple[str, ...]
    as_of: dt.date
    rules_run: list[str] = field(default_factory=list)
    rules_skipped: dict[str, str] = field(default_factory=dict)
    """Rule code → reason (message id) for rules whose sources were missing."""
    context: RuleContext | None = None

    def counts(self) -> dict[str, dict[str, Any]]:
        """Return per rule: findings, distinct persons, money involved (fen, absolute)."""
        out: dict[str, dict[str, Any]] = {}
        f = self.findings
        for code in self.rules_run:
            rows = f[f["rule"] == code]
            out[code] = {
                "count": int(len(rows)),
                "people": int(rows[C.PERSON_ID].dropna().nunique()),
                "amount_cents": int(rows[C.AMOUNT_CENTS].dropna().abs().sum()) if len(rows) else 0,
            }
        return out


def order_findings(findings: pd.DataFrame, rule_order: Sequence[str]) -> pd.DataFrame:
    """Return findings in the stable order: severity, rule (SPEC order), file, sheet, row."""
    if findings.empty:
        return findings
    severity_rank = {"high": 0, "medium": 1, "low": 2}
    rule_rank = {code: i for i, code in enumerate(rule_order)}
    keys = pd.DataFrame(
        {
            "_sev": findings["severity"].map(severity_rank),
            "_rule": findings["rule"].map(rule_rank),
            "_file": findings[C.FILE].astype(str),
            "_sheet": findings[C.SHEET].fillna("").astype(str),
            "_row": findings[C.ROW].fillna(0).astype("int64"),
            "_pid": findings[C.PERSON_ID].fillna("").astype(str),
            "_prog": findings[C.PROGRAM].fillna("").astype(str),
            "_term": findings[C.TERM].fillna("").astype(str),
        }
    )
    order = keys.sort_values(list(keys.columns), kind="stable").index
    return findings.loc[order].reset_index(drop=True)


def review_terms(ledger: pd.DataFrame, given: Sequence[str]) -> tuple[str, ...]:
    """Return the terms under review: those given, else every term found in the ledgers."""
    if given:
        return tuple(sorted(set(given), key=term_sort_key))
    found = distinct_texts(ledger[C.TERM]) if not ledger.empty else set()
    return tuple(sorted(found, key=term_sort_key))


def run_rules(
    registry: pd.DataFrame,
    roster: pd.DataFrame,
    ledger: pd.DataFrame,
    policy: Policy,
    as_of: dt.date,
    terms: Sequence[str] = (),
    *,
    rules: Sequence[Rule] | None = None,
    progress: ProgressSink | None = None,
) -> ReconcileResult:
    """Link the three sources, run every rule whose sources are present, and order the findings.

    Args:
        registry: registry frame (``REGISTRY_COLUMNS``).
        roster: roster frame (``ROSTER_COLUMNS``).
        ledger: ledger frame (``LEDGER_COLUMNS``).
        policy: the aid policy.
        as_of: date ages and eligibility are judged at.
        terms: terms under review; empty means those in the ledgers.
        rules: rules to run; defaults to ``ALL_RULES`` in SPEC order.
        progress: progress sink.
    """
    from edupoverty.rules import ALL_RULES

    chosen: Sequence[Rule] = rules if rules is not None else ALL_RULES
    if progress:
        progress.start("progress.linking", None)
    linked_ledger, issues = match_programs(ledger, policy)
    linked_ledger = link_guardian_payments(linked_ledger, registry, as_of)
    present = frozenset(
        k for k, f in zip(SOURCE_KINDS, (registry, roster, ledger), strict=True) if not f.empty
    )
    review = review_terms(ledger, terms)
    ctx = RuleContext(registry, roster, linked_ledger, policy, as_of, review, present)
    if progress:
        progress.done()
    result = ReconcileResult(
        findings=empty_findings(), issues=issues, terms=review, as_of=as_of, context=ctx
    )
    parts: list[pd.DataFrame] = []
    if progress:
        progress.start("progress.rules", len(chosen))
    for rule in chosen:
        spec = rule.RULE
        missing: set[SourceKind] = set(spec.needs) - set(present)
        if missing:
            result.rules_skipped[spec.code] = "engine.needs_missing:" + ",".join(sorted(missing))
        else:
            found = rule.detect(ctx)
            parts.append(found[FINDING_COLUMNS])
            result.rules_run.append(spec.code)
        if progress:
            progress.advance(1)
    if progress:
        progress.done()
    non_empty = [p for p in parts if not p.empty]
    combined = pd.concat(non_empty, ignore_index=True) if non_empty else empty_findings()
    result.findings = order_findings(combined, [r.RULE.code for r in ALL_RULES])
    return result
