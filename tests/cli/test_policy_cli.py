"""``edupov policy``: show the policy (table or JSON) and write an editable copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from edupoverty.cli.policy import command
from edupoverty.core.errors import PolicyError
from edupoverty.core.policy import Policy
from edupoverty.io.policy_file import default_policy_text, load_policy


def invoke(*args: str) -> Result:
    """Run ``edupov policy`` with arguments; stdout and stderr stay apart."""
    return CliRunner().invoke(command, list(args))


def test_policy_show_prints_every_programme_code() -> None:
    """The table lists every programme of the shipped default on stdout."""
    result = invoke("show")
    assert result.exit_code == 0, result.output
    for program in load_policy(None).programs:
        assert program.code in result.stdout
    assert "312.5" in result.stdout


def test_policy_show_json_parses_back_to_the_same_policy() -> None:
    """--json prints the validated policy; it validates back into an equal Policy."""
    result = invoke("show", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "国家基础标准"
    assert Policy.model_validate(data) == load_policy(None)


def test_policy_show_reads_policy_option(tmp_path: Path) -> None:
    """--policy shows the given file instead of the default."""
    path = tmp_path / "p.toml"
    path.write_text(
        default_policy_text().replace('name = "国家基础标准"', 'name = "某省标准"'),
        encoding="utf-8",
    )
    result = invoke("show", "--policy", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == "某省标准"


def test_policy_show_raises_policy_error_for_broken_file(tmp_path: Path) -> None:
    """A broken --policy raises PolicyError, which the CLI boundary turns into exit 2."""
    path = tmp_path / "bad.toml"
    path.write_text(
        '[policy]\nname = "坏"\n[[program]]\ncode = "x"\nname = "某"\nstages = ["大学"]\nper_term = 1\n',
        encoding="utf-8",
    )
    result = invoke("show", "--policy", str(path))
    assert result.exit_code != 0
    assert isinstance(result.exception, PolicyError)
    assert "第6行" in str(result.exception)


def test_policy_init_writes_a_copy_that_loads_back_equal(tmp_path: Path) -> None:
    """init writes the default TOML; loading it gives the same policy as the built-in one."""
    target = tmp_path / "省" / "policy.toml"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == default_policy_text()
    assert load_policy(target) == load_policy(None)
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_policy_init_defaults_to_policy_toml_in_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PATH, init writes ./policy.toml."""
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "policy.toml").is_file()


def test_policy_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    """An existing file is kept unless --force is given."""
    target = tmp_path / "policy.toml"
    target.write_text("# 我的修改\n", encoding="utf-8")
    result = invoke("init", str(target))
    assert isinstance(result.exception, PolicyError)
    assert result.exception.details[0].code == "policy.init_exists"
    assert target.read_text(encoding="utf-8") == "# 我的修改\n"

    forced = invoke("init", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8") == default_policy_text()


def test_policy_init_into_a_folder_writes_policy_toml_there(tmp_path: Path) -> None:
    """Given a folder, init writes policy.toml inside it."""
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "policy.toml").is_file()


@pytest.mark.parametrize("args", [(), ("show",), ("init",)], ids=["policy", "show", "init"])
def test_policy_help_shows_chinese_then_english(args: tuple[str, ...]) -> None:
    """Each policy command has help in Chinese with English below it."""
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.output)
    assert "policy" in result.output.lower()
