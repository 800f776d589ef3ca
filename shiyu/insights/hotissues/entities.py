"""Named organisations and groups of people: the "who" of an issue that names no place.

Some hot issues are about an organisation rather than a place — a collapsed lending platform
("58车贷") whose victims write from all over the city. Their messages share no place name, so
the place-keyed grouping of `algorithm.py` scattered them; what they share is a distinctive
name. A number of two or three digits in front of a Chinese word (58车贷, 58同城, 360借条)
makes such a name: ordinary Chinese words are not written that way, except quantities,
times and room numbers (24小时, 12月份, 30分钟, 103业主), left out by the character after the
number; four digits and more are years, phone and hotline numbers (12345), never a name here.
Latin-led words (KTV噪音) are not taken: they are kinds of places, and keying on them would
join the KTV complaints of different estates. Pure functions, no database.
"""

from __future__ import annotations

import re
from collections import Counter

from shiyu.insights.hotissues import places as placemod

_CJK = "\u4e00-\u9fff"
# Two or three digits, then two Chinese characters; not inside a longer number or a Latin word.
_BRAND = re.compile(rf"(?<![0-9A-Za-z])[0-9]{{2,3}}[{_CJK}]{{2}}")
# A quantity, a date or an address number, not a name: the first character after the number.
_UNIT = set(
    "年月日时点分秒号万千百亿元块角岁个天周次米层楼栋户期路多余左来几平公克斤吨度届级班套间条"
    "倍辆台名位人家份张型寸小室房铺业商单"
    # function words: "107从我家门口", "30之前" are a number in a sentence, not a name
    "的在从距叫打上下开前后之以和与到了是被把给对向就才都也还又再每"
)
_NOT_NAMES = ("110", "120", "119")
# Who writes, when the messages are about a group of people rather than a place.
# fmt: off
GROUP_WORDS = ("受害人", "受害者", "投资人", "出借人", "债权人", "业主", "家长", "村民",
               "职工", "员工", "农民工", "教师", "老师", "学生", "退休人员", "退役军人",
               "车主", "商户", "租户", "股民")
# fmt: on


def entities(text: str) -> list[str]:
    """Organisation names in the order they appear (duplicates kept)."""
    out = []
    for m in _BRAND.finditer(text or ""):
        name = m.group(0)
        head = name[:-2]
        if name[len(head)] in _UNIT or head in _NOT_NAMES:
            continue
        out.append(name)
    return out


def group_label(texts: list[str]) -> str:
    """ "58车贷受害人" for messages that share an organisation and no place; "" when a specific
    place is shared by a third of them (the place then names the issue) or no name by half."""
    if not texts:
        return ""
    names: Counter[str] = Counter()
    shared_places: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for text in texts:
        names.update(set(entities(text)))
        shared_places.update(set(placemod.places(text)))
        groups.update({w for w in GROUP_WORDS if w in text})
    if not names:
        return ""
    name, count = names.most_common(1)[0]
    if count * 2 < len(texts) or (shared_places and shared_places.most_common(1)[0][1] * 3 >= len(texts)):
        return ""
    group = next((w for w, n in groups.most_common() if n * 3 >= len(texts)), "")
    return name + group
