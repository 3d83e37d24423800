"""Outputs are written atomically and never over an input; edupov.toml is read as documented."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edupoverty.core.config import resolve_config
from edupoverty.core.errors import ConfigError, OutputError
from edupoverty.io.config_file import load_config_file
from edupoverty.io.writers.atomic import atomic_write


def test_atomic_write_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    """An output path equal to an input path is refused before anything is written, as an output error naming the file."""
    source = tmp_path / "学籍.xlsx"
    source.write_bytes(b"original")
    with pytest.raises(OutputError) as info, atomic_write(source, inputs=[source]) as tmp:
        tmp.write_bytes(b"clobbered")
    assert source.read_bytes() == b"original"
    assert info.value.details[0].code == "write.output_is_input"
    assert info.value.render().startswith("无法写入输出：学籍.xlsx")


def test_atomic_write_leaves_previous_output_when_writer_fails(tmp_path: Path) -> None:
    """A writer that crashes midway leaves the old file and no temp file."""
    target = tmp_path / "summary.json"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_config_file_resolves_inputs_and_policy_relative_to_itself(tmp_path: Path) -> None:
    """Globs and the policy path in edupov.toml are relative to the file, not the working folder."""
    config = tmp_path / "edupov.toml"
    config.write_text(
        '[inputs]\nroster = ["roster/*"]\n[run]\npolicy = "policy.toml"\nas_of = "2024-11-01"\nterms = ["2024秋"]\n',
        encoding="utf-8",
    )
    values = load_config_file(config)
    assert values["roster"] == (str(tmp_path.resolve() / "roster/*"),)
    assert values["policy"] == tmp_path.resolve() / "policy.toml"
    assert values["as_of"] == dt.date(2024, 11, 1)


def test_options_override_config_file_values() -> None:
    """A value given on the command line wins; one not given keeps the file's."""
    cfg = resolve_config(
        {"as_of": dt.date(2024, 11, 1), "roster": ("a/*",), "terms": ("2024秋",)},
        {"as_of": dt.date(2025, 4, 1), "roster": (), "terms": None},
    )
    assert cfg.as_of == dt.date(2025, 4, 1)
    assert cfg.roster == ("a/*",)
    assert cfg.terms == ("2024秋",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("[run\n", "config.syntax", id="TOML语法错误"),
        pytest.param('[run]\nas_of = "2024/11/01"\n', "config.bad_date", id="日期格式"),
        pytest.param(
            '[columns]\nshenfenzheng = ["证号"]\n', "config.columns_unknown_field", id="未知字段"
        ),
    ],
)
def test_config_file_rejects_bad_values_with_a_message_id(
    tmp_path: Path, text: str, code: str
) -> None:
    """A bad edupov.toml raises ConfigError with a specific message."""
    config = tmp_path / "edupov.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config_file(config)
    assert info.value.details[0].code == code
