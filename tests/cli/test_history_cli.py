"""``edupov history``: list, show and diff recorded runs, with IDs masked on the terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from edupoverty.cli import audit as audit_cli
from edupoverty.cli import history as history_cli
from edupoverty.cli.history import resolve_db_path
from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
from edupoverty.io.history import RunRecord, default_history_path, open_history
from factories import make_id

ID18 = re.compile(r"\d{17}[\dX]")
A, B, C = (make_id(f"2014030{i}", seq=100 + i) for i in (1, 2, 3))


def _cli() -> click.Group:
    from edupoverty.cli.main import cli

    for name, module in (("audit", audit_cli), ("history", history_cli)):
        if name not in cli.commands:
            cli.add_command(module.command, name)
    return cli


def invoke(*args: str) -> Result:
    """Run edupov with arguments; stdout and stderr stay apart."""
    return CliRunner().invoke(
        _cli(), list(args), catch_exceptions=False, env={"EDUPOV_HISTORY_DB": ""}
    )


def _findings(people: str) -> pd.DataFrame:
    ids = {"A": A, "B": B, "C": C}
    rows: list[dict[str, Any]] = [
        {
            "rule": "MISSED_AID",
            "severity": "high",
            "person_id": ids[p],
            "name": f"张{p}",
            "source": "roster",
            "file": "r.xlsx",
            "sheet": "S",
            "row": 2,
            "program": "boarding_primary",
            "term": "2024秋",
            "amount_cents": 50000,
            "message": f"{ids[p]} 应助未助",
            "related": "",
            "evidence": "{}",
        }
        for p in people
    ]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(empty_findings().dtypes.to_dict())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with two runs of one scope: A and B, then B and C."""
    path = tmp_path / "h.sqlite3"
    with open_history(path) as h:
        for people, when in (("AB", "2024-11-01T02:00:00"), ("BC", "2025-04-01T02:00:00")):
            run = RunRecord(
                when,
                "reconcile",
                "s1",
                when[:10],
                ("2024秋",),
                "测试政策",
                "f00d",
                "0.1.0",
                {"rules": {"MISSED_AID": {"count": 2, "people": 2, "amount_cents": 100000}}},
                exit_code=0,
            )
            h.record_run(run, _findings(people))
    return path


def test_history_without_subcommand_lists_runs_newest_first(db: Path) -> None:
    """``edupov history --db`` lists both runs (list is the default subcommand)."""
    result = invoke("history", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.index("2025-04-01") < result.stderr.index("2024-11-01")


def test_history_list_json_prints_runs_on_stdout(db: Path) -> None:
    """``history list --json`` gives one object per run on stdout."""
    result = invoke("history", "list", "--db", str(db), "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == [2, 1]


def test_history_show_reprints_a_run_summary(db: Path) -> None:
    """``history show 1`` prints the run's time, command and per-rule counts."""
    result = invoke("history", "show", "1", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "2024-11-01" in result.stderr and "MISSED_AID" in result.stderr


def test_history_diff_shows_new_and_resolved_findings_with_ids_masked(db: Path) -> None:
    """Run 1 → 2: C is new, A resolved, B open; no full ID reaches the terminal."""
    result = invoke("history", "diff", "1", "2", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "张C" in result.stderr and "张A" in result.stderr
    assert not ID18.search(result.stderr + result.stdout)
    data = json.loads(invoke("history", "diff", "1", "2", "--db", str(db), "--json").stdout)
    assert data["counts"] == {"new": 1, "open": 1, "resolved": 1}
    assert [f["name"] for f in data["new"]] == ["张C"] and [
        f["name"] for f in data["resolved"]
    ] == ["张A"]
    assert not ID18.search(json.dumps(data, ensure_ascii=False))


def test_history_show_exits_two_for_an_unknown_run(db: Path) -> None:
    """Asking for a run that does not exist is one Chinese line and exit 2."""
    result = invoke("history", "show", "99", "--db", str(db))
    assert result.exit_code == 2
    assert "99" in result.stderr and "Traceback" not in result.stderr


def test_history_list_says_so_when_there_is_no_database_yet(tmp_path: Path) -> None:
    """A --db path that does not exist is not created by listing; the user is told there is no history."""
    path = tmp_path / "none.sqlite3"
    result = invoke("history", "--db", str(path))
    assert result.exit_code == 0
    assert not path.exists()


def test_resolve_db_path_prefers_option_then_environment_then_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db wins over $EDUPOV_HISTORY_DB, which wins over [history] db, which wins over the default."""
    config = tmp_path / "edupov.toml"
    config.write_text('[history]\ndb = "runs/h.sqlite3"\n', encoding="utf-8")
    monkeypatch.delenv("EDUPOV_HISTORY_DB", raising=False)
    assert resolve_db_path(None, config) == tmp_path.resolve() / "runs" / "h.sqlite3"
    assert resolve_db_path(None, None) == default_history_path()
    monkeypatch.setenv("EDUPOV_HISTORY_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_db_path(None, config) == tmp_path / "env.sqlite3"
    assert resolve_db_path(tmp_path / "opt.sqlite3", config) == tmp_path / "opt.sqlite3"
