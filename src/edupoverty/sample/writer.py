"""Write the sample county as clerks receive it, and its answer key, policy and config.

Layout (scripts depend on it): ``DIR/registry/``, ``DIR/roster/``, ``DIR/ledger/``,
``DIR/policy.toml``, ``DIR/expected_findings.csv``, ``DIR/edupov.toml``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import opencc
import xlsxwriter
import xlwt

from edupoverty.core.findings import CONTRACT_COLUMNS
from edupoverty.io.writers.atomic import atomic_write
from edupoverty.sample.anomalies import SEVERITY, Expected, Injector
from edupoverty.sample.county import (
    GRADE_SPELLINGS,
    PAY_DATES,
    PROGRAMS,
    TERM_TITLES,
    TERMS,
    County,
    Payment,
    RosterRow,
    build_county,
)
from edupoverty.sample.people import COUNTY_NAME, TOWNSHIPS, Namer, Person, make_households

AS_OF = dt.date(2024, 11, 1)
Cell = Any
Rows = list[list[Cell]]
SUBFOLDERS = ("registry", "roster", "ledger")
OWN_FILES = ("policy.toml", "expected_findings.csv", "edupov.toml")


@dataclass
class SampleManifest:
    """What was written: files per kind and the answer key's rows per rule."""

    out_dir: Path
    files: dict[str, list[Path]]
    anomalies: dict[str, int]


def _save_xlsx(
    path: Path,
    sheets: dict[str, Rows],
    merges: dict[str, list[tuple[int, int, int, int, str]]] | None = None,
) -> None:
    with atomic_write(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False}
        )
        # A fixed creation date keeps the files byte-identical for a seed.
        wb.set_properties({"created": dt.datetime(2024, 11, 1, 8, 0, 0)})
        bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
                        ws.write_number(r, c, float(value))
                    else:
                        ws.write_string(r, c, str(value))
            for r1, c1, r2, c2, text in (merges or {}).get(name, []):
                ws.merge_range(r1, c1, r2, c2, text, bold)
            ws.set_column(0, 12, 14)
        wb.close()


def _save_xls(path: Path, sheets: dict[str, Rows]) -> None:
    with atomic_write(path) as tmp:
        wb = xlwt.Workbook(encoding="utf-8")
        for name, rows in sheets.items():
            ws = wb.add_sheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        ws.write(r, c, float(value) if isinstance(value, Decimal) else value)
        wb.save(str(tmp))


def _save_csv(path: Path, rows: Rows, encoding: str) -> None:
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([("" if v is None else str(v)) for v in row] + [""] * (width - len(row)))
    with atomic_write(path) as tmp:
        tmp.write_bytes(buf.getvalue().encode(encoding))


def _locate(items: Sequence[RosterRow | Payment], file: str, sheet: str, first_row: int) -> None:
    for i, item in enumerate(items):
        item.loc = (file, sheet, first_row + i)


