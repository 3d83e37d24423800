"""The aid policy as data: programmes, who they cover, and their standard per term.

The shipped national default lives in ``data/national_default.toml`` and a user may pass
their own with ``--policy`` (reading the file is ``io/policy_file.py``). This module turns
the parsed TOML into a frozen, validated ``Policy`` and answers the rules' questions:
``standard(program, term)``, ``group_of(program)``, ``match_programs(ledger 资助项目)``.

Validation collects every problem before it raises, so a policy with a duplicate code, an
unknown stage and a missing amount reports all three in one ``PolicyError``, each with
its TOML line (STYLE item 15).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Self

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from edupoverty.core.errors import ErrorDetail, PolicyError
from edupoverty.core.models import STAGES
from edupoverty.core.normalise.categories import (
    CANONICAL_CATEGORIES,
    is_canonical_category,
    normalise_category,
)
from edupoverty.core.normalise.terms import is_canonical_term, term_sort_key

Loc = tuple[str | int, ...]
"""A path into the parsed TOML, e.g. ``("program", 2, "standard", 0, "per_term")``."""

LineMap = Mapping[Loc, int]
"""Known 1-based TOML line numbers by path (built by ``io.policy_file.locate_lines``)."""

_STRING = pd.StringDtype("pyarrow")
_CODE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
# Dash variants seen in 资助项目 cells: ASCII, hyphen, en/em dash, minus, full-width
# (NFKC folds the full-width one), and the wave dash some clerks type.
_DASHES: Final = re.compile(r"[\-‐‑‒–—―−﹣－~～]+")
_BRACKETS: Final = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
# A tier written after the programme name: 国家助学金(一档), 国家助学金一档.
_TIER: Final = re.compile(r"\(?[一二三123]档\)?$")


def _custom(msg_id: str, /, **params: Any) -> PydanticCustomError:
    """Return a validation error whose type is a policy message id and whose context is its params."""
    return PydanticCustomError(msg_id, msg_id, params)


def _canonical_amount(value: Decimal) -> Decimal:
    """Return an amount in one spelling (``500``, ``312.5``) so equal policies fingerprint equally."""
    if not value.is_finite():
        raise _custom("policy.amount_invalid", value=str(value))
    if value < 0:
        raise _custom("policy.amount_negative", value=str(value))
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _canonical_amounts(values: tuple[Decimal, ...] | None) -> tuple[Decimal, ...] | None:
    if values is None:
        return None
    if not values:
        raise _custom("policy.allowed_empty")
    return tuple(_canonical_amount(v) for v in values)


def program_key(text: str) -> str:
    """Return the form in which ledger 资助项目 text and policy names are compared.

    NFKC (full-width brackets and letters to ASCII), all whitespace removed, every dash
    variant made ``-``, 【】〔〕[] made round brackets, ASCII letters lower-cased.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    folded = re.sub(r"\s+", "", folded)
    return _DASHES.sub("-", folded).lower()


class _PolicyModel(BaseModel):
    model_config = ConfigDict(
        frozen=True, use_attribute_docstrings=True, extra="forbid", populate_by_name=True
    )


