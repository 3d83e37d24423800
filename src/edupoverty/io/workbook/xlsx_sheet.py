"""One worksheet's XML streamed through: surveyed once, then copied with a few rows rebuilt.

A million-row sheet is some 500 MB of XML, so it is never parsed into a tree (issue 7).
It is cut into chunks at ``</row>`` boundaries and searched with byte-level regular
expressions: the survey finds the last column holding a value, the merged ranges and the
rows a plan touches; the rewrite copies every chunk through, dropping formulas and
masking ID columns on the way, and swaps in the rebuilt rows. Everything else (widths,
freeze panes, validations, hidden rows) passes untouched. A sheet up to ``IN_MEMORY`` is
inflated once and kept for both passes; a bigger one is inflated twice, ``CHUNK`` at a time.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from openpyxl.utils import column_index_from_string, get_column_letter

from edupoverty.io.workbook.xlsx_parts import (
    MAIN_NS,
    REL_NS,
    PatchDeclinedError,
    set_attr,
)

CHUNK: Final = 1 << 22
"""Bytes of sheet XML inflated per read when streaming."""
IN_MEMORY: Final = 64 << 20
"""Sheets up to this size (inflated) are read once and kept for the second pass."""
SAMPLE: Final = 1 << 16
"""Bytes of a sheet's first rows checked for cells without ``r`` (``_check_rows``)."""

_SHEET_DATA: Final = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROOT: Final = re.compile(rb"<(?:([\w.-]+):)?worksheet\b([^>]*)>")
_ROW_NUMBER: Final = re.compile(rb'<row r="(\d+)"')
_MERGE: Final = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_DIMENSION: Final = re.compile(rb'<dimension\b[^>]*\bref="([^"]*)"')
_TAG: Final = re.compile(rb"""<(/?)([\w.:-]+)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""")
# CT_Worksheet is a sequence: legacyDrawing comes after drawing and before these; Excel calls a
# file corrupt when the order is wrong (ECMA-376 Part 1, 18.3.1.99).
_AFTER_LEGACY: Final = {
    b"legacyDrawingHF", b"drawingHF", b"picture", b"oleObjects", b"controls",
    b"webPublishItems", b"tableParts", b"extLst", b"mc:AlternateContent",
}  # fmt: skip


