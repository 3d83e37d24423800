"""Cell comments of a patched sheet: the comments part and the legacy VML drawing that shows them.

Excel draws a comment's box from a VML shape, so each sheet with comments needs both
parts (``xl/commentsN.xml`` and ``xl/drawings/vmlDrawingN.vml``). Comments the clerk's file
already had are kept, and a marked cell's existing comment heads the new text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl.utils import column_index_from_string, get_column_letter

from edupoverty.io.workbook.annotate import COMMENT_AUTHOR, _comment_size, comment_text
from edupoverty.io.workbook.styles import COMMENT_COLOUR
from edupoverty.io.workbook.xlsx_parts import MAIN_NS, attrs_of, escape, rich_text


@dataclass
class Note:
    """One cell comment as the copy will carry it."""

    row: int
    col: int
    text: str
    author: str
    width: int
    """Box width in points."""
    height: int
    """Box height in points."""


def read_comments(xml: str) -> list[tuple[str, str, str]]:
    """Return the ``(cell ref, author, text)`` of every comment in a comments part."""
    authors = [rich_text(f"<t>{a}</t>") for a in re.findall(r"<author>(.*?)</author>", xml, re.S)]
    notes = []
    for m in re.finditer(r"<comment\b([^>]*)>(.*?)</comment>", xml, re.S):
        a = attrs_of(m[1])
        author_id = int(a.get("authorId", "0"))
        author = authors[author_id] if author_id < len(authors) else ""
        notes.append((a.get("ref", ""), author, rich_text(m[2])))
    return notes


def merge_notes(existing: str | None, marks: Mapping[tuple[int, int], Sequence[str]]) -> list[Note]:
    """Return a sheet's comments, row by row: the ones it had, and one per marked cell.

    Args:
        existing: the sheet's comments part, when it had one.
        marks: (row, column) → the lines of a marked cell's comment; a comment the cell
            already had comes first, as in the openpyxl path.
    """
    notes: dict[tuple[int, int], Note] = {}
    for ref, author, text in read_comments(existing) if existing is not None else []:
        m = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
        if m is not None:
            cell = (int(m[2]), column_index_from_string(m[1]))
            notes[cell] = Note(*cell, text, author, *_comment_size([text]))
    for (row, col), lines in marks.items():
        if (row, col) in notes and notes[(row, col)].text:
            lines = [notes[(row, col)].text, *lines]
        text = comment_text(lines)
        notes[(row, col)] = Note(row, col, text, COMMENT_AUTHOR, *_comment_size(lines))
    return [notes[k] for k in sorted(notes)]


def comments_xml(notes: Sequence[Note]) -> bytes:
    """Return a comments part (``xl/commentsN.xml``) holding ``notes``."""
    authors = list(dict.fromkeys(n.author for n in notes))
    items = "".join(
        f'<comment ref="{get_column_letter(n.col)}{n.row}" authorId="{authors.index(n.author)}">'
        f'<text><t xml:space="preserve">{escape(n.text)}</t></text></comment>'
        for n in notes
    )
    names = "".join(f"<author>{escape(a)}</author>" for a in authors)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<comments xmlns="{MAIN_NS}"><authors>{names}</authors>'
        f"<commentList>{items}</commentList></comments>"
    ).encode()


_VML_HEAD: Final = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{data}"/></o:shapelayout>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"'
    ' path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)
_VML_SHAPE: Final = (
    '<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;'
    "margin-left:{left}pt;margin-top:{top}pt;width:{width}pt;height:{height}pt;"
    'z-index:{z};visibility:hidden" fillcolor="#{colour}" o:insetmode="auto">'
    '<v:fill color2="#{colour}"/><v:path o:connecttype="none"/>'
    '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
    '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
    "<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
    "<x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
)
SHAPES_PER_BLOCK: Final = 1024
"""VML shape ids come in blocks of 1024 per drawing (``o:idmap data``), as Excel numbers them."""


def vml_xml(notes: Sequence[Note], first_block: int) -> bytes:
    """Return the legacy VML drawing that shows ``notes`` as Excel comment boxes.

    Args:
        notes: the sheet's comments.
        first_block: the first id block this drawing may use; it takes
            ``len(notes) // 1024 + 1`` blocks, distinct from every other drawing's.
    """
    blocks = range(first_block, first_block + len(notes) // SHAPES_PER_BLOCK + 1)
    shapes = []
    for i, n in enumerate(notes):
        # Anchor: column, offset, row, offset of the top-left then bottom-right corner, in
        # default-sized cells (64 by 20 pixels), beside the cell as Excel places a new note.
        width_px, height_px = n.width * 4 // 3, n.height * 4 // 3
        top = max(n.row - 2, 0)
        anchor = (
            f"{n.col}, 15, {top}, 10, {n.col + width_px // 64 + 1}, 15, {top + height_px // 20}, 4"
        )
        shapes.append(
            _VML_SHAPE.format(
                id=first_block * SHAPES_PER_BLOCK + 1 + i,
                left=n.col * 48 + 11,
                top=top * 15 + 8,
                width=n.width,
                height=n.height,
                z=i + 1,
                colour=COMMENT_COLOUR,
                anchor=anchor,
                row=n.row - 1,
                col=n.col - 1,
            )
        )
    head = _VML_HEAD.format(data=",".join(str(b) for b in blocks))
    return (head + "".join(shapes) + "</xml>").encode()


def vml_blocks(xml: bytes) -> set[int]:
    """Return the shape-id blocks an existing VML drawing declares."""
    found = re.findall(rb'idmap\b[^>]*\bdata="([\d,\s]*)"', xml)
    return {int(b) for group in found for b in group.split(b",") if b.strip().isdigit()}
