"""Long-standing problems: the incoming cases each is about, counted per month from live cases."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shiyu.cases.models import Case
from shiyu.goals.models import LongStandingProblem
from shiyu.goals.selectors.indicators import today


def cases_q(problem: LongStandingProblem) -> Q:
    """The cases a problem is about: under any of its categories AND in any of its areas AND
    (when it has keywords) mentioning any keyword in the title or body. Merged duplicates are
    not counted twice."""
    q = Q(merged_into__isnull=True)
    categories = [c.path for c in problem.categories.all()]
    if categories:
        cq = Q(pk__in=[])
        for path in categories:
            cq |= Q(category__path__startswith=path)
        q &= cq
    areas = [a.path for a in problem.areas.all()]
    if areas:
        aq = Q(pk__in=[])
        for path in areas:
            aq |= Q(area__path__startswith=path)
        q &= aq
    words = problem.keywords.split()
    if words:
        kq = Q(pk__in=[])
        for word in words:
            kq |= Q(title__contains=word) | Q(body__contains=word)
        q &= kq
    return q


def monthly_counts(
    problem: LongStandingProblem, *, year: int | None = None, as_of: date | None = None
) -> list[dict[str, Any]]:
    """Incoming cases per calendar month of the problem's year, up to the current month."""
    year = year or problem.year
    as_of = as_of or today()
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=tz)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz)
    rows = (
        Case.objects.filter(cases_q(problem), submitted_at__gte=start, submitted_at__lt=end)
        .annotate(month=TruncMonth("submitted_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
    )
    found = {(r["month"].year, r["month"].month): r["n"] for r in rows}
    last = 12 if year < as_of.year else (as_of.month if year == as_of.year else 0)
    return [{"month": f"{year}-{m:02d}", "count": found.get((year, m), 0)} for m in range(1, last + 1)]


def problem_list(*, year: int | None = None, public_only: bool = False) -> QuerySet[LongStandingProblem]:
    qs = LongStandingProblem.objects.prefetch_related("categories", "areas").select_related(
        "owner_department"
    )
    if year:
        qs = qs.filter(year=year)
    if public_only:
        qs = qs.filter(is_public=True)
    return qs


def problem_view(problem: LongStandingProblem) -> dict[str, Any]:
    months = monthly_counts(problem)
    counts = [m["count"] for m in months]
    first, latest = (counts[0], counts[-1]) if counts else (None, None)
    change = None if not first or latest is None else (latest - first) / first
    view: dict[str, Any] = {
        "problem": problem,
        "id": problem.pk,
        "year": problem.year,
        "title": problem.title,
        "description": problem.description,
        "status": problem.status,
        "categories": [c.name for c in problem.categories.all()],
        "areas": [a.name for a in problem.areas.all()],
        "keywords": problem.keywords,
        "owner": problem.owner_department.name if problem.owner_department else "",
        "months": months,
        "first": first,
        "latest": latest,
        "change": change,
        "change_pct": None if change is None else round(change * 100),
    }
    return view
