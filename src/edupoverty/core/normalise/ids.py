"""Resident ID numbers (公民身份号码, GB 11643): cleaning, validity, Excel damage, masking.

``normalise_ids`` is the bulk path: one pass of Arrow and numpy column operations over a
whole ID column, giving each row a person key (``person_id``) only when the number is a
valid ID. The exact classification is the "ID status" section of
``docs/dev/semantics.md``; the scalar helpers exist for tests, the policy loader and
renderers.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import importlib.util
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edupoverty.core.normalise._common import (
    ID_YEAR_MIN,
    YEAR_MAX,
    byte_matrix,
    digits_to_int,
    fold_text,
    large,
    matches,
    matrix_number,
    scatter,
    splice,
    to_arrow_text,
    ymd_to_dates,
)


class IdStatus(StrEnum):
    """What an ID cell turned out to hold (the ``id_status`` column)."""

    VALID = "valid"
    INVALID = "invalid"
    MANGLED = "mangled"
    MISSING = "missing"
    STUDENT_NO = "student_no"


_STATUS_CODES: Final = (
    IdStatus.VALID,
    IdStatus.INVALID,
    IdStatus.MANGLED,
    IdStatus.MISSING,
    IdStatus.STUDENT_NO,
)
_VALID, _INVALID, _MANGLED, _MISSING, _STUDENT_NO = range(5)
_REASONS: Final = ("length", "chars", "date", "check")
_LENGTH, _CHARS, _DATE, _CHECK = range(4)

_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_WEIGHT_VECTOR: Final = np.array(_WEIGHTS, dtype=np.int64)
_CHECK_CHARS: Final = "10X98765432"
_CHECK_BYTES: Final = np.frombuffer(_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
_ZERO: Final = ord("0")

# Apostrophes and quotes that clerks type in front of an ID to keep Excel from turning it
# into a number ('11010519491231002X), plus the typographic variants Word and WPS produce.
_QUOTES: Final = "'\"`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2032\u2033\u00b4"

# Excel keeps 15 significant digits (Microsoft KB269370); scientific text like
# 4.10101E+17 is what a numeric ID cell shows, and what Python prints for the float.
_SCIENTIFIC: Final = r"^[0-9](?:\.[0-9]{0,16})?E\+?1[4-9]$"
_SURVIVING_DIGITS: Final = 15


@dataclass(frozen=True)
class IdResult:
    """The normalised form of one ID cell (one row of ``normalise_ids``)."""

    person_id: str | None
    """The 18-character ID with upper-case X, only when the status is valid."""
    id_status: IdStatus
    """valid, invalid, mangled, missing or student_no."""
    id_birth_date: dt.date | None
    """Birth date from digits 7–14 when they form a real date."""
    id_gender: str | None
    """男 (odd 17th digit) or 女 (even), when derivable."""
    id_prefix: str | None
    """For a mangled number: the leading digits Excel kept."""
    id_reason: str | None
    """For an invalid number: length, chars, date or check."""
    id_region_known: bool | None
    """For a valid ID: whether its 6-digit region code ever existed."""


def check_digit(body17: str) -> str:
    """Return the check character of a 17-digit ID body (GB 11643, ISO 7064 MOD 11-2).

    Args:
        body17: the first 17 digits of an ID.

    Returns:
        One of ``0``–``9`` or ``X``.

    Raises:
        ValueError: when ``body17`` is not 17 ASCII digits.
    """
    if len(body17) != 17 or not (body17.isascii() and body17.isdigit()):
        raise ValueError(f"an ID body has 17 digits, got {len(body17)} characters")
    total = sum(int(digit) * weight for digit, weight in zip(body17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _is_real_date(digits8: str) -> bool:
    year, month, day = int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8])
    if not ID_YEAR_MIN <= year <= YEAR_MAX:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def is_valid_id(value: str) -> bool:
    """Return whether an already-cleaned 18-character value is a valid resident ID.

    Valid means 17 digits plus a digit or upper-case ``X``, a real birth date between
    1800 and 2100, and a correct check character. The region code is not checked: a
    number never changes when its county is renamed or abolished.
    """
    if len(value) != 18 or not value.isascii():
        return False
    body, last = value[:17], value[17]
    if not body.isdigit() or not (last.isdigit() or last == "X"):
        return False
    return _is_real_date(body[6:14]) and check_digit(body) == last


def legacy15_to_18(value: str) -> str:
    """Return the 18-character form of a first-generation 15-digit ID.

    The century ``19`` goes in after the 6-digit region code and the check character is
    appended: ``110105491231002`` becomes ``11010519491231002X``.

    Raises:
        ValueError: when ``value`` is not 15 ASCII digits.
    """
    if len(value) != 15 or not (value.isascii() and value.isdigit()):
        raise ValueError(f"a legacy ID has 15 digits, got {len(value)} characters")
    body = value[:6] + "19" + value[6:]
    return body + check_digit(body)


def _stdnum_data(*parts: str) -> str:
    """Return a data file shipped in python-stdnum, found without importing the package.

    Importing ``stdnum`` costs ~0.07 s (its ``util`` loads ``ssl``), and only its data is
    used here.
    """
    spec = importlib.util.find_spec("stdnum")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        path = Path(location).joinpath(*parts)
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return importlib.resources.files("stdnum").joinpath(*parts).read_text(encoding="utf-8")


@functools.cache
def _known_regions() -> npt.NDArray[np.int64]:
    """Return every 6-digit region code in python-stdnum's GB/T 2260 table, any year."""
    text = _stdnum_data("cn", "loc.dat")
    codes: list[int] = []
    province = ""
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        token = line.split(maxsplit=1)[0]
        if not line[0].isspace():
            province = token
        elif province and token.isdigit():
            codes.append(int(province + token))
    return np.unique(np.array(codes, dtype=np.int64))


