"""Header detection: find the header row of a government export among its first rows.

Real exports put one or more title rows above the header (``XX县2024年秋季学期…发放花名册``),
often a two-row merged header (a parent cell such as 家庭成员信息 over 姓名/证件号码, with
single cells such as 户编号 merged vertically over both rows), and 合计 / 填表人 rows at
the foot. The header is the row (or pair of rows) whose cells match the most known
column names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core import columns as C
from edupoverty.io.readers.columns import AliasTable, normalise_header

HEADER_SEARCH_ROWS = 20
MIN_MATCHES = 2

# A parent cell over 姓名 / 身份证号 that names somebody other than the pupil: the child
# column then belongs to that person (持卡人姓名, 监护人身份证号), not to the pupil.
_OTHER_PERSON = ("持卡人", "监护人", "户主", "领取人", "开户人", "家长", "父亲", "母亲")
_PERSON_FIELDS = {C.NAME, C.ID_RAW}


@dataclass
class HeaderLayout:
    """Where the header is and what each column means."""

    header_rows: tuple[int, ...]
    """0-based indexes (within the sheet) of the one or two header rows."""
    labels: list[str]
    """Display text of every column's header (parent/child joined for merged headers)."""
    mapping: dict[int, str] = field(default_factory=dict)
    """Column position → canonical column."""
    unrecognised: list[str] = field(default_factory=list)
    """Non-empty header texts that matched no canonical field."""
    duplicates: list[str] = field(default_factory=list)
    """Header texts ignored because an earlier column already gave that field."""

    @property
    def width(self) -> int:
        """Columns up to the last one with a header label."""
        return max((i + 1 for i, label in enumerate(self.labels) if label), default=0)

    @property
    def data_start(self) -> int:
        """0-based index of the first row after the header."""
        return max(self.header_rows) + 1

    def label_of(self, column: str) -> str | None:
        """Return the header text of the column mapped to ``column``."""
        for pos, col in self.mapping.items():
            if col == column:
                return self.labels[pos]
        return None


MAX_LABEL_CHARS = 200
"""A header label is a few words; a longer cell in the top rows (a 1 MB remark) is cut to
this before alias matching, which normalises every character."""


def _cells(row: list[str | None]) -> list[str]:
    return [
        "" if v is None else str(v)[: MAX_LABEL_CHARS * 2].strip()[:MAX_LABEL_CHARS] for v in row
    ]


def _columns_named(labels: list[tuple[str, str]], aliases: AliasTable) -> list[str | None]:
    """Return the canonical column each (parent, child) header pair names, None for none."""
    columns: list[str | None] = []
    for parent, child in labels:
        if not (child or parent):
            columns.append(None)
            continue
        column = aliases.match(child) if child else None
        if column is None and parent and child:
            column = aliases.match(parent + child)
        if column is None and not child:
            column = aliases.match(parent)
        if column in _PERSON_FIELDS and parent and any(k in parent for k in _OTHER_PERSON):
            column = aliases.match(parent + child) if child else None
            if column in _PERSON_FIELDS:
                column = None
        columns.append(column)
    return columns


def _map_row(
    labels: list[tuple[str, str]], columns: list[str | None]
) -> tuple[dict[int, str], list[str], list[str]]:
    """Map header pairs to the columns they name; first occurrence wins."""
    mapping: dict[int, str] = {}
    seen: set[str] = set()
    unrecognised: list[str] = []
    duplicates: list[str] = []
    for pos, ((parent, child), column) in enumerate(zip(labels, columns, strict=True)):
        if not (child or parent):
            continue
        if column is None:
            unrecognised.append(_display(parent, child))
        elif column in seen:
            duplicates.append(_display(parent, child))
        else:
            seen.add(column)
            mapping[pos] = column
    return mapping, unrecognised, duplicates


def _display(parent: str, child: str) -> str:
    if parent and child and parent != child:
        return f"{parent}/{child}"
    return child or parent


def _forward_fill(cells: list[str]) -> list[str]:
    """Spread a merged parent cell's text over the empty cells to its right."""
    out: list[str] = []
    last = ""
    for value in cells:
        last = value or last
        out.append(last)
    return out


def detect_header(top: list[list[str | None]], aliases: AliasTable) -> HeaderLayout | None:
    """Return the header layout found among the first rows, or None when nothing matches.

    Args:
        top: the first rows of the sheet (up to ``HEADER_SEARCH_ROWS``), cells as text.
        aliases: the alias table in use.

    Returns:
        The layout with the most recognised columns (at least ``MIN_MATCHES``); a two-row
        header is preferred when combining a row with the one above it recognises more.
    """
    rows = [_cells(r) for r in top[:HEADER_SEARCH_ROWS]]
    # Candidates are scored on the columns they name alone; the winner's layout (labels,
    # unrecognised and duplicate headers) is built once, at the end.
    best: tuple[tuple[int, ...], list[tuple[str, str]], list[str | None]] | None = None
    best_score = MIN_MATCHES - 1
    for i, cells in enumerate(rows):
        if sum(1 for c in cells if c) < MIN_MATCHES:
            continue
        single = [("", c) for c in cells]
        candidates: list[tuple[tuple[int, ...], list[tuple[str, str]], list[str | None]]] = [
            ((i,), single, [aliases.match(c) if c else None for c in cells])
        ]
        if i > 0:
            above = rows[i - 1]
            if sum(1 for c in above if c) >= 2:
                parents = _forward_fill(above)
                pairs = []
                for pos, child in enumerate(cells):
                    parent = parents[pos] if pos < len(parents) else ""
                    own_above = above[pos] if pos < len(above) else ""
                    if not child:
                        # vertically merged single cell: its text sits in the row above
                        pairs.append(("", own_above))
                    else:
                        pairs.append((parent, child))
                candidates.append(((i - 1, i), pairs, _columns_named(pairs, aliases)))
        for header_rows, pairs, columns in candidates:
            score = len({column for column in columns if column is not None})
            if score > best_score or (
                score == best_score
                and best is not None
                and len(header_rows) > len(best[0])
                and header_rows[-1] == best[0][-1]
            ):
                best_score = score
                best = (header_rows, pairs, columns)
    if best is None:
        return None
    header_rows, pairs, columns = best
    mapping, unrecognised, duplicates = _map_row(pairs, columns)
    return HeaderLayout(
        header_rows=header_rows,
        labels=[_display(p, c) for p, c in pairs],
        mapping=mapping,
        unrecognised=unrecognised,
        duplicates=duplicates,
    )