def _count_tag(data: bytes, name: bytes) -> int:
    return sum(data.count(b"<" + name + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _check_rows(sample: bytes, member: str) -> None:
    """Decline rows or cells without ``r`` (positions would be implied), comments and CDATA.

    Only the sheet's first rows are checked, for speed: a writer that leaves ``r`` out does
    so throughout, and every row the patcher rebuilds is checked again whole.
    """
    cut = sample.rfind(b"</row>", 0, SAMPLE)
    sample = sample[: cut + 6] if cut >= 0 else sample
    # "<c" also starts <color>, <condense> and <charset> inside rich text runs.
    other = sample.count(b"<co") + sample.count(b"<ch")
    if (
        sample.count(b"<row") != sample.count(b'<row r="')
        or sample.count(b"<c") != sample.count(b'<c r="') + other
    ):
        raise PatchDeclinedError(f"{member}: a row or cell without its r attribute")
    if b"<!" in sample or b"<?" in sample:
        raise PatchDeclinedError(f"{member}: comments or CDATA among the rows")


def last_row(chunk: bytes) -> int:
    """Return the number of the last ``<row>`` in a run of rows (0 when it holds none)."""
    i = chunk.rfind(b'<row r="')
    return 0 if i < 0 else int(chunk[i + 8 : chunk.index(b'"', i + 8)])


def row_end(chunk: bytes, start: int) -> int:
    """Return the offset just past the ``<row>`` element starting at ``start``."""
    gt = chunk.index(b">", start)
    return gt + 1 if chunk[gt - 1] == ord("/") else chunk.index(b"</row>", gt) + 6


class SheetSource:
    """A worksheet member of the package, read as head, row chunks and tail, any number of times."""

    def __init__(self, zf: zipfile.ZipFile, member: str, keep: bool) -> None:
        self._zf, self.member = zf, member
        self._data = zf.read(member) if keep else None

    def parts(self) -> Iterator[tuple[str, bytes]]:
        """Yield ``("head", …)``, then ``("rows", …)`` chunks ending at a row, then ``("tail", …)``."""
        if self._data is not None:
            m = _SHEET_DATA.search(self._data)
            end = self._data.rfind(b"</sheetData>")
            if m is None or m[1] or end < 0:
                raise PatchDeclinedError(f"{self.member}: no rows")
            yield "head", self._data[: m.end()]
            yield "rows", self._data[m.end() : end]
            yield "tail", self._data[end:]
            return
        with self._zf.open(self.member) as stream:
            buffer = b""
            while (m := _SHEET_DATA.search(buffer)) is None:
                more = stream.read(CHUNK)
                if not more:
                    raise PatchDeclinedError(f"{self.member}: no rows")
                buffer += more
            if m[1]:
                raise PatchDeclinedError(f"{self.member}: no rows")
            yield "head", buffer[: m.end()]
            buffer = buffer[m.end() :]
            while True:
                end = buffer.find(b"</sheetData>")
                if end >= 0:
                    yield "rows", buffer[:end]
                    yield "tail", buffer[end:] + stream.read()
                    return
                cut = buffer.rfind(b"</row>")
                if cut >= 0:
                    yield "rows", buffer[: cut + 6]
                    buffer = buffer[cut + 6 :]
                more = stream.read(CHUNK)
                if not more:
                    raise PatchDeclinedError(f"{self.member}: no </sheetData>")
                buffer += more


@dataclass
class Survey:
    """What the first pass over a sheet found."""

    wanted: list[int]
    """Rows to capture, ascending."""
    rows: dict[int, bytes] = field(default_factory=dict)
    """Row number → its original ``<row>`` element."""
    max_col: int = 0
    """Last column holding a value (1-based; 0 for none)."""
    last_row: int = 0
    merges: dict[int, list[tuple[int, int, int]]] = field(default_factory=dict)
    """Row → the merged ranges over it, as (first row, first column, last column)."""
    strings: set[int] = field(default_factory=set)
    """Shared strings referenced by masked data cells."""
    head: bytes = b""
    tail: bytes = b""
    _next: int = 0

    def feed_head(self, head: bytes, member: str) -> None:
        """Check the root element: transitional namespace, no prefix, no DTD."""
        root = _ROOT.search(head)
        if root is None or root[1] or b'xmlns="%s"' % MAIN_NS.encode() not in root[2]:
            raise PatchDeclinedError(f"{member}: not a transitional worksheet")
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise PatchDeclinedError(f"{member}: declares a DTD")
        self.head = head

    def feed_rows(self, chunk: bytes, member: str) -> None:
        """Capture the wanted rows in ``chunk`` and track the last column holding a value."""
        if not self.last_row:
            _check_rows(chunk, member)
        last = last_row(chunk)
        if last < self.last_row and last:
            raise PatchDeclinedError(f"{member}: rows out of order")
        self.last_row = max(self.last_row, last)
        pos = 0
        while self._next < len(self.wanted) and self.wanted[self._next] <= last:
            number = self.wanted[self._next]
            start = chunk.find(b'<row r="%d"' % number, pos)
            if start >= 0:
                pos = row_end(chunk, start)
                self.rows[number] = chunk[start:pos]
            self._next += 1
        self._track_columns(chunk)

    def _track_columns(self, chunk: bytes) -> None:
        # Only cells right of the widest so far are looked for, so a sheet costs one scan in C
        # (the old path's rule: formatting-only cells do not count, values do).
        pos = 0
        while (m := _beyond(self.max_col).search(chunk, pos)) is not None:
            self.max_col = column_index_from_string(m[1].decode())
            pos = m.end()

    def collect_strings(self, chunk: bytes, letters: Iterable[str], first_row: int) -> None:
        """Note the shared strings referenced by data cells of the masked columns."""
        for letter in letters:
            pattern = re.compile(
                rb'<c r="%s(\d+)"[^>]*?\st="s"[^>]*>\s*<v>(\d+)</v>' % letter.encode()
            )
            self.strings.update(int(i) for r, i in pattern.findall(chunk) if int(r) >= first_row)

    def feed_tail(self, tail: bytes) -> None:
        """Read the merged ranges that follow ``</sheetData>``."""
        self.tail = tail
        for a, r1, b, r2 in _MERGE.findall(tail):
            c1, c2 = column_index_from_string(a.decode()), column_index_from_string(b.decode())
            for row in range(int(r1), int(r2) + 1):  # a registry merges 户编号 per household
                self.merges.setdefault(row, []).append((int(r1), c1, c2))

    def top_left(self, row: int, col: int) -> tuple[int, int]:
        """Return the cell a mark on (row, col) goes to: the top-left of its merged range."""
        for r1, c1, c2 in self.merges.get(row, ()):
            if c1 <= col <= c2:
                return r1, c1
        return row, col


_BEYOND_CACHE: dict[int, re.Pattern[bytes]] = {}


def _beyond(col: int) -> re.Pattern[bytes]:
    """Return a pattern for a cell holding a value in a column right of ``col``."""
    if col not in _BEYOND_CACHE:
        letters = get_column_letter(col) if col else ""
        n = len(letters)
        # a longer name is further right; past XFD (3 letters) there is none (issue 8: a
        # row filling A..XFD made this "[A-Z]{4,3}", which re rejects)
        options = [f"[A-Z]{{{n + 1},3}}"] if n < 3 else []
        for i, ch in enumerate(letters):
            if ch != "Z":
                options.append(letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (n - i - 1))
        alternatives = "|".join(options).encode()
        _BEYOND_CACHE[col] = re.compile(
            rb'<c r="(' + alternatives + rb')\d+"[^>]*(?<!/)>(?!\s*</c>)'
        )
    return _BEYOND_CACHE[col]


def edit_head(head: bytes, result_col: int, width: float, last_row: int) -> bytes:
    """Return the sheet's head with the dimension widened and a width for the result column."""
    dim = _DIMENSION.search(head)
    if dim is not None:
        cells = re.fullmatch(rb"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", dim[1])
        if cells is not None:
            right = max(result_col, column_index_from_string((cells[3] or cells[1]).decode()))
            bottom = max(last_row, int(cells[4] or cells[2]))
            ref = b"%s%s:%s%d" % (cells[1], cells[2], get_column_letter(right).encode(), bottom)
            head = head[: dim.start(1)] + ref + head[dim.end(1) :]
    new = b'<col min="%d" max="%d" width="%s" customWidth="1"/>' % (
        result_col,
        result_col,
        repr(width).encode(),
    )
    cols = re.search(rb"<cols>(.*?)</cols>", head, re.S)
    if cols is None:
        at = _SHEET_DATA.search(head)
        assert at is not None
        return head[: at.start()] + b"<cols>" + new + b"</cols>" + head[at.start() :]
    tags = re.findall(rb"<col\b[^>]*?/>", cols[1])
    if len(tags) != _count_tag(cols[1], b"col"):
        raise PatchDeclinedError("a <col> element that is not self-closing")
    out, placed = [], False
    for tag in tags:
        lo, hi = _int_attr(tag, b"min"), _int_attr(tag, b"max")
        if hi < result_col or lo > result_col:
            if lo > result_col and not placed:
                out.append(new)
                placed = True
            out.append(tag)
            continue
        if lo < result_col:  # split a range that covers the new column around it
            out.append(_col_range(tag, lo, result_col - 1))
        widened = set_attr(set_attr(tag.decode(), "width", repr(width)), "customWidth", "1")
        out.append(_col_range(widened.encode(), result_col, result_col))
        if hi > result_col:
            out.append(_col_range(tag, result_col + 1, hi))
        placed = True
    if not placed:
        out.append(new)
    return head[: cols.start(1)] + b"".join(out) + head[cols.end(1) :]


def _int_attr(tag: bytes, name: bytes) -> int:
    m = re.search(rb'\s%s="(\d+)"' % name, tag)
    if m is None:
        raise PatchDeclinedError(f"<col> without {name.decode()}")
    return int(m[1])


def _col_range(tag: bytes, lo: int, hi: int) -> bytes:
    return set_attr(set_attr(tag.decode(), "min", str(lo)), "max", str(hi)).encode()


def edit_tail(tail: bytes, rel_id: str, head: bytes) -> bytes:
    """Return the part after ``</sheetData>`` with ``<legacyDrawing>`` in its schema place."""
    if re.search(rb"<legacyDrawing\s", tail):  # the existing drawing is rewritten instead
        return tail
    root = _ROOT.search(head)
    declared = root is not None and b'xmlns:r="%s"' % REL_NS.encode() in root[2]
    tag = (
        b'<legacyDrawing r:id="%s"/>' % rel_id.encode()
        if declared
        else b'<legacyDrawing xmlns:r="%s" r:id="%s"/>' % (REL_NS.encode(), rel_id.encode())
    )
    depth, at = 0, -1
    for m in _TAG.finditer(tail, len(b"</sheetData>")):
        name = m[2]
        if m[1]:
            depth -= 1
            if depth < 0:  # </worksheet>
                at = m.start()
                break
            continue
        if depth == 0 and name in _AFTER_LEGACY:
            at = m.start()
            break
        if not m[3]:
            depth += 1
    if at < 0:
        raise PatchDeclinedError("no place for the comments' drawing")
    return tail[:at] + tag + tail[at:]


def rewrite_sheet(
    source: SheetSource,
    apply: Callable[[bytes], bytes],
    head: bytes,
    tail: bytes,
    rows: Mapping[int, bytes],
    new_rows: Mapping[int, bytes],
) -> Iterator[bytes]:
    """Yield the sheet's new XML: the new head, every run of rows through ``apply`` with the
    rebuilt rows swapped in (and missing ones inserted in order), then the new tail."""
    targets = sorted({*rows, *new_rows})
    i = 0
    for kind, data in source.parts():
        if kind == "head":
            yield head
        elif kind == "tail":
            yield b"".join(new_rows[n] for n in targets[i:])
            yield tail
        else:
            chunk = apply(data)
            last, pos, out = last_row(chunk), 0, []
            while i < len(targets) and targets[i] <= last:
                n = targets[i]
                if n in rows:
                    start = chunk.index(b'<row r="%d"' % n, pos)
                    out += [chunk[pos:start], rows[n]]
                    pos = row_end(chunk, start)
                else:
                    at = next(m.start() for m in _ROW_NUMBER.finditer(chunk, pos) if int(m[1]) > n)
                    out += [chunk[pos:at], new_rows[n]]
                    pos = at
                i += 1
            out.append(chunk[pos:])
            yield b"".join(out)  # one write per chunk: zlib is slow on many small pieces
