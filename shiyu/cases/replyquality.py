"""Reply quality (答复质量): a pure scorer of a unit's reply to a resident's message.

Four parts, each 0..1, with the reasons that lowered them (shown to the handler):
- relevance: how much of what the resident wrote about (content words of title and body,
  weighted by IDF when a table is given, the title counting double) the reply takes up;
- completeness: of the points the message raises (questions, requests), how many the reply
  addresses, times how much substance it has beyond courtesy formulas ("已收悉" is not an answer);
- timeliness: working hours from submission to reply against the limit (None when unknown);
- politeness: greeting, thanks, a closing; any rude phrase sets it to 0.
`overall` is their weighted mean over the parts known. No database and no Django models here,
so the benchmark (bench/reply_quality.py) and the tests run it directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

from shiyu.core.text import query_tokens

WEIGHTS = {"relevance": 0.35, "completeness": 0.35, "timeliness": 0.15, "politeness": 0.15}
# Words that carry no matter of their own in messages and replies.
_GENERIC = (
    "的 了 是 我 你 您 他 她 它 在 有 和 与 及 或 也 就 都 还 又 要 会 能 "
    "把 被 给 对 从 向 到 让 为 以 这 那 吗 呢 啊 吧 我们 你们 他们 现在 "
    "已经 问题 情况 反映 希望 相关 部门 领导 尊敬 一个 没有 不是 因为 所以 但是 "
    "如果 非常 需要 进行 关于 本人 自己 市民 居民 网友 请问 您好 你好 谢谢 感谢 "
    "怎么 如何 什么 为什么 可以 能否 是否 一下 这个 那个 这样 一直 目前 今天 今年 "
    "去年 时候 处理 解决 事情 应该 尽快 了解 方面 现在 留言 回复 答复 如下 收悉 "
    "工作 支持 关注 监督 理解 同志 先生 女士 有关 我市 市里 政府 单位 要求 请求 "
    "建议 呼吁 恳请 严重 影响 一些 很多 这些 那些 什么样 多少 还是 而且 并且 以及 "
    "或者 其他 其它 等等 进一步 得到 予以 将 已 请 还有 就是 最近 发现 不能 只能 真的 几个 "
    "知道 觉得 认为 大家 我家 他们 一样 所有 这里 那里 "
)
GENERIC = frozenset(_GENERIC.split())
QUESTION_MARKERS = re.compile("|".join((
    r"[?？]", "吗", "是否", "能否", "可否", "怎么", "怎样", "如何", "什么", "为什么", "为何", "何时", "多久",
    "多少", "哪", "请求", "希望", "建议", "要求", "恳请", "呼吁", r"请.{0,6}(?:解决|处理|查|管)")))
SENTENCE = re.compile(r"[。！？!?；;\n]+")
GREETING = re.compile(r"您好|你好|尊敬的")
THANKS = re.compile(r"感谢|谢谢|致谢")
CLOSING = re.compile("|".join((
    "祝您", "祝你", "如有疑问", "如有问题", "如有其他", "特此", "此复", "再次感谢", r"欢迎.{0,8}监督",
    r"理解(?:和|与)?支持", r"支持(?:和|与)?理解", r"可(?:拨打|致电|联系)")))
RUDE = re.compile("|".join((
    "不归我们管", "与我们无关", "与我无关", "爱找谁找谁", "别烦", "少管闲事", "无理取闹", "自己看着办",
    "你自己去", "神经病", "废话", "胡说", "活该", "没空", "不想管", "刁民")))
# Courtesy formulas that say nothing about the matter; stripped before measuring substance.
BOILERPLATE = re.compile("|".join((
    r"网友[“\"]?[A-Za-z0-9_]*[”\"]?", "您好", "你好", "您的留言已收悉", "留言已收悉", "已收悉",
    "现将有关情况回复如下", "回复如下", r"感谢您对我们工作的[\w、，]*", r"\d{4}年\d{1,2}月\d{1,2}日",
    r"\s+")))
FULL_COVERAGE = 0.3
SUBSTANCE_CHARS = 120  # reply content beyond formulas at which substance counts in full
# A point is addressed when the reply takes up 30% of its content words, or two of them: replies
# paraphrase, and two shared words of a sentence are rarely chance.
POINT_HIT = 0.3
MAX_POINTS = 8


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict)

    def text(self) -> str:
        return str(REASON_TEXT[self.code]) % self.params


REASON_TEXT = {
    "off_topic": _("The reply takes up little of what the resident wrote about (missing: %(terms)s)."),
    "unanswered": _("%(n)d of %(total)d points of the message are not addressed, e.g. “%(point)s”."),
    "thin": _("The reply has little substance beyond courtesy formulas (%(chars)d characters)."),
    "late": _("The reply came after %(hours).0f working hours; the limit was %(limit).0f."),
    "no_greeting": _("No greeting (您好)."),
    "no_thanks": _("No thanks for the resident's message."),
    "no_closing": _("No closing (where to ask further, 特此答复…)."),
    "rude": _("Rude or dismissive wording: “%(phrase)s”."),
}


@dataclass
class ReplyScore:
    relevance: float
    completeness: float
    timeliness: float | None
    politeness: float
    overall: float
    reasons: list[Reason]

    def as_data(self) -> dict:
        """JSON for an event's data: reason codes and parameters, translated when shown."""
        out = asdict(self)
        out["reasons"] = [{"code": r.code, "params": r.params} for r in self.reasons]
        for key in ("relevance", "completeness", "timeliness", "politeness", "overall"):
            if out[key] is not None:
                out[key] = round(out[key], 3)
        return out


