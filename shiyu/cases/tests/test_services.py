"""The case services against a real database: every verb writes the case, its event and audit."""

import pytest

from shiyu.accounts import policies
from shiyu.accounts.services import role_permission_set, system_user
from shiyu.audit.models import AuditEvent
from shiyu.cases import services
from shiyu.cases.models import Case, CaseEvent
from shiyu.cases.selectors import (
    case_actions_for_user,
    case_by_code,
    case_events_for_user,
    case_public_events,
)
from shiyu.cases.services._core import PROBLEM_THRESHOLD
from shiyu.core import errors, workcal

pytestmark = pytest.mark.django_db


def snapshot(case_id: int) -> tuple:
    case = Case.objects.get(pk=case_id)
    return (case.state, case.version, case.lead_department_id, case.transfer_count, case.reopen_count,
            case.extension_pending_days, case.escalation_level, case.urge_count, case.is_problem,
            CaseEvent.objects.filter(case_id=case_id).count(),
            AuditEvent.objects.filter(object_type="cases.case", object_id=str(case_id)).count(),
            Case.objects.count())


def actions_of(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True))


def audit_verbs(case: Case) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk))
                .order_by("id").values_list("verb", flat=True))


@pytest.fixture
def u(city):
    return city.users


@pytest.fixture
def hbj(city):
    return city.departments["HBJ"]


@pytest.fixture
def dispatched(submit_case, u, hbj):
    """A case in district 1, accepted and dispatched to HBJ."""
    case = submit_case()
    services.case_accept(actor=u["operator"], case_id=case.pk)
    return services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)


@pytest.fixture
def in_progress(dispatched, u):
    return services.case_acknowledge(actor=u["handler"], case_id=dispatched.pk)


@pytest.fixture
def replied(in_progress, u):
    return services.case_reply(actor=u["handler"], case_id=in_progress.pk, text="已责令摊贩退出人行道。")


def test_the_whole_loop(city, submit_case, u, hbj):
    cgj = city.departments["CGJ"]
    case = submit_case()
    assert case.state == "submitted" and case.version == 1 and case.channel == "web"
    assert case.suggested_department == cgj  # category C010101 → C0101 → CGJ
    v = case.version
    case = services.case_accept(actor=u["operator"], case_id=case.pk, version=v)
    assert (case.state, case.version) == ("accepted", v + 1) and case.accepted_at
    case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, version=case.version,
                                  lead_department=hbj, assisting_departments=[cgj, hbj])
    assert case.state == "dispatched" and case.lead_department == hbj
    # The lead is never also an assisting unit.
    assert list(case.assisting_departments.all()) == [cgj]
    assert case.ack_due_at > case.dispatched_at and case.reply_due_at > case.ack_due_at
    case = services.case_acknowledge(actor=u["handler"], case_id=case.pk, version=case.version)
    assert case.state == "in_progress" and case.acknowledged_at
    case = services.case_reply(actor=u["unithead"], case_id=case.pk, version=case.version,
                               text="  已责令摊贩退出人行道。 ")
    assert case.state == "replied" and case.reply_text == "已责令摊贩退出人行道。" and case.replied_at
    case = services.case_follow_up(actor=u["operator"], case_id=case.pk, version=case.version,
                                   satisfaction="satisfied", comment="市民表示满意")
    assert case.state == "closed" and case.satisfaction == "satisfied" and case.closed_at
    assert case.version == 6 and not case.first_contact and not case.is_problem

    steps = ["submit", "accept", "dispatch", "acknowledge", "reply", "follow_up"]
    assert actions_of(case) == steps
    assert audit_verbs(case) == [f"case.{s}" for s in steps]
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    assert [e.to_state for e in events] == ["submitted", "accepted", "dispatched", "in_progress",
                                            "replied", "closed"]
    assert [e.from_state for e in events] == ["", "submitted", "accepted", "dispatched", "in_progress",
                                              "replied"]
    assert [e.actor for e in events] == [None, u["operator"], u["dispatcher"], u["handler"],
                                         u["unithead"], u["operator"]]
    assert events[2].data["lead_department"] == hbj.pk
    assert events[2].data["assisting_departments"] == [cgj.pk]
    assert events[4].data["text"] == "已责令摊贩退出人行道。"
    assert events[5].data["satisfaction"] == "satisfied" and events[5].note == "市民表示满意"
    audit = AuditEvent.objects.filter(verb="case.follow_up", object_id=str(case.pk)).get()
    assert audit.actor == u["operator"] and audit.data == {"from": "replied", "to": "closed"}
    # The resident's tracking timeline shows every step.
    assert [e.action for e in case_public_events(case_by_code(case.code.lower()))] == steps


