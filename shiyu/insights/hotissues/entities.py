"""Named organisations and groups of people: the "who" of an issue that names no place.

Some hot issues are about an organisation rather than a place — a collapsed lending platform
("58车贷") whose victims write from all over the city. Their messages share no place name, so
the place-keyed grouping of `algorithm.py` scattered them; what they share is a distinctive
name. A number of two or three digits in front of a Chinese word (58车贷, 58同城, 360借条)
makes such a name: ordinary Chinese words are not written that way, except quantities,
times and room numbers (24小时, 12月份, 30分钟, 30只流浪狗, 50亩土地, 103业主), left out by the
character after the number; hotlines (122报警, 400电话, 999急救) are left out by their number, and a
number before a common surname (楼上302王先生) by that surname: it is a person, whose name must
never become an issue's title. Four digits and more are years, phone and hotline numbers (12345),
never a name here. The pattern still takes odd pieces of sentences ("30堵在"); a name keys a
cluster only when several distinct people write it (`recurring`), which a piece of one sentence
or one neighbour's door is not. Latin-led words (KTV噪音) are not taken: they are kinds of
places, and keying on them would join the KTV complaints of different estates.
Pure functions, no database.
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
    "倍辆台名位人家份张型寸小室房铺业商单住"
    # measure words: "30只流浪狗", "50亩土地", "12盏路灯", "12幢漏水" count things, name nothing
    "只头亩盏幢棵株所袋包根箱瓶桶座弄巷组排件本支枚颗粒片处项批部门架艘列节笔起例场轮趟遍"
    "口胎代成折斗担升里尺丈码两"
    # function words: "107从我家门口", "30之前", "300一个" are a number in a sentence, not a name
    "的在从距叫打上下开前后之以和与到了是被把给对向就才都也还又再每一这那我你他她等将能可约近"
)
# Three-digit hotlines and service numbers: "拨打122报警", "400电话打不通", "114查号", "315投诉".
# fmt: off
_NOT_NAMES = {"110", "112", "114", "117", "119", "120", "121", "122", "160", "168", "315", "400",
              "800", "999"}
# The commonest Chinese surnames: "楼上302王先生家" is a person; the name is personal data and
# must never become a cluster key or an issue title (an alert, a printed report).
_SURNAMES = set(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾"
    "丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱"
    "汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂焦向柳邢骆岳齐"
)
# fmt: on
# How many distinct submitters must write a name before it may key a cluster.
MIN_SUBMITTERS = 3
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
        first = name[len(head)]
        if first in _UNIT or first in _SURNAMES or head in _NOT_NAMES:
            continue
        out.append(name)
    return out


def recurring(names: list[set[str]], submitters: list[str]) -> set[str]:
    """The names written by at least MIN_SUBMITTERS distinct submitters (one set of names and one
    submitter per message)."""
    who: dict[str, set[str]] = {}
    for found, submitter in zip(names, submitters, strict=True):
        for name in found:
            who.setdefault(name, set()).add(submitter)
    return {name for name, people in who.items() if len(people) >= MIN_SUBMITTERS}


def group_label(texts: list[str], allowed: set[str] | None = None) -> str:
    """ "58车贷受害人" for messages that share an organisation and no place; "" when a specific
    place is shared by a third of them (the place then names the issue) or no name by half.
    `allowed`: the only names that may label (those that keyed the clustering), when given."""
    if not texts:
        return ""
    names: Counter[str] = Counter()
    shared_places: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for text in texts:  # each text counts a name once, in a fixed order (ties: the first written)
        names.update(n for n in dict.fromkeys(entities(text)) if allowed is None or n in allowed)
        shared_places.update(dict.fromkeys(placemod.places(text)).keys())
        groups.update(w for w in GROUP_WORDS if w in text)
    if not names:
        return ""
    name, count = names.most_common(1)[0]
    if count * 2 < len(texts) or (shared_places and shared_places.most_common(1)[0][1] * 3 >= len(texts)):
        return ""
    group = next((w for w, n in groups.most_common() if n * 3 >= len(texts)), "")
    return name + group
