"""``edupov history``: list runs, reprint one, diff two; plus the history hook reconcile and audit share."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd
from rich.table import Table

from edupoverty import __version__
from edupoverty.cli.console import console, say
from edupoverty.cli.options import I18nGroup, option
from edupoverty.core.audit import Indicator, finding_fingerprints, status_against_previous
from edupoverty.core.config import RunConfig
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.errors import InputError
from edupoverty.core.findings import fen_to_yuan
from edupoverty.core.normalise.ids import mask_id, mask_ids_in_text
from edupoverty.i18n import t
from edupoverty.io.history import (
    History,
    InputRecord,
    RunRecord,
    RunRow,
    default_history_path,
    history_db_from_config,
    no_findings,
    open_history,
    run_scope,
)
from edupoverty.io.loading import LoadedInputs

F = TypeVar("F", bound=Callable[..., Any])

HISTORY_DB_ENV = "EDUPOV_HISTORY_DB"
"""Environment variable naming the history database (after --db, before the config file)."""


def history_options(f: F) -> F:
    """``--db PATH`` and ``--no-history``, for commands that record their runs."""
    for decl in reversed(
        [
            option(
                "--db",
                "db",
                type=click.Path(path_type=Path, dir_okay=False),
                default=None,
                help="history.opt.db",
            ),
            option(
                "--no-history",
                "no_history",
                is_flag=True,
                default=False,
                help="history.opt.no_history",
            ),
        ]
    ):
        f = decl(f)
    return f


def resolve_db_path(db: Path | None, config: Path | None = None) -> Path:
    """Return the database to use: --db, else $EDUPOV_HISTORY_DB, else ``[history] db``, else the default."""
    if db is not None:
        return db
    env = os.environ.get(HISTORY_DB_ENV)
    if env:
        return Path(env)
    from_config = history_db_from_config(config) if config else None
    return from_config or default_history_path()


def open_run_history(
    db: Path | None, no_history: bool, config: Path | None = None
) -> History | None:
    """Open the history database for a run, or return None under ``--no-history``."""
    return None if no_history else open_history(resolve_db_path(db, config))


def scope_of(cfg: RunConfig) -> str:
    """Return the run's scope: its input patterns (absolute) and the terms asked for."""
    return run_scope(
        {"registry": cfg.registry, "roster": cfg.roster, "ledger": cfg.ledger}, cfg.terms
    )


@dataclass(frozen=True)
class Comparison:
    """This run's findings against the previous run of the same scope."""

    previous_run_id: int | None
    status: pd.Series
    """``new`` / ``open`` per finding, aligned with the findings frame."""
    resolved: pd.DataFrame
    """The previous run's findings that are gone (``History.findings`` columns)."""

    def counts(self) -> dict[str, int]:
        """Return how many findings are new, open and resolved."""
        return {
            "new": int((self.status == "new").sum()),
            "open": int((self.status == "open").sum()),
            "resolved": len(self.resolved),
        }


def compare_with_previous(history: History, scope: str, findings: pd.DataFrame) -> Comparison:
    """Mark each finding 新增/未整改 and list the 已整改 ones, against the latest run of the scope."""
    previous = history.previous_run(scope)
    if previous is None:
        return Comparison(None, status_against_previous(findings, ()), no_findings())
    before = history.fingerprints(previous.id)
    status = status_against_previous(findings, before)
    now = set(finding_fingerprints(findings))
    return Comparison(previous.id, status, history.findings(previous.id, before - now))


def record_run(
    history: History,
    *,
    command: str,
    cfg: RunConfig,
    loaded: LoadedInputs,
    result: ReconcileResult,
    policy_name: str,
    policy_fingerprint: str,
    started_at: dt.datetime,
    exit_code: int,
    indicators: Sequence[Indicator] | None = None,
) -> int:
    """Record one reconcile or audit run (inputs hashed, every finding) in one transaction."""
    inputs = tuple(
        InputRecord.of(str(r.sheets[0].kind) if r.sheets else "", r.path) for r in loaded.files
    )
    counts = {
        "rules": result.counts(),
        "rules_skipped": dict(result.rules_skipped),
        "rows_read": {
            "registry": len(loaded.registry),
            "roster": len(loaded.roster),
            "ledger": len(loaded.ledger),
        },
        "findings": len(result.findings),
    }
    run = RunRecord(
        started_at=started_at.isoformat(timespec="seconds"),
        command=command,
        scope=scope_of(cfg),
        as_of=result.as_of.isoformat(),
        terms=tuple(result.terms),
        policy_name=policy_name,
        policy_fingerprint=policy_fingerprint,
        tool_version=__version__,
        counts=counts,
        inputs=inputs,
        exit_code=exit_code,
        indicators=None
        if indicators is None
        else [json.loads(i.model_dump_json()) for i in indicators],
    )
    return history.record_run(run, result.findings)


