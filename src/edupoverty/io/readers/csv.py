"""Read .csv / .txt exports: encoding detected, delimiter sniffed, every cell kept as text.

Government systems export "ANSI" CSVs that are GBK; they are decoded as GB18030, its
superset, so that names outside GBK (e.g. 䶮) survive (DOMAIN.md §4).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from edupoverty.core.errors import InputError
from edupoverty.io.readers.excel import arrow_to_text_frame
from edupoverty.io.readers.raw import RawSheet

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_DELIMITERS = (",", "\t", ";", "|")


def decode_bytes(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """Return the text and the encoding used: a BOM wins, then strict UTF-8, then GB18030.

    Args:
        data: the whole file.
        forced: an encoding named with ``--encoding`` (``gbk`` is read as GB18030).
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
        return data.decode("gb18030", errors="replace"), "gb18030"


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
        InputError: the file is empty or cannot be decoded with the forced encoding.
    """
    data = path.read_bytes()
    if not data.strip():
        raise InputError.of("read.file_empty", file=path.name)
    text, used = decode_bytes(data, encoding)
    if "\x00" in text:
        text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    cells = _parse_fast(text, delimiter)
    if cells is None:
        cells = _parse_tolerant(text, delimiter)
    notes = ["read.csv_decoded_gb18030"] if used == "gb18030" else []
    return RawSheet(path=path, sheet="", cells=cells, notes=notes, encoding=used)


def _field_count(text: str, delimiter: str) -> int:
    head = text[:65536].splitlines()[:50]
    rows = list(csv.reader(head, delimiter=delimiter))
    return max((len(r) for r in rows), default=0)


def _parse_fast(text: str, delimiter: str) -> pd.DataFrame | None:
    """Parse with pyarrow; None when the rows are ragged (then the tolerant parser runs)."""
    width = _field_count(text, delimiter)
    if width == 0:
        return None
    names = [f"c{i}" for i in range(width)]
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
                column_types={n: pa.string() for n in names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if ragged:
        return None
    return arrow_to_text_frame(table)


def _parse_tolerant(text: str, delimiter: str) -> pd.DataFrame:
    """Parse ragged rows (title lines with one cell, short footers) with the csv module."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    padded = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(padded, dtype=pd.StringDtype("pyarrow"))
    frame = frame.mask(frame == "")
    frame.columns = range(frame.shape[1])
    return frame
