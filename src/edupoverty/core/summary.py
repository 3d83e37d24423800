"""The summary.json model: what a run read, which rules ran, what they found."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

Yuan = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
"""Money in yuan: exact in Python, a JSON number in summary.json."""


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")


class FileFacts(_Model):
    """Rows read and rejected in one input file."""

    file: str
    """File name."""
    path: str
    """Full path as read."""
    kind: str
    """registry, roster or ledger (of its first sheet)."""
    sheets: list[str]
    """Sheets read."""
    skipped_sheets: list[str] = Field(default_factory=list)
    """Sheets skipped (hidden, empty, no header)."""
    rows_read: int
    """Data rows read."""
    rows_rejected: int
    """Rows with at least one error."""


class RuleFacts(_Model):
    """What one rule found."""

    rule: str
    """Rule code."""
    title: str
    """Chinese (or --lang) title."""
    severity: str
    """high, medium or low."""
    count: int
    """Findings."""
    people: int
    """Distinct persons involved."""
    amount: Yuan
    """Money involved in yuan (absolute values summed)."""


class Summary(_Model):
    """summary.json: the run's facts, stable for scripts."""

    tool: str = "edupov"
    """Always ``edupov``."""
    version: str
    """Tool version."""
    as_of: str
    """As-of date, ISO format."""
    terms: list[str]
    """Terms under review."""
    policy: dict[str, str]
    """Policy name, source path (or ``builtin``) and fingerprint."""
    files: list[FileFacts]
    """Per input file."""
    rows_read: dict[str, int]
    """Rows read per source kind."""
    rows_rejected: int
    """Rows with at least one error, all files."""
    row_issues: dict[str, int]
    """Row issues per message id."""
    rules: list[RuleFacts]
    """Per rule that ran, in SPEC order."""
    rules_skipped: dict[str, str]
    """Rule code → why it did not run."""
    findings_total: int
    """All findings."""
    findings_by_severity: dict[str, int]
    """Findings per severity."""
    amount_total: Yuan
    """Money involved over all findings, yuan."""
