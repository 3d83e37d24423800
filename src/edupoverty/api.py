"""The public API shared by the CLI and scripts: load inputs, reconcile, write outputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from edupoverty.core.engine import ProgressSink, ReconcileResult, run_rules
from edupoverty.io.loading import LoadedInputs, load_inputs

if TYPE_CHECKING:
    from edupoverty.core.policy import Policy


def reconcile(
    inputs: LoadedInputs,
    policy: Policy,
    as_of: dt.date,
    terms: Sequence[str] = (),
    progress: ProgressSink | None = None,
) -> ReconcileResult:
    """Return every finding for the loaded inputs under the policy, in the stable order.

    Args:
        inputs: what ``load_inputs`` returned.
        policy: the aid policy (``edupoverty.io.policy_file.load_policy``).
        as_of: date ages and eligibility are judged at.
        terms: terms under review; empty means every term found in the ledgers.
        progress: optional progress sink.
    """
    return run_rules(
        inputs.registry, inputs.roster, inputs.ledger, policy, as_of, terms, progress=progress
    )


__all__ = ["LoadedInputs", "ReconcileResult", "load_inputs", "reconcile"]
