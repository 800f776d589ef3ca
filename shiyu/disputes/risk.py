"""Risk of a dispute turning into harm or a mass incident (矛盾激化风险). Pure Python, no Django.

Rules, not a model: each reason is a code a mediator can read and challenge, and the level is
the highest any rule gives. The mediator may set the level by hand (with a reason) afterwards.
"""

from dataclasses import dataclass
from decimal import Decimal

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)
_RANK = {LOW: 0, MEDIUM: 1, HIGH: 2}

# Words that signal a threat to life or public order; matched on the raw text (Chinese has no
# word boundaries, and each of these is unambiguous on its own).
HIGH_WORDS = (
    "自杀",
    "跳楼",
    "轻生",
    "杀",
    "报复",
    "同归于尽",
    "砍",
    "汽油",
    "炸",
    "极端",
    "suicide",
    "kill",
    "revenge",
)
MEDIUM_WORDS = (
    "打架",
    "殴打",
    "冲突",
    "威胁",
    "堵门",
    "围堵",
    "上访",
    "聚集",
    "拉横幅",
    "fight",
    "threat",
    "petition",
)
GROUP_PARTIES = 5  # 群体性: five or more parties
LARGE_AMOUNT = Decimal("100000")
MEDIUM_AMOUNT = Decimal("20000")
WAGE_TYPES = frozenset({"labour"})


@dataclass(frozen=True)
class Assessment:
    level: str
    reasons: tuple[str, ...]


def higher(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def assess(
    *, text: str, type_code: str, parties: int, amount: Decimal | None, previous_referrals: int = 0
) -> Assessment:
    """The level and the reasons (codes) for a dispute as registered."""
    lowered = text.lower()
    found: list[tuple[str, str]] = []
    if any(w in lowered for w in HIGH_WORDS):
        found.append((HIGH, "threat_words"))
    elif any(w in lowered for w in MEDIUM_WORDS):
        found.append((MEDIUM, "conflict_words"))
    if parties >= GROUP_PARTIES:
        found.append((HIGH if type_code in WAGE_TYPES else MEDIUM, "group"))
    if amount is not None:
        if amount >= LARGE_AMOUNT:
            found.append((HIGH if type_code in WAGE_TYPES else MEDIUM, "large_amount"))
        elif amount >= MEDIUM_AMOUNT:
            found.append((MEDIUM, "amount"))
    if previous_referrals >= 2:
        found.append((MEDIUM, "repeated_referral"))
    level = LOW
    for lvl, _code in found:
        level = higher(level, lvl)
    return Assessment(level=level, reasons=tuple(code for _lvl, code in found))
