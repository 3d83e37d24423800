"""Run history in SQLite: record, compare, migrate, survive concurrent writers and crashes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import edupoverty
from edupoverty.core.audit import finding_fingerprints
from edupoverty.core.errors import InputError
from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
from edupoverty.io import history as history_module
from edupoverty.io.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    InputRecord,
    RunRecord,
    hash_file,
    open_history,
    run_scope,
)

SRC = Path(edupoverty.__file__).parent.parent


def _finding(
    rule: str,
    person: str,
    program: str | None = "boarding_primary",
    term: str | None = "2024秋",
    row: int = 2,
) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": "high",
        "person_id": person,
        "name": "张伟",
        "source": "ledger",
        "file": "l.xlsx",
        "sheet": "Sheet1",
        "row": row,
        "program": program,
        "term": term,
        "amount_cents": 50000,
        "message": "问题",
        "related": "",
        "evidence": "{}",
    }


def findings_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return a findings frame with the engine's dtypes."""
    empty = empty_findings()
    return (
        pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(empty.dtypes.to_dict())
        if rows
        else empty
    )


def _run(scope: str = "scope1", **overrides: Any) -> RunRecord:
    values: dict[str, Any] = {
        "started_at": "2024-11-01T08:00:00",
        "command": "audit",
        "scope": scope,
        "as_of": "2024-11-01",
        "terms": ("2024秋",),
        "policy_name": "测试政策",
        "policy_fingerprint": "abc",
        "tool_version": "0.1.0",
        "counts": {"findings": 1},
        "exit_code": 1,
    }
    values.update(overrides)
    return RunRecord(**values)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[history_module.History]:
    """A fresh history database in tmp_path."""
    with open_history(tmp_path / "history.sqlite3") as h:
        yield h


