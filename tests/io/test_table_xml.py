"""Findings tables written as ready-made row XML hold what xlsxwriter's per-cell writes hold."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from edupoverty.io.workbook import reconcile_book, streaming, table_xml
from edupoverty.io.workbook.reconcile_book import file_link
from edupoverty.io.workbook.streaming import Column, streaming_workbook, write_table
from edupoverty.io.workbook.styles import safe_text
from edupoverty.io.workbook.table_xml import inline_bodies, inline_string_xml, number_tails
from xlsxwriter_reference import write_table_cell_by_cell

HOSTILE_TEXTS = [
    "张伟",
    "a & b < c > d \"quoted\" 'single'",
    " leading space",
    "trailing space ",
    "\tstarts with a tab",
    "literal _x0041_ escape",
    "carriage\rreturn",
    "line\nfeed",
    "=SUM(A1)",
    "+86 138",
    "-5",
    "@user",
    "",
    None,
    "emoji 😀 and \ufffe non-character",
    "bell\x07removed",
    "x" * 40_000,
    "六年级（2）班",
]


def hostile_columns(n: int) -> list[Column]:
    """Columns of every kind write_table takes, over ``n`` rows of awkward values."""
    texts = [HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)] for i in range(n)]
    severities = [(None, "high", "medium", "low")[i % 4] for i in range(n)]
    return [
        Column("规则", [f"规则{i % 3}" for i in range(n)]),
        Column("严重程度", [s or "—" for s in severities], row_styles=severities),
        Column(
            "证件号码",
            [None if i % 5 == 0 else f"41142220120305{i:04d}" for i in range(n)],
            style="id",
            styled_blank=True,
        ),
        Column("姓名", texts),
        Column(
            "行号",
            [None if i % 7 == 3 else i + 2 for i in range(n)],
            number=True,
            row_styles=["link" if i % 2 else None for i in range(n)],
        ),
        Column(
            "金额",
            [None if i % 6 == 0 else (-1) ** i * i * 12.5 + 0.1 for i in range(n)],
            number=True,
            style="money",
        ),
        Column("说明", texts[::-1], style="wrap", width=60.0),
        Column("计数", [i if i % 3 else None for i in range(n)], number=True),
    ]


def write_both_ways(
    tmp_path: Path, columns: list[Column], links: dict[int, Any]
) -> tuple[Path, Path]:
    """Write the same table through write_table and through xlsxwriter cell by cell."""
    paths = []
    for name, writer in (("rows.xlsx", write_table), ("cells.xlsx", write_table_cell_by_cell)):
        path = tmp_path / name
        with streaming_workbook(path) as (wb, styles):
            writer(wb.add_worksheet("表"), styles, columns, links=links, link_column=4)
            # A second sheet: its formats are numbered after the first sheet's.
            writer(wb.add_worksheet("表2"), styles, columns[::-1])
        paths.append(path)
    return paths[0], paths[1]


def assert_same_workbook(left: Path, right: Path) -> None:
    """The two packages hold the same parts and cells, each cell with the same look.

    A part is compared byte for byte, except that a cell's format index is left out: the
    per-cell writer numbers a format when xlsxwriter flushes the row using it, which for a
    sheet's last row is only when the workbook closes, so the numbering (not the formats)
    may differ. openpyxl then compares every cell's value, type and resolved look.
    """
    with zipfile.ZipFile(left) as a, zipfile.ZipFile(right) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name not in ("docProps/core.xml", "xl/styles.xml"):
                assert _without_format_indexes(a.read(name)) == _without_format_indexes(
                    b.read(name)
                ), name
    books = [openpyxl.load_workbook(path) for path in (left, right)]
    assert books[0].sheetnames == books[1].sheetnames
    for name in books[0].sheetnames:
        sheets = [book[name] for book in books]
        assert [_cells(ws) for ws in sheets[:1]] == [_cells(ws) for ws in sheets[1:]], name


def _without_format_indexes(xml: bytes) -> bytes:
    return re.sub(rb' s="\d+"', b"", xml)


def _cells(ws: Any) -> list[tuple[Any, ...]]:
    return [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.number_format,
            (cell.font.b, cell.font.sz, cell.font.u, cell.font.color and cell.font.color.rgb),
            (cell.fill.fill_type, cell.fill.fgColor.rgb),
            (cell.alignment.wrap_text, cell.alignment.vertical),
            cell.hyperlink and (cell.hyperlink.target, cell.hyperlink.location),
        )
        for row in ws.iter_rows()
        for cell in row
    ]


@pytest.mark.parametrize("rows_per_chunk", [3, 4096], ids=["短块", "整块"])
def test_write_table_writes_the_parts_xlsxwriter_writes_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows_per_chunk: int
) -> None:
    """Cells, styles, blanks, links, widths and the sheet's dimension are what xlsxwriter writes."""
    monkeypatch.setattr(table_xml, "ROWS_PER_CHUNK", rows_per_chunk)
    n = 40
    link = file_link("annotated/第#1小学.xlsx", "A1", "")
    links = {
        i: reconcile_book._moved(link, f"'Sheet1'!A{i + 2}", str(i + 2)) for i in range(1, n, 2)
    }
    rows, cells = write_both_ways(tmp_path, hostile_columns(n), links)
    assert_same_workbook(rows, cells)


