"""Load the three kinds of input from files, folders and globs into canonical frames.

This is the I/O half of the public API: ``load_inputs(...)`` returns ``LoadedInputs``
(frames, row issues and per-sheet facts), which ``edupoverty.reconcile`` consumes.
"""

from __future__ import annotations

import glob
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.errors import ErrorDetail, InputError
from edupoverty.core.models import SOURCE_KINDS, RowIssue, SourceKind
from edupoverty.io.readers.columns import AliasTable
from edupoverty.io.readers.csv import CSV_SUFFIXES, read_csv
from edupoverty.io.readers.excel import EXCEL_SUFFIXES, read_excel
from edupoverty.io.readers.frames import (
    ISSUE_COLUMNS,
    NormalisedKind,
    SheetResult,
    normalise_sheets,
    prepare_sheet,
)
from edupoverty.io.readers.raw import RawSheet, SkippedSheet

SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | CSV_SUFFIXES
_SCHEMAS: dict[SourceKind, tuple[str, ...]] = {
    "registry": C.REGISTRY_COLUMNS,
    "roster": C.ROSTER_COLUMNS,
    "ledger": C.LEDGER_COLUMNS,
}
_STRING = pd.StringDtype("pyarrow")


class Progress(Protocol):
    """The small progress protocol the core and loaders report through."""

    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def done(self) -> None: ...


class NoProgress:
    """A progress sink that shows nothing (``--quiet``, tests, scripts)."""

    def start(self, label: str, total: int | None) -> None:
        """Ignore the start of a stage."""

    def advance(self, n: int = 1) -> None:
        """Ignore progress."""

    def done(self) -> None:
        """Ignore the end of a stage."""


@dataclass
class InputFile:
    """One file to read and the kind it was given as (None: infer from its columns)."""

    path: Path
    kind: SourceKind | None = None


@dataclass
class FileReport:
    """What reading one file gave: its sheets and the sheets skipped."""

    path: Path
    sheets: list[SheetResult] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)

    @property
    def file(self) -> str:
        """Base name of the file."""
        return self.path.name

    @property
    def rows_read(self) -> int:
        """Data rows read over all sheets."""
        return sum(s.rows_read for s in self.sheets)

    @property
    def rows_rejected(self) -> int:
        """Rows with at least one error over all sheets."""
        return sum(s.rows_rejected for s in self.sheets)


@dataclass
class LoadedInputs:
    """Everything read: one canonical frame per kind, the row issues, and per-file facts."""

    registry: pd.DataFrame
    roster: pd.DataFrame
    ledger: pd.DataFrame
    issues: pd.DataFrame
    """Row issues: columns source, file, sheet, row, column, code, params (JSON), level."""
    files: list[FileReport] = field(default_factory=list)

    def frame(self, kind: SourceKind) -> pd.DataFrame:
        """Return the frame of one kind."""
        return {"registry": self.registry, "roster": self.roster, "ledger": self.ledger}[kind]

    def issue_records(self) -> list[RowIssue]:
        """Return the row issues as typed records (for scripts; the frame is the bulk form)."""
        return [
            RowIssue(
                source=r.source or None,
                file=r.file,
                sheet=r.sheet,
                row=int(r.row) if pd.notna(r.row) else None,
                column=r.column if isinstance(r.column, str) else None,
                code=r.code,
                params=json.loads(r.params) if isinstance(r.params, str) and r.params else {},
                level=r.level,
            )
            for r in self.issues.itertuples(index=False)
        ]


