"""Names for the sample county, drawn from a small shipped frequency list.

No Faker: this list is deterministic for a seed, works offline, is tiny, and its
frequencies are ours to set (docs/sample.md). Surname shares approximate the 公安部 户政
管理研究中心《二〇二〇年全国姓名报告》 ranking (top 100, in per cent of the population;
the long tail is rounded). Given-name characters are common ones for each generation:
children born after 2005 are named 子轩/梓涵/欣怡, their grandparents 建国/秀英/桂兰.

A few Uyghur households exercise the middle dot (阿依古丽·买买提): the child's given name,
a dot, then the father's given name, as 维吾尔族 names are written in Chinese.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

SURNAMES: Final[tuple[tuple[str, float], ...]] = (
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
    ("高", 1.0),
    ("罗", 1.0),
    ("郑", 0.9),
    ("梁", 0.9),
    ("谢", 0.8),
    ("宋", 0.8),
    ("唐", 0.8),
    ("许", 0.7),
    ("邓", 0.7),
    ("韩", 0.7),
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
    ("韦", 0.3),
    ("贾", 0.3),
    ("夏", 0.3),
    ("付", 0.3),
    ("方", 0.3),
    ("邹", 0.3),
    ("熊", 0.3),
    ("白", 0.3),
    ("孟", 0.3),
    ("秦", 0.3),
    ("邱", 0.3),
    ("侯", 0.3),
    ("江", 0.3),
    ("尹", 0.3),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("龙", 0.2),
    ("黎", 0.2),
    ("史", 0.2),
    ("陶", 0.2),
    ("贺", 0.2),
    ("毛", 0.2),
    ("郝", 0.2),
    ("顾", 0.2),
    ("龚", 0.2),
    ("邵", 0.2),
    ("万", 0.2),
    ("覃", 0.2),
    ("武", 0.2),
    ("钱", 0.2),
    ("戴", 0.2),
    ("严", 0.2),
    ("莫", 0.2),
    ("孔", 0.2),
    ("向", 0.2),
    ("常", 0.2),
    ("欧阳", 0.03),
    ("司马", 0.01),
)
"""(surname, share in per cent); 100 single surnames plus two compound ones."""

# Given-name characters by generation and sex; repeated characters are more frequent.
_GIVEN: Final[dict[tuple[str, bool], str]] = {
    ("old", True): "建国建华国华德明志强国强文华金山福贵永福玉明德才庆云长春",
    ("old", False): "秀英桂英秀兰玉兰桂兰凤英秀珍玉珍桂芳淑英翠花金凤素芬玉梅",
    ("adult", True): "伟强军磊勇涛斌杰超明辉刚平鹏波飞华俊峰海东林亮浩",
    ("adult", False): "芳娜敏静丽艳娟霞燕玲梅红萍琴莉丹雪慧颖琳倩婷",
    ("child", True): "子轩浩然宇航梓豪俊熙皓轩博文一诺天佑铭泽睿哲宇轩子墨沐辰嘉懿逸凡",
    ("child", False): "梓涵欣怡子涵诗涵雨桐一诺可馨紫萱梦瑶语嫣思彤若曦佳怡欣妍雨欣",
}

UYGHUR_GIVEN: Final = (
    ("阿依古丽", False),
    ("迪丽热巴", False),
    ("古丽娜尔", False),
    ("努尔阿依", False),
    ("艾力", True),
    ("麦尔丹", True),
    ("买买提", True),
    ("艾尼瓦尔", True),
    ("吐尔逊", True),
    ("热合曼", True),
    ("阿布都", True),
    ("伊力哈木", True),
)
"""Uyghur given names (name, male); a full name is given name · father's given name."""

MIDDLE_DOT: Final = "\u00b7"


def _generation(birth: dt.date) -> str:
    if birth.year < 1965:
        return "old"
    return "adult" if birth.year < 2003 else "child"


class NameDrawer:
    """Draws names from the frequency lists; never the same name twice for one birth date.

    Two different people with one name and one birth date would be genuine PROBABLE_MATCH
    anchors for each other; real counties have a few, but the answer key stays easier to
    read without them.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surnames = [s for s, _ in SURNAMES]
        self._cum = _cumulative([w for _, w in SURNAMES])
        self._taken: set[tuple[str, dt.date]] = set()

    def surname(self) -> str:
        """Return a surname drawn by population share."""
        return self._rng.choices(self._surnames, cum_weights=self._cum)[0]

    def han(self, birth: dt.date, male: bool, surname: str) -> str:
        """Return a Han name with the given surname, unique for the birth date."""
        pool = _GIVEN[(_generation(birth), male)]
        for _ in range(50):
            given = "".join(
                self._rng.choice(pool) for _ in range(self._rng.choice((1, 2, 2, 2, 2)))
            )
            if self._claim(surname + given, birth):
                return surname + given
        return self._fallback(surname, birth)

    def uyghur(self, birth: dt.date, male: bool, father_given: str | None) -> str:
        """Return a Uyghur name (given · father's given), unique for the birth date."""
        choices = [g for g, m in UYGHUR_GIVEN if m == male]
        for _ in range(50):
            given = self._rng.choice(choices)
            father = father_given or self._rng.choice([g for g, m in UYGHUR_GIVEN if m])
            name = f"{given}{MIDDLE_DOT}{father}"
            if given != father and self._claim(name, birth):
                return name
        return self._fallback(self._rng.choice(choices), birth)

    def other_name(self, birth: dt.date, male: bool, avoid: str) -> str:
        """Return a genuinely different Han name (another surname) for an identity conflict."""
        while True:
            surname = self.surname()
            if surname != avoid[:1]:
                return self.han(birth, male, surname)

    def _claim(self, name: str, birth: dt.date) -> bool:
        key = (name, birth)
        if key in self._taken:
            return False
        self._taken.add(key)
        return True

    def _fallback(self, stem: str, birth: dt.date) -> str:
        # Crowded birth dates at a million pupils: add characters until the name is free.
        name = stem
        while not self._claim(name, birth):
            name += self._rng.choice("晓小文一")
        return name


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
