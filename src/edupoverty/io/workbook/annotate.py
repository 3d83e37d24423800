"""Hand the clerk's own files back with every problem marked: ``annotated/<stem>.核查.xlsx``.

Each copy has the same sheets, rows and row numbers as the original (row 57 in the copy
is row 57 in the file the clerk sent), the offending cell of each finding filled by
severity with an Excel comment stating the finding, and a 核查结果 column appended after
the last used column. ``.xlsx`` inputs are patched (``xlsx_patch``: only what changes is
rewritten, issue 7) so their formatting is kept, or opened with openpyxl when the patcher
declines the file; ``.xls`` and ``.csv`` inputs become ``.xlsx`` written by xlsxwriter.
The input is never modified: every copy is written through ``atomic_write``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from edupoverty.core import columns as C  # noqa: N812 - the package's one short name for column constants
from edupoverty.core.errors import EdupovError
from edupoverty.core.findings import RuleSpec
from edupoverty.core.normalise.ids import mask_account, mask_id, mask_ids_in_text
from edupoverty.i18n import t
from edupoverty.io.loading import FileReport, LoadedInputs
from edupoverty.io.readers.csv import CSV_SUFFIXES, read_csv
from edupoverty.io.readers.excel import read_excel
from edupoverty.io.readers.frames import SheetResult
from edupoverty.io.readers.header import HeaderLayout
from edupoverty.io.readers.raw import RawSheet
from edupoverty.io.workbook.styles import (
    FORMULA_TRIGGERS,
    HEADER_FILL,
    HEADER_FONT,
    ID_FORMAT,
    XLSXWRITER_OPTIONS,
    column_widths,
    display_width,
    safe_comment,
    safe_text,
    severity_fill,
    severity_rank,
    xlsxwriter_formats,
)
from edupoverty.io.writers.atomic import atomic_write

log = logging.getLogger(__name__)

ANNOTATED_DIR: Final = "annotated"
ANNOTATED_SUFFIX: Final = ".核查.xlsx"
COMMENT_AUTHOR: Final = "edupov"

MARK_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "INVALID_ID": (C.ID_RAW, C.STUDENT_NO, C.NAME),
    "ID_NUMBER_MANGLED": (C.ID_RAW, C.STUDENT_NO, C.NAME),
    "PROBABLE_MATCH": (C.ID_RAW, C.STUDENT_NO, C.NAME),
    "IDENTITY_CONFLICT": (C.NAME, C.ID_RAW),
    "AMOUNT_MISMATCH": (C.AMOUNT_RAW, C.NAME),
    "MISSED_AID": (C.NAME, C.ID_RAW),
    "NOT_ENROLLED": (C.NAME, C.ID_RAW),
    "DUPLICATE_ENROLLMENT": (C.NAME, C.ID_RAW),
    "DUPLICATE_AID": (C.PROGRAM_RAW, C.AMOUNT_RAW, C.NAME),
    "INELIGIBLE_AID": (C.PROGRAM_RAW, C.AMOUNT_RAW, C.NAME),
    "PAID_NOT_ENROLLED": (C.PROGRAM_RAW, C.AMOUNT_RAW, C.NAME),
}
"""Which cell of the located row a rule marks: the first of these columns the sheet has."""

FALLBACK_COLUMNS: Final = (C.NAME, C.ID_RAW, C.STUDENT_NO)
"""Columns tried for a rule code missing from ``MARK_COLUMNS``."""

ID_COLUMNS: Final = (C.ID_RAW, C.STUDENT_NO)
ACCOUNT_COLUMNS: Final = (C.ACCOUNT,)
# Headers of person numbers the alias table does not map (a guardian's 身份证号 under 监护人,
# a 持卡人 card): under --mask they are masked too, since they are just as sensitive.
_ID_HEADER_WORDS: Final = ("身份证", "证件号")
_ACCOUNT_HEADER_WORDS: Final = ("卡号", "账号", "帐号", "存折")

# Plain decimals written back as numbers in converted copies; longer digit runs (IDs, bank
# cards, phone numbers) and codes with leading zeros (0099) stay text.
_NUMBER: Final = re.compile(r"^-?(0|[1-9]\d{0,9})(\.\d+)?$")

_FORBIDDEN_IN_SHEET_NAME: Final = re.compile(r"[\[\]:*?/\\]")


class AnnotatedCopies(dict[str, Path]):
    """Input file name → annotated copy, plus the files left without a copy and why."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, str] = {}
        """Input file name → a sentence saying why no copy was made."""


