"""The run configuration: shipped defaults < edupov.toml < command-line options, merged once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edupoverty.core.models import Severity


class AuditThresholds(BaseModel):
    """Targets an audit checks indicators against (``[audit]`` in edupov.toml)."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    coverage: float = 1.0
    """Minimum share of eligible enrolled persons paid (应助尽助率)."""
    max_not_enrolled: int = 0
    """Maximum suspected dropouts (疑似失学辍学人数)."""
    max_irregular_money: float = 0.0
    """Maximum irregular money in yuan (违规资金)."""
    data_quality: float = 0.99
    """Minimum share of rows accepted."""


class RunConfig(BaseModel):
    """Everything one reconcile or audit run needs, after merging file and options."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")

    registry: tuple[str, ...] = ()
    """Registry inputs: files, folders or globs."""
    roster: tuple[str, ...] = ()
    """Roster inputs."""
    ledger: tuple[str, ...] = ()
    """Ledger inputs."""
    base: Path | None = None
    """Folder that relative inputs and the policy path are resolved against (the config's)."""
    policy: Path | None = None
    """Policy TOML; None means the shipped national default."""
    as_of: dt.date
    """Date eligibility and ages are judged at."""
    terms: tuple[str, ...] = ()
    """Terms under review; empty means every term found in the ledgers."""
    out: Path | None = None
    """Output folder."""
    columns: dict[str, list[str]] = Field(default_factory=dict)
    """Extra header aliases per canonical column."""
    encoding: str | None = None
    """Forced CSV encoding."""
    fail_on: Severity | None = None
    """Exit 1 when a finding of this severity or worse exists."""
    mask: bool = False
    """Mask IDs and accounts in workbooks."""
    audit: AuditThresholds = Field(default_factory=AuditThresholds)
    """Audit thresholds."""


def resolve_config(file_values: dict[str, Any], cli_values: dict[str, Any]) -> RunConfig:
    """Merge config-file values with command-line values (None means "not given").

    Args:
        file_values: values read from edupov.toml (already flattened to RunConfig fields).
        cli_values: values from options; None or empty tuples do not override.

    Returns:
        The frozen run configuration.
    """
    merged: dict[str, Any] = dict(file_values)
    for key, value in cli_values.items():
        if value is None or (isinstance(value, tuple | list) and not value):
            continue
        merged[key] = value
    return RunConfig(**merged)