class Standard(_PolicyModel):
    """Amounts of one programme from a term onwards (TOML ``[[program.standard]]``)."""

    from_term: str
    """First term the amounts apply to, canonical (``2025春``); they hold until a later standard."""
    per_term: Decimal | None = None
    """The one amount paid per person per term, in yuan."""
    allowed: tuple[Decimal, ...] | None = None
    """Every amount a person may be paid per term, for tiered programmes (一档/二档/三档)."""

    @field_validator("from_term")
    @classmethod
    def _term_is_canonical(cls, value: str) -> str:
        if not is_canonical_term(value):
            raise _custom("policy.term_invalid", value=value)
        return value

    @field_validator("per_term")
    @classmethod
    def _per_term_is_money(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _canonical_amount(value)

    @field_validator("allowed")
    @classmethod
    def _allowed_are_money(cls, value: tuple[Decimal, ...] | None) -> tuple[Decimal, ...] | None:
        return _canonical_amounts(value)

    @model_validator(mode="after")
    def _one_kind_of_amount(self) -> Self:
        if self.per_term is None and self.allowed is None:
            raise _custom("policy.standard_amount_missing", term=self.from_term)
        if self.per_term is not None and self.allowed is not None:
            raise _custom("policy.amount_both")
        return self

    @property
    def amounts(self) -> tuple[Decimal, ...]:
        """Return the allowed amounts: ``(per_term,)`` or the ``allowed`` tiers."""
        if self.per_term is not None:
            return (self.per_term,)
        return self.allowed or ()


class Program(_PolicyModel):
    """One aid programme (资助项目): who it covers and what it pays per term."""

    code: str
    """Stable code written to findings.csv, lower-case ASCII (``boarding_primary``)."""
    name: str
    """Official Chinese name; also matched against the ledger's 资助项目."""
    aliases: tuple[str, ...] = ()
    """Other 资助项目 spellings seen in ledgers; each may belong to one programme only."""
    stages: tuple[str, ...] = Field(min_length=1)
    """Stages the programme covers: 学前, 小学, 初中, 高中, 中职, 高校."""
    categories: tuple[str, ...] = ()
    """Registry categories that qualify (canonical names); empty means anyone may receive it."""
    boarding: bool | None = None
    """True: boarders only; False: non-boarders only; absent: both."""
    entitled: bool = False
    """Every eligible, enrolled person must be paid each term (MISSED_AID applies)."""
    exclusive_group: str | None = None
    """Programmes sharing a group may not both be paid to one person in one term."""
    per_term: Decimal | None = None
    """The one amount per person per term, in yuan, before the first ``standard``."""
    allowed: tuple[Decimal, ...] | None = None
    """Every amount allowed per term (tiers), before the first ``standard``."""
    standards: tuple[Standard, ...] = Field(
        default=(), validation_alias="standard", serialization_alias="standard"
    )
    """Amounts that change from a term onwards (TOML ``[[program.standard]]``)."""
    source: str | None = None
    """The policy document the programme and its amounts come from."""

    @field_validator("code")
    @classmethod
    def _code_is_simple(cls, value: str) -> str:
        if not _CODE.fullmatch(value):
            raise _custom("policy.code_invalid", value=value)
        return value

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise _custom("policy.name_blank")
        return value.strip()

    @field_validator("stages")
    @classmethod
    def _stages_known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [s for s in value if s not in STAGES]
        if unknown:
            raise _custom(
                "policy.stage_unknown", value="、".join(unknown), allowed="、".join(STAGES)
            )
        return tuple(dict.fromkeys(value))

    @field_validator("categories")
    @classmethod
    def _categories_known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if not is_canonical_category(c)]
        if unknown:
            raise _custom(
                "policy.category_unknown",
                value="、".join(unknown),
                allowed="、".join(CANONICAL_CATEGORIES),
            )
        # 建档立卡 in an old policy means 脱贫户 today: store the canonical name.
        canonical = (normalise_category(c) for c in value)
        return tuple(dict.fromkeys(c for c in canonical if c is not None))

    @field_validator("per_term")
    @classmethod
    def _per_term_is_money(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _canonical_amount(value)

    @field_validator("allowed")
    @classmethod
    def _allowed_are_money(cls, value: tuple[Decimal, ...] | None) -> tuple[Decimal, ...] | None:
        return _canonical_amounts(value)

    @field_validator("standards")
    @classmethod
    def _standards_in_order(cls, value: tuple[Standard, ...]) -> tuple[Standard, ...]:
        terms = [s.from_term for s in value]
        repeated = sorted({t for t in terms if terms.count(t) > 1}, key=term_sort_key)
        if repeated:
            raise _custom("policy.standard_term_repeated", value="、".join(repeated))
        return tuple(sorted(value, key=lambda s: term_sort_key(s.from_term)))

    @model_validator(mode="after")
    def _has_an_amount(self) -> Self:
        if self.per_term is not None and self.allowed is not None:
            raise _custom("policy.amount_both")
        if self.per_term is None and self.allowed is None and not self.standards:
            raise _custom("policy.amount_missing")
        return self

    @property
    def base_amounts(self) -> tuple[Decimal, ...]:
        """Return the amounts before the first ``standard`` (empty when the programme starts later)."""
        if self.per_term is not None:
            return (self.per_term,)
        return self.allowed or ()

    @property
    def group(self) -> str:
        """Return the exclusive group, or the code itself when the programme has none."""
        return self.exclusive_group or self.code

    def standard(self, term: str) -> tuple[Decimal, ...]:
        """Return the amounts allowed per person in ``term``: the latest standard not after it.

        Raises:
            ValueError: ``term`` is not canonical (``2024秋``, ``2025春``).
        """
        key = term_sort_key(term)
        amounts = self.base_amounts
        for standard in self.standards:
            if term_sort_key(standard.from_term) > key:
                break
            amounts = standard.amounts
        return amounts

    def standard_ranges(self) -> list[tuple[str | None, str | None, tuple[Decimal, ...]]]:
        """Return ``(from_term, until_term, amounts)`` spans; None means open-ended.

        ``until_term`` is the first term the next span starts, so it is not included.
        """
        spans: list[tuple[str | None, str | None, tuple[Decimal, ...]]] = []
        starts: list[str | None] = [None, *(s.from_term for s in self.standards)]
        amounts = [self.base_amounts, *(s.amounts for s in self.standards)]
        for i, (start, values) in enumerate(zip(starts, amounts, strict=True)):
            until = starts[i + 1] if i + 1 < len(starts) else None
            if values:
                spans.append((start, until, values))
        return spans

    def keys(self) -> tuple[str, ...]:
        """Return the matching keys of the code, the name and every alias (see ``program_key``)."""
        return tuple(dict.fromkeys(program_key(t) for t in (self.code, self.name, *self.aliases)))


class PolicyHeader(_PolicyModel):
    """The ``[policy]`` table: the policy's name and the compulsory-education ages."""

    name: str
    """Name shown in reports and summary.json (e.g. 国家标准, 某省2025年标准)."""
    compulsory_age: tuple[int, int] = (6, 15)
    """Youngest and oldest age, at the as-of date, that must be on a roster (NOT_ENROLLED)."""

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise _custom("policy.policy_name_blank")
        return value.strip()

    @field_validator("compulsory_age")
    @classmethod
    def _ages_ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if low < 0 or low > high:
            raise _custom("policy.age_order", low=low, high=high)
        return value


class Policy(_PolicyModel):
    """A validated aid policy: its name, the compulsory ages and the programmes in order."""

    name: str
    """Name shown in reports and summary.json."""
    compulsory_age: tuple[int, int] = (6, 15)
    """Youngest and oldest age, at the as-of date, that must be on a roster."""
    programs: tuple[Program, ...] = Field(min_length=1)
    """The programmes, in the order the policy file lists them."""

    @model_validator(mode="after")
    def _codes_and_aliases_unique(self) -> Self:
        low, high = self.compulsory_age
        if low < 0 or low > high:
            raise _custom("policy.age_order", low=low, high=high)
        seen_codes: set[str] = set()
        owner: dict[str, str] = {}
        for program in self.programs:
            if program.code in seen_codes:
                raise _custom("policy.code_duplicate", code=program.code, line_first="?")
            seen_codes.add(program.code)
            for key in program.keys():
                if owner.setdefault(key, program.code) != program.code:
                    raise _custom(
                        "policy.alias_duplicate", value=key, first=owner[key], code=program.code
                    )
        return self

    def program(self, code: str) -> Program:
        """Return the programme with ``code``.

        Raises:
            KeyError: no programme has that code.
        """
        for p in self.programs:
            if p.code == code:
                return p
        raise KeyError(code)

    def standard(self, code: str, term: str) -> tuple[Decimal, ...]:
        """Return the amounts programme ``code`` allows per person in ``term``.

        A ``per_term`` gives a 1-tuple, ``allowed`` the tiers; the latest standard whose
        ``from_term`` is not after ``term`` wins. Empty when the programme has no amount
        yet in that term.

        Raises:
            KeyError: unknown programme code.
            ValueError: ``term`` is not canonical.
        """
        return self.program(code).standard(term)

    def group_of(self, code: str) -> str:
        """Return the exclusive group of ``code`` (the code itself when it has none).

        Raises:
            KeyError: unknown programme code.
        """
        return self.program(code).group

    def entitled_programs(self) -> list[Program]:
        """Return the programmes every eligible, enrolled person must be paid each term."""
        return [p for p in self.programs if p.entitled]

    def program_lookup(self) -> dict[str, str]:
        """Return matching key → programme code for every code, name and alias."""
        return {key: p.code for p in self.programs for key in p.keys()}

    def match_program(self, text: str) -> str | None:
        """Return the programme code a ledger 资助项目 text names, or None.

        Tries the whole text, then the text without a trailing tier (一档), then the part
        after the first dash, because national-system exports prefix the area
        (``普高教育资助-…``).
        """
        return _match(program_key(text), self.program_lookup())

    def match_programs(self, raw: pd.Series) -> pd.Series:
        """Return the programme code of each ledger 资助项目 cell, ``<NA>`` when none matches.

        Each distinct text is matched once (see ``match_program``), so a million-row
        ledger with a dozen programme spellings costs a dozen lookups.

        Args:
            raw: the ledger's ``program_raw`` column (any dtype; missing cells stay ``<NA>``).

        Returns:
            A ``string[pyarrow]`` Series on ``raw.index``.
        """
        lookup = self.program_lookup()
        codes, uniques = pd.factorize(raw.astype(_STRING), use_na_sentinel=True)
        mapped = [_match(program_key(str(u)), lookup) for u in uniques]
        table = pd.array([*mapped, None], dtype=_STRING)
        return pd.Series(table.take(codes), index=raw.index, dtype=_STRING)

    def fingerprint(self) -> str:
        """Return the sha256 of the policy's canonical JSON, for summary.json and run history."""
        text = json.dumps(
            self.model_dump(mode="json", by_alias=True),
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _match(key: str, lookup: Mapping[str, str]) -> str | None:
    if not key:
        return None
    candidates = [key, _TIER.sub("", key)]
    if "-" in key:
        tail = key.split("-", 1)[1]
        candidates += [tail, _TIER.sub("", tail)]
    for candidate in candidates:
        code = lookup.get(candidate)
        if code is not None:
            return code
    return None


# --- building a Policy from parsed TOML, collecting every problem -------------------------

_KNOWN_TOP: Final = frozenset({"policy", "program"})
_AMOUNT_KEYS: Final = frozenset({"per_term", "allowed", "standard"})


def build_policy(
    data: Mapping[str, Any], *, lines: LineMap | None = None, file: str | None = None
) -> Policy:
    """Return the validated policy of a parsed policy TOML, or raise once with every problem.

    Args:
        data: the TOML document as ``tomllib`` returns it (floats best as ``Decimal``).
        lines: known line numbers by path, so each problem names its line.
        file: the file name shown in messages.

    Raises:
        PolicyError: one detail per problem (unknown stage or category, missing or
            negative amount, bad term, duplicate code or alias, unordered ages, ...).
    """
    problems = _Problems(lines or {}, file)
    for key in data:
        if key not in _KNOWN_TOP:
            problems.add("policy.section_unknown", (key,), value=key)

    header = _validate_header(data.get("policy"), problems)
    programs = _validate_programs(data.get("program"), problems)
    _check_unique(data.get("program"), problems)

    if problems.details or header is None:
        details = problems.details or [problems.detail("policy.header_missing", ())]
        raise PolicyError(sorted(details, key=lambda d: (d.line is None, d.line or 0)))
    return Policy(name=header.name, compulsory_age=header.compulsory_age, programs=programs)


class _Problems:
    """The problems found so far, each located by its TOML line when known."""

    def __init__(self, lines: LineMap, file: str | None) -> None:
        self.lines = lines
        self.file = file
        self.details: list[ErrorDetail] = []

    def line_of(self, loc: Loc) -> int | None:
        for end in range(len(loc), 0, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None

    def detail(self, msg_id: str, loc: Loc, /, **params: Any) -> ErrorDetail:
        return ErrorDetail(code=msg_id, params=params, file=self.file, line=self.line_of(loc))

    def add(self, msg_id: str, loc: Loc, /, **params: Any) -> None:
        self.details.append(self.detail(msg_id, loc, **params))

    def add_validation(self, exc: ValidationError, prefix: Loc, program: str | None) -> None:
        for error in exc.errors():
            loc: Loc = (*prefix, *error["loc"])
            field = ".".join(str(p) for p in error["loc"] if isinstance(p, str)) or prefix[0]
            context = dict(error.get("ctx") or {})
            where = {"program": program} if program else {}
            kind = error["type"]
            if kind.startswith("policy."):
                self.add(kind, loc, **context, **where)
            elif kind in ("missing", "extra_forbidden"):
                suffix = "missing" if kind == "missing" else "unknown"
                self.add(_in(f"field_{suffix}", program), loc, field=field, **where)
            else:
                self.add(
                    _in("field_invalid", program),
                    loc,
                    field=field,
                    value=_show(error.get("input")),
                    detail=error["msg"],
                    **where,
                )


def _in(kind: str, program: str | None) -> str:
    """Return the message id of a field problem in a programme or in the ``[policy]`` table."""
    return f"policy.{kind}" if program else f"policy.header_{kind}"


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _validate_header(raw: object, problems: _Problems) -> PolicyHeader | None:
    if raw is None:
        problems.add("policy.header_missing", ("policy",))
        return None
    if not isinstance(raw, Mapping):
        problems.add("policy.header_not_table", ("policy",))
        return None
    try:
        return PolicyHeader.model_validate(raw)
    except ValidationError as exc:
        problems.add_validation(exc, ("policy",), None)
        return None


def _validate_programs(raw: object, problems: _Problems) -> tuple[Program, ...]:
    if raw is None or (isinstance(raw, Sequence) and not isinstance(raw, str) and not raw):
        problems.add("policy.no_programs", ())
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        problems.add("policy.programs_not_tables", ("program",))
        return ()
    programs: list[Program] = []
    for i, item in enumerate(raw):
        label = _label(item, i)
        if not isinstance(item, Mapping):
            problems.add("policy.programs_not_tables", ("program", i))
            continue
        try:
            programs.append(Program.model_validate(item))
        except ValidationError as exc:
            problems.add_validation(exc, ("program", i), label)
            # pydantic skips the whole-programme checks once a field has failed; a missing
            # amount is still worth reporting in the same run.
            reported = any(e["type"] == "policy.amount_missing" for e in exc.errors())
            if not reported and _AMOUNT_KEYS.isdisjoint(item):
                problems.add("policy.amount_missing", ("program", i), program=label)
    return tuple(programs)


def _label(item: object, index: int) -> str:
    """Return how messages name a programme: its code, else its position (第3个)."""
    if isinstance(item, Mapping) and isinstance(item.get("code"), str) and item["code"]:
        return str(item["code"])
    return f"#{index + 1}"


def _check_unique(raw: object, problems: _Problems) -> None:
    """Add a problem for every repeated code and every name/alias two programmes share."""
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return
    first_code: dict[str, int] = {}
    owner: dict[str, tuple[str, int]] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            continue
        code = item.get("code")
        if isinstance(code, str):
            if code in first_code:
                problems.add(
                    "policy.code_duplicate",
                    ("program", i, "code"),
                    code=code,
                    line_first=problems.line_of(("program", first_code[code], "code")) or "?",
                )
                continue
            first_code[code] = i
        label = _label(item, i)
        texts = [code, item.get("name")]
        aliases = item.get("aliases")
        if isinstance(aliases, Sequence) and not isinstance(aliases, str):
            texts += list(aliases)
        for text in dict.fromkeys(program_key(t) for t in texts if isinstance(t, str)):
            previous = owner.setdefault(text, (label, i))
            if previous[1] != i:
                problems.add(
                    "policy.alias_duplicate",
                    ("program", i, "aliases"),
                    value=text,
                    first=previous[0],
                    code=label,
                )
