"""A catalogue of hostile and broken input files, each made by code in a folder you give.

"The files come from many offices and many versions of many systems; some are broken, some
are strange, a few may be crafted" (issue 8). Every entry of ``HOSTILE_INPUTS`` names one
such input, builds it with ``case.build(folder)`` and says what ``edupov validate``,
``reconcile`` and ``audit`` must do with it: exit 2 with a named message, or read the
usable rows (exit 0/1) with a row error. Never a traceback, a hang or a modified input.

The catalogue is plain Python (no pytest) so that ``benchmarks/robustness.py`` can import
it and run every case through the real CLI in subprocesses::

    from hostile.builders import HOSTILE_INPUTS, check_outcome   # tests/ on sys.path
    for case in HOSTILE_INPUTS:                   # skip case.needs_non_root as root
        built = case.build(folder / case.name)
        for command, outcome in case.expect.items():
            before = built.digests()
            proc = subprocess.run(["edupov", *built.argv(command)], capture_output=True,
                                  text=True, timeout=120)
            problems = check_outcome(outcome, built, proc.returncode, proc.stdout,
                                     proc.stderr, before)   # [] when all is well

``build_sample_county`` makes the small generated county that runs killed halfway use.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import re
import struct
import textwrap
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edupoverty.i18n import catalogue
from factories import make_id
from filebuilders import write_csv, write_xls, write_xlsx

Command = Literal["validate", "reconcile", "audit"]
Kind = Literal["registry", "roster", "ledger"]
COMMANDS: tuple[Command, ...] = ("validate", "reconcile", "audit")

# --------------------------------------------------------------------------- case model


@dataclass(frozen=True)
class Outcome:
    """What one command must do with a hostile input."""

    exit_codes: frozenset[int]
    """Acceptable exit codes (2: unusable input; 0/1: usable rows were read)."""
    message_id: str | None = None
    """A message id whose fixed Chinese text must appear on stderr (None: no particular one)."""
    names_file: bool = True
    """The file (or folder) name must appear on stderr."""


@dataclass(frozen=True)
class HostileFiles:
    """What a builder wrote: the input files, the kind they are given as, the output folder."""

    kind: Kind
    """Given as ``--registry``/``--roster``/``--ledger``."""
    inputs: tuple[Path, ...]
    """The files passed to the command (their bytes must never change)."""
    out: Path
    """``--out`` for reconcile and audit."""
    shown: str
    """The name a message about this input must carry (a file name, or the folder)."""

    def argv(self, command: Command) -> list[str]:
        """Return the ``edupov`` arguments that run ``command`` on these inputs."""
        args: list[str] = [command]
        for path in self.inputs:
            args += [f"--{self.kind}", str(path)]
        if command == "validate":
            return args
        return [*args, "--out", str(self.out), "--as-of", "2024-11-01", "--no-history", "--quiet"]

    def digests(self) -> dict[Path, str]:
        """Return the SHA-256 of every input (compare before and after a run)."""
        return {p: sha256_of(p) for p in self.inputs}


@dataclass(frozen=True)
class HostileCase:
    """One hostile input: how to build it and what every command must do with it."""

    name: str
    """English slug, also the sub-folder the benchmark builds it in."""
    label: str
    """Chinese id shown by pytest (``pytest.param(..., id=case.label)``)."""
    build: Callable[[Path], HostileFiles]
    expect: Mapping[Command, Outcome]
    """Commands to run and their outcome; a command not listed does not apply."""
    describe: str = ""
    needs_non_root: bool = False
    """Only meaningful when not running as root (file permissions)."""
    heavy: bool = False
    """Takes seconds or hundreds of MB on the naive path: worth a memory-bounded run."""


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fixed_fragments(message_id: str) -> list[str]:
    """Return the Chinese template of a message id cut at its ``{placeholders}``.

    Every fragment of four or more characters must appear verbatim in a rendered message.
    """
    zh = catalogue()[message_id][0]
    return [part for part in re.split(r"\{[^}]*\}", zh) if len(part.strip()) >= 4]


_TABLE_FURNITURE = re.compile(r"[\s\u2500-\u257f…]")
"""Whitespace, box-drawing characters and ellipses: what rich adds when a table wraps."""

CRASH_MARKERS = ("Traceback", "内部错误", "internal error")
"""Text that must never reach a user: a traceback, or the boundary's internal-error line."""


def check_outcome(
    outcome: Outcome,
    built: HostileFiles,
    exit_code: int | None,
    stdout: str,
    stderr: str,
    before: Mapping[Path, str] | None = None,
) -> list[str]:
    """Return what is wrong with one run (an empty list: the run did what ``outcome`` says).

    Args:
        outcome: what the command must do.
        built: the inputs it ran on.
        exit_code: the process's exit code (None: it did not finish, a hang).
        stdout: what it printed on stdout.
        stderr: what it printed on stderr.
        before: input digests taken before the run (``built.digests()``), to detect a
            modified input.
    """
    problems: list[str] = []
    if exit_code not in outcome.exit_codes:
        problems.append(f"exit code {exit_code}, expected one of {sorted(outcome.exit_codes)}")
    problems += [f"{m!r} in the output" for m in crash_markers_in(stdout, stderr)]
    problems += message_problems(outcome, built, stdout, stderr)
    for path, digest in (before or {}).items():
        if sha256_of(path) != digest:
            problems.append(f"input {path.name} was modified")
    return problems


