"""Audit indicators: the numbers an inspection asks for, checked against thresholds.

Pure computation from a ``ReconcileResult`` (and its ``RuleContext``) plus the loaders'
row issues: 应助尽助率 (coverage), 疑似失学辍学 (suspected dropouts), 违规资金 (irregular
money) and 数据质量 (data quality), overall and per township, school and programme-term.
docs/audit.md states every definition; this module implements that page.

Township: many 学籍 exports carry no township column, so a school's township is taken,
in this order, from the roster's own township column, the ledgers' (school, township)
pairs, then the registry townships of the school's enrolled pupils; the most frequent
value wins (ties: the first in sort order), and a school with none is "未知".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Final, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from edupoverty import __version__
from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.config import AuditThresholds
from edupoverty.core.context import RuleContext
from edupoverty.core.engine import ReconcileResult
from edupoverty.core.entitlement import PAID, entitled_enrolments
from edupoverty.core.findings import fingerprint
from edupoverty.i18n import t

_STRING = pd.StringDtype("pyarrow")

IRREGULAR_RULES: Final[tuple[str, ...]] = (
    "DUPLICATE_AID",
    "INELIGIBLE_AID",
    "PAID_NOT_ENROLLED",
    "AMOUNT_MISMATCH",
)
"""Rules whose money is 违规资金, in the order that breaks ties when one payment has several."""
EXCESS_ONLY_RULES: Final = frozenset({"AMOUNT_MISMATCH"})
"""Rules whose amount counts only when positive (an overpayment; underpayment is not irregular)."""
BAD_ID_STATUSES: Final = ("invalid", "mangled")
TOWNSHIP: Final = C.TOWNSHIP
SCHOOL: Final = C.SCHOOL

Status = Literal["new", "open"]
Unit = Literal["ratio", "persons", "yuan", "rows"]
Direction = Literal["min", "max"]
Dimension = Literal["township", "school", "program_term"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True, extra="forbid")


class Indicator(_Model):
    """One audit indicator: its value, the target it is held to, and whether it met it."""

    key: str
    """Stable key, e.g. ``coverage``, ``not_enrolled``, ``irregular_money``, ``data_quality``."""
    name: str
    """Chinese (or --lang) name, e.g. 应助尽助率."""
    value: float | None
    """The value (a share 0–1 for ratios, yuan for money); None when it cannot be computed."""
    unit: Unit
    """``ratio``, ``persons``, ``yuan`` or ``rows``."""
    threshold: float | None = None
    """The target; None for an informational indicator."""
    direction: Direction | None = None
    """``min``: value must be at least the threshold; ``max``: at most."""
    passed: bool | None = None
    """True or False against the threshold; None when informational or not computable."""
    numerator: int | None = None
    """Count the value is made of (paid persons, problem rows …), when it is a ratio."""
    denominator: int | None = None
    """What the numerator is divided by."""
    note: str = ""
    """Why the value is missing, or how it is counted."""


class UnitFigures(_Model):
    """The indicators of one township, school or programme-term."""

    dimension: Dimension
    """``township``, ``school`` or ``program_term``."""
    township: str | None = None
    """Township (乡镇) of the unit; for a school, the township derived for it."""
    school: str | None = None
    """School name (school units)."""
    program: str | None = None
    """Programme code (programme-term units)."""
    program_name: str | None = None
    """Programme name from the policy."""
    term: str | None = None
    """Term (programme-term units)."""
    entitled: int = 0
    """Eligible enrolled persons who must be paid (per programme and term)."""
    paid: int = 0
    """Of those, how many were paid."""
    coverage: float | None = None
    """paid / entitled; None when nobody is entitled."""
    not_enrolled: int | None = None
    """Suspected dropouts (townships only: they are on no school's roster)."""
    irregular_yuan: float = 0.0
    """Irregular money located in this unit, yuan."""
    findings: int = 0
    """Findings of any rule located in this unit."""
    passed: bool = True
    """Whether the unit meets every threshold that applies to it."""


class HistoryFacts(_Model):
    """How this run compares with the previous run of the same scope."""

    run_id: int | None = None
    """This run's id in the history database (None under --no-history)."""
    previous_run_id: int | None = None
    """The previous run of the same scope, when there is one."""
    new: int = 0
    """Findings not in the previous run (新增)."""
    open: int = 0
    """Findings also in the previous run (未整改)."""
    resolved: int = 0
    """Findings of the previous run that are gone (已整改)."""


class AuditReport(_Model):
    """audit.json: every indicator, the thresholds, and the breakdowns."""

    tool: str = "edupov"
    """Always ``edupov``."""
    version: str = __version__
    """Tool version."""
    as_of: str
    """As-of date, ISO format."""
    terms: list[str]
    """Terms under review."""
    policy: dict[str, str]
    """Policy name, source and fingerprint."""
    thresholds: AuditThresholds
    """The targets used."""
    passed: bool
    """True when no indicator failed."""
    indicators: list[Indicator]
    """Overall indicators, headline ones first."""
    irregular_by_rule: dict[str, float]
    """Irregular money per rule, yuan; each payment row counted once, under the rule giving it the largest amount."""
    units: list[UnitFigures] = Field(default_factory=list)
    """Per township, per school and per programme-term."""
    history: HistoryFacts | None = None
    """Comparison with the previous run (absent under --no-history)."""

    def indicator(self, key: str) -> Indicator:
        """Return the indicator with this key.

        Raises:
            KeyError: no such indicator.
        """
        for item in self.indicators:
            if item.key == key:
                return item
        raise KeyError(key)


def compute_audit(
    result: ReconcileResult,
    issues: pd.DataFrame,
    thresholds: AuditThresholds,
    *,
    policy_source: str = "builtin",
) -> AuditReport:
    """Return every audit indicator of a reconcile run, checked against the thresholds.

    Args:
        result: the reconcile result; its ``context`` must be set (``run_rules`` sets it).
        issues: row issues from loading (``LoadedInputs.issues``: file, sheet, row, level …).
        thresholds: targets (``RunConfig.audit``).
        policy_source: the policy path, or ``builtin``, for the report.

    Returns:
        The report; ``passed`` is False when any thresholded indicator failed.
    """
    ctx = result.context
    if ctx is None:
        raise ValueError("ReconcileResult.context is required for an audit")
    entitled = entitled_enrolments(ctx)
    places = locate_findings(ctx, result.findings)
    irregular = irregular_payments(result.findings)
    dropouts = _dropouts(result.findings, places)
    quality = _quality_indicators(ctx, result.findings, issues, thresholds)
    indicators = [
        _coverage_indicator(ctx, entitled, thresholds),
        *_not_enrolled_indicators(ctx, result, dropouts, thresholds),
        _irregular_indicator(ctx, irregular, thresholds),
        *quality,
    ]
    by_rule = {
        code: int(irregular.loc[irregular["rule"] == code, "irregular_cents"].sum()) / 100
        for code in IRREGULAR_RULES
        if code in result.rules_run
    }
    units = unit_figures(ctx, result.findings, places, entitled, irregular, dropouts, thresholds)
    return AuditReport(
        as_of=result.as_of.isoformat(),
        terms=list(result.terms),
        policy={
            "name": ctx.policy.name,
            "source": policy_source,
            "fingerprint": ctx.policy.fingerprint(),
        },
        thresholds=thresholds,
        passed=all(i.passed is not False for i in indicators),
        indicators=indicators,
        irregular_by_rule=by_rule,
        units=units,
    )


def _check(value: float | None, threshold: float, direction: Direction) -> bool | None:
    if value is None:
        return None
    return value >= threshold if direction == "min" else value <= threshold


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _coverage_indicator(
    ctx: RuleContext, entitled: pd.DataFrame, thresholds: AuditThresholds
) -> Indicator:
    name = t("audit.ind.coverage")
    if not {"roster", "ledger"} <= ctx.present:
        return Indicator(
            key="coverage",
            name=name,
            value=None,
            unit="ratio",
            threshold=thresholds.coverage,
            direction="min",
            note=t("audit.note.needs_roster_ledger"),
        )
    paid, total = int(entitled[PAID].sum()), len(entitled)
    value = _ratio(paid, total)
    note = "" if total else t("audit.note.nobody_entitled")
    return Indicator(
        key="coverage",
        name=name,
        value=value,
        unit="ratio",
        threshold=thresholds.coverage,
        direction="min",
        passed=_check(value, thresholds.coverage, "min"),
        numerator=paid,
        denominator=total,
        note=note,
    )


def _dropouts(findings: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Return one row per suspected dropout: person_id and township."""
    hit = findings["rule"] == "NOT_ENROLLED"
    frame = pd.DataFrame(
        {C.PERSON_ID: findings.loc[hit, C.PERSON_ID], TOWNSHIP: places.loc[hit, TOWNSHIP]}
    )
    return frame.drop_duplicates(C.PERSON_ID).reset_index(drop=True)


def _not_enrolled_indicators(
    ctx: RuleContext, result: ReconcileResult, dropouts: pd.DataFrame, thresholds: AuditThresholds
) -> list[Indicator]:
    name, share_name = t("audit.ind.not_enrolled"), t("audit.ind.not_enrolled_share")
    limit = float(thresholds.max_not_enrolled)
    if "NOT_ENROLLED" not in result.rules_run:
        note = t("audit.note.rule_not_run", rule="NOT_ENROLLED")
        return [
            Indicator(
                key="not_enrolled",
                name=name,
                value=None,
                unit="persons",
                threshold=limit,
                direction="max",
                note=note,
            ),
            Indicator(
                key="not_enrolled_share", name=share_name, value=None, unit="ratio", note=note
            ),
        ]
    count = len(dropouts)
    school_age = compulsory_age_persons(ctx)
    return [
        Indicator(
            key="not_enrolled",
            name=name,
            value=float(count),
            unit="persons",
            threshold=limit,
            direction="max",
            passed=_check(count, limit, "max"),
        ),
        Indicator(
            key="not_enrolled_share",
            name=share_name,
            value=_ratio(count, school_age),
            unit="ratio",
            numerator=count,
            denominator=school_age,
            note=t("audit.note.not_enrolled_share"),
        ),
    ]


def compulsory_age_persons(ctx: RuleContext) -> int:
    """Return how many registry persons are of compulsory-education age at the as-of date."""
    persons = ctx.registry_persons
    if persons.empty:
        return 0
    low, high = ctx.policy.compulsory_age
    ages = ctx.ages(persons[C.ID_BIRTH_DATE])
    return int(((ages >= low) & (ages <= high)).fillna(False).sum())


def _irregular_indicator(
    ctx: RuleContext, irregular: pd.DataFrame, thresholds: AuditThresholds
) -> Indicator:
    name = t("audit.ind.irregular_money")
    if "ledger" not in ctx.present:
        return Indicator(
            key="irregular_money",
            name=name,
            value=None,
            unit="yuan",
            threshold=thresholds.max_irregular_money,
            direction="max",
            note=t("audit.note.needs_ledger"),
        )
    cents = int(irregular["irregular_cents"].sum())
    passed = cents <= round(thresholds.max_irregular_money * 100)
    return Indicator(
        key="irregular_money",
        name=name,
        value=cents / 100,
        unit="yuan",
        threshold=thresholds.max_irregular_money,
        direction="max",
        passed=passed,
        numerator=len(irregular),
        note=t("audit.note.irregular_money"),
    )


def irregular_payments(findings: pd.DataFrame) -> pd.DataFrame:
    """Return one row per payment row flagged as irregular money, counted once.

    DUPLICATE_AID, INELIGIBLE_AID and PAID_NOT_ENROLLED count the amount paid;
    AMOUNT_MISMATCH counts only the excess (a positive ``amount_cents``). A payment row
    flagged by several rules counts once, at the largest of its amounts (the excess is
    never more than the payment), attributed to that rule (ties: ``IRREGULAR_RULES`` order).

    Args:
        findings: a findings frame (``FINDING_COLUMNS``).

    Returns:
        Columns ``source, file, sheet, row, person_id, rule, irregular_cents`` (int).
    """
    keys = [C.SOURCE, C.FILE, C.SHEET, C.ROW]
    hit = findings[findings["rule"].isin(list(IRREGULAR_RULES))]
    cents = hit[C.AMOUNT_CENTS].astype("Int64").fillna(0)
    cents = cents.where(~hit["rule"].isin(list(EXCESS_ONLY_RULES)), cents.clip(lower=0)).abs()
    frame = hit[[*keys, C.PERSON_ID, "rule"]].assign(
        irregular_cents=cents.astype("int64"),
        _rank=hit["rule"].map({code: i for i, code in enumerate(IRREGULAR_RULES)}),
    )
    frame = frame[frame["irregular_cents"] > 0]
    frame = frame.sort_values(["irregular_cents", "_rank"], ascending=[False, True], kind="stable")
    frame = frame.drop_duplicates(keys, keep="first")
    return frame.drop(columns="_rank").reset_index(drop=True)


def _quality_indicators(
    ctx: RuleContext, findings: pd.DataFrame, issues: pd.DataFrame, thresholds: AuditThresholds
) -> list[Indicator]:
    keys = [C.FILE, C.SHEET, C.ROW]
    frames = [f for f in (ctx.registry, ctx.roster, ctx.ledger) if not f.empty]
    total = sum(len(f) for f in frames)
    rejected = _row_keys(issues[issues["level"] == "error"] if not issues.empty else issues)
    bad_ids = _row_keys(
        pd.concat([f.loc[f[C.ID_STATUS].isin(list(BAD_ID_STATUSES)), keys] for f in frames])
        if frames
        else None
    )
    lg = ctx.ledger
    unlinked = _row_keys(
        lg[lg[C.PERSON_ID].isna() | (lg[C.PROGRAM].isna() if C.PROGRAM in lg else True)]
        if not lg.empty
        else None
    )
    conflicts = _row_keys(findings[findings["rule"] == "IDENTITY_CONFLICT"])
    problem = pd.concat([rejected, bad_ids, unlinked, conflicts]).drop_duplicates(keys)
    clean_share = _ratio(total - len(problem), total)
    return [
        Indicator(
            key="data_quality",
            name=t("audit.ind.data_quality"),
            value=clean_share,
            unit="ratio",
            threshold=thresholds.data_quality,
            direction="min",
            passed=_check(clean_share, thresholds.data_quality, "min"),
            numerator=total - len(problem),
            denominator=total,
            note=t("audit.note.data_quality"),
        ),
        Indicator(
            key="rows_rejected",
            name=t("audit.ind.rows_rejected"),
            value=_ratio(len(rejected), total),
            unit="ratio",
            numerator=len(rejected),
            denominator=total,
        ),
        Indicator(
            key="bad_ids", name=t("audit.ind.bad_ids"), value=float(len(bad_ids)), unit="rows"
        ),
        Indicator(
            key="identity_conflicts",
            name=t("audit.ind.identity_conflicts"),
            value=float(len(conflicts)),
            unit="persons",
        ),
        Indicator(
            key="unlinked_payments",
            name=t("audit.ind.unlinked_payments"),
            value=float(len(unlinked)),
            unit="rows",
            denominator=len(lg),
        ),
    ]


def _row_keys(rows: pd.DataFrame | None) -> pd.DataFrame:
    """Return the distinct (file, sheet, row) of rows, as plain text and int columns."""
    if rows is None or rows.empty:
        return pd.DataFrame(
            {
                C.FILE: pd.Series(dtype=str),
                C.SHEET: pd.Series(dtype=str),
                C.ROW: pd.Series(dtype="int64"),
            }
        )
    out = pd.DataFrame(
        {
            C.FILE: rows[C.FILE].astype(str).to_numpy(),
            C.SHEET: rows[C.SHEET].fillna("").astype(str).to_numpy(),
            C.ROW: pd.to_numeric(rows[C.ROW], errors="coerce").fillna(0).astype("int64").to_numpy(),
        }
    )
    return out.drop_duplicates().reset_index(drop=True)


def school_townships(ctx: RuleContext) -> pd.Series:
    """Return school → township, derived as the module docstring states.

    Returns:
        A Series indexed by school name; schools with no known township are absent.
    """
    roster, ledger = ctx.roster, ctx.ledger
    parts = [
        _pairs(roster, 0),
        _pairs(ledger, 1),
    ]
    if not roster.empty and not ctx.registry_persons.empty:
        enrolled = roster.loc[roster[C.PERSON_ID].notna(), [C.PERSON_ID, C.SCHOOL]]
        via = enrolled.merge(ctx.registry_persons[[C.PERSON_ID, C.TOWNSHIP]], on=C.PERSON_ID)
        parts.append(_pairs(via, 2))
    pairs = (
        pd.concat([p for p in parts if not p.empty]) if any(not p.empty for p in parts) else None
    )
    if pairs is None:
        return pd.Series(dtype=object)
    counted = (
        pairs.groupby(["_school", "_prio", "_township"], sort=False)
        .size()
        .rename("_n")
        .reset_index()
    )
    counted = counted.sort_values(
        ["_school", "_prio", "_n", "_township"], ascending=[True, True, False, True], kind="stable"
    )
    best = counted.drop_duplicates("_school", keep="first")
    return pd.Series(best["_township"].to_numpy(), index=best["_school"].to_numpy(), dtype=object)


def _pairs(frame: pd.DataFrame, priority: int) -> pd.DataFrame:
    if frame.empty or C.SCHOOL not in frame or C.TOWNSHIP not in frame:
        return pd.DataFrame(columns=["_school", "_township", "_prio"])
    both = frame[frame[C.SCHOOL].notna() & frame[C.TOWNSHIP].notna()]
    return pd.DataFrame(
        {
            "_school": both[C.SCHOOL].astype(str).to_numpy(),
            "_township": both[C.TOWNSHIP].astype(str).to_numpy(),
            "_prio": priority,
        }
    )


def locate_findings(ctx: RuleContext, findings: pd.DataFrame) -> pd.DataFrame:
    """Return the school and township of each finding (aligned with ``findings``).

    The school is the located row's school column. The township is the located row's
    township column, else the school's derived township, else the person's registry
    township, else 未知 (``audit.unknown_township``).

    Args:
        ctx: the run's context (the three frames hold the located rows).
        findings: a findings frame.

    Returns:
        Columns ``school`` (``""`` when the row names none) and ``township``, same index.
    """
    keys = [C.SOURCE, C.FILE, C.SHEET, C.ROW]
    rows = pd.concat(
        [
            f[[*keys, C.SCHOOL, C.TOWNSHIP]]
            for f in (ctx.registry, ctx.roster, ctx.ledger)
            if not f.empty
        ]
    )
    if rows.empty:
        school = pd.Series("", index=findings.index, dtype=object)
        return pd.DataFrame(
            {SCHOOL: school, TOWNSHIP: t("audit.unknown_township")}, index=findings.index
        )
    rows = _plain_keys(rows).drop_duplicates(keys)
    located = _plain_keys(findings[keys + [C.PERSON_ID]].copy()).merge(rows, on=keys, how="left")
    school = located[C.SCHOOL].astype(object).where(located[C.SCHOOL].notna(), None)
    township = located[C.TOWNSHIP].astype(object).where(located[C.TOWNSHIP].notna(), None)
    township = township.fillna(school.map(school_townships(ctx)))
    registry = ctx.registry_persons
    if not registry.empty:
        by_person = pd.Series(
            registry[C.TOWNSHIP].to_numpy(), index=registry[C.PERSON_ID].to_numpy()
        ).dropna()
        township = township.fillna(located[C.PERSON_ID].map(by_person))
    township = township.fillna(t("audit.unknown_township"))
    return pd.DataFrame(
        {SCHOOL: school.fillna("").to_numpy(), TOWNSHIP: township.astype(str).to_numpy()},
        index=findings.index,
    )


def _plain_keys(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with location keys as plain str/int so merges across sources align."""
    return frame.assign(
        **{
            C.SOURCE: frame[C.SOURCE].astype(str).to_numpy(),
            C.FILE: frame[C.FILE].astype(str).to_numpy(),
            C.SHEET: frame[C.SHEET].fillna("").astype(str).to_numpy(),
            C.ROW: pd.to_numeric(frame[C.ROW], errors="coerce")
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        }
    )


def unit_figures(
    ctx: RuleContext,
    findings: pd.DataFrame,
    places: pd.DataFrame,
    entitled: pd.DataFrame,
    irregular: pd.DataFrame,
    dropouts: pd.DataFrame,
    thresholds: AuditThresholds,
) -> list[UnitFigures]:
    """Return the indicators per township, per school and per programme-term.

    Args:
        ctx: the run's context.
        findings: the findings frame.
        places: ``locate_findings(ctx, findings)``.
        entitled: ``entitled_enrolments(ctx)``.
        irregular: ``irregular_payments(findings)``.
        dropouts: one row per suspected dropout with ``person_id`` and ``township``.
        thresholds: targets each unit is checked against.
    """
    townships = school_townships(ctx)
    unknown = t("audit.unknown_township")
    ent = entitled.assign(
        **{SCHOOL: entitled[C.SCHOOL].astype(object).fillna("").to_numpy()},
    )
    ent[TOWNSHIP] = ent[SCHOOL].map(townships).fillna(unknown)
    located = findings[[C.SOURCE, C.FILE, C.SHEET, C.ROW, "rule", C.PROGRAM, C.TERM]].assign(
        **{SCHOOL: places[SCHOOL].to_numpy(), TOWNSHIP: places[TOWNSHIP].to_numpy()}
    )
    money = _plain_keys(irregular).merge(
        _plain_keys(
            located[[C.SOURCE, C.FILE, C.SHEET, C.ROW, SCHOOL, TOWNSHIP, C.PROGRAM, C.TERM]]
        ).drop_duplicates([C.SOURCE, C.FILE, C.SHEET, C.ROW]),
        on=[C.SOURCE, C.FILE, C.SHEET, C.ROW],
        how="left",
    )
    names = {p.code: p.name for p in ctx.policy.programs}
    dimensions: tuple[tuple[Dimension, list[str]], ...] = (
        ("township", [TOWNSHIP]),
        ("school", [SCHOOL, TOWNSHIP]),
        ("program_term", [C.PROGRAM, C.TERM]),
    )
    out: list[UnitFigures] = []
    for dimension, keys in dimensions:
        table = _unit_table(
            keys, ent, located, money, dropouts if dimension == "township" else None
        )
        # Findings with no school (a registry row) or no programme belong to no such unit.
        table = table[table[keys[0]] != ""]
        out.extend(_unit(dimension, rec, names, thresholds) for rec in table.to_dict("records"))
    return out


def _unit_table(
    keys: list[str],
    ent: pd.DataFrame,
    located: pd.DataFrame,
    money: pd.DataFrame,
    dropouts: pd.DataFrame | None,
) -> pd.DataFrame:
    """Return one row per unit with entitled, paid, findings, irregular cents and dropouts."""
    parts = [
        _grouped(ent, keys, entitled=(C.PERSON_ID, "size"), paid=(PAID, "sum")),
        _grouped(located, keys, findings=("rule", "size")),
        _grouped(money, keys, irregular_cents=("irregular_cents", "sum")),
    ]
    if dropouts is not None:
        parts.append(_grouped(dropouts, keys, not_enrolled=(C.PERSON_ID, "size")))
    table = parts[0]
    for part in parts[1:]:
        table = table.merge(part, on=keys, how="outer")
    for column in ("entitled", "paid", "findings", "irregular_cents", "not_enrolled"):
        if column in table:
            table[column] = table[column].fillna(0).astype("int64")
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def _grouped(frame: pd.DataFrame, keys: list[str], **aggs: tuple[str, str]) -> pd.DataFrame:
    """Group by the unit keys (missing keys as empty text) and aggregate."""
    if frame.empty or not set(keys) <= set(frame.columns):
        return pd.DataFrame(
            {
                **{k: pd.Series(dtype=object) for k in keys},
                **{a: pd.Series(dtype="int64") for a in aggs},
            }
        )
    plain = frame.assign(
        **{
            k: frame[k].astype(object).where(frame[k].notna(), "").astype(str).to_numpy()
            for k in keys
        }
    )
    return plain.groupby(keys, sort=True).agg(**aggs).reset_index()


def _count(rec: Mapping[str, object], key: str) -> int:
    value = rec.get(key)
    return int(value) if isinstance(value, int | float | np.integer) and value == value else 0


def _unit(
    dimension: Dimension,
    rec: Mapping[str, object],
    names: Mapping[str, str],
    thresholds: AuditThresholds,
) -> UnitFigures:
    entitled, paid, cents = (
        _count(rec, "entitled"),
        _count(rec, "paid"),
        _count(rec, "irregular_cents"),
    )
    dropouts = _count(rec, "not_enrolled") if "not_enrolled" in rec else None
    coverage = _ratio(paid, entitled)
    passed = (
        (coverage is None or coverage >= thresholds.coverage)
        and (dropouts is None or dropouts <= thresholds.max_not_enrolled)
        and cents <= round(thresholds.max_irregular_money * 100)
    )
    program = str(rec[C.PROGRAM]) if C.PROGRAM in rec and rec[C.PROGRAM] else None
    return UnitFigures(
        dimension=dimension,
        township=str(rec[TOWNSHIP]) if TOWNSHIP in rec else None,
        school=str(rec[SCHOOL]) if SCHOOL in rec else None,
        program=program,
        program_name=names.get(program) if program else None,
        term=str(rec[C.TERM]) if C.TERM in rec and rec[C.TERM] else None,
        entitled=entitled,
        paid=paid,
        coverage=coverage,
        not_enrolled=dropouts,
        irregular_yuan=cents / 100,
        findings=_count(rec, "findings"),
        passed=passed,
    )


def finding_fingerprints(findings: pd.DataFrame) -> pd.Series:
    """Return each finding's stable fingerprint (rule, person, programme, term; location when no person).

    Args:
        findings: a findings frame (``rule, person_id, program, term, source, file, sheet, row``).

    Returns:
        A Series of 16-hex-digit text aligned with ``findings``.
    """
    if findings.empty:
        return pd.Series(dtype=object, index=findings.index)
    where = (
        findings[C.SOURCE].astype(str)
        + ":"
        + findings[C.FILE].astype(str)
        + ":"
        + findings[C.SHEET].fillna("").astype(str)
        + ":"
        + findings[C.ROW].astype("Int64").astype(str)
    )
    values = [
        fingerprint(rule, _opt(pid), _opt(prog), _opt(term), loc)
        for rule, pid, prog, term, loc in zip(
            findings["rule"],
            findings[C.PERSON_ID],
            findings[C.PROGRAM],
            findings[C.TERM],
            where,
            strict=True,
        )
    ]
    return pd.Series(values, index=findings.index, dtype=object)


def _opt(value: object) -> str | None:
    return (
        None
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else str(value)
    )


def status_against_previous(
    findings: pd.DataFrame, previous_fingerprints: Iterable[str]
) -> pd.Series:
    """Return ``new`` (新增) or ``open`` (未整改) for each finding against the previous run.

    Args:
        findings: this run's findings frame.
        previous_fingerprints: fingerprints of the previous run of the same scope.

    Returns:
        A Series aligned with ``findings``.
    """
    previous = set(previous_fingerprints)
    prints = finding_fingerprints(findings)
    return prints.isin(previous).map({True: "open", False: "new"}).astype(object)


def report_json(report: AuditReport) -> str:
    """Return audit.json's text (UTF-8, Chinese readable, two-space indent)."""
    return json.dumps(json.loads(report.model_dump_json()), ensure_ascii=False, indent=2) + "\n"


RECTIFICATION_COLUMNS: Final = (
    TOWNSHIP,
    SCHOOL,
    "status",
    "rule",
    "severity",
    C.PERSON_ID,
    C.NAME,
    C.PROGRAM,
    "program_name",
    C.TERM,
    C.AMOUNT_CENTS,
    "message",
    C.SOURCE,
    C.FILE,
    C.SHEET,
    C.ROW,
    "fingerprint",
)
"""Columns of ``rectification_list``."""


def rectification_list(
    ctx: RuleContext, findings: pd.DataFrame, status: pd.Series | None = None
) -> pd.DataFrame:
    """Return the 整改清单: one row per finding with its township, school and status, grouped.

    Rows are grouped by township, then school (findings on no school's roster, such as a
    registry row, come last in their township), keeping the findings' stable order inside
    each school.

    Args:
        ctx: the run's context.
        findings: the findings frame, in its stable order.
        status: ``status_against_previous(...)`` aligned with ``findings``; None when there
            is no history (the column is then empty).

    Returns:
        A frame with ``RECTIFICATION_COLUMNS``.
    """
    places = locate_findings(ctx, findings)
    names = {p.code: p.name for p in ctx.policy.programs}
    frame = findings[
        [
            "rule",
            "severity",
            C.PERSON_ID,
            C.NAME,
            C.PROGRAM,
            C.TERM,
            C.AMOUNT_CENTS,
            "message",
            C.SOURCE,
            C.FILE,
            C.SHEET,
            C.ROW,
        ]
    ].assign(
        **{
            TOWNSHIP: places[TOWNSHIP].to_numpy(),
            SCHOOL: places[SCHOOL].to_numpy(),
            "status": status.reindex(findings.index).to_numpy() if status is not None else None,
            "program_name": findings[C.PROGRAM].map(names),
            "fingerprint": finding_fingerprints(findings).to_numpy()
            if not findings.empty
            else None,
            "_order": range(len(findings)),
            "_no_school": places[SCHOOL].to_numpy() == "",
        }
    )
    frame = frame.sort_values([TOWNSHIP, "_no_school", SCHOOL, "_order"], kind="stable")
    return frame[list(RECTIFICATION_COLUMNS)].reset_index(drop=True)
