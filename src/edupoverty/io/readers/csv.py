"""Read .csv / .txt exports: encoding detected, delimiter sniffed, every cell kept as text.

Government systems export "ANSI" CSVs that are GBK; they are decoded as GB18030, its
superset, so that names outside GBK (e.g. 䶮) survive (DOMAIN.md §4). A file stitched
together from two systems' exports can mix UTF-8 and GBK lines; each line is then decoded
on its own. Bytes that are no text at all (a renamed archive, a damaged file) are refused
with a message instead of being parsed into garbage rows (issue 8).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from edupoverty.core.errors import InputError
from edupoverty.io.readers.excel import MAX_COLUMNS
from edupoverty.io.readers.raw import RawSheet, text_table

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_DELIMITERS = (",", "\t", ";", "|")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

MAX_RECORD_LINES: Final = 50
"""Physical lines one record may span. A quoted cell with line breaks (an address, a
remark) spans a few; a quote opened by a hand edit and never closed would swallow the rest
of the file into one cell, so such a record is read again line by line."""

_BINARY_SAMPLE: Final = 65536
_NOT_TEXT = re.compile("[\x01-\x08\x0e-\x1f\x7f\ufffd]")
"""Characters no exported table holds in quantity: C0 controls other than tab, line breaks,
\\x0b and \\x0c (a pasted name may carry one), DEL, and the replacement character."""

# The csv module refuses fields over 128 KiB by default; a 1 MB remark cell is data, not an
# error. The limit is process-wide and only ever raised here.
_FIELD_LIMIT: Final = (1 << 31) - 1


def decode_bytes(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """Return the text and the encoding used: a BOM wins, then UTF-8, GB18030, or per line.

    Args:
        data: the whole file.
        forced: an encoding named with ``--encoding`` (``gbk`` is read as GB18030).

    Returns:
        The text and ``utf-8``, ``utf-8-sig``, ``utf-16``, ``gb18030``, the forced name,
        or ``mixed`` when some lines are UTF-8 and others GBK.
    """
    if forced:
        name = (
            "gb18030"
            if forced.lower().replace("-", "") in {"gbk", "gb2312", "cp936", "ansi"}
            else forced
        )
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError.of(
                "read.encoding_failed", encoding=forced, detail=str(exc)[:120]
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return _decode_per_line(data)


def _decode_per_line(data: bytes) -> tuple[str, str]:
    """Decode each line as UTF-8 when it is valid UTF-8, else as GB18030 (lossy)."""
    parts: list[str] = []
    utf8_lines = gbk_lines = 0
    for line in data.splitlines(keepends=True):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            parts.append(line.decode("gb18030", errors="replace"))
            gbk_lines += 1
            continue
        parts.append(text)
        if not line.isascii():
            utf8_lines += 1
    return "".join(parts), "mixed" if utf8_lines and gbk_lines else "gb18030"


def is_binary_text(text: str) -> bool:
    """Return True when the decoded start of a file is mostly not text (controls, U+FFFD)."""
    sample = text[:_BINARY_SAMPLE]
    bad = len(_NOT_TEXT.findall(sample))
    return bad > max(16, len(sample) // 50)


def sniff_delimiter(text: str) -> str:
    """Return the delimiter whose count is the most consistent over the first lines."""
    lines = [ln for ln in text[:65536].splitlines()[:30] if ln.strip()]
    best, best_score = ",", -1.0
    for delim in _DELIMITERS:
        counts = [ln.count(delim) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * (1 if mode > 0 else 0) + mode / 1000
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(path: Path, encoding: str | None = None) -> RawSheet:
    """Return a CSV file as one RawSheet of text cells; row 1 is the file's first line.

    Raises:
        InputError: the file is empty, a workbook under a .csv name, binary, or cannot
            be decoded with the forced encoding.
    """
    data = path.read_bytes()
    if not data.strip():
        raise InputError.of("read.file_empty", file=path.name)
    if data.startswith(_WORKBOOK_MAGIC):
        raise InputError.of("read.csv_is_workbook", file=path.name)
    text, used = decode_bytes(data, encoding)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if is_binary_text(text):
        raise InputError.of("read.csv_binary", file=path.name)
    delimiter = sniff_delimiter(text)
    cells = _parse_fast(text, delimiter)
    stray: list[int] = []
    if cells is None:
        frame, stray = _parse_tolerant(text, delimiter, path.name)
        cells = text_table(frame)
    notes = {"gb18030": ["read.csv_decoded_gb18030"], "mixed": ["read.csv_mixed_encoding"]}
    noted = notes.get(used, [])
    if cells.num_columns >= MAX_COLUMNS and _field_count(text, delimiter) > MAX_COLUMNS:
        noted = [*noted, "read.columns_ignored"]
    raw = RawSheet(path=path, sheet="", table=cells, notes=noted, encoding=used)
    raw.row_issues = [(i, "row.csv_stray_quote") for i in stray]
    return raw


def _field_count(text: str, delimiter: str) -> int:
    head = text[:65536].splitlines()[:50]
    try:
        rows = list(csv.reader(head, delimiter=delimiter, strict=False))
    except csv.Error:
        return 0
    return max((len(r) for r in rows), default=0)


def _physical_lines(text: str) -> int:
    """Count lines as ``\\r``, ``\\n`` and ``\\r\\n`` end them (what pyarrow counts)."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks + (0 if text.endswith(("\n", "\r")) else 1)


