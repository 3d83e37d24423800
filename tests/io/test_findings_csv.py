"""findings.csv is the SPEC's contract: BOM, exact header, amounts in yuan."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
from edupoverty.io.writers.findings_csv import write_findings_csv

GOLDEN = Path(__file__).parent.parent / "golden" / "findings_header.csv"


def test_findings_csv_starts_with_bom_and_exact_header(tmp_path: Path) -> None:
    """The first bytes equal the golden header (BOM + SPEC header)."""
    target = tmp_path / "findings.csv"
    write_findings_csv(empty_findings(), target)
    assert target.read_bytes() == GOLDEN.read_bytes()


def test_findings_csv_writes_amount_in_yuan_and_row_as_integer(tmp_path: Path) -> None:
    """312.5 yuan stays 312.5; the row is an integer; empty fields stay empty."""
    frame = pd.DataFrame(
        [
            [
                "AMOUNT_MISMATCH",
                "medium",
                "411422201304051215",
                "张伟",
                "ledger",
                "l.xlsx",
                "S",
                7,
                "nonboarding_junior",
                "2024秋",
                31250,
                "金额不符。",
                "",
                "{}",
            ]
        ],
        columns=FINDING_COLUMNS,
    )
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    frame["row"] = frame["row"].astype("Int64")
    target = tmp_path / "findings.csv"
    write_findings_csv(frame, target)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert (
        lines[1]
        == "AMOUNT_MISMATCH,medium,411422201304051215,张伟,ledger,l.xlsx,S,7,nonboarding_junior,2024秋,312.5,金额不符。,"
    )


def test_findings_csv_replaces_previous_file_atomically(tmp_path: Path) -> None:
    """A second write replaces the file whole and leaves no temp file behind."""
    target = tmp_path / "findings.csv"
    target.write_text("old", encoding="utf-8")
    write_findings_csv(empty_findings(), target)
    assert target.read_bytes() == GOLDEN.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["findings.csv"]
