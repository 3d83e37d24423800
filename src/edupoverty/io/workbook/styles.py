"""The workbook look in one place: severity fills, number formats, widths, safe text.

Every writer of ``reconcile.xlsx`` and of the annotated copies takes its colours, formats
and text conversion from here (STYLE.md item 28) and never spells a colour or a format
string itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from edupoverty.i18n import t

SEVERITY_COLOURS: Final[dict[str, str]] = {
    "high": "FFC7CE",
    "medium": "FFEB9C",
    "low": "DDEBF7",
}
"""Fill colour (RGB hex) per severity: Excel's own 'bad' red, 'neutral' amber, and a pale blue."""

HEADER_COLOUR: Final = "D9D9D9"
"""Fill of header rows (a light grey that prints well in black and white)."""

COMMENT_COLOUR: Final = "FFFFE1"
"""Background of comment boxes in patched copies (Excel's own pale yellow for a note)."""

CURRENCY_FORMAT: Final = '"¥"#,##0.00;[Red]-"¥"#,##0.00'
"""Amounts in yuan: two decimals, thousands separators, negatives in red."""

ID_FORMAT: Final = "@"
"""Text format for ID numbers and bank accounts (never a number, never scientific)."""

INTEGER_FORMAT: Final = "#,##0"
"""Counts (findings, people, rows)."""

RATIO_FORMAT: Final = "0.00%"
"""Shares such as 应助尽助率 (audit indicators)."""

PERCENT_AXIS_FORMAT: Final = "0%"
"""Chart axes of shares."""

LINK_COLOUR: Final = "0563C1"
"""Font colour of hyperlinks (Excel's own Hyperlink style)."""

PASS_COLOUR: Final = "C6EFCE"
"""Fill of a met audit target: Excel's own 'good' green, beside the shared 'bad' red."""

INFO_COLOUR: Final = "EDEDED"
"""Fill of an informational audit indicator (no target to meet)."""

TITLE_SIZE: Final = 14
"""Font size of a sheet's title line."""

MAX_WIDTH: Final = 60
"""Widest column, in Excel character units: long messages wrap rather than run off."""

MIN_WIDTH: Final = 6

FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet program may read as the start of a formula or command."""

MAX_CELL_CHARS: Final = 32_767
"""Excel's limit on one cell's text, in UTF-16 units; a longer cell makes Excel report the
whole workbook as damaged (a 1 MB remark pasted into an export, issue 8)."""

_WIDTH_SCAN: Final = 4096
"""Characters of a line measured exactly by ``display_width``; every caller caps far below."""

# XML 1.0 forbids these control characters; openpyxl raises IllegalCharacterError on them
# and Excel refuses the file, and some 学籍 exports carry a stray \x0b from a pasted name.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value: Any) -> str:
    """Return the text of a cell value, neutralised so that no program reads it as a formula.

    Text beginning with ``= + - @`` (or a tab or carriage return) is prefixed with an
    apostrophe, as OWASP advises against spreadsheet formula injection: a name or remark
    cell is user input, and ``=cmd|' /C calc'!A0`` must stay text whatever program later
    opens, converts or re-saves the workbook. Characters XML forbids are removed, and text
    over Excel's ``MAX_CELL_CHARS`` is cut with a note saying how long the original was.

    Args:
        value: any cell value; None becomes the empty string.

    Returns:
        The text to store in a string cell.
    """
    if value is None:
        return ""
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return fit_cell(text)


def safe_comment(text: str) -> str:
    """Return the text of a cell comment: characters XML forbids removed, cut at the cell limit.

    A comment obeys the same 32,767-character limit as a cell (a 1 MB name quoted in a
    finding made a longer one, issue 8), but no program reads it as a formula, so it gets
    no apostrophe.
    """
    return fit_cell(_ILLEGAL_XML.sub("", text))


def fit_cell(text: str) -> str:
    """Return text cut to Excel's cell limit (UTF-16 units), ending with a truncation note."""
    if len(text) <= MAX_CELL_CHARS // 2 or _utf16_units(text) <= MAX_CELL_CHARS:
        return text
    mark = t("workbook.text_truncated", chars=len(text))
    budget = MAX_CELL_CHARS - _utf16_units(mark)
    head = text[:budget].encode("utf-16-le")[: 2 * budget].decode("utf-16-le", errors="ignore")
    return head + mark


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def is_cjk_wide(char: str) -> bool:
    """Return True when the character takes two columns (CJK ideographs, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


_CHAR_WIDTHS_KEPT: Final = 65_536
"""Distinct characters whose width ``display_width`` remembers."""


class _CharWidths(dict[str, int]):
    """Character → columns it takes (2 wide, 1 otherwise), looked up once per character seen."""

    def __missing__(self, char: str) -> int:
        width = 2 if is_cjk_wide(char) else 1
        if len(self) < _CHAR_WIDTHS_KEPT:  # a hostile file cannot grow it without bound
            self[char] = width
        return width


_CHAR_WIDTHS: Final = _CharWidths()


def display_width(text: str) -> int:
    """Return the width of text in Excel character units, counting CJK characters as two."""
    if text.isascii():  # no ASCII character is wide: IDs, numbers, codes cost one pass
        return max(map(len, text.split("\n")))
    width = _CHAR_WIDTHS.__getitem__  # issue 7: a dict hit instead of a unicodedata call
    longest = 0
    for line in text.split("\n"):
        # A 1 MB cell must not cost a million lookups: past _WIDTH_SCAN characters each
        # counts one unit, which is already far beyond every caller's cap.
        exact = sum(map(width, line[:_WIDTH_SCAN]))
        longest = max(longest, exact + max(0, len(line) - _WIDTH_SCAN))
    return longest


def column_widths(
    header: list[str], rows: Iterable[Iterable[Any]], sample: int = 500
) -> list[float]:
    """Return a width per column fitting the header and the first ``sample`` rows.

    Args:
        header: the header texts.
        rows: data rows (only the first ``sample`` are measured, so huge sheets cost nothing).
        sample: how many rows to measure.

    Returns:
        Widths between ``MIN_WIDTH`` and ``MAX_WIDTH``, with a little padding.
    """
    widths = [display_width(h) for h in header]
    measured: dict[str, int] = {}  # a column repeats its school, file, term: measure each once
    for i, row in enumerate(rows):
        if i >= sample:
            break
        for j, value in enumerate(row):
            if value is None:
                continue
            text = value if isinstance(value, str) else str(value)
            w = measured.get(text)
            if w is None:
                w = measured[text] = display_width(text)
            if j >= len(widths):
                widths.append(w)
            elif w > widths[j]:
                widths[j] = w
    return [float(min(MAX_WIDTH, max(MIN_WIDTH, w + 2))) for w in widths]


def severity_fill(severity: str) -> PatternFill:
    """Return the solid fill of a severity (``high``, ``medium`` or ``low``)."""
    return PatternFill(
        fill_type="solid",
        start_color=SEVERITY_COLOURS[severity],
        end_color=SEVERITY_COLOURS[severity],
    )


HEADER_FILL: Final = PatternFill(
    fill_type="solid", start_color=HEADER_COLOUR, end_color=HEADER_COLOUR
)
HEADER_FONT: Final = Font(bold=True)
TITLE_FONT: Final = Font(bold=True, size=TITLE_SIZE)
WRAP: Final = Alignment(wrap_text=True, vertical="top")


def severity_rank(severity: str) -> int:
    """Return 3 for high, 2 for medium, 1 for low (0 for anything else)."""
    return {"high": 3, "medium": 2, "low": 1}.get(severity, 0)


def set_widths(ws: Any, widths: list[float]) -> None:
    """Set the column widths of an openpyxl worksheet (normal or write-only)."""
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def freeze_and_filter(ws: Any, header_row: int, n_cols: int, last_row: int | None = None) -> None:
    """Freeze the rows up to ``header_row`` and put an autofilter on the table below it.

    Args:
        ws: an openpyxl worksheet (normal or write-only: call before the first append).
        header_row: 1-based row of the table header.
        n_cols: columns in the table.
        last_row: last row of the table; the header row alone when None.
    """
    ws.freeze_panes = f"A{header_row + 1}"
    end = max(last_row or header_row, header_row)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(n_cols, 1))}{end}"


def xlsxwriter_formats(workbook: Any) -> dict[str, Any]:
    """Return the xlsxwriter formats writers need: ``header``, ``text``, one per severity.

    Text formats carry ``@`` so a cell the clerk later edits stays text.
    """
    formats: dict[str, Any] = {
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#" + HEADER_COLOUR, "num_format": ID_FORMAT}
        ),
        "text": workbook.add_format({"num_format": ID_FORMAT}),
        "number": workbook.add_format({}),
    }
    for severity, colour in SEVERITY_COLOURS.items():
        formats[severity] = workbook.add_format(
            {"bg_color": "#" + colour, "pattern": 1, "num_format": ID_FORMAT}
        )
        formats[severity + "_number"] = workbook.add_format(
            {"bg_color": "#" + colour, "pattern": 1}
        )
    return formats


XLSXWRITER_OPTIONS: Final[dict[str, Any]] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
"""xlsxwriter options every writer uses: a string is always stored as a string."""


def _solid(colour: str) -> dict[str, Any]:
    return {"bg_color": "#" + colour, "pattern": 1}


_XW_WRAP: Final[dict[str, Any]] = {"text_wrap": True, "valign": "top"}  # = WRAP

XLSXWRITER_STYLES: Final[dict[str, dict[str, Any]]] = {
    "header": {"bold": True, **_solid(HEADER_COLOUR), **_XW_WRAP},
    "title": {"bold": True, "font_size": TITLE_SIZE},
    "title_wrap": {"bold": True, "font_size": TITLE_SIZE, **_XW_WRAP},
    "section": {"bold": True},
    "total": {"bold": True},
    "total_money": {"bold": True, "num_format": CURRENCY_FORMAT},
    "id": {"num_format": ID_FORMAT},
    "money": {"num_format": CURRENCY_FORMAT},
    "int": {"num_format": INTEGER_FORMAT},
    "ratio": {"num_format": RATIO_FORMAT},
    "wrap": _XW_WRAP,
    "link": {"font_color": "#" + LINK_COLOUR, "underline": 1},
    **{severity: _solid(colour) for severity, colour in SEVERITY_COLOURS.items()},
    "notice": {**_solid(SEVERITY_COLOURS["medium"]), **_XW_WRAP},
    "pass": _solid(PASS_COLOUR),
    "fail": _solid(SEVERITY_COLOURS["high"]),
    "info": _solid(INFO_COLOUR),
}
"""The named cell looks of reconcile.xlsx and audit.xlsx, as xlsxwriter format properties.

The same constants as the openpyxl objects above: ``header`` is ``HEADER_FONT`` +
``HEADER_FILL`` + ``WRAP``, a severity is ``severity_fill``, ``title`` is ``TITLE_FONT``.
"""


def xlsxwriter_styles(workbook: Any) -> dict[str, Any]:
    """Return ``XLSXWRITER_STYLES`` added to an xlsxwriter workbook: style name → ``Format``."""
    return {name: workbook.add_format(dict(props)) for name, props in XLSXWRITER_STYLES.items()}
