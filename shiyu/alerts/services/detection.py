"""Detection: turn the case stream into alerts (run by the periodic job, safe to re-run).

- Spikes: every district × first-level-category series of daily intake (insights' rollups) is
  tested with `shiyu.alerts.detector` for the last complete day; while a series' alert of the
  last SPIKE_MERGE_DAYS days is open, further spike days of that series add no alert.
- Repeated complaints: the hot-issue clustering over the last REPEAT_DAYS days; a group of at
  least REPEAT_MIN cases naming the same place is one alert while it stays open.
- High-risk disputes: the open ones the disputes app reports (`disputes_high_risk`).
Each finding has a dedupe key; `alert_raise` ignores a key it has seen, so a re-run adds nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from shiyu.alerts import detector
from shiyu.alerts.models import Alert
from shiyu.alerts.services.lifecycle import FALSE_ALARM_RATE, alert_raise
from shiyu.core import citysettings, clock

REPEAT_DAYS = citysettings.declare(
    "alerts.repeat_days",
    7,
    gettext_lazy("Early warning: days looked back for repeated complaints"),
    minimum=1,
    maximum=90,
)
REPEAT_MIN = citysettings.declare(
    "alerts.repeat_min_cases",
    3,
    gettext_lazy("Early warning: cases about one place and matter that make a repeated-complaint alert"),
    minimum=2,
    maximum=100,
)
HISTORY_DAYS = detector.HISTORY_DAYS
# A series still above its baseline a few days after an alert that is not closed is the same spike.
SPIKE_MERGE_DAYS = 3


def _local_today() -> date:
    return timezone.localdate(clock.now())


def detect_spikes(*, day: date | None = None) -> list[Alert]:
    from shiyu.cases.models import Category
    from shiyu.geo.models import Area
    from shiyu.insights.selectors import daily_counts

    day = day or _local_today() - timedelta(days=1)
    start = day - timedelta(days=HISTORY_DAYS)
    series = daily_counts(start=start, end=day, area_level="district", category_level=1)
    alpha = float(FALSE_ALARM_RATE.get())
    raised = []
    ordered = sorted(series.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0))
    for (area_id, category_id), counts in ordered:
        if not counts[-1]:
            continue
        found = detector.detect(counts, start, alpha=alpha, only_last=1)
        if not found or not found[-1].alert:
            continue
        d = found[-1]
        ongoing = Alert.objects.filter(
            Q(area_id=area_id) if area_id else Q(area__isnull=True),
            Q(category_id=category_id) if category_id else Q(category__isnull=True),
            kind=Alert.Kind.SPIKE,
            day__gte=day - timedelta(days=SPIKE_MERGE_DAYS),
            day__lt=day,
            status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED],
        )
        if ongoing.exists():
            continue  # the same spike going on: its open alert already calls for attention
        area = Area.objects.filter(pk=area_id).first() if area_id else None
        category = Category.objects.filter(pk=category_id).first() if category_id else None
        title = (
            f"{area.name if area else '—'} · {category.name if category else '—'}: "
            f"{d.observed} / {d.expected:.1f}"
        )
        alert, created = alert_raise(
            kind=Alert.Kind.SPIKE,
            dedupe_key=f"spike:{day.isoformat()}:{area_id}:{category_id}",
            title=title,
            day=day,
            area_id=area_id,
            category_id=category_id,
            department_id=category.default_department_id if category else None,
            observed=d.observed,
            expected=d.expected,
            p_value=d.p_value,
            detail={"series": counts[-28:], "start": (day - timedelta(days=27)).isoformat()},
        )
        if created:
            raised.append(alert)
    return raised


def detect_repeats(*, now=None) -> list[Alert]:
    from shiyu.cases.models import Case
    from shiyu.insights.hotissues.algorithm import cluster
    from shiyu.insights.hotissues.recent import recent_messages

    now = now or clock.now()
    minimum = int(REPEAT_MIN.get())
    messages = recent_messages(days=int(REPEAT_DAYS.get()))
    raised = []
    for issue in cluster(messages, top=50, now=now):
        if len(issue.ids) < minimum or not issue.place:
            continue
        ids = sorted(int(i) for i in issue.ids)
        open_same = Alert.objects.filter(kind=Alert.Kind.REPEAT, detail__place=issue.place).exclude(
            status__in=[Alert.Status.RESOLVED, Alert.Status.FALSE_ALARM]
        )
        if open_same.exists():
            continue  # still being handled: one alert per place and matter
        closed = (
            Alert.objects.filter(kind=Alert.Kind.REPEAT, detail__place=issue.place)
            .order_by("-closed_at")
            .first()
        )
        rows = list(
            Case.objects.filter(pk__in=ids).values_list(
                "area_id", "category_id", "lead_department_id", "submitted_at"
            )
        )
        if closed is not None and closed.closed_at and not any(r[3] > closed.closed_at for r in rows):
            continue  # nothing new since it was closed
        area_id = Counter(r[0] for r in rows if r[0]).most_common(1)
        category_id = Counter(r[1] for r in rows if r[1]).most_common(1)
        department_id = Counter(r[2] for r in rows if r[2]).most_common(1)
        alert, created = alert_raise(
            kind=Alert.Kind.REPEAT,
            dedupe_key=f"repeat:{issue.place}:{ids[-1]}",
            # Place and keywords, not a resident's own words: alert titles go into the reports.
            title=f"{issue.place}: {' '.join(issue.keywords[:4])}"[:200],
            day=issue.period[1] if issue.period else now.date(),
            area_id=area_id[0][0] if area_id else None,
            category_id=category_id[0][0] if category_id else None,
            department_id=department_id[0][0] if department_id else None,
            observed=len(ids),
            detail={
                "place": issue.place,
                "case_ids": ids,
                "keywords": issue.keywords,
                "heat": round(issue.heat, 1),
            },
        )
        if created:
            raised.append(alert)
    return raised


def import_disputes(*, now=None) -> list[Alert]:
    try:
        from shiyu.disputes.selectors import disputes_high_risk
    except ImportError:  # the disputes app is optional for early warning
        return []
    now = now or clock.now()
    raised = []
    for d in disputes_high_risk(since=now - timedelta(days=30)):
        alert, created = alert_raise(
            kind=Alert.Kind.DISPUTE,
            dedupe_key=f"dispute:{d['id']}",
            title=f"#{d['id']} {d['type']}",
            day=d["created_at"].date(),
            area_id=d.get("area_id"),
            observed=1,
            detail={
                "dispute_id": d["id"],
                "type": d["type"],
                "risk_reasons": list(d.get("risk_reasons") or []),
            },
        )
        if created:
            raised.append(alert)
    return raised


def alerts_detect(*, day: date | None = None) -> dict[str, int]:
    """All three detectors; the number of new alerts of each kind."""
    return {
        "spike": len(detect_spikes(day=day)),
        "repeat": len(detect_repeats()),
        "dispute": len(import_disputes()),
    }
