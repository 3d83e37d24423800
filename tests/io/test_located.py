"""Each finding is joined back to the loaded row it is located on, by one integer key."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from edupoverty.core import columns as C
from edupoverty.io.workbook.located import first_match, located_extras, township_by_school

KEYS = [C.SOURCE, C.FILE, C.SHEET, C.ROW]
EXTRAS = [C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT]


class Loaded:
    """The one method of LoadedInputs the join uses: a canonical frame per source."""

    def __init__(self, **frames: pd.DataFrame) -> None:
        self.frames = frames

    def frame(self, kind: str) -> pd.DataFrame:
        return self.frames.get(kind, pd.DataFrame())


def strings(values: list[Any]) -> pd.Series:
    return pd.Series(values, dtype="string[pyarrow]")


def rows(file: list[Any], sheet: list[Any], row: list[int], **extra: list[Any]) -> pd.DataFrame:
    """A loaded frame with the location columns and the given extras."""
    frame = pd.DataFrame({C.FILE: strings(file), C.SHEET: strings(sheet), C.ROW: row})
    for column, values in extra.items():
        frame[column] = strings(values)
    return frame


def findings(*located: tuple[Any, Any, Any, Any]) -> pd.DataFrame:
    source, file, sheet, row = zip(*located, strict=True)
    return pd.DataFrame(
        {
            C.SOURCE: strings(list(source)),
            C.FILE: strings(list(file)),
            C.SHEET: strings(list(sheet)),
            C.ROW: pd.array(list(row), dtype="Int64"),
        }
    )


def merged_extras(loaded: Loaded, f: pd.DataFrame) -> pd.DataFrame:
    """The pandas merge on text keys that located_extras replaced (the reference)."""
    parts = []
    for kind in ("registry", "roster", "ledger"):
        frame = loaded.frame(kind)
        if frame.empty:
            continue
        part = frame[[c for c in (*KEYS, *EXTRAS) if c in frame]].copy()
        part[C.SOURCE] = kind
        parts.append(part)

    def key_frame(frame: pd.DataFrame) -> pd.DataFrame:
        for col in (C.SOURCE, C.FILE):
            frame[col] = frame[col].astype(str)
        frame[C.SHEET] = frame[C.SHEET].fillna("").astype(str)
        frame[C.ROW] = frame[C.ROW].astype("Int64")
        return frame

    table = key_frame(pd.concat(parts, ignore_index=True)).drop_duplicates(KEYS)
    for col in EXTRAS:
        if col not in table:
            table[col] = None
    merged = key_frame(f[KEYS].copy()).merge(table, on=KEYS, how="left")
    extra = merged[EXTRAS].astype(object)
    extra.index = f.index
    both = table[[C.SCHOOL, C.TOWNSHIP]].dropna()
    counts = both.value_counts().reset_index().drop_duplicates(C.SCHOOL)
    usual = dict(zip(counts[C.SCHOOL].astype(str), counts[C.TOWNSHIP].astype(str), strict=True))
    extra[C.TOWNSHIP] = extra[C.TOWNSHIP].where(
        extra[C.TOWNSHIP].notna(), extra[C.SCHOOL].map(usual)
    )
    return extra.where(extra.notna(), None)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def test_located_extras_takes_the_located_rows_school_township_id_and_account() -> None:
    """A ledger finding shows its row's school, township, ID as written and account."""
    loaded = Loaded(
        roster=rows(
            ["学籍.xlsx"] * 2,
            ["Sheet1"] * 2,
            [3, 4],
            school=["一小", "二小"],
            township=[None, "城关镇"],
            id_raw=["A", "B"],
        ),
        ledger=rows(
            ["台账.csv"],
            [None],
            [3],
            school=["一小"],
            township=["城关镇"],
            id_raw=["C"],
            account=["6228"],
        ),
    )
    f = findings(("ledger", "台账.csv", "", 3), ("roster", "学籍.xlsx", "Sheet1", 4))
    extra = plain(located_extras(loaded, f))
    assert extra.to_dict("records") == [
        {C.SCHOOL: "一小", C.TOWNSHIP: "城关镇", C.ID_RAW: "C", C.ACCOUNT: "6228"},
        {C.SCHOOL: "二小", C.TOWNSHIP: "城关镇", C.ID_RAW: "B", C.ACCOUNT: None},
    ]


