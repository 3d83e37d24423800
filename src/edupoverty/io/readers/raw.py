"""A sheet as read from disk: every cell as text, with its position in the original."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa


@dataclass
class RawSheet:
    """All cells of one sheet (or CSV file) as nullable strings, row = 0-based sheet row."""

    path: Path
    """Full path of the file."""
    sheet: str
    """Sheet name; empty for CSV."""
    table: pa.Table
    """Every cell as Arrow text, as the reader gave it; columns are taken by position."""
    first_row_number: int = 1
    """Excel row number of the table's first row (1 when the read starts at the top)."""
    notes: list[str] = field(default_factory=list)
    """Message ids of remarks about this sheet (e.g. encoding used)."""
    encoding: str | None = None
    """Text encoding for CSV inputs."""
    row_issues: list[tuple[int, str]] = field(default_factory=list)
    """(row index in ``table``, message id) of rows the reader itself found broken, e.g. a
    CSV line whose quote never closes; they become row errors if the row is data."""

    @property
    def file(self) -> str:
        """The file's base name, as findings and reports show it."""
        return self.path.name

    @cached_property
    def cells(self) -> pd.DataFrame:
        """The cells as ``string[pyarrow]`` columns named 0..n-1 (for writing copies of them).

        Reading never needs it: ``prepare_sheet`` works on ``table``, so a sheet's cells
        are not converted to pandas only to be converted back.
        """
        return arrow_to_text_frame(self.table)


def arrow_to_text_frame(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """Return an Arrow table as a DataFrame of ``string[pyarrow]`` columns named 0..n-1."""
    frame = table.to_pandas(
        types_mapper={
            pa.string(): pd.StringDtype("pyarrow"),
            pa.large_string(): pd.StringDtype("pyarrow"),
        }.get
    )
    frame.columns = range(frame.shape[1])
    for col in frame.columns:
        if not isinstance(frame[col].dtype, pd.StringDtype):
            frame[col] = frame[col].astype(pd.StringDtype("pyarrow"))
    return frame


def text_table(frame: pd.DataFrame) -> pa.Table:
    """Return a DataFrame of text cells as the Arrow table a ``RawSheet`` holds."""
    return pa.Table.from_pandas(
        frame.set_axis([str(c) for c in frame.columns], axis=1), preserve_index=False
    )


@dataclass
class SkippedSheet:
    """A sheet that was not read, with the reason (hidden, empty)."""

    path: Path
    sheet: str
    reason: str
    """Message id, e.g. ``read.sheet_hidden``."""
