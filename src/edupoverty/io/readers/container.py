"""Check a workbook's zip container before any reader inflates it: bombs, lies and DTDs.

An .xlsx is a zip of XML parts. calamine (under fastexcel) inflates the parts it reads
with no limit and aborts the whole process when an allocation fails, so a 3 MB file whose
sheet inflates to 3 GB of one text cell killed edupov with no message at all (issue 8).
These checks run first, and cost one streaming inflation of the worksheets: about a tenth
of fastexcel's own read time (0.3 s for a 130 MB sheet XML against 3.6 s).

1. The end-of-central-directory record: a zip with more members than any workbook has is
   refused before ``zipfile`` builds one object per member.
2. The sizes the central directory declares: one part both large and compressed more than
   real exports ever are, or all parts together beyond any real export.
3. The sizes the parts really inflate to: never more than declared (a crafted file lies
   about its sizes, and calamine does not check them). A part that deflate cannot inflate
   past ``RATIO_APPLIES_ABOVE`` (1,032 times its compressed size) needs no such proof while
   all of them together stay within ``MAX_TOTAL_BYTES``: its lie could break neither limit.
   Worksheets are always inflated whole, for their merged ranges.
4. The prolog of every XML part: a DTD is refused. ECMA-376 Part 2 (OPC) forbids DTD
   declarations in a package, and entity declarations are how a billion-laughs file
   multiplies itself in any parser that expands them.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Final
from xml.etree.ElementTree import Element
from xml.parsers.expat import ExpatError, ParserCreate

from defusedxml import DefusedXmlException, ElementTree

from edupoverty.core.errors import ErrorDetail, InputError
from edupoverty.i18n import t

MAX_MEMBERS: Final = 10_000
"""Parts in one workbook; a workbook with 250 sheets, each with comments and drawings, has ~2,000."""

MAX_CENTRAL_DIRECTORY: Final = 8 << 20
"""Bytes of central directory (≈ 100 bytes per member)."""

MAX_RATIO: Final = 200
"""Compression ratio no real part reaches: sheet XML of a 1,000,000-row × 12-column export
is ~650 MB at ratio 11; styled empty rows reach ~15; a deflate bomb is near 1,000."""

RATIO_APPLIES_ABOVE: Final = 100 << 20
"""A small part may compress very well (a run of identical empty rows); only a large one
with an extreme ratio is a bomb."""

MAX_TOTAL_BYTES: Final = 4 << 30
"""All parts inflated together: six times a 1,000,000-row export."""

DEFLATE_MAX_RATIO: Final = 1032
"""Most bytes deflate can inflate one compressed byte to (RFC 1951: a 258-byte match costs
at least two bits). A part's real size is at most this many times its compressed size,
whatever its headers declare."""

MAX_MERGES: Final = 100_000
"""Merged ranges kept per sheet; a crafted sheet may declare millions."""

_CHUNK: Final = 1 << 20
_PROLOG_LIMIT: Final = 64 << 10
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ROOT_ELEMENT = re.compile(r"<[A-Za-z_]")
_DTD = re.compile(r"<!(DOCTYPE|ENTITY)")
_WORKSHEETS = "xl/worksheets/"
_MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z$]+[0-9$]+(?::[A-Z$]+[0-9$]+)?)"')
_A1 = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class CellRange:
    """A merged range, 0-based and inclusive, in the sheet's own coordinates."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class WorkbookParts:
    """What the container check learnt on its way: each sheet's part and merged ranges."""

    sheet_parts: dict[str, str] = field(default_factory=dict)
    """Sheet name → worksheet part (``xl/worksheets/sheet1.xml``)."""
    merges: dict[str, list[CellRange]] = field(default_factory=dict)
    """Worksheet part → its merged ranges (``<mergeCell ref="A2:A11"/>``)."""

    def merged_ranges(self, sheet: str) -> list[CellRange]:
        """Return the merged ranges of a sheet by name (none when unknown)."""
        return self.merges.get(self.sheet_parts.get(sheet, ""), [])


def check_workbook_container(path: Path) -> WorkbookParts:
    """Refuse a zip-based workbook that is truncated, a bomb, lies about its sizes, or has a DTD.

    The one pass over the parts also collects each sheet's merged ranges, which fastexcel
    does not report.

    Args:
        path: an .xlsx/.xlsm (or any file that starts with the zip signature).

    Returns:
        Sheet parts and merged ranges.

    Raises:
        InputError: ``read.workbook_truncated``, ``read.zip_bomb``, ``read.xml_entities``
            or ``read.workbook_corrupt``, naming the file.
    """
    try:
        return _check(path)
    except (OSError, ValueError, EOFError, NotImplementedError, struct.error) as exc:
        # zipfile and struct raise these on hostile offsets, versions and lengths; the
        # file is unusable, and saying so beats an internal error (found by fuzzing).
        raise InputError.of("read.workbook_corrupt", file=path.name, detail=_short(exc)) from exc


