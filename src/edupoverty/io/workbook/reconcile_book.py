"""Write ``reconcile.xlsx``: 汇总 first, one sheet per rule that fired, 说明 last.

The workbook is what the clerk works from: in Chinese (or ``--lang``), one row per
finding with the person, programme, term, amount and message, and a link from each row
to the same row in the annotated copy of the file it came from. Every sheet is written
by xlsxwriter row by row (``streaming.py``), so memory stays flat however many findings a
province has; charts are xlsxwriter's native Excel charts. openpyxl's write-only cells
cost about 1 ms a finding, a minute and a half for 100,000 findings (issue 7).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd
from xlsxwriter.url import Url

from edupoverty.core import columns as C  # noqa: N812 - the package's one short name for column constants
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.findings import RuleSpec
from edupoverty.core.normalise.ids import mask_account, mask_id, mask_ids_in_text
from edupoverty.core.summary import Summary
from edupoverty.i18n import t
from edupoverty.io.loading import LoadedInputs
from edupoverty.io.workbook.annotate import copy_sheet_name, location_text, rule_specs, split_ref
from edupoverty.io.workbook.located import located_extras
from edupoverty.io.workbook.streaming import (
    EXCEL_LINKS_PER_SHEET,
    Column,
    Number,
    SheetRows,
    Text,
    streaming_workbook,
    write_table,
)
from edupoverty.io.workbook.styles import column_widths
from edupoverty.io.writers.atomic import atomic_write, refuse_input_overlap

MAX_LINKS_PER_SHEET: Final = EXCEL_LINKS_PER_SHEET
"""Excel keeps at most this many hyperlinks on one worksheet; later rows carry plain text."""

TOP_SCHOOLS: Final = 15
"""Schools shown in the per-school chart."""

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

MESSAGE_WIDTH: Final = 60.0
"""Width of the 说明 column of a rule sheet: long messages wrap."""

_CM: Final = 96 / 2.54
"""Pixels per centimetre, for chart sizes."""

_FORBIDDEN_IN_SHEET_NAME: Final = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))

# Characters a relationship target must carry percent-encoded. "#" is one of them: a copy
# named 第#1小学.xlsx would otherwise have its link cut at the "#". The rest are those
# xlsxwriter encodes itself (it leaves a target alone once it holds a %XX).
_TARGET_ESCAPES: Final = str.maketrans(
    {
        "%": "%25",
        "#": "%23",
        " ": "%20",
        '"': "%22",
        "<": "%3c",
        ">": "%3e",
        "[": "%5b",
        "]": "%5d",
        "^": "%5e",
        "`": "%60",
        "{": "%7b",
        "}": "%7d",
    }
)


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
        amount (yuan, float), message, related, township, school, account``; every
        column of dtype object, None where empty.
    """
    f = result.findings.reset_index(drop=True)
    extra = located_extras(loaded, f)
    titles = {s.code: s.title for s in rule_specs()}
    programs = _program_names(result)
    person = f[C.PERSON_ID].astype(object).where(f[C.PERSON_ID].notna(), extra[C.ID_RAW])
    account = extra[C.ACCOUNT]
    message = f["message"].astype(object).fillna("")
    if mask:
        person = _per_value(person, lambda v: mask_id(str(v)) if _present(v) else None)
        account = _per_value(account, lambda v: mask_account(str(v)) if _present(v) else None)
        message = _per_value(message, lambda v: mask_ids_in_text(str(v)))
    rule = f["rule"].astype(str)
    severity = f["severity"].astype(str)
    cents = f[C.AMOUNT_CENTS].astype("Float64")
    return (
        pd.DataFrame(
            {
                "rule": rule,
                "title": _per_value(rule, lambda c: titles.get(c, c)),
                "severity": _per_value(severity, lambda s: t(f"severity.{s}")),
                "severity_code": severity,
                "person": person,
                "name": f[C.NAME].astype(object),
                "source": _per_value(f[C.SOURCE].astype(str), lambda s: t(f"kind.{s}")),
                "file": f[C.FILE].astype(object),
                "sheet": f[C.SHEET].astype(object).fillna(""),
                "row": f[C.ROW].astype(object).where(f[C.ROW].notna(), None),
                "program": _per_value(
                    f[C.PROGRAM], lambda p: programs.get(p, p) if _present(p) else None
                ),
                "term": f[C.TERM].astype(object),
                "amount": (cents / 100).astype(object).where(cents.notna(), None),
                "message": message,
                "related": _per_value(f["related"].astype(object).fillna(""), _related_text),
                "township": extra[C.TOWNSHIP],
                "school": extra[C.SCHOOL],
                "account": account,
            }
        )
        .astype(object)
        .pipe(lambda d: d.where(d.notna(), None))
    )


