"""Write audit.xlsx: 指标 (with pass/fail fills and charts), 分项指标, 整改清单, 已整改, 说明.

The 整改清单 is the sheet a centre hands to schools: one row per finding grouped by
township and school, with empty 责任人 / 整改时限 / 整改情况 columns to fill in
(DOMAIN.md §6 item 13).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.audit import AuditReport, Indicator, UnitFigures
from edupoverty.core.normalise.ids import mask_id
from edupoverty.i18n import t
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
from edupoverty.io.writers.atomic import atomic_write

# Pass/fail fills: Excel's own "good" green and the shared "bad" red. The green and the grey
# of an informational indicator belong in styles.py once another writer needs them.
_PASS = PatternFill(fill_type="solid", start_color="C6EFCE", end_color="C6EFCE")
_FAIL = severity_fill("high")
_NONE = PatternFill(fill_type="solid", start_color="EDEDED", end_color="EDEDED")
_FORMATS = {
    "ratio": "0.00%",
    "yuan": CURRENCY_FORMAT,
    "persons": INTEGER_FORMAT,
    "rows": INTEGER_FORMAT,
}


def write_audit_book(
    target: Path,
    report: AuditReport,
    rectification: pd.DataFrame,
    resolved: pd.DataFrame | None = None,
    *,
    inputs: Iterable[Path] = (),
    mask: bool = False,
) -> None:
    """Write audit.xlsx atomically.

    Args:
        target: the output path.
        report: the audit indicators.
        rectification: ``core.audit.rectification_list(...)`` (``RECTIFICATION_COLUMNS``).
        resolved: findings of the previous run that are gone (``History.findings`` columns);
            None when there is no history.
        inputs: input files that must never be overwritten.
        mask: mask ID numbers (``--mask``).
    """
    wb = Workbook()
    indicators = wb.active
    assert indicators is not None
    indicators.title = t("audit.sheet.indicators")
    units = wb.create_sheet(t("audit.sheet.units"))
    _write_units(units, report.units)
    _write_indicators(indicators, report, units)
    _write_rectification(wb.create_sheet(t("audit.sheet.rectification")), rectification, mask)
    _write_resolved(wb.create_sheet(t("audit.sheet.resolved")), resolved, report, mask)
    _write_notes(wb.create_sheet(t("audit.sheet.notes")), report)
    with atomic_write(target, inputs) as tmp:
        wb.save(tmp)


def _write_indicators(ws: Worksheet, report: AuditReport, units: Worksheet) -> None:
    headers = [
        "audit.col.indicator",
        "audit.col.value",
        "audit.col.threshold",
        "audit.col.result",
        "audit.col.detail",
    ]
    _header(ws, headers)
    for r, item in enumerate(report.indicators, start=2):
        _put_row(
            ws, r, [item.name, item.value, item.threshold, _result_text(item.passed), _detail(item)]
        )
        fmt = _FORMATS[item.unit]
        ws.cell(r, 2).number_format = fmt
        ws.cell(r, 3).number_format = fmt
        ws.cell(r, 4).fill = _fill(item.passed)
        if item.value is None:
            _put(ws.cell(r, 2), t("audit.value_missing"))
    _finish(ws, len(headers), len(report.indicators) + 1)
    _money_chart(ws, report, first_row=len(report.indicators) + 4)
    _coverage_chart(ws, report.units, units, anchor="G2")


def _detail(item: Indicator) -> str:
    parts = []
    if item.numerator is not None and item.denominator is not None:
        parts.append(
            t("audit.detail.fraction", numerator=item.numerator, denominator=item.denominator)
        )
    if item.note:
        parts.append(item.note)
    return "；".join(parts)


def _money_chart(ws: Worksheet, report: AuditReport, first_row: int) -> None:
    """Write the irregular money per rule as a small table with a bar chart beside it."""
    _put(ws.cell(first_row, 1), t("audit.col.rule"))
    _put(ws.cell(first_row, 2), t("audit.col.irregular_yuan"))
    for cell in (ws.cell(first_row, 1), ws.cell(first_row, 2)):
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    rows = list(report.irregular_by_rule.items())
    for i, (rule, yuan) in enumerate(rows, start=first_row + 1):
        _put(ws.cell(i, 1), t(f"rule.{rule.lower()}.title"))
        ws.cell(i, 2, yuan).number_format = _FORMATS["yuan"]
    if not rows:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = t("audit.chart.money")
    chart.legend = None
    data = Reference(ws, min_col=2, min_row=first_row, max_row=first_row + len(rows))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(
        Reference(ws, min_col=1, min_row=first_row + 1, max_row=first_row + len(rows))
    )
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, f"G{first_row}")


def _coverage_chart(
    ws: Worksheet, units: Sequence[UnitFigures], source: Worksheet, anchor: str
) -> None:
    """Draw 应助尽助率 per township from the 分项指标 sheet's township rows (they come first)."""
    townships = [u for u in units if u.dimension == "township"]
    if not townships:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = t("audit.chart.coverage")
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.y_axis.number_format = "0%"
    coverage_col = _UNIT_HEADERS.index("audit.col.coverage") + 1
    township_col = _UNIT_HEADERS.index("audit.col.township") + 1
    last = len(townships) + 1
    chart.add_data(
        Reference(source, min_col=coverage_col, min_row=1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(source, min_col=township_col, min_row=2, max_row=last))
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, anchor)


