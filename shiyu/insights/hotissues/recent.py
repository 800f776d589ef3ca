"""Hot issues over the city's recent cases (the one database reader of hot issues)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from shiyu.core import clock
from shiyu.insights.hotissues.algorithm import HotIssue, Message, cluster

# Clustering is quadratic in the worst case: a month of a big city is sampled to its newest cases.
MAX_CASES = 5000


def recent_messages(*, actor: Any = None, days: int = 30, until: datetime | None = None) -> list[Message]:
    from shiyu.cases.models import Case
    from shiyu.cases.selectors import case_list_for_user

    until = until or clock.now()
    since = until - timedelta(days=max(1, days))
    qs = case_list_for_user(actor=actor) if actor is not None else Case.objects.all()
    rows = (qs.filter(submitted_at__gte=since, submitted_at__lt=until).order_by("-submitted_at")
            .values_list("id", "title", "body", "submitted_at", "submitter_id")[:MAX_CASES])
    # The submitter is only counted (distinct people), never shown: an opaque key is enough.
    return [Message(id=str(pk), title=title, body=body, time=at,
                    submitter=f"u{sub}" if sub else f"c{pk}") for pk, title, body, at, sub in rows]


def hot_issues_recent(*, actor: Any = None, days: int = 30, top: int = 10) -> list[HotIssue]:
    """The hottest issues among the cases of the last `days` days (those the actor may see)."""
    return cluster(recent_messages(actor=actor, days=days), top=top, now=clock.now())


def hot_issues_between(*, start: date, end: date, top: int = 5) -> list[HotIssue]:
    """The hottest issues among the cases submitted on local days start..end (system scope: for
    the analysis reports, which show places and keywords, never texts)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    days = (end - start).days + 1
    return cluster(recent_messages(days=days, until=until), top=top, now=until)