def _per_value(values: pd.Series, fn: Callable[[Any], object]) -> pd.Series:
    """Return ``fn`` of each value (NA passed as None), computed once per distinct value."""
    items = values.astype(object).where(values.notna(), None).tolist()
    done = {v: fn(v) for v in dict.fromkeys(items)}
    return pd.Series([done[v] for v in items], index=values.index, dtype=object)


def _present(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and pd.isna(value))
        and str(value) != ""
    )


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
        OutputError: the target is an input, its folder cannot be written, or writing
            failed (disk full).
    """
    protected = [*inputs, *(r.path for r in loaded.files)]
    refuse_input_overlap(target, protected)  # before any work: an input is never an output
    specs = rule_specs()
    table = finding_table(loaded, result, mask=mask)
    links = {file: _relative(path, target.parent) for file, path in (annotated or {}).items()}
    by_rule = {str(code): rows for code, rows in table.groupby("rule", sort=False)}
    with atomic_write(target, protected) as tmp, streaming_workbook(tmp) as (wb, styles):
        taken: set[str] = set()
        summary_ws = wb.add_worksheet(sheet_title(t("workbook.sheet.summary"), taken))
        _write_summary_sheet(wb, summary_ws, styles, summary, table, specs, mask)
        for spec in specs:
            rows = by_rule.get(spec.code)
            if rows is not None and not rows.empty:
                ws = wb.add_worksheet(sheet_title(spec.title, taken))
                _write_rule_sheet(ws, styles, rows, links)
        notes_ws = wb.add_worksheet(sheet_title(t("workbook.sheet.notes"), taken))
        _write_notes_sheet(notes_ws, styles, specs, summary)


def _write_rule_sheet(
    ws: Any, styles: dict[str, Any], rows: pd.DataFrame, links: dict[str, str]
) -> None:
    """Write one rule's findings: a row each, ID as text, amount as money, row linked."""
    keys = [
        key for key, _msg in RULE_SHEET_COLUMNS if key != "account" or rows["account"].notna().any()
    ]
    values = {key: rows[key].tolist() for key in keys}
    row_numbers = [None if v is None else int(v) for v in values["row"]]
    urls = _row_links(row_numbers, values["file"], values["sheet"], links)
    columns = []
    for key, msg in RULE_SHEET_COLUMNS:
        if key not in values:
            continue
        header = t(msg)
        if key == "severity":
            columns.append(Column(header, values[key], row_styles=rows["severity_code"].tolist()))
        elif key in ("person", "account"):
            columns.append(Column(header, values[key], style="id"))
        elif key == "amount":
            amounts = [None if v is None else float(v) for v in values[key]]
            columns.append(Column(header, amounts, number=True, style="money"))
        elif key == "row":
            link_styles = ["link" if i in urls else None for i in range(len(row_numbers))]
            columns.append(Column(header, row_numbers, number=True, row_styles=link_styles))
        elif key == "message":
            columns.append(Column(header, values[key], style="wrap", width=MESSAGE_WIDTH))
        else:
            columns.append(Column(header, values[key]))
    write_table(ws, styles, columns, links=urls, link_column=keys.index("row"))


def _row_links(
    rows: Sequence[int | None], files: Sequence[Any], sheets: Sequence[Any], links: dict[str, str]
) -> dict[int, Url]:
    """Return data row → link to the same row in its file's annotated copy (Excel's limit kept)."""
    out: dict[int, Url] = {}
    if not links:
        return out
    sheet_names: dict[tuple[str, str], str] = {}
    templates: dict[str, Url] = {}
    for i, (row, file, sheet) in enumerate(zip(rows, files, sheets, strict=True)):
        target = links.get(str(file))
        if row is None or target is None:
            continue
        if len(out) >= MAX_LINKS_PER_SHEET:
            break
        key = (str(file), str(sheet or ""))
        name = sheet_names.get(key)
        if name is None:
            name = sheet_names[key] = copy_sheet_name(*key).replace("'", "''")
        template = templates.get(target)
        if template is None:
            template = templates[target] = file_link(target, "A1", "")
        out[i] = _moved(template, f"'{name}'!A{row}", str(row))
    return out


