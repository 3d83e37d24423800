"""Options shared by several commands, declared once, and help text from the catalogue.

Help strings are message ids; they are looked up when help is shown, so that
``edupov --lang en reconcile --help`` is English. With no ``--lang`` the help shows the
Chinese text with the English below it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from edupoverty.i18n import catalogue, get_language, t

F = TypeVar("F", bound=Callable[..., Any])

_explicit_lang: list[bool] = [False]


def mark_language_explicit(explicit: bool) -> None:
    """Remember whether the user chose a language (then help shows that language only)."""
    _explicit_lang[0] = explicit


def help_text(msg_id: str | None) -> str | None:
    """Return the help for a message id: both languages by default, one under --lang."""
    if msg_id is None or msg_id not in catalogue():
        return msg_id
    if _explicit_lang[0]:
        return t(msg_id, lang=get_language())
    zh, en = catalogue()[msg_id]
    return f"{zh}\n\n{en}"


def short_help_text(msg_id: str | None) -> str | None:
    """Return one-line help for option lists: ``中文 / English`` by default."""
    if msg_id is None or msg_id not in catalogue():
        return msg_id
    if _explicit_lang[0]:
        return t(msg_id, lang=get_language())
    zh, en = catalogue()[msg_id]
    return f"{zh} / {en}"


class I18nOption(click.Option):
    """An option whose ``help`` is a message id."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """Translate the help text when the help page is drawn."""
        original = self.help
        self.help = short_help_text(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


class I18nCommand(click.Command):
    """A command whose ``help`` and ``short_help`` are message ids."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the translated help text."""
        text = help_text(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                for i, para in enumerate(text.split("\n\n")):
                    if i:
                        formatter.write_paragraph()
                    formatter.write_text(para)

    def get_short_help_str(self, limit: int = 45) -> str:
        """Return the one-line summary shown in ``edupov --help``."""
        msg_id = self.short_help or self.help
        return short_help_text(msg_id) or ""


class I18nGroup(click.Group):
    """A group whose help is a message id (used for ``edupov policy`` and the like)."""

    command_class = I18nCommand

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the translated help text."""
        I18nCommand.format_help_text(self, ctx, formatter)  # type: ignore[arg-type]

    def get_short_help_str(self, limit: int = 45) -> str:
        """Return the one-line summary shown in the parent's help."""
        return short_help_text(self.short_help or self.help) or ""


def option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` with a translated help message id."""
    attrs.setdefault("cls", I18nOption)
    return click.option(*decls, **attrs)


def input_options(f: F) -> F:
    """``--registry/--roster/--ledger`` (repeatable files, folders or globs), ``--encoding``, ``--sheet``."""
    for decl in reversed(
        [
            option("--registry", "registry", multiple=True, metavar="PATH", help="opt.registry"),
            option("--roster", "roster", multiple=True, metavar="PATH", help="opt.roster"),
            option("--ledger", "ledger", multiple=True, metavar="PATH", help="opt.ledger"),
            option("--encoding", default=None, metavar="ENC", help="opt.encoding"),
            option("--sheet", default=None, metavar="NAME", help="opt.sheet"),
        ]
    ):
        f = decl(f)
    return f


def output_options(f: F) -> F:
    """``--json`` and ``--quiet``."""
    for decl in reversed(
        [
            option("--json", "as_json", is_flag=True, default=False, help="opt.json"),
            option("--quiet", "-q", is_flag=True, default=False, help="opt.quiet"),
        ]
    ):
        f = decl(f)
    return f