class HistoryGroup(I18nGroup):
    """The history group: its subcommands in a fixed order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List, show, diff."""
        return [c for c in ("list", "show", "diff") if c in self.commands]


def _db_option(f: F) -> F:
    return option(
        "--db",
        "db",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="history.opt.db",
    )(f)


def _json_option(f: F) -> F:
    return option("--json", "as_json", is_flag=True, default=False, help="history.opt.json")(f)


@click.group(
    cls=HistoryGroup, invoke_without_command=True, help="history.help", short_help="history.short"
)
@_db_option
@click.pass_context
def command(ctx: click.Context, db: Path | None) -> None:
    """Run history (help text: history.help)."""
    ctx.ensure_object(dict)
    ctx.obj["history_db"] = db
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command, db=db)


def _open_existing(ctx: click.Context, db: Path | None) -> History | None:
    path = resolve_db_path(db or (ctx.obj or {}).get("history_db"))
    if not path.exists():
        say(t("history.no_db", path=str(path)), style="yellow")
        return None
    return open_history(path)


def _get_run(history: History, run_id: int) -> RunRow:
    run = history.run(run_id)
    if run is None:
        raise InputError.of("history.run_missing", run=run_id)
    return run


@command.command("list", help="history.list.help", short_help="history.list.short")
@_db_option
@option("--limit", type=click.IntRange(1), default=None, help="history.opt.limit")
@_json_option
@click.pass_context
def list_command(
    ctx: click.Context, db: Path | None, limit: int | None = None, as_json: bool = False
) -> None:
    """List runs (help text: history.list.help)."""
    history = _open_existing(ctx, db)
    runs = [] if history is None else history.list_runs(limit)
    if history is not None:
        history.close()
    if as_json:
        click.echo(json.dumps([_run_json(r) for r in runs], ensure_ascii=False, indent=2))
        return
    if not runs:
        say(t("history.no_runs"))
        return
    table = Table(title=t("history.list.title"))
    for msg_id in (
        "history.col.run",
        "history.col.time",
        "history.col.command",
        "history.col.as_of",
        "history.col.terms",
        "history.col.findings",
        "history.col.exit",
        "history.col.scope",
    ):
        table.add_column(
            t(msg_id),
            justify="right"
            if msg_id in ("history.col.run", "history.col.findings", "history.col.exit")
            else "left",
        )
    for r in runs:
        exit_text = "" if r.exit_code is None else str(r.exit_code)
        table.add_row(
            str(r.id),
            r.started_at,
            r.command,
            r.as_of,
            "、".join(r.terms),
            str(r.findings),
            exit_text,
            r.scope[:8],
        )
    console.print(table)


@command.command("show", help="history.show.help", short_help="history.show.short")
@click.argument("run_id", metavar="RUN", type=int)
@_db_option
@_json_option
@click.pass_context
def show_command(ctx: click.Context, run_id: int, db: Path | None, as_json: bool) -> None:
    """Reprint one run's summary (help text: history.show.help)."""
    history = _open_existing(ctx, db)
    if history is None:
        raise InputError.of("history.run_missing", run=run_id)
    with history:
        run = _get_run(history, run_id)
    if as_json:
        click.echo(json.dumps(_run_json(run, with_inputs=True), ensure_ascii=False, indent=2))
        return
    say(
        t(
            "history.show.head",
            run=run.id,
            time=run.started_at,
            command=run.command,
            as_of=run.as_of,
            terms="、".join(run.terms),
        ),
        style="bold",
    )
    say(
        t(
            "history.show.policy",
            name=run.policy_name,
            fingerprint=run.policy_fingerprint,
            version=run.tool_version,
        )
    )
    _print_rule_counts(run.counts.get("rules", {}))
    if run.indicators:
        _print_indicator_rows(run.indicators)
    for item in run.inputs:
        say(
            t(
                "history.show.input",
                kind=item.kind,
                path=item.path,
                sha=item.sha256[:12],
                size=item.size,
            ),
            style="dim",
        )


