"""Issue 8: runs killed halfway, two runs on one --out, a full disk, and inputs left untouched.

Real ``edupov`` processes are stopped at named stages (``EDUPOV_TEST_PAUSE_AT``, see
``cli/checkpoints.py``) and killed there with SIGINT, SIGTERM or SIGKILL; the previous
outputs must stay whole and the next run must clean up what a SIGKILL left.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import edupoverty
from edupoverty.cli.checkpoints import PAUSED_MARKER
from edupoverty.cli.main import cli
from edupoverty.cli.reconcile import lock_output
from edupoverty.core.errors import OutputError
from edupoverty.io.history import open_history
from edupoverty.io.writers.atomic import JOURNAL_NAME, LOCK_NAME, OutputLock, atomic_write
from hostile.builders import build_sample_county
from hostile.processes import PATIENCE, Run, final_files, snapshot, temp_files

SRC = Path(edupoverty.__file__).parent.parent


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 60-pupil sample county with ``quick.toml`` and ``changed.toml`` (see ``build_sample_county``)."""
    return build_sample_county(tmp_path_factory.mktemp("county") / "county")


def reconcile(config: Path, out: Path, db: Path, *extra: str) -> Result:
    """Run ``edupov reconcile`` in this process (quiet, its own history database)."""
    return CliRunner().invoke(
        cli,
        ["reconcile", "--config", str(config), "--out", str(out), "--db", str(db), "-q", *extra],
    )


