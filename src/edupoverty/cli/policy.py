"""``edupov policy``: show the aid policy in use, or write an editable copy of the default."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from edupoverty.cli.console import say
from edupoverty.cli.options import I18nGroup, option
from edupoverty.core.errors import PolicyError
from edupoverty.core.policy import Policy, Program
from edupoverty.i18n import t
from edupoverty.io.policy_file import default_policy_text, load_policy
from edupoverty.io.writers.atomic import atomic_write


class PolicyGroup(I18nGroup):
    """The policy group: its subcommands in a fixed order."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Show, then init."""
        return [c for c in ("show", "init") if c in self.commands]


@click.group(cls=PolicyGroup, help="policy.help", short_help="policy.short")
def policy_group() -> None:
    """Aid policy commands (help text: policy.help)."""


command = policy_group
"""What ``cli/main.py`` registers as ``edupov policy``."""

DEFAULT_INIT_PATH = Path("./policy.toml")
"""Where ``edupov policy init`` writes when no PATH is given."""


@policy_group.command("show", help="policy.show.help", short_help="policy.show.short")
@option("--policy", "policy_path", type=click.Path(path_type=Path), default=None, help="opt.policy")
@option("--json", "as_json", is_flag=True, default=False, help="opt.json")
def show_command(policy_path: Path | None, as_json: bool) -> None:
    """Print the policy in use as a table, or as JSON with --json."""
    policy = load_policy(policy_path)
    if as_json:
        click.echo(policy_json(policy))
        return
    source = str(policy_path) if policy_path else t("policy.show.builtin")
    Console(highlight=False, soft_wrap=False).print(policy_table(policy, source))


@policy_group.command("init", help="policy.init.help", short_help="policy.init.short")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_INIT_PATH)
@option("--force", is_flag=True, default=False, help="policy.opt.force")
def init_command(path: Path, force: bool) -> None:
    """Write the shipped default policy to PATH (a folder gets ``policy.toml`` inside it)."""
    target = path / DEFAULT_INIT_PATH.name if path.is_dir() else path
    if target.exists() and not force:
        raise PolicyError.of("policy.init_exists", path=str(target))
    text = default_policy_text()
    with atomic_write(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    say(t("policy.init.done", path=str(target)))


def policy_json(policy: Policy) -> str:
    """Return the validated policy as indented JSON (TOML key names, amounts as strings)."""
    return json.dumps(policy.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2)


def policy_table(policy: Policy, source: str) -> Table:
    """Return a rich table of the programmes: code, name, stages, who, boarding, group, amounts."""
    low, high = policy.compulsory_age
    table = Table(
        title=t(
            "policy.show.title",
            name=policy.name,
            source=source,
            low=low,
            high=high,
            fingerprint=policy.fingerprint()[:12],
        ),
        show_lines=True,
    )
    table.add_column(t("policy.col.code"), no_wrap=True)
    for column in ("name", "stages", "categories", "boarding", "entitled", "group"):
        table.add_column(t(f"policy.col.{column}"), overflow="fold")
    table.add_column(t("policy.col.standard"), no_wrap=True)
    for program in policy.programs:
        table.add_row(
            program.code,
            program.name,
            "、".join(program.stages),
            "、".join(program.categories) or t("policy.val.anyone"),
            _boarding_text(program.boarding),
            t("policy.val.yes") if program.entitled else t("policy.val.no"),
            program.exclusive_group or "-",
            _standard_text(program),
        )
    return table


def _boarding_text(boarding: bool | None) -> str:
    if boarding is None:
        return t("policy.val.either")
    return t("policy.val.boarders") if boarding else t("policy.val.day_pupils")


def _standard_text(program: Program) -> str:
    """Return one line per span of terms: ``500``, or ``2025春前：…`` and ``2025春起：…``."""
    spans = program.standard_ranges()
    lines = []
    for start, until, amounts in spans:
        shown = "/".join(str(a) for a in amounts)
        if start is None and until is None:
            lines.append(shown)
        elif start is None:
            lines.append(t("policy.val.until", until=until, amounts=shown))
        elif until is None:
            lines.append(t("policy.val.span", start=start, amounts=shown))
        else:
            lines.append(t("policy.val.span_until", start=start, until=until, amounts=shown))
    return "\n".join(lines)


__all__ = ["command", "policy_group", "policy_json", "policy_table"]
