"""Issue 8: data about children and money — IDs and cards masked everywhere, no network, no live formulas.

The console checks run real ``edupov`` processes with ``--debug`` (so logging, warnings
and tracebacks go through the real handlers) under a ``sitecustomize`` that makes every
socket call fail and leave a mark.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.core.normalise.ids import mask_ids_in_text
from factories import make_id
from filebuilders import write_csv
from hostile.processes import Run, cli_env

FULL_ID = re.compile(r"\d{17}[\dXx]")
LONG_DIGITS = re.compile(r"\d{15,}")
MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")
CARD = "6222021234567890123"
"""A 19-digit bank card number (UnionPay), put where a clerk might paste it."""

_BLOCK_SOCKETS = '''
"""Test harness: every socket call fails and leaves a mark (issue 8, no network)."""
import os
import socket

_MARK = os.environ["EDUPOV_NET_MARK"]


def _refuse(*args, **kwargs):
    with open(_MARK, "a", encoding="utf-8") as fh:
        fh.write(repr(args[:3]) + "\\n")
    raise OSError("network access blocked by the test")


socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.socket.sendto = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
'''

QUICK_CONFIG = """\
[inputs]
registry = ["registry/*"]
roster = {rosters}
ledger = ["ledger/2024秋_*"]

[run]
policy = "policy.toml"
terms = ["2024秋"]
"""


def _put_cards_in_a_ledger(county: Path) -> None:
    """Write full card numbers in one ledger's 银行卡号 column and one in its 身份证号 column."""
    path = sorted((county / "ledger").glob("2024秋_*"))[0]
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    header = next(r for r in range(1, 6) if ws.cell(r, 1).value == "序号")
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    for row in range(header + 1, ws.max_row + 1):
        if ws.cell(row, columns["身份证号"]).value:
            ws.cell(row, columns["银行卡号"]).value = CARD
    ws.cell(header + 1, columns["身份证号"]).value = CARD  # a card pasted into the ID column
    wb.save(path)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run sample, reconcile, audit, validate and history (all with --debug) with sockets blocked; keep every exit code and all output."""
    root = tmp_path_factory.mktemp("personal")
    harness = root / "harness"
    harness.mkdir()
    (harness / "sitecustomize.py").write_text(_BLOCK_SOCKETS, encoding="utf-8")
    mark = root / "network-attempts.txt"
    env = cli_env(
        COLUMNS="400",  # rich would cut wide cells with "…", hiding what the grep must see
        PYTHONPATH=str(harness),
        EDUPOV_NET_MARK=str(mark),
        EDUPOV_HISTORY_DB=str(root / "history.sqlite3"),
    )
    county, out = root / "county", root / "out"
    runs: dict[str, Run] = {}

    def run(name: str, *args: str) -> Run:
        runs[name] = Run(["--debug", *args], env=env, cwd=county if county.exists() else root)
        return runs[name]

    run("sample", "sample", "--out", str(county), "--students", "50", "--seed", "3").finish()
    _put_cards_in_a_ledger(county)
    rosters = sorted((county / "roster").iterdir())
    picked = [next(p for p in rosters if p.suffix == s) for s in (".xls", ".csv")]
    picked += [p for p in rosters if p.suffix == ".xlsx"][:2]
    listed = [f"roster/{p.name}" for p in picked]
    (county / "quick.toml").write_text(
        QUICK_CONFIG.format(rosters=str(listed).replace("'", '"')), encoding="utf-8"
    )
    config = str(county / "quick.toml")
    inputs = [*(county / "registry").glob("*"), *(county / "ledger").glob("2024秋_*"), *picked]
    checking = run("validate", "validate", *map(str, inputs))  # alongside reconcile: independent
    run(
        "reconcile", "reconcile", "--config", config, "--out", str(out), "--as-of", "2024-11-01"
    ).finish()
    run("audit", "audit", "--config", config, "--out", str(out), "--as-of", "2025-03-01").finish()
    run("history", "history", "diff", "1", "2").finish()
    checking.finish()
    return {
        "codes": {name: r.proc.returncode for name, r in runs.items()},
        "output": {name: r.stdout + r.stderr for name, r in runs.items()},
        "out": out,
        "mark": mark,
        "env": env,
    }


@pytest.mark.slow
def test_console_output_shows_no_full_id_or_card_number(session: dict[str, Any]) -> None:
    """Everything every command printed with --debug (stdout and stderr) holds no 18-character ID and no run of 15+ digits; summary.json neither."""
    output = session["output"]
    everything = "\n".join(output.values())
    assert MASKED_ID.search(everything), "the run must have had IDs to mask"
    for name, text in output.items():
        assert not FULL_ID.search(text), (name, FULL_ID.search(text))
        assert not LONG_DIGITS.search(text), (name, LONG_DIGITS.search(text))
    summary = (session["out"] / "summary.json").read_text(encoding="utf-8")
    assert not LONG_DIGITS.search(summary)


@pytest.mark.slow
def test_commands_never_touch_the_network(session: dict[str, Any], tmp_path: Path) -> None:
    """With every socket call failing, sample, reconcile, audit, validate and history all succeed and none tried to connect or resolve a name."""
    codes = session["codes"]
    assert codes["sample"] == 0 and codes["reconcile"] == 0, session["output"]
    assert codes["audit"] in (0, 1) and codes["validate"] in (0, 1)
    assert codes["history"] == 0
    assert not session["mark"].exists(), session["mark"].read_text(encoding="utf-8")
    # The harness itself works: the same environment stops a plain connection attempt.
    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env={**session["env"], "EDUPOV_NET_MARK": str(tmp_path / "probe.txt")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 1
    assert "network access blocked by the test" in probe.stderr
    assert (tmp_path / "probe.txt").exists()


def test_debug_traceback_and_log_records_mask_ids_and_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --debug an internal error's traceback and a logged warning carrying an ID, a certificate number and a card are printed masked."""
    person = make_id("20120305", seq=123)
    detail = f"行 {person} 残疾证 {person}44 卡 {CARD} 分组 6222 0212 3456 7890 123"

    def explode(*_args: object, **_kwargs: object) -> None:
        logging.getLogger("edupoverty.io.loading").warning("读取异常：%s", detail)
        raise RuntimeError(detail)

    monkeypatch.setattr("edupoverty.cli.reconcile.load_and_reconcile", explode)
    result = CliRunner().invoke(
        cli,
        [
            "--debug",
            "reconcile",
            "--roster",
            str(tmp_path / "学籍.csv"),
            "--out",
            str(tmp_path / "out"),
            "--no-history",
        ],
    )
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "内部错误（RuntimeError）" in result.stderr
    assert "WARNING edupoverty.io.loading: 读取异常" in result.stderr
    assert result.stderr.count("622202*********0123") >= 4  # plain and grouped, log and traceback
    assert not LONG_DIGITS.search(result.stderr) and not FULL_ID.search(result.stderr)