@dataclass
class _CellMark:
    severity: str = "low"
    lines: list[str] = field(default_factory=list)


@dataclass
class _SheetPlan:
    """What to do to one sheet: cells to fill and comment, result texts, columns to mask."""

    cells: dict[tuple[int, int], _CellMark] = field(default_factory=dict)
    """(Excel row, layout position) → fill and comment."""
    results: dict[int, list[str]] = field(default_factory=dict)
    """Excel row → rule titles for the 核查结果 column."""
    row_severity: dict[int, str] = field(default_factory=dict)
    """Excel row → the highest severity marked on it."""
    id_positions: set[int] = field(default_factory=set)
    account_positions: set[int] = field(default_factory=set)


def annotated_name(file_name: str) -> str:
    """Return the annotated copy's file name: ``城关镇中心小学学籍.xlsx`` → ``城关镇中心小学学籍.核查.xlsx``."""
    return Path(file_name).stem + ANNOTATED_SUFFIX


def copy_sheet_name(file_name: str, sheet: str) -> str:
    """Return the sheet name a row lives under in the annotated copy (a CSV gets its stem)."""
    if sheet:
        return sheet
    stem = _FORBIDDEN_IN_SHEET_NAME.sub("_", Path(file_name).stem).strip("'") or "Sheet1"
    return stem[:31]


def rule_specs() -> list[RuleSpec]:
    """Return every rule's metadata in the SPEC's order (the order of sheets and rows)."""
    from edupoverty.rules import ALL_RULES

    return [rule.RULE for rule in ALL_RULES]


def rule_titles() -> dict[str, str]:
    """Return rule code → title (in the current language) for every registered rule."""
    return {spec.code: spec.title for spec in rule_specs()}


def location_text(file: str, sheet: str, row: object) -> str:
    """Return where a row lives, as a clerk reads it: ``学籍.xlsx「Sheet1」第57行``."""
    if sheet:
        return t("workbook.location", file=file, sheet=sheet, row=row)
    return t("workbook.location_csv", file=file, row=row)


def split_ref(ref: str) -> tuple[str, str, str, int] | None:
    """Return (source, file, sheet, row) of one ``source:file:sheet:row`` reference, or None."""
    source, sep, rest = ref.strip().partition(":")
    parts = rest.rsplit(":", 2)
    if not sep or len(parts) != 3 or not parts[2].strip().isdigit():
        return None
    return source, parts[0], parts[1], int(parts[2])


def build_marks(findings: pd.DataFrame, *, mask: bool = False) -> pd.DataFrame:
    """Return one mark per finding location and per related row, with its comment line.

    Args:
        findings: a findings frame (``FINDING_COLUMNS``: rule, severity, file, sheet, row,
            message, related are read).
        mask: mask ID and account numbers inside the messages.

    Returns:
        A frame with columns ``file, sheet, row, rule, severity, title, text``; a related
        row's text says where the finding itself is recorded.
    """
    columns = ["file", "sheet", "row", "rule", "severity", "title", "text"]
    if findings.empty:
        return pd.DataFrame(columns=columns)
    titles = rule_titles()
    records: list[tuple[str, str, int, str, str, str, str]] = []
    frame = findings[[C.FILE, C.SHEET, C.ROW, "rule", "severity", "message", "related"]].astype(
        object
    )
    frame = frame.where(frame.notna(), None)
    for file, sheet, row, rule, severity, message, related in frame.itertuples(
        index=False, name=None
    ):
        title = titles.get(rule, rule)
        text = mask_ids_in_text(message or "") if mask else (message or "")
        sheet = sheet or ""
        if row is not None:
            records.append(
                (
                    file,
                    sheet,
                    int(row),
                    rule,
                    severity,
                    title,
                    t("workbook.comment.finding", title=title, message=text),
                )
            )
        for ref in (related or "").split(";"):
            parsed = split_ref(ref) if ref.strip() else None
            if parsed is None:
                continue
            _source, r_file, r_sheet, r_row = parsed
            where = location_text(file, sheet, "" if row is None else int(row))
            line = t("workbook.comment.related", title=title, message=text, where=where)
            records.append((r_file, r_sheet, r_row, rule, severity, title, line))
    return pd.DataFrame.from_records(records, columns=columns)


