"""The only code that writes knowledge-base articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shiyu.accounts.models import Department
from shiyu.audit.services import audit_record
from shiyu.cases.models import Category
from shiyu.core import clock, errors
from shiyu.core.text import clean, token_string
from shiyu.knowledge.models import Article
from shiyu.knowledge.selectors import EDIT_PERMISSION, can_edit

LIMITS = {"title": 200, "summary": 2000, "body": 20000, "keywords": 300}


@dataclass
class ArticleInput:
    title: str
    summary: str
    body: str = ""
    kind: str = Article.Kind.FAQ
    keywords: str = ""
    category: int | str | None = None
    owner_department: int | str | None = None
    status: str = Article.Status.DRAFT
    valid_from: date | None = None
    valid_until: date | None = None


def _require(actor: Any) -> None:
    """The command line and the demo seed (no actor, or the system user) are trusted."""
    if actor is None or getattr(actor, "is_system", False):
        return
    if not can_edit(actor):
        raise errors.Forbidden()


def _fk(model: Any, value: Any, field: str, message: str) -> Any:
    if value is None or value == "":
        return None
    found = None
    if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()):
        found = model.objects.filter(pk=int(value)).first()
    if found is None and isinstance(value, str):
        found = model.objects.filter(code=value).first()
    if found is None:
        raise errors.InvalidInput(message, field=field)
    return found


def _validated(data: ArticleInput) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("title", "summary", "body", "keywords"):
        value = clean(getattr(data, name) or "")
        if len(value) > LIMITS[name]:
            raise errors.InvalidInput(_("The text is longer than %(n)d characters.") % {"n": LIMITS[name]},
                                      field=name)
        out[name] = value
    if not out["title"]:
        raise errors.InvalidInput(_("This field is required."), field="title")
    if not out["summary"]:
        raise errors.InvalidInput(_("This field is required."), field="summary")
    if data.kind not in Article.Kind.values:
        raise errors.InvalidInput(_("Choose a valid article type."), field="kind")
    if data.status not in Article.Status.values:
        raise errors.InvalidInput(_("Choose draft or published."), field="status")
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise errors.InvalidInput(_("The end of validity is before its start."), field="valid_until")
    out.update(kind=data.kind, status=data.status, valid_from=data.valid_from, valid_until=data.valid_until,
               category=_fk(Category, data.category, "category", _("Choose an existing category.")),
               owner_department=_fk(Department, data.owner_department, "owner_department",
                                    _("Choose an existing department.")))
    out["search_tokens"] = token_string(out["title"], out["keywords"], out["summary"], out["body"])
    return out


@transaction.atomic
def article_create(*, actor: Any, data: ArticleInput) -> Article:
    _require(actor)
    fields = _validated(data)
    now = clock.now()
    creator = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    article = Article.objects.create(**fields, created_by=creator, created_at=now, updated_at=now)
    audit_record(actor=actor, verb="knowledge.article.create", obj=article,
                 data={"status": article.status, "permission": EDIT_PERMISSION})
    return article


@transaction.atomic
def article_update(*, actor: Any, article_id: int, data: ArticleInput, version: int | None = None) -> Article:
    _require(actor)
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise errors.NotFound()
    if version is not None and version != article.version:
        raise errors.Conflict(_("Someone else changed this article; reload and try again."))
    fields = _validated(data)
    changed = sorted(k for k, v in fields.items() if k != "search_tokens" and getattr(article, k) != v)
    Article.objects.filter(pk=article.pk).update(**fields, updated_at=clock.now(), version=F("version") + 1)
    article.refresh_from_db()
    audit_record(actor=actor, verb="knowledge.article.update", obj=article, data={"changed": changed})
    return article


@transaction.atomic
def article_set_status(*, actor: Any, article_id: int, status: str) -> Article:
    """Publish or withdraw (back to draft) in one step, from the list."""
    _require(actor)
    if status not in Article.Status.values:
        raise errors.InvalidInput(_("Choose draft or published."), field="status")
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise errors.NotFound()
    if article.status != status:
        Article.objects.filter(pk=article.pk).update(status=status, updated_at=clock.now(),
                                                     version=F("version") + 1)
        article.refresh_from_db()
        audit_record(actor=actor, verb=f"knowledge.article.{status}", obj=article)
    return article
