"""The small parts of an .xlsx package the patcher edits, read and written as text.

Relationships, ``[Content_Types].xml``, the style sheet (a cloned ``<xf>`` per original
style and severity), the shared-string table (entries replaced in place, never
renumbered) and the comments with their legacy VML drawing. Every edit is a splice into
the original text, so what the patcher does not touch stays byte for byte (issue 7).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl.xml.functions import tostring

from edupoverty.io.workbook.styles import HEADER_FILL, HEADER_FONT, severity_fill

MAIN_NS: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_REL: Final = REL_NS + "/comments"
VML_REL: Final = REL_NS + "/vmlDrawing"
COMMENTS_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE: Final = "application/vnd.openxmlformats-officedocument.vmlDrawing"
XLSX_MAIN_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"

_ATTR: Final = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL: Final = re.compile(r"<Relationship\b[^>]*?/?>")
_XML_TEXT: Final = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_PHONETIC: Final = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ENTITY: Final = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);")
_NAMED: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
# XML 1.0 forbids these; a stray \x0b from a pasted name must not make Excel refuse the copy.
_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class PatchDeclinedError(Exception):
    """The package holds something the patcher does not rewrite; the openpyxl path takes over."""


def attrs_of(tag: str) -> dict[str, str]:
    """Return the attributes of one start tag (values still escaped)."""
    return {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTR.finditer(tag)}


def set_attr(tag: str, name: str, value: str) -> str:
    """Return a start tag with attribute ``name`` set to ``value`` (replaced or appended)."""
    pattern = re.compile(rf"""(\s{re.escape(name)}\s*=\s*)(?:"[^"]*"|'[^']*')""")
    if pattern.search(tag):
        return pattern.sub(lambda m: f'{m[1]}"{value}"', tag, count=1)
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return f'{tag[:end].rstrip()} {name}="{value}"{tag[end:]}'


def unescape(text: str) -> str:
    """Return XML text with its character and entity references resolved."""

    def one(m: re.Match[str]) -> str:
        ref = m[1]
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        return chr(int(ref[1:])) if ref.startswith("#") else _NAMED[ref]

    return _ENTITY.sub(one, text) if "&" in text else text


def escape(text: str) -> str:
    """Return text safe inside an XML element or attribute, without forbidden characters."""
    text = _ILLEGAL.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def rich_text(xml: str) -> str:
    """Return the plain text of a string item (``<si>``, ``<is>``, a comment's ``<text>``)."""
    return "".join(unescape(t) for t in _XML_TEXT.findall(_PHONETIC.sub("", xml)))


def decode(data: bytes, part: str) -> str:
    """Return a small XML part as text, refusing entity declarations (billion laughs)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatchDeclinedError(f"{part}: not UTF-8") from exc
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise PatchDeclinedError(f"{part}: declares a DTD")
    return text


# --------------------------------------------------------------------------- relationships


@dataclass(frozen=True)
class Rel:
    """One relationship of a part."""

    id: str
    type: str
    target: str
    """The part it points to, resolved to a path inside the zip ('' when external)."""


def rels_name(part: str) -> str:
    """Return the name of the relationships part of ``part`` (``xl/_rels/workbook.xml.rels``)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def read_rels(xml: str, part: str) -> list[Rel]:
    """Return the relationships in ``xml``, targets resolved against ``part``'s folder."""
    rels = []
    for tag in _REL.findall(xml):
        a = attrs_of(tag)
        target = unescape(a.get("Target", ""))
        if a.get("TargetMode") == "External":
            target = ""
        elif target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
        rels.append(Rel(a.get("Id", ""), a.get("Type", ""), target))
    return rels


def relative(part: str, target: str) -> str:
    """Return ``target`` as a relationship target written from ``part`` (``../comments1.xml``)."""
    return posixpath.relpath(target, posixpath.dirname(part) or ".")