def _positions(layout: HeaderLayout) -> dict[str, int]:
    return {column: pos for pos, column in layout.mapping.items()}


def _plan_sheet(result: SheetResult, marks: pd.DataFrame, *, mask: bool) -> _SheetPlan:
    """Return the plan of one sheet: which cell each mark fills, and the columns to mask."""
    assert result.layout is not None
    layout = result.layout
    where = _positions(layout)
    plan = _SheetPlan()
    for rule, sheet_marks in marks.groupby("rule", sort=False):
        wanted = MARK_COLUMNS.get(str(rule), FALLBACK_COLUMNS)
        pos = next((where[c] for c in wanted if c in where), min(layout.mapping, default=0))
        # Plain lists: selecting columns of a small arrow-backed frame per rule cost a county
        # more than the patching itself (issue 7).
        columns = [sheet_marks[c].tolist() for c in ("row", "severity", "title", "text")]
        for row, severity, title, text in zip(*columns, strict=True):
            mark = plan.cells.setdefault((int(row), pos), _CellMark(severity=str(severity)))
            if severity_rank(str(severity)) > severity_rank(mark.severity):
                mark.severity = str(severity)
            if text not in mark.lines:
                mark.lines.append(str(text))
            titles = plan.results.setdefault(int(row), [])
            if title not in titles:
                titles.append(str(title))
            if severity_rank(str(severity)) > severity_rank(plan.row_severity.get(int(row), "")):
                plan.row_severity[int(row)] = str(severity)
    if mask:
        plan.id_positions = {where[c] for c in ID_COLUMNS if c in where}
        plan.account_positions = {where[c] for c in ACCOUNT_COLUMNS if c in where}
        for pos, label in enumerate(layout.labels):
            if pos in plan.id_positions or pos in plan.account_positions:
                continue
            if any(w in label for w in _ID_HEADER_WORDS):
                plan.id_positions.add(pos)
            elif any(w in label for w in _ACCOUNT_HEADER_WORDS):
                plan.account_positions.add(pos)
    return plan


def _masked(value: object, pos: int, plan: _SheetPlan) -> object:
    if value is None or value == "":
        return value
    if pos in plan.id_positions:
        return mask_id(str(value))
    if pos in plan.account_positions:
        return mask_account(str(value))
    return value


def comment_text(lines: Sequence[str]) -> str:
    """Return the text of a cell comment holding ``lines``, made safe by ``safe_comment``.

    Every way a copy is made goes through here: a comment over 32,767 characters was
    written whole by openpyxl and the patcher (Excel reports such a file as damaged) and
    silently dropped by xlsxwriter (issue 8).
    """
    return safe_comment("\n".join(lines))