def test_open_history_creates_current_schema_in_wal_mode(tmp_path: Path) -> None:
    """A new database gets every migration, WAL journaling and the busy timeout."""
    path = tmp_path / "sub" / "h.sqlite3"
    open_history(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_record_run_reads_back_run_inputs_and_findings(
    db: history_module.History, tmp_path: Path
) -> None:
    """A recorded run comes back with its facts, hashed inputs and every finding."""
    source = tmp_path / "l.xlsx"
    source.write_bytes(b"ledger bytes")
    inputs = (InputRecord.of("ledger", source),)
    frame = findings_frame(
        [_finding("MISSED_AID", "A"), _finding("INVALID_ID", None, None, None, row=7)]
    )  # type: ignore[arg-type]
    run_id = db.record_run(
        _run(inputs=inputs, indicators=[{"key": "coverage", "value": 0.5}]), frame
    )
    run = db.run(run_id)
    assert run is not None
    assert (run.command, run.terms, run.exit_code, run.findings) == ("audit", ("2024秋",), 1, 2)
    assert run.inputs[0].sha256 == hash_file(source) and run.inputs[0].size == len(b"ledger bytes")
    assert run.indicators == [{"key": "coverage", "value": 0.5}]
    assert set(db.findings(run_id)["fingerprint"]) == set(finding_fingerprints(frame))


def test_diff_yields_new_open_and_resolved_fingerprint_sets(db: history_module.History) -> None:
    """Run 1 has A, B, C; run 2 has B (moved row), C and D: D new, B and C open, A resolved."""
    first = findings_frame([_finding("MISSED_AID", p) for p in "ABC"])
    second = findings_frame(
        [
            _finding("MISSED_AID", "B", row=40),
            _finding("MISSED_AID", "C"),
            _finding("MISSED_AID", "D"),
        ]
    )
    run_a, run_b = db.record_run(_run(), first), db.record_run(_run(), second)
    prints = dict(zip("ABC", finding_fingerprints(first), strict=True))
    d_print = finding_fingerprints(second).iloc[2]
    diff = db.diff(run_a, run_b)
    assert diff.new == {d_print}
    assert diff.open == {prints["B"], prints["C"]}
    assert diff.resolved == {prints["A"]}


def test_previous_run_is_the_latest_earlier_run_of_the_same_scope(
    db: history_module.History,
) -> None:
    """Runs of another scope are ignored; ``before_run_id`` excludes later runs."""
    first = db.record_run(_run("s1"), empty_findings())
    db.record_run(_run("s2"), empty_findings())
    third = db.record_run(_run("s1"), empty_findings())
    assert db.previous_run("s1", third).id == first  # type: ignore[union-attr]
    assert db.previous_run("s1").id == third  # type: ignore[union-attr]
    assert db.previous_run("s3") is None
    assert [r.id for r in db.list_runs()] == [third, third - 1, first]


def test_record_run_failing_midway_leaves_no_partial_run(
    db: history_module.History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash while writing findings rolls the whole run back: no run row, no finding rows."""

    def broken(findings: pd.DataFrame) -> Iterator[tuple[Any, ...]]:
        yield from list(history_module.finding_rows(findings))[:1]
        raise RuntimeError("disk pulled out")

    original = history_module.finding_rows
    monkeypatch.setattr(history_module, "finding_rows", broken)
    with pytest.raises(RuntimeError):
        db.record_run(_run(), findings_frame([_finding("MISSED_AID", p) for p in "AB"]))
    monkeypatch.setattr(history_module, "finding_rows", original)
    assert db.list_runs() == []
    assert db.findings(1).empty
    assert db.record_run(_run(), empty_findings()) >= 1


def test_open_history_migrates_a_version_one_database(tmp_path: Path) -> None:
    """A database left at schema 1 is upgraded in place and keeps its runs."""
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    con.execute(
        "INSERT INTO runs (started_at, command, scope, as_of, terms, policy_name, policy_fingerprint, tool_version, counts)"
        " VALUES ('2024-09-01T08:00:00', 'reconcile', 's1', '2024-09-01', '[\"2024秋\"]', 'p', 'f', '0.0.9', '{}')"
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with open_history(path) as h:
        runs = h.list_runs()
        assert [(r.command, r.exit_code) for r in runs] == [("reconcile", None)]
        new_id = h.record_run(_run("s1", exit_code=0), empty_findings())
        assert h.previous_run("s1", new_id).id == runs[0].id  # type: ignore[union-attr]
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "runs_scope" in {
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    con.close()


def test_open_history_refuses_a_database_from_a_newer_edupov(tmp_path: Path) -> None:
    """A schema newer than this edupov knows is an InputError, not a silent downgrade."""
    path = tmp_path / "new.sqlite3"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(InputError, match=str(SCHEMA_VERSION + 1)):
        open_history(path)


def test_open_history_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    """A text file at the --db path gives an InputError naming it."""
    path = tmp_path / "notes.sqlite3"
    path.write_text("not a database at all, just some notes " * 50, encoding="utf-8")
    with pytest.raises(InputError, match="notes.sqlite3"):
        open_history(path)


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import pandas as pd
    from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
    from edupoverty.io.history import RunRecord, open_history

    db, go, tag = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    rows = [{"rule": "MISSED_AID", "severity": "high", "person_id": f"{tag}{i:06d}", "name": "张", "source": "ledger",
             "file": "l.xlsx", "sheet": "S", "row": i + 2, "program": "p", "term": "2024秋", "amount_cents": 500,
             "message": "m", "related": "", "evidence": "{}"} for i in range(5000)]
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(empty_findings().dtypes.to_dict())
    (go.parent / f"ready-{tag}").touch()
    while not go.exists():
        time.sleep(0.005)
    with open_history(db) as h:
        h.record_run(RunRecord("2024-11-01T02:00:00", "audit", "cron", "2024-11-01", ("2024秋",), "p", "f", "0.1.0", {}), frame)
    """
)


@pytest.mark.slow
def test_two_processes_recording_into_one_new_database_both_succeed(tmp_path: Path) -> None:
    """Two cron runs creating and writing the same database at once both finish and both runs are kept."""
    db, go = tmp_path / "shared.sqlite3", tmp_path / "go"
    env = {"PYTHONPATH": str(SRC), "PATH": ""}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), str(go), tag],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    deadline = time.monotonic() + 60
    while (
        not all((tmp_path / f"ready-{tag}").exists() for tag in "AB")
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    go.touch()  # both are ready: they open, migrate and write at the same moment
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    with open_history(db) as h:
        runs = h.list_runs()
        assert len(runs) == 2 and all(r.findings == 5000 for r in runs)


def test_run_scope_ignores_order_of_patterns_and_terms(tmp_path: Path) -> None:
    """The same inputs and terms in another order give the same scope; other terms another one."""
    a = run_scope({"roster": [str(tmp_path / "b"), str(tmp_path / "a")]}, ["2025春", "2024秋"])
    b = run_scope({"roster": [str(tmp_path / "a"), str(tmp_path / "b")]}, ["2024秋", "2025春"])
    assert a == b != run_scope({"roster": [str(tmp_path / "a")]}, ["2024秋"])


def test_use_wal_waits_while_another_process_holds_a_new_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A journal-mode change answered "database is locked" (a second cron job) is retried."""
    import sqlite3

    from edupoverty.io import history

    class Busy:
        def __init__(self) -> None:
            self.calls = 0

        def execute(self, sql: str) -> None:
            self.calls += 1
            if self.calls < 3:
                raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(history.time, "sleep", lambda _s: None)
    db = Busy()
    history._use_wal(db)  # type: ignore[arg-type]
    assert db.calls == 3