def test_unsatisfied_reopens_and_goes_out_again(replied, u, city):
    case = services.case_follow_up(actor=u["operator"], case_id=replied.pk, satisfaction="unsatisfied")
    assert case.state == "reopened" and case.reopen_count == 1 and case.satisfaction == "unsatisfied"
    assert case.closed_at is None
    case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["CGJ"])
    assert case.state == "dispatched" and case.lead_department == city.departments["CGJ"]
    assert case.acknowledged_at is None
    assert actions_of(case)[-2:] == ["follow_up", "dispatch"]
    assert audit_verbs(case)[-2:] == ["case.follow_up", "case.dispatch"]


def test_unreachable_closes(replied, u):
    case = services.case_follow_up(actor=u["operator"], case_id=replied.pk, satisfaction="unreachable")
    assert case.state == "closed" and case.reopen_count == 0


def test_follow_up_needs_a_known_satisfaction(replied, u):
    before = snapshot(replied.pk)
    for bad in ("", "ok", "Satisfied"):
        with pytest.raises(errors.InvalidInput) as info:
            services.case_follow_up(actor=u["operator"], case_id=replied.pk, satisfaction=bad)
        assert info.value.field == "satisfaction"
    assert snapshot(replied.pk) == before


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\x00"])
def test_reject_needs_a_reason(submit_case, u, reason):
    case = submit_case()
    before = snapshot(case.pk)
    with pytest.raises(errors.InvalidInput) as info:
        services.case_reject(actor=u["operator"], case_id=case.pk, reason=reason)
    assert info.value.field == "reason"
    assert snapshot(case.pk) == before


def test_reject_with_reason(submit_case, u):
    case = services.case_reject(actor=u["operator"], case_id=submit_case().pk, reason="不属于受理范围")
    assert case.state == "rejected" and case.closed_at
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.note) == ("reject", "不属于受理范围")
    assert event.data == {"reason": "不属于受理范围"}
    with pytest.raises(errors.IllegalTransition):
        services.case_accept(actor=u["operator"], case_id=case.pk)


def test_return_counts_a_transfer_and_clears_the_lead(in_progress, u, city):
    case = services.case_return(actor=u["handler"], case_id=in_progress.pk, reason="不属于本单位职责")
    assert case.state == "accepted" and case.lead_department is None and case.transfer_count == 1
    assert case.acknowledged_at is None and not case.assisting_departments.exists()
    event = CaseEvent.objects.filter(case=case).last()
    assert event.action == "return" and event.data["from_department"] == city.departments["HBJ"].pk
    # The handler no longer sees the case: it is not their unit's any more.
    with pytest.raises(errors.NotFound):
        services.case_acknowledge(actor=u["handler"], case_id=case.pk)


def test_transfer_to_the_same_department_is_refused(dispatched, u, hbj):
    before = snapshot(dispatched.pk)
    with pytest.raises(errors.InvalidInput):
        services.case_transfer(actor=u["dispatcher"], case_id=dispatched.pk, lead_department=hbj)
    assert snapshot(dispatched.pk) == before


def test_three_transfers_or_returns_make_a_problem_case(dispatched, u, city):
    system = system_user()
    case = services.case_transfer(actor=u["dispatcher"], case_id=dispatched.pk,
                                  lead_department=city.departments["CGJ"])
    assert case.transfer_count == 1 and not case.is_problem
    case = services.case_return(actor=u["handler"], case_id=case.pk, reason="不归我们管")
    assert case.transfer_count == 2 and not case.is_problem
    case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["HBJ"])
    assert case.transfer_count == 2 and not case.is_problem
    case = services.case_transfer(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["JTJ"])
    assert case.transfer_count == PROBLEM_THRESHOLD and case.is_problem
    assert case.state == "dispatched" and case.escalation_level == 1
    last = CaseEvent.objects.filter(case=case).last()
    assert last.action == "escalate" and last.actor == system
    assert last.data["automatic"] is True and last.data["reason"] == "problem_case:transferred"
    assert audit_verbs(case)[-2:] == ["case.transfer", "case.escalate"]
    # Only once: a fourth transfer does not escalate again.
    case = services.case_transfer(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["HBJ"])
    assert actions_of(case).count("escalate") == 1 and case.escalation_level == 1