def crash_markers_in(stdout: str, stderr: str) -> list[str]:
    """Return the ``CRASH_MARKERS`` a run printed (an empty list: no crash shown)."""
    return [m for m in CRASH_MARKERS if m in stderr or m in stdout]


def message_problems(outcome: Outcome, built: HostileFiles, stdout: str, stderr: str) -> list[str]:
    """Return what the output lacks: the outcome's message, or the name of the file."""
    problems: list[str] = []
    shown = _TABLE_FURNITURE.sub("", stderr + stdout)
    if outcome.message_id is not None:
        missing = [
            f
            for f in fixed_fragments(outcome.message_id)
            if _TABLE_FURNITURE.sub("", f) not in shown
        ]
        if missing:
            problems.append(f"message {outcome.message_id} not shown (missing {missing[0]!r})")
    if outcome.names_file and built.shown and _TABLE_FURNITURE.sub("", built.shown) not in shown:
        problems.append(f"{built.shown!r} not named in the output")
    return problems


def _everywhere(outcome: Outcome) -> dict[Command, Outcome]:
    return dict.fromkeys(COMMANDS, outcome)


def _refused(message_id: str) -> dict[Command, Outcome]:
    return _everywhere(Outcome(frozenset({2}), message_id))


ANY_RUN = frozenset({0, 1})
"""audit on usable input: 0, or 1 when an indicator fails (a rejected row fails one)."""


def _usable(message_id: str, *, validate_exit: int) -> dict[Command, Outcome]:
    """validate shows ``message_id`` and exits 0/1; reconcile exits 0 and audit 0 or 1."""
    return {
        "validate": Outcome(frozenset({validate_exit}), message_id),
        "reconcile": Outcome(frozenset({0}), None, names_file=False),
        "audit": Outcome(ANY_RUN, None, names_file=False),
    }


# --------------------------------------------------------------------------- valid data

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = (
    "子涵",
    "欣怡",
    "梓轩",
    "浩然",
    "雨桐",
    "宇航",
    "一诺",
    "佳怡",
    "俊杰",
    "思彤",
    "明轩",
    "语嫣",
)
ROSTER_HEADER = [
    "学校名称",
    "姓名",
    "性别",
    "出生日期",
    "身份证件号",
    "全国学籍号",
    "年级",
    "班级",
    "学籍状态",
    "就读方式",
    "学期",
]
SCHOOL = "城关镇中心小学"


def pupil(i: int) -> dict[str, str]:
    """Return a realistic pupil: name, valid ID, birth date, gender, grade."""
    year = 2013 + i % 5
    birth = f"{year}{1 + i % 12:02d}{1 + i % 28:02d}"
    seq = 100 + i % 800
    pid = make_id(birth, seq=seq)
    return {
        "name": _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i // len(_SURNAMES)) % len(_GIVEN)],
        "id": pid,
        "birth": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
        "gender": "男" if seq % 2 else "女",
        "grade": ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"][(2019 - year) % 6],
    }


def roster_rows(n: int = 6, *, school: str | None = SCHOOL, start: int = 0) -> list[list[Any]]:
    """Return a 学籍 export: header on row 1, ``n`` active pupils from row 2."""
    rows: list[list[Any]] = [list(ROSTER_HEADER)]
    for i in range(start, start + n):
        p = pupil(i)
        rows.append(
            [
                school,
                p["name"],
                p["gender"],
                p["birth"],
                p["id"],
                "G" + p["id"],
                p["grade"],
                f"{1 + i % 3}班",
                "在读",
                "住校" if i % 2 else "走读",
                "2024秋",
            ]
        )
    return rows


def bad_check_digit(pid: str) -> str:
    """Return the ID with a wrong check character (an INVALID_ID row, 校验位错误).

    The wrong character is X (or 0 when X is right), so the value never looks like a
    number Excel rounded (that would be ID_NUMBER_MANGLED instead).
    """
    return pid[:-1] + ("X" if pid[-1] != "X" else "0")


def _folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _files(kind: Kind, *paths: Path, shown: str | None = None) -> HostileFiles:
    first = paths[0]
    return HostileFiles(kind, tuple(paths), first.parent / "out", shown or first.name)


def valid_roster_xlsx(path: Path, n: int = 6) -> Path:
    """Write a clean one-sheet roster workbook."""
    return write_xlsx(path, {"学籍": roster_rows(n)})


# --------------------------------------------------------------------------- zip plumbing


