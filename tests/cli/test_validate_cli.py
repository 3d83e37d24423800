"""``edupov validate`` end to end with CliRunner: exit codes, JSON, masking."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.io.validation import validate_files
from factories import make_id
from filebuilders import ledger_rows, write_csv, write_xlsx

PUPIL = make_id("20130405", seq=121)
ID18 = re.compile(r"\d{17}[\dX]")


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_validate_exits_zero_for_clean_file_and_names_columns(tmp_path: Path) -> None:
    """A clean ledger exits 0 and the report lists the recognised columns and header row."""
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "S": ledger_rows(
                [["学校", "一年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, "2024-10-15"]]
            )
        },
    )
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert "身份证号" in result.stderr and "发放台账" in result.stderr
    assert result.stdout == ""


def test_validate_exits_one_when_rows_rejected_and_masks_ids(tmp_path: Path) -> None:
    """A bad check digit rejects the row (exit 1); the ID shows masked on the terminal."""
    bad = PUPIL[:-1] + ("1" if PUPIL[-1] != "1" else "2")
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {"S": ledger_rows([["学校", "一年级", "张伟", bad, "小学寄宿生生活补助", 500, None]])},
    )
    result = _run("validate", str(path))
    assert result.exit_code == 1
    assert "校验位错误" in result.stderr
    assert not ID18.search(result.stderr + result.stdout)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("missing.xlsx", None, id="文件不存在"),
        pytest.param("empty.csv", b"", id="空文件"),
        pytest.param("fake.xlsx", b"hello", id="文本改名"),
    ],
)
def test_validate_exits_two_for_unusable_file_without_traceback(
    tmp_path: Path, name: str, content: bytes | None
) -> None:
    """An unusable file gives one Chinese sentence naming it and exit 2."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = _run("validate", str(path))
    assert result.exit_code == 2
    assert name in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_exits_two_for_folder_without_spreadsheets(tmp_path: Path) -> None:
    """A folder holding no spreadsheet is unusable input."""
    (tmp_path / "readme.txt.bak").write_text("x")
    result = _run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "没有表格文件" in result.stderr


def test_validate_json_matches_library_call(tmp_path: Path) -> None:
    """--json prints exactly what validate_files returns, and nothing else on stdout."""
    path = write_csv(
        tmp_path / "r.csv",
        [["姓名", "身份证件号", "年级", "学籍状态"], ["欧阳娜娜", PUPIL, "七年级", "在读"]],
        encoding="gbk",
    )
    result = _run("validate", "--json", str(path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == validate_files([(path, None)])


def test_validate_english_under_lang_en(tmp_path: Path) -> None:
    """--lang en switches the report to English."""
    path = tmp_path / "nothing.xlsx"
    result = _run("--lang", "en", "validate", str(path))
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_validate_uses_column_aliases_from_config(tmp_path: Path) -> None:
    """A [columns] alias in edupov.toml makes an unusual header recognised."""
    path = write_xlsx(
        tmp_path / "r.xlsx",
        {"S": [["学生名字", "公民身份证编号", "学籍状态"], ["张伟", PUPIL, "在读"]]},
    )
    config = tmp_path / "edupov.toml"
    config.write_text('[columns]\nname = ["学生名字"]\nid = ["公民身份证编号"]\n', encoding="utf-8")
    without = _run("validate", str(path))
    with_config = _run("validate", "--config", str(config), "--json", str(path))
    assert without.exit_code == 2
    assert with_config.exit_code == 0
    report = json.loads(with_config.stdout)
    assert report["files"][0]["sheets"][0]["columns"]["公民身份证编号"] == "id_raw"
