"""``validate``'s library half: read files one by one and describe what was recognised."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from edupoverty.core.errors import EdupovError
from edupoverty.core.models import SourceKind
from edupoverty.core.normalise.ids import mask_ids_in_text
from edupoverty.i18n import render_issue, t
from edupoverty.io.loading import InputFile, expand_paths, read_file
from edupoverty.io.readers.columns import AliasTable

MAX_ERRORS_PER_SHEET = 20


def validate_files(
    items: Sequence[tuple[str | Path, SourceKind | None]],
    *,
    column_aliases: dict[str, list[str]] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    max_errors: int = MAX_ERRORS_PER_SHEET,
) -> dict[str, Any]:
    """Return a JSON-ready report of every file: usable or not, sheets, columns, row issues.

    Args:
        items: (path, folder or glob; the kind it was given as, or None to infer).
        column_aliases: extra header aliases.
        encoding: forced CSV encoding.
        sheet: only this sheet of each workbook.
        max_errors: row errors listed per sheet (all are counted).

    Returns:
        ``{"files": [...], "rows_read": n, "rows_rejected": n, "unusable": n}``; the IDs in
        every message are masked.
    """
    aliases = AliasTable(column_aliases)
    files: list[dict[str, Any]] = []
    for pattern, kind in items:
        try:
            paths = expand_paths([pattern])
        except EdupovError as exc:
            files.append({"file": str(pattern), "usable": False, "error": exc.render()})
            continue
        for path in paths:
            try:
                report = read_file(InputFile(path, kind), aliases, encoding, sheet)
            except EdupovError as exc:
                files.append(
                    {"file": path.name, "path": str(path), "usable": False, "error": exc.render()}
                )
                continue
            files.append(_describe(report, max_errors))
    usable = [f for f in files if f["usable"]]
    return {
        "files": files,
        "rows_read": sum(f["rows_read"] for f in usable),
        "rows_rejected": sum(f["rows_rejected"] for f in usable),
        "unusable": sum(1 for f in files if not f["usable"]),
    }


def _describe(report: Any, max_errors: int) -> dict[str, Any]:
    sheets = []
    for result in report.sheets:
        layout = result.layout
        issues: pd.DataFrame = result.issues
        errors = issues[issues["level"] == "error"] if not issues.empty else issues
        remarks = issues[issues["level"] == "remark"] if not issues.empty else issues
        sheets.append(
            {
                "sheet": result.sheet,
                "kind": result.kind,
                "header_rows": result.header_row_numbers,
                "columns": {layout.labels[pos]: col for pos, col in sorted(layout.mapping.items())},
                "unrecognised": layout.unrecognised,
                "ignored_duplicates": layout.duplicates,
                "term": result.sheet_term,
                "term_from": result.term_from,
                "rows_read": result.rows_read,
                "rows_accepted": result.rows_read - result.rows_rejected,
                "rows_rejected": result.rows_rejected,
                "remarks": int(len(remarks)),
                "notes": [t(n) for n in result.notes],
                "errors": [_issue_row(r) for r in errors.head(max_errors).itertuples(index=False)],
                "error_count": int(len(errors)),
            }
        )
    return {
        "file": report.file,
        "path": str(report.path),
        "usable": True,
        "sheets": sheets,
        "skipped_sheets": [{"sheet": s.sheet, "reason": t(s.reason)} for s in report.skipped],
        "rows_read": report.rows_read,
        "rows_rejected": report.rows_rejected,
    }


def _issue_row(r: Any) -> dict[str, Any]:
    params = json.loads(r.params) if isinstance(r.params, str) and r.params else {}
    return {
        "row": int(r.row),
        "column": r.column if isinstance(r.column, str) else None,
        "code": r.code,
        "message": mask_ids_in_text(render_issue(r.code, params)),
    }
