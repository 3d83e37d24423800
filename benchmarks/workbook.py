"""Benchmark the workbook writers: reconcile.xlsx, audit.xlsx and the annotated copies.

    python benchmarks/workbook.py            # every case, each in a fresh process
    python benchmarks/workbook.py --only reconcile --only audit
    python benchmarks/workbook.py --case reconcile --n 100000

Cases: reconcile.xlsx and audit.xlsx for 5,000 and 100,000 synthetic findings; annotated
copies of a 50,000-row roster (.xlsx, opened and annotated with openpyxl) and of the same
rows as a .csv (converted with xlsxwriter), with findings on 5% of the rows. Each case
runs in its own interpreter so its peak memory is its own: ``rss before`` is the process
after the inputs were built, ``peak`` the high-water mark (``getrusage``) after writing.
``cpu`` is the process's CPU time while writing: other work on a shared machine stretches
``seconds`` but not ``cpu``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd

from edupoverty.core.audit import (
    RECTIFICATION_COLUMNS,
    AuditReport,
    HistoryFacts,
    Indicator,
    UnitFigures,
)
from edupoverty.core.config import AuditThresholds
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.findings import FINDING_COLUMNS
from edupoverty.core.summary import FileFacts, RuleFacts, Summary
from edupoverty.io.history import FINDING_FIELDS
from edupoverty.io.loading import LoadedInputs, conform, load_inputs
from edupoverty.io.workbook import write_annotated_copies, write_reconcile_workbook
from edupoverty.io.workbook.annotate import rule_specs
from edupoverty.io.workbook.audit_book import write_audit_book

CASES = [
    ("reconcile", 5_000),
    ("reconcile", 100_000),
    ("audit", 5_000),
    ("audit", 100_000),
    ("annotate-xlsx", 50_000),
    ("annotate-csv", 50_000),
]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(n: int) -> str:
    """Return a valid 18-character ID whose sequence part encodes n."""
    body = f"41142220{10 + n % 8:02d}0{1 + n % 9}{10 + n % 18:02d}{n % 1000:03d}"[:17]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def rss_mb() -> float:
    """Current resident memory of this process, MB (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process, MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_roster(n: int) -> pd.DataFrame:
    """A loaded roster frame of n rows over 40 schools in 8 townships."""
    frame = pd.DataFrame(
        {
            "source": "roster",
            "file": "全县学籍.xlsx",
            "sheet": "Sheet1",
            "row": range(2, n + 2),
            "name": [f"学生{i}" for i in range(n)],
            "id_raw": [make_id(i) for i in range(n)],
            "person_id": [make_id(i) for i in range(n)],
            "school": [f"第{i % 40}小学" for i in range(n)],
            "township": [f"第{i % 8}镇" for i in range(n)],
        }
    )
    return conform(frame, "roster")


def synthetic_findings(n: int, roster: pd.DataFrame) -> pd.DataFrame:
    """n findings spread over every rule, located on roster rows."""
    specs = rule_specs()
    rows = roster.iloc[[i % len(roster) for i in range(n)]]
    frame = pd.DataFrame(
        {
            "rule": [specs[i % len(specs)].code for i in range(n)],
            "severity": [specs[i % len(specs)].severity.value for i in range(n)],
            "person_id": rows["person_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "source": "roster",
            "file": rows["file"].to_numpy(),
            "sheet": rows["sheet"].to_numpy(),
            "row": rows["row"].to_numpy(),
            "program": "boarding_primary",
            "term": "2024秋",
            "amount_cents": 50000,
            "message": "该生为脱贫户子女，在读小学寄宿生，2024秋未发放寄宿生生活补助。",
            "related": "",
            "evidence": "{}",
        },
        columns=FINDING_COLUMNS,
    )
    frame["row"] = frame["row"].astype("Int64")
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    return frame


def summary_for(loaded: LoadedInputs, result: ReconcileResult) -> Summary:
    """The run's Summary, built from the counts (no policy file needed)."""
    specs = {s.code: s for s in rule_specs()}
    return Summary(
        version="bench",
        as_of=result.as_of.isoformat(),
        terms=list(result.terms),
        policy={"name": "国家标准", "source": "builtin", "fingerprint": "-"},
        files=[
            FileFacts(
                file="全县学籍.xlsx",
                path="全县学籍.xlsx",
                kind="roster",
                sheets=["Sheet1"],
                rows_read=len(loaded.roster),
                rows_rejected=0,
            )
        ],
        rows_read={"registry": 0, "roster": len(loaded.roster), "ledger": 0},
        rows_rejected=0,
        row_issues={},
        rules=[
            RuleFacts(
                rule=c,
                title=specs[c].title,
                severity=specs[c].severity.value,
                count=v["count"],
                people=v["people"],
                amount=Decimal(v["amount_cents"]) / 100,
            )
            for c, v in result.counts().items()
        ],
        rules_skipped={},
        findings_total=len(result.findings),
        findings_by_severity={},
        amount_total=Decimal(int(result.findings["amount_cents"].abs().sum())) / 100,
    )


def case_reconcile(n: int, folder: Path) -> dict[str, float]:
    """Write reconcile.xlsx for n findings."""
    roster = synthetic_roster(50_000)
    empty = pd.DataFrame()
    loaded = LoadedInputs(
        conform(empty, "registry"), roster, conform(empty, "ledger"), pd.DataFrame()
    )
    result = ReconcileResult(
        findings=synthetic_findings(n, roster),
        issues=pd.DataFrame(),
        terms=("2024秋",),
        as_of=dt.date(2024, 11, 1),
        rules_run=[s.code for s in rule_specs()],
    )
    summary = summary_for(loaded, result)
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    write_reconcile_workbook(
        folder / "reconcile.xlsx",
        loaded,
        result,
        summary,
        annotated={"全县学籍.xlsx": folder / "annotated" / "全县学籍.核查.xlsx"},
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "peak_mb": peak_mb(),
        "size_mb": (folder / "reconcile.xlsx").stat().st_size / 2**20,
    }


def synthetic_audit(n: int) -> tuple[AuditReport, pd.DataFrame, pd.DataFrame]:
    """An audit report over 8 townships and 40 schools, n rectification rows, n/10 resolved."""
    roster = synthetic_roster(min(n, 50_000))
    findings = synthetic_findings(n, roster)
    rows = roster.iloc[[i % len(roster) for i in range(n)]]
    listing = findings.assign(
        township=rows["township"].to_numpy(),
        school=rows["school"].to_numpy(),
        status=["new" if i % 3 else "open" for i in range(n)],
        program_name="义务教育家庭经济困难寄宿生生活补助(小学)",
        fingerprint=[f"{i:016x}" for i in range(n)],
    )[list(RECTIFICATION_COLUMNS)]
    resolved = findings.iloc[: n // 10].assign(fingerprint="-")[list(FINDING_FIELDS)]
    units = [
        UnitFigures(
            dimension="township",
            township=f"第{i}镇",
            entitled=500,
            paid=490 + i,
            coverage=(490 + i) / 500,
            not_enrolled=i,
            irregular_yuan=1000.0 * i,
            findings=n // 8,
            passed=i % 2 == 0,
        )
        for i in range(8)
    ] + [
        UnitFigures(
            dimension="school",
            township=f"第{i % 8}镇",
            school=f"第{i}小学",
            entitled=100,
            paid=99,
            coverage=0.99,
            irregular_yuan=250.0,
            findings=n // 40,
            passed=False,
        )
        for i in range(40)
    ]
    indicators = [
        Indicator(
            key="coverage",
            name="应助尽助率",
            value=0.98,
            unit="ratio",
            threshold=1.0,
            direction="min",
            passed=False,
            numerator=3920,
            denominator=4000,
        ),
        Indicator(key="not_enrolled", name="疑似失学辍学人数", value=28, unit="persons"),
        Indicator(
            key="irregular_money",
            name="违规资金",
            value=None,
            unit="yuan",
            threshold=0.0,
            direction="max",
            note="没有台账",
        ),
        Indicator(
            key="data_quality",
            name="数据质量",
            value=0.995,
            unit="ratio",
            threshold=0.99,
            direction="min",
            passed=True,
        ),
    ]
    report = AuditReport(
        as_of="2024-11-01",
        terms=["2024秋"],
        policy={"name": "国家标准", "source": "builtin", "fingerprint": "-"},
        thresholds=AuditThresholds(),
        passed=False,
        indicators=indicators,
        irregular_by_rule={"DUPLICATE_AID": 12500.0, "AMOUNT_MISMATCH": 800.0},
        units=units,
        history=HistoryFacts(run_id=2, previous_run_id=1, new=n, open=0, resolved=n // 10),
    )
    return report, listing, resolved


def case_audit(n: int, folder: Path) -> dict[str, float]:
    """Write audit.xlsx with n rows on 整改清单 and n/10 on 已整改."""
    report, listing, resolved = synthetic_audit(n)
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    write_audit_book(folder / "audit.xlsx", report, listing, resolved)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "peak_mb": peak_mb(),
        "size_mb": (folder / "audit.xlsx").stat().st_size / 2**20,
    }


def write_roster_file(path: Path, n: int) -> None:
    """Write an n-row roster (.xlsx through xlsxwriter, or .csv)."""
    header = ["学校名称", "姓名", "身份证件号", "年级", "学籍状态", "就读方式"]
    rows = [[f"第{i % 40}小学", f"学生{i}", make_id(i), "三年级", "在读", "住校"] for i in range(n)]
    if path.suffix == ".csv":
        lines = [",".join(header)] + [",".join(r) for r in rows]
        path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
        return
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()


def case_annotate(n: int, folder: Path, suffix: str) -> dict[str, float]:
    """Annotate an n-row roster with findings on 5% of its rows."""
    path = folder / f"全县学籍{suffix}"
    write_roster_file(path, n)
    loaded = load_inputs(roster=[path])
    frame = loaded.roster
    located = frame.iloc[::20]
    specs = rule_specs()
    findings = pd.DataFrame(
        {
            "rule": [specs[i % len(specs)].code for i in range(len(located))],
            "severity": [specs[i % len(specs)].severity.value for i in range(len(located))],
            "person_id": located["person_id"].to_numpy(),
            "name": located["name"].to_numpy(),
            "source": "roster",
            "file": located["file"].to_numpy(),
            "sheet": located["sheet"].to_numpy(),
            "row": located["row"].to_numpy(),
            "program": None,
            "term": "2024秋",
            "amount_cents": None,
            "message": "该生为脱贫户子女，在读小学寄宿生，2024秋未发放寄宿生生活补助。",
            "related": "",
            "evidence": "{}",
        },
        columns=FINDING_COLUMNS,
    )
    before = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    copies = write_annotated_copies(folder / "out", loaded, findings)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert copies, copies.skipped
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "peak_mb": peak_mb(),
        "findings": float(len(findings)),
    }


def run_case(case: str, n: int) -> dict[str, float]:
    """Run one case in this process and return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if case == "reconcile":
            return case_reconcile(n, folder)
        if case == "audit":
            return case_audit(n, folder)
        return case_annotate(n, folder, ".xlsx" if case == "annotate-xlsx" else ".csv")


def main() -> None:
    """Run one case (--case) or all of them, each in a fresh interpreter, and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case", choices=sorted({c for c, _n in CASES}))
    parser.add_argument("--n", type=int, default=5_000)
    parser.add_argument("--only", choices=sorted({c for c, _n in CASES}), action="append")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.n)))
        return
    print(
        f"{'case':<16}{'n':>9}{'seconds':>10}{'cpu s':>8}{'rows/cpu s':>12}"
        f"{'rss before MB':>15}{'peak MB':>10}"
    )
    for case, n in CASES:
        if args.only and case not in args.only:
            continue
        done = subprocess.run(
            [sys.executable, __file__, "--case", case, "--n", str(n)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{case:<16}{n:>9,}{figures['seconds']:>10.1f}{figures['cpu_seconds']:>8.1f}"
            f"{n / max(figures['cpu_seconds'], 1e-9):>12,.0f}"
            f"{figures['rss_before_mb']:>15.0f}{figures['peak_mb']:>10.0f}"
        )


if __name__ == "__main__":
    main()
