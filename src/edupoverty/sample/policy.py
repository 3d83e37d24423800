"""The sample's aid policy: programmes, their ledger spellings, and the policy.toml text.

The amounts are the national base standards (SPEC, DOMAIN §0.1): yearly figures paid per
term. The 普通高中 and 中职 国家助学金 rise from 2000 to 2300 a year from ``2025春``, so
their 2025春 standard differs. Every spelling a ledger uses for a programme is one of its
aliases, because a ledger row whose 资助项目 matches no programme takes part in no rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from edupoverty.sample.model import Program

TERMS: Final = ("2024秋", "2025春")
AS_OF_TEXT: Final = "2024-11-01"
SIX: Final = ("脱贫户", "监测对象", "低保", "特困供养", "孤儿", "残疾")
# The non-boarding allowance covers four groups only (DOMAIN §2: 建档立卡/脱贫, 低保,
# 特困, 残疾; 监测对象 are treated like 脱贫户 since 2021); orphans board or are in 特困.
FIVE: Final = ("脱贫户", "监测对象", "低保", "特困供养", "残疾")
LIVING: Final = "living_allowance_compulsory"


def _flat(amount: str) -> dict[str, tuple[Decimal, ...]]:
    return {term: (Decimal(amount),) for term in TERMS}


PROGRAMS: Final = (
    Program(
        "preschool_aid",
        "学前教育家庭经济困难幼儿资助",
        ("学前教育资助", "家庭经济困难幼儿资助", "学前教育资助-家庭经济困难幼儿资助"),
        ("学前",),
        SIX,
        None,
        True,
        None,
        _flat("500"),
    ),
    Program(
        "boarding_primary",
        "义务教育家庭经济困难寄宿生生活补助(小学)",
        ("寄宿生生活补助(小学)", "小学寄宿生生活补助", "义务教育资助-小学寄宿生生活补助"),
        ("小学",),
        SIX,
        True,
        True,
        LIVING,
        _flat("500"),
    ),
    Program(
        "boarding_junior",
        "义务教育家庭经济困难寄宿生生活补助(初中)",
        ("寄宿生生活补助(初中)", "初中寄宿生生活补助", "义务教育资助-初中寄宿生生活补助"),
        ("初中",),
        SIX,
        True,
        True,
        LIVING,
        _flat("625"),
    ),
    Program(
        "nonboarding_primary",
        "义务教育家庭经济困难非寄宿生生活补助(小学)",
        ("非寄宿生生活补助(小学)", "小学非寄宿生生活补助", "义务教育资助-小学非寄宿生生活补助"),
        ("小学",),
        FIVE,
        False,
        True,
        LIVING,
        _flat("250"),
    ),
    Program(
        "nonboarding_junior",
        "义务教育家庭经济困难非寄宿生生活补助(初中)",
        ("非寄宿生生活补助(初中)", "初中非寄宿生生活补助", "义务教育资助-初中非寄宿生生活补助"),
        ("初中",),
        FIVE,
        False,
        True,
        LIVING,
        _flat("312.5"),
    ),
    Program(
        "hs_grant",
        "普通高中国家助学金",
        ("普高国家助学金", "高中国家助学金", "普通高中教育资助-国家助学金"),
        ("高中",),
        SIX,
        None,
        True,
        None,
        {
            "2024秋": (Decimal(500), Decimal(1000), Decimal(1500)),
            "2025春": (Decimal(600), Decimal(1150), Decimal(1700)),
        },
    ),
    Program(
        "vocational_grant",
        "中等职业学校国家助学金",
        ("中职国家助学金", "中职教育资助-国家助学金", "中等职业教育国家助学金"),
        ("中职",),
        (),
        None,
        False,
        None,
        {"2024秋": (Decimal(1000),), "2025春": (Decimal(1150),)},
    ),
)
PROGRAM_BY_CODE: Final = {p.code: p for p in PROGRAMS}


def entitled_program(stage: str, boarding: bool, category: str) -> Program | None:
    """Return the entitled programme a pupil of this stage, boarding and category must get."""
    for p in PROGRAMS:
        if not p.entitled or stage not in p.stages or category not in p.categories:
            continue
        if p.boarding is None or p.boarding == boarding:
            return p
    return None


def _amounts(key: str, values: tuple[Decimal, ...]) -> str:
    if len(values) == 1:
        return f"{key} = {_num(values[0])}"
    ordered = ", ".join(_num(v) for v in values)
    return f"allowed = [{ordered}]"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _strings(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def policy_toml() -> str:
    """Return the sample's policy.toml, in the SPEC's shape."""
    lines = [
        "# 示例县资助政策（edupov sample 生成）：国家基础标准，每人每学期金额。",
        "# The sample county's policy: national base standards, per person per term.",
        "[policy]",
        'name = "示例县资助政策"',
        "compulsory_age = [6, 15]",
    ]
    for p in PROGRAMS:
        lines += [
            "",
            "[[program]]",
            f'code = "{p.code}"',
            f'name = "{p.name}"',
            f"aliases = {_strings(p.aliases)}",
            f"stages = {_strings(p.stages)}",
            f"categories = {_strings(p.categories)}",
        ]
        if p.boarding is not None:
            lines.append(f"boarding = {'true' if p.boarding else 'false'}")
        lines.append(f"entitled = {'true' if p.entitled else 'false'}")
        if p.group:
            lines.append(f'exclusive_group = "{p.group}"')
        first, later = p.standards[TERMS[0]], p.standards[TERMS[1]]
        lines.append(_amounts("per_term", first))
        if later != first:
            lines += ["", "[[program.standard]]", f'from_term = "{TERMS[1]}"']
            lines.append(_amounts("per_term", later))
    return "\n".join(lines) + "\n"


def config_toml() -> str:
    """Return the ready-made edupov.toml naming the sample's inputs, policy and as-of date."""
    return (
        "# edupov reconcile --config edupov.toml --out OUT\n"
        "[inputs]\n"
        'registry = ["registry/*"]\n'
        'roster = ["roster/*"]\n'
        'ledger = ["ledger/*"]\n'
        "\n[run]\n"
        'policy = "policy.toml"\n'
        f'as_of = "{AS_OF_TEXT}"\n'
        f'terms = ["{TERMS[0]}", "{TERMS[1]}"]\n'
    )
