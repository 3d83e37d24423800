"""The people of the sample county: households, pupils, names and ID numbers.

Names come from a shipped frequency list (no Faker): deterministic, offline, small, and
with frequencies we control. Surname shares follow the 公安部 2020 report's top surnames
(rounded); given names draw from common characters. A few Uyghur names with middle dots
exercise the dot variants.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from edupoverty.core.normalise.ids import check_digit

COUNTY_CODE = "411422"  # 河南省商丘市睢县: a real county code
COUNTY_NAME = "睢县"
OUTSIDE_CODES = ("411421", "411423", "410102", "411402", "341621", "411424")
TOWNSHIPS = (
    "城关镇",
    "城郊乡",
    "西陵寺镇",
    "蓼堤镇",
    "周堂镇",
    "尤吉屯乡",
    "平岗镇",
    "长岗镇",
    "孙聚寨乡",
    "河集乡",
)
VILLAGES = ("东村", "西村", "南街村", "北关村", "王庄村", "李楼村", "张寨村", "刘庄村")

SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.6),
    ("杨", 3.1),
    ("黄", 2.4),
    ("赵", 2.3),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 1.5),
    ("孙", 1.5),
    ("马", 1.4),
    ("朱", 1.3),
    ("胡", 1.3),
    ("郭", 1.2),
    ("何", 1.2),
    ("林", 1.1),
    ("罗", 1.0),
    ("高", 1.0),
    ("郑", 0.9),
    ("梁", 0.9),
    ("谢", 0.8),
    ("宋", 0.8),
    ("唐", 0.8),
    ("许", 0.7),
    ("韩", 0.7),
    ("邓", 0.7),
    ("冯", 0.7),
    ("曹", 0.7),
    ("彭", 0.6),
    ("曾", 0.6),
    ("肖", 0.6),
    ("田", 0.6),
    ("董", 0.6),
    ("潘", 0.5),
    ("袁", 0.5),
    ("蔡", 0.5),
    ("蒋", 0.5),
    ("余", 0.5),
    ("于", 0.5),
    ("杜", 0.5),
    ("叶", 0.5),
    ("程", 0.5),
    ("魏", 0.5),
    ("苏", 0.4),
    ("吕", 0.4),
    ("丁", 0.4),
    ("任", 0.4),
    ("卢", 0.4),
    ("姚", 0.4),
    ("沈", 0.4),
    ("钟", 0.4),
    ("姜", 0.4),
    ("崔", 0.4),
    ("谭", 0.4),
    ("陆", 0.3),
    ("范", 0.3),
    ("汪", 0.3),
    ("廖", 0.3),
    ("石", 0.3),
    ("金", 0.3),
    ("贾", 0.3),
    ("欧阳", 0.05),
    ("司马", 0.02),
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力斌波宇浩子轩梓涵"
    "一诺欣怡俊熙思雨晨阳佳琪博文雅婷嘉豪宇航皓然梦瑶紫萱欣悦家乐诗琪晓东志强海燕春梅"
    "鑫鹏飞雪丹凯瑞琳倩颖璐慧晶彤昊天逸凡睿泽沐辰安然可馨若曦语桐雨涵奕辰锦程"
)
UYGHUR_NAMES = (
    "阿依古丽·买买提",
    "迪丽热巴·艾尼瓦尔",
    "艾力·吐尔逊",
    "古丽娜尔·阿布都",
    "麦尔丹·热合曼",
)
CATEGORIES = ("脱贫户", "脱贫户", "脱贫户", "监测对象", "低保", "低保", "特困供养", "孤儿", "残疾")


@dataclass
class Person:
    """One person of the county, with the truth about them."""

    pid: str
    name: str
    birth: dt.date
    male: bool
    household: str
    relation: str
    township: str
    village: str
    legacy15: bool = False
    """Write the old 15-digit form (elderly adults only)."""

    def age_on(self, day: dt.date) -> int:
        """Whole years of age on a day."""
        return (
            day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))
        )

    @property
    def id15(self) -> str:
        """The legacy 15-digit form of the ID."""
        return self.pid[:6] + self.pid[8:17]


@dataclass
class Household:
    """A household; registry households carry a category."""

    number: str
    township: str
    village: str
    members: list[Person] = field(default_factory=list)
    category: str | None = None
    risk_cleared: bool = False


class Namer:
    """Draws names and ID numbers, never giving two people the same name (or homophone) and birth date."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]
        self._seen_keys: set[tuple[str, dt.date]] = set()
        self._seen_ids: set[str] = set()
        self._uyghur = list(UYGHUR_NAMES)

    def name(self, birth: dt.date, surname: str | None = None) -> str:
        """Return a name unique (by pinyin) among people born that day."""
        for _ in range(200):
            if surname is None and self._uyghur and self.rng.random() < 0.004:
                candidate = self._uyghur.pop()
            else:
                s = surname or self.rng.choices(self._surnames, self._weights)[0]
                given = "".join(
                    self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2, 2)))
                )
                candidate = s + given
            key = ("".join(lazy_pinyin(candidate.replace("·", ""))), birth)
            if key not in self._seen_keys:
                self._seen_keys.add(key)
                return candidate
        raise RuntimeError("name space exhausted")  # pragma: no cover - 200 tries never fail

    def id_number(self, birth: dt.date, male: bool, region: str = COUNTY_CODE) -> str:
        """Return a valid, unused 18-character ID."""
        while True:
            seq = self.rng.randrange(0, 999)
            seq = seq - (seq % 2) + (1 if male else 0)
            seq = min(seq, 995 if male else 994)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            pid = body + check_digit(body)
            if pid not in self._seen_ids:
                self._seen_ids.add(pid)
                return pid


