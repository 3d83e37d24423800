"""``edupov sample``: write a realistic sample county with its answer key."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from edupoverty.cli.console import console, say
from edupoverty.cli.options import I18nCommand, option
from edupoverty.core.errors import InputError
from edupoverty.i18n import t
from edupoverty.sample import generate_sample


@click.command(cls=I18nCommand, help="sample.help", short_help="sample.short")
@option("--out", type=click.Path(path_type=Path), required=True, help="sample.opt.out")
@option(
    "--students",
    type=click.IntRange(50),
    default=3000,
    show_default=True,
    help="sample.opt.students",
)
@option("--seed", type=int, default=1, show_default=True, help="sample.opt.seed")
@option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="sample.opt.format",
)
@option("--force", is_flag=True, default=False, help="sample.opt.force")
def command(out: Path, students: int, seed: int, fmt: str, force: bool) -> None:
    """Sample (help text: sample.help)."""
    try:
        manifest = generate_sample(
            out, students=students, seed=seed, fmt="csv" if fmt == "csv" else "xlsx", force=force
        )
    except FileExistsError as exc:
        raise InputError.of("sample.not_empty", file=str(out)) from exc
    files = {k: len(v) for k, v in manifest.files.items()}
    say(
        t(
            "sample.written",
            path=str(out),
            registry=files.get("registry", 0),
            roster=files.get("roster", 0),
            ledger=files.get("ledger", 0),
        )
    )
    table = Table(title=t("sample.table_title"))
    table.add_column(t("col.rule"))
    table.add_column(t("col.count"), justify="right")
    for rule, count in sorted(manifest.anomalies.items()):
        table.add_row(rule, str(count))
    console.print(table)
