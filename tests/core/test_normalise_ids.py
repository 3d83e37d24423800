"""Tests for resident ID normalisation: cleaning, validity, Excel damage and masking."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from edupoverty.core.normalise import ids as ids_module
from edupoverty.core.normalise.ids import (
    IdStatus,
    check_digit,
    is_valid_id,
    legacy15_to_18,
    mask_account,
    mask_id,
    mask_ids_in_text,
    normalise_id,
    normalise_ids,
)

REGIONS = ("110105", "411422", "440524", "510190", "622901", "370112")


def _make_id(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


bodies17 = st.text(alphabet="0123456789", min_size=17, max_size=17)
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
valid_ids = st.builds(_make_id, st.sampled_from(REGIONS), birth_dates, st.integers(0, 999))
legacy_ids = st.builds(
    lambda region, birth, seq: f"{region}{birth:%y%m%d}{seq:03d}",
    st.sampled_from(REGIONS),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    st.integers(0, 999),
)
cells = st.one_of(
    valid_ids,
    legacy_ids,
    st.text(max_size=25),
    st.text(alphabet="0123456789Xx '.E+", max_size=22),
    st.none(),
)


def _excel_digits(person_id: str) -> int:
    """Return the integer Excel keeps for an ID typed into a numeric cell (15 digits)."""
    return round(int(person_id[:17] + "0"), -3)


@pytest.mark.parametrize(
    ("raw", "person_id"),
    [
        pytest.param("11010519491231002X", "11010519491231002X", id="标准示例"),
        pytest.param("110105491231002", "11010519491231002X", id="15位旧号"),
        pytest.param("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", id="全角数字"),
        pytest.param("'11010519491231002x", "11010519491231002X", id="前导撇号小写x"),
        pytest.param("\u00a011010519491231002X\u3000", "11010519491231002X", id="不换行与全角空格"),
        pytest.param("1101 0519 4912 3100 2X", "11010519491231002X", id="内部空格"),
        pytest.param('"11010519491231002X"', "11010519491231002X", id="引号"),
        pytest.param("11010519491231002X.0", "11010519491231002X", id="尾随点零"),
        pytest.param("440524188001010014", "440524188001010014", id="国标示例1880年"),
        pytest.param("11010519491231002X12", "11010519491231002X", id="残疾人证号20位"),
        pytest.param("G11010519491231002X", "11010519491231002X", id="G学籍号"),
    ],
)
def test_normalise_id_accepts_valid_spellings(raw: str, person_id: str) -> None:
    """Every way clerks write a real ID yields the one 18-character person key."""
    result = normalise_id(raw)
    assert result.id_status is IdStatus.VALID
    assert result.person_id == person_id


@pytest.mark.parametrize(
    ("raw", "status", "detail"),
    [
        pytest.param("4.10101E+17", IdStatus.MANGLED, "410101", id="科学计数法显示"),
        pytest.param("4.10101199001011e+17", IdStatus.MANGLED, "410101199001011", id="浮点数文本"),
        pytest.param(4.10101199001011e17, IdStatus.MANGLED, "410101199001011", id="浮点数单元格"),
        pytest.param(
            "410101199001011008", IdStatus.MANGLED, "410101199001011", id="fastexcel读出的浮点"
        ),
        pytest.param("L110105201001011234", IdStatus.STUDENT_NO, None, id="L临时学籍号"),
        pytest.param("J11010520100101123X", IdStatus.STUDENT_NO, None, id="J学籍号"),
        pytest.param("", IdStatus.MISSING, None, id="空串"),
        pytest.param(" \u3000", IdStatus.MISSING, None, id="只有空白"),
        pytest.param(None, IdStatus.MISSING, None, id="None"),
        pytest.param(float("nan"), IdStatus.MISSING, None, id="NaN"),
    ],
)
def test_normalise_id_classifies_non_ids(raw: object, status: IdStatus, detail: str | None) -> None:
    """Excel damage, 学籍号 and blanks get their own status and never a person key."""
    result = normalise_id(raw)
    assert result.id_status is status
    assert result.person_id is None
    assert result.id_prefix == detail


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param("1101051949123101", "length", id="16位非浮点"),
        pytest.param("12345", "length", id="太短"),
        pytest.param("11010519491231002A", "chars", id="末位字母A"),
        pytest.param("X10105194912310021", "chars", id="X在开头"),
        pytest.param("无", "chars", id="中文"),
        pytest.param("11010519491331002X", "date", id="13月"),
        pytest.param("110105190002290010", "date", id="1900年非闰年"),
        pytest.param("110105194912310021", "check", id="校验位错"),
        pytest.param("110105491331002", "date", id="15位日期错"),
    ],
)
def test_normalise_id_gives_reason_for_invalid(raw: str, reason: str) -> None:
    """An invalid value says why: length, chars, date or check."""
    result = normalise_id(raw)
    assert result.id_status is IdStatus.INVALID
    assert result.id_reason == reason
    assert result.person_id is None


def test_normalise_ids_returns_typed_index_aligned_columns() -> None:
    """The bulk result keeps the input index and the column dtypes the readers rely on."""
    raw = pd.Series(["11010519491231002X", None, "4.10101E+17"], index=[7, 3, 9], dtype="string")
    result = normalise_ids(raw)
    assert list(result.index) == [7, 3, 9]
    assert list(result.columns) == [
        "person_id",
        "id_status",
        "id_birth_date",
        "id_gender",
        "id_prefix",
        "id_reason",
        "id_region_known",
    ]
    assert str(result["id_birth_date"].dtype) == "datetime64[ns]"
    assert str(result["id_region_known"].dtype) == "boolean"
    assert result["id_status"].tolist() == ["valid", "missing", "mangled"]
    assert result["person_id"].isna().tolist() == [False, True, True]


def test_normalise_ids_handles_empty_column() -> None:
    """An empty column gives an empty frame with the same columns."""
    result = normalise_ids(pd.Series([], dtype="string"))
    assert len(result) == 0
    assert "person_id" in result


def test_normalise_id_derives_birth_date_and_gender() -> None:
    """Birth date comes from digits 7–14 and gender from the parity of digit 17."""
    result = normalise_id("11010519491231002X")
    assert result.id_birth_date == dt.date(1949, 12, 31)
    assert result.id_gender == "女"
    assert normalise_id("440524188001010014").id_gender == "男"


def test_normalise_id_keeps_birth_date_of_mangled_and_invalid_values() -> None:
    """Damaged values still carry the birth date their digits 7–14 spell, for matching."""
    assert normalise_id("4.10101199001011e+17").id_birth_date == dt.date(1990, 1, 1)
    assert normalise_id("110105194912310021").id_birth_date == dt.date(1949, 12, 31)
    assert normalise_id("11010519491331002X").id_birth_date is None


def test_normalise_id_marks_region_known_only_for_valid_ids() -> None:
    """The region remark is for valid IDs; an unknown code never makes an ID invalid."""
    assert normalise_id("11010519491231002X").id_region_known is True
    unknown = _make_id("990101", dt.date(2000, 1, 1), 1)
    assert normalise_id(unknown).id_status is IdStatus.VALID
    assert normalise_id(unknown).id_region_known is False
    assert normalise_id("12345").id_region_known is None


def test_normalise_id_keeps_a_valid_float_rendering_as_written() -> None:
    """A 15-digit float rendering whose check happens to pass is valid, per the semantics page."""
    # 41010119900101100 has check digit 0, so "…1000" is a well-formed ID as written.
    assert normalise_id("410101199001011000").id_status is IdStatus.VALID


def test_check_digit_matches_published_examples() -> None:
    """Body 34052419800101001 gives X (DOMAIN §4)."""
    assert check_digit("34052419800101001") == "X"
    assert is_valid_id("11010519491231002X")
    assert not is_valid_id("110105194912310021")


def test_legacy15_to_18_converts_published_example() -> None:
    """110105491231002 becomes 11010519491231002X."""
    assert legacy15_to_18("110105491231002") == "11010519491231002X"
    with pytest.raises(ValueError, match="15 digits"):
        legacy15_to_18("1101054912310")


@given(bodies17)
def test_check_digit_agrees_with_python_stdnum(body: str) -> None:
    """Our check character equals python-stdnum's for every 17-digit body."""
    assert check_digit(body) == ric.calc_check_digit(body + "0")


