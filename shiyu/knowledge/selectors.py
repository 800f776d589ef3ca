"""Reads of the knowledge base: search, suggestions and the staff list.

Search matches with the database's own full-text index over the jieba token column (FTS5 on
SQLite, a GIN tsvector on PostgreSQL; see migrations/0002_search), any query word matching,
then ranks the matches by BM25 over the visible articles, so both databases give the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from shiyu.accounts import policies
from shiyu.core import clock, errors
from shiyu.core.ids import is_valid_id
from shiyu.core.text import query_terms
from shiyu.knowledge.models import Article

MAX_TERMS = 24
CANDIDATES = 500
EDIT_PERMISSION = "knowledge_edit"
# Words that say nothing about the matter: a query made only of them finds nothing.
_STOP = (
    "的 了 是 我 你 他 她 它 在 有 和 与 及 或 也 就 都 还 又 要 "
    "会 能 把 被 给 对 从 向 到 让 为 以 这 那 吗 呢 啊 吧 呀 哦 "
    "请 请问 您好 你好 谢谢 感谢 怎么 怎样 如何 什么 哪里 哪些 为什么 "
    "可以 能否 是否 是不是 一下 这个 那个 这样 我们 你们 他们 现在 已经 "
    "问题 情况 反映 希望 相关 部门 领导 尊敬 一个 没有 不是 因为 所以 "
    "但是 如果 非常 需要 进行 关于 本人 自己 市民 居民 咨询 投诉 办理 "
    "一直 目前 今天 今年 去年 时候 处理 解决 事情 应该 尽快 了解 方面 遇到 最近 "
)
STOPWORDS = frozenset(_STOP.split())
K1 = 1.2
B = 0.75
TITLE_BOOST = 2.0
MIN_SCORE = 1.0


def _today() -> date:
    return clock.now().date()


def valid_q(today: date | None = None) -> Q:
    today = today or _today()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def public_articles() -> QuerySet[Article]:
    """Published and in force: what residents see and what is suggested."""
    return Article.objects.filter(valid_q(), status=Article.Status.PUBLISHED)


def is_current(article: Article, today: date | None = None) -> bool:
    today = today or _today()
    return not ((article.valid_from and article.valid_from > today)
                or (article.valid_until and article.valid_until < today))


def _terms(q: str) -> list[tuple[str, list[str]]]:
    """The query's distinct words, stopwords out. Runs of single characters (what jieba leaves of
    words it does not know, 困人) are searched as one phrase; a lone character only when nothing
    longer is left (one character matches half the base)."""
    seen: dict[str, list[str]] = {}
    run: list[str] = []

    def flush() -> None:
        if len(run) > 1:
            seen.setdefault("".join(run), list(run))
        run.clear()

    for word, chars in query_terms(q or ""):
        if word in STOPWORDS:
            flush()
        elif len(word) == 1 and chars:
            run.append(word)
        else:
            flush()
            seen.setdefault(word, chars)
    flush()
    terms = list(seen.items())
    if not terms:
        terms = list(dict((w, c) for w, c in query_terms(q or "") if w not in STOPWORDS).items())
    return terms[:MAX_TERMS]


def _fts5(terms: list[tuple[str, list[str]]]) -> str:
    parts = []
    for word, chars in terms:
        parts.append(f'"{word}"')
        if len(chars) > 1:
            parts.append(f'"{" ".join(chars)}"')
    return " OR ".join(parts)


def _tsquery(terms: list[tuple[str, list[str]]]) -> str:
    parts = []
    for word, chars in terms:
        parts.append(f"'{word}'")
        if len(chars) > 1:
            parts.append("(" + " <-> ".join(f"'{ch}'" for ch in chars) + ")")
    return " | ".join(parts)


def _matching(qs: QuerySet[Article], terms: list[tuple[str, list[str]]]) -> QuerySet[Article]:
    # Terms hold word characters only (core.text._word): quoting them cannot break the syntax.
    if connection.vendor == "sqlite":
        return qs.filter(pk__in=RawSQL(  # noqa: S611  (parameterised; the table is ours)
            "SELECT rowid FROM knowledge_article_fts WHERE knowledge_article_fts MATCH %s", [_fts5(terms)]))
    if connection.vendor == "postgresql":
        return qs.annotate(_fts=RawSQL(  # noqa: S611  (parameterised)
            "to_tsvector('simple', knowledge_article.search_tokens) @@ to_tsquery('simple', %s)",
            [_tsquery(terms)], output_field=BooleanField())).filter(_fts=True)
    q = Q(pk__in=[])
    for word, _chars in terms:
        q |= Q(search_tokens__contains=word)
    return qs.filter(q)


@dataclass
class Hit:
    article: Article
    score: float
    matched: list[str]


def _text_of(article: Article) -> str:
    return " ".join((article.title, article.keywords, article.summary, article.body)).lower()


def rank(articles: list[Article], terms: list[tuple[str, list[str]]], total: int) -> list[Hit]:
    """BM25 over the matches: a word is in an article when it is a token or a substring of its
    text (the character stream the index matched); a word in the title or keywords counts more."""
    texts = {a.pk: _text_of(a) for a in articles}
    heads = {a.pk: f"{a.title} {a.keywords}".lower() for a in articles}
    lengths = {pk: max(len(t), 1) for pk, t in texts.items()}
    mean = sum(lengths.values()) / len(lengths) if lengths else 1.0
    df = {w: sum(1 for t in texts.values() if w in t) for w, _c in terms}
    hits = []
    for article in articles:
        text, head = texts[article.pk], heads[article.pk]
        score, matched = 0.0, []
        for word, _chars in terms:
            if word not in text:
                continue
            idf = math.log(1 + (total - df[word] + 0.5) / (df[word] + 0.5))
            tf = min(text.count(word), 5) + (TITLE_BOOST if word in head else 0.0)
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[article.pk] / mean))
            # Longer words are more specific than the single characters jieba leaves.
            score += idf * norm * min(len(word), 4) / 2
            matched.append(word)
        if matched:
            hits.append(Hit(article, score, matched))
    hits.sort(key=lambda h: (-h.score, -h.article.pk))
    return hits


def article_hits(*, q: str, limit: int = 10, public_only: bool = True,
                 base: QuerySet[Article] | None = None) -> list[Hit]:
    terms = _terms(q)
    if not terms:
        return []
    qs = base if base is not None else (public_articles() if public_only else Article.objects.all())
    total = max(qs.count(), 1)
    found = list(_matching(qs, terms).select_related("category", "owner_department")
                 .order_by("-updated_at")[:CANDIDATES])
    return rank(found, terms, total)[:limit]


def article_search(*, q: str, limit: int = 10, public_only: bool = True) -> list[Article]:
    """Contract C5: the best matching articles, best first (published and in force when public_only)."""
    return [h.article for h in article_hits(q=q, limit=limit, public_only=public_only)]


def article_suggest(*, q: str, limit: int = 3) -> list[Hit]:
    """Suggestions while typing: only matches strong enough to be worth a glance."""
    return [h for h in article_hits(q=q, limit=limit) if h.score >= MIN_SCORE]


def article_get_public(*, article_id: int) -> Article:
    if not is_valid_id(article_id):
        raise errors.NotFound()
    article = public_articles().select_related("category", "owner_department").filter(pk=article_id).first()
    if article is None:
        raise errors.NotFound()
    return article


def can_edit(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False)
                and policies.roles_allowed(actor, EDIT_PERMISSION))


def article_list_for_editor(*, actor: Any, q: str = "", status: str = "") -> QuerySet[Article]:
    if not can_edit(actor):
        raise errors.Forbidden()
    qs = Article.objects.select_related("category", "owner_department")
    if status in Article.Status.values:
        qs = qs.filter(status=status)
    if q.strip():
        terms = _terms(q)
        qs = _matching(qs, terms) if terms else qs.none()
    return qs


def article_get_for_editor(*, actor: Any, article_id: int) -> Article:
    if not is_valid_id(article_id):
        raise errors.NotFound()
    article = article_list_for_editor(actor=actor).filter(pk=article_id).first()
    if article is None:
        raise errors.NotFound()
    return article
