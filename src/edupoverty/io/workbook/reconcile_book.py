"""Write ``reconcile.xlsx``: 汇总 first, one sheet per rule that fired, 说明 last.

The workbook is what the clerk works from: in Chinese (or ``--lang``), one row per
finding with the person, programme, term, amount and message, and a link from each row
to the same row in the annotated copy of the file it came from. Every sheet is written
by openpyxl in write-only (streaming) mode, so memory stays flat however many findings a
county has; charts are openpyxl's native Excel charts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from copy import copy
from pathlib import Path
from typing import Any, Final

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from edupoverty.core import columns as C  # noqa: N812 - the package's one short name for column constants
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.findings import RuleSpec
from edupoverty.core.normalise.ids import mask_account, mask_id, mask_ids_in_text
from edupoverty.core.summary import Summary
from edupoverty.i18n import t
from edupoverty.io.loading import LoadedInputs
from edupoverty.io.workbook.annotate import copy_sheet_name, location_text, rule_specs, split_ref
from edupoverty.io.workbook.styles import (
    CURRENCY_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    ID_FORMAT,
    INTEGER_FORMAT,
    TITLE_FONT,
    WRAP,
    column_widths,
    freeze_and_filter,
    safe_text,
    set_widths,
    severity_fill,
)
from edupoverty.io.writers.atomic import atomic_write, refuse_input_overlap

MAX_LINKS_PER_SHEET: Final = 65_530
"""Excel keeps at most this many hyperlinks on one worksheet; later rows carry plain text."""

TOP_SCHOOLS: Final = 15
"""Schools shown in the per-school chart."""

LINK_FONT: Final = Font(color="0563C1", underline="single")

RULE_SHEET_COLUMNS: Final = (
    ("title", "workbook.col.rule"),
    ("severity", "workbook.col.severity"),
    ("person", "workbook.col.person_id"),
    ("name", "workbook.col.name"),
    ("source", "workbook.col.source"),
    ("file", "workbook.col.file"),
    ("sheet", "workbook.col.sheet"),
    ("row", "workbook.col.row"),
    ("program", "workbook.col.program"),
    ("term", "workbook.col.term"),
    ("amount", "workbook.col.amount"),
    ("message", "workbook.col.message"),
    ("related", "workbook.col.related"),
    ("township", "workbook.col.township"),
    ("school", "workbook.col.school"),
    ("account", "workbook.col.account"),
)
"""(finding table column, header message id) of a rule sheet, in order."""

_FORBIDDEN_IN_SHEET_NAME: Final = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def sheet_title(text: str, taken: set[str]) -> str:
    """Return a valid, unused sheet name for ``text`` (≤ 31 characters, no ``[]:*?/\\``)."""
    base = text.translate(_FORBIDDEN_IN_SHEET_NAME).strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in {s.lower() for s in taken}:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def finding_table(
    loaded: LoadedInputs, result: ReconcileResult, *, mask: bool = False
) -> pd.DataFrame:
    """Return the findings as the clerk reads them, joined to their rows' school and township.

    Each finding is joined back to the loaded row it is located on, by ``source, file,
    sheet, row``, for the school (学校 / 学校名称), township (乡(镇) / 乡镇), the ID as
    written (shown when the ID is not valid) and, for ledger rows, the account.

    Args:
        loaded: the loaded inputs (the three canonical frames).
        result: the reconcile result (``findings`` with ``FINDING_COLUMNS``).
        mask: mask IDs, accounts and any ID inside a message.

    Returns:
        One row per finding, in the findings' order, with columns ``rule, title,
        severity, severity_code, person, name, source, file, sheet, row, program, term,
        amount (yuan, float), message, related, township, school, account``.
    """
    f = result.findings.reset_index(drop=True)
    keys = [C.SOURCE, C.FILE, C.SHEET, C.ROW]
    parts = []
    for kind in ("registry", "roster", "ledger"):
        frame = loaded.frame(kind)
        if frame.empty:
            continue
        cols = [c for c in (*keys, C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT) if c in frame]
        part = frame[cols].copy()
        part[C.SOURCE] = kind
        parts.append(part)
    located = f[keys].copy()
    located[C.SOURCE] = located[C.SOURCE].astype(str)
    located[C.FILE] = located[C.FILE].astype(str)
    located[C.SHEET] = located[C.SHEET].fillna("").astype(str)
    located[C.ROW] = located[C.ROW].astype("Int64")
    extra = pd.DataFrame(
        index=f.index, columns=[C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT], dtype=object
    )
    if parts and not f.empty:
        rows = pd.concat(parts, ignore_index=True)
        for col in (C.SOURCE, C.FILE):
            rows[col] = rows[col].astype(str)
        rows[C.SHEET] = rows[C.SHEET].fillna("").astype(str)
        rows[C.ROW] = rows[C.ROW].astype("Int64")
        rows = rows.drop_duplicates(keys)
        for col in (C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT):
            if col not in rows:
                rows[col] = None
        merged = located.merge(rows, on=keys, how="left")
        extra = merged[[C.SCHOOL, C.TOWNSHIP, C.ID_RAW, C.ACCOUNT]].astype(object)
        extra.index = f.index
        extra[C.TOWNSHIP] = extra[C.TOWNSHIP].where(
            extra[C.TOWNSHIP].notna(), extra[C.SCHOOL].map(_township_by_school(rows))
        )
    titles = {s.code: s.title for s in rule_specs()}
    programs = _program_names(result)
    person = f[C.PERSON_ID].astype(object).where(f[C.PERSON_ID].notna(), extra[C.ID_RAW])
    account = extra[C.ACCOUNT]
    message = f["message"].astype(object).fillna("")
    if mask:
        person = person.map(lambda v: mask_id(str(v)) if _present(v) else None)
        account = account.map(lambda v: mask_account(str(v)) if _present(v) else None)
        message = message.map(lambda v: mask_ids_in_text(str(v)))
    cents = f[C.AMOUNT_CENTS].astype("Float64")
    return (
        pd.DataFrame(
            {
                "rule": f["rule"].astype(str),
                "title": f["rule"].astype(str).map(lambda c: titles.get(c, c)),
                "severity": f["severity"].astype(str).map(lambda s: t(f"severity.{s}")),
                "severity_code": f["severity"].astype(str),
                "person": person,
                "name": f[C.NAME].astype(object),
                "source": f[C.SOURCE].astype(str).map(lambda s: t(f"kind.{s}")),
                "file": f[C.FILE].astype(object),
                "sheet": f[C.SHEET].astype(object).fillna(""),
                "row": f[C.ROW].astype(object).where(f[C.ROW].notna(), None),
                "program": f[C.PROGRAM]
                .astype(object)
                .map(lambda p: programs.get(p, p) if _present(p) else None),
                "term": f[C.TERM].astype(object),
                "amount": (cents / 100).astype(object).where(cents.notna(), None),
                "message": message,
                "related": f["related"].astype(object).fillna("").map(_related_text),
                "township": extra[C.TOWNSHIP],
                "school": extra[C.SCHOOL],
                "account": account,
            }
        )
        .astype(object)
        .pipe(lambda d: d.where(d.notna(), None))
    )


def _present(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and pd.isna(value))
        and str(value) != ""
    )


def _township_by_school(rows: pd.DataFrame) -> dict[str, str]:
    """Return school → its most frequent township, from rows carrying both (ledgers do)."""
    both = rows[[C.SCHOOL, C.TOWNSHIP]].dropna()
    if both.empty:
        return {}
    counts = both.value_counts().reset_index().drop_duplicates(C.SCHOOL)
    return dict(zip(counts[C.SCHOOL].astype(str), counts[C.TOWNSHIP].astype(str), strict=True))


def _program_names(result: ReconcileResult) -> dict[str, str]:
    if result.context is None:
        return {}
    return {str(p.code): str(p.name) for p in result.context.policy.programs}


def _related_text(related: str) -> str:
    places = []
    for ref in related.split(";"):
        parsed = split_ref(ref) if ref.strip() else None
        if parsed is not None:
            _source, file, sheet, row = parsed
            places.append(location_text(file, sheet, row))
    return "；".join(places)


class _Cells:
    """Make write-only cells from a few style templates (copying a style array is cheap)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._templates: dict[str, Any] = {}

    def define(self, key: str, **styles: Any) -> None:
        template = WriteOnlyCell(self.ws)
        for attr, value in styles.items():
            setattr(template, attr, value)
        self._templates[key] = template

    def text(self, value: Any, style: str | None = None) -> Any:
        """Return a string cell (formula-safe) with the style of ``style``."""
        cell = WriteOnlyCell(self.ws, safe_text(value))
        cell.data_type = "s"
        if style is not None:
            cell._style = copy(self._templates[style]._style)
        return cell

    def number(self, value: float | int, style: str | None = None) -> Any:
        """Return a number cell with the style of ``style``."""
        cell = WriteOnlyCell(self.ws, value)
        if style is not None:
            cell._style = copy(self._templates[style]._style)
        return cell


