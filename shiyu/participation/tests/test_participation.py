"""Proposals: moderation, one support per person, the threshold, the unit's response, pages, API."""

import pytest
from django.urls import reverse

from shiyu.accounts.services import membership_grant, user_create
from shiyu.audit.models import AuditEvent
from shiyu.core import citysettings, errors
from shiyu.core.models import CitySetting
from shiyu.notifications.models import Notification
from shiyu.participation import selectors, services
from shiyu.participation.models import Proposal, Support

pytestmark = pytest.mark.django_db


def set_setting(key, value):
    CitySetting.objects.update_or_create(key=key, defaults={"value": value})
    citysettings.invalidate()


@pytest.fixture
def residents(city):
    out = []
    for i in range(5):
        user = user_create(username=f"r{i}", password="x-pass-123", display_name=f"居民{i}号")
        membership_grant(user=user, role_code="resident")
        out.append(user)
    return out


@pytest.fixture
def gov_head(city):
    """The head of the district government (the unit that answers the district's communities)."""
    user = user_create(username="gov_head", password="x-pass-123", display_name="区长")
    membership_grant(user=user, role_code="unithead", department=city.departments["D01GOV"])
    return user


def _open(city, author, title="在小区增设电动车充电桩"):
    proposal = services.proposal_create(actor=author, area=city.communities[0].pk, title=title,
                                        body="小区电动车多，充电不便，飞线充电有安全隐患。")
    assert proposal.status == "pending"
    return services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk,
                                      decision="approve")


def test_create_needs_sign_in_and_a_community(city, residents):
    with pytest.raises(errors.Forbidden):
        services.proposal_create(actor=None, area=city.communities[0].pk, title="t", body="b")
    with pytest.raises(errors.InvalidInput) as exc:
        services.proposal_create(actor=residents[0], area=city.districts[0].pk, title="t", body="b")
    assert exc.value.field == "area"
    with pytest.raises(errors.InvalidInput) as exc:
        services.proposal_create(actor=residents[0], area=city.communities[0].pk, title=" ", body="b")
    assert exc.value.field == "title"
    assert Proposal.objects.count() == 0


def test_pending_proposals_are_not_public_until_approved(city, residents):
    proposal = services.proposal_create(actor=residents[0], area=city.communities[0].pk, title="增设路灯",
                                        body="小区北门没有路灯。")
    assert proposal not in selectors.proposal_list_public()
    with pytest.raises(errors.NotFound):
        selectors.proposal_get_for_user(actor=residents[1], proposal_id=proposal.pk)
    assert selectors.proposal_get_for_user(actor=residents[0], proposal_id=proposal.pk) == proposal
    with pytest.raises(errors.Forbidden):
        services.proposal_moderate(actor=residents[1], proposal_id=proposal.pk, decision="approve")
    with pytest.raises(errors.Forbidden):
        services.proposal_moderate(actor=city.users["handler"], proposal_id=proposal.pk, decision="approve")
    with pytest.raises(errors.InvalidInput):
        services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk, decision="hide")
    services.proposal_moderate(actor=city.users["operator"], proposal_id=proposal.pk, decision="approve")
    assert proposal in selectors.proposal_list_public()
    hidden = services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk,
                                        decision="hide", reason="含有不实信息")
    assert hidden.status == "hidden" and hidden.moderation_reason == "含有不实信息"
    assert proposal not in selectors.proposal_list_public()
    assert AuditEvent.objects.filter(verb="participation.proposal.hide", object_id=str(proposal.pk)).exists()


def test_one_support_per_person_and_not_your_own(city, residents):
    proposal = _open(city, residents[0])
    with pytest.raises(errors.Conflict):
        services.proposal_support(actor=residents[0], proposal_id=proposal.pk)
    services.proposal_support(actor=residents[1], proposal_id=proposal.pk)
    with pytest.raises(errors.Conflict):
        services.proposal_support(actor=residents[1], proposal_id=proposal.pk)
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1 == Support.objects.count()


def test_threshold_forwards_to_the_unit_and_notifies_it(city, residents, gov_head):
    set_setting("participation.support_threshold", 3)
    proposal = _open(city, residents[0])
    for user in residents[1:3]:
        assert services.proposal_support(actor=user, proposal_id=proposal.pk).status == "open"
    assert not Notification.objects.filter(recipient=gov_head).exists()
    proposal = services.proposal_support(actor=residents[3], proposal_id=proposal.pk)
    assert proposal.status == "forwarded" and proposal.support_count == 3
    assert proposal.department == city.departments["D01GOV"]
    assert Notification.objects.filter(recipient=gov_head, kind="proposal_forwarded").count() == 1
    # Past the threshold, support is closed.
    with pytest.raises(errors.Conflict):
        services.proposal_support(actor=residents[4], proposal_id=proposal.pk)
    assert [p.pk for p in selectors.response_queue(actor=gov_head)] == [proposal.pk]
    assert selectors.response_queue(actor=city.users["unithead"]) == []  # another unit