def file_link(target: str, location: str, text: str) -> Url:
    """Return an xlsxwriter link to ``location`` (``'Sheet1'!A57``) in the workbook ``target``.

    Args:
        target: a path relative to the workbook, with ``/``, or a ``file:`` URI.
        location: the sheet and cell to open.
        text: the text the link stands for.
    """
    if target.startswith("file:"):
        url = Url(f"{target.translate(_TARGET_ESCAPES)}#{location}")
    else:
        url = Url(f"external:{target.translate(_TARGET_ESCAPES)}#{location}")
        # xlsxwriter stores a relative file link with "\" as Excel for Windows does; "/" is
        # the separator the OPC relationship part asks for, which LibreOffice and Excel for
        # Mac follow and every Excel reads (openpyxl wrote it so before issue 7).
        url._relationship_link = url._relationship_link.replace("\\", "/")
    url.text = text
    return url


def _moved(link: Url, location: str, text: str) -> Url:
    """Return a copy of ``link`` pointing at another cell of the same workbook.

    Parsing a link costs about 20 µs, a sixth of a linked row's time; every row of a sheet
    links into the same copy, so one parsed link is copied and its anchor (the part after
    ``#``, kept unescaped by xlsxwriter) replaced.
    """
    moved: Url = Url.__new__(Url)
    moved.__dict__.update(link.__dict__, _anchor=location)  # copy.copy costs 10 µs here
    moved.text = text
    return moved


def _relative(path: Path, base: Path) -> str:
    """Return the link target of an annotated copy relative to the workbook, with ``/``."""
    try:
        rel = os.path.relpath(path.resolve(), base.resolve())
    except ValueError:  # another drive on Windows: an absolute link still works
        return path.resolve().as_uri()
    return rel.replace(os.sep, "/")


