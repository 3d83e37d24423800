"""``edupov audit`` end to end with CliRunner: exit codes, outputs, thresholds, history marks."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner, Result

from edupoverty.cli import audit as audit_cli
from edupoverty.cli import history as history_cli
from factories import DATA, make_id
from filebuilders import write_xlsx

POLICY = DATA / "policy_small.toml"
A, B, C, D = (make_id(f"2014030{i}", seq=100 + i) for i in (1, 2, 3, 4))
ID18 = re.compile(r"\d{17}[\dX]")
SCHOOL = "城关镇中心小学"


def _cli() -> click.Group:
    """The real root group, with audit and history added when the lead has not wired them yet."""
    from edupoverty.cli.main import cli

    for name, module in (("audit", audit_cli), ("history", history_cli)):
        if name not in cli.commands:
            cli.add_command(module.command, name)
    return cli


def invoke(*args: str) -> Result:
    """Run edupov with arguments; stdout and stderr stay apart."""
    return CliRunner().invoke(_cli(), list(args), catch_exceptions=False)


def write_county(
    folder: Path,
    registry: Sequence[Sequence[Any]],
    roster: Sequence[Sequence[Any]],
    ledger: Sequence[Sequence[Any]],
) -> dict[str, Path]:
    """Write registry.xlsx, roster.xlsx and ledger.xlsx (rows without headers) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "registry": write_xlsx(
            folder / "registry.xlsx",
            {
                "名单": [
                    ["乡(镇)", "户编号", "姓名", "证件号码", "与户主关系", "人口类型"],
                    *registry,
                ]
            },
        ),
        "roster": write_xlsx(
            folder / "roster.xlsx",
            {
                "Sheet1": [
                    ["学校名称", "姓名", "身份证件号", "年级", "学籍状态", "就读方式", "学期"],
                    *roster,
                ]
            },
        ),
        "ledger": write_xlsx(
            folder / "ledger.xlsx",
            {"Sheet1": [["乡镇", "学校", "姓名", "身份证号", "资助项目", "学期", "金额"], *ledger]},
        ),
    }
    return paths


REGISTRY = [
    ["城关镇", "H1", "张一", A, "之子", "脱贫户"],
    ["城关镇", "H2", "张二", B, "之女", "低保"],
]
ROSTER = [
    [SCHOOL, "张一", A, "三年级", "在读", "住校", "2024秋"],
    [SCHOOL, "张二", B, "三年级", "在读", "走读", "2024秋"],
]
PAID_A = ["城关镇", SCHOOL, "张一", A, "小学寄宿生生活补助", "2024秋", 500]
PAID_B = ["城关镇", SCHOOL, "张二", B, "小学非寄宿生生活补助", "2024秋", 250]


