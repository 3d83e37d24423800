"""Turn raw sheets into canonical, normalised frames plus their row issues.

Reading is two steps. ``prepare_sheet`` finds one sheet's header, drops its furniture
rows and maps its columns to canonical names: cheap, per sheet. ``normalise_sheets`` then
normalises every prepared sheet of one kind in one pass over their concatenation, so a
county of a hundred small school rosters pays the fixed cost of each column operation
once, not once per sheet (issue #7: 108 sheets cost 80 ms each when normalised apart).
All work is column operations; a row issue is produced from a mask, never from a per-row
loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from edupoverty.core import columns as C
from edupoverty.core.models import SourceKind
from edupoverty.core.normalise._common import by_distinct
from edupoverty.core.normalise.amounts import parse_amounts
from edupoverty.core.normalise.categories import normalise_categories, parse_risk_cleared
from edupoverty.core.normalise.fields import parse_boarding, parse_dates, parse_genders
from edupoverty.core.normalise.ids import mask_id, normalise_ids
from edupoverty.core.normalise.names import name_keys
from edupoverty.core.normalise.stages import (
    grades_to_stage,
    stages_from_school_names,
    stages_from_schooling,
)
from edupoverty.core.normalise.status import normalise_statuses
from edupoverty.core.normalise.terms import combine_year_and_term, find_term, normalise_terms
from edupoverty.io.readers.columns import FIELD_BY_COLUMN, AliasTable
from edupoverty.io.readers.header import (
    HEADER_SEARCH_ROWS,
    DataCells,
    HeaderLayout,
    detect_header,
    furniture_mask,
)
from edupoverty.io.readers.raw import RawSheet

STRING = pd.StringDtype("pyarrow")
MAX_NAME_CHARS = 100
"""Longer than any real name (a transliterated minority name with ·, or a foreign name,
stays under 40): a cell that long is a pasted paragraph, not a person."""
ISSUE_COLUMNS = ["source", "file", "sheet", "row", "column", "code", "params", "level"]
_PART = "_part"
"""Column of a concatenation holding the position of the sheet each row came from."""
_NOT_YET = pd.DataFrame()
_NO_ISSUES = pd.DataFrame(columns=ISSUE_COLUMNS)
"""A prepared sheet's frame and issues until ``normalise_sheets`` sets them: shared by every
sheet and never modified (making two frames per sheet cost 0.1 s over a county's 108)."""


@dataclass
class SheetResult:
    """A sheet read into a canonical frame, with everything ``validate`` reports about it."""

    file: str
    sheet: str
    kind: SourceKind | None
    layout: HeaderLayout | None
    frame: pd.DataFrame
    """Canonical columns: mapped text after ``prepare_sheet``, normalised after
    ``normalise_sheets`` (empty when a batch kept the rows in its per-kind frame)."""
    issues: pd.DataFrame
    rows_read: int = 0
    rows_rejected: int = 0
    term_from: str | None = None
    """Where the sheet's term came from: column, sheet, title, file, or None."""
    sheet_term: str | None = None
    notes: list[str] = field(default_factory=list)
    reader_issues: list[tuple[int, str]] = field(default_factory=list)
    """(position among the mapped rows, message id) of rows the reader found broken."""
    mapped: pa.Table | None = None
    """The sheet's data rows after ``prepare_sheet``: Excel row numbers and recognised
    columns as stripped text; released once ``normalise_sheets`` has taken them."""

    @property
    def header_row_numbers(self) -> list[int]:
        """Excel row numbers of the header row(s)."""
        return [] if self.layout is None else [r + 1 for r in self.layout.header_rows]


@dataclass
class NormalisedKind:
    """Every row of one kind, normalised in one pass, and the row issues they raised."""

    kind: SourceKind | None
    frame: pd.DataFrame
    issues: pd.DataFrame


def infer_kind(layout: HeaderLayout) -> SourceKind | None:
    """Return the source kind the recognised columns point to, or None when undecided."""
    scores: dict[SourceKind, float] = {"registry": 0.0, "roster": 0.0, "ledger": 0.0}
    for column in layout.mapping.values():
        for kind, weight in FIELD_BY_COLUMN[column].weight.items():
            scores[kind] += weight
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


def read_sheet_frame(
    raw: RawSheet, aliases: AliasTable, forced_kind: SourceKind | None = None
) -> SheetResult:
    """Return the canonical, normalised frame of one sheet.

    Args:
        raw: the sheet's text cells.
        aliases: header alias table in use.
        forced_kind: the kind the file was given as (``--roster`` …); inferred when None.
    """
    result = prepare_sheet(raw, aliases, forced_kind)
    normalise_sheets([result], keep_frames=True)
    return result


def prepare_sheet(
    raw: RawSheet, aliases: AliasTable, forced_kind: SourceKind | None = None
) -> SheetResult:
    """Return one sheet with its header found, furniture dropped and columns mapped.

    The sheet's rows are kept as an Arrow table (``mapped``): its Excel row numbers and one
    stripped text column per recognised field; ``normalise_sheets`` turns the tables of
    one kind into one frame and normalises it. ``layout`` is None when no header was found.
    """
    head = raw.table.slice(0, HEADER_SEARCH_ROWS)
    top = [list(row) for row in zip(*(column.to_pylist() for column in head.columns), strict=True)]
    layout = detect_header(top, aliases)
    if layout is None:
        return SheetResult(raw.file, raw.sheet, forced_kind, None, _NOT_YET, _NO_ISSUES)
    kind = forced_kind or infer_kind(layout)
    # Cells right of the last header label belong to no column (a junk row filling A..XFD
    # must not cost one pass per column); they cannot make a row data or furniture.
    cells = DataCells.of(raw.table.slice(layout.data_start), layout.width)
    keep = ~furniture_mask(cells)
    kept_rows = np.flatnonzero(keep) + layout.data_start
    # Every mapped position has a header label, so it lies within ``cells``.
    recognised = pa.table({column: cells.column(pos) for pos, column in layout.mapping.items()})
    mapped = recognised.filter(pa.array(keep)).add_column(
        0, C.ROW, pa.array(kept_rows + raw.first_row_number, pa.int64())
    )
    title_text = " ".join(
        str(v)
        for r in top[: min(layout.header_rows)]
        for v in r
        if v is not None and str(v).strip()
    )
    result = SheetResult(
        raw.file,
        raw.sheet,
        kind,
        layout,
        _NOT_YET,
        _NO_ISSUES,
        notes=list(raw.notes),
        mapped=mapped,
    )
    if raw.row_issues:
        rows = np.array([row for row, _code in raw.row_issues], dtype=np.int64)
        position = np.searchsorted(kept_rows, rows)
        kept = position < len(kept_rows)
        kept[kept] = kept_rows[position[kept]] == rows[kept]
        result.reader_issues = [
            (int(at), code)
            for (_row, code), at, is_kept in zip(raw.row_issues, position, kept, strict=True)
            if is_kept
        ]
    for where, text in (("sheet", raw.sheet), ("title", title_text), ("file", raw.path.stem)):
        found = find_term(text) if text else None
        if found:
            result.sheet_term, result.term_from = found, where
            break
    return result


def _concatenated_frame(parts: Sequence[SheetResult]) -> pd.DataFrame:
    """Return the mapped rows of several sheets as one frame with provenance and ``_part``.

    One Arrow concatenation and one conversion to pandas, whatever the number of sheets;
    the columns a sheet lacks are null on its rows.
    """
    tables = [
        p.mapped if p.mapped is not None else pa.table({C.ROW: pa.array([], pa.int64())})
        for p in parts
    ]
    table = pa.concat_tables(tables, promote_options="default")
    lengths = np.array([t.num_rows for t in tables], dtype=np.int64)
    codes = np.repeat(np.arange(len(parts), dtype=np.int32), lengths)
    indices = pa.array(codes)

    def spread(values: list[str]) -> pa.Array:
        return pa.DictionaryArray.from_arrays(indices, pa.array(values, pa.large_string())).cast(
            pa.large_string()
        )

    provenance = {
        C.SOURCE: spread([p.kind or "" for p in parts]),
        C.FILE: spread([p.file for p in parts]),
        C.SHEET: spread([p.sheet for p in parts]),
    }
    for position, (name, values) in enumerate(provenance.items()):
        table = table.add_column(position, name, values)
    frame = table.to_pandas(
        types_mapper={pa.string(): STRING, pa.large_string(): STRING}.get,
        self_destruct=True,
    )
    frame[_PART] = codes
    return frame


def normalise_sheets(
    results: Sequence[SheetResult], *, keep_frames: bool = False
) -> list[NormalisedKind]:
    """Normalise every prepared sheet, one pass per kind, and fill in each sheet's counts.

    Sets each sheet's ``rows_read``, ``rows_rejected``, ``issues`` and ``term_from``.

    Args:
        results: sheets from ``prepare_sheet``; those without a header are left alone.
        keep_frames: also give each sheet its own normalised frame (``validate``, tests);
            otherwise a sheet's frame is emptied once its rows are in its kind's frame.

    Returns:
        One ``NormalisedKind`` per kind present, rows in the order of ``results``.
    """
    by_kind: dict[SourceKind | None, list[SheetResult]] = {}
    for result in results:
        if result.layout is not None:
            by_kind.setdefault(result.kind, []).append(result)
    return [
        _normalise_kind(kind, parts, keep_frames=keep_frames) for kind, parts in by_kind.items()
    ]


class _Parts:
    """Per-sheet facts of a concatenation, spread over its rows on demand."""

    def __init__(self, parts: Sequence[SheetResult], codes: np.ndarray) -> None:
        self.parts = parts
        self.codes = codes

    def layouts(self) -> list[HeaderLayout]:
        return [p.layout for p in self.parts if p.layout is not None]

    def maps(self, column: str) -> np.ndarray:
        """Per row: whether the row's sheet has a column recognised as ``column``."""
        has = np.array([column in layout.mapping.values() for layout in self.layouts()])
        per_row: np.ndarray = has[self.codes]
        return per_row

    def labels(self, *columns: str) -> np.ndarray:
        """Per part: the header text of the first of ``columns`` the sheet has."""
        texts = []
        for layout in self.layouts():
            label = None
            for column in columns:
                label = label or layout.label_of(column)
            texts.append(label)
        return np.array(texts, dtype=object)


def _normalise_kind(
    kind: SourceKind | None, parts: Sequence[SheetResult], *, keep_frames: bool
) -> NormalisedKind:
    frame = _concatenated_frame(parts)
    info = _Parts(parts, frame[_PART].to_numpy())
    issues: list[pd.DataFrame] = []
    _normalise_identity(frame, info, issues)
    _normalise_education(frame)
    _resolve_terms(frame, info)
    if kind == "ledger":
        _normalise_money(frame, info, issues)
    if kind == "registry":
        _normalise_registry(frame)
    issues.append(_reader_issues(frame, parts))
    # Rows with neither a name nor an ID are not records (spacer rows with a stray 序号).
    no_identity = frame.get(C.NAME, _na(frame)).isna() & frame.get(C.ID_RAW, _na(frame)).isna()
    if C.STUDENT_NO in frame:
        no_identity &= frame[C.STUDENT_NO].isna()
    frame = frame.loc[~no_identity.to_numpy()].reset_index(drop=True)
    found = [i for i in issues if not i.empty]
    issue_frame = pd.concat(found, ignore_index=True) if found else _empty_issues()
    if not issue_frame.empty:
        kept = pd.MultiIndex.from_arrays([frame[_PART], frame[C.ROW]])
        at = pd.MultiIndex.from_arrays([issue_frame[_PART], issue_frame["row"]])
        issue_frame = issue_frame.loc[at.isin(kept)].reset_index(drop=True)
        issue_frame["source"] = kind
    _count_per_sheet(parts, frame, issue_frame, keep_frames=keep_frames)
    return NormalisedKind(
        kind,
        frame.drop(columns=_PART),
        issue_frame.drop(columns=_PART) if _PART in issue_frame else issue_frame,
    )


def _count_per_sheet(
    parts: Sequence[SheetResult], frame: pd.DataFrame, issues: pd.DataFrame, *, keep_frames: bool
) -> None:
    """Give each sheet its rows read and rejected, its issues and (optionally) its frame."""
    read = np.bincount(frame[_PART].to_numpy(), minlength=len(parts))
    rejected = np.zeros(len(parts), dtype=np.int64)
    no_issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    per_part: dict[int, pd.DataFrame] = {}
    if not issues.empty:
        errors = issues.loc[issues["level"] == "error", [_PART, "row"]].drop_duplicates()
        rejected = np.bincount(errors[_PART].to_numpy(), minlength=len(parts))
        per_part = _split_by_part(issues[ISSUE_COLUMNS], issues[_PART].to_numpy())
    frames: dict[int, pd.DataFrame] = {}
    no_rows = no_issues.iloc[0:0, 0:0]
    if keep_frames:
        columns = [c for c in frame.columns if c != _PART]
        frames = _split_by_part(frame[columns], frame[_PART].to_numpy())
        no_rows = frame.iloc[0:0][columns]
    for i, part in enumerate(parts):
        part.rows_read = int(read[i])
        part.rows_rejected = int(rejected[i])
        part.issues = per_part.get(i, no_issues)
        part.frame = frames.get(i, no_rows)
        part.mapped = None


def _split_by_part(frame: pd.DataFrame, part: np.ndarray) -> dict[int, pd.DataFrame]:
    """Return the rows of each part present, in their order, on a fresh 0..n-1 index.

    One stable sort and a slice per part: a groupby paid about a millisecond per sheet.
    """
    if len(part) == 0:
        return {}
    order = np.argsort(part, kind="stable")
    grouped = frame.iloc[order]
    bounds = np.searchsorted(part[order], np.arange(part.max() + 2))
    return {
        i: grouped.iloc[start:stop].reset_index(drop=True)
        for i, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))
        if stop > start
    }


