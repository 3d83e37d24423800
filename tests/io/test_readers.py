"""Reading real-format files: header detection, furniture, encodings, IDs as Excel leaves them."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from edupoverty.core import columns as C
from edupoverty.core.errors import InputError
from edupoverty.io import load_inputs
from edupoverty.io.loading import InputFile, assemble, read_file
from edupoverty.io.readers.columns import FIELDS, AliasTable
from edupoverty.io.readers.container import _MergeScan
from edupoverty.io.readers.header import DataCells, furniture_mask
from factories import make_id
from filebuilders import ledger_rows, registry_rows_merged, write_csv, write_xls, write_xlsx

PUPIL = make_id("20130405", seq=121)
PUPIL2 = make_id("20120911", seq=342)
HEAD = make_id("19800101", seq=135)


def _ledger(tmp_path: Path, data: list[list[object]], name: str = "花名册.xlsx") -> pd.DataFrame:
    path = write_xlsx(tmp_path / name, {"Sheet1": ledger_rows(data)})
    return load_inputs(ledger=[path]).ledger


def test_read_excel_finds_header_below_title_row_and_keeps_excel_row_numbers(
    tmp_path: Path,
) -> None:
    """A title row above the header is skipped and rows keep the numbers Excel shows."""
    frame = _ledger(
        tmp_path,
        [["城关镇中心小学", "三年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, "2024-10-15"]],
    )
    assert frame[C.ROW].tolist() == [3]
    assert frame[C.NAME].tolist() == ["张伟"]
    assert frame[C.PERSON_ID].tolist() == [PUPIL]


def test_read_excel_skips_total_row_and_signature_footer(tmp_path: Path) -> None:
    """合计 rows and 填表人/审核人 lines are never read as data."""
    frame = _ledger(
        tmp_path,
        [
            ["城关镇中心小学", "三年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, "2024-10-15"],
            [
                "城关镇中心小学",
                "四年级",
                "李娜",
                PUPIL2,
                "小学寄宿生生活补助",
                "500元",
                "2024-10-15",
            ],
        ],
    )
    assert frame[C.NAME].tolist() == ["张伟", "李娜"]
    assert frame[C.AMOUNT_CENTS].tolist() == [50000, 50000]


def test_furniture_is_judged_by_the_first_non_blank_cell_and_the_first_three_cells() -> None:
    """Only cells starting like 合计 or a footer go through the patterns; the verdicts stay exact."""
    rows = [
        [
            "1",
            "单小明",
            "城关镇中心小学",
            "合计",
        ],  # a surname 单 (like 单位负责人), 合计 too far right
        [
            None,
            " ",
            "\u3000合 计",
            "1500",
        ],  # 合计 after blank cells, padded with a full-width space
        ["5", "合计", None, "1500"],  # 合计 after a 序号
        ["填表人：王芳", None, None, "审核人："],
        [None, None, "  ", None],  # blank
        ["注：金额单位为元", None, None, None],
        [None, None, None, "小计"],  # first non-blank cell, though right of the first three
        ["2", "小明", "本校", "分管领导"],  # names and schools starting with those characters
    ]
    table = pa.table(
        {str(i): pa.array(column, pa.string()) for i, column in enumerate(zip(*rows, strict=True))}
    )
    mask = furniture_mask(DataCells.of(table, 4))
    assert mask.tolist() == [False, True, True, True, True, True, True, False]


@pytest.mark.parametrize("seed", range(5))
def test_merge_scan_finds_every_ref_however_the_inflated_xml_is_cut(seed: int) -> None:
    """Merged-range refs are found whole when a piece border cuts through one, and once."""
    refs = [f"A{i}:A{i + 3}" for i in range(2, 300, 4)]
    xml = (
        b"<sheetData>"
        + b"<row/>" * 500
        + b"</sheetData><mergeCells>"
        + b"".join(b'<mergeCell ref="%s"/>' % ref.encode() for ref in refs)
        + b"</mergeCells>"
    )
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(xml)), 80))
    scan = _MergeScan()
    for start, stop in zip([0, *cuts], [*cuts, len(xml)], strict=True):
        scan.feed(xml[start:stop])
    assert [(r.first_row + 1, r.last_row + 1) for r in scan.ranges] == [
        (i, i + 3) for i in range(2, 300, 4)
    ]


def test_read_excel_takes_term_from_title_row(tmp_path: Path) -> None:
    """A ledger without a term column gets the term named in its title row."""
    frame = _ledger(
        tmp_path,
        [["城关镇中心小学", "三年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, "2024-10-15"]],
        name="花名册.xlsx",
    )
    assert frame[C.TERM].tolist() == ["2024秋"]


def test_read_excel_combines_two_row_merged_header(tmp_path: Path) -> None:
    """A parent cell over 姓名/证件号码 and single cells merged over both rows are combined."""
    rows, merges = registry_rows_merged(
        [
            ["城关镇", "东关村", "4114220001", "张建国", HEAD, "户主", "脱贫户", None, None],
            ["城关镇", "东关村", "4114220001", "张伟", PUPIL, "之子", "脱贫户", None, "小学"],
        ]
    )
    path = write_xlsx(tmp_path / "registry.xlsx", {"城关镇": rows}, merges={"城关镇": merges})
    loaded = load_inputs(registry=[path])
    reg = loaded.registry
    assert reg[C.ROW].tolist() == [4, 5]
    assert reg[C.HOUSEHOLD_NO].tolist() == ["4114220001", "4114220001"]
    assert reg[C.RELATION].tolist() == ["户主", "之子"]
    assert reg[C.CATEGORY].tolist() == ["脱贫户", "脱贫户"]
    header = loaded.files[0].sheets[0]
    assert header.header_row_numbers == [2, 3]


def test_read_excel_skips_hidden_sheet_and_says_so(tmp_path: Path) -> None:
    """Hidden sheets are not read, and the file report lists them as skipped."""
    data = ledger_rows(
        [["城关镇中心小学", "三年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, "2024-10-15"]]
    )
    path = write_xlsx(tmp_path / "l.xlsx", {"可见": data, "隐藏": data}, hidden=["隐藏"])
    loaded = load_inputs(ledger=[path])
    assert len(loaded.ledger) == 1
    assert [(s.sheet, s.reason) for s in loaded.files[0].skipped] == [("隐藏", "read.sheet_hidden")]


def test_read_xls_reads_old_format_workbook(tmp_path: Path) -> None:
    """An .xls written in BIFF8 reads like an .xlsx."""
    path = write_xls(
        tmp_path / "学籍.xls",
        {
            "2024秋季学期": [
                ["姓名", "身份证件号", "年级", "学籍状态"],
                ["王芳", PUPIL, "初一", "在读"],
            ]
        },
    )
    roster = load_inputs(roster=[path]).roster
    assert roster[C.PERSON_ID].tolist() == [PUPIL]
    assert roster[C.STAGE].tolist() == ["初中"]
    assert roster[C.TERM].tolist() == ["2024秋"]
    assert roster[C.ROW].tolist() == [2]


def test_read_csv_decodes_gbk_as_gb18030(tmp_path: Path) -> None:
    """An 'ANSI' CSV saved by Excel on Chinese Windows is GBK and reads correctly."""
    path = write_csv(
        tmp_path / "学籍.csv",
        [["姓名", "身份证件号", "年级", "学籍状态"], ["欧阳娜娜", PUPIL, "七年级", "在读"]],
        encoding="gbk",
    )
    roster = load_inputs(roster=[path]).roster
    assert roster[C.NAME].tolist() == ["欧阳娜娜"]
    assert roster[C.STAGE].tolist() == ["初中"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"], ids=["UTF-8", "UTF-8带BOM"])
def test_read_csv_reads_utf8_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    """UTF-8 CSVs with and without a BOM give the same header and values."""
    path = write_csv(tmp_path / "r.csv", [["姓名", "身份证号"], ["李娜", PUPIL]], encoding=encoding)
    roster = load_inputs(roster=[path]).roster
    assert roster[C.NAME].tolist() == ["李娜"]


def test_read_csv_sniffs_tab_delimiter(tmp_path: Path) -> None:
    """A tab-separated .txt export is read with its delimiter sniffed."""
    path = write_csv(
        tmp_path / "r.txt",
        [["姓名", "身份证号", "年级"], ["李娜", PUPIL, "一年级"]],
        delimiter="\t",
    )
    roster = load_inputs(roster=[path]).roster
    assert roster[C.STAGE].tolist() == ["小学"]


def test_read_csv_keeps_title_row_out_of_data(tmp_path: Path) -> None:
    """A CSV with a one-cell title line and a 合计 line reads only the data rows."""
    rows = [
        ["2025年春季学期发放花名册"],
        ["姓名", "身份证号", "资助项目", "金额"],
        ["李娜", PUPIL, "小学寄宿生生活补助", "500"],
        ["合计", "", "", "500"],
    ]
    path = tmp_path / "l.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    ledger = load_inputs(ledger=[path]).ledger
    assert ledger[C.ROW].tolist() == [3]
    assert ledger[C.TERM].tolist() == ["2025春"]


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        pytest.param(4.10101199001011e17, "mangled", id="数字单元格"),
        pytest.param("4.10101E+17", "mangled", id="科学计数法文本"),
        pytest.param(PUPIL.replace("1", "１"), "valid", id="全角数字"),
        pytest.param(" " + PUPIL + " ", "valid", id="前后空格"),
        pytest.param("'" + PUPIL, "valid", id="前导撇号"),
        pytest.param(PUPIL[:-1] + ("0" if PUPIL[-1] != "0" else "1"), "invalid", id="校验位错误"),
    ],
)
def test_read_excel_classifies_id_cells_as_excel_leaves_them(
    tmp_path: Path, cell: object, status: str
) -> None:
    """IDs stored as numbers are mangled; padding and full-width digits are cleaned, not rejected."""
    path = write_xlsx(
        tmp_path / "r.xlsx", {"S": [["姓名", "身份证号", "年级"], ["张伟", cell, "一年级"]]}
    )
    roster = load_inputs(roster=[path]).roster
    assert roster[C.ID_STATUS].tolist() == [status]


def test_read_excel_lower_case_x_is_upper_cased(tmp_path: Path) -> None:
    """A lower-case x check character is accepted and written upper-case."""
    with_x = "11010519491231002X"
    path = write_xlsx(
        tmp_path / "r.xlsx", {"S": [["姓名", "身份证号"], ["赵秀英", with_x.lower()]]}
    )
    registry = load_inputs(registry=[path]).registry
    assert registry[C.PERSON_ID].tolist() == [with_x]


def test_read_excel_converts_fifteen_digit_legacy_id(tmp_path: Path) -> None:
    """A 15-digit ID of an elderly adult becomes the 18-digit form."""
    path = write_xlsx(
        tmp_path / "r.xlsx",
        {"S": [["姓名", "证件号码", "与户主关系"], ["赵秀英", "110105491231002", "之母"]]},
    )
    registry = load_inputs(registry=[path]).registry
    assert registry[C.PERSON_ID].tolist() == ["11010519491231002X"]


def test_read_excel_folds_traditional_names_and_middle_dots_into_one_key(tmp_path: Path) -> None:
    """張偉/张伟 and 阿依古丽·买买提/阿依古丽•买买提 share a matching key; the original is kept."""
    rows = [
        ["姓名", "身份证号"],
        ["張偉", PUPIL],
        ["张伟", PUPIL],
        ["阿依古丽·买买提", PUPIL2],
        ["阿依古丽•买买提", PUPIL2],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", {"S": rows})
    roster = load_inputs(roster=[path]).roster
    assert roster[C.NAME].tolist() == ["張偉", "张伟", "阿依古丽·买买提", "阿依古丽•买买提"]
    keys = roster[C.NAME_KEY].tolist()
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[0] != keys[2]


def test_read_excel_reports_bad_amount_as_row_error_and_keeps_other_rows(tmp_path: Path) -> None:
    """One bad amount is a row issue naming row and column; the rest of the file is read."""
    frame_path = write_xlsx(
        tmp_path / "l.xlsx",
        {
            "S": ledger_rows(
                [
                    ["学校", "一年级", "张伟", PUPIL, "小学寄宿生生活补助", "五百", None],
                    ["学校", "一年级", "李娜", PUPIL2, "小学寄宿生生活补助", 500, None],
                ]
            )
        },
    )
    loaded = load_inputs(ledger=[frame_path])
    assert len(loaded.ledger) == 2
    bad = loaded.issues[loaded.issues["code"] == "row.amount_invalid"]
    assert bad[["row", "column"]].values.tolist() == [[3, "金额"]]


def test_load_inputs_normalising_kinds_while_reading_others_matches_one_pass(
    tmp_path: Path,
) -> None:
    """A kind normalised while the other kinds' files are still read (two rosters, a ledger,
    one file of unknown kind that holds off the rest) gives the frames and issue order
    of normalising everything after reading."""
    bad = PUPIL[:-1] + ("0" if PUPIL[-1] != "0" else "1")
    rosters = [
        write_xlsx(
            tmp_path / f"学籍{i}.xlsx",
            {
                "S": [
                    ["姓名", "身份证号", "学籍状态"],
                    ["张伟", PUPIL, "在读"],
                    ["李娜", bad, "在读"],
                ]
            },
        )
        for i in range(2)
    ]
    ledger = write_xlsx(
        tmp_path / "发放.xlsx",
        {"S": ledger_rows([["学校", "一年级", "李娜", bad, "小学寄宿生生活补助", "五百", None]])},
    )
    unknown = write_xlsx(
        tmp_path / "名单.xlsx", {"S": [["姓名", "身份证号", "学籍号"], ["王芳", bad, "G" + PUPIL2]]}
    )
    for unknowns in ([], [unknown]):
        loaded = load_inputs(roster=rosters, ledger=[ledger], unknown=unknowns, threads=1)
        items = [InputFile(p, "roster") for p in rosters] + [InputFile(ledger, "ledger")]
        items += [InputFile(p, None) for p in unknowns]
        one_pass = assemble([read_file(item, AliasTable(), normalise=False) for item in items])
        for kind in ("registry", "roster", "ledger"):
            pd.testing.assert_frame_equal(loaded.frame(kind), one_pass.frame(kind))
        pd.testing.assert_frame_equal(loaded.issues, one_pass.issues)
        assert set(loaded.issues["code"]) >= {"row.id_invalid", "row.amount_invalid"}


def test_load_inputs_expands_folder_and_glob(tmp_path: Path) -> None:
    """A folder or a glob names every spreadsheet in it, once."""
    for i, pid in enumerate((PUPIL, PUPIL2)):
        write_xlsx(
            tmp_path / f"学籍{i}.xlsx",
            {"S": [["姓名", "身份证号", "学籍状态"], [f"学生{i}", pid, "在读"]]},
        )
    (tmp_path / "说明.docx").write_bytes(b"not a sheet")
    by_folder = load_inputs(roster=[tmp_path]).roster
    by_glob = load_inputs(roster=[str(tmp_path / "*.xlsx"), str(tmp_path / "学籍0.xlsx")]).roster
    assert sorted(by_folder[C.PERSON_ID]) == sorted([PUPIL, PUPIL2])
    assert len(by_glob) == 2


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        pytest.param(b"", "empty.xlsx", "read.file_empty", id="空文件"),
        pytest.param(
            "姓名,身份证号\n张伟,1\n".encode(),
            "renamed.xlsx",
            "read.not_a_workbook",
            id="文本改扩展名",
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "locked.xlsx",
            "read.xlsx_encrypted_or_xls",
            id="加密工作簿",
        ),
        pytest.param(
            b"PK\x03\x04" + b"\x00" * 100,
            "broken.xlsx",
            "read.workbook_truncated",
            id="损坏的压缩包",
        ),
    ],
)
def test_load_inputs_rejects_unusable_file_with_its_name(
    tmp_path: Path, content: bytes, name: str, code: str
) -> None:
    """An unusable file raises one InputError naming the file, never a library traceback."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_inputs(roster=[path])
    detail = info.value.details[0]
    assert detail.code == code
    assert detail.file == name