def _write_summary_sheet(
    wb: Any,
    ws: Any,
    styles: dict[str, Any],
    summary: Summary,
    table: pd.DataFrame,
    specs: Sequence[RuleSpec],
    mask: bool,
) -> None:
    """Write 汇总: run facts, inputs, a table per rule, a township × school pivot, two charts.

    Row by row from the top (the workbook streams); the charts, drawn from the rule table
    and the top schools, are placed once their rows are known.
    """
    fired = [s for s in specs if (table["rule"] == s.code).any()] if not table.empty else []
    pivot = _pivot(table, fired)
    widest = max(6, 3 + len(fired))
    first_column = [
        t("workbook.fact.ids"),
        *(f.file for f in summary.files),
        *(s.title for s in specs),
        *pivot["township"].astype(str),
    ]
    first_width = min(40.0, max(12.0, column_widths([], [[v] for v in first_column])[0]))
    for col, width in enumerate([first_width, 30.0] + [14.0] * (widest - 2)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    out = SheetRows(ws, styles)

    def header(*message_ids: str) -> int:
        return out.put(*(Text(t(m), "header") for m in message_ids))

    out.put(Text(t("workbook.title"), "title"))
    out.skip()
    header("workbook.fact.item", "workbook.fact.value")
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
            out.put(Text(t(msg)), Number(value, style))
        else:
            out.put(Text(t(msg)), Text(value, style))
    out.skip()
    out.put(Text(t("workbook.section.inputs"), "section"))
    header(
        "workbook.col.file",
        "workbook.col.kind",
        "workbook.col.sheets",
        "workbook.col.skipped_sheets",
        "workbook.col.rows_read",
        "workbook.col.rows_rejected",
    )
    for facts_row in summary.files:
        out.put(
            Text(facts_row.file),
            Text(t(f"kind.{facts_row.kind}") if facts_row.kind else ""),
            Text("、".join(facts_row.sheets)),
            Text("、".join(facts_row.skipped_sheets)),
            Number(facts_row.rows_read, "int"),
            Number(facts_row.rows_rejected, "int"),
        )
    out.skip()
    out.put(Text(t("workbook.section.rules"), "section"))
    rules_header = header(
        "workbook.col.rule",
        "workbook.col.code",
        "workbook.col.severity",
        "workbook.col.count",
        "workbook.col.people",
        "workbook.col.money",
    )
    for facts_rule in summary.rules:
        out.put(
            Text(facts_rule.title),
            Text(facts_rule.rule),
            Text(t(f"severity.{facts_rule.severity}"), facts_rule.severity),
            Number(facts_rule.count, "int"),
            Number(facts_rule.people, "int"),
            Number(float(facts_rule.amount), "money"),
        )
    out.put(
        Text(t("workbook.total"), "total"),
        None,
        None,
        Number(summary.findings_total, "int"),
        None,
        Number(float(summary.amount_total), "total_money"),
    )
    if summary.rules_skipped:
        out.skip()
        out.put(Text(t("workbook.section.skipped"), "section"))
        header("workbook.col.rule", "workbook.col.code", "workbook.col.reason")
        titles = {s.code: s.title for s in specs}
        for code, reason in summary.rules_skipped.items():
            missing = "、".join(t(f"kind.{k}") for k in reason.split(":", 1)[-1].split(",") if k)
            out.put(
                Text(titles.get(code, code)),
                Text(code),
                Text(t("workbook.rule_not_run", reason=missing)),
            )
    out.skip()
    out.put(Text(t("workbook.section.pivot"), "section"))
    pivot_header = out.put(
        *(
            Text(label, "header")
            for label in (
                t("workbook.col.township"),
                t("workbook.col.school"),
                *(s.title for s in fired),
                t("workbook.col.total"),
            )
        )
    )
    for values in pivot.itertuples(index=False, name=None):
        out.put(Text(values[0]), Text(values[1]), *(Number(int(v), "int") for v in values[2:]))
    ws.autofilter(pivot_header, 0, max(out.row - 1, pivot_header), len(fired) + 2)
    schools = _top_schools(pivot)
    anchor = widest + 1
    if summary.rules:
        chart = _bar_chart(
            wb, ws.name, t("workbook.chart.by_rule"), 3, rules_header, len(summary.rules)
        )
        ws.insert_chart(2, anchor, chart)
    if not schools.empty:
        out.skip()
        out.put(Text(t("workbook.chart.by_school", n=TOP_SCHOOLS), "section"))
        school_header = header("workbook.col.school", "workbook.chart.count")
        for school, count in schools.itertuples(index=False, name=None):
            out.put(Text(school), Number(int(count), "int"))
        chart = _bar_chart(
            wb,
            ws.name,
            t("workbook.chart.by_school", n=TOP_SCHOOLS),
            1,
            school_header,
            len(schools),
        )
        ws.insert_chart(23, anchor, chart)


def _bar_chart(wb: Any, sheet: str, title: str, value_col: int, header_row: int, n: int) -> Any:
    """Return a horizontal bar chart of one column against the first column's labels.

    Args:
        wb: the workbook.
        sheet: the sheet holding the table.
        title: the chart's title.
        value_col: 0-based column of the values; its header names the series.
        header_row: 0-based row of the table's header; the data is the ``n`` rows below.
        n: rows of data.
    """
    chart = wb.add_chart({"type": "bar"})
    first, last = header_row + 1, header_row + max(n, 1)
    chart.add_series(
        {
            "name": [sheet, header_row, value_col],
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, value_col, last, value_col],
        }
    )
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": t("workbook.chart.count")})  # a bar chart's value axis
    chart.set_y_axis({"reverse": True})  # first rule at the top, as in the table
    chart.set_size({"width": round(18 * _CM), "height": round(max(7.5, 0.6 * n + 3) * _CM)})
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


def _write_notes_sheet(
    ws: Any, styles: dict[str, Any], specs: Sequence[RuleSpec], summary: Summary
) -> None:
    """Write 说明: each rule's title, code, severity, meaning, what to do, and this run's count."""
    counts = {r.rule: r.count for r in summary.rules}
    severities = [spec.severity.value for spec in specs]
    write_table(
        ws,
        styles,
        [
            Column(t("workbook.col.rule"), [s.title for s in specs], width=18.0),
            Column(t("workbook.col.code"), [s.code for s in specs], width=22.0),
            Column(
                t("workbook.col.severity"),
                [t(f"severity.{v}") for v in severities],
                row_styles=severities,
                width=10.0,
            ),
            Column(
                t("workbook.col.description"),
                [s.description for s in specs],
                style="wrap",
                width=60.0,
            ),
            Column(t("workbook.col.action"), [s.action for s in specs], style="wrap", width=60.0),
            Column(
                t("workbook.col.count"),
                [counts.get(s.code) for s in specs],
                number=True,
                style="int",
                width=8.0,
            ),
        ],
    )
