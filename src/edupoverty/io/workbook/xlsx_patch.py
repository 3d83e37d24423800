"""Annotated copies of .xlsx/.xlsm inputs made by patching the package, never by loading it.

Loading a county's workbooks into openpyxl and saving them again took three minutes
(issue 7). The patcher copies every member of the clerk's file as it is and rewrites only
what the plan touches: the rows holding a marked cell, the header row, the style sheet
(one cloned cell format per original format and severity), the comments and their VML
drawing, the relationships and content types, and the shared strings when IDs are masked
or a string would run as a formula. Sheet XML is streamed (``xlsx_sheet``); nothing holds
a workbook's object model.

What it does not recognise (strict OOXML, rows or cells without ``r``, a drawing with form
controls, a DTD) raises ``PatchDeclinedError`` before anything is written, and the caller
falls back to openpyxl.
"""

from __future__ import annotations

import re
import shutil
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from openpyxl.utils import get_column_letter

from edupoverty.core.normalise.ids import mask_id
from edupoverty.i18n import t
from edupoverty.io.readers.header import HeaderLayout
from edupoverty.io.workbook.annotate import _NUMBER, _SheetPlan, header_offset
from edupoverty.io.workbook.styles import FORMULA_TRIGGERS, display_width, safe_text, severity_rank
from edupoverty.io.workbook.xlsx_cells import CellEdit, CellRules, cell_texts, rebuild_row
from edupoverty.io.workbook.xlsx_comments import comments_xml, merge_notes, vml_blocks, vml_xml
from edupoverty.io.workbook.xlsx_parts import (
    COMMENTS_REL,
    COMMENTS_TYPE,
    MAIN_NS,
    REL_NS,
    VML_REL,
    VML_TYPE,
    XLSX_MAIN_TYPE,
    PatchDeclinedError,
    Rel,
    SharedStrings,
    StyleBook,
    attrs_of,
    decode,
    edit_content_types,
    edit_rels,
    free_rel_id,
    read_rels,
    relative,
    rels_name,
    unescape,
)
from edupoverty.io.workbook.xlsx_sheet import (
    IN_MEMORY,
    SheetSource,
    Survey,
    edit_head,
    edit_tail,
    rewrite_sheet,
)
from edupoverty.io.writers.atomic import atomic_write

__all__ = ["PatchDeclinedError", "SheetEdits", "patch_xlsx"]

COMPRESS_LEVEL: Final = 1
"""zlib level of the copy's members. On a 50,000-pupil county level 1 writes in half the
CPU time of zlib's default 6 (0.7 s against 1.5 s) for copies a quarter larger (11 MB
against 9 MB); a clerk's copy is opened once, so speed wins (issue 7)."""
KEEP_INFLATED: Final = 256 << 20
"""Inflated sheet XML kept in memory between the two passes, over all sheets of a file."""
_SMALL_PART: Final = 64 << 20
_READ_ERRORS: Final = (
    zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError, KeyError, IndexError,
)  # fmt: skip
_SST_TRIGGER: Final = re.compile(
    rb"<si>\s*(?:<r>\s*(?:<rPr>.*?</rPr>\s*)?)?<t(?:\s[^>]*)?>["
    + re.escape("".join(FORMULA_TRIGGERS).encode())
    + rb"]",
    re.S,
)


@dataclass(frozen=True)
class SheetEdits:
    """One sheet of the input and what to do to it."""

    sheet: str
    layout: HeaderLayout
    plan: _SheetPlan


@dataclass
class _Job:
    """One sheet being patched: the survey, then the rebuilt pieces."""

    edits: SheetEdits
    member: str
    source: SheetSource
    survey: Survey
    rules: CellRules
    offset: int
    rows: dict[int, bytes] = field(default_factory=dict)
    new_rows: dict[int, bytes] = field(default_factory=dict)
    head: bytes = b""
    tail: bytes = b""


def patch_xlsx(
    source: Path, target: Path, sheets: Sequence[SheetEdits], protected: Sequence[Path]
) -> None:
    """Write the annotated copy of an .xlsx/.xlsm to ``target`` by patching its package.

    Args:
        source: the clerk's file (never modified).
        target: the copy's path, written through ``atomic_write``.
        sheets: per sheet with a header, its layout and plan.
        protected: paths the copy must never overwrite.

    Raises:
        PatchDeclinedError: the package holds something the patcher does not rewrite; nothing
            was written and the openpyxl path should make the copy.
        OutputError: ``target`` is an input, or the copy could not be written.
    """
    try:
        src = zipfile.ZipFile(source)
    except (OSError, *_READ_ERRORS) as exc:
        raise PatchDeclinedError(f"not a readable zip: {exc}") from exc
    with src:
        try:
            patch = _Patch(src)
            jobs = [job for edit in sheets if (job := patch.survey(edit)) is not None]
            patch.finish(jobs)
        except _READ_ERRORS as exc:
            raise PatchDeclinedError(f"{type(exc).__name__}: {exc}") from exc
        with atomic_write(target, protected) as tmp:
            try:
                patch.write(tmp, jobs)
            except _READ_ERRORS as exc:
                raise PatchDeclinedError(f"{type(exc).__name__}: {exc}") from exc


