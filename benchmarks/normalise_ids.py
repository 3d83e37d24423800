"""Print how many ID cells per second ``normalise_ids`` handles on 1,000,000 realistic cells.

Run: ``python benchmarks/normalise_ids.py`` (with ``src`` importable). The mix follows
what real exports hold: mostly valid IDs, some lower-case x and apostrophes, legacy
15-digit numbers, Excel-mangled floats, blanks and junk.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from edupoverty.core.normalise.ids import check_digit, normalise_ids

ROWS = 1_000_000
SEED = 20240901


def make_cells(rows: int, seed: int = SEED) -> pd.Series:
    """Return ``rows`` ID cells as a reader would hand them over (pyarrow strings)."""
    rng = np.random.default_rng(seed)
    regions = rng.choice(["110105", "411422", "510190", "440524", "622901"], size=rows)
    births = pd.to_datetime("1960-01-01") + pd.to_timedelta(rng.integers(0, 20_000, rows), "D")
    seqs = rng.integers(1, 999, rows)
    bodies = [f"{r}{b:%Y%m%d}{s:03d}" for r, b, s in zip(regions, births, seqs, strict=True)]
    cells = [b + check_digit(b) for b in bodies]
    kind = rng.random(rows)
    for i in np.flatnonzero(kind < 0.02):
        cells[i] = "'" + cells[i].lower()
    for i in np.flatnonzero((kind >= 0.02) & (kind < 0.03)):
        cells[i] = str(int(float(cells[i][:15] + "000")))
    for i in np.flatnonzero((kind >= 0.03) & (kind < 0.035)):
        cells[i] = f"{float(cells[i][:17]) * 10:.5E}"
    for i in np.flatnonzero((kind >= 0.035) & (kind < 0.04)):
        cells[i] = cells[i][:6] + cells[i][8:17]
    for i in np.flatnonzero((kind >= 0.04) & (kind < 0.05)):
        cells[i] = ""
    return pd.Series(cells, dtype=pd.StringDtype("pyarrow"))


def main() -> None:
    """Time ``normalise_ids`` on one million cells and print rows per second."""
    cells = make_cells(ROWS)
    normalise_ids(cells.head(1000))  # warm-up: loads the region table once
    started = time.perf_counter()
    result = normalise_ids(cells)
    elapsed = time.perf_counter() - started
    counts = result["id_status"].value_counts().to_dict()
    print(f"normalise_ids: {ROWS:,} rows in {elapsed:.2f} s = {ROWS / elapsed:,.0f} rows/s")
    print(f"statuses: {counts}")


if __name__ == "__main__":
    main()