def _parse_fast(text: str, delimiter: str) -> pa.Table | None:
    """Parse with pyarrow; None when rows are ragged or span lines (the tolerant parser runs)."""
    width = _field_count(text, delimiter)
    if width == 0:
        return None
    names = [f"c{i}" for i in range(width)]
    kept = names[:MAX_COLUMNS]
    ragged = False

    def on_invalid(_row: object) -> str:
        nonlocal ragged
        ragged = True
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=kept,
                column_types={n: pa.string() for n in kept},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if ragged or table.num_rows != _physical_lines(text):
        # Fewer records than lines: some cell spans lines, legitimately (a quoted address)
        # or because a quote never closes; the tolerant parser tells the two apart.
        return None
    return table


@dataclass
class _Record:
    first: int
    """0-based index of the record's first physical line."""
    lines: int
    """Physical lines the record spans."""
    fields: list[str]
    capped: bool
    """The record was cut at ``MAX_RECORD_LINES`` (an unclosed quote ran on)."""


class _LineFeed:
    """Hand physical lines to ``csv.reader``, at most ``MAX_RECORD_LINES`` to any one record."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines = lines
        self.pos = start
        self.limit = start + MAX_RECORD_LINES
        self.capped = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        if self.pos >= self.limit:
            self.capped = True
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]

    def next_record(self) -> None:
        """Start counting the next record's lines."""
        self.limit = self.pos + MAX_RECORD_LINES


def _read_records(lines: list[str], delimiter: str, file: str) -> list[_Record]:
    """Return every record with the physical lines it spans (csv.reader reads no line ahead)."""
    records: list[_Record] = []
    pos = 0
    while pos < len(lines):
        feed = _LineFeed(lines, pos)
        first = pos
        try:
            for fields in csv.reader(feed, delimiter=delimiter, strict=False):
                records.append(_Record(first, feed.pos - first, fields, feed.capped))
                if feed.capped:
                    break
                first = feed.pos
                feed.next_record()
        except csv.Error as exc:
            raise InputError.of(
                "read.csv_unparsable", file=file, row=first + 1, detail=str(exc)
            ) from exc
        pos = feed.pos
    return records


def _parse_tolerant(text: str, delimiter: str, file: str = "") -> tuple[pd.DataFrame, list[int]]:
    """Parse ragged rows (title lines with one cell, short footers) with the csv module.

    A record spanning lines whose quotes do not close, that ran to ``MAX_RECORD_LINES``,
    or whose number of fields differs from the file's usual row swallowed the lines after
    an unbalanced quote: its lines are read one by one instead, so the rows after it are
    kept, and the lines whose own quotes do not close are returned as stray-quote rows.

    Returns:
        The cells (row index = 0-based row) and the indexes of rows with a stray quote.
    """
    csv.field_size_limit(_FIELD_LIMIT)
    # newline="" splits at \r, \n and \r\n alike and keeps them, as csv.reader expects;
    # str.splitlines would also split at \x0b, \x1c or \u2028 inside a cell.
    lines = io.StringIO(text, newline="").readlines()
    records = _read_records(lines, delimiter, file)
    widths = Counter(len(r.fields) for r in records if r.lines == 1 and len(r.fields) > 1)
    usual = widths.most_common(1)[0][0] if widths else None
    rows: list[list[str]] = []
    stray: list[int] = []
    for record in records:
        span = lines[record.first : record.first + record.lines]
        runaway = record.lines > 1 and (
            record.capped
            or _quotes_unclosed(span, delimiter)
            or (usual is not None and len(record.fields) != usual)
        )
        if not runaway:
            if record.lines == 1 and _odd_quotes(span[0]) and _quotes_unclosed(span, delimiter):
                stray.append(len(rows))
            rows.append(record.fields)
            continue
        for line in span:
            if _odd_quotes(line) and _quotes_unclosed([line], delimiter):
                stray.append(len(rows))
            one = csv.reader([line.rstrip("\r\n")], delimiter=delimiter, strict=False)
            rows.append(next(one, []))
    width = min(MAX_COLUMNS, max((len(r) for r in rows), default=0))
    padded = [r[:width] + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(padded, dtype=pd.StringDtype("pyarrow"))
    frame = frame.mask(frame == "")
    frame.columns = range(frame.shape[1])
    return frame, stray


def _odd_quotes(line: str) -> bool:
    return line.count('"') % 2 == 1


def _quotes_unclosed(lines: list[str], delimiter: str) -> bool:
    """Return True when the lines, read strictly, open a quoted field they do not close."""
    if not any('"' in line for line in lines):
        return False
    try:
        for _fields in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False
