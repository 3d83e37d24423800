"""Read-stage benchmark: one ledger sheet of N rows, edupov's read vs fastexcel's raw read.

    python benchmarks/read_xlsx.py --rows 100000 1000000

Prints, per size: fastexcel raw read (all cells as text), edupov's load_inputs (header
detection, furniture, normalisation, validation), rows/s, the ratio and peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import fastexcel
import xlsxwriter

from edupoverty.core.normalise.ids import check_digit
from edupoverty.io import load_inputs


def write_ledger(path: Path, rows: int) -> None:
    """A 发放花名册 with a title row, 12 columns, realistic IDs and a 合计 row (streamed)."""
    rng = random.Random(1)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("花名册")
    ws.write_row(0, 0, ["睢县2024年秋季学期义务教育家庭经济困难学生生活补助发放花名册"])
    ws.write_row(
        1,
        0,
        [
            "序号",
            "乡镇",
            "学校",
            "年级",
            "姓名",
            "身份证号",
            "资助项目",
            "金额",
            "发放日期",
            "银行卡号",
            "开户行",
            "备注",
        ],
    )
    for i in range(rows):
        body = f"411422{2010 + i % 8}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        ws.write_row(
            i + 2,
            0,
            [
                i + 1,
                "城关镇",
                "城关镇中心小学",
                "三年级",
                "张" + "伟娜芳敏静"[i % 5],
                body + check_digit(body),
                "小学寄宿生生活补助",
                500,
                "2024-10-15",
                f"6217{rng.randrange(10**12):012d}",
                "农商银行",
                "",
            ],
        )
    ws.write_row(rows + 2, 0, ["合计", "", "", "", "", "", "", 500 * rows])
    wb.close()


def main(argv: list[str] | None = None) -> int:
    """Run the read benchmark for each size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    args = parser.parse_args(argv)
    print(f"{'rows':>10}{'raw s':>9}{'edupov s':>10}{'rows/s':>12}{'ratio':>8}{'peak MB':>10}")
    for n in args.rows:
        path = Path(tempfile.mkdtemp(prefix="edupov-read-")) / "ledger.xlsx"
        write_ledger(path, n)
        t0 = time.perf_counter()
        reader = fastexcel.read_excel(str(path))
        reader.load_sheet(0, header_row=None, skip_rows=0, dtypes="string").to_arrow()
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = load_inputs(ledger=[path])
        ours = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{len(loaded.ledger):>10,}{raw:>9.2f}{ours:>10.2f}{len(loaded.ledger) / ours:>12,.0f}{ours / raw:>8.2f}{peak:>10,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