def _comment_size(lines: Sequence[str]) -> tuple[int, int]:
    """Return (width, height) in points for a comment box that shows all its lines."""
    width = min(400, max(200, max(display_width(line) for line in lines) * 6))
    chars_per_line = max(1, width // 6)
    height = sum(1 + display_width(line) // chars_per_line for line in lines) * 16 + 16
    return width, min(height, 400)


def write_annotated_copies(
    out_dir: Path,
    loaded: LoadedInputs,
    findings: pd.DataFrame,
    *,
    annotate_all: bool = False,
    mask: bool = False,
    max_rows: int = 200_000,
    inputs: Iterable[Path] = (),
    encoding: str | None = None,
) -> AnnotatedCopies:
    """Write ``out_dir/annotated/<stem>.核查.xlsx`` for every input file with findings.

    Args:
        out_dir: the run's output folder; copies go in its ``annotated`` folder.
        loaded: what ``load_inputs`` returned (files, sheets and their header layouts).
        findings: the findings frame (``FINDING_COLUMNS``); each finding's ``file, sheet,
            row`` names the row marked, and its ``related`` rows are marked too.
        annotate_all: copy files without findings as well (``--annotate-all``).
        mask: mask ID and bank-account cells, and numbers inside comments (``--mask``).
        max_rows: files with more data rows than this are skipped with a note, rather than
            loading an enormous object model.
        inputs: further paths that must never be overwritten.
        encoding: the CSV encoding the inputs were read with (``--encoding``), so a CSV
            is read again the same way for its copy; None detects it as ``load_inputs`` does.

    Returns:
        Input file name → annotated copy path; ``.skipped`` says which files got no copy.

    Raises:
        OutputError: an output path is an input path, or the folder cannot be written.
    """
    marks = build_marks(findings, mask=mask)
    by_file = {str(k): g for k, g in marks.groupby("file", sort=False)}
    protected = [*inputs, *(r.path for r in loaded.files)]
    copies = AnnotatedCopies()
    used_names: set[str] = set()
    for report in loaded.files:
        file_marks = by_file.get(report.file)
        if file_marks is None and not annotate_all:
            continue
        if report.file in copies or report.file in copies.skipped:
            copies.skipped.setdefault(
                report.file, t("workbook.skipped_same_name", file=report.file)
            )
            continue
        if report.rows_read > max_rows:
            copies.skipped[report.file] = t(
                "workbook.skipped_huge", file=report.file, rows=report.rows_read, limit=max_rows
            )
            log.info(copies.skipped[report.file])  # the CLI prints the note itself
            continue
        name = annotated_name(report.file)
        if name in used_names:
            name = Path(report.file).name + ANNOTATED_SUFFIX
        used_names.add(name)
        target = out_dir / ANNOTATED_DIR / name
        empty = marks.iloc[0:0]
        try:
            if report.path.suffix.lower() in {".xlsx", ".xlsm"}:
                _annotate_xlsx(
                    report, file_marks if file_marks is not None else empty, target, mask, protected
                )
            else:
                _convert_and_annotate(
                    report,
                    file_marks if file_marks is not None else empty,
                    target,
                    mask,
                    protected,
                    encoding,
                )
        # A copy is best effort: openpyxl meets damage calamine read past (a ParseError in
        # styles.xml, no visible sheet, a bad zip member; found by fuzzing, issue 8) with
        # exceptions of every kind, and the file then simply gets no copy, with a note.
        except Exception as exc:
            if isinstance(exc, EdupovError) and any(
                d.code.startswith("write.") for d in exc.details
            ):
                raise
            copies.skipped[report.file] = t(
                "workbook.skipped_unreadable", file=report.file, detail=str(exc)[:120]
            )
            log.info(copies.skipped[report.file])  # the CLI prints the note itself
            continue
        copies[report.file] = target
    return copies


def _marks_by_sheet(marks: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {str(k): g for k, g in marks.groupby("sheet", sort=False)}


def _annotate_xlsx(
    report: FileReport, marks: pd.DataFrame, target: Path, mask: bool, protected: list[Path]
) -> None:
    """Annotate an .xlsx (formatting kept) into ``target``: patch its package, streaming
    (issue 7), or load it with openpyxl when the patcher declines the package."""
    # Imported here: xlsx_patch builds on this module's plan and helpers.
    from edupoverty.io.workbook.xlsx_patch import PatchDeclinedError, SheetEdits, patch_xlsx

    per_sheet = _marks_by_sheet(marks)
    edits = [
        SheetEdits(
            r.sheet, r.layout, _plan_sheet(r, per_sheet.get(r.sheet, marks.iloc[0:0]), mask=mask)
        )
        for r in report.sheets
        if r.layout is not None
    ]
    try:
        patch_xlsx(report.path, target, edits, protected)
        return
    except PatchDeclinedError as exc:
        log.info("%s: %s; annotating with openpyxl instead", report.file, exc)
    wb = openpyxl.load_workbook(report.path, rich_text=True)
    defuse_cells(wb, report.path)
    for result in report.sheets:
        if result.layout is None or result.sheet not in wb.sheetnames:
            continue
        ws = wb[result.sheet]
        sheet_marks = per_sheet.get(result.sheet, marks.iloc[0:0])
        plan = _plan_sheet(result, sheet_marks, mask=mask)
        _apply_plan(ws, result.layout, plan)
    with atomic_write(target, protected) as tmp:
        wb.save(tmp)


def defuse_cells(wb: Any, path: Path) -> None:
    """Make every cell of a copy inert before it is written (issue #8).

    Text a spreadsheet program would run (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``,
    ``@SUM(A1)``) goes through ``safe_text``, as in the converted copies; a plain signed
    number kept as text (``-500``) stays as it is. A formula in the clerk's file becomes
    the value Excel last showed for it, read with ``data_only``; with no such value it
    becomes its own text. The copy shows what the original showed and runs nothing.

    Args:
        wb: the workbook loaded from ``path`` (changed in place).
        path: the original file, read again for cached values only when it has formulas.
    """
    formulas: list[tuple[str, Any]] = []
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            value = cell.value
            if cell.data_type == "f":
                formulas.append((ws.title, cell))
            elif (
                isinstance(value, str | CellRichText)
                and str(value).startswith(FORMULA_TRIGGERS)
                and not _NUMBER.match(str(value))
            ):
                cell.value = safe_text(str(value))
                cell.data_type = "s"
    if not formulas:
        return
    shown = openpyxl.load_workbook(path, data_only=True)
    for title, cell in formulas:
        cached = shown[title]._cells.get((cell.row, cell.column))
        value = None if cached is None else cached.value
        if value is None or isinstance(value, str):
            text = value if value is not None else getattr(cell.value, "text", cell.value)
            cell.value = safe_text(text)
            cell.data_type = "s"
        else:
            cell.value = value
    shown.close()


def _last_used_column(ws: Any) -> int:
    # ws.max_column also counts cells that only carry formatting (a coloured empty column
    # from the exporting template), and the result column must sit next to the data.
    return max((c for (_r, c), cell in ws._cells.items() if cell.value is not None), default=0)


def column_offset(ws: Any, layout: HeaderLayout) -> int:
    """Return how many leading columns the reader dropped: Excel column = position + offset + 1.

    fastexcel starts a sheet at its first non-empty column, so a sheet whose data begins
    in column C has layout position 0 at Excel column 3; the offset is found by matching
    the layout's header texts against the header row(s) of the original.
    """
    return header_offset(layout, lambda row, col: getattr(ws._cells.get((row, col)), "value", None))


def header_offset(layout: HeaderLayout, value_at: Callable[[int, int], object]) -> int:
    """Return the column offset whose header cells (``value_at(row, column)``) match the layout's."""
    rows = [h + 1 for h in layout.header_rows]
    labels = [(pos, label) for pos, label in enumerate(layout.labels) if label]
    best, best_score = 0, -1
    for offset in range(0, 40):
        score = 0
        for pos, label in labels:
            texts = set()
            for r in rows:
                value = value_at(r, pos + offset + 1)
                if value is not None:
                    texts.add(str(value).strip())
            if label in texts or label.rsplit("/", 1)[-1] in texts:
                score += 1
        if score > best_score:
            best, best_score = offset, score
        if score == len(labels):
            break
    return best


def _target_cell(ws: Any, row: int, column: int) -> Any:
    cell = ws.cell(row=row, column=column)
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if cell.coordinate in rng:
                return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell


def _apply_plan(ws: Any, layout: HeaderLayout, plan: _SheetPlan) -> None:
    """Fill and comment the marked cells of an openpyxl sheet and append the result column."""
    offset = column_offset(ws, layout)
    result_column = _last_used_column(ws) + 1
    header_row = max(layout.header_rows) + 1
    if plan.id_positions or plan.account_positions:
        _mask_sheet(ws, layout, plan, offset)
    for (row, pos), mark in plan.cells.items():
        cell = _target_cell(ws, row, pos + offset + 1)
        cell.fill = severity_fill(mark.severity)
        lines = list(mark.lines)
        if cell.comment is not None and cell.comment.text:
            lines.insert(0, str(cell.comment.text))
        width, height = _comment_size(lines)
        cell.comment = Comment(comment_text(lines), COMMENT_AUTHOR, height=height, width=width)
    header = ws.cell(row=header_row, column=result_column)
    header.value = safe_text(t("workbook.result_column"))
    header.font = HEADER_FONT
    header.fill = HEADER_FILL
    for row, titles in plan.results.items():
        cell = ws.cell(row=row, column=result_column)
        cell.value = safe_text("、".join(titles))
        cell.data_type = "s"
        cell.fill = severity_fill(plan.row_severity[row])
    letter = get_column_letter(result_column)
    widest = max((display_width("、".join(v)) for v in plan.results.values()), default=8)
    ws.column_dimensions[letter].width = min(60, max(10, widest + 2))


def _mask_sheet(ws: Any, layout: HeaderLayout, plan: _SheetPlan, offset: int) -> None:
    """Replace ID and account cells below the header with their masked text."""
    first = layout.data_start + 1
    positions = {pos + offset + 1: pos for pos in plan.id_positions | plan.account_positions}
    for (row, col), cell in ws._cells.items():
        pos = positions.get(col)
        if pos is None or row < first or cell.value is None or isinstance(cell, MergedCell):
            continue
        cell.value = safe_text(_masked(cell.value, pos, plan))
        cell.data_type = "s"
        cell.number_format = ID_FORMAT


def _read_raw(report: FileReport, encoding: str | None) -> list[RawSheet]:
    if report.path.suffix.lower() in CSV_SUFFIXES:
        return [read_csv(report.path, encoding)]
    raws, _skipped = read_excel(report.path)
    return raws


def _convert_and_annotate(
    report: FileReport,
    marks: pd.DataFrame,
    target: Path,
    mask: bool,
    protected: list[Path],
    encoding: str | None,
) -> None:
    """Rewrite an .xls or .csv input as .xlsx (same rows and row numbers), annotated."""
    raws = _read_raw(report, encoding)
    results = {r.sheet: r for r in report.sheets if r.layout is not None}
    per_sheet = _marks_by_sheet(marks)
    with atomic_write(target, protected) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {**XLSXWRITER_OPTIONS, "constant_memory": True})
        try:
            formats = xlsxwriter_formats(workbook)
            for raw in raws:
                ws = workbook.add_worksheet(copy_sheet_name(report.file, raw.sheet))
                result = results.get(raw.sheet)
                plan = _SheetPlan()
                header_row: int | None = None
                if result is not None and result.layout is not None:
                    plan = _plan_sheet(result, per_sheet.get(raw.sheet, marks.iloc[0:0]), mask=mask)
                    header_row = max(result.layout.header_rows) + raw.first_row_number
                _write_raw_sheet(ws, raw, plan, header_row, formats)
        finally:
            workbook.close()


def _write_raw_sheet(
    ws: Any, raw: RawSheet, plan: _SheetPlan, header_row: int | None, formats: dict[str, Any]
) -> None:
    """Stream one sheet's cells in row order, with fills, comments and the result column."""
    cells = raw.cells
    n_cols = cells.shape[1]
    values = cells.astype(object).where(cells.notna(), None).to_numpy().tolist()
    widths = column_widths([], values[:200])
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.set_column(n_cols, n_cols, 24)
    if header_row is not None:
        ws.freeze_panes(header_row, 0)
    masked_positions = plan.id_positions | plan.account_positions
    for i, row_values in enumerate(values):
        excel_row = i + raw.first_row_number
        r = excel_row - 1
        for pos, value in enumerate(row_values):
            mark = plan.cells.get((excel_row, pos))
            if header_row is not None and excel_row > header_row and pos in masked_positions:
                value = _masked(value, pos, plan)
            _write_value(ws, r, pos, value, mark, formats, as_text=pos in masked_positions)
            if mark is not None:
                width, height = _comment_size(mark.lines)
                ws.write_comment(
                    r,
                    pos,
                    comment_text(mark.lines),
                    {"author": COMMENT_AUTHOR, "width": width * 4 // 3, "height": height * 4 // 3},
                )
        if header_row is not None and excel_row == header_row:
            ws.write_string(r, n_cols, safe_text(t("workbook.result_column")), formats["header"])
        titles = plan.results.get(excel_row)
        if titles:
            ws.write_string(
                r, n_cols, safe_text("、".join(titles)), formats[plan.row_severity[excel_row]]
            )


def _write_value(
    ws: Any,
    r: int,
    c: int,
    value: object,
    mark: _CellMark | None,
    formats: dict[str, Any],
    *,
    as_text: bool,
) -> None:
    if value is None or value == "":
        if mark is not None:
            ws.write_blank(r, c, None, formats[mark.severity])
        return
    text = str(value)
    if not as_text and _NUMBER.match(text):
        ws.write_number(
            r, c, float(text), formats[mark.severity + "_number"] if mark else formats["number"]
        )
    else:
        ws.write_string(r, c, safe_text(text), formats[mark.severity] if mark else formats["text"])
