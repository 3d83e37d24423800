"""School terms (学期): every spelling folded to the canonical ``YYYY秋`` / ``YYYY春``.

``YYYY秋`` is the autumn term that opens school year YYYY–YYYY+1, ``YYYY春`` the spring
term of calendar year YYYY. So 2024-2025学年第二学期 is ``2025春``, not ``2024春``
(DOMAIN §1.3). Spellings that leave the year in doubt (2024年下学期, 2024学年春季) give
None rather than a guess.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Final

import pandas as pd

from edupoverty.core.normalise._common import map_unique_text, to_arrow_text

AUTUMN: Final = "秋"
SPRING: Final = "春"

_CANONICAL: Final = re.compile(r"^(?P<year>(?:19|20)\d{2})(?P<season>[秋春])$")
_YEAR: Final = r"(?<!\d)(?:19|20)\d{2}(?!\d)"
_DASH: Final = r"[-‐‑‒–—―－~～至到/]+"
_HALF: Final = r"(?:第(?P<nth>[一二12])学期|(?P<updown>[上下])学期|(?P<season>[秋春])季?(?:学期)?)"
# 2024-2025学年第二学期, 2024—2025学年度第一学期, 2024-2025学年秋季学期, 2024-2025秋
_SCHOOL_YEAR_TERM: Final = re.compile(
    rf"(?P<first>{_YEAR})年?{_DASH}(?P<second>{_YEAR})年?(?:学年度?|年度)?{_HALF}"
)
# 2024秋, 2024年秋季学期, 2024秋季, 2024年度春季, 2024学年秋季 (学年 + 春 is ambiguous)
_YEAR_SEASON: Final = re.compile(
    rf"(?P<year>{_YEAR})(?P<unit>年度?|学年度?)?(?P<season>[秋春])季?(?:学期)?"
)
_SCHOOL_YEAR: Final = re.compile(rf"(?P<first>{_YEAR})(?:年?{_DASH}(?P<second>{_YEAR}))?")


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _half_of(match: re.Match[str]) -> str | None:
    """Return 秋 for the first half of a school year, 春 for the second, None when unsaid."""
    if match["nth"]:
        return AUTUMN if match["nth"] in "一1" else SPRING
    if match["updown"]:
        return AUTUMN if match["updown"] == "上" else SPRING
    season = match["season"]
    return season if season in (AUTUMN, SPRING) else None


def _in_school_year(first_year: int, half: str) -> str:
    return f"{first_year}{AUTUMN}" if half == AUTUMN else f"{first_year + 1}{SPRING}"


def _terms_in(text: str) -> list[str]:
    """Return every term written in ``text``, in order (unresolvable spellings skipped)."""
    found: list[str] = []
    covered: list[tuple[int, int]] = []
    for match in _SCHOOL_YEAR_TERM.finditer(text):
        first, second = int(match["first"]), int(match["second"])
        half = _half_of(match)
        covered.append(match.span())
        if second == first + 1 and half is not None:
            found.append(_in_school_year(first, half))
    for match in _YEAR_SEASON.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        unit = match["unit"] or ""
        if unit.startswith("学年") and match["season"] == SPRING:
            continue  # 2024学年春季: the spring of 2024 or of school year 2024-2025?
        found.append(f"{match['year']}{match['season']}")
    return found


def find_term(text: str) -> str | None:
    """Return the one term named inside a longer text such as a title row or file name.

    "XX县2024年秋季学期义务教育阶段家庭经济困难学生生活补助发放花名册" gives ``2024秋`` and
    "2025春_寄宿生生活补助.xlsx" gives ``2025春``. A text naming no term, or two different
    terms, gives None.
    """
    terms = set(_terms_in(_fold(text)))
    return terms.pop() if len(terms) == 1 else None


def normalise_term(text: object) -> str | None:
    """Return the canonical term a term cell names (``2024-2025学年第二学期`` → ``2025春``).

    Returns:
        ``YYYY秋`` / ``YYYY春``, or None for a blank, unrecognised or ambiguous spelling.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    return find_term(str(text))