def test_usage_error_masks_an_id_typed_as_a_value() -> None:
    """An ID typed where a run number belongs is quoted back masked in click's usage error."""
    person = make_id("20120305", seq=123)
    result = CliRunner().invoke(cli, ["history", "show", person])
    assert result.exit_code == 2
    assert mask_ids_in_text(person) in result.stderr and person not in result.stderr


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param(
            "证件号 41142220120305123X 无效", "证件号 411422********123X 无效", id="身份证号"
        ),
        pytest.param("41142220120305123x", "411422********123x", id="小写x"),
        pytest.param("残疾证 41142220120305123X44", "残疾证 411422**********3X44", id="残疾人证号"),
        pytest.param("卡号6222021234567890123。", "卡号622202*********0123。", id="19位银行卡"),
        pytest.param("卡号 6222 0212 3456 7890 123", "卡号 622202*********0123", id="分组银行卡"),
        pytest.param(
            "存折 6228480402564890018123456", "存折 622848***************3456", id="长存折号"
        ),
        pytest.param(
            "共读取 179 行，金额 1250.5 元", "共读取 179 行，金额 1250.5 元", id="普通数字不变"
        ),
        pytest.param("户编号 4114220000030", "户编号 4114220000030", id="13位户编号不变"),
        pytest.param("日期 2024-11-01 20241101", "日期 2024-11-01 20241101", id="日期不变"),
    ],
)
def test_mask_ids_in_text_masks_ids_certificates_and_cards(text: str, masked: str) -> None:
    """IDs, disability certificates, bank cards (plain or grouped) and passbooks are masked; counts, amounts, dates and household numbers are not."""
    assert mask_ids_in_text(text) == masked


# --------------------------------------------------------------------------- formulas