class Writer:
    """Lays the county out in files, in the messy shapes real exports have."""

    def __init__(self, county: County, out: Path, fmt: str, rng: random.Random) -> None:
        self.c, self.out, self.fmt, self.rng = county, out, fmt, rng
        self.files: dict[str, list[Path]] = defaultdict(list)
        self.registry_loc: dict[str, tuple[str, str, int]] = {}
        self.t2s = opencc.OpenCC("s2t.json")

    def write_all(self) -> None:
        """Write registry, rosters and ledgers."""
        self.registry()
        self.rosters()
        self.ledgers()

    def _id_cell(self, person: Person, written: object) -> Cell:
        if written is not None:
            return written
        if person.legacy15:
            return person.id15
        pid = person.pid
        roll = self.rng.random()
        if roll < 0.02:
            return pid.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        if roll < 0.04:
            return "'" + pid
        if roll < 0.06:
            return f" {pid[:6]} {pid[6:14]} {pid[14:]} "
        if roll < 0.10 and pid.endswith("X"):
            return pid.lower()
        return pid

    def s2t_round_trips(self, name: str) -> bool:
        """True when the traditional form folds back to the same name (a fair look-alike)."""
        from edupoverty.core.normalise.names import name_key

        return name_key(self.t2s.convert(name)) == name_key(name)

    def registry(self) -> None:
        """One workbook, a sheet per township: title row, two-row merged header, 合计 row."""
        header_top = [
            "乡(镇)",
            "行政村",
            "户编号",
            "家庭成员信息",
            None,
            None,
            None,
            "风险是否消除",
            "在校生状况",
        ]
        header_sub = [None, None, None, "姓名", "证件号码", "与户主关系", "人口类型", None, None]
        sheets: dict[str, Rows] = {}
        merges: dict[str, list[tuple[int, int, int, int, str]]] = {}
        for town in TOWNSHIPS:
            rows: Rows = [
                [f"{COUNTY_NAME}防返贫监测对象及脱贫人口信息表（{town}）"],
                header_top,
                header_sub,
            ]
            for hh in (h for h in self.c.households if h.category and h.township == town):
                for m in hh.members:
                    stage = (
                        self.c.stage_of.get(m.pid, (None, 0, False))[0]
                        if m.relation in ("之子", "之女")
                        else None
                    )
                    cleared = (
                        ("是" if hh.risk_cleared else "否") if hh.category == "监测对象" else None
                    )
                    rows.append(
                        [
                            town,
                            hh.village,
                            hh.number,
                            m.name,
                            self._id_cell(m, None),
                            m.relation,
                            hh.category,
                            cleared,
                            stage,
                        ]
                    )
                    self.registry_loc[m.pid] = ("", town, len(rows))
            rows.append(["合计", None, None, f"{len(rows) - 3}人"])
            rows.append(["填表人：", None, None, "审核人：", None, None, "填报日期：2024年10月"])
            sheets[town] = rows
            merges[town] = (
                [(0, 0, 0, 8, rows[0][0])]
                + [(1, c, 2, c, header_top[c]) for c in (0, 1, 2, 7, 8)]
                + [(1, 3, 1, 6, "家庭成员信息")]
            )
        name = f"{COUNTY_NAME}防返贫监测对象及脱贫人口名单"
        if self.fmt == "csv":
            for town, rows in sheets.items():
                path = self.out / "registry" / f"{name}_{town}.csv"
                _save_csv(path, rows, "utf-8-sig")
                self.files["registry"].append(path)
                for pid, (_f, t, r) in list(self.registry_loc.items()):
                    if t == town:
                        self.registry_loc[pid] = (path.name, "", r)
            return
        path = self.out / "registry" / f"{name}.xlsx"
        _save_xlsx(path, sheets, merges)
        self.files["registry"].append(path)
        self.registry_loc = {
            pid: (path.name, t, r) for pid, (_f, t, r) in self.registry_loc.items()
        }

    def rosters(self) -> None:
        """One file per school: most .xlsx, some .xls, a GBK .csv; a sheet per term or a 学期 column."""
        header = [
            "学校名称",
            "姓名",
            "性别",
            "出生日期",
            "身份证件号",
            "全国学籍号",
            "年级",
            "班级",
            "学籍状态",
            "就读方式",
        ]
        by_school: dict[str, list[RosterRow]] = defaultdict(list)
        for row in self.c.roster:
            by_school[row.school.name].append(row)
        for school in self.c.schools:
            rows = sorted(
                by_school.get(school.name, []),
                key=lambda r: (TERMS.index(r.term), r.grade, r.person.pid),
            )
            if not rows:
                continue
            fmt = "csv" if self.fmt == "csv" else school.fmt
            one_sheet = school.term_column or fmt == "csv"
            sheets: dict[str, tuple[Rows, list[RosterRow]]] = {}
            for term in TERMS:
                items = [r for r in rows if r.term == term]
                key = "学籍" if one_sheet else f"{TERM_TITLES[term][:5]}{TERM_TITLES[term][5:]}"
                body = [self._roster_cells(r, school, one_sheet) for r in items]
                if key in sheets:
                    sheets[key][0].extend(body)
                    sheets[key][1].extend(items)
                else:
                    sheets[key] = ([header + (["学期"] if one_sheet else []), *body], list(items))
            stem = f"{school.name}学籍"
            if fmt == "csv":
                path = self.out / "roster" / f"{stem}.csv"
                enc = "gbk" if school.fmt == "csv" else "utf-8-sig"
                all_rows, items = sheets["学籍"]
                _save_csv(path, all_rows, enc)
                _locate(items, path.name, "", 2)
            else:
                path = self.out / "roster" / f"{stem}.{fmt}"
                (_save_xls if fmt == "xls" else _save_xlsx)(
                    path, {k: v[0] for k, v in sheets.items()}
                )
                for sheet, (_rows, items) in sheets.items():
                    _locate(items, path.name, sheet, 2)
            self.files["roster"].append(path)

    def _roster_cells(self, r: RosterRow, school: Any, with_term: bool) -> list[Cell]:
        p = r.person
        spellings = GRADE_SPELLINGS[r.stage]
        grade = spellings[school.junior_spelling % len(spellings)][r.grade - 1]
        cells: list[Cell] = [
            school.name,
            r.written_name,
            "男" if p.male else "女",
            p.birth.isoformat(),
            self._id_cell(p, r.id_text),
            "G" + p.pid,
            grade,
            f"{grade}({1 + self.rng.randrange(3)})班",
            r.status,
            "住校" if r.boarding else "走读",
        ]
        return cells + [r.term] if with_term else cells

    def ledgers(self) -> None:
        """One 发放花名册 per programme and term: title row, 序号, 合计 row, signatures."""
        header = [
            "序号",
            "乡镇",
            "学校",
            "年级",
            "姓名",
            "身份证号",
            "资助项目",
            "金额",
            "发放日期",
            "银行卡号",
            "备注",
        ]
        groups: dict[tuple[str, str], list[Payment]] = defaultdict(list)
        for pay in self.c.payments:
            groups[(pay.term, pay.program.code)].append(pay)
        guardians = {
            m.household: m
            for hh in self.c.households
            if hh.category
            for m in hh.members
            if m.relation == "户主"
        }
        for (term, code), pays in sorted(groups.items()):
            program = next(p for p in PROGRAMS if p.code == code)
            pays.sort(key=lambda p: (p.school.name, p.person.pid))
            title = f"{COUNTY_NAME}{TERM_TITLES[term]}{program.name}发放花名册"
            rows: Rows = [[title], header]
            total = Decimal(0)
            for i, pay in enumerate(pays, start=1):
                spellings = GRADE_SPELLINGS[pay.stage]
                grade = spellings[0][pay.grade - 1]
                person_id = self._id_cell(pay.person, pay.id_text)
                name = pay.name or pay.person.name
                remark = None
                head = guardians.get(pay.person.household)
                if pay.id_text is None and head is not None and self.rng.random() < 0.05:
                    person_id, remark = (
                        head.pid,
                        "监护人代领",
                    )  # look-alike: paid to the guardian's card
                elif self.rng.random() < 0.03 and self.s2t_round_trips(name):
                    name = self.t2s.convert(name)  # look-alike: traditional characters
                amount: Cell = pay.amount_text or (
                    float(pay.amount) if self.fmt != "csv" else str(pay.amount)
                )
                if pay.amount_text is None and self.rng.random() < 0.05:
                    amount = f"{pay.amount}元"
                card = f"6217{self.rng.randrange(10**4):04d}********{self.rng.randrange(10**4):04d}"
                rows.append(
                    [
                        i,
                        pay.school.township,
                        pay.school.name,
                        grade,
                        name,
                        person_id,
                        program.ledger_name,
                        amount,
                        PAY_DATES[term],
                        card,
                        remark,
                    ]
                )
                total += pay.amount
            rows.append(["合计", None, None, None, None, None, None, float(total)])
            rows.append([None])
            rows.append(["填表人：", None, None, "审核人：", None, None, "单位负责人："])
            stem = f"{term}_{program.ledger_name}发放花名册"
            if self.fmt == "csv":
                path = self.out / "ledger" / f"{stem}.csv"
                _save_csv(path, rows, "utf-8-sig")
                _locate(pays, path.name, "", 3)
            else:
                path = self.out / "ledger" / f"{stem}.xlsx"
                _save_xlsx(path, {"花名册": rows})
                _locate(pays, path.name, "花名册", 3)
            self.files["ledger"].append(path)

    def expected_rows(self, expected: list[Expected]) -> list[dict[str, str]]:
        """Resolve each expected finding's location and render it as a findings.csv row."""
        out = []
        for e in expected:
            if isinstance(e.where, Person):
                file, sheet, row = self.registry_loc[e.where.pid]
                source = "registry"
            else:
                assert e.where.loc is not None
                file, sheet, row = e.where.loc
                source = "roster" if isinstance(e.where, RosterRow) else "ledger"
            amount = "" if e.amount is None else format(e.amount.normalize(), "f")
            out.append(
                {
                    "rule": e.rule,
                    "severity": SEVERITY[e.rule],
                    "person_id": e.person.pid,
                    "name": e.person.name,
                    "source": source,
                    "file": file,
                    "sheet": sheet,
                    "row": str(row),
                    "program": e.program,
                    "term": e.term,
                    "amount": amount,
                    "message": e.message,
                    "related": "",
                }
            )
        rank = {"high": 0, "medium": 1, "low": 2}
        order = list(SEVERITY)
        out.sort(
            key=lambda r: (
                rank[r["severity"]],
                order.index(r["rule"]),
                r["file"],
                r["sheet"],
                int(r["row"]),
            )
        )
        return out