def normalise_terms(terms: pd.Series) -> pd.Series:
    """Return the canonical term of each term cell (see ``normalise_term``), ``<NA>`` if none."""
    return map_unique_text(to_arrow_text(terms), normalise_term, terms.index)


def _combine(school_year: str | None, term_text: str | None) -> str | None:
    if term_text:
        whole = normalise_term(term_text)
        if whole is not None:
            return whole
    if not school_year:
        return None
    if not term_text:
        return normalise_term(school_year)
    year_match = _SCHOOL_YEAR.search(_fold(school_year))
    half_match = re.fullmatch(_HALF, _fold(term_text)) or re.fullmatch(
        r"(?P<nth>[一二12])|(?P<updown>[上下])|(?P<season>[秋春])", _fold(term_text)
    )
    if year_match is None or half_match is None:
        return None
    first = int(year_match["first"])
    if year_match["second"] and int(year_match["second"]) != first + 1:
        return None
    half = _half_of(half_match)
    if half is None:
        return None
    if year_match["second"] is None and half_match["season"]:
        # A lone year with a season reads as written: 2024 + 春季 is 2024春.
        return None if "学年" in school_year and half == SPRING else f"{first}{half}"
    return _in_school_year(first, half)


def combine_year_and_term(school_year: pd.Series, term_text: pd.Series) -> pd.Series:
    """Return the canonical term of ledgers with separate 学年 and 学期 columns.

    ``2024-2025学年`` with ``第二学期``, ``下学期`` or ``春季`` gives ``2025春``; with
    ``第一学期``, ``上学期`` or ``秋季`` it gives ``2024秋``. A 学期 cell that already names a
    full term wins; a blank 学期 falls back to the 学年 cell alone.

    Args:
        school_year: the 学年 column.
        term_text: the 学期 column, on the same index.

    Returns:
        A string Series on ``school_year.index``; ``<NA>`` where no term can be made out.
    """
    pairs = pd.DataFrame(
        {"year": school_year.astype("string"), "term": term_text.astype("string")},
        index=school_year.index,
    )
    distinct = pairs.drop_duplicates()
    combined = [
        _combine(None if pd.isna(y) else str(y), None if pd.isna(t) else str(t))
        for y, t in zip(distinct["year"], distinct["term"], strict=True)
    ]
    distinct = distinct.assign(canonical=pd.array(combined, dtype="string[pyarrow]"))
    merged = pairs.merge(distinct, on=["year", "term"], how="left")
    return pd.Series(merged["canonical"].array, index=school_year.index, dtype="string[pyarrow]")


def is_canonical_term(text: object) -> bool:
    """Return whether ``text`` is already a canonical term such as ``2024秋``."""
    return isinstance(text, str) and _CANONICAL.fullmatch(text) is not None


def _parse(term: str) -> tuple[int, str]:
    match = _CANONICAL.fullmatch(term)
    if match is None:
        raise ValueError(f"not a canonical term: {term!r} (expected e.g. 2024秋 or 2025春)")
    return int(match["year"]), match["season"]


def term_of_date(day: dt.date) -> str:
    """Return the term a date falls in: Sep 1 – end of Feb is ``Y秋``, Mar 1 – Aug 31 ``Y春``.

    Y is the year of that September for an autumn term, so 2025-01-15 is in ``2024秋``.
    """
    if day.month >= 9:
        return f"{day.year}{AUTUMN}"
    if day.month <= 2:
        return f"{day.year - 1}{AUTUMN}"
    return f"{day.year}{SPRING}"


def term_sort_key(term: str) -> tuple[int, int]:
    """Return a key that orders terms in time: 2024春 < 2024秋 < 2025春.

    Raises:
        ValueError: when ``term`` is not canonical.
    """
    year, season = _parse(term)
    return year, 1 if season == AUTUMN else 0


def term_start(term: str) -> dt.date:
    """Return the first day of a term: September 1 for 秋, March 1 for 春.

    Raises:
        ValueError: when ``term`` is not canonical.
    """
    year, season = _parse(term)
    return dt.date(year, 9, 1) if season == AUTUMN else dt.date(year, 3, 1)