_TOTAL_WORDS = (r"合\s*计", r"小\s*计", r"总\s*计", r"共\s*计", r"累\s*计", "本页合计", "总合计")
_FOOTER_WORDS = (
    r"填\s*表\s*人",
    r"审\s*核\s*人",
    r"制\s*表\s*人",
    r"填\s*报\s*人",
    r"复\s*核\s*人",
    r"经\s*办\s*人",
    r"负\s*责\s*人",
    "单位负责人",
    "分管领导",
    "校长签字",
    "制表日期",
    "填表日期",
    "填报日期",
    r"注\s*[:：]",
    r"说明\s*[:：]",
    r"备注\s*[:：]",
)
_TOTAL = re.compile("^(" + "|".join(_TOTAL_WORDS) + ")")
_FOOTER = re.compile("^(" + "|".join(_FOOTER_WORDS) + ")")
_FURNITURE_INITIALS = pa.array(
    sorted({word[0] for word in _TOTAL_WORDS + _FOOTER_WORDS}), pa.large_string()
)
"""The characters a 合计 or footer cell can start with: only cells starting with one of them
go through the regular expressions, which cost ten times a look-up of the first character."""


@dataclass(frozen=True)
class DataCells:
    """A sheet's data rows, column after column in one Arrow array: trimmed, blank as null.

    Holding every column in one array lets each text kernel run once per sheet, not once
    per column: a county's hundred small sheets of twenty columns pay the fixed cost of a
    kernel call a few hundred times instead of several thousand (issue #7).
    """

    values: pa.ChunkedArray
    """Column 0's rows, then column 1's, …; ``large_string``."""
    rows: int
    columns: int

    @classmethod
    def of(cls, table: pa.Table, width: int) -> DataCells:
        """Return the first ``width`` columns of a table of text cells, trimmed, blank as null."""
        columns = table.columns[:width]
        chunks = [
            chunk
            for column in columns
            for chunk in (column if column.type == pa.string() else column.cast(pa.string())).chunks
        ]
        values = pa.chunked_array(chunks, pa.string()).cast(pa.large_string())
        trimmed = pc.utf8_trim_whitespace(values)
        blank = pc.equal(trimmed, "")
        cleaned = pc.if_else(blank, pa.scalar(None, pa.large_string()), trimmed)
        return cls(cleaned, table.num_rows, len(columns))

    def column(self, position: int) -> pa.ChunkedArray:
        """Return one column's cells."""
        return self.values.slice(position * self.rows, self.rows)


def furniture_mask(cells: DataCells) -> np.ndarray:
    """Return True for rows that are sheet furniture, not data: blank, 合计/小计, 填表人 footers.

    A row is judged by its first non-blank cell, and by its first three cells for a 合计
    written after a 序号.

    Args:
        cells: the data rows (after the header).

    Returns:
        One boolean per row.
    """
    if cells.rows == 0 or cells.columns == 0:
        return np.zeros(cells.rows, dtype=bool)
    first = pc.coalesce(*(cells.column(i) for i in range(cells.columns)))
    mask = _bools(pc.is_null(first))
    leading = min(3, cells.columns)
    judged = pa.chunked_array([*first.chunks, *cells.values.slice(0, leading * cells.rows).chunks])
    initials = pc.utf8_slice_codeunits(judged, 0, 1)
    starts = _bools(pc.fill_null(pc.is_in(initials, value_set=_FURNITURE_INITIALS), False))
    candidates = np.flatnonzero(starts.reshape(1 + leading, cells.rows).any(axis=0))
    if len(candidates) == 0:
        return mask
    at = pa.array(candidates)
    first_text = first.take(at)
    found = _matches(first_text, _TOTAL) | _matches(first_text, _FOOTER)
    for position in range(leading):
        found |= _matches(cells.column(position).take(at), _TOTAL)
    mask[candidates] |= found
    return mask


def _matches(values: pa.ChunkedArray, pattern: re.Pattern[str]) -> np.ndarray:
    return _bools(pc.fill_null(pc.match_substring_regex(values, pattern.pattern), False))


def _bools(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=bool)


def header_text_key(text: str) -> str:
    """Return the header's matching form (exposed for reports and tests)."""
    return normalise_header(text)
