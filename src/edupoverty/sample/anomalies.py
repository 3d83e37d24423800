"""Break the clean county on purpose and record, for each break, the findings it must produce.

Each injection picks targets whose break cannot spill into another rule (or records the
spill: a transposed ledger ID is INVALID_ID + PROBABLE_MATCH + the pupil's MISSED_AID),
so the answer key is exact by construction and independent of the rule code.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from edupoverty.core.normalise.ids import check_digit, is_valid_id, normalise_id
from edupoverty.sample.county import PROGRAM_BY_CODE, County, Payment, RosterRow
from edupoverty.sample.people import Namer, Person

SEVERITY = {
    "INVALID_ID": "medium",
    "ID_NUMBER_MANGLED": "medium",
    "IDENTITY_CONFLICT": "medium",
    "DUPLICATE_ENROLLMENT": "high",
    "NOT_ENROLLED": "high",
    "MISSED_AID": "high",
    "DUPLICATE_AID": "high",
    "INELIGIBLE_AID": "high",
    "AMOUNT_MISMATCH": "medium",
    "PAID_NOT_ENROLLED": "high",
    "PROBABLE_MATCH": "low",
}


@dataclass
class Expected:
    """One row of the answer key; ``where`` is resolved to file/sheet/row when written."""

    rule: str
    person: Person
    where: RosterRow | Payment | Person
    message: str
    program: str = ""
    term: str = ""
    amount: Decimal | None = None


class Injector:
    """Applies anomalies to a County, never touching the same person twice."""

    def __init__(self, county: County, rng: random.Random, namer: Namer, per_rule: int) -> None:
        self.c = county
        self.rng = rng
        self.namer = namer
        self.k = per_rule
        self.used: set[str] = set()
        self.expected: list[Expected] = []
        registry = {m.pid for hh in county.households if hh.category for m in hh.members}
        self.in_registry = registry

    def _pick(self, pool: list, key=lambda x: x.person.pid) -> list:  # type: ignore[no-untyped-def,type-arg]
        fresh = [x for x in pool if key(x) not in self.used]
        chosen = self.rng.sample(fresh, min(self.k, len(fresh)))
        self.used.update(key(x) for x in chosen)
        return chosen

    def _reindex(self) -> None:
        """Index rows and payments by person once, so each pick is a lookup, not a scan."""
        self._row_index: dict[str, list[RosterRow]] = defaultdict(list)
        self._pay_index: dict[str, list[Payment]] = defaultdict(list)
        for r in self.c.roster:
            self._row_index[r.person.pid].append(r)
        for p in self.c.payments:
            self._pay_index[p.person.pid].append(p)

    def _rows(self, person: Person) -> list[RosterRow]:
        return self._row_index.get(person.pid, [])

    def _pays(self, person: Person) -> list[Payment]:
        return self._pay_index.get(person.pid, [])

    def _add_row(self, row: RosterRow) -> None:
        self.c.roster.append(row)
        self._row_index[row.person.pid].append(row)

    def _add_pay(self, pay: Payment) -> None:
        self.c.payments.append(pay)
        self._pay_index[pay.person.pid].append(pay)

    def run(self) -> list[Expected]:
        """Inject every anomaly kind; return the answer key."""
        self._reindex()
        self.not_enrolled()
        self.missed_aid()
        self.duplicate_aid()
        self.ineligible_aid()
        self.amount_mismatch()
        self.paid_not_enrolled()
        self.invalid_ids()
        self.mangled_ids()
        self.identity_conflicts()
        self.duplicate_enrollments()
        self.probable_matches()
        self.transfers()
        return self.expected

    # --- registry + roster -------------------------------------------------------------
    def not_enrolled(self) -> None:
        """Registered children of 7–14 removed from every roster (and their payments)."""
        pool = [
            r
            for r in self.c.roster
            if r.term == "2024秋"
            and r.person.pid in self.in_registry
            and 7 <= r.person.age_on(dt.date(2024, 11, 1)) <= 14
        ]
        gone: set[str] = set()
        for row in self._pick(pool):
            person = row.person
            gone.add(person.pid)
            self.expected.append(
                Expected(
                    "NOT_ENROLLED",
                    person,
                    person,
                    f"注入：{person.name}在册适龄却不在任何学籍中",
                    term="2024秋",
                )
            )
        self.c.roster = [r for r in self.c.roster if r.person.pid not in gone]
        self.c.payments = [p for p in self.c.payments if p.person.pid not in gone]
        self._reindex()

    # --- money -------------------------------------------------------------------------
    def missed_aid(self) -> None:
        """An entitled payment left out of the ledger."""
        dropped: set[int] = set()
        for pay in self._pick(list(self.c.payments)):
            dropped.add(id(pay))
            row = next(r for r in self._rows(pay.person) if r.term == pay.term)
            self.expected.append(
                Expected(
                    "MISSED_AID",
                    pay.person,
                    row,
                    "注入：应助未助",
                    pay.program.code,
                    pay.term,
                    pay.amount,
                )
            )
        self.c.payments = [p for p in self.c.payments if id(p) not in dropped]
        self._reindex()

    def duplicate_aid(self) -> None:
        """The same programme paid again by another school; or the non-boarding allowance on top."""
        picks = self._pick(list(self.c.payments))
        half = len(picks) // 2
        for i, pay in enumerate(picks):
            if i < half or pay.program.code not in ("boarding_primary", "boarding_junior"):
                other = next(
                    (s for s in self.c.schools if pay.stage in s.stages and s is not pay.school),
                    pay.school,
                )
                dup = Payment(
                    pay.person, pay.program, pay.term, other, pay.stage, pay.grade, pay.amount
                )
                self._add_pay(dup)
                self.expected.append(
                    Expected(
                        "DUPLICATE_AID",
                        pay.person,
                        dup,
                        "注入：重复发放",
                        pay.program.code,
                        pay.term,
                        pay.amount,
                    )
                )
            else:
                prog = PROGRAM_BY_CODE[
                    "nonboarding_primary" if pay.stage == "小学" else "nonboarding_junior"
                ]
                extra = Payment(
                    pay.person,
                    prog,
                    pay.term,
                    pay.school,
                    pay.stage,
                    pay.grade,
                    prog.amounts[pay.term],
                )
                self._add_pay(extra)
                self.expected.append(
                    Expected(
                        "DUPLICATE_AID",
                        pay.person,
                        extra,
                        "注入：寄宿与非寄宿补助同时发放",
                        prog.code,
                        pay.term,
                        extra.amount,
                    )
                )
                self.expected.append(
                    Expected(
                        "INELIGIBLE_AID",
                        pay.person,
                        extra,
                        "注入：寄宿生领取非寄宿补助",
                        prog.code,
                        pay.term,
                        extra.amount,
                    )
                )

    def ineligible_aid(self) -> None:
        """A registry-only programme paid to an enrolled child outside the registry."""
        pool = [
            r
            for r in self.c.roster
            if r.term == "2024秋"
            and r.person.pid not in self.in_registry
            and r.stage in ("小学", "初中")
            and r.boarding
        ]
        for row in self._pick(pool):
            prog = PROGRAM_BY_CODE["boarding_primary" if row.stage == "小学" else "boarding_junior"]
            pay = Payment(
                row.person, prog, "2024秋", row.school, row.stage, row.grade, prog.amounts["2024秋"]
            )
            self._add_pay(pay)
            self.expected.append(
                Expected(
                    "INELIGIBLE_AID",
                    row.person,
                    pay,
                    "注入：不在困难名单却领取补助",
                    prog.code,
                    "2024秋",
                    pay.amount,
                )
            )

    def amount_mismatch(self) -> None:
        """A payment of the wrong amount (some written as text, e.g. 450元)."""
        for pay in self._pick(list(self.c.payments)):
            wrong = (
                pay.amount - Decimal(50) if self.rng.random() < 0.6 else pay.amount + Decimal(100)
            )
            if pay.program.code == "hs_grant" and wrong in (Decimal(500), Decimal(1500)):
                wrong += Decimal(10)
            pay.amount = wrong
            pay.amount_text = f"{wrong}元" if self.rng.random() < 0.3 else None
            self.expected.append(
                Expected(
                    "AMOUNT_MISMATCH",
                    pay.person,
                    pay,
                    "注入：金额与标准不符",
                    pay.program.code,
                    pay.term,
                    wrong - pay.program.amounts[pay.term],
                )
            )

    def paid_not_enrolled(self) -> None:
        """Transferred out in 2025春 with no new school, yet paid for 2025春."""
        pool = [p for p in self.c.payments if p.term == "2025春"]
        for pay in self._pick(pool):
            row = next(r for r in self._rows(pay.person) if r.term == "2025春")
            row.status = "转出"
            self.expected.append(
                Expected(
                    "PAID_NOT_ENROLLED",
                    pay.person,
                    pay,
                    "注入：转出后仍发放",
                    pay.program.code,
                    "2025春",
                    pay.amount,
                )
            )

    def transfers(self) -> None:
        """Look-alike: 转出 at school A and 在读 at school B in 2025春, paid once, by B. No finding."""
        pool = [
            r
            for r in self.c.roster
            if r.term == "2025春"
            and r.stage in ("小学", "初中")
            and any(p.term == "2025春" for p in self._pays(r.person))
        ]
        for row in self._pick(pool):
            others = [
                s
                for s in self.c.schools
                if row.stage in s.stages and s is not row.school and s.fmt == "xlsx"
            ]
            if not others:
                continue
            moved = RosterRow(row.person, others[0], "2025春", row.stage, row.grade, row.boarding)
            row.status = "转出"
            self._add_row(moved)
            for pay in self._pays(row.person):
                if pay.term == "2025春":
                    pay.school = moved.school

    # --- identity ----------------------------------------------------------------------
    def _quiet_pool(self) -> list[RosterRow]:
        """2024秋 rows of children outside the registry: breaking their ID spills nowhere."""
        return [
            r
            for r in self.c.roster
            if r.term == "2024秋" and r.person.pid not in self.in_registry and r.stage != "学前"
        ]

    def invalid_ids(self) -> None:
        """A wrong check digit, or an impossible birth date with a recomputed check digit."""
        for i, row in enumerate(self._pick(self._quiet_pool())):
            pid = row.person.pid
            if i % 3 == 2:
                body = pid[:10] + "0230" + pid[14:17]
                candidates = [body + check_digit(body)]
            else:
                candidates = [pid[:17] + d for d in "0123456789X" if d != pid[17]]
            # An 18-digit value close to a 15-significant-digit float reads as Excel-mangled,
            # which is a different finding: only inject values that are plainly invalid.
            plain = [c for c in candidates if _is_plainly_invalid(c)]
            if not plain:
                continue
            row.id_text = plain[0]
            self.expected.append(
                Expected("INVALID_ID", row.person, row, "注入：证件号码无效", term=row.term)
            )

    def mangled_ids(self) -> None:
        """An ID Excel stored as a number: 15 significant digits survive."""
        for row in self._pick(self._quiet_pool()):
            if row.person.pid.endswith("X"):
                self.used.discard(row.person.pid)
                continue
            value = float(f"{float(row.person.pid):.15g}")
            if is_valid_id(str(int(value))):
                continue
            row.id_text = value if row.school.fmt != "csv" else f"{value:.5E}"
            self.expected.append(
                Expected(
                    "ID_NUMBER_MANGLED", row.person, row, "注入：身份证号被存成数字", term=row.term
                )
            )

    def identity_conflicts(self) -> None:
        """One ID carrying two genuinely different names (2025春 row renamed)."""
        for row in self._pick(self._quiet_pool()):
            spring = next(r for r in self._rows(row.person) if r.term == "2025春")
            spring.name = self.namer.name(row.person.birth + dt.timedelta(days=4000))
            self.expected.append(
                Expected("IDENTITY_CONFLICT", row.person, spring, "注入：同一证件号码两个不同姓名")
            )

    def duplicate_enrollments(self) -> None:
        """Active at a second school in 2024秋 (空挂学籍)."""
        pool = [r for r in self._quiet_pool() if r.stage == "小学"]
        for row in self._pick(pool):
            other = next(
                s
                for s in self.c.schools
                if "小学" in s.stages and s is not row.school and s.fmt == "xlsx"
            )
            extra = RosterRow(row.person, other, "2024秋", row.stage, row.grade, row.boarding)
            self._add_row(extra)
            first, second = sorted([row, extra], key=lambda r: r.school.name)
            self.expected.append(
                Expected(
                    "DUPLICATE_ENROLLMENT",
                    row.person,
                    second,
                    "注入：同一学期两校在读",
                    term="2024秋",
                )
            )

    def probable_matches(self) -> None:
        """A ledger ID with two adjacent sequence digits swapped (check fails): the payment links nobody."""
        pool = [p for p in self.c.payments if p.person.pid[14] != p.person.pid[15]]
        for pay in self._pick(pool):
            pid = pay.person.pid
            swapped = pid[:14] + pid[15] + pid[14] + pid[16:]
            if not _is_plainly_invalid(swapped):
                continue
            pay.id_text = swapped
            row = next(r for r in self._rows(pay.person) if r.term == pay.term)
            self.expected.append(
                Expected("INVALID_ID", pay.person, pay, "注入：台账证件号码两位颠倒", term=pay.term)
            )
            self.expected.append(
                Expected(
                    "PROBABLE_MATCH",
                    pay.person,
                    pay,
                    "注入：与学籍中同名同生日者疑似同一人",
                    pay.program.code,
                    pay.term,
                )
            )
            self.expected.append(
                Expected(
                    "MISSED_AID",
                    pay.person,
                    row,
                    "注入：号码错误导致该笔发放无法关联",
                    pay.program.code,
                    pay.term,
                    pay.amount,
                )
            )


def _is_plainly_invalid(value: str) -> bool:
    """True when the reader will call this ID invalid (not valid, not mangled)."""
    return bool(normalise_id(value).id_status == "invalid")
