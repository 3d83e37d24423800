"""Real ``edupov`` processes for the issue-8 tests: start, pause at a stage, signal, collect.

A run started with ``pause="writing"`` prints ``edupov-test-paused:writing`` on stderr
when it reaches that stage and waits for a line on stdin (``cli/checkpoints.py``), so a
test kills it exactly there instead of racing a timer; ``resume()`` lets it go on.
``run_measured`` runs a child to its end under a timeout and reports its peak memory.
The tests and ``benchmarks/robustness.py`` share these helpers.
"""

from __future__ import annotations

import hashlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from edupoverty.cli.checkpoints import PAUSE_ENV, PAUSED_MARKER
from edupoverty.io.writers.atomic import LOCK_NAME, TEMP_SUFFIX

ENTRY = "from edupoverty.cli.main import main; main()"
"""What the ``edupov`` console script runs (signal handlers included)."""

PATIENCE = 240.0
"""Seconds a test waits for a stage or an exit on a loaded 2-core machine before failing."""


def cli_env(**extra: str) -> dict[str, str]:
    """Return the environment for a child ``edupov``: Chinese messages, no stray test hooks."""
    env = {k: v for k, v in os.environ.items() if k not in ("EDUPOV_LANG", PAUSE_ENV)}
    env.update(extra)
    return env


class Run:
    """One ``edupov`` child process with its stderr read line by line as it comes."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        pause: str | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        child_env = env if env is not None else cli_env()
        if pause is not None:
            child_env = {**child_env, PAUSE_ENV: pause}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env,
            cwd=cwd,
        )
        self.pid = self.proc.pid
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[str] = []
        self._stdout: list[bytes] = []
        self._pumps = [
            threading.Thread(target=self._pump_stderr, daemon=True),
            threading.Thread(target=self._pump_stdout, daemon=True),
        ]
        for pump in self._pumps:
            pump.start()

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", errors="replace")
            self._stderr.append(line)
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        self._stdout.append(self.proc.stdout.read())

    def wait_for_line(self, text: str, timeout: float = PATIENCE) -> None:
        """Block until a stderr line contains ``text``; fail if the process ends first."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise AssertionError(f"no {text!r} on stderr within {timeout} s: {self.stderr}")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"exited before {text!r}: {self.stderr}")
            if text in line:
                return

    def wait_paused(self, stage: str) -> None:
        """Block until the run reports it is paused at ``stage``."""
        self.wait_for_line(f"{PAUSED_MARKER}{stage}")

    def resume(self) -> None:
        """Let a paused run carry on."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"\n")
        self.proc.stdin.close()

    def finish(self, timeout: float = PATIENCE) -> int:
        """Wait for the exit (stdin closed first, so a later checkpoint cannot block); return the code."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        code = self.proc.wait(timeout=timeout)
        for pump in self._pumps:
            pump.join(timeout)
        return code

    def kill(self) -> None:
        """End the process at once (cleanup for a failing test)."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    @property
    def stderr(self) -> str:
        """Everything the process wrote on stderr so far."""
        return "".join(self._stderr)

    @property
    def stdout(self) -> str:
        """What the process wrote on stdout (complete after ``finish``)."""
        return b"".join(self._stdout).decode("utf-8", errors="replace")


def snapshot(folder: Path) -> dict[str, str]:
    """Return relative path → sha256 of every file below ``folder``, hidden files included."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def final_files(files: dict[str, str]) -> dict[str, str]:
    """Drop temp files and the lock from a snapshot: what a user or a script reads."""
    return {
        name: digest
        for name, digest in files.items()
        if not name.endswith(TEMP_SUFFIX) and Path(name).name != LOCK_NAME
    }


def temp_files(folder: Path) -> list[str]:
    """Return every temp file below ``folder`` (relative names)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(f"*{TEMP_SUFFIX}"))


@dataclass(frozen=True)
class Finished:
    """How a measured child process ended."""

    exit_code: int | None
    """Its exit code (negative: the signal that ended it); None when it hit the timeout."""
    stdout: str
    stderr: str
    peak_mb: float
    """Peak resident memory in MB, from ``wait4`` (so a child killed by a cap still reports)."""
    seconds: float

    @property
    def hung(self) -> bool:
        """True when the child was still running at the timeout and was killed."""
        return self.exit_code is None


def run_measured(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    limit_mb: int | None = None,
) -> Finished:
    """Run a child to its end or its timeout and return its exit, output and peak memory.

    Output goes to temp files, not pipes, so a child printing a lot never blocks while it
    is polled with ``wait4`` (POSIX only).

    Args:
        argv: the command (e.g. ``[sys.executable, "-c", ENTRY, "validate", ...]``).
        timeout: seconds before the child counts as hung and is killed.
        cwd: its working folder.
        env: its environment (``cli_env()`` when None).
        limit_mb: cap its address space (``RLIMIT_AS``), so a regression cannot eat the machine.
    """
    import resource

    def cap() -> None:
        if limit_mb is not None:
            limit = limit_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=cap,
            env=env if env is not None else cli_env(),
            cwd=cwd,
        )
        hung = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                proc.kill()
                _pid, status, usage = os.wait4(proc.pid, 0)
                hung = True
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Finished(
            exit_code=None if hung else proc.returncode,
            stdout=out.read().decode("utf-8", errors="replace"),
            stderr=err.read().decode("utf-8", errors="replace"),
            peak_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
            seconds=seconds,
        )
