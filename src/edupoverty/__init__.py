"""edupov: reconcile student-aid registries, school rosters and payment ledgers.

Scripts use the same two calls as the CLI::

    from edupoverty import load_inputs, reconcile
    from edupoverty.io.policy_file import load_policy

    loaded = load_inputs(registry=["registry/"], roster=["roster/"], ledger=["ledger/"])
    result = reconcile(loaded, load_policy(None), as_of=datetime.date(2024, 11, 1))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Lazy, so that `edupov --version` does not import pandas.
    if name in {"reconcile", "load_inputs", "LoadedInputs", "ReconcileResult"}:
        from edupoverty import api

        return getattr(api, name)
    raise AttributeError(name)
