"""What happens to the cells of a patched sheet: formulas become values, IDs are masked,
text a spreadsheet would run is defused, and the few rows a plan touches are rebuilt.

Every function works on the bytes of ``<row>``/``<c>`` elements, so a run of rows is
rewritten by regular expressions in C rather than cell by cell in Python (issue 7).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from openpyxl.utils import column_index_from_string, get_column_letter

from edupoverty.core.normalise.ids import mask_id
from edupoverty.io.workbook.annotate import _NUMBER
from edupoverty.io.workbook.styles import FORMULA_TRIGGERS, safe_text
from edupoverty.io.workbook.xlsx_parts import PatchDeclinedError, escape, rich_text, unescape

_CELL: Final = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_FORMULA: Final = re.compile(rb"<f[\s>/]")
_VALUE: Final = re.compile(rb"<v>(.*?)</v>", re.S)
_FORMULA_TEXT: Final = re.compile(rb"<f\b[^>]*>(.*?)</f>", re.S)
_TYPE: Final = re.compile(rb'\st="([^"]*)"')
_METADATA: Final = re.compile(rb'\scm="\d+"')
_STYLE: Final = re.compile(rb'\ss="(\d+)"')
_INLINE_TRIGGER: Final = re.compile(
    rb"(<is>\s*<t(?:\s[^>]*)?>)([" + re.escape("".join(FORMULA_TRIGGERS).encode()) + rb"][^<]*)</t>"
)


def inline_cell(ref: bytes, attrs: bytes, text: str) -> bytes:
    """Return a cell holding ``text`` as an inline string, its other attributes kept."""
    attrs = _TYPE.sub(b"", attrs).rstrip()
    body = escape(text).encode()
    return b'<c r="%s"%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
        ref,
        attrs,
        body,
    )


@dataclass(frozen=True)
class CellRules:
    """What happens to every cell of a copy: formulas become values, ID columns are masked."""

    masked: tuple[str, ...] = ()
    """Column letters masked below the header."""
    first_data_row: int = 1

    def apply(self, chunk: bytes) -> bytes:
        """Return a run of rows with formulas dropped, live text defused and IDs masked."""
        if b"<f" in chunk and _FORMULA.search(chunk):
            chunk = _drop_formulas(chunk)
        if b"<is>" in chunk:
            chunk = _INLINE_TRIGGER.sub(_defuse_inline, chunk)
        for letter in self.masked:
            pattern = re.compile(
                rb'<c r="(%s(\d+))"(?![^>]*\st="s")([^>/]*)>(.*?)</c>' % letter.encode(), re.S
            )
            chunk = pattern.sub(self._mask_cell, chunk)
        return chunk

    def _mask_cell(self, m: re.Match[bytes]) -> bytes:
        if int(m[2]) < self.first_data_row:
            return m[0]
        kind = _TYPE.search(m[3])
        if kind is not None and kind[1] == b"inlineStr":
            text = rich_text(m[4].decode())
        else:
            value = _VALUE.search(m[4])
            text = unescape(value[1].decode()) if value else ""
        if not text:
            return m[0]
        return inline_cell(m[1], m[3], safe_text(mask_id(text)))


def _defuse_inline(m: re.Match[bytes]) -> bytes:
    text = unescape(m[2].decode())
    if _NUMBER.match(text):
        return m[0]
    return m[1] + escape(safe_text(text)).encode() + b"</t>"


def _drop_formulas(chunk: bytes) -> bytes:
    """Replace each formula cell by the value Excel last showed for it (issue #8)."""
    out, last = [], 0
    for m in _FORMULA.finditer(chunk):
        if m.start() < last:
            continue
        start = chunk.rfind(b"<c ", last, m.start())
        end = chunk.find(b"</c>", m.start())
        if start < 0 or end < 0:
            raise PatchDeclinedError("a formula outside a cell")
        end += 4
        out += [chunk[last:start], _value_of_formula(chunk[start:end])]
        last = end
    out.append(chunk[last:])
    return b"".join(out)


def _value_of_formula(cell: bytes) -> bytes:
    m = _CELL.fullmatch(cell)
    if m is None:
        raise PatchDeclinedError("a formula cell that does not parse")
    ref, attrs, inner = m[1] + m[2], m[3], m[4] or b""
    kind = _TYPE.search(attrs)
    value = _VALUE.search(inner)
    attrs = _METADATA.sub(b"", attrs)  # cm= points at a dynamic array's metadata
    is_text = kind is not None and kind[1] == b"str"
    if value is not None and (value[1] or is_text):
        if is_text:
            return inline_cell(ref, attrs, safe_text(unescape(value[1].decode())))
        return b'<c r="%s"%s><v>%s</v></c>' % (ref, attrs, value[1])
    formula = _FORMULA_TEXT.search(inner)
    if formula is None or not formula[1]:
        return b'<c r="%s"%s/>' % (ref, _TYPE.sub(b"", attrs))
    return inline_cell(ref, attrs, safe_text("=" + unescape(formula[1].decode())))


@dataclass(frozen=True)
class CellEdit:
    """A change to one cell of a rebuilt row."""

    style: Callable[[int], int]
    """Original style index → the cell's new one."""
    text: str | None = None
    """Text to write as an inline string; None keeps the cell's value."""


def rebuild_row(
    number: int,
    row: bytes | None,
    edits: dict[int, CellEdit],
    texts: Callable[[int], str | None] | None = None,
) -> bytes:
    """Return a ``<row>`` with the edited cells restyled or rewritten, cells in column order.

    Args:
        number: the row's Excel number.
        row: the original element (already through ``CellRules``), or None to create it.
        edits: column → edit.
        texts: for rows above the data when masking, shared-string index → its original text
            when that entry is masked in the table (None leaves the cell alone).
    """
    if row is None:
        row = b'<row r="%d"></row>' % number
    gt = row.index(b">")
    self_closing = row[gt - 1] == ord("/")
    open_tag = row[: gt - 1].rstrip() + b">" if self_closing else row[: gt + 1]
    body = b"" if self_closing else row[gt + 1 : row.rindex(b"</row>")]
    if body.count(b"<c") != body.count(b'<c r="') + body.count(b"<co") + body.count(b"<ch"):
        raise PatchDeclinedError(f"row {number}: a cell without its r attribute")
    if b"<!" in body or b"<?" in body:
        raise PatchDeclinedError(f"row {number}: a comment or CDATA among the cells")
    if texts is not None:
        body = _CELL.sub(lambda m: _unshare(m, texts), body)
    for col in sorted(edits):
        ref = b"%s%d" % (get_column_letter(col).encode(), number)
        start = body.find(b'<c r="%s"' % ref)
        if start >= 0:
            end = _cell_end(body, start)
            body = body[:start] + _edited(body[start:end], ref, edits[col]) + body[end:]
        else:
            at = _insertion_point(body, col)
            body = body[:at] + _edited(None, ref, edits[col]) + body[at:]
    spans = re.search(rb'\sspans="(\d+):(\d+)"', open_tag)
    if spans is not None and edits and int(spans[2]) < max(edits):
        open_tag = open_tag.replace(spans[0], b' spans="%s:%d"' % (spans[1], max(edits)))
    return open_tag + body + b"</row>"


def _cell_end(body: bytes, start: int) -> int:
    gt = body.index(b">", start)
    return gt + 1 if body[gt - 1] == ord("/") else body.index(b"</c>", gt) + 4


def _insertion_point(body: bytes, col: int) -> int:
    """Return where a new cell of column ``col`` goes so that cells stay in column order."""
    last = body.rfind(b'<c r="')
    if last < 0 or _column_at(body, last) < col:
        return len(body)
    for m in re.finditer(rb'<c r="', body):
        if _column_at(body, m.start()) > col:
            return m.start()
    return len(body)


def _column_at(body: bytes, start: int) -> int:
    m = re.match(rb'<c r="([A-Z]{1,3})', body[start : start + 9])
    return column_index_from_string(m[1].decode()) if m else 0


def _edited(cell: bytes | None, ref: bytes, edit: CellEdit) -> bytes:
    old = _CELL.fullmatch(cell) if cell is not None else None
    if cell is not None and old is None:
        raise PatchDeclinedError(f"cell {ref.decode()} does not parse")
    attrs = old[3] if old is not None else b""
    style = _STYLE.search(attrs)
    new_style = b"%d" % edit.style(int(style[1]) if style else 0)
    attrs = _STYLE.sub(b"", attrs) + b' s="%s"' % new_style
    if edit.text is not None:
        return inline_cell(ref, attrs, edit.text)
    if old is not None:
        return b'<c r="%s"%s%s' % (ref, attrs, old[0][old.end(3) - old.start(0) :])
    return b'<c r="%s"%s/>' % (ref, attrs)


def _unshare(m: re.Match[bytes], texts: Callable[[int], str | None]) -> bytes:
    kind = _TYPE.search(m[3])
    if kind is None or kind[1] != b"s":
        return m[0]
    value = _VALUE.search(m[4] or b"")
    text = texts(int(value[1])) if value and value[1].isdigit() else None
    return m[0] if text is None else inline_cell(m[1] + m[2], m[3], safe_text(text))


def cell_texts(row: bytes, shared: Callable[[int], str]) -> dict[int, str]:
    """Return column → the text each valued cell of a ``<row>`` shows.

    Args:
        row: one ``<row>`` element.
        shared: shared-string index → its text.
    """
    texts = {}
    for m in _CELL.finditer(row):
        kind = _TYPE.search(m[3])
        inner = m[4] or b""
        if kind is not None and kind[1] == b"inlineStr":
            text = rich_text(inner.decode())
        elif (value := _VALUE.search(inner)) is None:
            continue
        elif kind is not None and kind[1] == b"s":
            text = shared(int(value[1]))
        else:
            text = unescape(value[1].decode())
        texts[column_index_from_string(m[1].decode())] = text
    return texts
