"""The knowledge app's JSON API (mounted under /api/v1/): public search and articles."""

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from shiyu.accounts.auth import optional_bearer
from shiyu.cases.forms import label
from shiyu.core.errors import InvalidInput
from shiyu.knowledge import selectors
from shiyu.knowledge.models import Article

router = Router(tags=["knowledge"])
Q_MAX = 1000
LIMIT_MAX = 50


class ArticleOut(Schema):
    id: int
    title: str
    kind: str
    summary: str
    category: str | None
    owner_department: str | None
    valid_until: date | None
    url: str
    score: float | None = None


class ArticleDetailOut(ArticleOut):
    body: str


def _out(article: Article, score: float | None = None) -> dict:
    return {"id": article.pk, "title": article.title, "kind": article.kind, "summary": article.summary,
            "category": label(article.category) if article.category else None,
            "owner_department": label(article.owner_department) if article.owner_department else None,
            "valid_until": article.valid_until, "body": article.body,
            "url": reverse("knowledge-public:article", args=[article.pk]),
            "score": round(score, 3) if score is not None else None}


@router.get("/knowledge/search", response=list[ArticleOut], auth=optional_bearer, url_name="knowledge-search")
def search(request, q: str, limit: int = 10):
    """Published articles in force that match `q`, best first (Chinese segmented with jieba)."""
    if len(q) > Q_MAX or "\x00" in q:
        raise InvalidInput(_("The search text is too long."), field="q")
    if not 1 <= limit <= LIMIT_MAX:
        raise InvalidInput(_("limit must be between 1 and %(n)d.") % {"n": LIMIT_MAX}, field="limit")
    return [_out(h.article, h.score) for h in selectors.article_hits(q=q, limit=limit)]


@router.get("/knowledge/articles/{article_id}", response=ArticleDetailOut, auth=optional_bearer,
            url_name="knowledge-article")
def article(request, article_id: int):
    return _out(selectors.article_get_public(article_id=article_id))
