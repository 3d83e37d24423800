"""The ``<row>`` XML of a findings-sized table, built a column at a time (issue 7).

xlsxwriter spends about 15 µs on each cell it is handed one by one, and a province's
64,000 findings fill a million cells of reconcile.xlsx: 13 of the write stage's 15
seconds. Here each column's cells are made by one list comprehension over precomputed
pieces (each distinct text escaped once), and the rows are joined by ``str.join``.

The XML is what xlsxwriter's ``constant_memory`` mode writes for the same cells
(``tests/io/test_table_xml.py`` writes both ways and compares the parts and every cell):
inline strings, numbers as ``%.16G``, a blank cell only where it carries a style, and no
``<row>`` element for a row without cells. It differs in one place on purpose: xlsxwriter
copies a text that starts with ``<r>`` and ends with ``</r>`` into the sheet unescaped, as
rich text, so a pupil named ``<r>a<b</r>`` would make Excel refuse the workbook; here every
text is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl.utils import get_column_letter

from edupoverty.io.workbook.styles import FORMULA_TRIGGERS, MAX_CELL_CHARS, safe_text

ROWS_PER_CHUNK: Final = 4096
"""Rows joined into one string before it is written: bounded memory, few writes."""

# Excel reads "_xHHHH_" in a cell's text as an escaped character. A literal one keeps its
# meaning by having its underscore escaped, and a control character XML cannot carry
# (a tab and a line feed it can) is written as one. Both as xlsxwriter does.
_LITERAL_ESCAPE: Final = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f]")
_EDGE_SPACE: Final = re.compile(r"^\s|\s$")
_NEEDS_ESCAPING: Final = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
"""Anything the steps of ``inline_string_xml`` would change; most names, IDs and messages
have none, and one search instead of six passes halves the sheet's cost."""


def inline_string_xml(text: str) -> str:
    """Return the ``<is>`` element of an inline-string cell holding ``text``.

    Args:
        text: the cell's text, already through ``safe_text``.
    """
    if not _NEEDS_ESCAPING.search(text):
        return f"<is><t>{text}</t></is>"
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{text}</t></is>"


@dataclass(frozen=True)
class CellColumn:
    """One column of the data rows: what follows ``<c r="A2"`` in each row's cell."""

    letter: str
    """The column's letter (``A``, ``B``, …)."""
    tails: Sequence[str]
    """Per row, the rest of the cell's XML (``' s="3"><v>57</v></c>'``); "" for no cell."""


def inline_bodies(values: Sequence[object]) -> list[str | None]:
    """Return per row the ``<is>`` element of ``safe_text(value)``; None where that is empty.

    Each distinct value is made safe and escaped once. A plain text (no character to
    escape or strip, no formula trigger, no edge space, far below the cell limit) is
    recognised by one search and wrapped as it is: most names, IDs and messages.
    """
    bodies = {value: _inline_body(value) for value in dict.fromkeys(values)}
    return [bodies[value] for value in values]


def _inline_body(value: object) -> str | None:
    if value is None:
        return None
    if (
        isinstance(value, str)
        and value
        and len(value) <= MAX_CELL_CHARS // 2
        and not value.startswith(FORMULA_TRIGGERS)
        and not _NEEDS_ESCAPING.search(value)
    ):
        return f"<is><t>{value}</t></is>"
    text = safe_text(value)
    return inline_string_xml(text) if text else None


def text_tails(bodies: Sequence[str | None], styles: Sequence[int | None]) -> list[str]:
    """Return the cell tails of text cells: per row its ``<is>`` element and style index.

    Args:
        bodies: per row the ``inline_bodies`` element, or None for no cell.
        styles: per row the cell format's index, or None for no style.
    """
    attrs = {style: f'{_style_attr(style)} t="inlineStr">' for style in set(styles)}
    return [
        "" if body is None else f"{attrs[style]}{body}</c>"
        for body, style in zip(bodies, styles, strict=True)
    ]


def number_tails(values: Sequence[float | None], styles: Sequence[int | None]) -> list[str]:
    """Return the cell tails of number cells: per row its number and style index.

    Args:
        values: per row the number, or None for no cell.
        styles: per row the cell format's index, or None for no style.
    """
    if not all(math.isfinite(value) for value in set(values) if value is not None):
        # Excel has no such number and xlsxwriter refuses it too; "NAN" in <v> breaks the file.
        raise ValueError("a number cell holds NaN or infinity")
    return [
        "" if value is None else f"{_style_attr(style)}><v>{value:.16G}</v></c>"
        for value, style in zip(values, styles, strict=True)
    ]


def with_styled_blanks(tails: list[str], style: int) -> list[str]:
    """Return ``tails`` with an empty cell carrying ``style`` wherever there was no cell."""
    blank = f"{_style_attr(style)}/>"
    return [tail or blank for tail in tails]


def rows_xml(columns: Sequence[CellColumn], first_row: int) -> Iterator[str]:
    """Yield the ``<row>`` elements of the table, ``ROWS_PER_CHUNK`` rows a string.

    Args:
        columns: the table's columns in order, each with one tail per row.
        first_row: the 1-based sheet row of the first data row.
    """
    n = len(columns[0].tails) if columns else 0
    for start in range(0, n, ROWS_PER_CHUNK):
        stop = min(n, start + ROWS_PER_CHUNK)
        numbers = [str(r) for r in range(first_row + start, first_row + stop)]
        cells = [
            [
                f'<c r="{column.letter}{r}"{tail}' if tail else ""
                for r, tail in zip(numbers, column.tails[start:stop], strict=True)
            ]
            for column in columns
        ]
        yield "".join(
            f'<row r="{r}">{row}</row>' if row else ""
            for r, row in zip(numbers, map("".join, zip(*cells, strict=True)), strict=True)
        )


def column_letter(index: int) -> str:
    """Return the letter of a 0-based column (0 → ``A``)."""
    letter: str = get_column_letter(index + 1)
    return letter


def _style_attr(style: int | None) -> str:
    return "" if style is None else f' s="{style}"'
