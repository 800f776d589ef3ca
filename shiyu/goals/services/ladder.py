"""The supervision ladder of overdue milestones: the owner unit is reminded the day after the due
date; if the milestone is still not done `goals.escalate_after_days` days after its due date, the
supervisors are told. Each step is taken once: the step is claimed by a conditional UPDATE on
`ladder_stage`, and the notices' keys are unique per milestone and step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shiyu.audit.services import audit_record
from shiyu.core import citysettings, clock
from shiyu.goals.models import Milestone, Project
from shiyu.notifications.selectors import area_supervisor_ids, unit_staff_ids
from shiyu.notifications.services import Message, notify_users

ESCALATE_AFTER_DAYS = citysettings.declare(
    "goals.escalate_after_days",
    5,
    gettext_lazy("Days after a milestone's due date before supervisors are told"),
    minimum=0,
    maximum=365,
)

Stage = Milestone.Stage


@dataclass
class LadderResult:
    reminded: int = 0
    escalated: int = 0


def _claim(milestone_id: int, from_stage: str, to_stage: str, field: str) -> bool:
    now = clock.now()
    return bool(
        Milestone.objects.filter(pk=milestone_id, ladder_stage=from_stage, done_at__isnull=True).update(
            ladder_stage=to_stage, **{field: now}
        )
    )


def _notify(milestone: Milestone, step: str, user_ids: list[int]) -> None:
    project = milestone.project
    link = reverse("goals:project", kwargs={"project_id": project.pk})
    if step == Stage.REMINDED:
        title = _("Milestone overdue: %(title)s") % {"title": milestone.title}
    else:
        title = _("Milestone overdue, escalated: %(title)s") % {"title": milestone.title}
    body = _("Project %(project)s, unit %(unit)s, due %(due)s.") % {
        "project": project.title,
        "unit": project.owner_department.name,
        "due": milestone.due.isoformat(),
    }
    notify_users(
        user_ids=user_ids,
        message=Message(
            key=f"goals.milestone:{milestone.pk}:{step}", kind="milestone", title=title, body=body, link=link
        ),
    )


def milestone_ladder_run(*, today: date | None = None) -> LadderResult:
    """Take the due ladder steps of every overdue milestone. Safe to run any number of times."""
    today = today or timezone.localdate(clock.now())
    margin = timedelta(days=int(ESCALATE_AFTER_DAYS.get()))
    result = LadderResult()
    overdue = (
        Milestone.objects.filter(done_at__isnull=True, due__lt=today)
        .exclude(ladder_stage=Stage.ESCALATED)
        .exclude(project__status__in=(Project.Status.DONE, Project.Status.SUSPENDED))
        .select_related("project__owner_department", "project__owner_department__area")
    )
    for milestone in overdue.iterator():
        with transaction.atomic():
            if milestone.ladder_stage == Stage.NONE and _claim(
                milestone.pk, Stage.NONE, Stage.REMINDED, "reminded_at"
            ):
                dept = milestone.project.owner_department
                _notify(
                    milestone,
                    Stage.REMINDED,
                    unit_staff_ids(department_path=dept.path, roles=("unithead", "handler")),
                )
                audit_record(actor=None, verb="goals.milestone.remind", obj=milestone)
                result.reminded += 1
                continue
            if (
                milestone.ladder_stage == Stage.REMINDED
                and today >= milestone.due + margin
                and _claim(milestone.pk, Stage.REMINDED, Stage.ESCALATED, "escalated_at")
            ):
                area = milestone.project.owner_department.area
                _notify(
                    milestone, Stage.ESCALATED, area_supervisor_ids(area_path=area.path if area else None)
                )
                audit_record(actor=None, verb="goals.milestone.escalate", obj=milestone)
                result.escalated += 1
    return result