_UNIT_HEADERS = [
    "audit.col.dimension",
    "audit.col.township",
    "audit.col.school",
    "audit.col.program",
    "audit.col.term",
    "audit.col.entitled",
    "audit.col.paid",
    "audit.col.coverage",
    "audit.col.not_enrolled",
    "audit.col.irregular_yuan",
    "audit.col.findings",
    "audit.col.result",
]


def _write_units(ws: Worksheet, units: Sequence[UnitFigures]) -> None:
    _header(ws, _UNIT_HEADERS)
    for r, u in enumerate(units, start=2):
        _put_row(
            ws,
            r,
            [
                t(f"audit.dimension.{u.dimension}"),
                u.township,
                u.school,
                u.program_name or u.program,
                u.term,
                u.entitled,
                u.paid,
                u.coverage,
                u.not_enrolled,
                u.irregular_yuan,
                u.findings,
                _result_text(u.passed),
            ],
        )
        ws.cell(r, 8).number_format = _FORMATS["ratio"]
        ws.cell(r, 10).number_format = _FORMATS["yuan"]
        ws.cell(r, 12).fill = _fill(u.passed)
    _finish(ws, len(_UNIT_HEADERS), len(units) + 1)


_RECTIFICATION_HEADERS = [
    "audit.col.seq",
    "audit.col.township",
    "audit.col.school",
    "audit.col.status",
    "audit.col.rule",
    "audit.col.severity",
    "audit.col.name",
    "audit.col.person_id",
    "audit.col.program",
    "audit.col.term",
    "audit.col.amount",
    "audit.col.message",
    "audit.col.file",
    "audit.col.sheet",
    "audit.col.row",
    "audit.col.owner",
    "audit.col.deadline",
    "audit.col.progress",
]


def _write_rectification(ws: Worksheet, frame: pd.DataFrame, mask: bool) -> None:
    _header(ws, _RECTIFICATION_HEADERS)
    id_col = _RECTIFICATION_HEADERS.index("audit.col.person_id") + 1
    amount_col = _RECTIFICATION_HEADERS.index("audit.col.amount") + 1
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for r, rec in enumerate(records, start=2):
        cents = rec[C.AMOUNT_CENTS]
        _put_row(
            ws,
            r,
            [
                r - 1,
                rec[C.TOWNSHIP],
                rec[C.SCHOOL],
                _status_text(rec["status"]),
                t(f"rule.{str(rec['rule']).lower()}.title"),
                t(f"severity.{rec['severity']}"),
                rec[C.NAME],
                _id_text(rec[C.PERSON_ID], mask),
                rec["program_name"] or rec[C.PROGRAM],
                rec[C.TERM],
                None if cents is None else int(cents) / 100,
                rec["message"],
                rec[C.FILE],
                rec[C.SHEET],
                rec[C.ROW],
                None,
                None,
                None,
            ],
        )
        ws.cell(r, id_col).number_format = ID_FORMAT
        ws.cell(r, amount_col).number_format = _FORMATS["yuan"]
    _finish(ws, len(_RECTIFICATION_HEADERS), len(records) + 1)


