"""Every command has help, Chinese with English below it, or one language under --lang."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from edupoverty import __version__
from edupoverty.cli.main import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix]
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out += _commands(cmd, (*prefix, name))
        else:
            out.append((*prefix, name))
    return out


COMMANDS = _commands(cli)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "edupov")
def test_help_shows_chinese_then_english_by_default(path: tuple[str, ...]) -> None:
    """Default help has Chinese text and the English text below it."""
    result = CliRunner().invoke(cli, [*path, "--help"], env={"EDUPOV_LANG": ""})
    assert result.exit_code == 0
    text = result.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert any(w in text for w in ("the ", "The ", " a ", "and"))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "edupov")
def test_help_is_english_only_under_lang_en(path: tuple[str, ...]) -> None:
    """Under --lang en the command's own help text has no Chinese sentence."""
    result = CliRunner().invoke(cli, ["--lang", "en", *path, "--help"])
    assert result.exit_code == 0
    description = result.output.split("Options:")[0]
    assert not any(
        "\u4e00" <= ch <= "\u9fff"
        for ch in description.replace("学期", "").replace("秋", "").replace("春", "")
    )


def test_version_prints_package_version() -> None:
    """edupov --version prints the installed version."""
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
