"""Write audit.xlsx: 指标 (with pass/fail fills and charts), 分项指标, 整改清单, 已整改, 说明.

The 整改清单 is the sheet a centre hands to schools: one row per finding grouped by
township and school, with empty 责任人 / 整改时限 / 整改情况 columns to fill in
(DOMAIN.md §6 item 13). Every sheet is written by xlsxwriter row by row
(``streaming.py``): a province's 整改清单 holds 100,000 rows (issue 7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.audit import AuditReport, Indicator, UnitFigures
from edupoverty.core.normalise.ids import mask_id
from edupoverty.i18n import t
from edupoverty.io.workbook.streaming import (
    WIDTH_SAMPLE_ROWS,
    Column,
    Number,
    SheetRows,
    Text,
    streaming_workbook,
    write_table,
)
from edupoverty.io.workbook.styles import PERCENT_AXIS_FORMAT, column_widths
from edupoverty.io.writers.atomic import atomic_write

_STYLE_BY_UNIT: Final = {"ratio": "ratio", "yuan": "money", "persons": "int", "rows": "int"}
"""Style of an indicator's value and threshold, by its unit."""

_CM: Final = 96 / 2.54
"""Pixels per centimetre, for chart sizes."""

_CHART_SIZE: Final = {"width": round(14 * _CM), "height": round(7 * _CM)}