def test_three_reopenings_make_a_problem_case(replied, u, hbj):
    case = replied
    for n in range(1, PROBLEM_THRESHOLD + 1):
        case = services.case_follow_up(actor=u["operator"], case_id=case.pk, satisfaction="unsatisfied")
        assert case.reopen_count == n
        if n < PROBLEM_THRESHOLD:
            assert not case.is_problem
            case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=hbj)
            case = services.case_acknowledge(actor=u["handler"], case_id=case.pk)
            case = services.case_reply(actor=u["handler"], case_id=case.pk, text=f"第{n + 1}次答复")
    assert case.is_problem and case.state == "reopened" and case.escalation_level == 1
    last = CaseEvent.objects.filter(case=case).last()
    assert (last.action, last.actor, last.data["reason"]) == ("escalate", system_user(),
                                                              "problem_case:reopened")


def test_reopen_after_close_counts(replied, u):
    case = services.case_close(actor=u["operator"], case_id=replied.pk)
    assert case.state == "closed"
    before = snapshot(case.pk)
    with pytest.raises(errors.InvalidInput):
        services.case_reopen(actor=u["supervisor"], case_id=case.pk, reason=" ")
    assert snapshot(case.pk) == before
    case = services.case_reopen(actor=u["supervisor"], case_id=case.pk, reason="问题复发")
    assert case.state == "reopened" and case.reopen_count == 1 and case.closed_at is None


def test_extension_request_approve_deny(in_progress, u):
    due = in_progress.reply_due_at
    case = services.case_extend_request(actor=u["handler"], case_id=in_progress.pk, days=5,
                                        reason="需现场勘查")
    assert case.extension_pending_days == 5 and case.state == "in_progress"
    before = snapshot(case.pk)
    with pytest.raises(errors.Conflict):  # one request at a time
        services.case_extend_request(actor=u["handler"], case_id=case.pk, days=3, reason="再延")
    with pytest.raises(errors.Forbidden):  # the handler cannot approve their own request
        services.case_extend_approve(actor=u["handler"], case_id=case.pk)
    assert snapshot(case.pk) == before
    case = services.case_extend_approve(actor=u["unithead"], case_id=case.pk)
    assert case.extension_pending_days is None
    # Five working days on top of the reply deadline (see test_deadlines for the arithmetic).
    assert case.reply_due_at == workcal.add_working_days(due, 5)
    assert CaseEvent.objects.filter(case=case).last().data["days"] == 5

    case = services.case_extend_request(actor=u["handler"], case_id=case.pk, days=60, reason="再延期")
    with pytest.raises(errors.InvalidInput):
        services.case_extend_deny(actor=u["supervisor"], case_id=case.pk, reason="")
    case = services.case_extend_deny(actor=u["supervisor"], case_id=case.pk, reason="理由不充分")
    assert case.extension_pending_days is None and case.reply_due_at == workcal.add_working_days(due, 5)
    with pytest.raises(errors.Conflict):  # nothing left to decide
        services.case_extend_deny(actor=u["supervisor"], case_id=case.pk, reason="理由不充分")
    assert actions_of(case)[-4:] == ["extend_request", "extend_approve", "extend_request", "extend_deny"]


@pytest.mark.parametrize("days", [0, -1, 61, "x", None])
def test_extension_days_are_bounded(in_progress, u, days):
    before = snapshot(in_progress.pk)
    with pytest.raises(errors.InvalidInput) as info:
        services.case_extend_request(actor=u["handler"], case_id=in_progress.pk, days=days, reason="需勘查")
    assert info.value.field == "days"
    assert snapshot(in_progress.pk) == before


def test_merge(submit_case, u, hbj):
    first, duplicate = submit_case(), submit_case(title="又是占道经营")
    case = services.case_merge(actor=u["operator"], case_id=duplicate.pk, target_id=first.pk)
    assert case.state == "merged" and case.merged_into == first and case.closed_at
    event = CaseEvent.objects.filter(case=case).last()
    assert event.data == {"target": first.pk, "target_code": first.code}
    # Nothing merges into a merged case, nor into itself, nor into a case one cannot see.
    third = submit_case(title="第三次")
    for target in (duplicate.pk, third.pk, 10**9):
        before = snapshot(third.pk)
        with pytest.raises(errors.InvalidInput):
            services.case_merge(actor=u["operator"], case_id=third.pk, target_id=target)
        assert snapshot(third.pk) == before
    for action in ("accept", "dispatch", "reply", "close", "reopen"):
        with pytest.raises(errors.IllegalTransition):
            services.case_perform(actor=u["admin"], case_id=case.pk, action=action,
                                  payload={"reason": "x", "text": "x", "lead_department": hbj.pk})