def edit_rels(xml: str | None, add: Sequence[tuple[str, str, str]], drop: Iterable[str]) -> str:
    """Return relationships with ``(id, type, target)`` entries added and ids in ``drop`` removed."""
    if xml is None:
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        )
    gone = set(drop)
    if gone:
        xml = _REL.sub(lambda m: "" if attrs_of(m[0]).get("Id") in gone else m[0], xml)
    new = "".join(
        f'<Relationship Id="{i}" Type="{t}" Target="{escape(target)}"/>' for i, t, target in add
    )
    end = xml.rfind("</Relationships>")
    if end < 0:
        raise PatchDeclinedError("relationships part without </Relationships>")
    return xml[:end] + new + xml[end:]


def free_rel_id(taken: Iterable[str]) -> str:
    """Return the first ``rIdN`` not in ``taken``."""
    used = set(taken)
    n = 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


# --------------------------------------------------------------------------- content types


def edit_content_types(
    xml: str,
    *,
    overrides: Mapping[str, str],
    drop: Iterable[str],
    defaults: Mapping[str, str],
    retype: Mapping[str, str],
) -> str:
    """Return ``[Content_Types].xml`` with parts added, dropped, given new types, and defaults.

    Args:
        xml: the original text.
        overrides: part name (no leading slash) → content type to declare.
        drop: part names whose Override goes.
        defaults: extension → content type, added when the extension has no Default yet.
        retype: old content type → new one (a macro workbook's main part becoming .xlsx).
    """
    gone = {"/" + p for p in [*drop, *overrides]}

    def keep(m: re.Match[str]) -> str:
        return "" if unescape(attrs_of(m[0]).get("PartName", "")) in gone else m[0]

    xml = re.sub(r"<Override\b[^>]*?/?>", keep, xml)
    for old, new in retype.items():
        xml = xml.replace(f'"{old}"', f'"{new}"')
    have = {attrs_of(m).get("Extension", "").lower() for m in re.findall(r"<Default\b[^>]*>", xml)}
    add = [
        f'<Default Extension="{e}" ContentType="{t}"/>'
        for e, t in defaults.items()
        if e not in have
    ]
    add += [f'<Override PartName="/{escape(p)}" ContentType="{t}"/>' for p, t in overrides.items()]
    end = xml.rfind("</Types>")
    if end < 0:
        raise PatchDeclinedError("[Content_Types].xml without </Types>")
    return xml[:end] + "".join(add) + xml[end:]


# --------------------------------------------------------------------------- styles