def _reader_issues(frame: pd.DataFrame, parts: Sequence[SheetResult]) -> pd.DataFrame:
    """Return the row errors the readers found (a CSV line whose quote never closes)."""
    if not any(p.reader_issues for p in parts):
        return _empty_issues()
    starts = np.concatenate([[0], np.cumsum([_rows_in(p) for p in parts])])
    found: list[pd.DataFrame] = []
    for i, part in enumerate(parts):
        for code in sorted({code for _row, code in part.reader_issues}):
            at = np.array([row for row, c in part.reader_issues if c == code]) + starts[i]
            mask = np.zeros(len(frame), dtype=bool)
            mask[at] = True
            found.append(_issues(frame, mask, code, np.full(len(parts), None, dtype=object)))
    return pd.concat(found, ignore_index=True)


def _rows_in(part: SheetResult) -> int:
    return part.mapped.num_rows if part.mapped is not None else 0


def _empty_issues() -> pd.DataFrame:
    return _NO_ISSUE_ROWS.copy()


_NO_ISSUE_ROWS = pd.DataFrame(columns=[*ISSUE_COLUMNS, _PART])
"""Copied, not built, for each check that found nothing: a copy costs a tenth."""


def _na(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=frame.index, dtype=STRING)


def _issues(
    frame: pd.DataFrame,
    mask: pd.Series | np.ndarray,
    code: str,
    labels: np.ndarray,
    params: pd.Series | dict[str, Any] | Callable[[pd.Index], pd.Series] | None = None,
    level: str = "error",
) -> pd.DataFrame:
    """Return one issue row per True in ``mask`` (built column-wise; params only for the hits).

    ``labels`` holds, per sheet of the concatenation, the header text of the column the
    issue is about.
    """
    hit_mask = mask.fillna(False).to_numpy(dtype=bool) if isinstance(mask, pd.Series) else mask
    if not hit_mask.any():
        return _empty_issues()
    hit = frame.loc[hit_mask, [C.FILE, C.SHEET, C.ROW, _PART]]
    if callable(params):
        param_text = params(hit.index)
    elif isinstance(params, pd.Series):
        param_text = params.loc[hit.index].astype(str)
    else:
        param_text = pd.Series(json.dumps(params or {}, ensure_ascii=False), index=hit.index)
    part = hit[_PART].to_numpy()
    return pd.DataFrame(
        {
            "source": "",
            "file": hit[C.FILE].astype(str),
            "sheet": hit[C.SHEET].astype(str),
            "row": hit[C.ROW].astype("int64"),
            "column": labels[part],
            "code": code,
            "params": param_text,
            "level": level,
            _PART: part,
        }
    )


