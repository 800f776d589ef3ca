"""What a case's moves tell people: the lead unit's staff, residents by email; the staff inbox
pages with the unread count in the header; pause and resume from the case page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from shiyu.cases import services
from shiyu.cases.models import Case
from shiyu.notifications.models import Notification, Outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def u(city):
    return city.users


def test_residents_with_an_email_hear_of_accept_reply_close_and_reopen(submit_case, u, city,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(contact_email="chen@example.cn")
        services.case_accept(actor=u["operator"], case_id=case.pk)
        services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                               lead_department=city.departments["HBJ"])
        services.case_acknowledge(actor=u["handler"], case_id=case.pk)
        services.case_reply(actor=u["handler"], case_id=case.pk, text="已处理。")
        services.case_close(actor=u["operator"], case_id=case.pk)
        services.case_reopen(actor=u["supervisor"], case_id=case.pk, reason="问题复发")
    to_resident = [m for m in mail.outbox if m.to == ["chen@example.cn"]]
    assert len(to_resident) == 4
    bodies = "\n".join(m.body for m in to_resident)
    assert case.code in bodies and f"/track/{case.code}/" in bodies
    assert "陈先生" not in bodies and "13812345678" not in bodies  # no personal data in the text
    # Dispatch and acknowledge are not among the changes a resident is written to about.
    rows = Outbox.objects.filter(key__startswith=f"case:{case.pk}:", key__endswith=":resident")
    assert rows.count() == 4 and set(rows.values_list("status", flat=True)) == {"sent"}
    # Once sent, the row keeps neither the resident's address nor the text.
    assert {(r.address, r.body) for r in rows} == {("", "")}


def test_residents_without_an_email_get_nothing_by_default(submit_case, u):
    case = submit_case()
    services.case_accept(actor=u["operator"], case_id=case.pk)
    assert not Outbox.objects.filter(key__startswith=f"case:{case.pk}:").exists()


def test_dispatch_notifies_the_lead_units_staff(submit_case, u, city):
    case = submit_case()
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    for who in ("handler", "unithead"):
        item = Notification.objects.get(recipient=u[who], kind="assigned")
        assert case.code in item.title and item.link == reverse("cases:case", kwargs={"case_id": case.pk})
    assert not Notification.objects.filter(recipient=u["handler_jtj"]).exists()


def test_inbox_page_unread_count_and_mark_read(submit_case, u, city):
    case = submit_case()
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    client = Client()
    client.force_login(u["handler"])
    page = client.get(reverse("cases:workbench")).content.decode()
    assert 'id="inbox-unread"' in page and ">1</span>" in page
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert case.code in inbox
    item = Notification.objects.get(recipient=u["handler"])
    other = Client()
    other.force_login(u["unithead"])
    assert other.post(reverse("notifications:read", kwargs={"notification_id": item.pk})).status_code == 404
    assert Notification.objects.get(pk=item.pk).read_at is None
    response = client.post(reverse("notifications:read", kwargs={"notification_id": item.pk}), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == item.link
    assert Notification.objects.get(pk=item.pk).read_at is not None
    page = client.get(reverse("cases:workbench")).content.decode()
    assert 'id="inbox-unread"' not in page
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert Notification.objects.filter(recipient=u["unithead"], read_at__isnull=True).count() == 1


def test_pause_and_resume_from_the_case_page(submit_case, u, city):
    case = submit_case()
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    case = services.case_acknowledge(actor=u["handler"], case_id=case.pk)
    client = Client()
    client.force_login(u["handler"])
    page = client.get(reverse("cases:case", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="case-deadlines"' in page and 'data-clock="reply"' in page
    url = reverse("cases:case-action", kwargs={"case_id": case.pk, "action": "pause"})
    assert client.post(url, {"version": case.version, "reason": ""}).status_code == 422
    assert client.post(url, {"version": case.version, "reason": "等待居民补充照片"}).status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.paused_at is not None and case.pause_reason == "等待居民补充照片"
    page = client.get(reverse("cases:case", kwargs={"case_id": case.pk})).content.decode()
    assert 'id="case-paused"' in page
    url = reverse("cases:case-action", kwargs={"case_id": case.pk, "action": "resume"})
    assert client.post(url, {"version": case.version}).status_code == 302
    assert Case.objects.get(pk=case.pk).paused_at is None