class StyleBook:
    """``xl/styles.xml`` with cell formats cloned on demand: same number format, font and
    border as the original ``<xf>``, the severity's fill (and the header look)."""

    def __init__(self, xml: str) -> None:
        self._xml = xml
        self._fills = self._section("fills", "fill")
        self._fonts = self._section("fonts", "font")
        self._xfs = re.findall(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", self._block("cellXfs")[2], re.S)
        self._added: dict[str, list[str]] = {"fills": [], "fonts": [], "cellXfs": []}
        self._made: dict[tuple[int, str], int] = {}

    def _block(self, name: str) -> tuple[int, int, str]:
        m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", self._xml, re.S)
        if m is None:
            raise PatchDeclinedError(f"styles.xml has no <{name}>")
        return m.start(), m.end(), m[1]

    def _section(self, name: str, item: str) -> int:
        return len(re.findall(rf"<{item}[\s>/]", self._block(name)[2]))

    def _add(self, section: str, base: int, xml: str) -> int:
        added = self._added[section]
        if xml not in added:
            added.append(xml)
        return base + added.index(xml)

    def filled(self, style: int, severity: str) -> int:
        """Return the index of a cell format like ``style`` filled with the severity's colour."""
        return self._clone(style, severity)

    def header(self, style: int) -> int:
        """Return the index of a cell format like ``style`` with the header fill and font."""
        return self._clone(style, "")

    def _clone(self, style: int, severity: str) -> int:
        if (style, severity) in self._made:
            return self._made[(style, severity)]
        if not 0 <= style < len(self._xfs):
            raise PatchDeclinedError(f"cell style {style} is not in cellXfs")
        xf = self._xfs[style]
        tag_end = xf.index(">") + 1
        tag = xf[:tag_end]
        fill_id = self._add("fills", self._fills, _fill_xml(severity))
        tag = set_attr(set_attr(tag, "fillId", str(fill_id)), "applyFill", "1")
        if not severity:
            font_id = self._add("fonts", self._fonts, _header_font_xml())
            tag = set_attr(set_attr(tag, "fontId", str(font_id)), "applyFont", "1")
        index = self._add("cellXfs", len(self._xfs), tag + xf[tag_end:])
        self._made[(style, severity)] = index
        return index

    def xml(self) -> str:
        """Return the style sheet with the new fills, fonts and cell formats appended."""
        xml = self._xml
        sizes = {"fills": self._fills, "fonts": self._fonts, "cellXfs": len(self._xfs)}
        for name in ("cellXfs", "fills", "fonts"):  # from the end, so offsets stay valid
            added = self._added[name]
            if not added:
                continue
            start, end, _body = self._block_in(xml, name)
            close = end - len(f"</{name}>")
            open_end = xml.index(">", start) + 1
            tag = set_attr(xml[start:open_end], "count", str(sizes[name] + len(added)))
            xml = xml[:start] + tag + xml[open_end:close] + "".join(added) + xml[close:]
        return xml

    @staticmethod
    def _block_in(xml: str, name: str) -> tuple[int, int, str]:
        m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", xml, re.S)
        assert m is not None
        return m.start(), m.end(), m[1]


@functools.cache
def _fill_xml(severity: str) -> str:
    """Return the ``<fill>`` of a severity ('' for the header), serialised by openpyxl."""
    fill = severity_fill(severity) if severity else HEADER_FILL
    return str(tostring(fill.to_tree()).decode())


@functools.cache
def _header_font_xml() -> str:
    return str(tostring(HEADER_FONT.to_tree()).decode())


# --------------------------------------------------------------------------- shared strings

_SI: Final = re.compile(rb"<si\b[^>]*?(/?)>")
_PLAIN_ITEM: Final = re.compile(rb"<si><t(?: xml:space=\"preserve\")?>([^<&]*)</t></si>\s*")


class SharedStrings:
    """The shared-string table, indexed lazily: only as far as the highest entry asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._starts: list[int] = []
        self._complete = False
        self._end = data.rfind(b"</sst>")
        if self._end < 0:
            raise PatchDeclinedError("sharedStrings.xml without </sst>")

    def _extend(self, count: int) -> None:
        """Index at least ``count`` more entries (or all that are left), in one scan."""
        pos = self._starts[-1] + 1 if self._starts else 0
        found = [
            m.start() for m in itertools.islice(_SI.finditer(self.data, pos, self._end), count)
        ]
        self._starts += found
        self._complete = len(found) < count

    def _span(self, index: int) -> tuple[int, int]:
        starts = self._starts
        if index + 1 >= len(starts) and not self._complete:
            self._extend(max(index + 2 - len(starts), len(starts), 1024))  # grow geometrically
        if index >= len(starts):
            raise PatchDeclinedError(f"shared string {index} is missing")
        return starts[index], starts[index + 1] if index + 1 < len(starts) else self._end

    def text(self, index: int) -> str:
        """Return the plain text of entry ``index``."""
        start, end = self._span(index)
        item = self.data[start:end]
        plain = _PLAIN_ITEM.fullmatch(item)  # most entries: <si><t>text</t></si>, nothing else
        if plain is not None:
            return plain[1].decode("utf-8")
        return rich_text(item.decode("utf-8"))

    def index_at(self, offset: int) -> int:
        """Return the index of the entry holding byte ``offset``."""
        while not self._complete and (not self._starts or self._starts[-1] < offset):
            self._extend(max(len(self._starts), 1024))
        return max(bisect.bisect_right(self._starts, offset) - 1, 0)

    def rewritten(self, texts: Mapping[int, str]) -> bytes:
        """Return the table with entries ``index → text`` replaced (numbering unchanged)."""
        out, last = [], 0
        for index in sorted(texts):
            start, end = self._span(index)
            item = f'<si><t xml:space="preserve">{escape(texts[index])}</t></si>'
            out += [self.data[last:start], item.encode("utf-8")]
            last = end
        out.append(self.data[last:])
        return b"".join(out)