def test_support_period_ends(city, residents):
    set_setting("participation.support_threshold", 3)
    proposal = _open(city, residents[0])
    Proposal.objects.filter(pk=proposal.pk).update(support_until="2000-01-01T00:00:00Z")
    with pytest.raises(errors.Conflict):
        services.proposal_support(actor=residents[1], proposal_id=proposal.pk)
    assert Support.objects.count() == 0


def test_expired_proposals_close_once_and_tell_the_author(client, city, residents):
    set_setting("participation.support_threshold", 3)
    ended = _open(city, residents[0])
    running = _open(city, residents[0], title="增设社区图书角")
    services.proposal_support(actor=residents[1], proposal_id=ended.pk)
    Proposal.objects.filter(pk=ended.pk).update(support_until="2000-01-01T00:00:00Z")

    assert services.proposals_expire() == 1
    assert services.proposals_expire() == 0  # a second run (or a retried job) changes nothing
    ended.refresh_from_db()
    running.refresh_from_db()
    assert (ended.status, ended.support_count, running.status) == ("expired", 1, "open")
    notices = Notification.objects.filter(kind="proposal_expired")
    assert [n.recipient_id for n in notices] == [residents[0].pk]
    assert "1" in notices[0].body and "3" in notices[0].body
    assert AuditEvent.objects.filter(verb="participation.proposal.expire").count() == 1
    with pytest.raises(errors.Conflict):
        services.proposal_support(actor=residents[2], proposal_id=ended.pk)
    # Still public, listed under its own status, with nothing to support.
    assert ended in selectors.proposal_list_public(status="expired")
    page = client.get(reverse("participation-public:detail", args=[ended.pk])).content.decode()
    assert 'id="proposal-support"' not in page
    assert 'id="proposal-expired"' in page


def test_a_lowered_threshold_forwards_instead_of_expiring_and_expired_ones_can_be_hidden(
        city, residents, gov_head):
    set_setting("participation.support_threshold", 5)
    enough, short = _open(city, residents[0]), _open(city, residents[0], title="增设社区图书角")
    for resident in residents[1:4]:
        services.proposal_support(actor=resident, proposal_id=enough.pk)
    Proposal.objects.filter(pk__in=[enough.pk, short.pk]).update(support_until="2000-01-01T00:00:00Z")
    set_setting("participation.support_threshold", 3)
    assert services.proposals_expire() == 2
    enough.refresh_from_db()
    short.refresh_from_db()
    assert (enough.status, short.status) == ("forwarded", "expired")
    assert [n.title for n in Notification.objects.filter(kind="proposal_expired")] == [
        "您的建议附议期已结束：增设社区图书角"]
    assert Notification.objects.filter(kind="proposal_forwarded").exists()
    hidden = services.proposal_moderate(actor=city.users["supervisor"], proposal_id=short.pk, decision="hide",
                                        reason="含有个人信息")
    assert hidden.status == "hidden"
    assert hidden not in selectors.proposal_list_public()


def test_the_expiry_job_is_declared_periodic():
    from shiyu.core.periodic import jobs
    from shiyu.participation import tasks  # noqa: F401  (declares the job)

    assert jobs()["participation.expire"].every.total_seconds() == 3600


