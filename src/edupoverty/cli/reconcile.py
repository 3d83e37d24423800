"""``edupov reconcile``: inputs in; findings.csv and summary.json out; a summary table on screen."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.table import Table

from edupoverty.api import reconcile
from edupoverty.cli.checkpoints import CheckpointProgress, checkpoint
from edupoverty.cli.console import RichProgress, console, say
from edupoverty.cli.errors import ExitCode
from edupoverty.cli.history import (
    Comparison,
    compare_with_previous,
    history_options,
    open_run_history,
    record_run,
    scope_of,
)
from edupoverty.cli.options import I18nCommand, input_options, option, output_options
from edupoverty.core.config import RunConfig, resolve_config
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.errors import ConfigError
from edupoverty.core.findings import fen_to_yuan
from edupoverty.core.models import Severity
from edupoverty.core.normalise.terms import normalise_term
from edupoverty.core.policy import Policy
from edupoverty.core.summary import Summary
from edupoverty.i18n import t
from edupoverty.io.config_file import load_config_file
from edupoverty.io.loading import LoadedInputs, NoProgress, Progress, load_inputs
from edupoverty.io.policy_file import load_policy
from edupoverty.io.workbook import write_annotated_copies, write_reconcile_workbook
from edupoverty.io.workbook.annotate import AnnotatedCopies
from edupoverty.io.writers.atomic import OutputLock, staged_outputs
from edupoverty.io.writers.findings_csv import write_findings_csv
from edupoverty.io.writers.summary_json import build_summary, summary_text, write_summary_json

F = TypeVar("F", bound=Callable[..., Any])


def run_options(f: F) -> F:
    """Options reconcile and audit share: config, policy, as-of date, terms, output folder."""
    for decl in reversed(
        [
            option("--config", type=click.Path(path_type=Path), default=None, help="opt.config"),
            option("--policy", type=click.Path(path_type=Path), default=None, help="opt.policy"),
            option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="opt.as_of"),
            option("--term", "terms", multiple=True, metavar="TERM", help="opt.term"),
            option("--out", type=click.Path(path_type=Path), default=None, help="opt.out"),
            option(
                "--wait",
                type=click.FloatRange(min=0),
                default=None,
                metavar="SECONDS",
                help="opt.wait",
            ),
        ]
    ):
        f = decl(f)
    return f


def build_run_config(
    config: Path | None,
    registry: tuple[str, ...],
    roster: tuple[str, ...],
    ledger: tuple[str, ...],
    policy: Path | None,
    as_of: str | None,
    terms: tuple[str, ...],
    out: Path | None,
    encoding: str | None,
    extra: dict[str, object] | None = None,
) -> RunConfig:
    """Merge edupov.toml and options into a RunConfig; ``--as-of`` defaults to today here.

    Raises:
        ConfigError: a bad date or term, or no inputs / no output folder.
    """
    file_values = load_config_file(config) if config else {}
    parsed_as_of: dt.date | None = None
    if as_of:
        try:
            parsed_as_of = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise ConfigError.of("config.bad_date", value=as_of) from exc
    canonical_terms = []
    for term in terms:
        canonical = normalise_term(term)
        if canonical is None:
            raise ConfigError.of("config.bad_term", value=term)
        canonical_terms.append(canonical)
    file_values.setdefault("as_of", dt.date.today())  # the clock is read only in cli/
    cli_values = {
        "registry": registry,
        "roster": roster,
        "ledger": ledger,
        "policy": policy,
        "as_of": parsed_as_of,
        "terms": tuple(canonical_terms),
        "out": out,
        "encoding": encoding,
        **(extra or {}),
    }
    cfg = resolve_config(file_values, cli_values)
    if not (cfg.registry or cfg.roster or cfg.ledger):
        raise ConfigError.of("config.no_inputs")
    if cfg.out is None:
        raise ConfigError.of("config.no_out")
    return cfg


LOCK_POLL_SECONDS = 0.5
"""How often a run waiting under ``--wait`` looks at the lock again."""


def lock_output(ctx: click.Context, out: Path, wait: float | None = None) -> None:
    """Hold the output folder's lock until the command's context closes.

    Another live run holding it makes this run refuse at once, or with ``--wait`` wait
    up to that many seconds for it to finish (two cron jobs started together).

    Raises:
        OutputError: the folder is still locked (or cannot be written).
    """
    lock = OutputLock(out)
    deadline = time.monotonic() + (wait or 0.0)  # the clock is read only in cli/
    holder = lock.try_acquire()
    if holder is not None and wait:
        say(t("write.waiting", file=str(out), pid=holder or "?", seconds=f"{wait:g}"))
    while holder is not None and time.monotonic() < deadline:
        time.sleep(min(LOCK_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        holder = lock.try_acquire()
    if holder is not None:
        lock.acquire()  # raises the "locked" error, naming the holder
    ctx.call_on_close(lock.release)


@contextlib.contextmanager
def progress_sink(show: bool) -> Iterator[Progress]:
    """Yield a rich progress bar (or a silent sink) and always stop drawing it."""
    progress: RichProgress | NoProgress = RichProgress() if show else NoProgress()
    try:
        yield CheckpointProgress(progress)
    finally:
        if isinstance(progress, RichProgress):
            progress.close()


def load_and_reconcile(
    cfg: RunConfig, sheet: str | None, progress: Progress
) -> tuple[LoadedInputs, Policy, ReconcileResult]:
    """Load the inputs and the policy named by ``cfg`` and reconcile them (reconcile and audit share it)."""
    loaded = load_inputs(
        cfg.registry,
        cfg.roster,
        cfg.ledger,
        column_aliases=cfg.columns,
        encoding=cfg.encoding,
        sheet=sheet,
        progress=progress,
    )
    pol = load_policy(cfg.policy)
    return loaded, pol, reconcile(loaded, pol, cfg.as_of, cfg.terms, progress=progress)


def policy_source(cfg: RunConfig) -> str:
    """The policy's path as given, or ``builtin`` for the shipped default."""
    return str(cfg.policy) if cfg.policy else "builtin"