def _params_with_value(
    values: pd.Series, extra: pd.Series | None = None
) -> Callable[[pd.Index], pd.Series]:
    """JSON params with a masked copy of each value (IDs never reach a log unmasked).

    Returned as a function of the hit rows, so only flagged rows pay for masking and JSON.
    """

    def build(index: pd.Index) -> pd.Series:
        masked = values.loc[index].fillna("").astype(str).map(mask_id)
        reasons = extra.loc[index].fillna("").astype(str) if extra is not None else None
        texts = [
            json.dumps(
                {"value": v, **({"reason": r} if reasons is not None else {})}, ensure_ascii=False
            )
            for v, r in zip(masked, reasons if reasons is not None else masked, strict=True)
        ]
        return pd.Series(texts, index=index)

    return build


def _params_too_long(values: pd.Series) -> Callable[[pd.Index], pd.Series]:
    """JSON params with the length and the first characters of an overlong value."""

    def build(index: pd.Index) -> pd.Series:
        texts = [
            json.dumps({"length": len(v), "value": v[:20]}, ensure_ascii=False)
            for v in values.loc[index].astype(str)
        ]
        return pd.Series(texts, index=index)

    return build


def _normalise_identity(frame: pd.DataFrame, info: _Parts, issues: list[pd.DataFrame]) -> None:
    id_labels = info.labels(C.ID_RAW, C.STUDENT_NO)
    raw_ids = frame[C.ID_RAW] if C.ID_RAW in frame else _na(frame)
    if C.STUDENT_NO in frame:
        # A roster with an empty ID cell still carries the ID inside a G-prefixed 学籍号.
        g_number = frame[C.STUDENT_NO].str.upper().str.startswith("G", na=False)
        raw_ids = raw_ids.where(raw_ids.notna() | ~g_number, frame[C.STUDENT_NO])
    ids = by_distinct(raw_ids, normalise_ids)
    for column in (C.PERSON_ID, C.ID_STATUS, C.ID_BIRTH_DATE, C.ID_GENDER, C.ID_PREFIX):
        frame[column] = ids[column]
    status = ids[C.ID_STATUS]
    issues.append(
        _issues(
            frame,
            status == "invalid",
            "row.id_invalid",
            id_labels,
            _params_with_value(raw_ids, ids["id_reason"]),
        )
    )
    issues.append(
        _issues(
            frame, status == "mangled", "row.id_mangled", id_labels, _params_with_value(raw_ids)
        )
    )
    issues.append(
        _issues(
            frame,
            status == "student_no",
            "row.id_is_student_no",
            id_labels,
            _params_with_value(raw_ids),
        )
    )
    if "id_region_known" in ids:
        unknown_region = (status == "valid") & (ids["id_region_known"] == False)  # noqa: E712 - nullable boolean
        issues.append(
            _issues(
                frame,
                unknown_region,
                "row.id_region_unknown",
                id_labels,
                _params_with_value(raw_ids),
                level="remark",
            )
        )
    names = frame[C.NAME] if C.NAME in frame else _na(frame)
    has_id_column = info.maps(C.ID_RAW)
    if has_id_column.any():
        missing = (status == "missing").to_numpy(dtype=bool) & names.notna().to_numpy(dtype=bool)
        issues.append(
            _issues(
                frame, missing & has_id_column, "row.id_missing", id_labels, None, level="remark"
            )
        )
    frame[C.NAME_KEY] = by_distinct(names, name_keys)
    too_long = names.str.len() > MAX_NAME_CHARS
    if too_long.any():
        issues.append(
            _issues(
                frame, too_long, "row.name_too_long", info.labels(C.NAME), _params_too_long(names)
            )
        )
    has_name_column = info.maps(C.NAME)
    if has_name_column.any():
        nameless = names.isna().to_numpy(dtype=bool) & raw_ids.notna().to_numpy(dtype=bool)
        issues.append(
            _issues(
                frame, nameless & has_name_column, "row.name_missing", info.labels(C.NAME), None
            )
        )
    if C.GENDER in frame:
        frame[C.GENDER] = by_distinct(frame[C.GENDER], parse_genders)
    if C.BIRTH_DATE in frame:
        frame[C.BIRTH_DATE] = by_distinct(frame[C.BIRTH_DATE], parse_dates)


