"""Turn one raw sheet into a canonical, normalised frame plus its row issues.

All work is column operations over the whole sheet; a row issue is produced from a mask,
never from a per-row loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from edupoverty.core import columns as C
from edupoverty.core.models import SourceKind
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
from edupoverty.io.readers.header import HeaderLayout, detect_header, furniture_mask
from edupoverty.io.readers.raw import RawSheet

STRING = pd.StringDtype("pyarrow")
ISSUE_COLUMNS = ["source", "file", "sheet", "row", "column", "code", "params", "level"]


@dataclass
class SheetResult:
    """A sheet read into a canonical frame, with everything ``validate`` reports about it."""

    file: str
    sheet: str
    kind: SourceKind | None
    layout: HeaderLayout | None
    frame: pd.DataFrame
    issues: pd.DataFrame
    rows_read: int = 0
    rows_rejected: int = 0
    term_from: str | None = None
    """Where the sheet's term came from: column, sheet, title, file, or None."""
    sheet_term: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def header_row_numbers(self) -> list[int]:
        """Excel row numbers of the header row(s)."""
        return [] if self.layout is None else [r + 1 for r in self.layout.header_rows]


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
    """Return the canonical frame of one sheet.

    Args:
        raw: the sheet's text cells.
        aliases: header alias table in use.
        forced_kind: the kind the file was given as (``--roster`` …); inferred when None.
    """
    top = raw.cells.head(20).astype(object).where(raw.cells.head(20).notna(), None).values.tolist()
    layout = detect_header(top, aliases)
    empty_issues = pd.DataFrame(columns=ISSUE_COLUMNS)
    if layout is None:
        return SheetResult(raw.file, raw.sheet, forced_kind, None, pd.DataFrame(), empty_issues)
    kind = forced_kind or infer_kind(layout)
    data = raw.cells.iloc[layout.data_start :]
    data = data.loc[~furniture_mask(data)]
    title_text = " ".join(
        str(v)
        for r in top[: min(layout.header_rows)]
        for v in r
        if v is not None and str(v).strip()
    )
    frame = pd.DataFrame(index=data.index)
    frame[C.SOURCE] = pd.Series(kind or "", index=data.index, dtype=STRING)
    frame[C.FILE] = pd.Series(raw.file, index=data.index, dtype=STRING)
    frame[C.PATH] = pd.Series(str(raw.path), index=data.index, dtype=STRING)
    frame[C.SHEET] = pd.Series(raw.sheet, index=data.index, dtype=STRING)
    frame[C.ROW] = (data.index.to_series() + raw.first_row_number).astype("int64")
    for pos, column in layout.mapping.items():
        values = (
            data[pos].astype(STRING).str.strip()
            if pos in data.columns
            else pd.Series(pd.NA, index=data.index, dtype=STRING)
        )
        frame[column] = values.mask(values == "")
    result = SheetResult(
        raw.file, raw.sheet, kind, layout, frame, empty_issues, notes=list(raw.notes)
    )
    issues: list[pd.DataFrame] = []
    _normalise_identity(frame, layout, issues, kind)
    _normalise_education(frame)
    result.term_from, result.sheet_term = _resolve_terms(frame, raw, title_text)
    if kind == "ledger":
        _normalise_money(frame, layout, issues)
    if kind == "registry":
        _normalise_registry(frame)
    # Rows with neither a name nor an ID are not records (spacer rows with a stray 序号).
    no_identity = frame.get(C.NAME, _na(frame)).isna() & frame.get(C.ID_RAW, _na(frame)).isna()
    if C.STUDENT_NO in frame:
        no_identity &= frame[C.STUDENT_NO].isna()
    frame = frame.loc[~no_identity]
    issue_frame = (
        pd.concat([i for i in issues if not i.empty], ignore_index=True)
        if any(not i.empty for i in issues)
        else empty_issues
    )
    if not issue_frame.empty:
        issue_frame = issue_frame[issue_frame["row"].isin(frame[C.ROW])]
        issue_frame["source"] = kind
    result.frame = frame.reset_index(drop=True)
    result.issues = issue_frame.reset_index(drop=True)
    result.rows_read = len(frame)
    errors = issue_frame[issue_frame["level"] == "error"] if not issue_frame.empty else issue_frame
    result.rows_rejected = int(errors["row"].nunique()) if not errors.empty else 0
    return result