def _has_15_significant_digits(
    texts: pa.Array,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Return, per digit text, whether its value as a float keeps at most 15 significant digits.

    That is what an ID stored as a number looks like once read back as text: Excel rounds
    to 15 digits and the reader prints the double exactly (``410101199001011008``). Also
    returns those 15 digits, which is what survived (``410101199001011``).
    """
    value = pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False)
    positive = value > 0
    exponent = np.floor(np.log10(np.where(positive, value, 1.0)))
    scale = 10.0 ** (exponent - (_SURVIVING_DIGITS - 1))
    significant = np.round(value / scale)
    return np.asarray(positive & (significant * scale == value), dtype=bool), significant.astype(
        np.int64
    )


def _dates_in_digits(texts: pa.Array) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.bool_]]:
    """Return the dates written by characters 7–14 of each text, where those are 8 digits."""
    date8 = pc.utf8_slice_codeunits(texts, 6, 14)
    date8 = pc.if_else(pa.array(matches(date8, r"^[0-9]{8}$")), date8, large(""))
    return ymd_to_dates(
        digits_to_int(pc.utf8_slice_codeunits(date8, 0, 4)),
        digits_to_int(pc.utf8_slice_codeunits(date8, 4, 6)),
        digits_to_int(pc.utf8_slice_codeunits(date8, 6, 8)),
        year_min=ID_YEAR_MIN,
    )


def _clean(raw: pd.Series) -> pa.LargeStringArray:
    """Return ID cells as compact upper-case text: no spaces, quotes or trailing ``.0``."""
    text = pc.fill_null(fold_text(to_arrow_text(raw), remove=_QUOTES, upper=True), large(""))
    point_zero = pc.ends_with(text, ".0").to_numpy(zero_copy_only=False)
    return splice(
        text,
        np.asarray(point_zero, dtype=bool),
        lambda part: pc.replace_substring_regex(part, pattern=r"\.0+$", replacement=""),
    )


@dataclass
class _Bodies:
    """The 18-character ID bodies found in a column, and the rows they came from."""

    rows: list[npt.NDArray[np.intp]]
    matrices: list[npt.NDArray[np.uint8]]

    def add(self, rows: npt.NDArray[np.intp], matrix: npt.NDArray[np.uint8]) -> None:
        self.rows.append(rows)
        self.matrices.append(np.ascontiguousarray(matrix))


def _find_bodies(
    text: pa.LargeStringArray, length: npt.NDArray[np.int64], status: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Return every row that can hold an ID, its 18-character body, and which are legacy.

    The body is the value itself, the value after its ``G`` (学籍号 = G + ID), the first 18
    of a 残疾人证号 (ID + category and grade digits), or a converted 15-digit ID whose check
    character is still to be computed. J and L 学籍号 are marked in ``status``.
    """
    is_ascii = np.asarray(pc.string_is_ascii(text).to_numpy(zero_copy_only=False), dtype=bool)
    bodies = _Bodies([], [])

    rows18 = np.flatnonzero((length == 18) & is_ascii)
    m18 = byte_matrix(text.take(pa.array(rows18)), 18)
    digits17 = ((m18[:, :17] >= _ZERO) & (m18[:, :17] <= _ZERO + 9)).all(axis=1)
    last = m18[:, 17]
    plain = digits17 & (((last >= _ZERO) & (last <= _ZERO + 9)) | (last == ord("X")))
    bodies.add(rows18[plain], m18[plain])

    rows19 = np.flatnonzero((length == 19) & is_ascii)
    text19 = text.take(pa.array(rows19))
    status[rows19[matches(text19, r"^[JL][0-9]{17}[0-9X]$")]] = _STUDENT_NO
    g_number = matches(text19, r"^G[0-9]{17}[0-9X]$")
    bodies.add(rows19[g_number], byte_matrix(text19.filter(pa.array(g_number)), 19)[:, 1:])

    rows20 = np.flatnonzero((length == 20) & is_ascii)
    text20 = text.take(pa.array(rows20))
    certificate = matches(text20, r"^[0-9]{17}[0-9X][0-9]{2}$")
    bodies.add(rows20[certificate], byte_matrix(text20.filter(pa.array(certificate)), 20)[:, :18])

    rows15 = np.flatnonzero((length == 15) & is_ascii)
    text15 = text.take(pa.array(rows15))
    legacy = matches(text15, r"^[0-9]{15}$")
    m15 = byte_matrix(text15.filter(pa.array(legacy)), 15)
    century = np.tile(np.frombuffer(b"19", dtype=np.uint8), (len(m15), 1))
    placeholder = np.full((len(m15), 1), _ZERO, dtype=np.uint8)
    bodies.add(rows15[legacy], np.hstack([m15[:, :6], century, m15[:, 6:], placeholder]))

    rows = np.concatenate(bodies.rows)
    is_legacy = np.zeros(len(rows), dtype=bool)
    is_legacy[len(rows) - int(legacy.sum()) :] = True
    return rows, np.vstack(bodies.matrices), is_legacy


def normalise_ids(raw: pd.Series) -> pd.DataFrame:
    """Return, for each ID cell, the person key and what the cell turned out to hold.

    Args:
        raw: ID cells as read (text, or numbers when a reader kept Excel's numeric type).

    Returns:
        A frame on ``raw.index`` with ``person_id`` (string, ``<NA>`` unless valid),
        ``id_status`` (``IdStatus`` values), ``id_birth_date`` (``datetime64[ns]``),
        ``id_gender`` (男/女), ``id_prefix`` (mangled only), ``id_reason`` (invalid only:
        length, chars, date, check) and ``id_region_known`` (boolean, valid only).
    """
    n = len(raw)
    text = _clean(raw)
    length = pc.utf8_length(text).to_numpy(zero_copy_only=False).astype(np.int64)
    status = np.full(n, _INVALID, dtype=np.int64)
    status[length == 0] = _MISSING
    reason = np.full(n, -1, dtype=np.int64)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")

    rows, matrix, is_legacy = _find_bodies(text, length, status)
    weighted = (matrix[:, :17].astype(np.int64) - _ZERO) @ _WEIGHT_VECTOR
    expected = _CHECK_BYTES[weighted % 11]
    matrix[is_legacy, 17] = expected[is_legacy]
    body_dates, body_date_ok = ymd_to_dates(
        matrix_number(matrix, 6, 10),
        matrix_number(matrix, 10, 12),
        matrix_number(matrix, 12, 14),
        year_min=ID_YEAR_MIN,
    )
    body_valid = body_date_ok & (matrix[:, 17] == expected)
    status[rows[body_valid]] = _VALID
    reason[rows] = np.where(body_date_ok, _CHECK, _DATE)
    dates[rows[body_date_ok]] = body_dates[body_date_ok]

    # Excel damage: scientific text, or 16–19 digits whose float keeps only 15 of them.
    prefix = np.full(n, None, dtype=object)
    maybe_scientific = np.flatnonzero(
        (status == _INVALID)
        & np.asarray(pc.match_substring(text, "E").to_numpy(zero_copy_only=False), dtype=bool)
    )
    scientific_text = text.take(pa.array(maybe_scientific))
    scientific = matches(scientific_text, _SCIENTIFIC)
    mantissa = pc.replace_substring_regex(
        scientific_text.filter(pa.array(scientific)),
        pattern=r"^([0-9])\.?([0-9]*)E.*$",
        replacement=r"\1\2",
    )
    prefix[maybe_scientific[scientific]] = pc.utf8_slice_codeunits(
        mantissa, 0, _SURVIVING_DIGITS
    ).to_numpy(zero_copy_only=False)
    maybe_float = np.flatnonzero((status == _INVALID) & (length >= 16) & (length <= 19))
    float_text = text.take(pa.array(maybe_float))
    digits_only = np.asarray(
        pc.ascii_is_decimal(float_text).to_numpy(zero_copy_only=False), dtype=bool
    )
    float_rows = maybe_float[digits_only]
    float_like, surviving = _has_15_significant_digits(float_text.filter(pa.array(digits_only)))
    prefix[float_rows[float_like]] = surviving[float_like].astype(str)
    mangled = np.flatnonzero(pd.notna(prefix))
    status[mangled] = _MANGLED
    dates[mangled] = _dates_in_digits(pa.array(prefix[mangled], type=pa.large_string()))[0]

    # Whatever else was written: its reason, and a birth date when digits 7–14 hold one.
    loose = np.flatnonzero((status == _INVALID) & (reason < 0))
    loose_text = text.take(pa.array(loose))
    reason[loose] = np.where(matches(loose_text, r"^[0-9]*X?$"), _LENGTH, _CHARS)
    dates[loose] = _dates_in_digits(loose_text)[0]
    reason[status != _INVALID] = -1
    dates[(status == _MISSING) | (status == _STUDENT_NO)] = np.datetime64("NaT")

    gender = np.full(n, -1, dtype=np.int64)
    gender[rows] = np.where((matrix[:, 16].astype(np.int64) - _ZERO) % 2 == 1, 0, 1)
    gender[(status != _VALID) & (status != _INVALID)] = -1
    region_known = np.zeros(n, dtype=bool)
    region_known[rows] = np.isin(matrix_number(matrix, 0, 6), _known_regions())

    bodies = pa.array(matrix.view("S18").ravel()).cast(pa.large_string())
    index = raw.index
    return pd.DataFrame(
        {
            "person_id": _string_column(scatter(bodies, rows, body_valid, n), index),
            "id_status": _coded_column(status, tuple(s.value for s in _STATUS_CODES), index),
            "id_birth_date": pd.Series(dates, index=index, dtype="datetime64[ns]"),
            "id_gender": _coded_column(gender, ("男", "女"), index),
            "id_prefix": _string_column(pa.array(prefix, type=pa.large_string()), index),
            "id_reason": _coded_column(reason, _REASONS, index),
            "id_region_known": pd.Series(
                pd.arrays.BooleanArray(region_known, status != _VALID), index=index
            ),
        },
        index=index,
    )


def _string_column(values: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(pc.cast(values, pa.large_string())), index=index)


def _coded_column(
    codes: npt.NDArray[np.int64], labels: tuple[str, ...], index: pd.Index
) -> pd.Series:
    table = pa.array(labels, type=pa.large_string())
    return _string_column(table.take(pa.array(codes, mask=codes < 0)), index)


def normalise_id(value: object) -> IdResult:
    """Return the normalised form of one ID cell (see ``normalise_ids``)."""
    row = normalise_ids(pd.Series([value], dtype=object)).iloc[0]

    def text(name: str) -> str | None:
        item = row[name]
        return None if pd.isna(item) else str(item)

    birth = row["id_birth_date"]
    region = row["id_region_known"]
    return IdResult(
        person_id=text("person_id"),
        id_status=IdStatus(str(row["id_status"])),
        id_birth_date=None if pd.isna(birth) else pd.Timestamp(birth).date(),
        id_gender=text("id_gender"),
        id_prefix=text("id_prefix"),
        id_reason=text("id_reason"),
        id_region_known=None if pd.isna(region) else bool(region),
    )


def _mask(value: str | None, head: int) -> str:
    if value is None:
        return ""
    compact = "".join(value.split())  # str.split() splits on exactly what \s matches
    if not compact:
        return ""
    if len(compact) >= 11:
        return compact[:head] + "*" * (len(compact) - head - 4) + compact[-4:]
    if len(compact) <= 2:
        return compact[0] + "*" * (len(compact) - 1)
    return compact[0] + "*" * (len(compact) - 2) + compact[-1]


def mask_id(value: str | None) -> str:
    """Return an ID masked for display: first 6 and last 4 kept (``110101********1234``).

    Values shorter than 11 characters keep only their first and last character; an
    empty value or None gives ``""``.
    """
    # --mask calls this once per ID cell of every annotated copy, where a regex call per
    # cell dominated: a plain 18-character ID (isalnum: no whitespace to remove) is sliced.
    if value is not None and len(value) == 18 and value.isalnum():
        return value[:6] + "********" + value[-4:]
    return _mask(value, 6)


def mask_account(value: str | None) -> str:
    """Return a bank or 社保卡 account masked for display: first 6 and last 4 (JR/T 0171).

    Shorter values keep only their first and last character; an empty value gives ``""``.
    """
    return _mask(value, 6)


# Any run of 15 or more digits is a person or account number in this domain (IDs, 残疾人证号
# = ID + 2 digits, bank cards of 16–19 digits, 存折 accounts of up to 25); an X may follow
# the digits (an ID's 18th character), with a certificate's digits after it. Nothing else
# the tool prints (amounts, dates, counts) is that long.
_ID_IN_TEXT: Final = re.compile(r"(?<!\d)\d{14,}[\dXx]\d*(?!\d)")
# Bank cards written in groups, as printed on the card: 6222 0212 3456 7890 123.
_GROUPED_NUMBER: Final = re.compile(r"(?<!\d)(?<!\d )\d{3,6}(?: \d{3,6}){2,5}(?!\d)")
_GROUPED_MIN_DIGITS: Final = 15


def _mask_grouped(match: re.Match[str]) -> str:
    text = match.group()
    if sum(ch.isdigit() for ch in text) < _GROUPED_MIN_DIGITS:
        return text
    return mask_id(text)


def mask_ids_in_text(text: str) -> str:
    """Return free text with every ID-looking number masked.

    Masked: runs of 15 or more digits (an optional X after the first 17, as in an ID or a
    disability certificate number) and digit groups separated by single spaces that add
    up to 15 or more digits (a bank card as printed: ``6222 0212 3456 7890 123``).
    """
    masked = _ID_IN_TEXT.sub(lambda match: mask_id(match.group()), text)
    return _GROUPED_NUMBER.sub(_mask_grouped, masked)