PAYLOADS = ('=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "-2+3", "=cmd|' /C calc'!A0")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _xlsx(path: Path, sheet: str, rows: list[list[Any]], total_formula: str | None = None) -> None:
    """Write a workbook whose text cells are text (as an export writes them), plus a real formula."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    if total_formula is not None:
        ws.write_string(len(rows), 0, "合计")
        ws.write_formula(len(rows), 1, total_formula, None, len(rows) - 1)
    wb.close()


def _gender(person: str) -> str:
    return "男" if int(person[16]) % 2 else "女"


def _hostile_inputs(folder: Path) -> list[str]:
    """Write a registry, two rosters (.xlsx, .csv) and a ledger (.csv) full of formula text; return the input options."""
    folder.mkdir()
    kids = [make_id("20150301", seq=100 + i) for i in range(11)]
    others = [make_id("20150401", seq=200 + i) for i in range(5)]
    registry = [["乡(镇)", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "人口类型"]]
    registry += [  # on no roster: 疑似失学辍学, under a name that is formula text
        ["城关镇", "东村", f"41142200000{i:02d}", p, kids[i], "子", "脱贫户"]
        for i, p in enumerate(PAYLOADS)
    ]
    registry += [
        ["城关镇", "东村", f"41142200000{i:02d}", f"学生{i}", kids[i], "子", "脱贫户"]
        for i in range(5, 11)
    ]
    _xlsx(folder / "名单.xlsx", "城关镇", registry)
    head = ["学校名称", "姓名", "性别", "出生日期", "身份证件号", "年级", "学籍状态", "就读方式"]
    roster = [head] + [  # boarders paid nothing (应助未助) at schools named with formula text
        [
            PAYLOADS[i - 5],
            f"学生{i}",
            _gender(kids[i]),
            "2015-03-01",
            kids[i],
            "三年级",
            "在读",
            "住校",
        ]
        for i in range(5, 10)
    ]
    _xlsx(folder / "学籍.xlsx", "2024年秋季学期", roster, total_formula="=COUNTA(B2:B6)")
    write_csv(
        folder / "学籍2.csv",
        [head + ["学期"]]
        + [
            [
                p,
                PAYLOADS[(i + 1) % 5],
                _gender(others[i]),
                "2015-04-01",
                others[i],
                "三年级",
                "在读",
                "走读",
                "2024秋",
            ]
            for i, p in enumerate(PAYLOADS)
        ],
    )
    ledger_head = [
        "乡镇",
        "学校",
        "年级",
        "姓名",
        "身份证号",
        "资助项目",
        "学期",
        "金额",
        "发放日期",
        "银行卡号",
    ]
    refund = [
        "城关镇",
        "城关镇中心小学",
        "三年级",
        "学生10",
        kids[10],
        "小学寄宿生生活补助",
        "2024秋",
        "-500",
        "2024-10-15",
        CARD,
    ]
    write_csv(
        folder / "台账.csv",
        [ledger_head, refund]
        + [
            [
                "城关镇",
                p,
                "三年级",
                p,
                others[i],
                PAYLOADS[(i + 2) % 5],
                "2024秋",
                "500",
                "2024-10-15",
                CARD,
            ]
            for i, p in enumerate(PAYLOADS)
        ],
    )
    return [
        "--registry", str(folder / "名单.xlsx"),
        "--roster", str(folder / "学籍.xlsx"),
        "--roster", str(folder / "学籍2.csv"),
        "--ledger", str(folder / "台账.csv"),
        "--as-of", "2024-11-01",
        "--term", "2024秋",
    ]  # fmt: skip


def _cells(path: Path) -> Iterator[Any]:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def _decline_patching(*_args: object, **_kwargs: object) -> None:
    from edupoverty.io.workbook.xlsx_parts import PatchDeclinedError

    raise PatchDeclinedError("test: take the openpyxl path")


@pytest.mark.parametrize("copy_path", ["patched", "openpyxl"])
def test_written_workbooks_store_formula_text_as_inert_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_path: str
) -> None:
    """Names, schools and programmes like =HYPERLINK(...) or =cmd|... end up in reconcile.xlsx, audit.xlsx and every annotated copy as apostrophe-prefixed text; no cell is a formula; a negative amount stays a number."""
    if copy_path == "openpyxl":
        monkeypatch.setattr("edupoverty.io.workbook.xlsx_patch.patch_xlsx", _decline_patching)
    options = _hostile_inputs(tmp_path / "in")
    out = tmp_path / "out"
    common = [*options, "--out", str(out), "--no-history", "-q"]
    reconciled = CliRunner().invoke(cli, ["reconcile", "--annotate-all", *common])
    assert reconciled.exit_code == 0, reconciled.stderr
    audited = CliRunner().invoke(cli, ["audit", *common])
    assert audited.exit_code in (0, 1), audited.stderr
    books = sorted(out.rglob("*.xlsx"))
    assert [p.name for p in books] == [
        "台账.核查.xlsx", "名单.核查.xlsx", "学籍.核查.xlsx", "学籍2.核查.xlsx", "audit.xlsx", "reconcile.xlsx",
    ]  # fmt: skip
    negative_amounts = 0
    for book in books:
        whole_payloads = set()
        for cell in _cells(book):
            assert cell.data_type != "f", (book.name, cell.coordinate, cell.value)
            value = cell.value
            if isinstance(value, str):
                assert not value.startswith(TRIGGERS), (book.name, cell.coordinate, value)
                if value.startswith("'") and value[1:] in PAYLOADS:
                    assert cell.data_type == "s"
                    whole_payloads.add(value[1:])
            elif value == -500:
                negative_amounts += 1
        assert whole_payloads == set(PAYLOADS), (book.name, whole_payloads)
        with zipfile.ZipFile(book) as package:
            for member in package.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    assert not re.search(rb"<f[\s>/]", package.read(member)), (book.name, member)
    assert negative_amounts >= 1  # the refund row of 台账.csv, still a number in its copy
    formula_total = [
        c.value for c in _cells(out / "annotated" / "学籍.核查.xlsx") if c.coordinate == "B7"
    ]
    assert formula_total == [5]  # =COUNTA(B2:B6) became the value Excel showed