def test_merge_target_outside_the_actors_area_is_invalid(city, submit_case, u):
    d2_case = submit_case(area=city.grids[-1].pk)
    d2_dup = submit_case(area=city.grids[-1].pk)
    d1_case = submit_case()
    with pytest.raises(errors.InvalidInput):
        services.case_merge(actor=u["operator_d2"], case_id=d2_dup.pk, target_id=d1_case.pk)
    case = services.case_merge(actor=u["operator_d2"], case_id=d2_dup.pk, target_id=d2_case.pk)
    assert case.state == "merged"


def test_answer_on_first_contact(submit_case, u):
    case = services.case_accept(actor=u["operator"], case_id=submit_case(kind="inquiry").pk)
    case = services.case_answer(actor=u["operator"], case_id=case.pk, text="办理地点在市民中心二楼。")
    assert case.state == "replied" and case.first_contact and case.reply_text == "办理地点在市民中心二楼。"
    assert case.lead_department is None and case.replied_at
    case = services.case_follow_up(actor=u["operator"], case_id=case.pk, satisfaction="satisfied")
    assert case.state == "closed" and case.first_contact
    assert actions_of(case) == ["submit", "accept", "answer", "follow_up"]


def test_comment_is_not_public(dispatched, u, city):
    case = services.case_comment(actor=u["handler"], case_id=dispatched.pk, text="内部：已联系街道")
    assert case.state == "dispatched" and case.version == dispatched.version + 1
    event = CaseEvent.objects.filter(case=case).last()
    assert event.action == "comment" and event.is_public is False and event.note == "内部：已联系街道"
    assert "comment" not in [e.action for e in case_public_events(case)]
    assert audit_verbs(case)[-1] == "case.comment"
    # Staff see it on the case's timeline.
    assert "comment" in [e.action for e in case_events_for_user(actor=u["operator"], case_id=case.pk)]


def test_stale_version_is_a_conflict_and_changes_nothing(dispatched, u):
    stale = dispatched.version
    services.case_comment(actor=u["operator"], case_id=dispatched.pk, text="先来一条", version=stale)
    before = snapshot(dispatched.pk)
    with pytest.raises(errors.Conflict) as info:
        services.case_acknowledge(actor=u["handler"], case_id=dispatched.pk, version=stale)
    assert not isinstance(info.value, errors.IllegalTransition)
    assert snapshot(dispatched.pk) == before
    case = services.case_acknowledge(actor=u["handler"], case_id=dispatched.pk, version=stale + 1)
    assert case.state == "in_progress"


def test_illegal_transition_changes_nothing(submit_case, u):
    case = submit_case()
    before = snapshot(case.pk)
    for action, kwargs in [("case_acknowledge", {}), ("case_reply", {"text": "x"}),
                           ("case_close", {}), ("case_reopen", {"reason": "x"}), ("case_urge", {})]:
        with pytest.raises(errors.IllegalTransition):
            getattr(services, action)(actor=u["admin"], case_id=case.pk, **kwargs)
    assert snapshot(case.pk) == before


def test_without_the_permission_is_forbidden_and_changes_nothing(submit_case, dispatched, u, hbj):
    case = submit_case()
    before = snapshot(case.pk)
    for who in ("dispatcher", "supervisor", "leader"):
        with pytest.raises(errors.Forbidden):
            services.case_accept(actor=u[who], case_id=case.pk)
    assert snapshot(case.pk) == before
    before = snapshot(dispatched.pk)
    with pytest.raises(errors.Forbidden):
        services.case_acknowledge(actor=u["operator"], case_id=dispatched.pk)
    with pytest.raises(errors.Forbidden):
        services.case_transfer(actor=u["handler"], case_id=dispatched.pk, lead_department=hbj.pk + 1)
    assert snapshot(dispatched.pk) == before


def test_user_who_cannot_see_the_case_gets_not_found(city, submit_case, dispatched, u):
    case = submit_case()
    before = snapshot(case.pk)
    for who in ("operator_d2", "resident", "handler", "handler_jtj"):
        with pytest.raises(errors.NotFound):
            services.case_accept(actor=u[who], case_id=case.pk)
    assert snapshot(case.pk) == before
    before = snapshot(dispatched.pk)
    for who in ("operator_d2", "handler_jtj", "resident"):
        with pytest.raises(errors.NotFound):
            services.case_comment(actor=u[who], case_id=dispatched.pk, text="看不见")
    with pytest.raises(errors.NotFound):
        services.case_accept(actor=u["operator"], case_id=10**9)
    assert snapshot(dispatched.pk) == before