def reason_texts(data: Iterable[Mapping]) -> list[str]:
    """Stored reasons (as_data) back into sentences in the current language."""
    out = []
    for item in data or ():
        code = item.get("code") if isinstance(item, Mapping) else None
        if code in REASON_TEXT:
            try:
                out.append(Reason(code, dict(item.get("params") or {})).text())
            except (KeyError, TypeError, ValueError):
                out.append(str(REASON_TEXT[code]).split("(")[0].strip())
    return out


def content_terms(text: str) -> list[str]:
    """Distinct content words (two characters or more, not generic), in text order."""
    seen: dict[str, None] = {}
    for word in query_tokens(text or ""):
        if len(word) > 1 and word not in GENERIC and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def _weight(term: str, idf: Mapping[str, float] | None, unseen: float) -> float:
    return 1.0 if idf is None else idf.get(term, unseen)


def relevance(title: str, body: str, reply: str,
              idf: Mapping[str, float] | None = None) -> tuple[float, list[str]]:
    terms = {t: 2.0 for t in content_terms(title)}
    for t in content_terms(body):
        terms.setdefault(t, 1.0)
    if not terms:
        return 1.0, []
    total = hit = 0.0
    missing = []
    # A word the table never saw is as rare as its rarest word.
    unseen = max(idf.values(), default=1.0) if idf else 1.0
    for term, boost in terms.items():
        w = boost * _weight(term, idf, unseen)
        total += w
        if term in reply:
            hit += w
        else:
            missing.append((w, term))
    coverage = hit / total if total else 1.0
    # A reply rarely repeats half the message: covering 30% of its weight is a full match.
    missing.sort(key=lambda x: -x[0])
    return min(1.0, coverage / FULL_COVERAGE), [t for _w, t in missing[:5]]


def points(title: str, body: str) -> list[str]:
    """The questions and requests in a message; the title stands for it when none is found."""
    found = []
    for sentence in SENTENCE.split(body or ""):
        sentence = sentence.strip()
        if len(sentence) >= 4 and QUESTION_MARKERS.search(sentence) and content_terms(sentence):
            found.append(sentence)
    if not found and content_terms(title):
        found.append(title.strip())
    return found[:MAX_POINTS]


def substance(reply: str) -> int:
    return len(BOILERPLATE.sub("", reply or ""))


def completeness(title: str, body: str, reply: str) -> tuple[float, list[str], int, int]:
    """(score, the points not addressed, substance in characters, how many points were asked)."""
    asked = points(title, body)
    unanswered = []
    for point in asked:
        terms = content_terms(point)
        hits = sum(1 for t in terms if t in reply)
        if hits < min(2, max(1, math.ceil(POINT_HIT * len(terms)))):
            unanswered.append(point)
    answered = 1.0 - len(unanswered) / len(asked) if asked else 1.0
    chars = substance(reply)
    return answered * min(1.0, chars / SUBSTANCE_CHARS), unanswered, chars, len(asked)


def timeliness(working_hours: float | None, limit_hours: float | None) -> float | None:
    """1 within the limit, falling linearly to 0 at three times the limit."""
    if working_hours is None or not limit_hours:
        return None
    if working_hours <= limit_hours:
        return 1.0
    return max(0.0, 1.0 - (working_hours - limit_hours) / (2 * limit_hours))


def politeness(reply: str) -> tuple[float, list[Reason]]:
    rude = RUDE.search(reply or "")
    if rude:
        return 0.0, [Reason("rude", {"phrase": rude.group(0)})]
    reasons = []
    score = 0.4
    for pattern, code in ((GREETING, "no_greeting"), (THANKS, "no_thanks"), (CLOSING, "no_closing")):
        if pattern.search(reply or ""):
            score += 0.2
        else:
            reasons.append(Reason(code))
    return score, reasons


def score_reply(*, title: str, body: str, reply: str, working_hours: float | None = None,
                limit_hours: float | None = None, idf: Mapping[str, float] | None = None) -> ReplyScore:
    reply = reply or ""
    rel, missing = relevance(title, body, reply, idf)
    comp, unanswered, chars, asked = completeness(title, body, reply)
    timely = timeliness(working_hours, limit_hours)
    polite, polite_reasons = politeness(reply)
    reasons: list[Reason] = []
    if rel < 0.6 and missing:
        reasons.append(Reason("off_topic", {"terms": "、".join(missing)}))
    if unanswered:
        reasons.append(Reason("unanswered", {"n": len(unanswered), "total": asked,
                                             "point": unanswered[0][:40]}))
    if chars < SUBSTANCE_CHARS:
        reasons.append(Reason("thin", {"chars": chars}))
    if timely is not None and timely < 1.0:
        reasons.append(Reason("late", {"hours": float(working_hours or 0), "limit": float(limit_hours or 0)}))
    reasons.extend(polite_reasons)
    parts = {"relevance": rel, "completeness": comp, "timeliness": timely, "politeness": polite}
    known = {k: v for k, v in parts.items() if v is not None}
    overall = sum(WEIGHTS[k] * v for k, v in known.items()) / sum(WEIGHTS[k] for k in known)
    # Rudeness is not averaged away.
    if polite == 0.0:
        overall = min(overall, 0.3)
    return ReplyScore(relevance=rel, completeness=comp, timeliness=timely, politeness=polite,
                      overall=overall, reasons=reasons)


def idf_table(documents: Iterable[str]) -> dict[str, float]:
    """Smoothed IDF of content words over a corpus (e.g. the city's past messages)."""
    df: dict[str, int] = {}
    n = 0
    for doc in documents:
        n += 1
        for term in set(content_terms(doc)):
            df[term] = df.get(term, 0) + 1
    return {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}