def _normalise_education(frame: pd.DataFrame) -> None:
    if C.GRADE_RAW in frame:
        graded = by_distinct(frame[C.GRADE_RAW], grades_to_stage)
        frame[C.STAGE] = graded[C.STAGE]
        frame[C.GRADE] = graded[C.GRADE]
    if C.SCHOOL in frame:
        by_school = by_distinct(frame[C.SCHOOL], stages_from_school_names)
        frame[C.STAGE] = frame[C.STAGE].fillna(by_school) if C.STAGE in frame else by_school
    if C.STATUS_RAW in frame:
        frame[C.STATUS] = by_distinct(frame[C.STATUS_RAW], normalise_statuses)
    if C.BOARDING in frame:
        frame[C.BOARDING] = by_distinct(frame[C.BOARDING], parse_boarding)


def _resolve_terms(frame: pd.DataFrame, info: _Parts) -> None:
    """Fill the term column: a term column, else the sheet name, the title rows, the file name.

    Sets each sheet's ``term_from`` to ``column`` when its term column gave a term.
    """
    term = pd.Series(pd.NA, index=frame.index, dtype=STRING)
    if C.TERM_RAW in frame or C.SCHOOL_YEAR_RAW in frame:
        both = info.maps(C.SCHOOL_YEAR_RAW) & info.maps(C.TERM_RAW)
        if C.SCHOOL_YEAR_RAW in frame and C.TERM_RAW in frame and both.any():
            term = term.mask(
                both, combine_year_and_term(frame[C.SCHOOL_YEAR_RAW], frame[C.TERM_RAW])
            )
        if C.TERM_RAW in frame and (~both).any():
            term = term.mask(~both, by_distinct(frame[C.TERM_RAW], normalise_terms).astype(STRING))
        from_column = np.bincount(
            info.codes[term.notna().to_numpy(dtype=bool)], minlength=len(info.parts)
        )
        for part, count in zip(info.parts, from_column, strict=True):
            if count:
                part.term_from = "column"
    sheet_terms = np.array([p.sheet_term for p in info.parts], dtype=object)[info.codes]
    frame[C.TERM] = term.fillna(pd.Series(sheet_terms, index=frame.index, dtype=STRING))