@pytest.fixture(scope="module")
def baseline(county: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A completed reconcile of ``quick.toml``: its output folder and history database."""
    base = tmp_path_factory.mktemp("baseline")
    out, db = base / "out", base / "history.sqlite3"
    result = reconcile(county / "quick.toml", out, db)
    assert result.exit_code == 0, result.stderr
    return out, db


def previous_run(baseline: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """Copy the baseline's outputs and history for one test; return them and the outputs' hashes."""
    out, db = tmp_path / "out", tmp_path / "history.sqlite3"
    shutil.copytree(baseline[0], out)
    shutil.copy(baseline[1], db)
    before = snapshot(out)
    assert "findings.csv" in before and "reconcile.xlsx" in before
    assert any(name.startswith("annotated/") for name in before)
    return out, db, before


def changed_run(county: Path, out: Path, db: Path, stage: str) -> Run:
    """Start a reconcile of the changed inputs into ``out`` that pauses at ``stage``."""
    args = ["reconcile", "--config", str(county / "changed.toml"), "--out", str(out)]
    return Run([*args, "--db", str(db), "-q"], pause=stage)


def run_ids(db: Path) -> list[int]:
    """Return the ids of the runs recorded in a history database."""
    with open_history(db) as history:
        return sorted(r.id for r in history.list_runs())


@pytest.mark.parametrize(
    ("stage", "signum", "code", "message"),
    [
        pytest.param("reading", signal.SIGINT, 130, "已中断", id="读取中Ctrl-C"),
        pytest.param("writing", signal.SIGTERM, 143, "收到终止信号", id="写工作簿时SIGTERM"),
        pytest.param("committing", signal.SIGTERM, 143, "收到终止信号", id="改名前SIGTERM"),
    ],
)
def test_reconcile_interrupted_keeps_previous_outputs_and_leaves_no_temp_or_lock(
    county: Path,
    baseline: tuple[Path, Path],
    tmp_path: Path,
    stage: str,
    signum: int,
    code: int,
    message: str,
) -> None:
    """A run on changed inputs stopped by SIGINT/SIGTERM exits 130/143 with a Chinese line; every output, the lock and the history are as before."""
    out, db, before = previous_run(baseline, tmp_path)
    run = changed_run(county, out, db, stage)
    run.wait_paused(stage)
    pending = temp_files(out)
    if stage == "writing":  # findings.csv and the copies are in temp files, the workbook is not
        assert any(n.startswith(".findings.csv.") for n in pending)
        assert not any(n.startswith(".reconcile.xlsx.") for n in pending)
    if stage == "committing":
        assert any(n.startswith(".reconcile.xlsx.") for n in pending)
    run.proc.send_signal(signum)
    assert run.finish() == code
    assert message in run.stderr and "之前的输出文件保持不变" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(out) == before  # same finals, no temp file, no lock
    assert run_ids(db) == [1]


@pytest.mark.slow
def test_reconcile_killed_by_sigkill_keeps_outputs_and_next_run_cleans_up(
    county: Path, baseline: tuple[Path, Path], tmp_path: Path
) -> None:
    """SIGKILL with every new output in a temp file changes no final file; the next run takes over the stale lock, removes the temp files and writes the new outputs."""
    out, db, before = previous_run(baseline, tmp_path)
    run = changed_run(county, out, db, "committing")
    run.wait_paused("committing")
    run.proc.send_signal(signal.SIGKILL)
    assert run.finish() == -signal.SIGKILL
    left = snapshot(out)
    assert final_files(left) == before
    stale = temp_files(out)
    assert any(n.startswith(".reconcile.xlsx.") for n in stale)
    assert any(n.startswith("annotated/.") for n in stale)
    assert (out / LOCK_NAME).read_text(encoding="ascii") == str(run.pid)

    again = reconcile(county / "changed.toml", out, db)
    assert again.exit_code == 0, again.stderr
    assert temp_files(out) == []
    assert not (out / LOCK_NAME).exists()
    after = snapshot(out)
    assert after["findings.csv"] != before["findings.csv"]  # the changed inputs' findings
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2024-12-01"
    assert run_ids(db) == [1, 2]


_DIE_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from edupoverty.io.writers import atomic

folder = Path(sys.argv[1])
atomic.OutputLock(folder).acquire()
real_replace = os.replace
renamed = []

def replace_then_die(src, dst):
    if Path(dst).name != atomic.JOURNAL_NAME:
        if renamed:
            os.kill(os.getpid(), signal.SIGKILL)
        renamed.append(dst)
    real_replace(src, dst)

os.replace = replace_then_die
with atomic.staged_outputs(folder):
    for name in ("findings.csv", "summary.json", "reconcile.xlsx"):
        with atomic.atomic_write(folder / name) as tmp:
            tmp.write_text("new " + name, encoding="utf-8")
"""


def test_output_lock_finishes_renames_of_a_run_killed_between_them(tmp_path: Path) -> None:
    """A run SIGKILLed after its first rename leaves a journal; the next lock holder completes the renames, so the folder holds one run's outputs."""
    names = ("findings.csv", "summary.json", "reconcile.xlsx")
    for name in names:
        (tmp_path / name).write_text("old " + name, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _DIE_BETWEEN_RENAMES, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in names] == [
        "new findings.csv",
        "old summary.json",
        "old reconcile.xlsx",
    ]
    assert (tmp_path / JOURNAL_NAME).exists()

    lock = OutputLock(tmp_path)
    lock.acquire()
    lock.release()
    assert [(tmp_path / n).read_text(encoding="utf-8") for n in names] == [
        f"new {n}" for n in names
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


_KILLED_MID_RECORD = """
import sys, time
from pathlib import Path
import pandas as pd
from edupoverty.core.findings import FINDING_COLUMNS, empty_findings
from edupoverty.io import history
from edupoverty.io.history import RunRecord, open_history

rows = [
    {"rule": "MISSED_AID", "severity": "high", "person_id": f"41142220120305{i:04d}",
     "name": "张伟", "source": "roster", "file": "r.xlsx", "sheet": "S", "row": i + 2,
     "program": "boarding_primary", "term": "2024秋", "amount_cents": 50000,
     "message": "应助未助", "related": "", "evidence": "{}"}
    for i in range(200)
]
findings = pd.DataFrame(rows, columns=FINDING_COLUMNS).astype(empty_findings().dtypes.to_dict())
run = RunRecord(started_at="2024-11-01T08:00:00", command="reconcile", scope="s", as_of="2024-11-01",
                terms=("2024秋",), policy_name="p", policy_fingerprint="f", tool_version="0",
                counts={}, exit_code=0)
db = open_history(Path(sys.argv[1]))
db.record_run(run, findings)
real_rows = history.finding_rows

def rows_then_stop(frame):
    for i, values in enumerate(real_rows(frame)):
        if i == 100:
            print("%shistory" % sys.argv[2], file=sys.stderr, flush=True)
            time.sleep(600)
        yield values

history.finding_rows = rows_then_stop
db.record_run(run, findings)
"""


def test_history_killed_mid_record_keeps_only_whole_runs(tmp_path: Path) -> None:
    """SIGKILL halfway through recording a run's findings leaves the earlier run whole, no trace of the killed one, and a database that takes the next run."""
    path = tmp_path / "history.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_RECORD, str(path), PAUSED_MARKER],
        stderr=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if f"{PAUSED_MARKER}history" in line:
            break
    else:
        pytest.fail(f"the writer ended before pausing (exit {proc.wait()})")
    proc.kill()
    proc.wait(timeout=PATIENCE)
    with open_history(path) as history:
        runs = history.list_runs()
        assert [(r.id, r.findings) for r in runs] == [(1, 200)]
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM findings WHERE run_id <> 1").fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.slow
def test_second_run_on_a_locked_out_is_refused_while_the_first_completes(
    county: Path, tmp_path: Path
) -> None:
    """While one reconcile holds --out, a second reconcile and an audit exit 2 with the Chinese message naming it, write nothing, and the first then completes whole."""
    out, db = tmp_path / "out", tmp_path / "history.sqlite3"
    config = str(county / "quick.toml")
    first = Run(
        ["reconcile", "--config", config, "--out", str(out), "--db", str(db), "-q"], pause="reading"
    )
    try:
        first.wait_paused("reading")
        assert (out / LOCK_NAME).read_text(encoding="ascii") == str(first.pid)
        second = Run(["reconcile", "--config", config, "--out", str(out), "--db", str(db), "-q"])
        audit = Run(["audit", "--config", config, "--out", str(out), "--db", str(db), "-q"])
        for refused in (second, audit):
            assert refused.finish() == 2
            assert "另一个 edupov 运行" in refused.stderr and str(first.pid) in refused.stderr
            assert "Traceback" not in refused.stderr
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
        first.resume()
        assert first.finish() == 0, first.stderr
    finally:
        first.kill()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    findings_rows = (out / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert summary["findings_total"] == len(findings_rows) - 1 > 0
    assert (out / "reconcile.xlsx").exists() and (out / "annotated").is_dir()
    assert temp_files(out) == [] and not (out / LOCK_NAME).exists()
    with open_history(db) as history:
        assert [r.command for r in history.list_runs()] == ["reconcile"]


def test_lock_output_with_wait_takes_the_lock_once_the_holder_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --wait a run finding --out held by a live process says it is waiting and takes the lock when that process ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    (tmp_path / LOCK_NAME).write_text(str(holder.pid), encoding="ascii")
    said: list[str] = []

    def say_then_end_holder(text: str, style: str | None = None) -> None:
        said.append(text)
        assert holder.stdin is not None
        holder.stdin.close()  # the holder finishes only once the waiting run has said so
        holder.wait(timeout=PATIENCE)

    monkeypatch.setattr("edupoverty.cli.reconcile.say", say_then_end_holder)
    ctx = click.Context(click.Command("reconcile"))
    try:
        with ctx:
            lock_output(ctx, tmp_path, wait=PATIENCE)
            assert (tmp_path / LOCK_NAME).read_text(encoding="ascii") == str(os.getpid())
    finally:
        holder.kill()
        holder.wait()
    assert len(said) == 1 and str(holder.pid) in said[0] and "最多等待" in said[0]
    assert not (tmp_path / LOCK_NAME).exists()


def test_reconcile_on_full_disk_says_so_and_keeps_previous_outputs(
    county: Path, baseline: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC halfway through reconcile.xlsx, after findings.csv and the copies were written, exits 2 with a Chinese "disk full" line, no traceback, and every previous output unchanged."""
    out, db, before = previous_run(baseline, tmp_path)
    written: list[str] = []

    def write_until_disk_full(
        target: Path, *_args: object, inputs: Any = (), **_kw: object
    ) -> None:
        written.extend(temp_files(out))
        with atomic_write(target, inputs) as tmp:
            tmp.write_bytes(b"PK\x03\x04 half a workbook")
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("edupoverty.cli.reconcile.write_reconcile_workbook", write_until_disk_full)
    result = reconcile(county / "changed.toml", out, db)
    assert any(n.startswith(".findings.csv.") for n in written)  # the failure came mid-run
    assert result.exit_code == 2
    assert "磁盘空间不足" in result.stderr and "之前的输出文件保持不变" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert run_ids(db) == [1]


def test_atomic_write_reports_write_errors_and_passes_read_errors_on(tmp_path: Path) -> None:
    """A full disk while writing becomes the "disk full" OutputError; an error reading another file (an input gone mid-copy) stays an OSError for the caller; neither leaves a temp file."""
    target = tmp_path / "out" / "reconcile.xlsx"
    with pytest.raises(OutputError) as full, atomic_write(target) as tmp:
        tmp.write_bytes(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert full.value.details[0].code == "write.disk_full"
    gone = tmp_path / "学籍.xlsx"
    with pytest.raises(FileNotFoundError), atomic_write(target):
        gone.read_bytes()
    assert list((tmp_path / "out").iterdir()) == []


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["validate"], id="validate"),
        pytest.param(["reconcile"], id="reconcile"),
        pytest.param(["audit"], id="audit"),
        pytest.param(["reconcile", "--annotate-all"], id="reconcile-annotate-all"),
    ],
)
def test_command_leaves_every_input_byte_and_mtime_unchanged(
    county: Path, tmp_path: Path, command: list[str]
) -> None:
    """Reading .xlsx, .xls and .csv inputs (and annotating them) never changes an input's bytes or modification time."""
    inputs = county / "registry", county / "roster", county / "ledger"
    suffixes = {p.suffix for folder in inputs for p in folder.iterdir()}
    assert {".xlsx", ".xls", ".csv"} <= suffixes
    before = _fingerprint(county)
    if command == ["validate"]:
        quick = tomllib.loads((county / "quick.toml").read_text(encoding="utf-8"))["inputs"]
        args = [
            "validate",
            *(str(p) for kind in quick.values() for g in kind for p in county.glob(g)),
        ]
    else:
        out = tmp_path / "out"
        args = [
            *command,
            "--config",
            str(county / "quick.toml"),
            "--out",
            str(out),
            "--db",
            str(tmp_path / "h.sqlite3"),
            "-q",
        ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.stderr
    assert _fingerprint(county) == before
