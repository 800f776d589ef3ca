"""Reply quality: the pure scorer on generated good and bad replies, and the supervisor's hold."""

import random

import pytest

from shiyu.audit.models import AuditEvent
from shiyu.cases import replyquality, services, workflow
from shiyu.cases.models import Case, CaseEvent
from shiyu.core import citysettings, errors
from shiyu.core.models import CitySetting

# (title, body, the facts a good reply gives about it)
MESSAGES = [
    ("小区门口夜间施工噪音扰民",
     "旁边工地每天夜里施工到凌晨两点，噪音很大。请问夜间施工是否办理了许可？什么时候能停止？",
     "经核查，该工地未办理夜间施工许可，生态环境局已责令其停止夜间施工噪音作业，夜间施工许可须经审批"),
    ("拖欠工资三个月", "公司拖欠我们三个月工资，老板失联。能否帮我们追讨工资？应该去哪里投诉？",
     "劳动保障监察大队已立案调查该公司拖欠工资问题，已追讨工资并督促支付，投诉可到区劳动保障监察大队"),
    ("路灯不亮很久了", "解放路口的路灯坏了一个多月，晚上很黑。希望尽快修好路灯。",
     "市政设施管理处已派人检修解放路口路灯，更换了损坏的灯具，路灯已恢复照明"),
    ("孩子入学报名问题", "随迁子女入学需要准备哪些材料？报名时间是什么时候？",
     "随迁子女入学报名须准备居住证、户口簿和房屋租赁合同，报名时间为每年5月至6月，在招生平台网上报名"),
]
GREETINGS = ["您好！", "网友您好：", "尊敬的市民：您好！"]
THANKS = ["感谢您对我们工作的关心和支持。", "谢谢您的反映。"]
CLOSINGS = ["如有疑问，可拨打12345热线咨询。特此答复。", "再次感谢您的理解与支持。"]
BAD = [
    "已收悉。",
    "您的留言已收悉。",
    "此事不归我们管，爱找谁找谁。",
    "网友您好！我们会研究。",
]


def good_reply(rng, facts):
    return (f"{rng.choice(GREETINGS)}{rng.choice(THANKS)}关于您反映的问题，现答复如下：{facts}。"
            f"{rng.choice(CLOSINGS)}")


def test_generated_good_replies_score_high_and_bad_ones_low():
    rng = random.Random(11)
    good, bad = [], []
    for _ in range(5):
        for title, body, facts in MESSAGES:
            good.append(replyquality.score_reply(title=title, body=body, reply=good_reply(rng, facts),
                                                 working_hours=20, limit_hours=80).overall)
            bad.append(replyquality.score_reply(title=title, body=body, reply=rng.choice(BAD),
                                                working_hours=20, limit_hours=80).overall)
    assert min(good) >= 0.7, min(good)
    assert max(bad) < 0.5, max(bad)


def test_each_part_and_its_reasons():
    title, body, facts = MESSAGES[0]
    off_topic = replyquality.score_reply(
        title=title, body=body,
        reply="您好！感谢您的反映。关于公交线路调整，公交公司将增开班次，方便市民出行，具体时刻表已在站台公示。"
              "如有疑问请致电咨询。特此答复。" * 2)
    assert off_topic.relevance < 0.5
    assert {r.code for r in off_topic.reasons} >= {"off_topic", "unanswered"}
    rude = replyquality.score_reply(title=title, body=body, reply=f"{facts}。这事与我们无关，别烦。")
    assert rude.politeness == 0 and rude.overall <= 0.3
    assert any(r.code == "rude" and "与我们无关" in r.text() for r in rude.reasons)
    curt = replyquality.score_reply(title=title, body=body, reply=f"{facts}。")
    assert {"no_greeting", "no_thanks", "no_closing"} <= {r.code for r in curt.reasons}
    late = replyquality.score_reply(title=title, body=body, reply=good_reply(random.Random(1), facts),
                                    working_hours=200, limit_hours=80)
    assert late.timeliness is not None and 0 < late.timeliness < 1
    assert any(r.code == "late" for r in late.reasons)
    assert replyquality.score_reply(title=title, body=body, reply=facts).timeliness is None
    # Stored and shown again in words.
    texts = replyquality.reason_texts(late.as_data()["reasons"])
    assert texts and all(isinstance(t, str) and t for t in texts)


