"""Property: whatever bytes a file holds, ``edupov`` answers with exit 0, 1 or 2, never a crash.

Small valid workbooks and CSVs are mutated the ways files really break (bytes flipped,
inserted or lost, a file cut short, zip members reordered, the XML inside edited) and run
through ``edupov validate`` (and ``reconcile`` for CSVs). An internal error is a bug in a
reader: each one the fuzzer found now has its own message id.
"""

from __future__ import annotations

import io
import random
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edupoverty.cli.main import cli
from filebuilders import write_csv, write_xlsx
from hostile.builders import CRASH_MARKERS, bad_check_digit, roster_rows

Mutation = tuple[str, int, int, bytes]
"""(kind, position, length, payload); positions are taken modulo the current size."""

XML_TOKENS = (
    b"<",
    b">",
    b"</c>",
    b'<c r="XFD1048576" t="s"><v>99999</v></c>',
    b'<c r="A0"><v>1</v></c>',
    b'<row r="0">',
    b"<v>1e309</v>",
    b'<c t="e"><v>#REF!</v></c>',
    b"&amp;",
    b"&#0;",
    b"&bogus;",
    b"<!DOCTYPE x>",
    b"]]>",
    b"\x00",
    b'"',
    b"\xe4\xb8",
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<sheet name="" sheetId="0" r:id="rId99"/>',
)
CSV_TOKENS = (b'"', b",", b"\r", b"\n", b"\r\n", b"\x00", b"\xef\xbb\xbf", b"\xd6\xd0", b"\t")

mutations = st.tuples(
    st.sampled_from(["flip", "insert", "delete", "truncate", "token"]),
    st.integers(min_value=0, max_value=1 << 20),
    st.integers(min_value=1, max_value=64),
    st.binary(min_size=1, max_size=16),
)


def mutate_bytes(data: bytes, mutation: Mutation, tokens: tuple[bytes, ...]) -> bytes:
    """Return the bytes with one mutation applied (never empty unless truncated to empty)."""
    kind, pos, length, payload = mutation
    if not data:
        return payload
    at = pos % len(data)
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (payload[0] or 0xFF)]) + data[at + 1 :]
    if kind == "insert":
        return data[:at] + payload + data[at:]
    if kind == "delete":
        return data[:at] + data[at + length :]
    if kind == "truncate":
        return data[:at]
    return data[:at] + tokens[length % len(tokens)] + data[at:]


def mutate_members(data: bytes, mutation: Mutation, seed: int) -> bytes:
    """Return the workbook rebuilt as a valid zip with one member's XML mutated and the
    members shuffled; the container stays sound, the content does not."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(info.filename, zf.read(info)) for info in zf.infolist()]
    index = mutation[1] % len(members)
    name, content = members[index]
    members[index] = (name, mutate_bytes(content, mutation, XML_TOKENS))
    random.Random(seed).shuffle(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members:
            zf.writestr(name, content)
    return out.getvalue()


def _seed_rows() -> list[list[object]]:
    rows: list[list[object]] = [["城关镇中心小学2024年秋季学期学籍名册"], *roster_rows(4)]
    rows[3][4] = bad_check_digit(str(rows[3][4]))
    return rows


def _seed_xlsx(folder: Path) -> bytes:
    return write_xlsx(folder / "seed.xlsx", {"学籍": _seed_rows()}).read_bytes()


def _seed_csv(folder: Path, encoding: str) -> bytes:
    return write_csv(folder / "seed.csv", _seed_rows(), encoding=encoding).read_bytes()


def _assert_clean(args: list[str], allowed: frozenset[int] = frozenset({0, 1, 2})) -> None:
    result = CliRunner().invoke(cli, args)
    shown = result.stdout + result.stderr
    assert result.exit_code in allowed, shown[-2000:]
    assert not any(marker in shown for marker in CRASH_MARKERS), shown[-2000:]


FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _fuzz_file(
    name: str, seed: Callable[[Path], bytes], mutate: Callable[[bytes], bytes]
) -> tuple[tempfile.TemporaryDirectory[str], Path]:
    holder = tempfile.TemporaryDirectory()
    folder = Path(holder.name)
    path = folder / name
    path.write_bytes(mutate(seed(folder)))
    return holder, path


@FUZZ
@given(st.lists(mutations, min_size=1, max_size=3))
def test_validate_never_crashes_on_a_workbook_with_damaged_bytes(edits: list[Mutation]) -> None:
    """Flipped, inserted, deleted or cut bytes in an .xlsx end in exit 0, 1 or 2, no crash."""

    def mutate(data: bytes) -> bytes:
        for edit in edits:
            data = mutate_bytes(data, edit, XML_TOKENS)
        return data

    holder, path = _fuzz_file("学籍.xlsx", _seed_xlsx, mutate)
    with holder:
        _assert_clean(["validate", "--roster", str(path)])


@FUZZ
@given(mutations, st.integers(min_value=0, max_value=1000))
def test_validate_never_crashes_on_a_workbook_with_damaged_xml(
    edit: Mutation, shuffle_seed: int
) -> None:
    """A sound zip whose members are reordered and one member's XML edited: no crash."""
    holder, path = _fuzz_file(
        "学籍.xlsx", _seed_xlsx, lambda data: mutate_members(data, edit, shuffle_seed)
    )
    with holder:
        _assert_clean(["validate", "--roster", str(path)])


@settings(FUZZ, max_examples=30)
@given(st.lists(mutations, min_size=1, max_size=4), st.sampled_from(["utf-8-sig", "gbk"]))
def test_validate_never_crashes_on_a_damaged_csv(edits: list[Mutation], encoding: str) -> None:
    """A UTF-8 or GBK roster CSV with quotes, line breaks, NULs or bytes mangled: no crash."""

    def mutate(data: bytes) -> bytes:
        for edit in edits:
            data = mutate_bytes(data, edit, CSV_TOKENS)
        return data

    holder, path = _fuzz_file("学籍.csv", lambda f: _seed_csv(f, encoding), mutate)
    with holder:
        _assert_clean(["validate", "--roster", str(path)])


@pytest.mark.slow
@settings(FUZZ, max_examples=10)
@given(st.lists(mutations, min_size=1, max_size=3))
def test_reconcile_never_crashes_on_a_damaged_csv(edits: list[Mutation]) -> None:
    """reconcile on a damaged roster CSV exits 0 or 2 (unusable) and never crashes."""

    def mutate(data: bytes) -> bytes:
        for edit in edits:
            data = mutate_bytes(data, edit, CSV_TOKENS)
        return data

    holder, path = _fuzz_file("学籍.csv", lambda f: _seed_csv(f, "utf-8-sig"), mutate)
    with holder:
        out = Path(holder.name) / "out"
        args = ["reconcile", "--roster", str(path), "--out", str(out), "--as-of", "2024-11-01"]
        _assert_clean([*args, "--no-history", "--quiet"], frozenset({0, 2}))
