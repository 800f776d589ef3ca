"""A merged case keeps its submitter informed: when the surviving case is replied to or closed,
the merged case's resident gets the news by email, with their own tracking link, once."""

import pytest
from django.test import override_settings

from shiyu.cases import services as case_services
from shiyu.notifications.models import Outbox

pytestmark = pytest.mark.django_db

FIRST = {"title": "解放路口路灯不亮", "body": "解放路和和平街交叉口的路灯已经一周不亮了。",
         "category": "C010302"}
SECOND = {"title": "解放路口的路灯坏了", "body": "和平街与解放路交叉口路灯一周都不亮。",
          "category": "C010302", "contact_email": "follower@example.org", "contact_phone": ""}
THIRD = {"title": "解放路路灯", "body": "解放路路灯不亮。", "category": "C010302", "contact_email": "",
         "contact_phone": "13900000000"}  # no email, and SMS to residents is off: nothing sent


def _to_follower(case):
    return Outbox.objects.filter(key__startswith=f"case:{case.pk}:", key__endswith=":follower")


@override_settings(SHIYU_BASE_URL="https://12345.example.gov.cn")
def test_the_merged_submitter_hears_when_the_survivor_is_replied_and_closed(city, submit_case):
    u = city.users
    first, second, third = submit_case(**FIRST), submit_case(**SECOND), submit_case(**THIRD)
    for dup in (second, third):
        case_services.case_merge(actor=u["operator"], case_id=dup.pk, target_id=first.pk)
    case_services.case_accept(actor=u["operator"], case_id=first.pk)
    case_services.case_dispatch(actor=u["dispatcher"], case_id=first.pk,
                                lead_department=city.departments["CGJ"])
    case_services.case_acknowledge(actor=u["handler"], case_id=first.pk)
    before = set(_to_follower(second).values_list("pk", flat=True))
    case_services.case_reply(actor=u["handler"], case_id=first.pk, text="路灯已修复。")
    case_services.case_close(actor=u["operator"], case_id=first.pk)
    sent = _to_follower(second).exclude(pk__in=before).order_by("pk")
    assert sent.count() == 2  # replied, closed
    for row in sent:
        assert row.channel == "email" and row.address == "follower@example.org"
        assert f"https://12345.example.gov.cn/track/{second.code}/" in row.body
        # Neither the survivor's code nor its reply text nor anyone's contact goes to a follower.
        assert first.code not in row.body and "路灯已修复" not in row.body and "13900000000" not in row.body
    assert not Outbox.objects.filter(key__startswith=f"case:{third.pk}:").exists()


def test_no_news_for_followers_on_a_step_that_does_not_change_the_state(city, submit_case):
    u = city.users
    first, second = submit_case(**FIRST), submit_case(**SECOND)
    case_services.case_merge(actor=u["operator"], case_id=second.pk, target_id=first.pk)
    count = _to_follower(second).count()
    case_services.case_comment(actor=u["operator"], case_id=first.pk, text="已联系现场")
    assert _to_follower(second).count() == count