def test_completeness_counts_the_points_answered():
    title = "入学和户口问题"
    body = "随迁子女入学需要哪些材料？户口迁移在哪里办理？"
    half = replyquality.score_reply(title=title, body=body,
                                    reply="您好！随迁子女入学须准备居住证、户口簿和租赁合同等材料，" * 3)
    full = replyquality.score_reply(title=title, body=body,
                                    reply="您好！随迁子女入学须准备居住证、户口簿和租赁合同等材料；户口迁移请到"
                                          "辖区派出所户籍窗口办理迁移手续。" * 2)
    assert full.completeness > half.completeness


# ---- the hold (cases workflow) --------------------------------------------------------------

@pytest.fixture
def hold(db):
    def set_(on: bool, threshold: float = 0.5):
        CitySetting.objects.update_or_create(key="replyquality.hold", defaults={"value": on})
        CitySetting.objects.update_or_create(key="replyquality.threshold", defaults={"value": threshold})
        citysettings.invalidate()
    yield set_
    citysettings.invalidate()


def _in_progress(city, submit_case):
    title, body, _facts = MESSAGES[0]
    case = submit_case(title=title, body=body, category="C020101")
    u = city.users
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    services.case_acknowledge(actor=u["handler"], case_id=case.pk)
    return case


def test_reply_scored_without_hold_by_default(city, submit_case):
    case = _in_progress(city, submit_case)
    done = services.case_reply(actor=city.users["handler"], case_id=case.pk, text="已收悉。")
    assert done.state == "replied"
    event = CaseEvent.objects.filter(case=case, action="reply").get()
    assert event.data["quality"]["overall"] < 0.5 and event.data["quality"]["reasons"]


def test_low_reply_is_held_then_returned_then_sent(city, submit_case, hold, client):
    hold(True)
    case = _in_progress(city, submit_case)
    u = city.users
    held = services.case_reply(actor=u["handler"], case_id=case.pk, text="已收悉。")
    assert held.state == "in_progress" and held.held_reply_text == "已收悉。" and not held.reply_text
    event = CaseEvent.objects.filter(case=case, action="reply_hold").get()
    assert not event.is_public
    # The handler cannot release it; the supervisor sees the review actions.
    with pytest.raises(errors.Forbidden):
        services.case_reply_approve(actor=u["handler"], case_id=case.pk)
    from shiyu.cases.selectors import case_actions_for_user
    assert {"reply_approve", "reply_reject"} <= set(case_actions_for_user(actor=u["supervisor"], case=held))
    returned = services.case_reply_reject(actor=u["supervisor"], case_id=case.pk, reason="未回应施工许可问题")
    assert returned.held_reply_text is None and returned.state == "in_progress"
    with pytest.raises(errors.Conflict):
        services.case_reply_approve(actor=u["supervisor"], case_id=case.pk)
    # A good reply goes straight out.
    _t, _b, facts = MESSAGES[0]
    sent = services.case_reply(actor=u["handler"], case_id=case.pk, text=good_reply(random.Random(3), facts))
    assert sent.state == "replied" and sent.held_reply_text is None
    # Timeline shows the score and reasons to the handler.
    client.force_login(u["handler"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Reply quality" in page


def test_supervisor_sends_the_held_reply(city, submit_case, hold):
    hold(True, 0.99)
    case = _in_progress(city, submit_case)
    u = city.users
    services.case_reply(actor=u["handler"], case_id=case.pk, text="已责令停止夜间施工。")
    sent = services.case_reply_approve(actor=u["supervisor"], case_id=case.pk, note="可以")
    assert sent.state == "replied" and sent.reply_text == "已责令停止夜间施工。" and sent.replied_at
    assert Case.objects.get(pk=case.pk).held_reply_text is None
    assert AuditEvent.objects.filter(verb="case.reply_approve", object_id=str(case.pk)).exists()
    # The event stream still replays to the case's state.
    events = CaseEvent.objects.filter(case=case).order_by("created_at", "pk")
    assert workflow.replay((e.action, e.data) for e in events) == workflow.State.REPLIED