def test_write_table_writes_header_only_table_as_xlsxwriter_does(tmp_path: Path) -> None:
    """A table without rows is a header, frozen and filtered, as before."""
    rows, cells = write_both_ways(tmp_path, hostile_columns(0), {})
    assert_same_workbook(rows, cells)


def test_reconcile_workbook_holds_what_per_cell_writes_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole reconcile.xlsx, links into annotated copies and masking included, is unchanged."""
    from test_workbook import build_inputs, make_result, make_summary, scenario_findings

    from edupoverty.io.loading import load_inputs
    from edupoverty.io.workbook import write_annotated_copies, write_reconcile_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    roster, ledger = build_inputs(folder)
    loaded = load_inputs(roster=[roster], ledger=[ledger])
    result = make_result(scenario_findings())
    out = tmp_path / "out"
    copies = write_annotated_copies(out, loaded, result.findings)
    assert copies, "the scenario links rows into annotated copies"
    summary = make_summary(loaded, result)
    targets = []
    for mask in (False, True):
        for name, writer in (("rows", write_table), ("cells", write_table_cell_by_cell)):
            monkeypatch.setattr(reconcile_book, "write_table", writer)
            target = out / f"{name}-{mask}.xlsx"
            write_reconcile_workbook(target, loaded, result, summary, mask=mask, annotated=copies)
            targets.append(target)
    assert_same_workbook(targets[0], targets[1])
    assert_same_workbook(targets[2], targets[3])


def test_write_table_ignores_links_past_excels_per_sheet_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit a row keeps its number without a link, as xlsxwriter's write_url did."""
    monkeypatch.setattr(streaming, "EXCEL_LINKS_PER_SHEET", 2)
    link = file_link("annotated/学籍.xlsx", "A1", "")
    links = {i: reconcile_book._moved(link, f"'Sheet1'!A{i + 2}", str(i + 2)) for i in range(4)}
    path = tmp_path / "links.xlsx"
    with streaming_workbook(path) as (wb, styles):
        write_table(
            wb.add_worksheet("表"),
            styles,
            [Column("行号", [2, 3, 4, 5], number=True)],
            links=links,
            link_column=0,
        )
    ws = openpyxl.load_workbook(path)["表"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == [2, 3, 4, 5]
    assert [ws.cell(row=r, column=1).hyperlink is not None for r in range(2, 6)] == [
        True,
        True,
        False,
        False,
    ]


def test_write_table_stores_rich_text_lookalike_as_plain_text(tmp_path: Path) -> None:
    """A name written like rich-text XML stays that text (xlsxwriter would copy it raw)."""
    names = ["<r>a<b</r>", "<r><t>x</t></r>"]
    path = tmp_path / "rich.xlsx"
    with streaming_workbook(path) as (wb, styles):
        write_table(wb.add_worksheet("表"), styles, [Column("姓名", names)])
    ws = openpyxl.load_workbook(path)["表"]
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == names


def test_write_table_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    """Text starting with = + - @ is stored as an apostrophe-led string, never a formula."""
    names = ["=1+1", "+1", "-1", "@SUM(A1)"]
    path = tmp_path / "formulas.xlsx"
    with streaming_workbook(path) as (wb, styles):
        write_table(wb.add_worksheet("表"), styles, [Column("姓名", names)])
    ws = openpyxl.load_workbook(path)["表"]
    cells = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.data_type for c in cells] == ["s"] * 4
    assert [c.value for c in cells] == ["'" + v for v in names]
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    ("text", "xml"),
    [
        pytest.param("张伟", "<is><t>张伟</t></is>", id="plain"),
        pytest.param("a&b<c>", "<is><t>a&amp;b&lt;c&gt;</t></is>", id="markup"),
        pytest.param(" 张伟", '<is><t xml:space="preserve"> 张伟</t></is>', id="leading-space"),
        pytest.param(
            "张伟\n", '<is><t xml:space="preserve">张伟\n</t></is>', id="trailing-newline"
        ),
        pytest.param("_x0041_", "<is><t>_x005F_x0041_</t></is>", id="literal-escape"),
        pytest.param(
            "张伟\u3000", '<is><t xml:space="preserve">张伟\u3000</t></is>', id="ideographic-space"
        ),
        pytest.param("a\rb", "<is><t>a_x000D_b</t></is>", id="carriage-return"),
        pytest.param("a\x01b", "<is><t>a_x0001_b</t></is>", id="control-character"),
        pytest.param("\ufffe", "<is><t>_xFFFE_</t></is>", id="non-character"),
    ],
)
def test_inline_string_xml_escapes_as_excel_reads_it(text: str, xml: str) -> None:
    """Markup is escaped, edge spaces preserved, and Excel's _xHHHH_ form kept unambiguous."""
    assert inline_string_xml(text) == xml