POLICY_TOML = """# The sample county's policy: the national base standards (see edupov policy show).
[policy]
name = "示例县资助政策"
compulsory_age = [6, 15]
{programs}"""


def policy_text() -> str:
    """The sample's policy.toml, consistent with how the sample pays."""
    blocks = []
    for p in PROGRAMS:
        boarding = "" if p.boarding is None else f"boarding = {'true' if p.boarding else 'false'}\n"
        cats = ", ".join(f'"{c}"' for c in p.categories)
        group = (
            'exclusive_group = "living_allowance_compulsory"\n'
            if p.stage in ("小学", "初中")
            else ""
        )
        if p.code == "hs_grant":
            amounts = 'allowed = [500, 1000, 1500]\n\n[[program.standard]]\nfrom_term = "2025春"\nallowed = [600, 1150, 1700]\n'
        else:
            first, spring = p.amounts["2024秋"], p.amounts["2025春"]
            amounts = f"per_term = {first}\n" + (
                f'\n[[program.standard]]\nfrom_term = "2025春"\nper_term = {spring}\n'
                if spring != first
                else ""
            )
        blocks.append(
            f'\n[[program]]\ncode = "{p.code}"\nname = "{p.name}"\naliases = ["{p.ledger_name}"]\nstages = ["{p.stage}"]\n'
            f"categories = [{cats}]\n{boarding}entitled = true\n{group}{amounts}"
        )
    return POLICY_TOML.format(programs="".join(blocks))


