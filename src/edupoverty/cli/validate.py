"""``edupov validate FILE...``: is each file readable, what was recognised, which rows are bad."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from edupoverty.cli.console import console, say
from edupoverty.cli.errors import ExitCode
from edupoverty.cli.options import I18nCommand, input_options, option
from edupoverty.core.models import SourceKind
from edupoverty.i18n import t
from edupoverty.io.config_file import load_column_aliases
from edupoverty.io.validation import validate_files


@click.command(cls=I18nCommand, help="validate.help", short_help="validate.short")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@input_options
@option(
    "--config", "config", type=click.Path(path_type=Path), default=None, help="opt.config_columns"
)
@option("--json", "as_json", is_flag=True, default=False, help="opt.json")
@option(
    "--max-errors", type=click.IntRange(0), default=20, show_default=True, help="opt.max_errors"
)
@click.pass_context
def command(
    ctx: click.Context,
    files: tuple[Path, ...],
    registry: tuple[str, ...],
    roster: tuple[str, ...],
    ledger: tuple[str, ...],
    encoding: str | None,
    sheet: str | None,
    config: Path | None,
    as_json: bool,
    max_errors: int,
) -> None:
    """Validate files (help text: validate.help)."""
    items: list[tuple[str | Path, SourceKind | None]] = [(f, None) for f in files]
    items += (
        [(p, "registry") for p in registry]
        + [(p, "roster") for p in roster]
        + [(p, "ledger") for p in ledger]
    )
    if not items:
        raise click.UsageError(t("validate.no_files"))
    aliases = load_column_aliases(config) if config else None
    report = validate_files(
        items, column_aliases=aliases, encoding=encoding, sheet=sheet, max_errors=max_errors
    )
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if report["unusable"]:
        ctx.exit(ExitCode.BAD_INPUT)
    if report["rows_rejected"]:
        ctx.exit(ExitCode.THRESHOLD_FAILED)
    ctx.exit(ExitCode.OK)


def _print_report(report: dict[str, Any]) -> None:
    for f in report["files"]:
        if not f["usable"]:
            say(f["error"], style="bold red")
            continue
        console.rule(f"[bold]{f['file']}")
        for s in f["skipped_sheets"]:
            say(t("validate.skipped_sheet", sheet=s["sheet"], reason=s["reason"]), style="yellow")
        for s in f["sheets"]:
            _print_sheet(s)
    say(
        t(
            "validate.total",
            files=len(report["files"]),
            unusable=report["unusable"],
            read=report["rows_read"],
            rejected=report["rows_rejected"],
        ),
        style="bold",
    )


def _print_sheet(s: dict[str, Any]) -> None:
    kind = t(f"kind.{s['kind']}")
    header = ",".join(str(r) for r in s["header_rows"])
    say(
        t(
            "validate.sheet_line",
            sheet=s["sheet"] or "-",
            kind=kind,
            header=header,
            term=s["term"] or "-",
        )
    )
    recognised = "、".join(f"{label}→{col}" for label, col in s["columns"].items())
    say(t("validate.columns", columns=recognised))
    if s["unrecognised"]:
        say(t("validate.unrecognised", columns="、".join(s["unrecognised"])), style="dim")
    for note in s["notes"]:
        say(f"  {note}", style="dim")
    say(
        t(
            "validate.rows",
            read=s["rows_read"],
            accepted=s["rows_accepted"],
            rejected=s["rows_rejected"],
            remarks=s["remarks"],
        )
    )
    if s["errors"]:
        table = Table(
            title=t("validate.errors_title", shown=len(s["errors"]), total=s["error_count"]),
            show_lines=False,
        )
        table.add_column(t("col.row"), justify="right")
        table.add_column(t("col.column"))
        table.add_column(t("col.problem"))
        for e in s["errors"]:
            table.add_row(str(e["row"]), e["column"] or "", e["message"])
        console.print(table)
