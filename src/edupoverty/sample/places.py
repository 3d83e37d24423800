"""Where the sample county is: a real county code, its townships, villages and schools.

The county is 贵州省黔东南州雷山县 (GB/T 2260 code 522634, in python-stdnum's
``cn/loc.dat``), a former national poverty county, so every child's ID carries a real
region code. Parents born elsewhere carry the real codes of neighbouring places.
"""

from __future__ import annotations

import random
from typing import Final

from edupoverty.sample.model import School

COUNTY_CODE: Final = "522634"
COUNTY_NAME: Final = "雷山县"
OUTSIDE_CODES: Final = (
    "522601",  # 凯里市
    "522635",  # 麻江县
    "522630",  # 台江县
    "522632",  # 榕江县
    "520103",  # 贵阳市云岩区
    "450102",  # 南宁市兴宁区
    "440106",  # 广州市天河区
    "650102",  # 乌鲁木齐市天山区 (the Uyghur households' parents)
)
TOWNSHIPS: Final = (
    "丹江镇",
    "西江镇",
    "永乐镇",
    "郎德镇",
    "大塘镇",
    "望丰乡",
    "达地水族乡",
    "方祥乡",
    "桃江乡",
    "开屯乡",
)
TOWNSHIP_WEIGHTS: Final = (20, 14, 10, 9, 9, 8, 7, 8, 8, 7)
"""Population shares: the county seat 丹江镇 is the largest."""
VILLAGE_STEMS: Final = (
    "白岩",
    "乌东",
    "格头",
    "南猛",
    "猫鼻岭",
    "羊排",
    "开觉",
    "龙塘",
    "排肖",
    "干皎",
    "掌坳",
    "乔歪",
)


def villages_of(township_index: int) -> tuple[str, ...]:
    """Return the 行政村 names of a township (four per township, stable across seeds)."""
    stems = VILLAGE_STEMS[township_index % 6 :] + VILLAGE_STEMS[: township_index % 6]
    return tuple(f"{stem}村" for stem in stems[:4])


def make_schools(rng: random.Random) -> list[School]:
    """Return schools of every stage, in the roster formats real counties receive.

    Each township has a 中心幼儿园, a 中心小学, a village 完小 and a 教学点, and either an
    初级中学 or a 九年一贯制学校 that lists 小学 and 初中 pupils on one roster; the county
    seat adds two 高中 and a 中职. Most rosters are .xlsx; two are .xls (older school
    software) and one is a GBK-encoded .csv. Half use one sheet per term, half a 学期
    column; junior grades are 七年级 at some schools and 初一 at others.
    """
    schools: list[School] = []
    for i, town in enumerate(TOWNSHIPS):
        short = town.removesuffix("水族乡").removesuffix("镇").removesuffix("乡")
        village = villages_of(i)
        schools.append(School(f"{COUNTY_NAME}{short}中心幼儿园", town, ("学前",)))
        schools.append(School(f"{COUNTY_NAME}{short}中心小学", town, ("小学",)))
        schools.append(School(f"{COUNTY_NAME}{short}{village[0]}完全小学", town, ("小学",)))
        schools.append(School(f"{COUNTY_NAME}{short}{village[1]}教学点", town, ("小学",)))
        if i in (3, 6, 9):
            schools.append(School(f"{COUNTY_NAME}{short}九年一贯制学校", town, ("小学", "初中")))
        else:
            schools.append(School(f"{COUNTY_NAME}{short}中学", town, ("初中",)))
    schools.append(School(f"{COUNTY_NAME}第一中学", TOWNSHIPS[0], ("高中",)))
    schools.append(School(f"{COUNTY_NAME}民族中学", TOWNSHIPS[0], ("高中",)))
    schools.append(School(f"{COUNTY_NAME}中等职业学校", TOWNSHIPS[0], ("中职",)))
    for n, school in enumerate(schools):
        school.term_column = n % 2 == 1
        school.junior_style = int(n % 3 == 0)
        school.boarding_header = "就读方式" if n % 4 in (1, 2) else "是否寄宿"
        school.title_row = n % 5 == 4
    # Older school software still exports .xls; one small school sends a GBK CSV.
    schools[6].fmt = "xls"
    schools[13].fmt = "xls"
    schools[3].fmt = "csv"
    schools[3].term_column = True
    rng.shuffle(schools)  # file order must not mirror the township order
    return schools
