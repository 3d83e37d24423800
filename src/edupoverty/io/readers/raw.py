"""A sheet as read from disk: every cell as text, with its position in the original."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class RawSheet:
    """All cells of one sheet (or CSV file) as nullable strings, row index = 0-based sheet row."""

    path: Path
    """Full path of the file."""
    sheet: str
    """Sheet name; empty for CSV."""
    cells: pd.DataFrame
    """Every cell as ``string[pyarrow]``; columns are positions 0..n-1."""
    first_row_number: int = 1
    """Excel row number of ``cells.iloc[0]`` (1 when the read starts at the top)."""
    notes: list[str] = field(default_factory=list)
    """Message ids of remarks about this sheet (e.g. encoding used)."""
    encoding: str | None = None
    """Text encoding for CSV inputs."""
    row_issues: list[tuple[int, str]] = field(default_factory=list)
    """(row index in ``cells``, message id) of rows the reader itself found broken, e.g. a
    CSV line whose quote never closes; they become row errors if the row is data."""

    @property
    def file(self) -> str:
        """The file's base name, as findings and reports show it."""
        return self.path.name


@dataclass
class SkippedSheet:
    """A sheet that was not read, with the reason (hidden, empty)."""

    path: Path
    sheet: str
    reason: str
    """Message id, e.g. ``read.sheet_hidden``."""
