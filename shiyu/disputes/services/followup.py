"""Agreement performance follow-up: the reminder when the deadline has passed (periodic job)."""

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts.models import Membership
from shiyu.accounts.services import system_user
from shiyu.core import clock
from shiyu.disputes import workflow
from shiyu.disputes.models import Agreement, Dispute
from shiyu.disputes.services._core import (
    _apply,
)
from shiyu.notifications.services import Message, notify_users


@transaction.atomic
def dispute_performance_remind(*, dispute_id: int) -> bool:
    """The performance deadline has passed: tell the mediator (or the committee) to follow up.
    Safe to run twice: the agreement's reminded_at is claimed by one conditional update."""
    now = clock.now()
    claimed = Agreement.objects.filter(
        dispute_id=dispute_id,
        reminded_at__isnull=True,
        performance=Agreement.Performance.PENDING,
        performance_deadline__lte=now,
        dispute__state=workflow.State.AGREED,
    ).update(reminded_at=now)
    if not claimed:
        return False
    dispute = Dispute.objects.select_related("committee", "area").get(pk=dispute_id)
    _apply(actor=system_user(), dispute=dispute, action="remind", version=None, payload={})
    who = (
        [dispute.mediator_id]
        if dispute.mediator_id
        else list(
            Membership.objects.filter(role__code="mediator", department=dispute.committee).values_list(
                "user_id", flat=True
            )
        )
    )
    notify_users(
        user_ids=[u for u in who if u],
        message=Message(
            key=f"dispute:{dispute.pk}:performance-due",
            kind="dispute_performance_due",
            title=_("Follow up the agreement of dispute #%(id)s: its deadline has passed")
            % {"id": dispute.pk},
            link=f"/staff/disputes/{dispute.pk}/",
        ),
    )
    return True


def agreements_due_sweep() -> int:
    """Remind every agreement whose deadline has passed (the periodic job). How many were new."""
    due = Agreement.objects.filter(
        reminded_at__isnull=True,
        performance=Agreement.Performance.PENDING,
        performance_deadline__lte=clock.now(),
        dispute__state=workflow.State.AGREED,
    ).values_list("dispute_id", flat=True)
    return sum(1 for dispute_id in list(due[:1000]) if dispute_performance_remind(dispute_id=dispute_id))
