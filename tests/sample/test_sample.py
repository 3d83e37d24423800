"""The sample generator: deterministic, realistic layouts, read back cleanly, every rule covered."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.core import columns as C
from edupoverty.core.normalise.ids import is_valid_id
from edupoverty.io import load_inputs
from edupoverty.rules import ALL_RULES
from edupoverty.sample import generate_sample

ANSWER = "expected_findings.csv"


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3,000-pupil sample county, generated once (seed 1)."""
    out = tmp_path_factory.mktemp("county") / "c"
    generate_sample(out, students=3000, seed=1)
    return out


def _answer(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / ANSWER, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.csv"))
    }


def test_sample_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    """Two runs with one seed give identical answer keys and identical cell values."""
    generate_sample(tmp_path / "a", students=200, seed=5, fmt="csv")
    generate_sample(tmp_path / "b", students=200, seed=5, fmt="csv")
    generate_sample(tmp_path / "c", students=200, seed=6, fmt="csv")
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_sample_writes_the_promised_layout(county: Path) -> None:
    """registry/, roster/, ledger/, policy.toml, expected_findings.csv and edupov.toml exist."""
    for name in ("registry", "roster", "ledger", "policy.toml", ANSWER, "edupov.toml"):
        assert (county / name).exists(), name
    suffixes = {p.suffix for p in (county / "roster").iterdir()}
    assert suffixes == {".xlsx", ".xls", ".csv"}


def test_sample_roster_csv_is_gbk(county: Path) -> None:
    """At least one roster CSV is GBK-encoded (not valid UTF-8), as Chinese Windows saves it."""
    gbk = []
    for path in (county / "roster").glob("*.csv"):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            gbk.append(data.decode("gbk"))
    assert gbk and "学籍状态" in gbk[0]


def test_sample_registry_has_title_merged_header_and_total_row(county: Path) -> None:
    """Each township sheet has a title row, a merged two-row header and a 合计 row."""
    path = next((county / "registry").glob("*.xlsx"))
    ws = openpyxl.load_workbook(path)["城关镇"]
    assert "防返贫" in str(ws["A1"].value)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "D2:G2" in merged and "A2:A3" in merged
    assert ws["E3"].value == "证件号码"
    assert any(ws.cell(row=r, column=1).value == "合计" for r in range(1, ws.max_row + 1))


def test_sample_mangled_ids_are_number_cells(county: Path) -> None:
    """IDs injected as mangled are stored as numbers, exactly as Excel does."""
    answer = _answer(county)
    mangled = answer[
        (answer["rule"] == "ID_NUMBER_MANGLED") & answer["file"].str.endswith(".xlsx")
    ].iloc[0]
    ws = openpyxl.load_workbook(county / "roster" / mangled["file"])[mangled["sheet"]]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=int(mangled["row"]), column=header.index("身份证件号") + 1)
    assert isinstance(cell.value, float)


def test_sample_answer_key_covers_every_rule_with_ten_or_more(county: Path) -> None:
    """At 3,000 pupils every SPEC rule has at least 10 rows in the answer key."""
    counts = _answer(county)["rule"].value_counts()
    for rule in ALL_RULES:
        assert counts.get(rule.RULE.code, 0) >= 10, rule.RULE.code


def test_sample_reads_back_with_only_the_injected_rejects(county: Path) -> None:
    """Every file reads back; the only rejected ID rows are the injected bad IDs in the answer key."""
    loaded = load_inputs(
        registry=[county / "registry"], roster=[county / "roster"], ledger=[county / "ledger"]
    )
    answer = _answer(county)
    injected = answer[answer["rule"].isin(["INVALID_ID", "ID_NUMBER_MANGLED"])]
    expected = {(r.file, r.sheet, int(r.row)) for r in injected.itertuples()}
    errors = loaded.issues[loaded.issues["level"] == "error"]
    rejected = {(r.file, r.sheet, int(r.row)) for r in errors.itertuples()}
    assert rejected == expected
    valid = pd.concat([loaded.registry, loaded.roster, loaded.ledger])
    ok = valid[valid[C.ID_STATUS] == "valid"][C.PERSON_ID]
    assert ok.map(is_valid_id).all()


def test_sample_command_refuses_non_empty_folder(tmp_path: Path) -> None:
    """edupov sample never clobbers a user's folder without --force (exit 2, clear message)."""
    (tmp_path / "我的文件.xlsx").write_bytes(b"keep me")
    result = CliRunner().invoke(cli, ["sample", "--out", str(tmp_path), "--students", "60"])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert (tmp_path / "我的文件.xlsx").read_bytes() == b"keep me"
    forced = CliRunner().invoke(
        cli, ["sample", "--out", str(tmp_path), "--students", "60", "--force"]
    )
    assert forced.exit_code == 0
    assert (tmp_path / "我的文件.xlsx").read_bytes() == b"keep me"
    assert (tmp_path / "edupov.toml").exists()


def test_sample_keeps_transfer_look_alike_unflagged(county: Path) -> None:
    """Pupils transferred (转出 at A, 在读 at B in 2025春, paid by B) exist and are in no finding."""
    roster = load_inputs(roster=[county / "roster"]).roster
    spring = roster[roster[C.TERM] == "2025春"]
    out = set(spring.loc[spring[C.STATUS] == "transferred_out", C.PERSON_ID].dropna())
    active = set(spring.loc[spring[C.STATUS] == "active", C.PERSON_ID].dropna())
    transferred = out & active
    assert len(transferred) >= 5
    flagged = set(_answer(county)["person_id"])
    assert not transferred & flagged
