"""Build and write summary.json from the loaded inputs and the reconcile result."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from edupoverty import __version__
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.summary import FileFacts, RuleFacts, Summary
from edupoverty.io.loading import LoadedInputs
from edupoverty.io.writers.atomic import atomic_write

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy


def build_summary(
    loaded: LoadedInputs, result: ReconcileResult, policy: Policy, policy_source: str
) -> Summary:
    """Return the run's Summary (counts per rule, money, rows per file, policy, as-of date)."""
    from edupoverty.rules import RULES_BY_CODE

    counts = result.counts()
    rules = [
        RuleFacts(
            rule=code,
            title=RULES_BY_CODE[code].RULE.title,
            severity=RULES_BY_CODE[code].RULE.severity.value,
            count=c["count"],
            people=c["people"],
            amount=Decimal(c["amount_cents"]) / 100,
        )
        for code, c in counts.items()
    ]
    issues = (
        pd.concat([loaded.issues, result.issues], ignore_index=True)
        if not result.issues.empty
        else loaded.issues
    )
    errors = issues[issues["level"] == "error"] if not issues.empty else issues
    files = [
        FileFacts(
            file=r.file,
            path=str(r.path),
            kind=str(r.sheets[0].kind) if r.sheets else "",
            sheets=[s.sheet for s in r.sheets],
            skipped_sheets=[s.sheet for s in r.skipped],
            rows_read=r.rows_read,
            rows_rejected=r.rows_rejected,
        )
        for r in loaded.files
    ]
    f = result.findings
    return Summary(
        version=__version__,
        as_of=result.as_of.isoformat(),
        terms=list(result.terms),
        policy={"name": policy.name, "source": policy_source, "fingerprint": policy.fingerprint()},
        files=files,
        rows_read={
            "registry": len(loaded.registry),
            "roster": len(loaded.roster),
            "ledger": len(loaded.ledger),
        },
        rows_rejected=int(errors[["file", "sheet", "row"]].drop_duplicates().shape[0])
        if not errors.empty
        else 0,
        row_issues={str(k): int(v) for k, v in issues["code"].value_counts().sort_index().items()}
        if not issues.empty
        else {},
        rules=rules,
        rules_skipped=dict(result.rules_skipped),
        findings_total=int(len(f)),
        findings_by_severity={
            s: int((f["severity"] == s).sum()) for s in ("high", "medium", "low")
        },
        amount_total=Decimal(int(f["amount_cents"].dropna().abs().sum()) if len(f) else 0) / 100,
    )


def summary_text(summary: Summary) -> str:
    """Return summary.json's text (UTF-8, Chinese kept readable, amounts as numbers)."""
    data = json.loads(summary.model_dump_json())
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_summary_json(summary: Summary, target: Path, inputs: Iterable[Path] = ()) -> None:
    """Write summary.json atomically."""
    with atomic_write(target, inputs) as tmp:
        tmp.write_text(summary_text(summary), encoding="utf-8")