@click.command(cls=I18nCommand, help="reconcile.help", short_help="reconcile.short")
@input_options
@run_options
@option("--fail-on", type=click.Choice(["high", "medium", "low"]), default=None, help="opt.fail_on")
@option("--mask", is_flag=True, default=False, help="workbook.opt.mask")
@option(
    "--annotate-all", "annotate_all", is_flag=True, default=False, help="workbook.opt.annotate_all"
)
@option("--annotated/--no-annotated", "annotated", default=True, help="workbook.opt.no_annotated")
@output_options
@history_options
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
    fail_on: str | None,
    mask: bool,
    annotate_all: bool,
    annotated: bool,
    as_json: bool,
    quiet: bool,
    db: Path | None,
    no_history: bool,
) -> None:
    """Reconcile (help text: reconcile.help)."""
    started_at = dt.datetime.now()
    cfg = build_run_config(
        config,
        registry,
        roster,
        ledger,
        policy,
        as_of,
        terms,
        out,
        encoding,
        extra={"fail_on": Severity(fail_on) if fail_on else None, "mask": mask or None},
    )
    assert cfg.out is not None
    lock_output(ctx, cfg.out, wait)
    show = not (quiet or as_json)
    with progress_sink(show) as progress:
        loaded, pol, result = load_and_reconcile(cfg, sheet, progress)
    inputs = [r.path for r in loaded.files]
    summary = build_summary(loaded, result, pol, policy_source(cfg))
    # Every output goes to a temp file first and they are renamed together at the end:
    # a run killed halfway leaves the previous run's set whole (issue #8).
    with staged_outputs(cfg.out):
        write_findings_csv(result.findings, cfg.out / "findings.csv", inputs)
        write_summary_json(summary, cfg.out / "summary.json", inputs)
        # Copies first: the workbook's hyperlinks point into them.
        copies = (
            write_annotated_copies(
                cfg.out,
                loaded,
                result.findings,
                annotate_all=annotate_all,
                mask=cfg.mask,
                inputs=inputs,
                encoding=cfg.encoding,
            )
            if annotated
            else AnnotatedCopies()
        )
        checkpoint("writing")
        write_reconcile_workbook(
            cfg.out / "reconcile.xlsx",
            loaded,
            result,
            summary,
            mask=cfg.mask,
            annotated=copies,
            inputs=inputs,
        )
        checkpoint("committing")
    failed = cfg.fail_on is not None and any(
        Severity(s) >= cfg.fail_on for s in result.findings["severity"].unique()
    )
    code = ExitCode.THRESHOLD_FAILED if failed else ExitCode.OK
    comparison: Comparison | None = None
    history = open_run_history(db, no_history, config)
    if history is not None:
        with history:
            comparison = compare_with_previous(history, scope_of(cfg), result.findings)
            record_run(
                history,
                command="reconcile",
                cfg=cfg,
                loaded=loaded,
                result=result,
                policy_name=pol.name,
                policy_fingerprint=pol.fingerprint(),
                started_at=started_at,
                exit_code=int(code),
            )
    if as_json:
        click.echo(summary_text(summary), nl=False)
    elif show:
        for note in copies.skipped.values():
            say(note, style="yellow")
        print_summary(summary, cfg.out)
        if comparison is not None and comparison.previous_run_id is not None:
            counts = comparison.counts()
            say(
                t(
                    "reconcile.history",
                    run=comparison.previous_run_id,
                    new=counts["new"],
                    open=counts["open"],
                    resolved=counts["resolved"],
                )
            )
    ctx.exit(code)


def print_summary(summary: Summary, out: Path) -> None:
    """Print the per-rule table (rule, severity, findings, people, money) on stderr."""
    table = Table(
        title=t("reconcile.table_title", as_of=summary.as_of, terms="、".join(summary.terms))
    )
    table.add_column(t("col.rule"))
    table.add_column(t("col.severity"))
    table.add_column(t("col.count"), justify="right")
    table.add_column(t("col.people"), justify="right")
    table.add_column(t("col.amount"), justify="right")
    for r in summary.rules:
        style = {"high": "red", "medium": "yellow", "low": "cyan"}[r.severity] if r.count else "dim"
        table.add_row(
            f"{r.title} ({r.rule})",
            t(f"severity.{r.severity}"),
            str(r.count),
            str(r.people),
            fen_to_yuan(int(r.amount * 100)),
            style=style,
        )
    console.print(table)
    for code, reason in summary.rules_skipped.items():
        say(t("reconcile.rule_skipped", rule=code, reason=reason.split(":", 1)[-1]), style="dim")
    say(
        t(
            "reconcile.done",
            read=sum(summary.rows_read.values()),
            rejected=summary.rows_rejected,
            findings=summary.findings_total,
            out=str(out),
        ),
        style="bold",
    )