def test_assisting_unit_sees_and_comments_but_does_not_act(city, submit_case, u):
    jtj = city.departments["JTJ"]
    case = services.case_accept(actor=u["operator"], case_id=submit_case().pk)
    case = services.case_dispatch(actor=u["dispatcher"], case_id=case.pk,
                                  lead_department=city.departments["HBJ"], assisting_departments=[jtj])
    before = snapshot(case.pk)
    with pytest.raises(errors.Forbidden):
        services.case_acknowledge(actor=u["handler_jtj"], case_id=case.pk)
    assert snapshot(case.pk) == before
    case = services.case_comment(actor=u["handler_jtj"], case_id=case.pk, text="协办单位意见")
    assert CaseEvent.objects.filter(case=case).last().actor == u["handler_jtj"]


def test_policy_is_data(submit_case, u, hbj):
    operator = u["operator"]
    case = submit_case()
    role_permission_set(role_code="operator", action="accept", allowed=False)
    policies.forget(operator)
    before = snapshot(case.pk)
    with pytest.raises(errors.Forbidden):
        services.case_accept(actor=operator, case_id=case.pk)
    assert snapshot(case.pk) == before
    # Other operator actions still work; giving the permission back restores accept.
    role_permission_set(role_code="operator", action="accept", allowed=True)
    policies.forget(operator)
    assert services.case_accept(actor=operator, case_id=case.pk).state == "accepted"
    # And a role can be given an action it never had.
    role_permission_set(role_code="leader", action="dispatch", allowed=True)
    leader = type(u["leader"]).objects.get(pk=u["leader"].pk)
    case = services.case_dispatch(actor=leader, case_id=case.pk, lead_department=hbj)
    assert case.state == "dispatched"


def test_urge_and_escalate_are_capped(in_progress, u):
    case = services.case_urge(actor=u["supervisor"], case_id=in_progress.pk, note="请加快")
    assert case.urge_count == 1 and case.state == "in_progress"
    for level in range(1, 5):
        case = services.case_escalate(actor=u["supervisor"], case_id=case.pk)
        assert case.escalation_level == level
    before = snapshot(case.pk)
    with pytest.raises(errors.Conflict):
        services.case_escalate(actor=u["supervisor"], case_id=case.pk)
    assert snapshot(case.pk) == before
    assert "escalate" not in case_actions_for_user(actor=u["supervisor"], case=case)


def test_resident_feedback_and_reopen_by_code(replied, u):
    case = services.case_resident_feedback(code=replied.code, satisfaction="satisfied", comment="谢谢")
    assert case.state == "closed"
    event = CaseEvent.objects.filter(case=case).last()
    assert event.actor is None and event.data == {"satisfaction": "satisfied", "via": "resident"}
    case = services.case_resident_reopen(code=case.code.lower(), reason="又来了")
    assert case.state == "reopened" and case.reopen_count == 1
    with pytest.raises(errors.NotFound):
        services.case_resident_reopen(code="NOSUCHCODE", reason="x")
    with pytest.raises(errors.IllegalTransition):
        services.case_resident_feedback(code=case.code, satisfaction="satisfied")


def test_case_perform_routes_every_verb(submit_case, u, hbj):
    from shiyu.cases.services.dispatch import VERBS
    from shiyu.cases.workflow import Action

    # remind: the sweep's only; reply_hold: the reply verb's outcome when the quality hold applies
    assert set(VERBS) == {a.value for a in Action} - {"submit", "remind", "reply_hold"}
    case = submit_case()
    case = services.case_perform(actor=u["operator"], case_id=case.pk, action="accept",
                                 payload={"version": str(case.version)})
    case = services.case_perform(actor=u["dispatcher"], case_id=case.pk, action="dispatch",
                                 payload={"lead_department": str(hbj.pk), "assisting_departments": ""})
    assert case.state == "dispatched"
    with pytest.raises(errors.NotFound):
        services.case_perform(actor=u["admin"], case_id=case.pk, action="delete", payload={})
    with pytest.raises(errors.InvalidInput):
        services.case_perform(actor=u["admin"], case_id=case.pk, action="comment", payload={"text": 5})
    with pytest.raises(errors.Conflict):
        services.case_perform(actor=u["admin"], case_id=case.pk, action="comment",
                              payload={"text": "x", "version": 1})
