"""End-to-end benchmark: generate counties with ``edupov sample``, reconcile them, print figures.

    python benchmarks/run.py --students 50000 --format xlsx            # a county
    python benchmarks/run.py --students 100000 1000000 --format csv    # growth, side by side
    python benchmarks/run.py --students 1000000 --format csv --no-annotated   # province batch

For each size it prints, per stage (read, normalise, link, rules, write, audit), wall
time, rows/s and the peak memory of the process so far (normalising overlaps reading,
each kind normalised as soon as its files are read, so it shows inside "read"); the
ratio of the read stage to a
raw read of the same files in the same run (fastexcel for workbooks, pyarrow for CSV,
same thread pool); the pairs PROBABLE_MATCH compared against the rows it looked at; and
the wall time and peak memory of the real command line (``edupov reconcile`` in its own
process). With several sizes it also prints the growth of each stage. Targets from
issue #7 are checked at the end (they apply on a 2-core machine).

The stages are the pipeline's own progress stages (``load_inputs`` and ``reconcile``
report them through their progress sink), so the figures are of the code the CLI runs,
not of a copy of it. Each size is measured in a fresh interpreter: its peak memory is
its own. Generated data is kept under ``--data-root`` and reused.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

STAGES = {
    "progress.reading": "read",
    "progress.normalising": "normalise",
    "progress.linking": "link",
    "progress.rules": "rules",
}
"""Progress labels of the pipeline → stage names in the table."""

TARGETS = {
    "read_ratio_xlsx": 1.5,
    "province_seconds": 60.0,
    "province_peak_mb": 6 * 1024.0,
    "county_seconds": 15.0,
    "growth_10x": 12.0,
}


OVERLAPPED = 0.01
"""A stage shorter than this (seconds) ran inside another: normalising overlaps reading."""


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StageClock:
    """A progress sink that times the pipeline's stages (wall clock) and notes peak memory."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}
        self._label: str | None = None
        self._t0 = 0.0

    def start(self, label: str, total: int | None) -> None:
        """Open a stage."""
        self._label, self._t0 = label, time.perf_counter()

    def advance(self, n: int = 1) -> None:
        """Ignore progress within a stage."""

    def done(self) -> None:
        """Close the open stage."""
        if self._label is None:
            return
        name = STAGES.get(self._label, self._label)
        seconds = time.perf_counter() - self._t0
        entry = self.stages.setdefault(name, {"seconds": 0.0, "peak_mb": 0.0})
        entry["seconds"] += seconds
        entry["peak_mb"] = peak_mb()
        self._label = None

    def timed(self, name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``func`` as a stage of its own."""
        t0 = time.perf_counter()
        value = func(*args, **kwargs)
        self.stages[name] = {"seconds": time.perf_counter() - t0, "peak_mb": peak_mb()}
        return value


def raw_read_seconds(files: list[Path], threads: int) -> float:
    """Time a bare read of every file: fastexcel (all sheets, text) or pyarrow (CSV)."""
    import fastexcel
    import pyarrow.csv as pacsv

    def read(path: Path) -> None:
        if path.suffix.lower() in {".csv", ".txt", ".tsv"}:
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data = data.decode("gb18030").encode("utf-8")
            pacsv.read_csv(
                io.BytesIO(data),
                read_options=pacsv.ReadOptions(autogenerate_column_names=True),
                parse_options=pacsv.ParseOptions(invalid_row_handler=lambda _r: "skip"),
            )
            return
        reader = fastexcel.read_excel(str(path))
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_arrow()

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(read, files))
    return time.perf_counter() - start


def count_probable_match_pairs() -> dict[str, int]:
    """Wrap PROBABLE_MATCH's blocking join so the pairs it compares are counted."""
    from edupoverty.rules import probable_match

    counts = {"pairs": 0, "calls": 0}
    blocked = getattr(probable_match, "_pairs", None)
    if blocked is None:
        return counts

    def counting(*args: Any, **kwargs: Any) -> Any:
        pairs = blocked(*args, **kwargs)
        counts["pairs"] += len(pairs)
        counts["calls"] += 1
        return pairs

    probable_match._pairs = counting
    return counts


def measure_stages(data: Path, annotated: bool, audit: bool) -> dict[str, Any]:
    """Run the pipeline stage by stage on one generated county (in this process)."""
    from edupoverty.api import reconcile
    from edupoverty.io import load_inputs
    from edupoverty.io.config_file import load_config_file
    from edupoverty.io.loading import read_threads
    from edupoverty.io.policy_file import load_policy
    from edupoverty.io.workbook import write_annotated_copies, write_reconcile_workbook
    from edupoverty.io.writers.findings_csv import write_findings_csv
    from edupoverty.io.writers.summary_json import build_summary, write_summary_json

    clock = StageClock()
    pair_counts = count_probable_match_pairs()
    config = load_config_file(data / "edupov.toml")
    loaded = load_inputs(
        config.get("registry", ()),
        config.get("roster", ()),
        config.get("ledger", ()),
        progress=clock,
    )
    rows = {k: len(loaded.frame(k)) for k in ("registry", "roster", "ledger")}
    files = [r.path for r in loaded.files]
    raw = raw_read_seconds(files, read_threads())  # the pool load_inputs uses
    policy = load_policy(config.get("policy"))
    result = reconcile(loaded, policy, config["as_of"], config.get("terms", ()), progress=clock)
    out = Path(tempfile.mkdtemp(prefix="edupov-bench-out-"))
    inputs = files

    def write_all() -> None:
        summary = build_summary(loaded, result, policy, "bench")
        write_findings_csv(result.findings, out / "findings.csv", inputs)
        write_summary_json(summary, out / "summary.json", inputs)
        copies = (
            write_annotated_copies(out, loaded, result.findings, inputs=inputs)
            if annotated
            else None
        )
        write_reconcile_workbook(
            out / "reconcile.xlsx", loaded, result, summary, annotated=copies, inputs=inputs
        )

    try:
        clock.timed("write", write_all)
        if audit:
            clock.timed("audit", lambda: _audit(result, loaded, policy, out / "audit.xlsx", inputs))
    finally:
        shutil.rmtree(out, ignore_errors=True)
    looked_at = sum(rows.values())
    return {
        "stages": clock.stages,
        "rows": rows,
        "files": len(files),
        "sheets": sum(len(r.sheets) for r in loaded.files),
        "raw_read_seconds": raw,
        "findings": len(result.findings),
        "probable_match_pairs": pair_counts["pairs"],
        "probable_match_rows": looked_at,
        "peak_mb": peak_mb(),
    }


def _audit(result: Any, loaded: Any, policy: Any, path: Path, inputs: list[Path]) -> None:
    """The audit stage: indicators, the rectification list and audit.xlsx."""
    from edupoverty.core.audit import compute_audit, rectification_list
    from edupoverty.core.config import AuditThresholds
    from edupoverty.io.workbook.audit_book import write_audit_book

    report = compute_audit(result, loaded.issues, AuditThresholds(), policy_source="bench")
    assert result.context is not None
    listing = rectification_list(result.context, result.findings)
    write_audit_book(path, report, listing, inputs=inputs)


def measure_cli(data: Path, annotated: bool) -> dict[str, float]:
    """Run ``edupov reconcile`` as a user would, in its own process: wall time and peak memory."""
    out = Path(tempfile.mkdtemp(prefix="edupov-bench-cli-"))
    args = ["reconcile", "--config", str(data / "edupov.toml"), "--out", str(out)]
    args += ["--quiet", "--no-history"] + ([] if annotated else ["--no-annotated"])
    probe = (
        "import resource, sys\n"
        "from edupoverty.cli.main import main\n"
        "sys.argv[0] = 'edupov'\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "else:\n    code = 0\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    peak = next(
        (
            int(line.split()[1]) / 1024
            for line in done.stderr.splitlines()
            if line.startswith("PEAK")
        ),
        float("nan"),
    )
    if done.returncode != 0 or peak != peak:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"edupov reconcile failed with exit code {done.returncode}")
    return {"seconds": seconds, "peak_mb": peak, "exit_code": done.returncode}


def ensure_data(root: Path, students: int, fmt: str, seed: int) -> tuple[Path, float]:
    """Return a generated county for these parameters, generating it once."""
    data = root / f"county-{students}-{fmt}-seed{seed}"
    if (data / "edupov.toml").exists():
        return data, 0.0
    from edupoverty.sample import generate_sample

    t0 = time.perf_counter()
    generate_sample(data, students=students, seed=seed, fmt=fmt, force=True)
    return data, time.perf_counter() - t0


def child(args: argparse.Namespace) -> int:
    """Measure one size in this (fresh) interpreter and print the figures as JSON."""
    from edupoverty.cli.memory import tune_allocator

    tune_allocator()  # as the console script does, so the stages are the command's
    figures = measure_stages(Path(args.child), not args.no_annotated, not args.no_audit)
    print(json.dumps(figures))
    return 0


def read_seconds(figures: dict[str, Any]) -> float:
    """The read stage as the issue counts it: reading plus header detection and normalisation."""
    stages = figures["stages"]
    return float(sum(stages.get(name, {}).get("seconds", 0.0) for name in ("read", "normalise")))


def print_size(students: int, fmt: str, f: dict[str, Any]) -> None:
    """Print one size's stage table."""
    total_rows = sum(f["rows"].values())
    print(
        f"\n== {students:,} pupils, {fmt}: {f['files']} files, {f['sheets']} sheets, "
        f"{total_rows:,} rows ({', '.join(f'{k} {v:,}' for k, v in f['rows'].items())}), "
        f"{f['findings']:,} findings"
    )
    print(f"{'stage':<12}{'seconds':>10}{'rows/s':>14}{'peak MB':>10}")
    for name, s in f["stages"].items():
        if s["seconds"] < OVERLAPPED:
            # Kinds are normalised while the other kinds' files are read: inside "read".
            print(f"{name:<12}{s['seconds']:>10.2f}{'(in read)':>14}{s['peak_mb']:>10,.0f}")
            continue
        rate = total_rows / s["seconds"]
        print(f"{name:<12}{s['seconds']:>10.2f}{rate:>14,.0f}{s['peak_mb']:>10,.0f}")
    in_process = sum(s["seconds"] for s in f["stages"].values())
    print(
        f"{'total':<12}{in_process:>10.2f}{total_rows / in_process:>14,.0f}{f['peak_mb']:>10,.0f}"
    )
    read = read_seconds(f)
    print(
        f"raw read of the same files ({'fastexcel' if fmt == 'xlsx' else 'pyarrow'}, same "
        f"threads): {f['raw_read_seconds']:.2f} s; read + normalise / raw read = "
        f"{read / f['raw_read_seconds']:.2f}x"
    )
    print(
        f"PROBABLE_MATCH: {f['probable_match_pairs']:,} pairs compared for "
        f"{f['probable_match_rows']:,} rows "
        f"({f['probable_match_pairs'] / max(1, f['probable_match_rows']):.3f} per row)"
    )
    cli = f["cli"]
    print(
        f"edupov reconcile (command line, own process, incl. start-up): {cli['seconds']:.2f} s, "
        f"peak {cli['peak_mb']:,.0f} MB, exit {cli['exit_code']}"
    )


def print_growth(sizes: list[int], results: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """Print each stage side by side for the sizes given and the growth between the extremes."""
    first, last = results[0], results[-1]
    factor = sizes[-1] / sizes[0]
    print(f"\n== growth: {sizes[0]:,} → {sizes[-1]:,} pupils ({factor:g}× the pupils)")
    header = "".join(f"{f'{n:,}':>14}" for n in sizes)
    print(f"{'stage':<12}{header}{'growth':>10}")
    names = list(dict.fromkeys(n for r in results for n in r["stages"]))
    for name in names:
        cells = "".join(
            f"{r['stages'].get(name, {}).get('seconds', float('nan')):>14.2f}" for r in results
        )
        a = first["stages"].get(name, {}).get("seconds")
        b = last["stages"].get(name, {}).get("seconds")
        growth = f"{b / a:>9.1f}x" if a and b and min(a, b) >= OVERLAPPED else f"{'-':>10}"
        print(f"{name:<12}{cells}{growth}")
    cli = "".join(f"{r['cli']['seconds']:>14.2f}" for r in results)
    ratio = last["cli"]["seconds"] / first["cli"]["seconds"]
    print(f"{'command':<12}{cli}{ratio:>9.1f}x")
    pairs = "".join(f"{r['probable_match_pairs']:>14,}" for r in results)
    pair_growth = last["probable_match_pairs"] / max(1, first["probable_match_pairs"])
    print(f"{'PM pairs':<12}{pairs}{pair_growth:>9.1f}x")
    checks = []
    if factor >= 9.5:
        checks.append(
            (
                f"10x pupils cost ≤ {TARGETS['growth_10x']:g}x time ({ratio:.1f}x)",
                ratio <= TARGETS["growth_10x"],
            )
        )
    return checks


def targets(
    sizes: list[int], fmt: str, results: list[dict[str, Any]], annotated: bool
) -> list[tuple[str, bool]]:
    """Return the issue's targets that apply to these runs, each with whether it was met."""
    checks: list[tuple[str, bool]] = []
    for n, r in zip(sizes, results, strict=True):
        if fmt == "xlsx":
            ratio = read_seconds(r) / r["raw_read_seconds"]
            checks.append(
                (
                    f"{n:,} xlsx: read within {TARGETS['read_ratio_xlsx']}x of fastexcel ({ratio:.2f}x)",
                    ratio <= TARGETS["read_ratio_xlsx"],
                )
            )
        if fmt == "xlsx" and n <= 60_000 and annotated:
            s = r["cli"]["seconds"]
            checks.append(
                (
                    f"county {n:,} xlsx with annotated copies ≤ {TARGETS['county_seconds']:g} s ({s:.1f} s)",
                    s <= TARGETS["county_seconds"],
                )
            )
        if fmt == "csv" and n >= 1_000_000:
            s, m = r["cli"]["seconds"], r["cli"]["peak_mb"]
            checks.append(
                (
                    f"province {n:,} csv ≤ {TARGETS['province_seconds']:g} s ({s:.1f} s)",
                    s <= TARGETS["province_seconds"],
                )
            )
            checks.append(
                (
                    f"province peak memory ≤ {TARGETS['province_peak_mb']:,.0f} MB ({m:,.0f} MB)",
                    m <= TARGETS["province_peak_mb"],
                )
            )
    return checks


def main(argv: list[str] | None = None) -> int:
    """Generate, measure every size in a fresh process, print the tables and the targets."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, nargs="+", default=[50_000])
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--data-root", type=Path, default=Path(tempfile.gettempdir()) / "edupov-bench"
    )
    parser.add_argument(
        "--no-annotated", action="store_true", help="skip the annotated copies (province batches)"
    )
    parser.add_argument("--no-audit", action="store_true", help="skip the audit stage")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    results = []
    sizes = sorted(args.students)
    for n in sizes:
        data, generated = ensure_data(args.data_root, n, args.format, args.seed)
        if generated:
            print(f"generated {n:,} pupils ({args.format}) in {generated:.0f} s: {data}")
        cmd = [sys.executable, __file__, "--child", str(data)]
        cmd += ["--no-annotated"] * args.no_annotated + ["--no-audit"] * args.no_audit
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            return done.returncode
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        figures["cli"] = measure_cli(data, not args.no_annotated)
        results.append(figures)
        print_size(n, args.format, figures)
    checks = targets(sizes, args.format, results, not args.no_annotated)
    if len(sizes) > 1:
        checks += print_growth(sizes, results)
    if checks:
        print("\n== targets (issue #7, 2 cores)")
        for text, ok in checks:
            print(f"{'met ' if ok else 'MISSED'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