CONFIG_TOML = """# Ready-made config: edupov reconcile --config edupov.toml --out OUT
[inputs]
registry = ["registry/*"]
roster = ["roster/*"]
ledger = ["ledger/*"]

[run]
policy = "policy.toml"
as_of = "2024-11-01"
terms = ["2024秋", "2025春"]
"""


def generate_sample(
    out_dir: Path,
    students: int = 3000,
    seed: int = 1,
    fmt: Literal["xlsx", "csv"] = "xlsx",
    *,
    force: bool = False,
) -> SampleManifest:
    """Write a sample county of about ``students`` pupils with its answer key; deterministic per seed.

    Raises:
        FileExistsError: ``out_dir`` holds other files and ``force`` is not set.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not force:
            raise FileExistsError(str(out_dir))
        for sub in SUBFOLDERS:
            shutil.rmtree(out_dir / sub, ignore_errors=True)
    for sub in SUBFOLDERS:
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    namer = Namer(rng)
    county = build_county(make_households(rng, namer, students, AS_OF), rng)
    per_rule = max(10, round(students * 0.005))
    expected = Injector(county, rng, namer, per_rule).run()
    writer = Writer(county, out_dir, fmt, rng)
    writer.write_all()
    rows = writer.expected_rows(expected)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CONTRACT_COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    with atomic_write(out_dir / "expected_findings.csv") as tmp:
        tmp.write_bytes(buf.getvalue().encode("utf-8-sig"))
    with atomic_write(out_dir / "policy.toml") as tmp:
        tmp.write_text(policy_text(), encoding="utf-8")
    with atomic_write(out_dir / "edupov.toml") as tmp:
        tmp.write_text(CONFIG_TOML, encoding="utf-8")
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r["rule"]] += 1
    return SampleManifest(out_dir, dict(writer.files), dict(counts))
