"""Hostile and broken input files (issue 8): a clear message or the usable rows, never a crash.

Every case of ``hostile.builders.HOSTILE_INPUTS`` runs through ``edupov validate``,
``reconcile`` and ``audit`` in-process; the few that could eat memory also run in a child
process whose peak memory is measured. The tests after the catalogue pin down what the
readers and writers do with each oddity, row by row.
"""

from __future__ import annotations

import os
import random
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import openpyxl.xml
import pandas as pd
import pytest
from click.testing import CliRunner

from edupoverty.cli.main import cli
from edupoverty.core import columns as C
from edupoverty.core.errors import InputError
from edupoverty.core.findings import CONTRACT_COLUMNS
from edupoverty.io import load_inputs
from edupoverty.io.readers.container import (
    DEFLATE_MAX_RATIO,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_APPLIES_ABOVE,
    check_workbook_container,
)
from edupoverty.io.readers.csv import read_csv
from edupoverty.io.readers.excel import MAX_COLUMNS, read_excel
from edupoverty.io.workbook.styles import MAX_CELL_CHARS, display_width, safe_text
from filebuilders import write_csv, write_xlsx
from hostile.builders import (
    CASES_BY_NAME,
    HOSTILE_INPUTS,
    HUGE_CELL_CHARS,
    MERGED_PUPILS,
    SCHOOL,
    Command,
    HostileCase,
    Part,
    build_billion_laughs_declared,
    build_csv_nul_mixed_encoding,
    build_csv_unbalanced_quote,
    build_formula_cells,
    build_hidden_rows_and_sheets,
    build_huge_cell_csv,
    build_merged_school_column,
    build_wide_sheet,
    build_zip_bomb,
    build_zip_bomb_lying_sizes,
    build_zip_bomb_many_members,
    check_outcome,
    pupil,
    roster_rows,
    workbook_with_parts,
)
from hostile.processes import run_measured