def test_load_inputs_rejects_sheet_without_header(tmp_path: Path) -> None:
    """A sheet with no recognisable header is unusable and named in the error."""
    path = write_xlsx(tmp_path / "x.xlsx", {"数据": [["甲", "乙"], ["1", "2"]]})
    with pytest.raises(InputError) as info:
        load_inputs(roster=[path])
    assert info.value.details[0].code == "read.no_header"
    assert "x.xlsx" in info.value.render()


def test_load_inputs_never_modifies_an_input(tmp_path: Path) -> None:
    """Reading leaves the input's bytes and modification time untouched."""
    path = write_xlsx(
        tmp_path / "l.xlsx",
        {"S": ledger_rows([["学校", "一年级", "张伟", PUPIL, "小学寄宿生生活补助", 500, None]])},
    )
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_inputs(ledger=[path])
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("column", "alias"),
    [pytest.param(f.column, a, id=f"{f.column}:{a}") for f in FIELDS for a in f.aliases],
)
def test_alias_table_recognises_every_shipped_alias(column: str, alias: str) -> None:
    """Every alias in the table maps to its canonical column, also with full-width brackets."""
    table = AliasTable()
    assert table.match(alias) == column
    assert table.match(alias.replace("(", "（").replace(")", "）")) == column


def test_alias_table_takes_user_aliases_from_config() -> None:
    """A [columns] alias from edupov.toml adds a header name for a field."""
    table = AliasTable({C.ID_RAW: ["公民身份证编号"]})
    assert table.match("公民身份证编号") == C.ID_RAW