_NOTES_WIDTH: Final = 110.0


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

    Raises:
        OutputError: the target is an input, its folder cannot be written, or writing
            failed (disk full).
    """
    with atomic_write(target, inputs) as tmp, streaming_workbook(tmp) as (wb, styles):
        indicators = wb.add_worksheet(t("audit.sheet.indicators"))
        units = wb.add_worksheet(t("audit.sheet.units"))
        _write_indicators(wb, indicators, styles, report, units.name)
        _write_units(units, styles, report.units)
        _write_rectification(
            wb.add_worksheet(t("audit.sheet.rectification")), styles, rectification, mask
        )
        _write_resolved(wb.add_worksheet(t("audit.sheet.resolved")), styles, resolved, report, mask)
        _write_notes(wb.add_worksheet(t("audit.sheet.notes")), styles, report)


def _write_indicators(
    wb: Any, ws: Any, styles: dict[str, Any], report: AuditReport, units_sheet: str
) -> None:
    """Write 指标: one row per indicator, then the irregular money per rule, and two charts."""
    headers = [
        "audit.col.indicator",
        "audit.col.value",
        "audit.col.threshold",
        "audit.col.result",
        "audit.col.detail",
    ]
    rows: list[list[Text | Number | None]] = []
    for item in report.indicators:
        style = _STYLE_BY_UNIT[item.unit]
        rows.append(
            [
                Text(item.name),
                Text(t("audit.value_missing"), style)
                if item.value is None
                else Number(item.value, style),
                None if item.threshold is None else Number(item.threshold, style),
                Text(_result_text(item.passed), _result_style(item.passed)),
                Text(_detail(item)),
            ]
        )
    out = _small_table(ws, styles, headers, rows)
    out.skip()
    out.skip()
    _money_table_and_chart(wb, ws, out, report)
    _coverage_chart(wb, ws, report.units, units_sheet)


def _detail(item: Indicator) -> str:
    parts = []
    if item.numerator is not None and item.denominator is not None:
        parts.append(
            t("audit.detail.fraction", numerator=item.numerator, denominator=item.denominator)
        )
    if item.note:
        parts.append(item.note)
    return "；".join(parts)


def _money_table_and_chart(wb: Any, ws: Any, out: SheetRows, report: AuditReport) -> None:
    """Write the irregular money per rule as a small table with a bar chart beside it."""
    first_row = out.put(
        Text(t("audit.col.rule"), "header"), Text(t("audit.col.irregular_yuan"), "header")
    )
    rows = list(report.irregular_by_rule.items())
    for rule, yuan in rows:
        out.put(Text(t(f"rule.{rule.lower()}.title")), Number(yuan, "money"))
    if not rows:
        return
    chart = wb.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": [ws.name, first_row, 1],
            "categories": [ws.name, first_row + 1, 0, first_row + len(rows), 0],
            "values": [ws.name, first_row + 1, 1, first_row + len(rows), 1],
        }
    )
    chart.set_title({"name": t("audit.chart.money")})
    chart.set_legend({"none": True})
    chart.set_size(_CHART_SIZE)
    ws.insert_chart(first_row, 6, chart)


def _coverage_chart(wb: Any, ws: Any, units: Sequence[UnitFigures], source: str) -> None:
    """Draw 应助尽助率 per township from the 分项指标 sheet's township rows (they come first)."""
    townships = [u for u in units if u.dimension == "township"]
    if not townships:
        return
    coverage_col = _UNIT_HEADERS.index("audit.col.coverage")
    township_col = _UNIT_HEADERS.index("audit.col.township")
    last = len(townships)
    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": [source, 0, coverage_col],
            "categories": [source, 1, township_col, last, township_col],
            "values": [source, 1, coverage_col, last, coverage_col],
        }
    )
    chart.set_title({"name": t("audit.chart.coverage")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": PERCENT_AXIS_FORMAT})
    chart.set_size(_CHART_SIZE)
    ws.insert_chart(1, 6, chart)


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


def _write_units(ws: Any, styles: dict[str, Any], units: Sequence[UnitFigures]) -> None:
    """Write 分项指标: one row per township, school and programme-term (townships first)."""

    def column(msg: str, values: list[Any], **look: Any) -> Column:
        return Column(t(msg), values, **look)

    write_table(
        ws,
        styles,
        [
            column("audit.col.dimension", [t(f"audit.dimension.{u.dimension}") for u in units]),
            column("audit.col.township", [u.township for u in units]),
            column("audit.col.school", [u.school for u in units]),
            column("audit.col.program", [u.program_name or u.program for u in units]),
            column("audit.col.term", [u.term for u in units]),
            column("audit.col.entitled", [u.entitled for u in units], number=True),
            column("audit.col.paid", [u.paid for u in units], number=True),
            column("audit.col.coverage", [u.coverage for u in units], number=True, style="ratio"),
            column("audit.col.not_enrolled", [u.not_enrolled for u in units], number=True),
            column(
                "audit.col.irregular_yuan",
                [u.irregular_yuan for u in units],
                number=True,
                style="money",
            ),
            column("audit.col.findings", [u.findings for u in units], number=True),
            column(
                "audit.col.result",
                [_result_text(u.passed) for u in units],
                row_styles=[_result_style(u.passed) for u in units],
            ),
        ],
    )


def _write_rectification(ws: Any, styles: dict[str, Any], frame: pd.DataFrame, mask: bool) -> None:
    """Write 整改清单: one numbered row per finding, three empty columns for the school."""
    used = [
        *(C.TOWNSHIP, C.SCHOOL, "status", "rule", "severity", C.NAME, C.PERSON_ID, C.PROGRAM),
        *("program_name", C.TERM, C.AMOUNT_CENTS, "message", C.FILE, C.SHEET, C.ROW),
    ]
    col = {name: _cells(frame[name]) for name in used}
    n = len(frame)
    programs = [
        name or code for name, code in zip(col["program_name"], col[C.PROGRAM], strict=True)
    ]
    write_table(
        ws,
        styles,
        [
            Column(t("audit.col.seq"), list(range(1, n + 1)), number=True),
            Column(t("audit.col.township"), col[C.TOWNSHIP]),
            Column(t("audit.col.school"), col[C.SCHOOL]),
            Column(t("audit.col.status"), _each(col["status"], _status_text)),
            Column(t("audit.col.rule"), _each(col["rule"], _rule_title)),
            Column(t("audit.col.severity"), _each(col["severity"], _severity_text)),
            Column(t("audit.col.name"), col[C.NAME]),
            Column(
                t("audit.col.person_id"),
                _each(col[C.PERSON_ID], lambda v: _id_text(v, mask)),
                style="id",
                styled_blank=True,
            ),
            Column(t("audit.col.program"), programs),
            Column(t("audit.col.term"), col[C.TERM]),
            Column(
                t("audit.col.amount"),
                _yuan(col[C.AMOUNT_CENTS]),
                number=True,
                style="money",
                styled_blank=True,
            ),
            Column(t("audit.col.message"), col["message"]),
            Column(t("audit.col.file"), col[C.FILE]),
            Column(t("audit.col.sheet"), col[C.SHEET]),
            Column(t("audit.col.row"), _integers(col[C.ROW]), number=True),
            Column(t("audit.col.owner"), [None] * n),
            Column(t("audit.col.deadline"), [None] * n),
            Column(t("audit.col.progress"), [None] * n),
        ],
    )


def _write_resolved(
    ws: Any, styles: dict[str, Any], frame: pd.DataFrame | None, report: AuditReport, mask: bool
) -> None:
    """Write 已整改: the previous run's findings that are gone, then which run that was."""
    names = [
        *("rule", "name", "person_id", "program", "term", "amount_cents", "message"),
        *("file", "sheet", "row"),
    ]
    col = {name: _cells(frame[name]) if frame is not None else [] for name in names}
    n = write_table(
        ws,
        styles,
        [
            Column(t("audit.col.rule"), _each(col["rule"], _rule_title)),
            Column(t("audit.col.name"), col["name"]),
            Column(
                t("audit.col.person_id"),
                _each(col["person_id"], lambda v: _id_text(v, mask)),
                style="id",
                styled_blank=True,
            ),
            Column(t("audit.col.program"), col["program"]),
            Column(t("audit.col.term"), col["term"]),
            Column(t("audit.col.amount"), _yuan(col["amount_cents"]), number=True, style="money"),
            Column(t("audit.col.message"), col["message"]),
            Column(t("audit.col.file"), col["file"]),
            Column(t("audit.col.sheet"), col["sheet"]),
            Column(t("audit.col.row"), _integers(col["row"]), number=True),
        ],
    )
    history = report.history
    note = (
        t("audit.resolved.none_previous")
        if history is None or history.previous_run_id is None
        else t("audit.resolved.since", run=history.previous_run_id)
    )
    out = SheetRows(ws, styles)
    out.row = n + 2  # one empty row below the table
    out.put(Text(note))


def _write_notes(ws: Any, styles: dict[str, Any], report: AuditReport) -> None:
    """Write 说明: how each indicator is counted, one paragraph per row."""
    lines = [
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
    ws.set_column(0, 0, _NOTES_WIDTH)
    out = SheetRows(ws, styles)
    out.put(Text(t("audit.notes.title"), "title_wrap"))
    for line in lines:
        out.put(Text(line, "wrap"))


def _small_table(
    ws: Any,
    styles: dict[str, Any],
    message_ids: Sequence[str],
    rows: list[list[Text | Number | None]],
) -> SheetRows:
    """Write a header and a few rows of mixed cells, frozen and filtered, columns sized."""
    headers = [t(m) for m in message_ids]
    sample = [[None if c is None else c.value for c in row] for row in rows[:WIDTH_SAMPLE_ROWS]]
    for col, width in enumerate(column_widths(headers, sample)):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(headers) - 1)
    out = SheetRows(ws, styles)
    out.put(*(Text(h, "header") for h in headers))
    for row in rows:
        out.put(*row)
    return out


def _cells(values: pd.Series) -> list[Any]:
    """Return a column as plain Python values, None where missing."""
    return list(values.astype(object).where(values.notna(), None).tolist())


def _each(values: list[Any], fn: Callable[[Any], str | None]) -> list[str | None]:
    """Return ``fn`` of each value, computed once per distinct value."""
    done = {v: fn(v) for v in dict.fromkeys(values)}
    return [done[v] for v in values]


def _yuan(cents: list[Any]) -> list[float | None]:
    return [None if v is None else int(v) / 100 for v in cents]


def _integers(values: list[Any]) -> list[int | None]:
    return [None if v is None else int(v) for v in values]


def _rule_title(rule: object) -> str:
    return t(f"rule.{str(rule).lower()}.title")


def _severity_text(severity: object) -> str:
    return t(f"severity.{severity}")


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


def _result_style(passed: bool | None) -> str:
    return "pass" if passed else "fail" if passed is False else "info"


def _id_text(value: object, mask: bool) -> str | None:
    if value is None:
        return None
    return mask_id(str(value)) if mask else str(value)
