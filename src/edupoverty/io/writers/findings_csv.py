"""Write findings.csv exactly per the SPEC's contract: UTF-8 with BOM, fixed header."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.findings import CONTRACT_COLUMNS, fen_to_yuan
from edupoverty.io.writers.atomic import atomic_write


def findings_to_contract(findings: pd.DataFrame) -> pd.DataFrame:
    """Return the findings frame in the contract's columns and text forms (amount in yuan)."""
    out = pd.DataFrame(index=findings.index)
    for col in CONTRACT_COLUMNS:
        if col == "amount":
            out[col] = (
                findings[C.AMOUNT_CENTS].map(fen_to_yuan) if len(findings) else pd.Series(dtype=str)
            )
        elif col == "row":
            out[col] = findings[C.ROW].astype("Int64").astype(str).replace("<NA>", "")
        else:
            out[col] = findings[col].astype(object).where(findings[col].notna(), "")
    return out


def write_findings_csv(findings: pd.DataFrame, target: Path, inputs: Iterable[Path] = ()) -> None:
    """Write findings.csv (BOM, ``\\r\\n`` line ends as Excel expects, minimal quoting)."""
    contract = findings_to_contract(findings)
    with atomic_write(target, inputs) as tmp:
        contract.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
