"""One end-to-end golden run: generate the sample, reconcile it, compare with the answer key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.core.summary import Summary
from edupoverty.rules import ALL_RULES

ID18 = re.compile(r"\d{17}[\dX]")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 600-pupil sample county, generated once per session."""
    from edupoverty.sample import generate_sample

    out = tmp_path_factory.mktemp("sample") / "county"
    generate_sample(out, students=600, seed=7, fmt="xlsx")
    return out


@pytest.fixture(scope="session")
def reconciled(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The sample reconciled through the CLI with its own edupov.toml."""
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        cli,
        ["reconcile", "--config", str(sample_dir / "edupov.toml"), "--out", str(out)],
        catch_exceptions=False,
    )
    return out, result


def test_reconcile_on_sample_exits_zero_and_masks_ids_on_terminal(
    reconciled: tuple[Path, object],
) -> None:
    """The sample reconciles with exit 0, and no full ID reaches the terminal."""
    _out, result = reconciled
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert not ID18.search(result.stderr)  # type: ignore[attr-defined]
    assert "应助未助" in result.stderr  # type: ignore[attr-defined]


def test_reconcile_on_sample_matches_answer_key_per_rule(
    sample_dir: Path, reconciled: tuple[Path, object]
) -> None:
    """Every rule's precision and recall against expected_findings.csv is at least 0.98."""
    from edupoverty.sample.accuracy import compare

    out, _result = reconciled
    expected = pd.read_csv(
        sample_dir / "expected_findings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    actual = pd.read_csv(
        out / "findings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    table = compare(expected, actual)
    assert set(table["rule"]) >= {r.RULE.code for r in ALL_RULES}
    weak = table[(table["precision"] < 0.98) | (table["recall"] < 0.98)]
    assert weak.empty, weak.to_string()


def test_reconcile_summary_json_validates_against_its_model(
    reconciled: tuple[Path, object],
) -> None:
    """summary.json parses into the Summary model and counts match findings.csv."""
    out, _result = reconciled
    summary = Summary.model_validate(json.loads((out / "summary.json").read_text(encoding="utf-8")))
    findings = pd.read_csv(
        out / "findings.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert summary.findings_total == len(findings)
    assert {r.rule: r.count for r in summary.rules} == {
        code: int((findings["rule"] == code).sum()) for code in [r.rule for r in summary.rules]
    }


def test_reconcile_is_byte_identical_on_rerun(
    sample_dir: Path, reconciled: tuple[Path, object], tmp_path: Path
) -> None:
    """The same inputs, policy and as-of date give the same findings.csv, byte for byte."""
    out, _result = reconciled
    again = CliRunner().invoke(
        cli,
        [
            "reconcile",
            "--config",
            str(sample_dir / "edupov.toml"),
            "--out",
            str(tmp_path),
            "--quiet",
        ],
    )
    assert again.exit_code == 0
    assert (tmp_path / "findings.csv").read_bytes() == (out / "findings.csv").read_bytes()


def test_reconcile_json_prints_summary_only(
    sample_dir: Path, reconciled: tuple[Path, object], tmp_path: Path
) -> None:
    """--json prints summary.json to stdout and nothing else; it equals the written file."""
    result = CliRunner().invoke(
        cli,
        [
            "reconcile",
            "--config",
            str(sample_dir / "edupov.toml"),
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(
        (tmp_path / "summary.json").read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(("level", "code"), [("high", 1), ("low", 1)])
def test_reconcile_fail_on_exits_one_when_findings_reach_severity(
    sample_dir: Path, tmp_path: Path, level: str, code: int
) -> None:
    """--fail-on exits 1 when a finding of that severity or worse exists (the sample has high ones)."""
    result = CliRunner().invoke(
        cli,
        [
            "reconcile",
            "--config",
            str(sample_dir / "edupov.toml"),
            "--out",
            str(tmp_path),
            "--quiet",
            "--fail-on",
            level,
        ],
    )
    assert result.exit_code == code
    assert result.stderr == ""


def test_reconcile_exits_two_for_broken_policy(sample_dir: Path, tmp_path: Path) -> None:
    """A policy with an unknown stage stops the run with exit 2 and a Chinese message naming the line."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[policy]\nname = "坏"\n\n[[program]]\ncode = "x"\nname = "某补助"\nstages = ["大学"]\nper_term = 100\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        [
            "reconcile",
            "--config",
            str(sample_dir / "edupov.toml"),
            "--policy",
            str(bad),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "大学" in result.stderr


def test_reconcile_no_annotated_writes_same_findings_without_copies(
    sample_dir: Path, reconciled: tuple[Path, object], tmp_path: Path
) -> None:
    """--no-annotated (province batches) writes the same findings and no annotated/ folder."""
    out, _result = reconciled
    batch = tmp_path / "batch"
    result = CliRunner().invoke(
        cli,
        [
            "reconcile",
            "--config",
            str(sample_dir / "edupov.toml"),
            "--out",
            str(batch),
            "--no-annotated",
            "--no-history",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert not (batch / "annotated").exists()
    assert (out / "annotated").is_dir()
    assert (batch / "findings.csv").read_bytes() == (out / "findings.csv").read_bytes()
    assert (batch / "reconcile.xlsx").is_file()
