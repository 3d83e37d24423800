"""Two runs writing one output folder never interleave: a lock file, stale locks taken over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.io.writers.atomic import LOCK_NAME

SAMPLE = Path(__file__).parent.parent.parent / "sample_data" / "edupov.toml"


def test_reconcile_refuses_output_folder_locked_by_a_live_run(tmp_path: Path) -> None:
    """A lock held by a live process makes the second run exit 2 with a clear message, writing nothing."""
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / LOCK_NAME).write_text(str(holder.pid), encoding="ascii")
        result = CliRunner().invoke(
            cli, ["reconcile", "--config", str(SAMPLE), "--out", str(tmp_path), "--no-history"]
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2
    assert "正在写入这个输出文件夹" in result.stderr
    assert not (tmp_path / "findings.csv").exists()


def test_reconcile_takes_over_a_stale_lock_and_removes_it(tmp_path: Path) -> None:
    """A lock left by a killed run (its process is gone) does not block; the run removes its own lock."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK_NAME).write_text(str(dead.pid), encoding="ascii")
    result = CliRunner().invoke(
        cli,
        ["reconcile", "--config", str(SAMPLE), "--out", str(tmp_path), "--quiet", "--no-history"],
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "findings.csv").exists()
    assert not (tmp_path / LOCK_NAME).exists()
    assert os.listdir(tmp_path)  # outputs stay