def expand_paths(patterns: Iterable[str | Path], base: Path | None = None) -> list[Path]:
    """Return the supported files named by paths, folders or glob patterns, sorted, once each.

    Raises:
        InputError: a path does not exist, or a folder or glob holds no spreadsheet.
    """
    found: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        path = Path(text)
        if base is not None and not path.is_absolute():
            path = base / path
            text = str(path)
        if any(ch in text for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            files = [m for m in matches if m.is_file() and _is_supported(m)]
            if not files:
                raise InputError.of("read.glob_empty", pattern=str(pattern))
            found.extend(files)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _is_supported(p))
            if not files:
                raise InputError.of("read.dir_empty", file=str(pattern))
            found.extend(files)
        elif path.is_file():
            if not _is_supported(path):
                raise InputError.of(
                    "read.unsupported_suffix", file=path.name, suffix=path.suffix or "-"
                )
            found.append(path)
        else:
            raise InputError.of("read.file_missing", file=str(pattern))
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p.resolve(), None)
    return list(unique)


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(("~$", "."))


def read_file(
    item: InputFile,
    aliases: AliasTable,
    encoding: str | None = None,
    sheet: str | None = None,
    *,
    normalise: bool = True,
) -> FileReport:
    """Read one file into canonical sheet frames.

    Args:
        item: the file and the kind it was given as.
        aliases: header alias table in use.
        encoding: force a CSV encoding.
        sheet: read only this sheet of a workbook.
        normalise: normalise the sheets too (``validate``); ``load_inputs`` passes False
            and normalises every file's sheets together, one pass per kind.

    Raises:
        InputError: the file cannot be used at all (unreadable, or no sheet has a header).
    """
    path = item.path
    raws: list[RawSheet]
    skipped: list[SkippedSheet] = []
    if path.suffix.lower() in CSV_SUFFIXES:
        raws = [read_csv(path, encoding)]
    else:
        raws, skipped = read_excel(path, sheet)
    report = FileReport(path=path, skipped=skipped)
    for raw in raws:
        result = prepare_sheet(raw, aliases, item.kind)
        if result.layout is None:
            skipped.append(SkippedSheet(path, raw.sheet, "read.sheet_no_header"))
            continue
        if result.kind is None:
            skipped.append(SkippedSheet(path, raw.sheet, "read.sheet_kind_unknown"))
            continue
        report.sheets.append(result)
    if not report.sheets:
        reasons = [s for s in skipped if s.reason != "read.sheet_hidden"] or skipped
        if reasons and all(s.reason == "read.sheet_kind_unknown" for s in reasons):
            raise InputError.of("read.kind_unknown", file=path.name)
        if not reasons:
            raise InputError.of("read.no_visible_sheet", file=path.name)
        first = reasons[0]
        raise InputError.of("read.no_header", file=path.name, sheet=first.sheet or None)
    if normalise:
        normalise_sheets(report.sheets, keep_frames=True)
    return report


MAX_READ_THREADS = 4


