"""Place names in Chinese complaint texts: districts (A3区), estates (…小区), roads, villages,
schools and hospitals — the "where" that, with the "what", makes two messages one issue.

Pure functions, no database. jieba's part-of-speech tags (ns) are too unreliable on estate names
(魅力之城小区 comes out as n/u/n/n), so places are found by suffix patterns instead, anchored on
the boundaries where a place name starts in these texts: the start of a clause, a district marker,
or a function word (关于, 反映, 在 …). That finds the short, specific name a resident writes
("金毛湾", "伊景园滨河苑", "魅力之城小区") and not the sentence before it.
"""

from __future__ import annotations

import re
from collections import Counter

_CJK = "\u4e00-\u9fff"
# Suffixes of specific places, longest first so that 小区 wins over 区.
STRONG = ("小区", "花园", "家园", "公寓", "大厦", "广场", "新城", "新村", "学院", "大学", "中学",
          "小学", "学校", "幼儿园", "医院", "公司", "物业", "市场", "商场", "公园", "大道", "街道",
          "社区", "高速", "高铁", "地铁", "车站", "项目")
WEAK = ("苑", "城", "园", "湾", "村", "镇", "乡", "路", "郡", "桥")
_SUFFIX = "|".join(sorted(STRONG + WEAK, key=len, reverse=True))
_STRONG = "|".join(sorted(STRONG, key=len, reverse=True))
_CH = f"[{_CJK}A-Za-z0-9]"
# A district of the anonymised data (A市, A3区, A7县, 西地省) or of a real city (雨花区); not the
# 市 of 市场 or 市民 (泉星生鲜市场 is a market, not the city 星生鲜市 and a 场).
DISTRICT = re.compile(rf"(?:[A-Z]\d*[市区县])|(?:[{_CJK}]{{2,3}}(?:省|市(?![场民])|县))")
_BOUNDARY_WORDS = (
    "关于|反映|投诉|举报|咨询|请问|建议|希望|要求|强烈|恳请|请求|紧急|我是|我们|本人|位于|地处|坐落|"
    "座落|居住|住在|现在|目前|对于|针对|导致|造成|附近|周边|旁边|门口|周围|一带|存在|出现|没有|"
    "影响|破坏|污染|包括|整个|进入|进出|离开|前往|回到|路过|经过|随着|而且|但是|因为|所以|"
    "在|的|和|与|及|对|向|给|把|被|从|到|由|是|为|有|将|让|使|里|内|旁|边|处|等|请|能|可|已|还|又|也|都|就")
_SPLIT = re.compile(rf"[^{_CJK}A-Za-z0-9]+|{DISTRICT.pattern}|(?:{_BOUNDARY_WORDS})")
# From a boundary: up to 7 characters, a suffix, then more "place + suffix" links of at most
# two characters each (春华镇金鼎村, 伊景园滨河苑).
_ANCHORED = re.compile(rf"^{_CH}{{1,7}}?(?:{_SUFFIX})(?:{_CH}{{0,2}}?(?:{_SUFFIX}))*")
# Anywhere: a strong suffix with two to six characters before it.
_ANYWHERE = re.compile(rf"{_CH}{{2,6}}(?:{_STRONG})")
_GENERIC = {"政府", "市政府", "学校", "医院", "小区", "公司", "物业", "社区", "街道", "项目", "市场", "高速",
            "高铁",
            "地铁", "车站", "公园", "城市", "农村", "乡村", "城区", "城管", "家园", "一个小区", "这个小区",
            "该小区", "本小区", "我们小区", "整个小区", "住宅小区", "各小区", "老旧小区", "物业公司",
            "开发商", "房地产公司", "有限公司", "建设项目", "学院", "大学", "中学", "小学",
            # a kind of company (A4区p2p公司), not one: the platform is named by `entities.py`
            "p2p", "P2P"}
_SUFFIX_END = re.compile(rf"(?:{_SUFFIX})$")
# A count or a pointer before the name, with its measure word: "这条路", "3盏路灯", "三所学校"
# left "条路", "盏路", "所学校" as places, which every estate's complaints would share.
_LEADING_NOISE = re.compile(
    r"^(?:[一二三四五六七八九十两几多个该本此这那各每某]+|[0-9]+)[条盏座栋幢只所间处片段根棵]?"
)


def districts(text: str) -> list[str]:
    return [m.group(0) for m in DISTRICT.finditer(text or "")]


# Words ending in 路 that are no road: "58车贷老板跑路" (the owner absconded) is no place, and as
# a place it would hide the organisation the message is about (`entities.py`).
_NOT_ROADS = ("跑路", "套路", "走路", "出路", "思路", "活路", "门路", "去路", "来路", "带路", "电路", "退路",
              "迷路", "让路", "问路")


