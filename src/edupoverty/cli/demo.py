"""``edupov demo``: write a sample county, reconcile it, and say where everything is."""

from __future__ import annotations

from pathlib import Path

import click

from edupoverty.cli import reconcile as reconcile_cli
from edupoverty.cli.console import say
from edupoverty.cli.options import I18nCommand, option
from edupoverty.i18n import t


@click.command(cls=I18nCommand, help="demo.help", short_help="demo.short")
@option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("edupov-demo"),
    show_default=True,
    help="opt.demo_out",
)
@option(
    "--students", type=click.IntRange(50), default=300, show_default=True, help="opt.demo_students"
)
@option("--seed", type=int, default=1, show_default=True, help="opt.demo_seed")
@click.pass_context
def command(ctx: click.Context, out: Path, students: int, seed: int) -> None:
    """Demo (help text: demo.help)."""
    from edupoverty.sample import generate_sample

    data = out / "data"
    generate_sample(data, students=students, seed=seed, fmt="xlsx", force=True)
    say(t("demo.generated", students=students, path=str(data)))
    result_dir = out / "result"
    ctx.invoke(reconcile_cli.command, config=data / "edupov.toml", out=result_dir)