def read_threads() -> int:
    """Files read at once: one per CPU this process may use, at most ``MAX_READ_THREADS``.

    More threads than cores only make the Python half of reading (header detection,
    normalising) wait on the GIL: a 50,000-pupil county of 108 sheets read in 1.22 s with
    two threads and 1.42 s with four on two cores (issue #7).
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(MAX_READ_THREADS, usable))


def load_inputs(
    registry: Sequence[str | Path] = (),
    roster: Sequence[str | Path] = (),
    ledger: Sequence[str | Path] = (),
    unknown: Sequence[str | Path] = (),
    *,
    column_aliases: dict[str, list[str]] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    base: Path | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
) -> LoadedInputs:
    """Read every input file and return one canonical frame per kind.

    Args:
        registry: paths, folders or globs given as registry files.
        roster: likewise for rosters.
        ledger: likewise for ledgers.
        unknown: files whose kind is inferred from their columns.
        column_aliases: extra header aliases per canonical column (``[columns]``).
        encoding: force a CSV encoding.
        sheet: read only this sheet of each workbook.
        base: folder that relative paths are resolved against (the config file's).
        progress: progress sink.
        threads: files read at once (the Rust readers release the GIL); by default
            ``read_threads()``.

    Raises:
        InputError: with one detail per unusable file, after trying them all.
    """
    progress = progress or NoProgress()
    aliases = AliasTable(column_aliases)
    items: list[InputFile] = []
    errors: list[ErrorDetail] = []
    for kind, patterns in (
        ("registry", registry),
        ("roster", roster),
        ("ledger", ledger),
        (None, unknown),
    ):
        try:
            items.extend(InputFile(p, kind) for p in expand_paths(patterns, base))  # type: ignore[arg-type]
        except InputError as exc:
            errors.extend(exc.details)
    progress.start("progress.reading", len(items))
    reports: list[FileReport] = []

    def work(item: InputFile) -> FileReport | InputError:
        try:
            return read_file(item, aliases, encoding, sheet, normalise=False)
        except InputError as exc:
            return exc

    unread = Counter(item.kind for item in items)
    early: dict[SourceKind | None, NormalisedKind] = {}
    with ThreadPoolExecutor(max_workers=max(1, threads or read_threads())) as pool:
        for item, outcome in zip(items, pool.map(work, items), strict=True):
            if isinstance(outcome, InputError):
                errors.extend(outcome.details)
            else:
                reports.append(outcome)
            unread[item.kind] -= 1
            if item.kind is not None and not unread[item.kind] and not unread[None] and not errors:
                # Every file that can hold this kind is read (a file of unknown kind could hold
                # any): normalise its sheets here while the pool reads the other kinds' files,
                # mostly in the Rust readers, which release the GIL.
                sheets = [s for report in reports for s in report.sheets if s.kind == item.kind]
                early.update((n.kind, n) for n in normalise_sheets(sheets))
            progress.advance(1)
    progress.done()
    if errors:
        raise InputError(errors)
    return assemble(reports, progress, early)


def assemble(
    reports: list[FileReport],
    progress: Progress | None = None,
    normalised_already: Mapping[SourceKind | None, NormalisedKind] | None = None,
) -> LoadedInputs:
    """Normalise every sheet, one pass per kind, and give each kind its full column set.

    Args:
        reports: the files read, in the order given.
        progress: progress sink.
        normalised_already: kinds ``load_inputs`` normalised while other files were read.
    """
    sheets = [result for report in reports for result in report.sheets]
    done = dict(normalised_already or {})
    if progress is not None:
        progress.start("progress.normalising", None)
    done.update((n.kind, n) for n in normalise_sheets([s for s in sheets if s.kind not in done]))
    if progress is not None:
        progress.done()
    in_order = dict.fromkeys(s.kind for s in sheets if s.layout is not None)
    normalised = {kind: done[kind] for kind in in_order}
    frames: dict[SourceKind, pd.DataFrame] = {}
    for kind in SOURCE_KINDS:
        part = normalised.get(kind)
        frame = part.frame if part is not None else pd.DataFrame()
        if not frame.empty:
            frame[C.SOURCE] = pd.Series(kind, index=frame.index, dtype=_STRING)
        frames[kind] = conform(frame, kind)
    issue_parts = [
        n.issues for n in normalised.values() if n.kind is not None and not n.issues.empty
    ]
    issues = (
        pd.concat(issue_parts, ignore_index=True)
        if issue_parts
        else pd.DataFrame(columns=ISSUE_COLUMNS)
    )
    return LoadedInputs(frames["registry"], frames["roster"], frames["ledger"], issues, reports)


def conform(frame: pd.DataFrame, kind: SourceKind) -> pd.DataFrame:
    """Return the frame with exactly its kind's columns, typed, missing ones all-null."""
    columns: dict[str, pd.Series] = {}
    for column in _SCHEMAS[kind]:
        if column in frame:
            columns[column] = frame[column]
        elif column in C.DATE_COLUMNS:
            columns[column] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        elif column in C.BOOL_COLUMNS:
            columns[column] = pd.Series(pd.NA, index=frame.index, dtype="boolean")
        elif column in C.INT_COLUMNS:
            columns[column] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        else:
            columns[column] = pd.Series(pd.NA, index=frame.index, dtype=_STRING)
    # One construction: adding forty columns one by one re-laid the frame out each time.
    return pd.DataFrame(columns, index=frame.index, copy=False)