@pytest.mark.parametrize(
    ("located", "expected"),
    [
        pytest.param(("roster", "学籍.xlsx", "Sheet1", 9), None, id="没有这一行"),
        pytest.param(("roster", "学籍.xlsx", "Sheet2", 3), None, id="别的工作表"),
        pytest.param(("ledger", "学籍.xlsx", "Sheet1", 3), None, id="别的来源"),
        pytest.param(("elsewhere", "学籍.xlsx", "Sheet1", 3), None, id="未知来源"),
        pytest.param(("roster", None, "Sheet1", 3), None, id="没有文件"),
        pytest.param(("roster", "学籍.xlsx", "Sheet1", None), None, id="没有行号"),
        pytest.param(("roster", "学籍.xlsx", "Sheet1", 3), "第一行", id="重复位置取第一行"),
    ],
)
def test_located_extras_matches_only_the_exact_location(
    located: tuple[Any, Any, Any, Any], expected: str | None
) -> None:
    """Source, file, sheet and row must all agree; a repeated location takes its first row."""
    loaded = Loaded(
        roster=rows(["学籍.xlsx"] * 3, ["Sheet1"] * 3, [3, 3, 2], id_raw=["第一行", "第二行", "x"])
    )
    assert plain(located_extras(loaded, findings(located)))[C.ID_RAW].tolist() == [expected]


def test_located_extras_treats_a_missing_sheet_as_an_empty_one() -> None:
    """A CSV row has no sheet; findings.csv writes it empty, and the two still join."""
    loaded = Loaded(ledger=rows(["台账.csv"], [None], [5], id_raw=["C"]))
    extra = located_extras(
        loaded, findings(("ledger", "台账.csv", "", 5), ("ledger", "台账.csv", None, 5))
    )
    assert plain(extra)[C.ID_RAW].tolist() == ["C", "C"]


def test_located_extras_fills_missing_township_from_the_schools_usual_one() -> None:
    """A roster row without 乡镇 takes the township most of its school's rows name."""
    loaded = Loaded(
        roster=rows(["学籍.xlsx"], ["Sheet1"], [3], school=["一小"], township=[None]),
        ledger=rows(
            ["台账.csv"] * 3,
            [None] * 3,
            [2, 3, 4],
            school=["一小"] * 3,
            township=["城关镇", "南关镇", "城关镇"],
        ),
    )
    extra = plain(located_extras(loaded, findings(("roster", "学籍.xlsx", "Sheet1", 3))))
    assert extra[C.TOWNSHIP].tolist() == ["城关镇"]


def test_township_by_school_breaks_a_tie_by_code_point_order() -> None:
    """Two townships named equally often: the first in code-point order, every run."""
    frame = pd.DataFrame(
        {
            C.SCHOOL: strings(["一小", "一小", "二小"]),
            C.TOWNSHIP: strings(["南关镇", "北关镇", None]),
        }
    )
    assert township_by_school([frame], {"一小", "二小"}) == {"一小": "北关镇"}


def test_first_match_finds_first_rows_of_unsorted_repeated_keys() -> None:
    """Keys out of order and repeated: the earliest row of each, -1 for a key not there."""
    first, found = first_match(np.array([7, 3, 7, 1, 3]), np.array([3, 7, 5, 1, 9, 0]))
    assert first.tolist() == [True, True, False, True, False]
    assert found.tolist() == [1, 0, -1, 3, -1, -1]


def test_located_extras_equals_the_text_key_merge_on_random_locations() -> None:
    """Over random files, sheets, rows, repeats and gaps it answers as the pandas merge did."""
    rng = np.random.default_rng(7)
    frames = {}
    for kind, n in (("registry", 300), ("roster", 500), ("ledger", 200)):
        frames[kind] = rows(
            [f"{kind}{i}.xlsx" for i in rng.integers(0, 3, n)],
            [rng.choice(["Sheet1", "二年级", "", None]) for _ in range(n)],
            rng.integers(1, 60, n).tolist(),
            school=[f"学校{i}" for i in rng.integers(0, 5, n)],
            # Skewed, so that no school names two townships equally often (no tie to break).
            township=[rng.choice(["城关镇", "南关镇", None], p=[0.6, 0.3, 0.1]) for _ in range(n)],
            id_raw=[f"id{i}" for i in range(n)],
            **({"account": [f"acct{i}" for i in range(n)]} if kind == "ledger" else {}),
        )
    loaded = Loaded(**frames)
    # Half the findings sit on a loaded row, the rest on near misses.
    hits = [
        (kind, frame[C.FILE].iloc[i], frame[C.SHEET].iloc[i], int(frame[C.ROW].iloc[i]))
        for kind, frame in frames.items()
        for i in rng.integers(0, len(frame), 130)
    ]
    located = hits + [
        (
            rng.choice(["registry", "roster", "ledger"]),
            f"{rng.choice(['registry', 'roster', 'ledger'])}{rng.integers(0, 4)}.xlsx",
            rng.choice(["Sheet1", "二年级", "", None]),
            None if rng.random() < 0.05 else int(rng.integers(1, 70)),
        )
        for _ in range(400)
    ]
    f = findings(*located)
    assert plain(located_extras(loaded, f)).equals(merged_extras(loaded, f))
