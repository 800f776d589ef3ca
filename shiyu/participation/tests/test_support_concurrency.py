"""Many people, and one person clicking twice, supporting at the same moment: each person counts
once, the count equals the rows, and the threshold forwards exactly once."""

import pytest

from shiyu.accounts.services import membership_grant, user_create
from shiyu.core import citysettings, errors
from shiyu.core.models import CitySetting
from shiyu.participation import services
from shiyu.participation.models import Proposal, Support
from tests.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(city):
    CitySetting.objects.update_or_create(key="participation.support_threshold", defaults={"value": 4})
    citysettings.invalidate()
    users = []
    for i in range(6):
        user = user_create(username=f"c{i}", password="x-pass-123", display_name=f"居民{i}")
        membership_grant(user=user, role_code="resident")
        users.append(user)
    proposal = services.proposal_create(actor=users[0], area=city.communities[0].pk, title="增设充电桩",
                                        body="充电不便。")
    services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk, decision="approve")
    yield users, proposal
    citysettings.invalidate()


def test_double_click_counts_once(setup):
    users, proposal = setup
    results = race(*[lambda: services.proposal_support(actor=users[1], proposal_id=proposal.pk)] * 4)
    assert sum(isinstance(r, Proposal) for r in results) == 1
    assert all(isinstance(r, errors.Conflict) for r in results if not isinstance(r, Proposal))
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1


def test_concurrent_supporters_cross_the_threshold_once(setup):
    users, proposal = setup
    results = race(*[(lambda u=u: services.proposal_support(actor=u, proposal_id=proposal.pk))
                     for u in users[1:]])
    done = Proposal.objects.get(pk=proposal.pk)
    supports = Support.objects.filter(proposal=proposal).count()
    # Four are counted (the threshold), the fifth finds the proposal forwarded.
    assert supports == done.support_count == 4
    assert done.status == "forwarded"
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1
    from shiyu.audit.models import AuditEvent
    forwards = AuditEvent.objects.filter(verb="participation.proposal.forward", object_id=str(proposal.pk))
    assert forwards.count() == 1