def _normalise_money(frame: pd.DataFrame, info: _Parts, issues: list[pd.DataFrame]) -> None:
    amount_raw = frame[C.AMOUNT_RAW] if C.AMOUNT_RAW in frame else _na(frame)
    parsed = by_distinct(amount_raw, parse_amounts)
    frame[C.AMOUNT_CENTS] = parsed[C.AMOUNT_CENTS]
    error = parsed["amount_error"]

    def params(index: pd.Index) -> pd.Series:
        texts = [
            json.dumps(
                {"value": "" if pd.isna(v) else str(v), "reason": "" if pd.isna(r) else str(r)},
                ensure_ascii=False,
            )
            for v, r in zip(amount_raw.loc[index], error.loc[index], strict=True)
        ]
        return pd.Series(texts, index=index)

    issues.append(
        _issues(frame, error.notna(), "row.amount_invalid", info.labels(C.AMOUNT_RAW), params)
    )
    if C.PAY_DATE in frame:
        frame[C.PAY_DATE] = by_distinct(frame[C.PAY_DATE], parse_dates)
    if C.CATEGORY_RAW in frame:
        frame[C.CATEGORY] = by_distinct(frame[C.CATEGORY_RAW], normalise_categories)


def _normalise_registry(frame: pd.DataFrame) -> None:
    if C.CATEGORY_RAW in frame:
        frame[C.CATEGORY] = by_distinct(frame[C.CATEGORY_RAW], normalise_categories)
    if C.RISK_CLEARED in frame:
        frame[C.RISK_CLEARED] = by_distinct(frame[C.RISK_CLEARED], parse_risk_cleared)
    if C.SCHOOLING_RAW in frame:
        frame[C.SCHOOLING_STAGE] = by_distinct(frame[C.SCHOOLING_RAW], stages_from_schooling)
