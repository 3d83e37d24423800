"""The ``edupov`` command group: global options and the list of subcommands."""

from __future__ import annotations

import importlib
import os

import click

from edupoverty import __version__
from edupoverty.cli.console import configure_logging, restore_logging
from edupoverty.cli.errors import GuardedGroup, install_signal_handlers
from edupoverty.cli.memory import tune_allocator
from edupoverty.cli.options import I18nGroup, help_text, mark_language_explicit, option
from edupoverty.i18n import set_language

# Explicit, ordered: the help lists commands in this order.
SUBCOMMANDS = ("reconcile", "audit", "validate", "history", "sample", "demo", "policy")


class Root(GuardedGroup, I18nGroup):
    """The root group: the error boundary plus translated help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Keep the documented order instead of alphabetical."""
        return [c for c in SUBCOMMANDS if c in self.commands]


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    chosen = value or os.environ.get("EDUPOV_LANG") or "zh"
    set_language(chosen)
    mark_language_explicit(value is not None or "EDUPOV_LANG" in os.environ)
    return chosen


@click.group(cls=Root, help="cli.help", context_settings={"help_option_names": ["-h", "--help"]})
@option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    is_eager=True,
    expose_value=False,
    callback=_set_lang,
    help="opt.lang",
)
@option("--debug", is_flag=True, default=False, help="opt.debug")
@click.version_option(
    __version__, "--version", "-V", prog_name="edupov", message="%(prog)s %(version)s"
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Root group; the help text comes from the catalogue (cli.help)."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    handler = configure_logging(debug)
    ctx.call_on_close(lambda: restore_logging(handler))


for _name in SUBCOMMANDS:
    _module = importlib.import_module(f"edupoverty.cli.{_name}")
    cli.add_command(_module.command, _name)


def main() -> None:
    """Console-script entry point."""
    install_signal_handlers()
    tune_allocator()
    cli(prog_name="edupov")


__all__ = ["cli", "help_text", "main"]