def test_inline_string_xml_preserves_exactly_where_xlsxwriter_does() -> None:
    """Whitespace as str.isspace() sees it at either end asks for xml:space="preserve".

    A control character among them is written as _xHHHH_ first, so it no longer ends the
    text with a space, as in xlsxwriter.
    """
    chars = [chr(c) for c in range(0x3100) if chr(c) not in "&<>"]
    escaped = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20))}
    for text in ("x{}", "{}x"):
        preserved = [c for c in chars if "preserve" in inline_string_xml(text.format(c))]
        assert preserved == [c for c in chars if c.isspace() and c not in escaped]


def test_inline_bodies_equal_safe_text_then_escaping_for_every_value() -> None:
    """The plain-text shortcut gives what safe_text and inline_string_xml give, value by value."""
    values: list[object] = [
        *HOSTILE_TEXTS,
        *(f"张{chr(c)}伟" for c in range(0x80)),
        *(f"{chr(c)}张伟" for c in range(0x80)),
        "\u3000张伟",
        "中" * 16_383,
        "中" * 16_384,
        "😀" * 16_384,
        "x" * 32_768,
        57,
        12.5,
        "_x00e9_",
    ]
    expected = [
        None if v is None or not safe_text(v) else inline_string_xml(safe_text(v)) for v in values
    ]
    assert inline_bodies(values) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf")], ids=["NaN", "无穷"])
def test_number_tails_refuses_a_number_excel_cannot_hold(bad: float) -> None:
    """NaN or infinity would write "NAN" into the sheet; it is refused as xlsxwriter refuses it."""
    with pytest.raises(ValueError, match="NaN or infinity"):
        number_tails([1.0, bad], [None, None])
