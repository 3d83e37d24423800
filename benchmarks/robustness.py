"""Issue 8's robustness figures: every hostile input through the real CLI, and runs killed halfway.

    python benchmarks/robustness.py            # the whole catalogue, 18 kill trials
    python benchmarks/robustness.py --quick    # light cases only, 3 kill trials

Every case of ``tests/hostile/builders.py``'s ``HOSTILE_INPUTS`` is built and run through
``edupov validate``, ``reconcile`` and ``audit`` (the commands its entry lists), each in
its own process with a timeout and an address-space cap; the inputs are hashed before and
after. Then ``reconcile`` and ``audit`` runs on a small generated county whose previous
outputs exist are stopped at each checkpoint (``reading``, ``writing``, ``committing``,
see ``cli/checkpoints.py``) with SIGINT, SIGTERM and SIGKILL, and the next run is let
through. A kill leaves a partial output when, right after it, the files under their
final names are neither the previous run's nor a whole new set, when SIGINT/SIGTERM leave
a temp file or the lock behind, or when, after the next run, the folder is not exactly
what that run gives from the same starting point (a file of the killed or the previous
run left over, a temp file, the lock or the rename journal). ``.xlsx`` files are compared
without ``docProps/core.xml``, which carries the time they were written.

Prints one table and exits 1 when a must-be-zero count is not zero.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edupoverty.cli.checkpoints import STAGES
from edupoverty.io.history import open_history
from edupoverty.io.writers.atomic import JOURNAL_NAME, LOCK_NAME

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # the catalogue and the process helpers live there

# Imported after the path is set: they are test modules, not part of the package.
from hostile.builders import (  # noqa: E402
    HOSTILE_INPUTS,
    HostileCase,
    build_sample_county,
    crash_markers_in,
    message_problems,
)
from hostile.processes import (  # noqa: E402
    ENTRY,
    Finished,
    Run,
    final_files,
    run_measured,
    temp_files,
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SIGNALS: dict[str, tuple[signal.Signals, int]] = {
    "SIGINT": (signal.SIGINT, 130),
    "SIGTERM": (signal.SIGTERM, 143),
    "SIGKILL": (signal.SIGKILL, -signal.SIGKILL),
}
"""Signal → the exit code the killed run must end with (130/143 from the CLI's handlers)."""
QUICK_TRIALS = (("reading", "SIGINT"), ("writing", "SIGTERM"), ("committing", "SIGKILL"))
"""``--quick``: each stage and each signal once, on reconcile."""
RUN_EXITS = {"reconcile": frozenset({0}), "audit": frozenset({0, 1})}
"""What a whole run on the sample county exits with (audit: 1 when an indicator fails)."""
PATIENCE_WHOLE_RUN = 300.0
"""Seconds a whole run on the sample county may take on a loaded 2-core machine."""
WRITE_TIME_PART = "docProps/core.xml"
"""The part of an .xlsx that holds the time it was written: left out when comparing."""


@dataclass
class Tally:
    """The counts the table prints, and what went wrong in words."""

    inputs_tried: int = 0
    skipped: list[str] = field(default_factory=list)
    commands_run: int = 0
    tracebacks: int = 0
    hangs: int = 0
    unexpected_exits: int = 0
    message_problems: int = 0
    inputs_modified: int = 0
    peak_mb: float = 0.0
    peak_where: str = ""
    kill_trials: int = 0
    partial_outputs: int = 0
    history_left: int = 0
    problems: list[str] = field(default_factory=list)

    def measured(self, done: Finished, where: str) -> None:
        """Count a finished child: its peak memory, a hang, a traceback."""
        if done.peak_mb > self.peak_mb:
            self.peak_mb, self.peak_where = done.peak_mb, where
        if done.hung:
            self.hangs += 1
            self.problems.append(f"{where}: still running after the timeout")
        self.crashed(done.stdout, done.stderr, where)

    def crashed(self, stdout: str, stderr: str, where: str) -> None:
        """Count a traceback or an internal-error line in a run's output."""
        markers = crash_markers_in(stdout, stderr)
        if markers:
            self.tracebacks += 1
            self.problems.append(f"{where}: {markers[0]!r} in the output")

    def exited(self, code: int | None, expected: frozenset[int], where: str) -> None:
        """Count an exit code outside ``expected`` (a hang is counted as a hang only)."""
        if code is not None and code not in expected:
            self.unexpected_exits += 1
            self.problems.append(f"{where}: exit {code}, expected {sorted(expected)}")

    @property
    def must_be_zero(self) -> int:
        """The sum of the counts that must be zero."""
        return (
            self.tracebacks
            + self.hangs
            + self.unexpected_exits
            + self.message_problems
            + self.inputs_modified
            + self.partial_outputs
        )


def cli_argv(*args: str) -> list[str]:
    """Return the command line of an ``edupov`` child on this interpreter."""
    return [sys.executable, "-c", ENTRY, *args]


# --------------------------------------------------------------------------- hostile inputs


def run_catalogue(
    work: Path, cases: Sequence[HostileCase], timeout: float, cap_mb: int, tally: Tally
) -> None:
    """Build every case and run each command its entry lists, counting what went wrong."""
    for case in cases:
        if case.needs_non_root and IS_ROOT:
            tally.skipped.append(f"{case.name} (root ignores file permissions)")
            continue
        folder = work / "hostile" / case.name
        built = case.build(folder)
        tally.inputs_tried += 1
        ran: list[str] = []
        try:
            for command, outcome in case.expect.items():
                where = f"{case.name} / {command}"
                before = built.digests()
                done = run_measured(
                    cli_argv(*built.argv(command)), timeout=timeout, cwd=folder, limit_mb=cap_mb
                )
                tally.commands_run += 1
                tally.measured(done, where)
                tally.exited(done.exit_code, outcome.exit_codes, where)
                missing = message_problems(outcome, built, done.stdout, done.stderr)
                if missing and not done.hung:
                    tally.message_problems += 1
                    tally.problems.append(f"{where}: {missing[0]}")
                if built.digests() != before:
                    tally.inputs_modified += 1
                    tally.problems.append(f"{where}: an input was modified")
                ran.append(
                    f"{command} {done.exit_code} ({done.seconds:.1f} s, {done.peak_mb:.0f} MB)"
                )
        finally:
            if case.needs_non_root:
                os.chmod(built.out, 0o700)
        say(f"  {case.name}: " + ", ".join(ran))


# --------------------------------------------------------------------------- kill trials


def content_digest(path: Path) -> str:
    """Return a file's SHA-256; for an .xlsx, of its parts but the one holding the write time."""
    digest = hashlib.sha256()
    if path.suffix == ".xlsx" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for name in sorted(zf.namelist()):
                if name != WRITE_TIME_PART:
                    digest.update(name.encode() + b"\0" + zf.read(name))
        return digest.hexdigest()
    digest.update(path.read_bytes())
    return digest.hexdigest()


def outputs_of(folder: Path) -> dict[str, str]:
    """Return relative name → content digest of every file a user sees (no temp file, no lock)."""
    every = {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}
    return {name: content_digest(every[name]) for name in final_files(dict.fromkeys(every, ""))}


def describe_mix(found: dict[str, str], previous: dict[str, str], new: dict[str, str]) -> str:
    """Say which outputs are the previous run's, the new run's, or neither's."""
    parts = []
    for name in sorted(set(found) | set(previous) | set(new)):
        digest = found.get(name)
        if digest is None:
            parts.append(f"{name} missing")
        elif digest == previous.get(name) and digest != new.get(name):
            parts.append(f"{name} previous")
        elif digest == new.get(name) and digest != previous.get(name):
            parts.append(f"{name} new")
        elif digest != previous.get(name):
            parts.append(f"{name} neither")
    return ", ".join(parts[:6]) + (" …" if len(parts) > 6 else "")


def history_runs(db: Path) -> list[tuple[int, str]]:
    """Return (id, command) of every run a history database holds."""
    with open_history(db) as history:
        return [(r.id, r.command) for r in history.list_runs()]


@dataclass(frozen=True)
class KillSetup:
    """One command's starting point: a finished run of ``quick.toml`` and what follows it."""

    command: str
    county: Path
    baseline: Path
    """Holds ``out/`` (the previous run's outputs) and ``history.sqlite3``."""
    previous: dict[str, str]
    new: dict[str, str]
    """The outputs a whole run of ``changed.toml`` leaves in a copy of the baseline."""
    runs: list[tuple[int, str]]
    """The runs the baseline's history holds."""

    def argv(self, config: str, folder: Path) -> list[str]:
        """Return the arguments of a run of ``config`` writing into ``folder``."""
        return [
            self.command,
            "--config",
            str(self.county / config),
            "--out",
            str(folder / "out"),
            "--db",
            str(folder / "history.sqlite3"),
            "-q",
        ]


def copy_baseline(setup: KillSetup, folder: Path, db: Path | None = None) -> Path:
    """Copy the baseline's outputs (and ``db``, or its history) into ``folder``."""
    shutil.copytree(setup.baseline / "out", folder / "out")
    shutil.copy(db or setup.baseline / "history.sqlite3", folder / "history.sqlite3")
    return folder


def finished_run(argv: list[str], expected: frozenset[int], where: str, tally: Tally) -> bool:
    """Run a whole ``edupov`` command, counting its exit, memory and output; True if it ended well."""
    done = run_measured(cli_argv(*argv), timeout=PATIENCE_WHOLE_RUN)
    tally.measured(done, where)
    tally.exited(done.exit_code, expected, where)
    return not done.hung and done.exit_code in expected


def prepare_kill_trials(work: Path, county: Path, command: str, tally: Tally) -> KillSetup | None:
    """Run ``command`` on ``quick.toml`` (the previous outputs) and on ``changed.toml`` after it."""
    base = work / "kill" / command / "baseline"
    base.mkdir(parents=True)
    setup = KillSetup(command, county, base, {}, {}, [])
    if not finished_run(
        setup.argv("quick.toml", base), RUN_EXITS[command], f"{command} baseline", tally
    ):
        return None
    reference = copy_baseline(setup, work / "kill" / command / "reference")
    if not finished_run(
        setup.argv("changed.toml", reference), RUN_EXITS[command], f"{command} reference", tally
    ):
        return None
    return KillSetup(
        command,
        county,
        base,
        previous=outputs_of(base / "out"),
        new=outputs_of(reference / "out"),
        runs=history_runs(base / "history.sqlite3"),
    )


def kill_trial(setup: KillSetup, stage: str, signame: str, work: Path, tally: Tally) -> None:
    """Stop a run of ``changed.toml`` at ``stage`` with ``signame``, then let the next run through.

    Counts one partial output when the trial finds any of the states the module docstring
    lists, and the killed run's history row when it left one.
    """
    where = f"{setup.command} killed by {signame} at {stage}"
    folder = copy_baseline(setup, work / "kill" / setup.command / f"{stage}-{signame}")
    out, db = folder / "out", folder / "history.sqlite3"
    signum, expected_exit = SIGNALS[signame]
    tally.kill_trials += 1
    run = Run(setup.argv("changed.toml", folder), pause=stage)
    try:
        run.wait_paused(stage)
        run.proc.send_signal(signum)
        code: int | None = run.finish()
    except (AssertionError, subprocess.TimeoutExpired) as exc:
        run.kill()
        if str(exc).startswith("exited before"):  # Run.wait_for_line: it ended before its stage
            tally.unexpected_exits += 1
        else:
            tally.hangs += 1
        tally.problems.append(f"{where}: {str(exc).splitlines()[0][:160]}")
        return
    tally.crashed(run.stdout, run.stderr, where)
    tally.exited(code, frozenset({expected_exit}), where)
    found = outputs_of(out)
    partial: list[str] = []
    if found not in (setup.previous, setup.new):
        partial.append("after the kill: " + describe_mix(found, setup.previous, setup.new))
    if signame != "SIGKILL":
        partial += [f"after the kill: temp file {name} left" for name in temp_files(out)[:3]]
        if (out / LOCK_NAME).exists():
            partial.append("after the kill: the lock was left")

    runs = history_runs(db)
    new = setup.new
    if runs != setup.runs:  # the killed run recorded itself: the next run starts from there
        tally.history_left += 1
        reference = copy_baseline(setup, folder.with_name(folder.name + "-reference"), db)
        if finished_run(
            setup.argv("changed.toml", reference), RUN_EXITS[setup.command], where, tally
        ):
            new = outputs_of(reference / "out")
    if finished_run(
        setup.argv("changed.toml", folder), RUN_EXITS[setup.command], f"{where}, next run", tally
    ):
        after = outputs_of(out)
        if after != new:
            partial.append("after the next run: " + describe_mix(after, setup.previous, new))
    partial += [f"after the next run: temp file {name} left" for name in temp_files(out)[:3]]
    partial += [
        f"after the next run: {name} left"
        for name in (LOCK_NAME, JOURNAL_NAME)
        if (out / name).exists()
    ]
    if partial:
        tally.partial_outputs += 1
        tally.problems += [f"{where}: {p}" for p in partial]
    say(f"  {where}: exit {code}, {'partial' if partial else 'whole'}")


def run_kill_trials(work: Path, quick: bool, tally: Tally) -> None:
    """Generate the sample county and run every kill trial on it."""
    county = build_sample_county(work / "county")
    commands = ("reconcile",) if quick else ("reconcile", "audit")
    for command in commands:
        setup = prepare_kill_trials(work, county, command, tally)
        if setup is None:
            continue
        trials = QUICK_TRIALS if quick else [(s, n) for s in STAGES for n in SIGNALS]
        for stage, signame in trials:
            kill_trial(setup, stage, signame, work, tally)


# --------------------------------------------------------------------------- report


def say(text: str) -> None:
    """Print a progress line on stderr (the table goes to stdout)."""
    print(text, file=sys.stderr, flush=True)


def print_table(tally: Tally, seconds: float, timeout: float, quick: bool) -> None:
    """Print the figures, one per line, marking the counts that must be zero."""

    def zero(n: int) -> str:
        return "must be 0" if n == 0 else "must be 0  <-- FAILED"

    trials = (
        "reconcile: " + ", ".join(f"{n} at {s}" for s, n in QUICK_TRIALS)
        if quick
        else f"reconcile, audit x {', '.join(SIGNALS)} x {', '.join(STAGES)}"
    )
    skipped = f"({len(tally.skipped)} skipped: {'; '.join(tally.skipped)})" if tally.skipped else ""
    rows = [
        ("hostile inputs tried", str(tally.inputs_tried), skipped),
        ("commands run", str(tally.commands_run), "validate / reconcile / audit, one process each"),
        ("tracebacks", str(tally.tracebacks), zero(tally.tracebacks)),
        ("hangs", str(tally.hangs), f"{zero(tally.hangs)} (timeout {timeout:.0f} s)"),
        ("unexpected exit codes", str(tally.unexpected_exits), zero(tally.unexpected_exits)),
        ("messages missing", str(tally.message_problems), zero(tally.message_problems)),
        ("inputs modified", str(tally.inputs_modified), zero(tally.inputs_modified)),
        ("peak child memory", f"{tally.peak_mb:.0f} MB", tally.peak_where),
        ("kill trials", str(tally.kill_trials), trials),
        ("partial outputs after a kill", str(tally.partial_outputs), zero(tally.partial_outputs)),
        (
            "killed runs left in history",
            str(tally.history_left),
            "not counted: history rows of runs that were killed",
        ),
    ]
    mode = "quick" if quick else "full"
    print(f"edupov robustness (issue 8), {mode} run, {seconds / 60:.1f} min")
    for label, value, note in rows:
        print(f"  {label:<30}{value:>8}  {note}".rstrip())
    for problem in tally.problems:
        print(f"  - {problem}")
    print("OK" if tally.must_be_zero == 0 else "FAILED")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the catalogue and the kill trials; return 1 when a must-be-zero count is not zero."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="light cases, 3 kill trials")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per command")
    parser.add_argument("--memory-cap", type=int, default=3072, help="MB of address space")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and say where")
    args = parser.parse_args(argv)
    started = time.monotonic()
    tally = Tally()
    work = Path(tempfile.mkdtemp(prefix="edupov-robustness-"))
    try:
        cases = [c for c in HOSTILE_INPUTS if not (args.quick and c.heavy)]
        run_catalogue(work, cases, args.timeout, args.memory_cap, tally)
        run_kill_trials(work, args.quick, tally)
    finally:
        if args.keep:
            say(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_table(tally, time.monotonic() - started, args.timeout, args.quick)
    return 1 if tally.must_be_zero else 0


if __name__ == "__main__":
    sys.exit(main())