@given(st.sampled_from(REGIONS), birth_dates, st.integers(0, 999))
def test_check_digit_always_validates(region: str, birth: dt.date, seq: int) -> None:
    """A body completed with its computed check character is always a valid ID."""
    person_id = _make_id(region, birth, seq)
    assert is_valid_id(person_id)
    assert normalise_id(person_id).person_id == person_id


@given(legacy_ids)
def test_legacy15_to_18_always_yields_valid_ids(legacy: str) -> None:
    """Converting a 15-digit number with a real date always gives a valid 18-digit ID."""
    converted = legacy15_to_18(legacy)
    assert is_valid_id(converted)
    assert normalise_id(legacy).person_id == converted


@given(cells)
def test_normalise_id_is_idempotent_on_its_own_output(cell: str | None) -> None:
    """Normalising a person key again gives the same key."""
    first = normalise_id(cell)
    if first.person_id is not None:
        again = normalise_id(first.person_id)
        assert again.id_status is IdStatus.VALID
        assert again.person_id == first.person_id
        assert again.id_birth_date == first.id_birth_date


@given(valid_ids)
def test_normalise_id_never_repairs_scientific_rendering(person_id: str) -> None:
    """Scientific text of a numeric ID cell is always mangled, with the digits Excel kept."""
    value = float(_excel_digits(person_id))
    for text in (f"{value:.5E}", repr(value), f"{value:.14e}"):
        result = normalise_id(text)
        assert result.id_status is IdStatus.MANGLED
        assert result.person_id is None
        prefix = result.id_prefix or ""
        assert 0 < len(prefix) <= 15
        # The surviving digits are Excel's value rounded to their own length.
        unit = 10 ** (18 - len(prefix))
        assert abs(int(prefix) * unit - _excel_digits(person_id)) <= unit // 2