@command.command("diff", help="history.diff.help", short_help="history.diff.short")
@click.argument("run_a", metavar="RUN1", type=int)
@click.argument("run_b", metavar="RUN2", type=int)
@_db_option
@option(
    "--limit", type=click.IntRange(0), default=50, show_default=True, help="history.opt.limit_rows"
)
@_json_option
@click.pass_context
def diff_command(
    ctx: click.Context, run_a: int, run_b: int, db: Path | None, limit: int, as_json: bool
) -> None:
    """Show new and resolved findings between two runs (help text: history.diff.help)."""
    history = _open_existing(ctx, db)
    if history is None:
        raise InputError.of("history.run_missing", run=run_a)
    with history:
        _get_run(history, run_a)
        _get_run(history, run_b)
        diff = history.diff(run_a, run_b)
        new = history.findings(run_b, diff.new)
        resolved = history.findings(run_a, diff.resolved)
    if as_json:
        data = {
            "run_a": run_a,
            "run_b": run_b,
            "counts": {
                "new": len(diff.new),
                "open": len(diff.open),
                "resolved": len(diff.resolved),
            },
            "new": _findings_json(new),
            "resolved": _findings_json(resolved),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    say(
        t(
            "history.diff.head",
            a=run_a,
            b=run_b,
            new=len(diff.new),
            open=len(diff.open),
            resolved=len(diff.resolved),
        ),
        style="bold",
    )
    _print_findings(t("history.diff.new_title"), new, limit)
    _print_findings(t("history.diff.resolved_title"), resolved, limit)


def _run_json(run: RunRow, with_inputs: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": run.id,
        "started_at": run.started_at,
        "command": run.command,
        "scope": run.scope,
        "as_of": run.as_of,
        "terms": list(run.terms),
        "policy": {"name": run.policy_name, "fingerprint": run.policy_fingerprint},
        "version": run.tool_version,
        "findings": run.findings,
        "exit_code": run.exit_code,
        "counts": run.counts,
    }
    if run.indicators is not None:
        data["indicators"] = run.indicators
    if with_inputs:
        data["inputs"] = [
            {"kind": i.kind, "path": i.path, "sha256": i.sha256, "size": i.size} for i in run.inputs
        ]
    return data


def _findings_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return findings as JSON-ready dicts with IDs masked (terminal output never shows a full ID)."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for rec in records:
        rec["person_id"] = mask_id(rec["person_id"]) if rec["person_id"] else None
        rec["message"] = mask_ids_in_text(rec["message"] or "")
    return records  # type: ignore[no-any-return]


def _print_rule_counts(rules: Mapping[str, Mapping[str, Any]]) -> None:
    table = Table(title=t("history.show.rules_title"))
    table.add_column(t("col.rule"))
    table.add_column(t("col.count"), justify="right")
    table.add_column(t("col.people"), justify="right")
    table.add_column(t("col.amount"), justify="right")
    for code, c in rules.items():
        table.add_row(
            f"{t(f'rule.{code.lower()}.title')} ({code})",
            str(c.get("count", 0)),
            str(c.get("people", 0)),
            fen_to_yuan(int(c.get("amount_cents", 0))),
            style=None if c.get("count") else "dim",
        )
    console.print(table)


def _print_indicator_rows(indicators: Sequence[Mapping[str, Any]]) -> None:
    from edupoverty.cli.audit import print_indicators

    print_indicators([Indicator.model_validate(i) for i in indicators])


def _print_findings(title: str, frame: pd.DataFrame, limit: int) -> None:
    table = Table(title=title)
    for msg_id in (
        "col.rule",
        "history.col.name",
        "history.col.person_id",
        "history.col.program",
        "history.col.term",
        "history.col.message",
    ):
        table.add_column(t(msg_id))
    for rec in (
        frame.head(limit).astype(object).where(frame.head(limit).notna(), None).to_dict("records")
    ):
        table.add_row(
            t(f"rule.{str(rec['rule']).lower()}.title"),
            rec["name"] or "",
            mask_id(rec["person_id"]) if rec["person_id"] else "",
            rec["program"] or "",
            rec["term"] or "",
            mask_ids_in_text(rec["message"] or ""),
        )
    console.print(table)
    if len(frame) > limit:
        say(t("history.more_rows", shown=limit, total=len(frame)), style="dim")


__all__ = [
    "Comparison",
    "command",
    "compare_with_previous",
    "history_options",
    "open_run_history",
    "record_run",
    "resolve_db_path",
    "scope_of",
]
