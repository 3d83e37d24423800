"""End-to-end benchmark: generate a sample, reconcile it, print per-stage figures.

    python benchmarks/run.py --students 100000 --format csv

Prints, per stage, wall time, rows/s and the process's peak memory so far, plus the
ratio of edupov's read stage to fastexcel's raw read of the same files (xlsx) or
pyarrow's raw CSV read (csv), measured in the same run. Paste the table into notes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

import fastexcel
import pyarrow.csv as pacsv

from edupoverty.api import reconcile
from edupoverty.io import load_inputs
from edupoverty.io.config_file import load_config_file
from edupoverty.io.policy_file import load_policy
from edupoverty.io.writers.findings_csv import write_findings_csv
from edupoverty.io.writers.summary_json import build_summary, write_summary_json
from edupoverty.sample import generate_sample


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_read_seconds(files: list[Path]) -> float:
    """Time a bare read of every sheet (fastexcel) or CSV (pyarrow), no header detection."""
    start = time.perf_counter()
    for path in files:
        if path.suffix.lower() in {".csv", ".txt"}:
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
        else:
            reader = fastexcel.read_excel(str(path))
            for name in reader.sheet_names:
                reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_arrow()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the data in")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="edupov-bench-"))
    rows: list[tuple[str, float, int]] = []

    t0 = time.perf_counter()
    generate_sample(
        work / "data", students=args.students, seed=args.seed, fmt=args.format, force=True
    )
    gen = time.perf_counter() - t0
    config = load_config_file(work / "data" / "edupov.toml")

    t0 = time.perf_counter()
    loaded = load_inputs(
        config.get("registry", ()), config.get("roster", ()), config.get("ledger", ())
    )
    read = time.perf_counter() - t0
    total_rows = len(loaded.registry) + len(loaded.roster) + len(loaded.ledger)
    rows.append(("read + normalise", read, total_rows))
    read_peak = peak_mb()

    files = [r.path for r in loaded.files]
    raw = raw_read_seconds(files)

    policy = load_policy(config.get("policy"))
    t0 = time.perf_counter()
    result = reconcile(
        loaded, policy, config.get("as_of", dt.date(2024, 11, 1)), config.get("terms", ())
    )
    rules = time.perf_counter() - t0
    rows.append(("link + rules", rules, total_rows))
    rules_peak = peak_mb()

    out = work / "out"
    t0 = time.perf_counter()
    write_findings_csv(result.findings, out / "findings.csv")
    write_summary_json(build_summary(loaded, result, policy, "bench"), out / "summary.json")
    write = time.perf_counter() - t0
    rows.append(("write csv + json", write, len(result.findings)))

    print(
        f"edupov benchmark: {args.students:,} pupils, {args.format}, {len(files)} files, {total_rows:,} rows; generated in {gen:.1f} s"
    )
    print(f"{'stage':<20}{'seconds':>10}{'rows':>12}{'rows/s':>14}")
    for name, seconds, n in rows:
        rate = n / seconds if seconds else float("inf")
        print(f"{name:<20}{seconds:>10.2f}{n:>12,}{rate:>14,.0f}")
    print(f"{'total':<20}{sum(r[1] for r in rows):>10.2f}")
    print(f"raw read of the same files: {raw:.2f} s; read stage / raw read = {read / raw:.2f}x")
    print(
        f"peak memory: after read {read_peak:,.0f} MB, after rules {rules_peak:,.0f} MB, end {peak_mb():,.0f} MB"
    )
    print(f"findings: {len(result.findings):,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