def _args(paths: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return [
        "audit",
        "--registry",
        str(paths["registry"]),
        "--roster",
        str(paths["roster"]),
        "--ledger",
        str(paths["ledger"]),
        "--policy",
        str(POLICY),
        "--as-of",
        "2024-11-01",
        "--out",
        str(out),
        *extra,
    ]


def test_audit_exits_zero_when_every_indicator_passes(tmp_path: Path) -> None:
    """A county where everyone entitled is paid and nothing is wrong exits 0 and writes both outputs."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A, PAID_B])
    result = invoke(*_args(paths, tmp_path / "out", "--db", str(tmp_path / "h.sqlite3")))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "audit.xlsx").exists()
    data = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert data["passed"] is True
    assert {i["key"]: i["value"] for i in data["indicators"]}["coverage"] == 1.0
    assert "应助尽助率" in result.stderr and "达标" in result.stderr
    assert result.stdout == ""


def test_audit_exits_one_when_a_threshold_fails_and_masks_ids(tmp_path: Path) -> None:
    """An unpaid entitled pupil fails the 100% coverage target: exit 1, no full ID on the terminal."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A])
    result = invoke(*_args(paths, tmp_path / "out", "--no-history"))
    assert result.exit_code == 1
    assert "未达标" in result.stderr
    assert not ID18.search(result.stderr + result.stdout)


def test_audit_thresholds_come_from_the_config_audit_table(tmp_path: Path) -> None:
    """The same failing county passes when edupov.toml's [audit] lowers the coverage target to 50%."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A])
    config = tmp_path / "edupov.toml"
    config.write_text("[audit]\ncoverage = 0.5\n", encoding="utf-8")
    result = invoke(*_args(paths, tmp_path / "out", "--no-history", "--config", str(config)))
    assert result.exit_code == 0, result.stderr


def test_audit_exits_two_for_missing_input_without_traceback(tmp_path: Path) -> None:
    """A ledger that does not exist is unusable input: exit 2, one Chinese line, no traceback."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A])
    paths["ledger"] = tmp_path / "missing.xlsx"
    result = invoke(*_args(paths, tmp_path / "out", "--no-history"))
    assert result.exit_code == 2
    assert "missing.xlsx" in result.stderr and "Traceback" not in result.stderr


def test_audit_exits_two_when_the_history_database_is_unusable(tmp_path: Path) -> None:
    """A --db path holding something that is not a database is an error naming it, exit 2."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A, PAID_B])
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("plain text, not sqlite " * 40, encoding="utf-8")
    result = invoke(*_args(paths, tmp_path / "out", "--db", str(bad)))
    assert result.exit_code == 2
    assert "bad.sqlite3" in result.stderr and "Traceback" not in result.stderr


def test_audit_json_prints_audit_json_and_equals_the_library_call(tmp_path: Path) -> None:
    """--json prints audit.json on stdout only, and it equals compute_audit on the same inputs."""
    from edupoverty.api import load_inputs, reconcile
    from edupoverty.core.audit import compute_audit, report_json
    from edupoverty.core.config import AuditThresholds
    from edupoverty.io.policy_file import load_policy

    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A])
    result = invoke(*_args(paths, tmp_path / "out", "--no-history", "--json"))
    assert result.exit_code == 1
    loaded = load_inputs([paths["registry"]], [paths["roster"]], [paths["ledger"]])
    outcome = reconcile(loaded, load_policy(POLICY), dt.date(2024, 11, 1))
    expected = compute_audit(outcome, loaded.issues, AuditThresholds(), policy_source=str(POLICY))
    assert json.loads(result.stdout) == json.loads(report_json(expected))
    assert result.stdout == (tmp_path / "out" / "audit.json").read_text(encoding="utf-8")


def _sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [
        dict(zip(header, r, strict=True))
        for r in rows[1:]
        if r[0] is not None and any(v is not None for v in r[1:])
    ]


@pytest.mark.slow
def test_second_audit_marks_new_and_open_findings_and_lists_resolved_ones(tmp_path: Path) -> None:
    """Fixing C's missing payment and B's duplicate, and adding a duplicate for A, gives exactly the expected sets."""
    registry = [
        *REGISTRY,
        ["城关镇", "H3", "张三", C, "之子", "脱贫户"],
        ["城关镇", "H4", "张四", D, "之子", "脱贫户"],
    ]
    roster = [*ROSTER, [SCHOOL, "张三", C, "三年级", "在读", "住校", "2024秋"]]
    paid_c = ["城关镇", SCHOOL, "张三", C, "小学寄宿生生活补助", "2024秋", 500]
    db = tmp_path / "h.sqlite3"
    paths = write_county(tmp_path / "in", registry, roster, [PAID_A, PAID_B, PAID_B])
    first = invoke(*_args(paths, tmp_path / "out1", "--db", str(db)))
    assert first.exit_code == 1, first.stderr
    write_county(tmp_path / "in", registry, roster, [PAID_A, PAID_A, PAID_B, paid_c])
    second = invoke(*_args(paths, tmp_path / "out2", "--db", str(db)))
    assert second.exit_code == 1, second.stderr

    book = tmp_path / "out2" / "audit.xlsx"
    marks = {(r["问题类型"], r["姓名"], r["状态"]) for r in _sheet_rows(book, "整改清单")}
    assert marks == {("重复资助", "张一", "新增"), ("疑似失学辍学", "张四", "未整改")}
    resolved = {(r["问题类型"], r["姓名"]) for r in _sheet_rows(book, "已整改")}
    assert resolved == {("应助未助", "张三"), ("重复资助", "张二")}
    history = json.loads((tmp_path / "out2" / "audit.json").read_text(encoding="utf-8"))["history"]
    assert (
        history["run_id"],
        history["previous_run_id"],
        history["new"],
        history["open"],
        history["resolved"],
    ) == (2, 1, 1, 1, 2)


def test_audit_xlsx_has_the_sheets_frozen_headers_and_a_chart(tmp_path: Path) -> None:
    """audit.xlsx holds 指标 (with a chart and pass/fail fills), 分项指标, 整改清单, 已整改 and 说明."""
    paths = write_county(tmp_path / "in", REGISTRY, ROSTER, [PAID_A])
    invoke(*_args(paths, tmp_path / "out", "--no-history"))
    wb = openpyxl.load_workbook(tmp_path / "out" / "audit.xlsx")
    assert wb.sheetnames == ["指标", "分项指标", "整改清单", "已整改", "说明"]
    ws = wb["指标"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws._charts  # native openpyxl charts
    fills = {
        ws.cell(r, 4).value: ws.cell(r, 4).fill.fgColor.rgb
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, 4).value in ("达标", "未达标")
    }
    assert fills["未达标"].endswith("FFC7CE") and fills["达标"].endswith("C6EFCE")
    rect = wb["整改清单"]
    header = [c.value for c in rect[1]]
    assert header[-3:] == ["责任人", "整改时限", "整改情况"] and "状态" in header
    id_cell = rect.cell(2, header.index("证件号码") + 1)
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