def _gf2_times(matrix: Sequence[int], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_square(matrix: Sequence[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """Return the CRC-32 of A+B from CRC(A), CRC(B) and len(B) (zlib's crc32_combine)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _crc_repeated(crc: int, length: int, times: int) -> int:
    """Return the CRC-32 of a block repeated ``times`` times (by doubling, no bytes made)."""
    result, have = 0, False
    block_crc, block_len = crc, length
    while times:
        if times & 1:
            result = crc32_combine(result, block_crc, block_len) if have else block_crc
            have = True
        times >>= 1
        if times:
            block_crc = crc32_combine(block_crc, block_crc, block_len)
            block_len *= 2
    return result


@dataclass
class _Member:
    name: str
    chunks: Iterable[bytes]
    """Raw deflate data (already compressed)."""
    crc: int
    size: int
    """Uncompressed size written in the headers (a liar may differ from the data)."""


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _plain_member(name: str, data: bytes) -> _Member:
    return _Member(name, [_deflate(data)], zlib.crc32(data), len(data))


def write_raw_zip(path: Path, members: Sequence[_Member]) -> Path:
    """Write a zip of pre-deflated members, streaming (no zip64: sizes stay below 4 GiB)."""
    central = io.BytesIO()
    with path.open("wb") as fh:
        for m in members:
            name = m.name.encode("utf-8")
            offset = fh.tell()
            fh.write(
                struct.pack(
                    "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x0800, 8, 0, 0x21, 0, 0, 0, len(name), 0
                )
            )
            fh.write(name)
            start = fh.tell()
            for chunk in m.chunks:
                fh.write(chunk)
            csize = fh.tell() - start
            end = fh.tell()
            fh.seek(offset + 14)
            fh.write(struct.pack("<III", m.crc, csize, m.size))
            fh.seek(end)
            central.write(
                struct.pack(
                    "<4sHHHHHHIIIHHHHHII",
                    b"PK\x01\x02",
                    20,
                    20,
                    0x0800,
                    8,
                    0,
                    0x21,
                    m.crc,
                    csize,
                    m.size,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
            )
            central.write(name)
        cd_offset = fh.tell()
        fh.write(central.getvalue())
        fh.write(
            struct.pack(
                "<4sHHHHIIH",
                b"PK\x05\x06",
                0,
                0,
                len(members),
                len(members),
                len(central.getvalue()),
                cd_offset,
                0,
            )
        )
    return path


def _members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def replace_members(path: Path, replace: Mapping[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """Rewrite a workbook with some members replaced (bytes, or a function of the old bytes)."""
    members = _members_of(path)
    for name, new in replace.items():
        members[name] = new(members.get(name, b"")) if callable(new) else new
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


SHEET_PART = "xl/worksheets/sheet1.xml"
"""The first worksheet of a workbook written by openpyxl or xlsxwriter."""


@dataclass
class Part:
    """A member to put into a workbook: its content, what its headers declare, how deflated."""

    data: bytes
    declared: int | None = None
    """The size the headers declare (a liar's); ``len(data)`` when None."""
    level: int = 6
    """zlib level (0 keeps the data in deflate's plain blocks)."""


def workbook_with_parts(path: Path, parts: Mapping[str, Part]) -> Path:
    """Write a clean roster workbook with these members added or replaced."""
    base = valid_roster_xlsx(path.with_name("base_" + path.name))
    members = {name: _plain_member(name, content) for name, content in _members_of(base).items()}
    base.unlink()
    for name, part in parts.items():
        compressor = zlib.compressobj(part.level, zlib.DEFLATED, -15)
        deflated = compressor.compress(part.data) + compressor.flush()
        size = len(part.data) if part.declared is None else part.declared
        members[name] = _Member(name, [deflated], zlib.crc32(part.data), size)
    return write_raw_zip(path, list(members.values()))


# --------------------------------------------------------------------------- builders

BOMB_UNCOMPRESSED = 3 * (1 << 30)
"""What the bomb's sheet XML inflates to: 3 GiB (kept below 4 GiB: no zip64 needed)."""


def _bomb_member(name: str, declared: int | None = None) -> _Member:
    """Return a sheet XML of a header row and then 3 GiB of one text cell's letters.

    A single ``<t>`` of 3 GiB is what a reader that inflates first would try to hold in
    memory. The deflate stream is one 1 MiB block (a full flush makes it independent)
    written again and again, and the CRC comes from crc32_combine: nothing is inflated.
    """
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(ROSTER_HEADER[:5])
    )
    prefix = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1">{header}</row><row r="2"><c r="B2" t="inlineStr"><is><t>'
    ).encode()
    suffix = b"</t></is></c></row></sheetData></worksheet>"
    block = b"A" * (1 << 20)
    times = (BOMB_UNCOMPRESSED - len(prefix) - len(suffix)) // len(block)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = comp.compress(prefix) + comp.flush(zlib.Z_FULL_FLUSH)
    comp_block = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = comp_block.compress(block) + comp_block.flush(zlib.Z_FULL_FLUSH)
    tail_comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    tail = tail_comp.compress(suffix) + tail_comp.flush()
    size = len(prefix) + times * len(block) + len(suffix)
    crc = zlib.crc32(prefix)
    crc = crc32_combine(
        crc, _crc_repeated(zlib.crc32(block), len(block), times), times * len(block)
    )
    crc = crc32_combine(crc, zlib.crc32(suffix), len(suffix))

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(times):
            yield body
        yield tail

    return _Member(name, chunks(), crc, size if declared is None else declared)


def _bomb_workbook(path: Path, declared: int | None) -> Path:
    base = valid_roster_xlsx(path.with_name("base_" + path.name))
    members = _members_of(base)
    base.unlink()
    sheet = SHEET_PART
    return write_raw_zip(
        path,
        [
            _bomb_member(sheet, declared) if name == sheet else _plain_member(name, data)
            for name, data in members.items()
        ],
    )


def build_zip_bomb(folder: Path) -> HostileFiles:
    """A structurally valid .xlsx whose sheet XML inflates to 3 GiB (about 3 MB on disk)."""
    path = _bomb_workbook(_folder(folder) / "城关镇中心小学学籍.xlsx", None)
    return _files("roster", path)


def build_zip_bomb_lying_sizes(folder: Path) -> HostileFiles:
    """The same bomb, but its headers claim the sheet XML is 2 KB (a crafted file)."""
    path = _bomb_workbook(_folder(folder) / "学籍（谎报大小）.xlsx", 2048)
    return _files("roster", path)


def build_zip_bomb_many_members(folder: Path) -> HostileFiles:
    """An .xlsx with 12,000 empty members: a central directory that is a bomb by itself."""
    path = _folder(folder) / "学籍（海量条目）.xlsx"
    base = valid_roster_xlsx(folder / "base.xlsx")
    members = [_plain_member(n, d) for n, d in _members_of(base).items()]
    base.unlink()
    empty = _deflate(b"")
    members += [_Member(f"xl/media/x{i}.bin", [empty], 0, 0) for i in range(12_000)]
    return _files("roster", write_raw_zip(path, members))


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
"""The billion laughs: nine levels of ten references each, 10**9 'lol's when expanded."""


def _with_laughs(xml: bytes, *, referenced: bool) -> bytes:
    text = xml.decode("utf-8")
    text = re.sub(
        r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(1) or XML_DECLARATION) + _LAUGHS, text, count=1
    )
    if referenced:
        # the third pupil's 班级 cell becomes &lol9; (inline, so no shared string hides it)
        text = re.sub(
            r'<c r="H4"[^>]*>.*?</c>',
            '<c r="H4" t="inlineStr"><is><t>&lol9;</t></is></c>',
            text,
            count=1,
        )
        assert "&lol9;</t>" in text
    return text.encode("utf-8")


def build_billion_laughs_referenced(folder: Path) -> HostileFiles:
    """A sheet XML declaring nested entities and using the deepest one in a cell."""
    path = valid_roster_xlsx(_folder(folder) / "学籍（实体膨胀）.xlsx")
    replace_members(path, {SHEET_PART: lambda b: _with_laughs(b, referenced=True)})
    return _files("roster", path)


def build_billion_laughs_declared(folder: Path) -> HostileFiles:
    """A sheet XML declaring the entities but not using them; one ID is wrong, so reconcile
    makes a finding and opens the file again (openpyxl) to write the annotated copy."""
    path = _folder(folder) / "学籍（实体声明）.xlsx"
    rows = roster_rows(6)
    rows[3][4] = bad_check_digit(rows[3][4])
    write_xlsx(path, {"学籍": rows})
    replace_members(path, {SHEET_PART: lambda b: _with_laughs(b, referenced=False)})
    return _files("roster", path)


def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def build_random_xlsx(folder: Path) -> HostileFiles:
    """64 KB of random bytes named .xlsx."""
    path = _folder(folder) / "学籍.xlsx"
    path.write_bytes(_random_bytes(65536, 1))
    return _files("roster", path)


def build_random_xls(folder: Path) -> HostileFiles:
    """64 KB of random bytes named .xls."""
    path = _folder(folder) / "学籍.xls"
    path.write_bytes(_random_bytes(65536, 2))
    return _files("roster", path)


def build_random_csv(folder: Path) -> HostileFiles:
    """64 KB of random bytes named .csv (it used to end as an internal error)."""
    path = _folder(folder) / "学籍.csv"
    path.write_bytes(_random_bytes(65536, 3))
    return _files("roster", path)


def build_workbook_as_csv(folder: Path) -> HostileFiles:
    """A real .xlsx saved under a .csv name."""
    path = _folder(folder) / "学籍导出.csv"
    xlsx = valid_roster_xlsx(folder / "tmp.xlsx")
    path.write_bytes(xlsx.read_bytes())
    xlsx.unlink()
    return _files("roster", path)


def build_truncated_xlsx(folder: Path) -> HostileFiles:
    """A valid roster workbook cut in half (an interrupted download or copy)."""
    path = valid_roster_xlsx(_folder(folder) / "学籍（不完整）.xlsx", n=200)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return _files("roster", path)


def _ole_file(streams: Mapping[str, bytes]) -> bytes:
    """Return a minimal compound file (CFB v3, 512-byte sectors) holding the given streams.

    Streams of 4096 bytes or more live in regular sectors, so no mini stream is needed.
    This is the container Excel writes for a workbook with an open password.
    """
    sector = 512
    free, end_chain, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)
    assert all(len(d) >= 4096 for d in streams.values()), "keep streams out of the mini stream"
    # sector 0: FAT, sector 1: directory, then each stream's sectors
    layout: list[tuple[str, int, int]] = []
    next_sector = 2
    for name in names:
        count = -(-len(streams[name]) // sector)
        layout.append((name, next_sector, count))
        next_sector += count
    fat = [fat_sect, end_chain]
    for _name, start, count in layout:
        fat += [start + k + 1 for k in range(count - 1)] + [end_chain]
    assert len(fat) <= sector // 4
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIII",
            encoded,
            len(encoded),
            kind,
            1,  # black
            free,  # left sibling
            right,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
            0,
        )

    entries = [entry("Root Entry", 5, end_chain, 0, 1, free)]
    for i, (name, start, _count) in enumerate(layout):
        right = i + 2 if i + 1 < len(layout) else free
        entries.append(entry(name, 2, start, len(streams[name]), free, right))
    directory = b"".join(entries).ljust(sector, b"\0")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,  # FAT sectors
        1,  # first directory sector
        0,
        4096,
        end_chain,  # first mini FAT sector
        0,
        end_chain,  # first DIFAT sector
        0,
    )
    header += struct.pack("<109I", 0, *([free] * 108))
    body = b"".join(streams[n].ljust(-(-len(streams[n]) // sector) * sector, b"\0") for n in names)
    return header + b"".join([struct.pack(f"<{sector // 4}I", *fat), directory, body])


def build_encrypted_xlsx(folder: Path) -> HostileFiles:
    """A password-protected workbook: an OLE container with EncryptionInfo and EncryptedPackage."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    package = struct.pack("<Q", 9000) + _random_bytes(8192, 4)
    path = _folder(folder) / "资助名单（加密）.xlsx"
    path.write_bytes(
        _ole_file({"EncryptionInfo": info.ljust(4096, b"\0"), "EncryptedPackage": package})
    )
    return _files("registry", path)


WIDE_COLUMNS = 16_384


def build_wide_sheet(folder: Path) -> HostileFiles:
    """A roster whose last row fills all 16,384 columns (A to XFD) with numbers."""
    path = _folder(folder) / "学籍（16384列）.xlsx"
    rows = roster_rows(6)
    rows.append(list(range(1, WIDE_COLUMNS + 1)))
    _write_xlsx_fast(path, {"学籍": rows})
    return _files("roster", path)


def _write_xlsx_fast(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write a workbook with xlsxwriter (openpyxl is slow for 16k-cell rows)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


HUGE_CELL_CHARS = 1 << 20


def _huge_text() -> str:
    unit = "城关镇中心小学三年级二班学生家庭住址："
    return (unit * (HUGE_CELL_CHARS // len(unit) + 1))[:HUGE_CELL_CHARS]


def build_huge_cell_xlsx(folder: Path) -> HostileFiles:
    """A roster whose 班级 cell holds 1 MB of text and whose one name is 1 MB long; that
    pupil's ID is also wrong, so the row is marked in the annotated copy."""
    path = _folder(folder) / "学籍（超长单元格）.xlsx"
    rows = roster_rows(6)
    rows[2][7] = _huge_text()
    rows[3][1] = _huge_text()
    rows[3][4] = bad_check_digit(rows[3][4])
    write_xlsx(path, {"学籍": rows})  # openpyxl: xlsxwriter would cut the cells itself
    return _files("roster", path)


def build_huge_cell_csv(folder: Path) -> HostileFiles:
    """The same as a CSV (converted to .xlsx by the annotate step, where 32,767 is the limit)."""
    path = _folder(folder) / "学籍（超长单元格）.csv"
    rows = roster_rows(6)
    rows[2][7] = _huge_text()
    rows[3][1] = _huge_text()
    rows[3][4] = bad_check_digit(rows[3][4])
    write_csv(path, rows)
    return _files("roster", path)


def _csv_line(cells: Sequence[Any]) -> str:
    return ",".join("" if c is None else str(c) for c in cells)


def build_csv_nul_mixed_encoding(folder: Path) -> HostileFiles:
    """A CSV whose header and first pupils are UTF-8 and the rest GBK, with NUL bytes strewn in."""
    path = _folder(folder) / "学籍（混合编码）.csv"
    rows = roster_rows(8)
    lines = [_csv_line(r).encode("utf-8") for r in rows[:4]]
    lines += [_csv_line(r).encode("gbk") for r in rows[4:]]
    lines[2] = lines[2].replace(b",", b",\x00", 2)
    lines[6] = b"\x00" + lines[6] + b"\x00\x00"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return _files("roster", path)


def build_csv_unbalanced_quote(folder: Path) -> HostileFiles:
    """A CSV where one pupil's 班级 opens a quote that never closes (a hand edit)."""
    path = _folder(folder) / "学籍（引号不成对）.csv"
    rows = roster_rows(8)
    lines = [_csv_line(r) for r in rows]
    lines[3] = lines[3].replace(",1班,", ',"1班,', 1).replace(",2班,", ',"2班,', 1)
    lines[3] = lines[3].replace(",3班,", ',"3班,', 1)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return _files("roster", path)


def build_formula_cells(folder: Path) -> HostileFiles:
    """A ledger whose 金额 cells are formulas with cached values (=250*2 → 500), one formula
    with no cached value (as openpyxl writes them), and a 1+1 in the 序号 column."""
    path = _folder(folder) / "2024秋生活补助发放花名册（公式）.xlsx"
    write_formula_ledger(path)
    return _files("ledger", path)


LEDGER_HEADER = ["序号", "学校", "年级", "姓名", "身份证号", "资助项目", "金额", "发放日期"]


def write_formula_ledger(path: Path) -> Path:
    """Write the formula ledger: G2..G4 formulas with <v> cached values, G5 with none."""
    rows: list[list[Any]] = [list(LEDGER_HEADER)]
    for i in range(4):
        p = pupil(i)
        rows.append(
            [i + 1, SCHOOL, p["grade"], p["name"], p["id"], "小学寄宿生生活补助", 0, "2024-10-15"]
        )
    write_xlsx(path, {"Sheet1": rows})

    def add_formulas(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        for row, (formula, cached) in {
            2: ("250*2", "500"),
            3: ("SUM(250,250)", "500"),
            4: ("1000/2", "500"),
        }.items():
            text = re.sub(
                rf'<c r="G{row}"[^>]*>.*?</c>',
                f'<c r="G{row}"><f>{formula}</f><v>{cached}</v></c>',
                text,
                count=1,
            )
        text = re.sub(r'<c r="G5"[^>]*>.*?</c>', '<c r="G5"><f>250*2</f></c>', text, count=1)
        text = re.sub(r'<c r="A2"[^>]*>.*?</c>', '<c r="A2"><f>1+1</f><v>2</v></c>', text, count=1)
        return text.encode("utf-8")

    return replace_members(path, {"xl/worksheets/sheet1.xml": add_formulas})


MERGED_PUPILS = 10


def build_merged_school_column(folder: Path) -> HostileFiles:
    """A roster whose 学校名称 is one cell merged down over all ten pupils (A2:A11)."""
    path = _folder(folder) / "学籍（合并单元格）.xlsx"
    rows = roster_rows(MERGED_PUPILS)
    for r in rows[2:]:
        r[0] = None
    write_xlsx(path, {"学籍": rows}, merges={"学籍": [f"A2:A{MERGED_PUPILS + 1}"]})
    return _files("roster", path)


def build_hidden_rows_and_sheets(folder: Path) -> HostileFiles:
    """A roster with two hidden data rows and a hidden sheet holding other pupils."""
    import openpyxl

    path = _folder(folder) / "学籍（隐藏行）.xlsx"
    write_xlsx(
        path,
        {"学籍": roster_rows(6), "草稿": roster_rows(3, start=50)},
        hidden=["草稿"],
    )
    wb = openpyxl.load_workbook(path)
    for r in (3, 4):
        wb["学籍"].row_dimensions[r].hidden = True
    wb.save(path)
    return _files("roster", path)


def build_chinese_path_with_spaces(folder: Path) -> HostileFiles:
    """A roster under ``城关镇 中心小学/2024秋 学籍 (终).xlsx``."""
    target = _folder(folder / "城关镇 中心小学")
    path = valid_roster_xlsx(target / "2024秋 学籍 (终).xlsx")
    rows = roster_rows(4)
    rows[2][4] = bad_check_digit(rows[2][4])
    write_xlsx(path, {"学籍": rows})
    return HostileFiles("roster", (path,), folder / "输出 结果" / "2024 秋", path.name)


def build_out_under_a_file(folder: Path) -> HostileFiles:
    """``--out`` names a folder inside a regular file: it cannot be made, for any user."""
    path = valid_roster_xlsx(_folder(folder) / "学籍.xlsx")
    blocker = folder / "结果.txt"
    blocker.write_text("不是文件夹", encoding="utf-8")
    return HostileFiles("roster", (path,), blocker / "out", blocker.name)


def build_out_read_only(folder: Path) -> HostileFiles:
    """``--out`` is a folder without write permission (chmod 500; root ignores it)."""
    path = valid_roster_xlsx(_folder(folder) / "学籍.xlsx")
    out = folder / "只读输出"
    out.mkdir()
    os.chmod(out, 0o500)
    return HostileFiles("roster", (path,), out, out.name)


def build_input_named_findings_csv(folder: Path) -> HostileFiles:
    """A roster CSV named ``findings.csv`` inside the ``--out`` folder."""
    out = _folder(folder / "out")
    path = write_csv(out / "findings.csv", roster_rows(6))
    return HostileFiles("roster", (path,), out, path.name)


def build_input_named_reconcile_xlsx(folder: Path) -> HostileFiles:
    """A roster workbook named ``reconcile.xlsx`` (and one named ``audit.xlsx``) in ``--out``."""
    out = _folder(folder / "out")
    first = valid_roster_xlsx(out / "reconcile.xlsx")
    second = write_xlsx(out / "audit.xlsx", {"学籍": roster_rows(3, start=20)})
    return HostileFiles("roster", (first, second), out, "")


def build_input_where_annotated_copy_goes(folder: Path) -> HostileFiles:
    """``学籍.xlsx`` with a bad ID, and a second roster that is ``out/annotated/学籍.核查.xlsx``:
    the annotated copy of the first would overwrite the second."""
    out = folder / "out"
    first_rows = roster_rows(4)
    first_rows[2][4] = bad_check_digit(first_rows[2][4])
    first = write_xlsx(_folder(folder) / "学籍.xlsx", {"学籍": first_rows})
    second = write_xlsx(
        _folder(out / "annotated") / "学籍.核查.xlsx", {"学籍": roster_rows(3, start=30)}
    )
    return HostileFiles("roster", (first, second), out, "")


def build_xls_bytes_in_xlsx(folder: Path) -> HostileFiles:
    """A genuine old .xls renamed to .xlsx (same OLE magic as an encrypted workbook)."""
    path = _folder(folder) / "学籍（旧格式改名）.xlsx"
    write_xls(path.with_suffix(".xls"), {"学籍": roster_rows(3)})
    path.with_suffix(".xls").rename(path)
    return _files("roster", path)


# --------------------------------------------------------------------------- a sample county


def write_county_config(
    county: Path, name: str, rosters: Sequence[Path], ledgers: Sequence[Path], as_of: str
) -> Path:
    """Write an ``edupov.toml`` named ``name`` in ``county`` for these rosters and ledgers."""

    def listed(paths: Sequence[Path]) -> str:
        return ", ".join(
            json.dumps(p.relative_to(county).as_posix(), ensure_ascii=False) for p in paths
        )

    path = county / name
    path.write_text(
        textwrap.dedent(
            f"""\
            [inputs]
            registry = ["registry/*"]
            roster = [{listed(rosters)}]
            ledger = [{listed(ledgers)}]

            [run]
            policy = "policy.toml"
            as_of = "{as_of}"
            terms = ["2024秋"]
            """
        ),
        encoding="utf-8",
    )
    return path


def build_sample_county(root: Path, *, students: int = 60, seed: int = 1) -> Path:
    """Generate a sample county in ``root`` with two configs for runs killed halfway.

    ``quick.toml`` reads an .xls, a .csv and two .xlsx rosters and the 2024秋 ledgers;
    ``changed.toml`` drops one ledger and moves the as-of date, so a run of it after one
    of ``quick.toml`` changes every output.

    Returns:
        ``root``.
    """
    from edupoverty.sample import generate_sample

    generate_sample(root, students=students, seed=seed, fmt="xlsx")
    rosters = sorted((root / "roster").iterdir())
    picked = [next(p for p in rosters if p.suffix == s) for s in (".xls", ".csv")]
    picked += [p for p in rosters if p.suffix == ".xlsx"][:2]
    ledgers = sorted((root / "ledger").glob("2024秋_*"))
    assert len(ledgers) >= 3
    write_county_config(root, "quick.toml", picked, ledgers, "2024-11-01")
    write_county_config(root, "changed.toml", picked, ledgers[1:], "2024-12-01")
    return root


# --------------------------------------------------------------------------- the catalogue

HOSTILE_INPUTS: list[HostileCase] = [
    HostileCase(
        "zip_bomb",
        "压缩炸弹",
        build_zip_bomb,
        _refused("read.zip_bomb"),
        "3 MB on disk, 3 GiB of one text cell inflated: refused from the central directory",
        heavy=True,
    ),
    HostileCase(
        "zip_bomb_lying_sizes",
        "谎报大小的压缩炸弹",
        build_zip_bomb_lying_sizes,
        _refused("read.zip_bomb"),
        "headers claim 2 KB: refused when inflation passes the claimed size",
        heavy=True,
    ),
    HostileCase(
        "zip_bomb_many_members",
        "海量条目的压缩包",
        build_zip_bomb_many_members,
        _refused("read.zip_bomb"),
        "12,000 members: refused from the end-of-central-directory record",
    ),
    HostileCase(
        "billion_laughs_referenced",
        "实体膨胀（被引用）",
        build_billion_laughs_referenced,
        _refused("read.xml_entities"),
        "a DTD with nested entities used in a cell: refused, never expanded",
        heavy=True,
    ),
    HostileCase(
        "billion_laughs_declared",
        "实体膨胀（仅声明）",
        build_billion_laughs_declared,
        _refused("read.xml_entities"),
        "a DTD with nested entities, unused: refused before any XML parser sees it",
        heavy=True,
    ),
    HostileCase(
        "random_bytes_xlsx",
        "随机字节.xlsx",
        build_random_xlsx,
        _refused("read.not_a_workbook"),
    ),
    HostileCase(
        "random_bytes_xls",
        "随机字节.xls",
        build_random_xls,
        _refused("read.not_a_workbook"),
    ),
    HostileCase(
        "random_bytes_csv",
        "随机字节.csv",
        build_random_csv,
        _refused("read.csv_binary"),
    ),
    HostileCase(
        "workbook_named_csv",
        "工作簿改名为.csv",
        build_workbook_as_csv,
        _refused("read.csv_is_workbook"),
    ),
    HostileCase(
        "truncated_xlsx",
        "截断的工作簿",
        build_truncated_xlsx,
        _refused("read.workbook_truncated"),
    ),
    HostileCase(
        "encrypted_xlsx",
        "加密工作簿",
        build_encrypted_xlsx,
        _refused("read.xlsx_encrypted_or_xls"),
    ),
    HostileCase(
        "xls_renamed_xlsx",
        "旧版xls改名为xlsx",
        build_xls_bytes_in_xlsx,
        _refused("read.xlsx_encrypted_or_xls"),
    ),
    HostileCase(
        "wide_sheet",
        "16384列",
        build_wide_sheet,
        _usable("read.columns_ignored", validate_exit=1),
        "a junk row filling A..XFD below six pupils: columns past 1,024 left out with a note;"
        " the junk row (姓名 2, 证件号码 5) is a row error",
        heavy=True,
    ),
    HostileCase(
        "huge_cell_xlsx",
        "1MB单元格.xlsx",
        build_huge_cell_xlsx,
        _usable("row.name_too_long", validate_exit=1),
        "1 MB in a name and in a class cell: the name is a row error; written cells are cut"
        " at Excel's 32,767 characters",
        heavy=True,
    ),
    HostileCase(
        "huge_cell_csv",
        "1MB单元格.csv",
        build_huge_cell_csv,
        _usable("row.name_too_long", validate_exit=1),
        "the same in a CSV, which the annotate step converts to .xlsx",
        heavy=True,
    ),
    HostileCase(
        "csv_nul_mixed_encoding",
        "NUL与混合编码CSV",
        build_csv_nul_mixed_encoding,
        _usable("read.csv_mixed_encoding", validate_exit=0),
        "each line decoded on its own; NUL bytes dropped; all eight pupils read",
    ),
    HostileCase(
        "csv_unbalanced_quote",
        "引号不成对CSV",
        build_csv_unbalanced_quote,
        _usable("row.csv_stray_quote", validate_exit=1),
        "the line with the open quote is a row error; the lines after it are still read",
    ),
    HostileCase(
        "formula_cells",
        "公式单元格",
        build_formula_cells,
        _usable("row.amount_invalid", validate_exit=1),
        "cached values are read, never evaluated; a formula without one is an empty amount",
    ),
    HostileCase(
        "merged_school_column",
        "学校列纵向合并",
        build_merged_school_column,
        _usable("read.merged_filled", validate_exit=0),
        "the top cell's value is filled into the nine rows the merge covers",
    ),
    HostileCase(
        "hidden_rows_and_sheets",
        "隐藏行与隐藏工作表",
        build_hidden_rows_and_sheets,
        _usable("read.sheet_hidden", validate_exit=0),
        "hidden rows are data (read); the hidden sheet is skipped with a note",
    ),
    HostileCase(
        "chinese_path_with_spaces",
        "中文带空格路径",
        build_chinese_path_with_spaces,
        _usable("row.id_invalid", validate_exit=1),
        "outputs go to 输出 结果/2024 秋; the annotated copy keeps the name",
    ),
    HostileCase(
        "out_under_a_file",
        "输出目录在文件之下",
        build_out_under_a_file,
        {
            "reconcile": Outcome(frozenset({2}), "write.folder_not_writable"),
            "audit": Outcome(frozenset({2}), "write.folder_not_writable"),
        },
    ),
    HostileCase(
        "out_read_only",
        "输出目录只读",
        build_out_read_only,
        {
            "reconcile": Outcome(frozenset({2}), "write.folder_not_writable"),
            "audit": Outcome(frozenset({2}), "write.folder_not_writable"),
        },
        needs_non_root=True,
    ),
    HostileCase(
        "input_named_findings_csv",
        "输入名为findings.csv",
        build_input_named_findings_csv,
        {
            "validate": Outcome(frozenset({0}), None),
            "reconcile": Outcome(frozenset({2}), "write.output_is_input"),
            "audit": Outcome(ANY_RUN, None, names_file=False),
        },
        "audit writes audit.xlsx/audit.json only, so a findings.csv input is safe there",
    ),
    HostileCase(
        "input_named_reconcile_xlsx",
        "输入名为reconcile.xlsx",
        build_input_named_reconcile_xlsx,
        {
            "validate": Outcome(frozenset({0}), None, names_file=False),
            "reconcile": Outcome(frozenset({2}), "write.output_is_input", names_file=False),
            "audit": Outcome(frozenset({2}), "write.output_is_input", names_file=False),
        },
    ),
    HostileCase(
        "input_where_annotated_copy_goes",
        "输入占用批注副本路径",
        build_input_where_annotated_copy_goes,
        {
            "validate": Outcome(frozenset({1}), None, names_file=False),
            "reconcile": Outcome(frozenset({2}), "write.output_is_input", names_file=False),
        },
    ),
]
"""Every hostile input, in the order of issue 8's list."""

CASES_BY_NAME: dict[str, HostileCase] = {c.name: c for c in HOSTILE_INPUTS}