REPO = Path(__file__).parent.parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _runs() -> list[object]:
    params = []
    for case in HOSTILE_INPUTS:
        for command in case.expect:
            marks = [pytest.mark.slow] if case.heavy else []
            if case.needs_non_root:
                marks.append(pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions"))
            params.append(pytest.param(case, command, id=f"{case.label}-{command}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "command"), _runs())
def test_hostile_input_ends_with_message_or_usable_rows(
    tmp_path: Path, case: HostileCase, command: Command
) -> None:
    """Each hostile input gives its expected exit code and message, and is left unchanged."""
    built = case.build(tmp_path / case.name)
    before = built.digests()
    result = CliRunner().invoke(cli, built.argv(command))
    problems = check_outcome(
        case.expect[command], built, result.exit_code, result.stdout, result.stderr, before
    )
    assert not problems, f"{problems}\n--- stderr:\n{result.stderr[-2000:]}"
    if case.needs_non_root:
        os.chmod(built.out, 0o700)  # let pytest clean up


def test_catalogue_cases_have_unique_names_and_known_messages() -> None:
    """The catalogue the robustness benchmark imports is well formed: unique names, real ids."""
    from edupoverty.i18n import catalogue

    names = [c.name for c in HOSTILE_INPUTS]
    assert len(names) == len(set(names)) == len(CASES_BY_NAME)
    known = catalogue()
    for case in HOSTILE_INPUTS:
        assert case.expect, case.name
        for outcome in case.expect.values():
            assert outcome.message_id is None or outcome.message_id in known, case.name


# --------------------------------------------------------------------------- zip containers


def test_container_check_refuses_zip_bomb_from_its_central_directory(tmp_path: Path) -> None:
    """A 3 MB .xlsx declaring a 3 GiB sheet is refused at once, naming the part and ratio."""
    built = build_zip_bomb(tmp_path)
    path = built.inputs[0]
    assert path.stat().st_size < 8 << 20
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    assert time.perf_counter() - started < 1.0
    detail = info.value.details[0]
    assert detail.code == "read.zip_bomb"
    assert detail.file == path.name
    assert "xl/worksheets/sheet1.xml" in detail.params["reason"]
    assert "3.0 GB" in detail.params["reason"]


def test_container_check_refuses_bomb_that_lies_about_its_size(tmp_path: Path) -> None:
    """A sheet claiming 2 KB but inflating to gigabytes is stopped just past its 2 KB."""
    path = build_zip_bomb_lying_sizes(tmp_path).inputs[0]
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    assert time.perf_counter() - started < 1.0
    assert info.value.details[0].code == "read.zip_bomb"
    assert "实际解压后超过其声明的 2.0 KB" in info.value.render()


def _compressed_size(path: Path, part: str) -> int:
    with zipfile.ZipFile(path) as zf:
        return zf.getinfo(part).compress_size


def _refused_as_bomb_naming(path: Path, part: str) -> None:
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    assert info.value.details[0].code == "read.zip_bomb"
    assert part in info.value.render()


def test_container_check_inflates_whole_a_part_deflate_could_blow_past_the_ratio_limit(
    tmp_path: Path,
) -> None:
    """A part whose compressed size × 1032 passes RATIO_APPLIES_ABOVE is inflated to its end:
    a lie about its size that shows only past its prolog is still caught."""
    data = random.Random(7).randbytes(120 << 10)  # incompressible: compresses to ~120 KB
    part = "xl/media/image1.bin"
    lying = Part(data, declared=len(data) - 1)
    path = workbook_with_parts(tmp_path / "学籍.xlsx", {part: lying})
    assert _compressed_size(path, part) * DEFLATE_MAX_RATIO > RATIO_APPLIES_ABOVE
    _refused_as_bomb_naming(path, part)


def test_container_check_inflates_whole_the_small_parts_that_could_overrun_the_total_limit(
    tmp_path: Path,
) -> None:
    """A small part skips the size proof only while its worst case fits under MAX_TOTAL_BYTES
    beside what the other parts declare. Alone, a small part lying by one byte passes (it
    cannot break a limit); beside a part declaring nearly 4 GB it is inflated and refused."""
    part = "xl/media/image2.bin"
    small = random.Random(9).randbytes(90 << 10)  # past the 64 KB prolog, yet × 1032 < 100 MB
    lying = Part(small, declared=len(small) - 1)
    alone = workbook_with_parts(tmp_path / "学籍.xlsx", {part: lying})
    assert _compressed_size(alone, part) * DEFLATE_MAX_RATIO <= RATIO_APPLIES_ABOVE
    check_workbook_container(alone)

    room = 40 << 20
    # 22 MB stored, declared as 4 GB less the room: a ratio under 200, so no bomb itself.
    big = Part(random.Random(8).randbytes(22 << 20), declared=MAX_TOTAL_BYTES - room, level=0)
    both = workbook_with_parts(
        tmp_path / "学籍（大件）.xlsx", {"xl/media/big.bin": big, part: lying}
    )
    assert _compressed_size(both, part) * DEFLATE_MAX_RATIO > room
    _refused_as_bomb_naming(both, part)


def test_container_check_refuses_dtd_in_a_small_part_it_does_not_inflate_whole(
    tmp_path: Path,
) -> None:
    """The prolog of every XML part is read for a DTD, the small ones' included."""
    laughs = (
        b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [<!ENTITY lol "lol">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    )
    part = "xl/sharedStrings.xml"
    path = workbook_with_parts(tmp_path / "学籍.xlsx", {part: Part(laughs)})
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    assert info.value.details[0].code == "read.xml_entities"
    assert info.value.details[0].params["part"] == part


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b'<styleSheet xmlns="urn:x"><fonts>', id="cut-short"),
        pytest.param(b"<styleSheet><x:fonts/></styleSheet>", id="unbound-prefix"),
        pytest.param(b"<styleSheet/><styleSheet/>", id="two-roots"),
        pytest.param(b"", id="empty"),
    ],
)
def test_container_check_refuses_damaged_package_xml_as_elementtree_would(
    tmp_path: Path, damage: bytes
) -> None:
    """A package part that only needs checking (styles.xml) is parsed without a tree; the
    refusal names the part and says what ElementTree's parser says of the same bytes."""
    path = workbook_with_parts(tmp_path / "学籍.xlsx", {"xl/styles.xml": Part(damage)})
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    with pytest.raises(ElementTree.ParseError) as parsed:
        ElementTree.fromstring(damage)
    detail = info.value.details[0]
    assert detail.code == "read.workbook_corrupt"
    assert detail.params["detail"] == f"xl/styles.xml: {parsed.value}"


def test_container_check_refuses_too_many_members_before_listing_them(tmp_path: Path) -> None:
    """A zip of 12,000 members is refused from its end record, with the count in the message."""
    path = build_zip_bomb_many_members(tmp_path).inputs[0]
    with pytest.raises(InputError) as info:
        check_workbook_container(path)
    assert "12009 个部件" in info.value.render()


def test_container_limits_accept_a_realistic_large_export(tmp_path: Path) -> None:
    """A 5,000-row 花名册 written by xlsxwriter compresses ~10:1, far under the refusal ratio
    (the ratio hardly changes with size: 1,000,000 rows measured 11:1)."""
    import xlsxwriter

    path = tmp_path / "发放花名册.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("花名册")
    ws.write_row(0, 0, ["序号", "学校", "年级", "姓名", "身份证号", "资助项目", "金额", "银行卡号"])
    for i in range(5_000):
        p = pupil(i)
        row = [i + 1, SCHOOL, p["grade"], p["name"], p["id"], "小学寄宿生生活补助", 500]
        ws.write_row(i + 1, 0, [*row, f"6217{i:012d}"])
    wb.close()
    parts = check_workbook_container(path)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size / sheet.compress_size < MAX_RATIO / 10
    assert parts.sheet_parts == {"花名册": "xl/worksheets/sheet1.xml"}


def test_openpyxl_parses_workbooks_through_defusedxml() -> None:
    """openpyxl, which opens .xlsx inputs for the annotated copies, uses defusedxml."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_read_excel_refuses_dtd_even_when_no_cell_uses_the_entities(tmp_path: Path) -> None:
    """A DTD in a sheet is refused before calamine or openpyxl parse it, naming the part."""
    path = build_billion_laughs_declared(tmp_path).inputs[0]
    with pytest.raises(InputError) as info:
        read_excel(path)
    detail = info.value.details[0]
    assert detail.code == "read.xml_entities"
    assert detail.params["part"] == "xl/worksheets/sheet1.xml"


# --------------------------------------------------------------------------- csv oddities


def test_read_csv_parses_text_with_mixed_and_lone_carriage_return_line_endings(
    tmp_path: Path,
) -> None:
    """A ragged CSV ending lines with \\r, \\n and \\r\\n alike reads every pupil (was _csv.Error)."""
    rows = roster_rows(4)
    lines = ["城关镇中心小学2024年秋季学期学籍名册"] + [",".join(map(str, r)) for r in rows]
    ends = ["\r", "\n", "\r\n", "\r", "\n", "\r"]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    path = tmp_path / "学籍.csv"
    path.write_bytes(text.encode("utf-8"))
    frame = load_inputs(roster=[path]).roster
    assert frame[C.NAME].tolist() == [r[1] for r in rows[1:]]
    assert frame[C.ROW].tolist() == [3, 4, 5, 6]


def test_read_csv_refuses_random_bytes_as_not_a_text_table(tmp_path: Path) -> None:
    """64 KB of random bytes named .csv is an InputError, not a csv-module crash."""
    path = tmp_path / "学籍.csv"
    path.write_bytes(os.urandom(65536))
    with pytest.raises(InputError) as info:
        read_csv(path)
    assert info.value.details[0].code == "read.csv_binary"
    assert info.value.details[0].file == "学籍.csv"


def test_read_csv_decodes_utf8_and_gbk_lines_of_one_file_each_their_own_way(
    tmp_path: Path,
) -> None:
    """Half UTF-8, half GBK, with NULs: every name reads correctly and a note says so."""
    path = build_csv_nul_mixed_encoding(tmp_path).inputs[0]
    raw = read_csv(path)
    assert raw.notes == ["read.csv_mixed_encoding"]
    frame = load_inputs(roster=[path]).roster
    assert frame[C.NAME].tolist() == [pupil(i)["name"] for i in range(8)]
    assert frame[C.PERSON_ID].tolist() == [pupil(i)["id"] for i in range(8)]


def test_read_csv_keeps_rows_after_an_unclosed_quote_and_flags_its_line(tmp_path: Path) -> None:
    """An opened-and-never-closed quote no longer swallows the rest of the file."""
    path = build_csv_unbalanced_quote(tmp_path).inputs[0]
    loaded = load_inputs(roster=[path])
    assert loaded.roster[C.NAME].tolist() == [pupil(i)["name"] for i in range(8)]
    issues = loaded.issues[loaded.issues["code"] == "row.csv_stray_quote"]
    assert issues["row"].tolist() == [4]
    assert loaded.files[0].rows_rejected == 1


def test_read_csv_keeps_a_quoted_cell_with_line_breaks_as_one_cell(tmp_path: Path) -> None:
    """A legitimate multi-line 备注 cell is not mistaken for an unclosed quote."""
    rows = [[*r, "备注"] if i == 0 else [*r, ""] for i, r in enumerate(roster_rows(3))]
    rows[2][-1] = "家住城关镇东街\n父亲外出务工\n由祖母照看"
    path = write_csv(tmp_path / "学籍.csv", rows)
    loaded = load_inputs(roster=[path])
    assert loaded.roster[C.NAME].tolist() == [pupil(i)["name"] for i in range(3)]
    assert loaded.issues.empty or "row.csv_stray_quote" not in set(loaded.issues["code"])


def test_read_csv_reads_a_megabyte_cell_and_rejects_it_as_a_name(tmp_path: Path) -> None:
    """A 1 MB 姓名 cell is read (no field-size error) and becomes one row error."""
    loaded = load_inputs(roster=[build_huge_cell_csv(tmp_path).inputs[0]])
    assert len(loaded.roster) == 6
    issues = loaded.issues[loaded.issues["code"] == "row.name_too_long"]
    assert issues["row"].tolist() == [4]
    assert str(HUGE_CELL_CHARS) in issues["params"].iloc[0]


# --------------------------------------------------------------------------- workbook oddities


def test_read_excel_reads_cached_formula_values_and_never_evaluates(tmp_path: Path) -> None:
    """金额 cells =250*2, =SUM(250,250), =1000/2 read as their cached 500; one with no cached
    value reads as empty (a row error), and 序号 =1+1 as its cached 2."""
    path = build_formula_cells(tmp_path).inputs[0]
    (raw,), _ = read_excel(path)
    assert raw.cells[6].tolist()[1:4] == ["500", "500", "500"]
    assert pd.isna(raw.cells[6].iloc[4])
    assert raw.cells[0].iloc[1] == "2"
    loaded = load_inputs(ledger=[path])
    assert loaded.ledger[C.AMOUNT_CENTS].tolist()[:3] == [50000, 50000, 50000]
    bad = loaded.issues[loaded.issues["code"] == "row.amount_invalid"]
    assert bad["row"].tolist() == [5]


def test_read_excel_fills_a_school_merged_down_over_pupils(tmp_path: Path) -> None:
    """A 学校名称 cell merged over ten pupils gives every pupil the school (and its stage)."""
    loaded = load_inputs(roster=[build_merged_school_column(tmp_path).inputs[0]])
    roster = loaded.roster
    assert len(roster) == MERGED_PUPILS
    assert roster[C.SCHOOL].tolist() == [SCHOOL] * MERGED_PUPILS
    assert set(roster[C.STAGE]) == {"小学"}
    assert loaded.files[0].sheets[0].notes == ["read.merged_filled"]


def test_read_excel_never_copies_a_merged_value_sideways_or_from_an_empty_top(
    tmp_path: Path,
) -> None:
    """A remark merged across columns stays in its cell; an empty merged range fills nothing."""
    rows = roster_rows(4)
    rows[0].append("备注")
    rows[1].append("转学手续办理中")
    rows[3][0] = None  # 学校名称 merged over rows 4-5, but empty
    rows[4][0] = None
    path = write_xlsx(tmp_path / "学籍.xlsx", {"学籍": rows}, merges={"学籍": ["L2:M2", "A4:A5"]})
    (raw,), _ = read_excel(path)
    assert raw.cells.shape[1] == 12  # M never gets a copy of 转学手续办理中
    assert raw.cells[0].iloc[3:5].isna().all()
    assert raw.notes == []


def test_read_excel_reads_hidden_rows_as_data_and_skips_hidden_sheet(tmp_path: Path) -> None:
    """Rows hidden in Excel are still pupils; a hidden sheet is skipped and said so."""
    path = build_hidden_rows_and_sheets(tmp_path).inputs[0]
    sheets, skipped = read_excel(path)
    assert [s.sheet for s in skipped] == ["草稿"]
    assert skipped[0].reason == "read.sheet_hidden"
    roster = load_inputs(roster=[path]).roster
    assert roster[C.ROW].tolist() == [2, 3, 4, 5, 6, 7]
    assert len(sheets) == 1


def test_read_excel_leaves_out_columns_past_the_limit_with_a_note(tmp_path: Path) -> None:
    """A row filling all 16,384 columns is read in its first 1,024, quickly."""
    path = build_wide_sheet(tmp_path).inputs[0]
    started = time.perf_counter()
    (raw,), _ = read_excel(path)
    assert raw.cells.shape[1] == MAX_COLUMNS
    assert raw.notes == ["read.columns_ignored"]
    assert len(load_inputs(roster=[path]).roster) == 7
    assert time.perf_counter() - started < 5.0


# --------------------------------------------------------------------------- writers


def test_safe_text_cuts_text_at_excels_cell_limit_with_a_note() -> None:
    """A 1 MB text becomes exactly 32,767 characters ending with the truncation note."""
    text = safe_text("城关镇" * 400_000)
    assert len(text) == MAX_CELL_CHARS
    assert text.startswith("城关镇城关镇")
    assert text.endswith("原文共 1200000 字）")


def test_safe_text_counts_characters_outside_the_bmp_as_two() -> None:
    """Excel counts UTF-16 units: 20,000 rare characters (𠀀, two units each) are cut too."""
    text = safe_text("𠀀" * 20_000)
    assert len(text.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS
    assert "已截断" in text
    assert safe_text("𠀀" * 16_000) == "𠀀" * 16_000


def test_safe_text_keeps_short_text_and_formula_guard() -> None:
    """Text under the limit is unchanged apart from the formula guard."""
    assert safe_text("张伟") == "张伟"
    assert safe_text("=1+1") == "'=1+1"


def test_display_width_of_megabyte_text_is_immediate() -> None:
    """Column widths of a 1 MB cell are measured on its start (it used to take seconds)."""
    started = time.perf_counter()
    assert display_width("城" * HUGE_CELL_CHARS) > 60
    assert time.perf_counter() - started < 0.1


@pytest.mark.slow
def test_reconcile_writes_megabyte_cells_cut_to_excels_limit(tmp_path: Path) -> None:
    """reconcile.xlsx and the annotated copy of a CSV with 1 MB cells hold no cell over 32,767."""
    built = build_huge_cell_csv(tmp_path)
    result = CliRunner().invoke(cli, built.argv("reconcile"))
    assert result.exit_code == 0, result.stderr
    findings = pd.read_csv(built.out / "findings.csv", dtype=str, encoding="utf-8-sig")
    assert list(findings.columns) == list(CONTRACT_COLUMNS)
    for book in [built.out / "reconcile.xlsx", *built.out.glob("annotated/*.xlsx")]:
        wb = openpyxl.load_workbook(book, read_only=True)
        longest = max(
            len(str(v)) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v
        )
        wb.close()
        assert longest <= MAX_CELL_CHARS, book.name


# --------------------------------------------------------------------------- bounded children

CLI_CHILD = """
import sys
from edupoverty.cli.main import main
sys.argv = ["edupov", *sys.argv[1:]]
main()
"""


def _run_child(
    script: str, *args: str, tmp_path: Path, limit_mb: int = 3072, timeout: float = 90
) -> tuple[int, str, float]:
    """Run a Python script in a child capped at ``limit_mb`` of address space.

    Returns:
        Its exit code, its stderr and its peak resident memory in MB.
    """
    env = {**os.environ, "EDUPOV_LANG": "zh", "PYTHONPATH": str(REPO / "tests")}
    done = run_measured(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        timeout=timeout,
        cwd=tmp_path,
        env=env,
        limit_mb=limit_mb,
    )
    if done.exit_code is None:
        pytest.fail(f"the child was still running after {timeout} s (a hang)")
    return done.exit_code, done.stderr, done.peak_mb


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs POSIX wait4 and rlimits")
def test_zip_bombs_are_refused_in_a_child_within_memory_and_time(tmp_path: Path) -> None:
    """reconcile on three zip bombs exits 2 naming each, peaking at a few hundred MB."""
    bombs = [
        build(tmp_path / b.__name__).inputs[0]
        for build in (build_zip_bomb, build_zip_bomb_lying_sizes, build_zip_bomb_many_members)
        for b in [build]
    ]
    args = ["reconcile", "--out", str(tmp_path / "out"), "--no-history", "--quiet"]
    for bomb in bombs:
        args += ["--roster", str(bomb)]
    code, stderr, peak = _run_child(CLI_CHILD, *args, tmp_path=tmp_path)
    assert code == 2, stderr[-2000:]
    assert "Traceback" not in stderr and "内部错误" not in stderr
    for bomb in bombs:
        assert bomb.name in stderr
    assert stderr.count("压缩炸弹") == 3
    assert peak < 400, f"peak {peak:.0f} MB"


ANNOTATE_CHILD = """
import datetime as dt
import shutil
import sys
from pathlib import Path

from edupoverty.api import reconcile
from edupoverty.io import load_inputs
from edupoverty.io.policy_file import load_policy
from edupoverty.io.workbook import write_annotated_copies

clean, laughs, out = map(Path, sys.argv[1:4])
loaded = load_inputs(roster=[clean])
result = reconcile(loaded, load_policy(None), dt.date(2024, 11, 1))
assert not result.findings.empty
shutil.copyfile(laughs, clean)  # the file changes between reading and annotating
copies = write_annotated_copies(out, loaded, result.findings)
print(list(copies.skipped.values()), file=sys.stderr)
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs POSIX wait4 and rlimits")
def test_annotate_step_refuses_billion_laughs_in_a_child_within_memory(tmp_path: Path) -> None:
    """A workbook swapped for a billion-laughs file before annotation is skipped with a note;
    defusedxml stops openpyxl before any entity is expanded."""
    laughs = build_billion_laughs_declared(tmp_path / "laughs").inputs[0]
    rows = roster_rows(4)
    rows[2][4] = rows[2][4][:-1] + ("X" if rows[2][4][-1] != "X" else "0")
    clean = write_xlsx(tmp_path / "学籍.xlsx", {"学籍": rows})
    code, stderr, peak = _run_child(
        ANNOTATE_CHILD, str(clean), str(laughs), str(tmp_path / "out"), tmp_path=tmp_path
    )
    assert code == 0, stderr[-2000:]
    assert "学籍.xlsx 无法重新打开" in stderr
    assert not (tmp_path / "out" / "annotated" / "学籍.核查.xlsx").exists()
    assert peak < 400, f"peak {peak:.0f} MB"


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs POSIX wait4 and rlimits")
def test_megabyte_cells_reconcile_in_a_child_within_memory(tmp_path: Path) -> None:
    """1 MB cells in an .xlsx and a CSV reconcile (exit 0, copies written) under 500 MB."""
    from hostile.builders import build_huge_cell_xlsx

    huge_xlsx = build_huge_cell_xlsx(tmp_path / "xlsx").inputs[0]
    huge_csv = build_huge_cell_csv(tmp_path / "csv").inputs[0]
    args = ["reconcile", "--roster", str(huge_xlsx), "--roster", str(huge_csv)]
    args += ["--out", str(tmp_path / "out"), "--no-history", "--quiet", "--as-of", "2024-11-01"]
    code, stderr, peak = _run_child(CLI_CHILD, *args, tmp_path=tmp_path, timeout=60)
    assert code == 0, stderr[-2000:]
    assert len(list((tmp_path / "out" / "annotated").glob("*.xlsx"))) == 2
    assert peak < 500, f"peak {peak:.0f} MB"