def _na(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(pd.NA, index=frame.index, dtype=STRING)


def _issues(
    frame: pd.DataFrame,
    mask: pd.Series,
    code: str,
    column: str | None,
    params: pd.Series | dict[str, Any] | Callable[[pd.Index], pd.Series] | None = None,
    level: str = "error",
) -> pd.DataFrame:
    """Return one issue row per True in ``mask`` (built column-wise; params only for the hits)."""
    hit = frame.loc[mask.fillna(False).astype(bool)]
    if hit.empty:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    if callable(params):
        param_text = params(hit.index)
    elif isinstance(params, pd.Series):
        param_text = params.loc[hit.index].astype(str)
    else:
        param_text = pd.Series(json.dumps(params or {}, ensure_ascii=False), index=hit.index)
    return pd.DataFrame(
        {
            "source": "",
            "file": hit[C.FILE].astype(str),
            "sheet": hit[C.SHEET].astype(str),
            "row": hit[C.ROW].astype("int64"),
            "column": column,
            "code": code,
            "params": param_text,
            "level": level,
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


def _normalise_identity(
    frame: pd.DataFrame, layout: HeaderLayout, issues: list[pd.DataFrame], kind: SourceKind | None
) -> None:
    id_label = layout.label_of(C.ID_RAW) or layout.label_of(C.STUDENT_NO)
    raw_ids = frame[C.ID_RAW] if C.ID_RAW in frame else _na(frame)
    if C.STUDENT_NO in frame:
        # A roster with an empty ID cell still carries the ID inside a G-prefixed 学籍号.
        g_number = frame[C.STUDENT_NO].str.upper().str.startswith("G", na=False)
        raw_ids = raw_ids.where(raw_ids.notna() | ~g_number, frame[C.STUDENT_NO])
    ids = normalise_ids(raw_ids)
    for column in (C.PERSON_ID, C.ID_STATUS, C.ID_BIRTH_DATE, C.ID_GENDER, C.ID_PREFIX):
        frame[column] = ids[column]
    status = ids[C.ID_STATUS]
    issues.append(
        _issues(
            frame,
            status == "invalid",
            "row.id_invalid",
            id_label,
            _params_with_value(raw_ids, ids["id_reason"]),
        )
    )
    issues.append(
        _issues(frame, status == "mangled", "row.id_mangled", id_label, _params_with_value(raw_ids))
    )
    issues.append(
        _issues(
            frame,
            status == "student_no",
            "row.id_is_student_no",
            id_label,
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
                id_label,
                _params_with_value(raw_ids),
                level="remark",
            )
        )
    missing = status == "missing"
    if C.ID_RAW in layout.mapping.values():
        issues.append(
            _issues(
                frame,
                missing & frame.get(C.NAME, _na(frame)).notna(),
                "row.id_missing",
                id_label,
                None,
                level="remark",
            )
        )
    names = frame[C.NAME] if C.NAME in frame else _na(frame)
    frame[C.NAME_KEY] = name_keys(names)
    if C.NAME in layout.mapping.values():
        issues.append(
            _issues(
                frame,
                names.isna() & raw_ids.notna(),
                "row.name_missing",
                layout.label_of(C.NAME),
                None,
            )
        )
    if C.GENDER in frame:
        frame[C.GENDER] = parse_genders(frame[C.GENDER])
    if C.BIRTH_DATE in frame:
        frame[C.BIRTH_DATE] = parse_dates(frame[C.BIRTH_DATE])


def _normalise_education(frame: pd.DataFrame) -> None:
    if C.GRADE_RAW in frame:
        graded = grades_to_stage(frame[C.GRADE_RAW])
        frame[C.STAGE] = graded[C.STAGE]
        frame[C.GRADE] = graded[C.GRADE]
    if C.SCHOOL in frame:
        by_school = stages_from_school_names(frame[C.SCHOOL])
        frame[C.STAGE] = frame[C.STAGE].fillna(by_school) if C.STAGE in frame else by_school
    if C.STATUS_RAW in frame:
        frame[C.STATUS] = normalise_statuses(frame[C.STATUS_RAW])
    if C.BOARDING in frame:
        frame[C.BOARDING] = parse_boarding(frame[C.BOARDING])


def _resolve_terms(
    frame: pd.DataFrame, raw: RawSheet, title_text: str
) -> tuple[str | None, str | None]:
    """Fill the term column: a term column, else the sheet name, the title rows, the file name."""
    term = pd.Series(pd.NA, index=frame.index, dtype=STRING)
    source: str | None = None
    if C.TERM_RAW in frame or C.SCHOOL_YEAR_RAW in frame:
        if C.SCHOOL_YEAR_RAW in frame and C.TERM_RAW in frame:
            term = combine_year_and_term(frame[C.SCHOOL_YEAR_RAW], frame[C.TERM_RAW]).astype(STRING)
        elif C.TERM_RAW in frame:
            term = normalise_terms(frame[C.TERM_RAW]).astype(STRING)
        if term.notna().any():
            source = "column"
    sheet_term: str | None = None
    for where, text in (("sheet", raw.sheet), ("title", title_text), ("file", raw.path.stem)):
        found = find_term(text) if text else None
        if found:
            sheet_term, source = found, source or where
            break
    if sheet_term is not None:
        term = term.fillna(sheet_term)
    frame[C.TERM] = term
    return source, sheet_term


def _normalise_money(frame: pd.DataFrame, layout: HeaderLayout, issues: list[pd.DataFrame]) -> None:
    amount_raw = frame[C.AMOUNT_RAW] if C.AMOUNT_RAW in frame else _na(frame)
    parsed = parse_amounts(amount_raw)
    frame[C.AMOUNT_CENTS] = parsed[C.AMOUNT_CENTS]
    error = parsed["amount_error"]
    label = layout.label_of(C.AMOUNT_RAW)
    params = (
        pd.Series(
            [
                json.dumps(
                    {"value": "" if pd.isna(v) else str(v), "reason": "" if pd.isna(r) else str(r)},
                    ensure_ascii=False,
                )
                for v, r in zip(amount_raw, error, strict=True)
            ],
            index=frame.index,
        )
        if error.notna().any()
        else None
    )
    issues.append(_issues(frame, error.notna(), "row.amount_invalid", label, params))
    if C.PAY_DATE in frame:
        frame[C.PAY_DATE] = parse_dates(frame[C.PAY_DATE])
    if C.CATEGORY_RAW in frame:
        frame[C.CATEGORY] = normalise_categories(frame[C.CATEGORY_RAW])


def _normalise_registry(frame: pd.DataFrame) -> None:
    if C.CATEGORY_RAW in frame:
        frame[C.CATEGORY] = normalise_categories(frame[C.CATEGORY_RAW])
    if C.RISK_CLEARED in frame:
        frame[C.RISK_CLEARED] = parse_risk_cleared(frame[C.RISK_CLEARED])
    if C.SCHOOLING_RAW in frame:
        frame[C.SCHOOLING_STAGE] = stages_from_schooling(frame[C.SCHOOLING_RAW])