class _Patch:
    """The package being patched: its map of parts, and every part that will change."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        infos = zf.infolist()
        self.names = {i.filename for i in infos}
        if len(self.names) != len(infos):
            raise PatchDeclinedError("duplicate members")
        self.replaced: dict[str, bytes] = {}
        self.dropped: set[str] = set()
        self.added: dict[str, bytes] = {}
        self.overrides: dict[str, str] = {}
        self._cached = 0
        self._blocks = {
            b for n in self.names if n.endswith(".vml") for b in vml_blocks(self._read(n))
        }
        root = {r.type: r.target for r in read_rels(self._text("_rels/.rels"), "")}
        self.workbook = root.get(REL_NS + "/officeDocument", "")
        book = self._text(self.workbook)
        root_tag = re.search(r"<([\w.-]+:)?workbook\b([^>]*)>", book)
        if root_tag is None or root_tag[1] or f'xmlns="{MAIN_NS}"' not in root_tag[2]:
            raise PatchDeclinedError("not a transitional workbook")
        self.book_rels = read_rels(self._text(rels_name(self.workbook)), self.workbook)
        by_id = {r.id: r for r in self.book_rels}
        self.sheets: dict[str, str] = {}
        for tag in re.findall(r"<sheet\b[^>]*>", book):
            rid = next((v for k, v in attrs_of(tag).items() if k.endswith(":id")), "")
            rel = by_id.get(rid)
            if rel is not None and rel.type == REL_NS + "/worksheet":
                self.sheets[unescape(attrs_of(tag).get("name", ""))] = rel.target
        types = {r.type.rsplit("/", 1)[-1]: r.target for r in self.book_rels}
        self.styles = StyleBook(self._text(types.get("styles", "")))
        self.styles_part = types["styles"]
        self.strings_part = types.get("sharedStrings")
        self._strings: SharedStrings | None = None

    def _read(self, name: str) -> bytes:
        if self.zf.getinfo(name).file_size > _SMALL_PART:
            raise PatchDeclinedError(f"{name} is too large for a small part")
        return self.zf.read(name)

    def _text(self, name: str) -> str:
        if name not in self.names:
            raise PatchDeclinedError(f"{name or 'a required part'} is missing")
        return decode(self._read(name), name)

    def strings(self) -> SharedStrings:
        """Return the shared-string table (read on first use)."""
        if self._strings is None:
            if self.strings_part is None or self.strings_part not in self.names:
                raise PatchDeclinedError("cells refer to a missing shared-string table")
            data = self.zf.read(self.strings_part)
            if b"<!DOCTYPE" in data[:4096]:
                raise PatchDeclinedError("sharedStrings.xml declares a DTD")
            self._strings = SharedStrings(data)
        return self._strings

    def survey(self, edits: SheetEdits) -> _Job | None:
        """Read one sheet once: its header cells, the rows the plan touches, its extent."""
        member = self.sheets.get(edits.sheet)
        if member is None:
            return None
        layout, plan = edits.layout, edits.plan
        first = layout.data_start + 1
        header_rows = sorted({h + 1 for h in layout.header_rows})
        wanted = {*header_rows, *(r for r, _p in plan.cells), *plan.results}
        masked = plan.id_positions | plan.account_positions
        if masked:
            wanted.update(range(1, first))
        size = self.zf.getinfo(member).file_size
        keep = size <= IN_MEMORY and self._cached + size <= KEEP_INFLATED
        self._cached += size if keep else 0
        source = SheetSource(self.zf, member, keep)
        survey = Survey(sorted(wanted))
        offset: int | None = None
        letters: list[str] = []
        for kind, data in source.parts():
            if kind == "head":
                survey.feed_head(data, member)
            elif kind == "rows":
                survey.feed_rows(data, member)
                if offset is None:
                    offset = header_offset(layout, self._header_lookup(survey, header_rows))
                    letters = [get_column_letter(p + offset + 1) for p in sorted(masked)]
                if letters:
                    survey.collect_strings(data, letters, first)
            else:
                survey.feed_tail(data)
        rules = CellRules(tuple(letters), first)
        return _Job(edits, member, source, survey, rules, offset or 0)

    def _header_lookup(self, survey: Survey, rows: list[int]) -> Callable[[int, int], str | None]:
        """Return (row, column) → text of the header rows' cells (shared strings resolved)."""
        cells = {
            (row, col): text
            for row in rows
            for col, text in cell_texts(survey.rows.get(row, b""), self._shared_text).items()
        }
        return lambda row, col: cells.get((row, col))

    def _shared_text(self, index: int) -> str:
        return self.strings().text(index)

    def finish(self, jobs: list[_Job]) -> None:
        """Decide every changed part: rows, heads and tails, styles, strings, comments, types."""
        masked: set[int] = set()
        for job in jobs:
            masked |= job.survey.strings
        texts = self._string_texts(masked)
        for job in jobs:
            self._finish_sheet(job, masked)
        self.replaced[self.styles_part] = self.styles.xml().encode()
        if texts:
            assert self.strings_part is not None
            self.replaced[self.strings_part] = self.strings().rewritten(texts)
        self._drop_calc_chain_and_macros()

    def _string_texts(self, masked: set[int]) -> dict[int, str]:
        """Shared strings to replace: masked IDs, and text a spreadsheet would run (issue #8)."""
        texts = {i: safe_text(mask_id(self.strings().text(i))) for i in masked}
        if self.strings_part is None or self.strings_part not in self.names:
            return texts
        table = self.strings()
        for m in _SST_TRIGGER.finditer(table.data):
            index = table.index_at(m.start())
            text = table.text(index)
            if index not in texts and not _NUMBER.match(text):
                texts[index] = safe_text(text)
        return texts

    def _finish_sheet(self, job: _Job, masked: set[int]) -> None:
        """Rebuild the rows the plan touches, the head and the tail; add the comments."""
        survey, plan, layout = job.survey, job.edits.plan, job.edits.layout
        result_col = survey.max_col + 1
        header_row = max(layout.header_rows) + 1
        edits: dict[int, dict[int, CellEdit]] = {}
        marks: dict[tuple[int, int], tuple[str, list[str]]] = {}
        for (row, pos), mark in plan.cells.items():
            cell = survey.top_left(row, pos + job.offset + 1)
            severity, lines = marks.get(cell, (mark.severity, []))
            if severity_rank(mark.severity) > severity_rank(severity):
                severity = mark.severity
            marks[cell] = (severity, lines + [x for x in mark.lines if x not in lines])
        for (row, col), (severity, _lines) in marks.items():
            edits.setdefault(row, {})[col] = CellEdit(self._fill(severity))
        header_text = safe_text(t("workbook.result_column"))
        edits.setdefault(header_row, {})[result_col] = CellEdit(self.styles.header, header_text)
        for row, titles in plan.results.items():
            style = self._fill(plan.row_severity[row])
            edits.setdefault(row, {})[result_col] = CellEdit(style, safe_text("、".join(titles)))
        looked = set(survey.wanted)
        missing = sorted(r for r in edits if r not in survey.rows and r not in looked)
        if missing:  # a merged range moved a mark to a row the survey did not keep
            extra = Survey(missing)
            for kind, data in job.source.parts():
                if kind == "rows":
                    extra.feed_rows(data, job.member)
            survey.rows.update(extra.rows)
        above = set(range(1, job.rules.first_data_row)) if masked else set()
        for row in sorted(set(edits) | (above & set(survey.rows))):
            original = survey.rows.get(row)
            rebuilt = rebuild_row(
                row,
                job.rules.apply(original) if original is not None else None,
                edits.get(row, {}),
                self._original_text(masked) if row in above else None,
            )
            (job.rows if original is not None else job.new_rows)[row] = rebuilt
        widest = max((display_width("、".join(v)) for v in plan.results.values()), default=8)
        last_row = max([survey.last_row, *job.new_rows])
        job.head = edit_head(survey.head, result_col, float(min(60, max(10, widest + 2))), last_row)
        job.tail = survey.tail
        if marks:
            self._comment(job, marks)

    def _original_text(self, masked: set[int]) -> Callable[[int], str | None]:
        """Return the unmasked text of a masked shared string, for the rows above the data."""
        return lambda i: self.strings().text(i) if i in masked else None

    def _fill(self, severity: str) -> Callable[[int], int]:
        return lambda style: self.styles.filled(style, severity)

    def _comment(self, job: _Job, marks: dict[tuple[int, int], tuple[str, list[str]]]) -> None:
        """Write the sheet's comments part and VML drawing, merging comments it already had."""
        rels_part = rels_name(job.member)
        rels_xml = self._text(rels_part) if rels_part in self.names else None
        rels = read_rels(rels_xml, job.member) if rels_xml is not None else []
        old_comments = next((r for r in rels if r.type == COMMENTS_REL), None)
        old_vml = next((r for r in rels if r.type == VML_REL), None)
        if old_vml is not None and old_comments is None:
            raise PatchDeclinedError(f"{job.member}: a legacy drawing that is not comments")
        if any(r.type.endswith("/threadedComment") for r in rels):  # Excel 365 keeps these in step
            raise PatchDeclinedError(f"{job.member}: threaded comments")
        if old_vml is not None and old_vml.target in self.names:
            shapes = self._read(old_vml.target)
            if shapes.count(b"ObjectType=") != shapes.count(b'ObjectType="Note"'):
                raise PatchDeclinedError(f"{job.member}: form controls beside the comments")
        existing = self._text(old_comments.target) if old_comments is not None else None
        ordered = merge_notes(existing, {cell: lines for cell, (_s, lines) in marks.items()})
        comments_part = old_comments.target if old_comments else self._new_name("xl/comments{}.xml")
        vml_part = old_vml.target if old_vml else self._new_name("xl/drawings/vmlDrawing{}.vml")
        block = max(self._blocks, default=0) + 1
        self._blocks.update(range(block, block + len(ordered) // 1024 + 1))
        for part, data in (
            (comments_part, comments_xml(ordered)),
            (vml_part, vml_xml(ordered, block)),
        ):
            (self.replaced if part in self.names else self.added)[part] = data
        self.overrides[comments_part] = COMMENTS_TYPE
        add: list[tuple[str, str, str]] = []
        taken = [r.id for r in rels]
        if old_comments is None:
            add.append((free_rel_id(taken), COMMENTS_REL, relative(job.member, comments_part)))
            taken.append(add[-1][0])
        vml_id = old_vml.id if old_vml else free_rel_id(taken)
        if old_vml is None:
            add.append((vml_id, VML_REL, relative(job.member, vml_part)))
        if add:
            edited = edit_rels(rels_xml, add, ()).encode()
            (self.replaced if rels_part in self.names else self.added)[rels_part] = edited
        job.tail = edit_tail(job.tail, vml_id, job.head)

    def _new_name(self, pattern: str) -> str:
        n = 1
        while pattern.format(n) in self.names or pattern.format(n) in self.added:
            n += 1
        return pattern.format(n)

    def _drop_calc_chain_and_macros(self) -> None:
        """Drop the calculation chain (no formulas are left) and a macro workbook's VBA project."""
        types_xml = self._text("[Content_Types].xml")
        main = re.search(
            rf'<Override\b[^>]*PartName="/{re.escape(self.workbook)}"[^>]*>', types_xml
        )
        macro = re.search(r'ContentType="([^"]*macroEnabled[^"]*)"', main[0]) if main else None
        gone: list[Rel] = [r for r in self.book_rels if r.type.endswith("/calcChain")]
        if macro is not None:  # an .xlsm copy is saved as .xlsx, so its macros go
            gone += [r for r in self.book_rels if r.type.endswith("/vbaProject")]
        for rel in gone:
            self.dropped.add(rel.target)
            own = rels_name(rel.target)
            if own in self.names:
                self.dropped.add(own)
                self.dropped.update(r.target for r in read_rels(self._text(own), rel.target))
        book_rels = rels_name(self.workbook)
        if gone:
            self.replaced[book_rels] = edit_rels(
                self._text(book_rels), (), [r.id for r in gone]
            ).encode()
        self.replaced["[Content_Types].xml"] = edit_content_types(
            types_xml,
            overrides=self.overrides,
            drop=self.dropped,
            defaults={"vml": VML_TYPE} if self.overrides else {},
            retype={macro[1]: XLSX_MAIN_TYPE} if macro is not None else {},
        ).encode()

    def write(self, tmp: Path, jobs: list[_Job]) -> None:
        """Write the copy: changed members rewritten, the rest copied, new parts at the end."""
        by_member = {job.member: job for job in jobs}
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as dst:
            for info in self.zf.infolist():
                name = info.filename
                if name in self.dropped or info.is_dir():
                    continue
                big = info.file_size > 1 << 30
                with dst.open(name, "w", force_zip64=big) as out:
                    if name in by_member:
                        job = by_member[name]
                        for piece in rewrite_sheet(
                            job.source, job.rules.apply, job.head, job.tail, job.rows, job.new_rows
                        ):
                            out.write(piece)
                    elif name in self.replaced:
                        out.write(self.replaced[name])
                    else:
                        with self.zf.open(info) as member:
                            shutil.copyfileobj(member, out, 1 << 20)
            for name, data in self.added.items():
                with dst.open(name, "w") as out:
                    out.write(data)