def _check(path: Path) -> WorkbookParts:
    name = path.name
    with path.open("rb") as fh:
        members, directory_size = _end_record(fh, name)
        if members > MAX_MEMBERS or directory_size > MAX_CENTRAL_DIRECTORY:
            raise _bomb(name, t("read.zip_reason.members", count=members))
        try:
            archive = zipfile.ZipFile(fh)
        except zipfile.BadZipFile as exc:
            raise InputError.of("read.workbook_corrupt", file=name, detail=_short(exc)) from exc
        with archive:
            infos = archive.infolist()
            declared = _check_declared_sizes(infos, name)
            unproven_room = MAX_TOTAL_BYTES - declared
            parts = WorkbookParts()
            for info in infos:
                worst = info.compress_size * DEFLATE_MAX_RATIO
                whole = (
                    info.filename.startswith(_WORKSHEETS)
                    or worst > RATIO_APPLIES_ABOVE
                    or worst > unproven_room
                )
                if not whole:
                    unproven_room -= worst
                merges = _check_member(fh, info, name, whole=whole)
                if merges:
                    parts.merges[info.filename] = merges
            package = _check_package_xml(archive, name)
            parts.sheet_parts = _sheet_parts(package)
    return parts


def _end_record(fh: BinaryIO, name: str) -> tuple[int, int]:
    """Return (members, central directory bytes) from the end record, zip64 included."""
    fh.seek(0, 2)
    size = fh.tell()
    tail_start = max(0, size - (22 + 0xFFFF))
    fh.seek(tail_start)
    tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        # An .xlsx cut short (an interrupted download or copy) loses its end record first.
        raise InputError.of("read.workbook_truncated", file=name)
    members, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    locator = at - 20
    if (members == 0xFFFF or directory_size == 0xFFFFFFFF) and locator >= 0:
        if tail[locator : locator + 4] == _ZIP64_LOCATOR:
            (record_offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
            fh.seek(record_offset)
            record = fh.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                members, directory_size = struct.unpack("<QQ", record[32:48])
    return members, directory_size


def _check_declared_sizes(infos: list[zipfile.ZipInfo], name: str) -> int:
    """Refuse a part both large and compressed like a bomb, or parts too large together.

    Returns:
        The declared size of all parts together.
    """
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO:
            reason = t(
                "read.zip_reason.ratio",
                part=info.filename,
                size=_human(info.file_size),
                ratio=int(ratio),
            )
            raise _bomb(name, reason)
    if total > MAX_TOTAL_BYTES:
        raise _bomb(name, t("read.zip_reason.total", size=_human(total)))
    return total


def _check_member(
    fh: BinaryIO, info: zipfile.ZipInfo, name: str, *, whole: bool = True
) -> list[CellRange]:
    """Inflate one part in bounded steps: never past its declared size; no DTD in its prolog.

    Args:
        fh: the open workbook.
        info: the part.
        name: the workbook's file name, for messages.
        whole: inflate the whole part; False inflates its prolog only (a part too small to
            matter whatever its headers declare).

    Returns:
        The merged ranges of a worksheet part (found in the same pass).
    """
    if info.flag_bits & 0x1:
        raise _corrupt(name, info.filename, "encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _corrupt(name, info.filename, f"compression method {info.compress_type}")
    if info.header_offset < 0:
        raise _corrupt(name, info.filename, "bad local header offset")
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _corrupt(name, info.filename, "bad local header")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    inflater = zlib.decompressobj(-15)
    produced = 0
    prolog = bytearray()
    merges = _MergeScan() if info.filename.startswith(_WORKSHEETS) else None
    left = info.compress_size
    step = _CHUNK if whole else _PROLOG_LIMIT
    try:
        while left > 0 and (whole or len(prolog) < _PROLOG_LIMIT):
            chunk = fh.read(min(left, step))
            if not chunk:
                raise InputError.of("read.workbook_truncated", file=name)
            left -= len(chunk)
            data = chunk
            while data and (whole or len(prolog) < _PROLOG_LIMIT):
                want = _CHUNK if whole else _PROLOG_LIMIT - len(prolog)
                if deflated:
                    piece = inflater.decompress(data, want)
                    data = inflater.unconsumed_tail
                else:
                    piece, data = data[:want], data[want:]
                produced += len(piece)
                if produced > info.file_size:
                    size = _human(info.file_size)
                    reason = t("read.zip_reason.lied", part=info.filename, size=size)
                    raise _bomb(name, reason)
                if len(prolog) < _PROLOG_LIMIT:
                    prolog += piece[: _PROLOG_LIMIT - len(prolog)]
                if merges is not None:
                    merges.feed(piece)
    except zlib.error as exc:
        raise _corrupt(name, info.filename, _short(exc)) from exc
    if whole and deflated and not inflater.eof:
        raise _corrupt(name, info.filename, "deflate stream ends early")
    _check_prolog(bytes(prolog), info.filename, name)
    return merges.ranges if merges is not None else []


class _MergeScan:
    """Collect ``<mergeCell ref="..."/>`` refs from a part's pieces, across piece borders."""

    _CARRY = 128

    def __init__(self) -> None:
        self.ranges: list[CellRange] = []
        self._carry = b""

    def feed(self, piece: bytes) -> None:
        # A ref lies in the piece or straddles its border with the carry: the piece is joined
        # to the carry only then (joining every piece copied each sheet XML once more).
        border = self._carry + piece[: self._CARRY]
        seen = b"<mergeCell " in border or b"<mergeCell " in piece
        if not seen or len(self.ranges) >= MAX_MERGES:
            self._carry = (
                border[-self._CARRY :] if len(piece) < self._CARRY else piece[-self._CARRY :]
            )
            return
        buffer = self._carry + piece
        for match in _MERGE_REF.finditer(buffer):
            if match.end() > len(self._carry):  # not already seen in the last piece
                found = _parse_range(match.group(1).decode("ascii"))
                if found is not None:
                    self.ranges.append(found)
        self._carry = buffer[-self._CARRY :]


def _parse_range(ref: str) -> CellRange | None:
    first, _, last = ref.partition(":")
    a, b = _cell_position(first), _cell_position(last or first)
    if a is None or b is None:
        return None
    return CellRange(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _cell_position(ref: str) -> tuple[int, int] | None:
    """Return the 0-based (row, column) of an A1 reference."""
    match = _A1.fullmatch(ref.replace("$", ""))
    if match is None:
        return None
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


_PACKAGE_PARTS: Final = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "docProps/core.xml",
    "docProps/app.xml",
)
"""The small parts every reader opens before the sheets; calamine tolerates damage in them
that openpyxl (the annotate step) does not, so they are checked once, here. Sheets and
shared strings are too large to parse twice."""


def _check_package_xml(archive: zipfile.ZipFile, name: str) -> dict[str, Element]:
    """Refuse a workbook whose package parts are not well-formed XML.

    Returns:
        The package parts present, parsed (``_sheet_parts`` reads two of them).
    """
    present = set(archive.namelist())
    parsed: dict[str, Element] = {}
    for part in _PACKAGE_PARTS:
        if part not in present:
            continue
        try:
            data = archive.read(part)
            if part in _SHEET_INDEX_PARTS:
                parsed[part] = ElementTree.fromstring(data)
            else:
                _parse_without_tree(data)
        except (
            ElementTree.ParseError,
            ExpatError,
            DefusedXmlException,
            zipfile.BadZipFile,
            zlib.error,
        ) as exc:
            raise _corrupt(name, part, _short(exc)) from exc
    return parsed


_SHEET_INDEX_PARTS: Final = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
"""The package parts read for their content (``_sheet_parts``); the others are only checked."""


def _parse_without_tree(data: bytes) -> None:
    """Parse XML as ElementTree does (expat, namespaces on) without building its tree.

    A fifth of the cost, with expat's own error messages. Safe without defusedxml: every
    part's prolog was refused above if it declared a DTD, and entities need one.
    """
    parser = ParserCreate(namespace_separator="}")
    parser.Parse(data, True)


def _sheet_parts(package: dict[str, Element]) -> dict[str, str]:
    """Return sheet name → worksheet part, from xl/workbook.xml and its relationships."""
    book = package.get("xl/workbook.xml")
    rels = package.get("xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}  # a workbook written oddly: merged cells are simply not filled
    targets = {
        rel.get("Id"): str(rel.get("Target", "")) for rel in rels if rel.get("Id") is not None
    }
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts[str(sheet.get("name"))] = part
    return parts


def _check_prolog(head: bytes, part: str, name: str) -> None:
    """Refuse an XML part whose prolog (before the root element) declares a DTD."""
    stripped = head.lstrip()
    if not stripped:
        return
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16-be" if head.startswith((b"\xfe\xff", b"\x00<")) else "utf-16-le"
    elif stripped.startswith((b"<", b"\xef\xbb\xbf")):
        encoding = "utf-8"
    else:
        return  # not XML (an image, a printer setting): no parser will read it as XML
    text = head.decode(encoding, errors="replace")
    root = _ROOT_ELEMENT.search(text)
    prolog = text[: root.start()] if root else text
    if _DTD.search(prolog):
        raise InputError.of("read.xml_entities", file=name, part=part)
    if root is None and len(head) >= _PROLOG_LIMIT:
        raise _corrupt(name, part, f"no root element in the first {_PROLOG_LIMIT // 1024} KB")


def _bomb(name: str, reason: str) -> InputError:
    return InputError(ErrorDetail("read.zip_bomb", {"reason": reason}, file=name))


def _corrupt(name: str, part: str, detail: str) -> InputError:
    return InputError(
        ErrorDetail("read.workbook_corrupt", {"detail": f"{part}: {detail}"}, file=name)
    )


def _human(size: int) -> str:
    """Return a byte count as people read it: 3.0 GB, 120 MB, 2 KB."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]