def random_birth(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A uniform random date between two dates."""
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def make_households(
    rng: random.Random, namer: Namer, pupils: int, as_of: dt.date
) -> list[Household]:
    """Return households holding about ``pupils`` children aged 3–17 at the as-of date."""
    households: list[Household] = []
    children = 0
    n = 0
    while children < pupils:
        n += 1
        township = TOWNSHIPS[n % len(TOWNSHIPS)]
        village = rng.choice(VILLAGES)
        hh = Household(number=f"{COUNTY_CODE}{n:07d}", township=township, village=village)
        if rng.random() < 0.32:
            hh.category = rng.choice(CATEGORIES)
            hh.risk_cleared = hh.category == "监测对象" and rng.random() < 0.3
        surname = rng.choices(namer._surnames, namer._weights)[0]
        head_birth = random_birth(rng, dt.date(1976, 1, 1), dt.date(1992, 12, 31))
        head = Person(
            namer.id_number(head_birth, True, rng.choice((COUNTY_CODE,) * 4 + OUTSIDE_CODES)),
            namer.name(head_birth, surname),
            head_birth,
            True,
            hh.number,
            "户主",
            township,
            village,
        )
        hh.members.append(head)
        if rng.random() < 0.85:
            b = random_birth(rng, dt.date(1978, 1, 1), dt.date(1994, 12, 31))
            hh.members.append(
                Person(
                    namer.id_number(b, False, rng.choice((COUNTY_CODE, *OUTSIDE_CODES))),
                    namer.name(b),
                    b,
                    False,
                    hh.number,
                    "配偶",
                    township,
                    village,
                )
            )
        if rng.random() < 0.35:
            b = random_birth(rng, dt.date(1936, 1, 1), dt.date(1949, 12, 31))
            male = rng.random() < 0.5
            grand = Person(
                namer.id_number(b, male),
                namer.name(b, surname),
                b,
                male,
                hh.number,
                "之父" if male else "之母",
                township,
                village,
            )
            grand.legacy15 = (
                rng.random() < 0.5
            )  # old 15-digit numbers of elderly people: a look-alike
            hh.members.append(grand)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            b = random_birth(
                rng,
                as_of.replace(year=as_of.year - 18) + dt.timedelta(days=1),
                as_of.replace(year=as_of.year - 3),
            )
            male = rng.random() < 0.52
            taken = {m.name for m in hh.members}
            name = namer.name(b, surname)
            while name in taken:  # a child never shares a name with someone in the household
                name = namer.name(b, surname)
            child = Person(
                namer.id_number(b, male),
                name,
                b,
                male,
                hh.number,
                "之子" if male else "之女",
                township,
                village,
            )
            hh.members.append(child)
            children += 1
        households.append(hh)
    return households