def test_response_accept_and_decline(client, city, residents, gov_head):
    set_setting("participation.support_threshold", 1)
    proposal = _open(city, residents[0])
    services.proposal_support(actor=residents[1], proposal_id=proposal.pk)
    with pytest.raises(errors.Forbidden):
        services.proposal_respond(actor=city.users["unithead"], proposal_id=proposal.pk, decision="accept",
                                  response="同意")
    with pytest.raises(errors.InvalidInput):
        services.proposal_respond(actor=gov_head, proposal_id=proposal.pk, decision="accept", response="")
    done = services.proposal_respond(actor=gov_head, proposal_id=proposal.pk, decision="accept",
                                     response="已列入年度民生实事项目，年内建成。")
    assert done.status == "accepted" and done.responded_at is not None
    # The unit head may not start projects (goals' permission): a goal manager does, from the queue.
    assert done.project_ref == "" and selectors.progress(done) is None
    assert [p.pk for p in selectors.project_queue(actor=city.users["supervisor"])] == [done.pk]
    with pytest.raises((errors.Forbidden, errors.NotFound)):
        services.proposal_project_create(actor=gov_head, proposal_id=done.pk)
    done = services.proposal_project_create(actor=city.users["supervisor"], proposal_id=done.pk)
    again = services.proposal_project_create(actor=city.users["supervisor"], proposal_id=done.pk)
    assert done.project_ref.startswith("project:") and again.project_ref == done.project_ref
    progress = selectors.progress(done)
    assert progress is not None and 0 <= progress["progress"] <= 1
    page = client.get(reverse("participation-public:detail", args=[done.pk])).content.decode()
    assert progress["title"] in page and "proposal-progress" in page
    # Supporters and the author hear of it.
    assert Notification.objects.filter(kind="proposal_response",
                                       recipient__in=[residents[0], residents[1]]).count() == 2
    with pytest.raises(errors.IllegalTransition):
        services.proposal_respond(actor=gov_head, proposal_id=proposal.pk, decision="decline", response="x")
    other = _open(city, residents[2], title="增设健身器材")
    services.proposal_support(actor=residents[3], proposal_id=other.pk)
    declined = services.proposal_respond(actor=gov_head, proposal_id=other.pk, decision="decline",
                                         response="场地不足，暂不实施。")
    assert declined.status == "declined" and declined.project_ref == ""


def test_public_pages_show_no_personal_data(client, city, residents):
    residents[0].email = "juming@example.cn"
    residents[0].save()
    proposal = _open(city, residents[0])
    for url in (reverse("participation-public:list"),
                reverse("participation-public:detail", args=[proposal.pk]), reverse("api:proposals"),
                reverse("api:proposal-detail", args=[proposal.pk])):
        body = client.get(url).content.decode()
        assert "在小区增设电动车充电桩" in body or "\\u5728" in body, url
        for secret in ("居民0号", "r0", "juming@example.cn"):
            assert secret not in body, (url, secret)
    assert "居*" in client.get(reverse("participation-public:detail", args=[proposal.pk])).content.decode()


def test_pages_propose_and_support(client, city, residents):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get(reverse("participation-public:new")).status_code == 302
    client.force_login(residents[0])
    response = client.post(reverse("participation-public:new"), {"area": city.communities[0].pk,
                                                                  "title": "", "body": "内容"})
    assert response.status_code == 422 and Proposal.objects.count() == 0
    response = client.post(reverse("participation-public:new"), {
        "area": city.communities[0].pk, "title": "修缮小区围墙", "body": "围墙多处破损。"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.status == "pending"
    services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk, decision="approve")
    client.force_login(residents[1])
    client.post(reverse("participation-public:support", args=[proposal.pk]))
    client.post(reverse("participation-public:support", args=[proposal.pk]))
    assert Proposal.objects.get().support_count == 1


def test_api_create_and_support(client, city, residents):
    from shiyu.accounts.services import token_issue

    token = token_issue(username="r0", password="x-pass-123")
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(reverse("api:proposal-create"),
                           {"area": city.communities[0].pk, "title": "增设长椅", "body": "公园里没有座椅。"},
                           content_type="application/json", headers=auth)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert client.post(reverse("api:proposal-create"), {"area": 1, "title": "x", "body": "y"},
                       content_type="application/json").status_code == 401
    pk = response.json()["id"]
    services.proposal_moderate(actor=city.users["supervisor"], proposal_id=pk, decision="approve")
    token1 = token_issue(username="r1", password="x-pass-123")
    url = reverse("api:proposal-support", args=[pk])
    first = client.post(url, headers={"Authorization": f"Bearer {token1}"})
    second = client.post(url, headers={"Authorization": f"Bearer {token1}"})
    assert first.status_code == 200 and first.json()["support_count"] == 1
    assert second.status_code == 409 and second.json()["code"] == "conflict"


def test_staff_queue_and_masked_free_text(client, city, residents):
    proposal = services.proposal_create(actor=residents[0], area=city.communities[0].pk, title="修路灯",
                                        body="联系我 13912345678 或 a@b.cn，北门路灯坏了。")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(city.users["supervisor"])
    page = client.get(reverse("participation:queue")).content.decode()
    assert f'id="mod-{proposal.pk}"' in page and "Accepted proposals without a project" in page
    assert "<title>Community proposals" in page.replace("\n", "")
    services.proposal_moderate(actor=city.users["supervisor"], proposal_id=proposal.pk, decision="approve")
    client.logout()
    public = client.get(reverse("participation-public:detail", args=[proposal.pk])).content.decode()
    assert "13912345678" not in public and "a@b.cn" not in public and "北门路灯坏了" in public
    client.force_login(city.users["handler"])
    assert client.get(reverse("participation:queue")).status_code == 403
