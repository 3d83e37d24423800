"""``edupov audit``: the reconcile analysis plus indicators against thresholds, for inspections and cron."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import click
from rich.table import Table

from edupoverty.cli.checkpoints import checkpoint
from edupoverty.cli.console import console, say
from edupoverty.cli.errors import ExitCode
from edupoverty.cli.history import (
    compare_with_previous,
    history_options,
    open_run_history,
    record_run,
    scope_of,
)
from edupoverty.cli.options import I18nCommand, input_options, output_options
from edupoverty.cli.reconcile import (
    build_run_config,
    load_and_reconcile,
    lock_output,
    policy_source,
    progress_sink,
    run_options,
)
from edupoverty.core.audit import (
    HistoryFacts,
    Indicator,
    compute_audit,
    rectification_list,
    report_json,
)
from edupoverty.core.findings import fen_to_yuan
from edupoverty.i18n import t
from edupoverty.io.workbook.audit_book import write_audit_book
from edupoverty.io.writers.atomic import atomic_write, staged_outputs


@click.command(cls=I18nCommand, help="audit.help", short_help="audit.short")
@input_options
@run_options
@history_options
@output_options
@click.pass_context
def command(
    ctx: click.Context,
    registry: tuple[str, ...],
    roster: tuple[str, ...],
    ledger: tuple[str, ...],
    encoding: str | None,
    sheet: str | None,
    config: Path | None,
    policy: Path | None,
    as_of: str | None,
    terms: tuple[str, ...],
    out: Path | None,
    wait: float | None,
    db: Path | None,
    no_history: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Audit (help text: audit.help)."""
    started_at = dt.datetime.now()  # the clock is read only in cli/
    cfg = build_run_config(config, registry, roster, ledger, policy, as_of, terms, out, encoding)
    assert cfg.out is not None
    lock_output(ctx, cfg.out, wait)
    show = not (quiet or as_json)
    with progress_sink(show) as progress:
        loaded, pol, result = load_and_reconcile(cfg, sheet, progress)
        progress.start("audit.progress.indicators", None)
        report = compute_audit(result, loaded.issues, cfg.audit, policy_source=policy_source(cfg))
        progress.done()
    assert result.context is not None
    code = ExitCode.OK if report.passed else ExitCode.THRESHOLD_FAILED
    history = open_run_history(db, no_history, config)
    status = resolved = None
    if history is not None:
        with history:
            comparison = compare_with_previous(history, scope_of(cfg), result.findings)
            run_id = record_run(
                history,
                command="audit",
                cfg=cfg,
                loaded=loaded,
                result=result,
                policy_name=pol.name,
                policy_fingerprint=pol.fingerprint(),
                started_at=started_at,
                exit_code=int(code),
                indicators=report.indicators,
            )
        status, resolved = comparison.status, comparison.resolved
        facts = HistoryFacts(
            run_id=run_id, previous_run_id=comparison.previous_run_id, **comparison.counts()
        )
        report = report.model_copy(update={"history": facts})
    inputs = [r.path for r in loaded.files]
    rectification = rectification_list(result.context, result.findings, status)
    text = report_json(report)
    with staged_outputs(cfg.out):  # audit.xlsx and audit.json appear together (issue #8)
        checkpoint("writing")
        write_audit_book(
            cfg.out / "audit.xlsx", report, rectification, resolved, inputs=inputs, mask=cfg.mask
        )
        with atomic_write(cfg.out / "audit.json", inputs) as tmp:
            tmp.write_text(text, encoding="utf-8")
        checkpoint("committing")
    if as_json:
        click.echo(text, nl=False)
    elif show:
        print_indicators(report.indicators)
        if report.history is not None:
            h = report.history
            say(
                t(
                    "audit.history_line",
                    run=h.run_id,
                    previous=h.previous_run_id or "-",
                    new=h.new,
                    open=h.open,
                    resolved=h.resolved,
                )
            )
        say(
            t("audit.done_pass" if report.passed else "audit.done_fail", out=str(cfg.out)),
            style="bold green" if report.passed else "bold red",
        )
    ctx.exit(code)


def print_indicators(indicators: Sequence[Indicator]) -> None:
    """Print the indicators with their targets and pass/fail on stderr."""
    table = Table(title=t("audit.table_title"))
    table.add_column(t("audit.col.indicator"))
    table.add_column(t("audit.col.value"), justify="right")
    table.add_column(t("audit.col.threshold"), justify="right")
    table.add_column(t("audit.col.result"))
    for item in indicators:
        if item.passed is None:
            style, result = "dim", t("audit.result.none")
        else:
            style, result = (
                ("green", t("audit.result.pass"))
                if item.passed
                else ("bold red", t("audit.result.fail"))
            )
        target = (
            ""
            if item.threshold is None
            else f"{'≥' if item.direction == 'min' else '≤'} {format_value(item.threshold, item.unit)}"
        )
        table.add_row(item.name, format_value(item.value, item.unit), target, result, style=style)
    console.print(table)


def format_value(value: float | None, unit: str) -> str:
    """Return an indicator value as people read it: 98.5%, 1250.5 元, 3 人."""
    if value is None:
        return t("audit.value_missing")
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "yuan":
        return t("audit.unit.yuan", value=fen_to_yuan(round(value * 100)))
    return t(f"audit.unit.{unit}", value=int(value))