def _clean(name: str) -> str:
    name = _LEADING_NOISE.sub("", name)
    # 中山路让路 → 中山路; 车贷老板跑路 → nothing (no place suffix is left).
    while name.endswith(_NOT_ROADS):
        name = name[:-2]
        if not _SUFFIX_END.search(name):
            return ""
    # 某某股份有限公司 → 某某: the legal form is shared by every company.
    name = re.sub(r"(?:股份)?(?:有限)?(?:责任)?(?:公司)$|有限$", "", name) if name.endswith("公司") else name
    return name if len(name) >= 2 and name not in _GENERIC else ""


def _trim_left(name: str) -> str:
    """An unanchored match may start inside the name of a road before the estate (东路魅力之城小区):
    keep what follows the last place suffix that still leaves two characters before the end one."""
    strong = re.search(rf"(?:{_STRONG})$", name)
    head = name[: strong.start()] if strong else name
    cut = 0
    for m in re.finditer(_SUFFIX, head):
        if len(head) - m.end() >= 2:
            cut = m.end()
    return name[cut:]


def places(text: str) -> list[str]:
    """Specific place names in the order they appear (duplicates kept: frequency matters)."""
    text = text or ""
    found: list[tuple[int, str]] = []
    pos = 0
    segments: list[tuple[int, str]] = []
    for m in _SPLIT.finditer(text):
        if m.start() > pos:
            segments.append((pos, text[pos:m.start()]))
        pos = max(pos, m.end())
    if pos < len(text):
        segments.append((pos, text[pos:]))
    for offset, segment in segments:
        taken: list[str] = []
        anchored = _ANCHORED.match(segment)
        if anchored:
            name = _clean(anchored.group(0))
            if name:
                taken.append(name)
                found.append((offset, name))
        for hit in _ANYWHERE.finditer(segment):
            name = _clean(_trim_left(hit.group(0)))
            if name and not any(name in other or other in name for other in taken):
                taken.append(name)
                found.append((offset + hit.start(), name))
    return [name for _, name in sorted(found)]


_SUFFIX_RE = re.compile(_SUFFIX)


def _pieces(name: str) -> list[str]:
    pieces, start = [], 0
    for m in _SUFFIX_RE.finditer(name):
        if m.end() - start >= 2:
            pieces.append(name[start:m.end()])
            start = m.end()
    if start < len(name):
        pieces.append(name[start:])
    # A bare trailing suffix belongs to the piece before it (丽发新城 + 小区).
    if len(pieces) > 1 and _SUFFIX_RE.fullmatch(pieces[-1]):
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


def place_keys(name: str) -> set[str]:
    """The name and its parts, for matching: 暮云街道丽发新城小区 → itself, 暮云街道,
    丽发新城小区, 丽发新城 (one resident writes the street, another the estate alone)."""
    keys = {name}
    pieces = _pieces(name)
    if len(pieces) > 1:
        keys.update(p for p in pieces if len(p) >= 3)
        keys.update("".join(pieces[i:]) for i in range(1, len(pieces)))
    for key in list(keys):
        for tail in ("小区", "二期", "一期", "三期"):
            if key.endswith(tail) and len(key) - len(tail) >= 2:
                keys.add(key[: -len(tail)])
    # A part made of suffixes only (小区物业 of 阳光花园小区物业) is in every estate's name: shared,
    # it would join the complaints of two estates as one place. (A name found as such, 新城, stays.)
    return {k for k in keys
            if k not in _GENERIC and len(k) >= 2 and (k == name or not _SUFFIXES_ONLY.fullmatch(k))}


_SUFFIXES_ONLY = re.compile(rf"(?:{_SUFFIX})+")


def main_place(texts: list[str], *, top: int = 2) -> str:
    """The most specific place most of the texts share, with its district: "A5区 魅力之城小区"."""
    counts: Counter[str] = Counter()
    district_counts: Counter[str] = Counter()
    # Each text counts a name once, in the order written (a set's order changes with the string
    # hash seed, and the first of two equal counts is the one chosen: labels would change per run).
    for text in texts:
        counts.update(dict.fromkeys(places(text)).keys())
        named = (d for d in districts(text) if not d.endswith("市") or len(d) > 2)
        district_counts.update(dict.fromkeys(named).keys())
    names = [name for name, n in counts.most_common(top * 3) if n >= max(1, len(texts) // 3)]
    # A name contained in a longer chosen one adds nothing (金毛湾 vs 金毛湾小区).
    chosen: list[str] = []
    for name in names:
        if not any(name in other or other in name for other in chosen):
            chosen.append(name)
        if len(chosen) == top:
            break
    district = next((d for d, n in district_counts.most_common(3) if n >= max(1, len(texts) // 2)
                     and not d.endswith("市")), "")
    return " ".join(([district] if district else []) + chosen) or (
        district_counts.most_common(1)[0][0] if district_counts else "")
