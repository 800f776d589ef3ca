"""Knowledge pages: the public search and articles, the suggestion fragments (contract C5) and
the staff editor. Thin: parse, read through a selector or call one service, render."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shiyu.cases import selectors as case_selectors
from shiyu.cases.forms import label
from shiyu.cases.views import staff_view
from shiyu.core import errors, ratelimit
from shiyu.knowledge import selectors, services
from shiyu.knowledge.forms import ArticleForm
from shiyu.knowledge.models import Article

Q_MAX = 1000
PAGE_SIZE = 20


def _q(request: HttpRequest, name: str = "q") -> str:
    return request.GET.get(name, "").replace("\x00", "")[:Q_MAX].strip()


def _item(hit_or_article: Any) -> dict[str, Any]:
    article = getattr(hit_or_article, "article", hit_or_article)
    return {"article": article, "category": label(article.category) if article.category else "",
            "owner": label(article.owner_department) if article.owner_department else "",
            "matched": getattr(hit_or_article, "matched", [])}


# ---- public ------------------------------------------------------------------------------

@require_GET
def index(request: HttpRequest) -> HttpResponse:
    q = _q(request)
    kind = request.GET.get("kind", "")
    if q:
        try:
            ratelimit.check(request, "similar", "knowledge")
        except errors.RateLimited as exc:
            return render(request, "knowledge/index.html",
                          {"q": q, "error": exc.message, "kinds": Article.Kind.choices}, status=429)
        items = [_item(h) for h in selectors.article_hits(q=q, limit=PAGE_SIZE)]
        if kind in Article.Kind.values:
            items = [i for i in items if i["article"].kind == kind]
    else:
        qs = selectors.public_articles().select_related("category", "owner_department")
        if kind in Article.Kind.values:
            qs = qs.filter(kind=kind)
        items = [_item(a) for a in Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))]
    return render(request, "knowledge/index.html", {"q": q, "kind": kind, "items": items,
                                                    "kinds": Article.Kind.choices})


@require_GET
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    try:
        found = selectors.article_get_public(article_id=article_id)
    except errors.NotFound:
        raise Http404 from None
    return render(request, "knowledge/article.html", _item(found))


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The submit form's hint (C5): at most three articles that may answer the draft already.
    `q`, or the form's own `title` and `body` fields when htmx sends them."""
    q = _q(request) or f"{_q(request, 'title')} {_q(request, 'body')}".strip()
    try:
        ratelimit.check(request, "similar", "knowledge")
    except errors.RateLimited:
        return HttpResponse(status=204)  # a courtesy: no hint rather than an error
    hits = selectors.article_suggest(q=q) if q else []
    return render(request, "knowledge/_suggest.html", {"items": [_item(h) for h in hits], "staff": False})


# ---- staff -------------------------------------------------------------------------------

@staff_view
@require_GET
def case_suggest(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case page's fragment (C5): articles matching the case, each insertable into the answer."""
    case = case_selectors.case_get_for_user(actor=request.user, case_id=case_id)
    hits = selectors.article_suggest(q=f"{case.title} {case.body[:Q_MAX]}", limit=3)
    return render(request, "knowledge/_suggest.html", {"items": [_item(h) for h in hits], "staff": True,
                                                       "case": case})


def _editor(request: HttpRequest) -> None:
    if not selectors.can_edit(request.user):
        raise PermissionDenied


@staff_view
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    _editor(request)
    status = request.GET.get("status", "")
    qs = selectors.article_list_for_editor(actor=request.user, q=_q(request), status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledge/staff_list.html", {
        "page": page, "items": [_item(a) for a in page], "q": _q(request), "status": status,
        "statuses": Article.Status.choices})


def _save(request: HttpRequest, article: Article | None) -> HttpResponse:
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                if article is None:
                    saved = services.article_create(actor=request.user, data=form.to_input())
                else:
                    saved = services.article_update(actor=request.user, article_id=article.pk,
                                                    data=form.to_input(),
                                                    version=form.cleaned_data.get("version"))
            except errors.InvalidInput as exc:
                form.set_error(exc.field, exc.message)
            except errors.Conflict as exc:
                form.set_error(None, exc.message)
            else:
                messages.success(request, _("Article saved."))
                return redirect("knowledge:edit", article_id=saved.pk)
        status = 422
    else:
        form = ArticleForm(initial=ArticleForm.initial_for(article) if article else {"status": "draft"})
        status = 200
    return render(request, "knowledge/staff_edit.html", {"form": form, "article": article}, status=status)


@staff_view
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _editor(request)
    return _save(request, None)


@staff_view
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, article_id: int) -> HttpResponse:
    _editor(request)
    return _save(request, selectors.article_get_for_editor(actor=request.user, article_id=article_id))


@staff_view
@require_POST
def set_status(request: HttpRequest, article_id: int) -> HttpResponse:
    _editor(request)
    found = selectors.article_get_for_editor(actor=request.user, article_id=article_id)
    try:
        services.article_set_status(actor=request.user, article_id=found.pk,
                                    status=request.POST.get("status", ""))
    except errors.InvalidInput as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Article saved."))
    return redirect("knowledge:list")