def _standard_cells(ws: Any) -> _Cells:
    cells = _Cells(ws)
    cells.define("header", font=HEADER_FONT, fill=HEADER_FILL, alignment=WRAP)
    cells.define("title", font=TITLE_FONT)
    cells.define("section", font=HEADER_FONT)
    cells.define("id", number_format=ID_FORMAT)
    cells.define("money", number_format=CURRENCY_FORMAT)
    cells.define("int", number_format=INTEGER_FORMAT)
    cells.define("wrap", alignment=WRAP)
    cells.define("link", font=LINK_FONT)
    cells.define("total", font=HEADER_FONT)
    cells.define("total_money", font=HEADER_FONT, number_format=CURRENCY_FORMAT)
    for severity in ("high", "medium", "low"):
        cells.define(severity, fill=severity_fill(severity))
    cells.define("notice", fill=severity_fill("medium"), alignment=WRAP)
    return cells


def write_reconcile_workbook(
    target: Path,
    loaded: LoadedInputs,
    result: ReconcileResult,
    summary: Summary,
    *,
    mask: bool = False,
    annotated: dict[str, Path] | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """Write reconcile.xlsx: 汇总, one sheet per rule that fired, then 说明.

    Args:
        target: the workbook path (``DIR/reconcile.xlsx``).
        loaded: the loaded inputs (for each finding's school and township).
        result: the reconcile result (findings in the stable order).
        summary: the run's summary (files, rules, policy, as-of date, terms).
        mask: mask ID and bank-account numbers (``--mask``); the 汇总 sheet says which.
        annotated: input file name → annotated copy; rows of those files link into it.
        inputs: input paths, which the workbook must never overwrite.

    Raises:
        InputError: the target is an input, or its folder cannot be written.
    """
    protected = [*inputs, *(r.path for r in loaded.files)]
    refuse_input_overlap(target, protected)  # before any work: an input is never an output
    specs = rule_specs()
    table = finding_table(loaded, result, mask=mask)
    wb = Workbook(write_only=True)
    try:
        taken: set[str] = set()
        summary_ws = wb.create_sheet(sheet_title(t("workbook.sheet.summary"), taken))
        _write_summary_sheet(summary_ws, summary, table, specs, mask)
        by_rule = {str(code): rows for code, rows in table.groupby("rule", sort=False)}
        for spec in specs:
            rows = by_rule.get(spec.code)
            if rows is not None and not rows.empty:
                ws = wb.create_sheet(sheet_title(spec.title, taken))
                _write_rule_sheet(ws, rows, annotated or {}, target.parent)
        _write_notes_sheet(
            wb.create_sheet(sheet_title(t("workbook.sheet.notes"), taken)), specs, summary
        )
        with atomic_write(target, protected) as tmp:
            wb.save(tmp)
    except BaseException:
        _discard(wb)
        raise


def _discard(wb: Any) -> None:
    """Close the streaming sheets of a workbook that will not be saved (their temp files)."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()


def _header(cells: _Cells, labels: Sequence[str]) -> list[Any]:
    return [cells.text(label, "header") for label in labels]


def _write_rule_sheet(ws: Any, rows: pd.DataFrame, annotated: dict[str, Path], base: Path) -> None:
    """Write one rule's findings: a row each, ID as text, amount as money, row linked."""
    columns = [
        (key, msg)
        for key, msg in RULE_SHEET_COLUMNS
        if key != "account" or rows["account"].notna().any()
    ]
    keys = [key for key, _msg in columns]
    headers = [t(msg) for _key, msg in columns]
    data = rows[keys]
    widths = column_widths(headers, data.head(500).itertuples(index=False, name=None))
    if "message" in keys:
        widths[keys.index("message")] = 60.0
    set_widths(ws, widths)
    freeze_and_filter(ws, 1, len(keys), len(data) + 1)
    cells = _standard_cells(ws)
    ws.append(_header(cells, headers))
    links = {file: _relative(path, base) for file, path in annotated.items()}
    linked = 0
    severities = rows["severity_code"].tolist()
    for values, severity in zip(data.itertuples(index=False, name=None), severities, strict=True):
        out: list[Any] = []
        record = dict(zip(keys, values, strict=True))
        for key, value in record.items():
            if value is None:
                out.append(None)
            elif key == "severity":
                out.append(cells.text(value, severity))
            elif key in ("person", "account"):
                out.append(cells.text(value, "id"))
            elif key == "amount":
                out.append(cells.number(float(value), "money"))
            elif key == "row":
                link = links.get(str(record["file"]))
                if link is not None and linked < MAX_LINKS_PER_SHEET:
                    cell = cells.number(int(value), "link")
                    sheet = copy_sheet_name(
                        str(record["file"]), str(record["sheet"] or "")
                    ).replace("'", "''")
                    cell.hyperlink = Hyperlink(
                        ref="", target=link, location=f"'{sheet}'!A{int(value)}"
                    )
                    linked += 1
                    out.append(cell)
                else:
                    out.append(int(value))
            elif key == "message":
                out.append(cells.text(value, "wrap"))
            else:
                out.append(cells.text(value))
        ws.append(out)


def _relative(path: Path, base: Path) -> str:
    """Return the link target of an annotated copy relative to the workbook, with ``/``."""
    try:
        rel = os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive on Windows: an absolute link still works
        return path.resolve().as_uri()
    return rel.replace(os.sep, "/")


def _write_summary_sheet(
    ws: Any, summary: Summary, table: pd.DataFrame, specs: Sequence[RuleSpec], mask: bool
) -> None:
    """Write 汇总: run facts, inputs, a table per rule, a township × school pivot, two charts."""
    cells = _standard_cells(ws)
    fired = [s for s in specs if (table["rule"] == s.code).any()] if not table.empty else []
    pivot = _pivot(table, fired)
    widest = max(6, 3 + len(fired))
    first_column = [
        t("workbook.fact.ids"),
        *(f.file for f in summary.files),
        *(s.title for s in specs),
        *pivot["township"].astype(str),
    ]
    set_widths(
        ws,
        [min(40.0, max(12.0, column_widths([], [[v] for v in first_column])[0])), 30.0]
        + [14.0] * (widest - 2),
    )
    ws.freeze_panes = "A2"
    row = 0

    def put(values: list[Any]) -> int:
        nonlocal row
        ws.append(values)
        row += 1
        return row

    put([cells.text(t("workbook.title"), "title")])
    put([])
    put(_header(cells, [t("workbook.fact.item"), t("workbook.fact.value")]))
    source = summary.policy.get("source", "")
    policy_text = t(
        "workbook.fact.policy_value",
        name=summary.policy.get("name", ""),
        source=t("workbook.fact.builtin") if source == "builtin" else source,
    )
    facts: list[tuple[str, Any, str | None]] = [
        ("workbook.fact.as_of", summary.as_of, None),
        ("workbook.fact.terms", "、".join(summary.terms), None),
        ("workbook.fact.policy", policy_text, None),
        ("workbook.fact.version", f"{summary.tool} {summary.version}", None),
        (
            "workbook.fact.ids",
            t("workbook.fact.ids_masked" if mask else "workbook.fact.ids_full"),
            "wrap" if mask else "notice",
        ),
        ("workbook.fact.rows_read", sum(summary.rows_read.values()), "int"),
        ("workbook.fact.rows_rejected", summary.rows_rejected, "int"),
        ("workbook.fact.findings", summary.findings_total, "int"),
        ("workbook.fact.amount", float(summary.amount_total), "money"),
    ]
    for msg, value, style in facts:
        if isinstance(value, int | float) and style in ("int", "money"):
            put([cells.text(t(msg)), cells.number(value, style)])
        else:
            put([cells.text(t(msg)), cells.text(value, style)])
    put([])
    put([cells.text(t("workbook.section.inputs"), "section")])
    put(
        _header(
            cells,
            [
                t(m)
                for m in (
                    "workbook.col.file",
                    "workbook.col.kind",
                    "workbook.col.sheets",
                    "workbook.col.skipped_sheets",
                    "workbook.col.rows_read",
                    "workbook.col.rows_rejected",
                )
            ],
        )
    )
    for facts_row in summary.files:
        kind = t(f"kind.{facts_row.kind}") if facts_row.kind else ""
        put(
            [
                cells.text(facts_row.file),
                cells.text(kind),
                cells.text("、".join(facts_row.sheets)),
                cells.text("、".join(facts_row.skipped_sheets)),
                cells.number(facts_row.rows_read, "int"),
                cells.number(facts_row.rows_rejected, "int"),
            ]
        )
    put([])
    put([cells.text(t("workbook.section.rules"), "section")])
    rules_header = put(
        _header(
            cells,
            [
                t(m)
                for m in (
                    "workbook.col.rule",
                    "workbook.col.code",
                    "workbook.col.severity",
                    "workbook.col.count",
                    "workbook.col.people",
                    "workbook.col.money",
                )
            ],
        )
    )
    for facts_rule in summary.rules:
        put(
            [
                cells.text(facts_rule.title),
                cells.text(facts_rule.rule),
                cells.text(t(f"severity.{facts_rule.severity}"), facts_rule.severity),
                cells.number(facts_rule.count, "int"),
                cells.number(facts_rule.people, "int"),
                cells.number(float(facts_rule.amount), "money"),
            ]
        )
    rules_last = row
    put(
        [
            cells.text(t("workbook.total"), "total"),
            None,
            None,
            cells.number(summary.findings_total, "int"),
            None,
            cells.number(float(summary.amount_total), "total_money"),
        ]
    )
    if summary.rules_skipped:
        put([])
        put([cells.text(t("workbook.section.skipped"), "section")])
        put(
            _header(
                cells, [t("workbook.col.rule"), t("workbook.col.code"), t("workbook.col.reason")]
            )
        )
        titles = {s.code: s.title for s in specs}
        for code, reason in summary.rules_skipped.items():
            missing = "、".join(t(f"kind.{k}") for k in reason.split(":", 1)[-1].split(",") if k)
            put(
                [
                    cells.text(titles.get(code, code)),
                    cells.text(code),
                    cells.text(t("workbook.rule_not_run", reason=missing)),
                ]
            )
    put([])
    put([cells.text(t("workbook.section.pivot"), "section")])
    pivot_header = put(
        _header(
            cells,
            [
                t("workbook.col.township"),
                t("workbook.col.school"),
                *(s.title for s in fired),
                t("workbook.col.total"),
            ],
        )
    )
    for values in pivot.itertuples(index=False, name=None):
        put(
            [
                cells.text(values[0]),
                cells.text(values[1]),
                *(cells.number(int(v), "int") for v in values[2:]),
            ]
        )
    pivot_last = row
    ws.auto_filter.ref = f"A{pivot_header}:{_letter(len(fired) + 3)}{max(pivot_last, pivot_header)}"
    schools = _top_schools(pivot)
    school_header = 0
    if not schools.empty:
        put([])
        put([cells.text(t("workbook.chart.by_school", n=TOP_SCHOOLS), "section")])
        school_header = put(_header(cells, [t("workbook.col.school"), t("workbook.chart.count")]))
        for school, count in schools.itertuples(index=False, name=None):
            put([cells.text(school), cells.number(int(count), "int")])
    anchor = _letter(widest + 2)
    if summary.rules:
        chart = _bar_chart(
            t("workbook.chart.by_rule"), ws, 4, rules_header, rules_last, len(summary.rules)
        )
        ws.add_chart(chart, f"{anchor}3")
    if school_header:
        chart = _bar_chart(
            t("workbook.chart.by_school", n=TOP_SCHOOLS),
            ws,
            2,
            school_header,
            school_header + len(schools),
            len(schools),
        )
        ws.add_chart(chart, f"{anchor}24")


def _letter(n: int) -> str:
    return str(get_column_letter(n))


def _bar_chart(title: str, ws: Any, value_col: int, header_row: int, last_row: int, n: int) -> Any:
    """Return a horizontal bar chart of one column against the first column's labels."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.y_axis.title = t("workbook.chart.count")
    chart.height = max(7.5, 0.6 * n + 3)
    chart.width = 18
    data = Reference(
        ws, min_col=value_col, min_row=header_row, max_row=max(last_row, header_row + 1)
    )
    labels = Reference(ws, min_col=1, min_row=header_row + 1, max_row=max(last_row, header_row + 1))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(labels)
    chart.x_axis.scaling.orientation = "maxMin"  # first rule at the top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def _pivot(table: pd.DataFrame, fired: Sequence[RuleSpec]) -> pd.DataFrame:
    """Return findings counted by township and school (rows) and rule (columns), with a total."""
    columns = ["township", "school", *(s.code for s in fired), "total"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    unknown = t("workbook.unknown")
    frame = pd.DataFrame(
        {
            "township": table["township"].fillna(unknown).astype(str),
            "school": table["school"].fillna(unknown).astype(str),
            "rule": table["rule"].astype(str),
        }
    )
    counts = pd.crosstab([frame["township"], frame["school"]], frame["rule"])
    counts = counts.reindex(columns=[s.code for s in fired], fill_value=0)
    counts["total"] = counts.sum(axis=1)
    return counts.reset_index()[columns].sort_values(["township", "school"], kind="stable")


def _top_schools(pivot: pd.DataFrame) -> pd.DataFrame:
    if pivot.empty:
        return pd.DataFrame(columns=["school", "total"])
    by_school = pivot.groupby("school", sort=False)["total"].sum().reset_index()
    return by_school.sort_values(["total", "school"], ascending=[False, True], kind="stable").head(
        TOP_SCHOOLS
    )


def _write_notes_sheet(ws: Any, specs: Sequence[RuleSpec], summary: Summary) -> None:
    """Write 说明: each rule's title, code, severity, meaning, what to do, and this run's count."""
    headers = [
        t(m)
        for m in (
            "workbook.col.rule",
            "workbook.col.code",
            "workbook.col.severity",
            "workbook.col.description",
            "workbook.col.action",
            "workbook.col.count",
        )
    ]
    counts = {r.rule: r.count for r in summary.rules}
    set_widths(ws, [18.0, 22.0, 10.0, 60.0, 60.0, 8.0])
    freeze_and_filter(ws, 1, len(headers), len(specs) + 1)
    cells = _standard_cells(ws)
    ws.append(_header(cells, headers))
    for spec in specs:
        severity = spec.severity.value
        count = counts.get(spec.code)
        ws.append(
            [
                cells.text(spec.title),
                cells.text(spec.code),
                cells.text(t(f"severity.{severity}"), severity),
                cells.text(spec.description, "wrap"),
                cells.text(spec.action, "wrap"),
                cells.number(count, "int") if count is not None else None,
            ]
        )