@given(valid_ids)
def test_normalise_id_never_repairs_float_digits_into_another_id(person_id: str) -> None:
    """Digit text of a numeric ID cell is mangled unless valid exactly as written."""
    kept = _excel_digits(person_id)
    for text in (str(int(float(kept))), f"{int(float(kept))}.0", str(kept)):
        result = normalise_id(text)
        cleaned = text.removesuffix(".0")
        if is_valid_id(cleaned):
            assert result.person_id == cleaned  # no digit invented
        else:
            assert result.id_status is IdStatus.MANGLED
            assert result.id_prefix == str(kept)[:15]


@given(st.lists(cells, max_size=30))
def test_normalise_ids_agrees_with_scalar_path(values: list[str | None]) -> None:
    """The bulk column result equals the scalar result row by row."""
    bulk = normalise_ids(pd.Series(values, dtype=object))
    for position, value in enumerate(values):
        single = normalise_id(value)
        assert bulk["id_status"].iloc[position] == single.id_status.value
        assert (None if pd.isna(p := bulk["person_id"].iloc[position]) else p) == single.person_id


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        pytest.param("11010519491231002X", "110105********002X", id="18位"),
        pytest.param("110105491231002", "110105*****1002", id="15位"),
        pytest.param("12345", "1***5", id="短值"),
        pytest.param("12", "1*", id="两位"),
        pytest.param("", "", id="空串"),
        pytest.param(None, "", id="None"),
    ],
)
def test_mask_id_keeps_first_six_and_last_four(value: str | None, masked: str) -> None:
    """IDs show only the region and the last four characters."""
    assert mask_id(value) == masked


def _mask_by_regex(value: str | None) -> str:
    """The masking rule as first written: whitespace removed by regex, then 6 + stars + 4."""
    compact = re.sub(r"\s+", "", value or "")
    if len(compact) >= 11:
        return compact[:6] + "*" * (len(compact) - 10) + compact[-4:]
    if len(compact) <= 2:
        return compact[:1] + "*" * (len(compact) - 1)
    return compact[0] + "*" * (len(compact) - 2) + compact[-1]


@given(
    st.one_of(
        cells,
        st.text(alphabet="0123456789Xx张１ \t\u3000\u00a0", min_size=16, max_size=20),
    )
)
def test_mask_id_and_mask_account_match_the_regex_rule_on_any_cell(value: str | None) -> None:
    """The sliced fast path and the whitespace-splitting path give exactly what the regex rule gave."""
    assert mask_id(value) == _mask_by_regex(value)
    assert mask_account(value) == _mask_by_regex(value)


def test_mask_id_masks_ids_without_calling_the_regex_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Masking never goes through ``re`` (it dominated --mask time on the annotate path)."""
    monkeypatch.setattr(ids_module, "re", None)
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("110105 19491231 002X") == "110105********002X"
    assert mask_account("6217 0000 1001 2345 678") == "621700*********5678"


def test_mask_account_keeps_first_six_and_last_four() -> None:
    """Bank cards are masked as banks print them (JR/T 0171)."""
    assert mask_account("6217000010012345678") == "621700*********5678"
    assert mask_account(None) == ""


def test_mask_ids_in_text_masks_every_id_in_a_sentence() -> None:
    """Log lines never show a full ID, whatever its length between 15 and 20."""
    text = "行57：11010519491231002X 与 110105491231002、残疾证11010519491231002X12；金额500"
    masked = mask_ids_in_text(text)
    assert "11010519491231002X" not in masked
    assert "110105491231002" not in masked
    assert "110105********002X" in masked
    assert masked.endswith("金额500")