_RESOLVED_HEADERS = [
    "audit.col.rule",
    "audit.col.name",
    "audit.col.person_id",
    "audit.col.program",
    "audit.col.term",
    "audit.col.amount",
    "audit.col.message",
    "audit.col.file",
    "audit.col.sheet",
    "audit.col.row",
]


def _write_resolved(
    ws: Worksheet, frame: pd.DataFrame | None, report: AuditReport, mask: bool
) -> None:
    _header(ws, _RESOLVED_HEADERS)
    rows = 1
    if frame is not None:
        id_col = _RESOLVED_HEADERS.index("audit.col.person_id") + 1
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for r, rec in enumerate(records, start=2):
            cents = rec["amount_cents"]
            _put_row(
                ws,
                r,
                [
                    t(f"rule.{str(rec['rule']).lower()}.title"),
                    rec["name"],
                    _id_text(rec["person_id"], mask),
                    rec["program"],
                    rec["term"],
                    None if cents is None else int(cents) / 100,
                    rec["message"],
                    rec["file"],
                    rec["sheet"],
                    rec["row"],
                ],
            )
            ws.cell(r, id_col).number_format = ID_FORMAT
        rows += len(records)
    _finish(ws, len(_RESOLVED_HEADERS), rows)
    history = report.history
    note = (
        t("audit.resolved.none_previous")
        if history is None or history.previous_run_id is None
        else t("audit.resolved.since", run=history.previous_run_id)
    )
    _put(ws.cell(rows + 2, 1), note)


def _write_notes(ws: Worksheet, report: AuditReport) -> None:
    lines = [
        t("audit.notes.title"),
        t(
            "audit.notes.run",
            as_of=report.as_of,
            terms="、".join(report.terms),
            policy=report.policy.get("name", ""),
        ),
        "",
        t("audit.notes.coverage"),
        t("audit.notes.not_enrolled"),
        t("audit.notes.irregular"),
        t("audit.notes.quality"),
        t("audit.notes.township"),
        t("audit.notes.status"),
        t("audit.notes.thresholds"),
        t("audit.notes.privacy"),
    ]
    for r, line in enumerate(lines, start=1):
        cell = ws.cell(r, 1)
        _put(cell, line)
        cell.alignment = WRAP
    ws.cell(1, 1).font = TITLE_FONT
    ws.column_dimensions["A"].width = 110


def _status_text(status: object) -> str | None:
    return t(f"audit.status.{status}") if status in ("new", "open") else None


def _result_text(passed: bool | None) -> str:
    return (
        t("audit.result.pass")
        if passed
        else t("audit.result.fail")
        if passed is False
        else t("audit.result.none")
    )


def _fill(passed: bool | None) -> PatternFill:
    return _PASS if passed else _FAIL if passed is False else _NONE


def _id_text(value: object, mask: bool) -> str | None:
    if value is None:
        return None
    return mask_id(str(value)) if mask else str(value)


def _header(ws: Worksheet, message_ids: Sequence[str]) -> None:
    for c, msg_id in enumerate(message_ids, start=1):
        cell = ws.cell(1, c)
        _put(cell, t(msg_id))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL


def _put_row(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
    for c, value in enumerate(values, start=1):
        _put(ws.cell(row, c), value)


def _put(cell: Any, value: Any) -> None:
    """Set a cell; text goes through the shared formula-injection guard and stays text."""
    if value is None or (isinstance(value, float) and value != value):
        return
    if isinstance(value, str):
        cell.value = safe_text(value)
        cell.data_type = "s"
        return
    cell.value = value


def _finish(ws: Worksheet, columns: int, last_row: int) -> None:
    """Freeze the header, add an autofilter and size columns for CJK text."""
    freeze_and_filter(ws, 1, columns, last_row)
    rows = ws.iter_rows(min_row=2, max_row=max(last_row, 1), max_col=columns, values_only=True)
    header = [str(ws.cell(1, c).value or "") for c in range(1, columns + 1)]
    set_widths(ws, column_widths(header, rows))
