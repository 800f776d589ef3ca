"""Routing at intake with a real (tiny) classifier trained here through the classifier's own API:
automatic dispatch above the threshold, suggestions below it, the dispatcher's one click and the
correction it leaves, and intake carrying on with the model missing or corrupt."""

import pytest
from django.test import override_settings

from shiyu.accounts.services import config_save, system_user
from shiyu.cases import services as case_services
from shiyu.cases.models import Case, CaseEvent
from shiyu.core.models import CitySetting
from shiyu.routing.models import RoutingCorrection, RoutingDecision
from shiyu.routing.selectors import training_rows
from shiyu.routing.services import corrections_collect, route_after_intake

pytestmark = pytest.mark.django_db

CORPUS = {
    "C010302": [
        ("路灯不亮", "{}的路灯晚上不亮，一片漆黑"),
        ("路灯坏了", "{}路灯损坏很久没人修"),
        ("照明故障", "{}街边照明灯一直不亮"),
    ],
    "C020101": [
        ("工地噪音", "{}工地夜间施工噪音扰民"),
        ("施工扰民", "{}晚上还在打桩施工很吵"),
        ("夜间施工", "{}建筑工地半夜施工噪声大"),
    ],
    "C030201": [
        ("违章停车", "{}人行道上违章停车堵路"),
        ("乱停车", "{}车辆乱停乱放占用消防通道"),
        ("停车占道", "{}路边违停车辆太多"),
    ],
}
PLACES = ["解放路", "和平街", "建设大道", "滨江路", "青山街", "高新区", "文华路", "科创园"]


@pytest.fixture
def model_dir(tmp_path):
    from shiyu.routing.classifier import runtime

    with override_settings(SHIYU_ROUTING_MODEL_DIR=str(tmp_path), SHIYU_ROUTING_MODEL_CHECK_SECONDS=0):
        runtime.reset()
        yield tmp_path
    runtime.reset()


@pytest.fixture
def trained(model_dir):
    from shiyu.routing.classifier import storage
    from shiyu.routing.classifier.model import new_model

    titles, bodies, labels = [], [], []
    for label, examples in CORPUS.items():
        for title, body in examples:
            for place in PLACES:
                titles.append(place + title)
                bodies.append(body.format(place))
                labels.append(label)
    model = new_model(n_min_class=2).fit(titles, bodies, labels)
    storage.save_version(model, {"trained_at": "test", "n": len(labels)}, directory=model_dir, activate=True)
    return model_dir


def set_threshold(value: float, *, auto: bool = True) -> None:
    config_save(actor=system_user(), obj=CitySetting(key="routing.auto_route_threshold", value=value))
    config_save(actor=system_user(), obj=CitySetting(key="routing.auto_route", value=auto))


def submit(submit_case, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(**fields)
    case.refresh_from_db()
    return case


LAMP = {"title": "人民路路灯不亮", "body": "人民路的路灯晚上不亮，一片漆黑，行人看不清路。", "category": None}


def test_above_the_threshold_the_system_dispatches(
    city, trained, submit_case, django_capture_on_commit_callbacks
):
    set_threshold(0.3)
    case = submit(submit_case, django_capture_on_commit_callbacks, **LAMP)
    decision = RoutingDecision.objects.get(case_id=case.pk)
    assert decision.suggestions[0]["label"] == "C010302" and decision.suggestions[0]["confidence"] >= 0.3
    assert decision.outcome == "auto" and decision.auto_routed and decision.model_version
    assert case.state == "dispatched" and case.category.code == "C010302"
    assert case.lead_department == city.departments["SZJ"]  # the demo catalog's unit for 市政设施
    events = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", "actor__username"))
    assert events == [("submit", None), ("accept", "system"), ("dispatch", "system")]
    assert CaseEvent.objects.get(case=case, action="accept").data["category"] == "C010302"


def test_below_the_threshold_the_dispatcher_sees_three_suggestions_and_applies_one(
    city, trained, submit_case, django_capture_on_commit_callbacks, client
):
    set_threshold(0.95)
    mixed = {
        "title": "解放路的问题",
        "body": "解放路晚上路灯不亮，工地半夜施工，路边还有违章停车。",
        "category": None,
    }
    case = submit(submit_case, django_capture_on_commit_callbacks, **mixed)
    decision = RoutingDecision.objects.get(case_id=case.pk)
    assert decision.outcome == "below_threshold" and not decision.auto_routed
    assert case.state == "submitted" and case.category is None
    assert len(decision.suggestions) == 3
    case_services.case_accept(actor=city.users["operator"], case_id=case.pk)
    client.force_login(city.users["dispatcher"])
    panel = client.get(f"/staff/routing/cases/{case.pk}/").content.decode()
    assert panel.count('name="category"') == 3 and "%" in panel
    assert all(item["label"] in panel for item in decision.suggestions)
    # The dispatcher takes the second suggestion: the case is classified and dispatched by the
    # catalog, and the disagreement with the model is kept for training.
    second = decision.suggestions[1]["label"]
    response = client.post(f"/staff/routing/cases/{case.pk}/apply/", {"category": second})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "dispatched" and case.category.code == second
    correction = RoutingCorrection.objects.get(case=case, kind="category")
    assert (correction.predicted, correction.final) == (decision.suggestions[0]["label"], second)
    assert (case.title, case.body, second) in list(training_rows())


def test_auto_routing_can_be_switched_off(city, trained, submit_case, django_capture_on_commit_callbacks):
    set_threshold(0.3, auto=False)
    case = submit(submit_case, django_capture_on_commit_callbacks, **LAMP)
    assert RoutingDecision.objects.get(case_id=case.pk).outcome == "disabled"
    assert case.state == "submitted"


def test_a_resident_category_that_disagrees_is_not_overridden(
    city, trained, submit_case, django_capture_on_commit_callbacks
):
    set_threshold(0.3)
    case = submit(submit_case, django_capture_on_commit_callbacks, **{**LAMP, "category": "C020102"})
    assert RoutingDecision.objects.get(case_id=case.pk).outcome == "category_mismatch"
    assert case.state == "submitted" and case.category.code == "C020102"


def test_intake_works_without_a_model(city, model_dir, submit_case, django_capture_on_commit_callbacks):
    case = submit(submit_case, django_capture_on_commit_callbacks, category="C010101")
    decision = RoutingDecision.objects.get(case_id=case.pk)
    assert decision.outcome == "no_model" and decision.suggestions == []
    assert decision.source == "rule" and decision.department == city.departments["CGJ"]
    assert decision.matched_area is None and decision.matched_category.code == "C0101"


def test_an_area_rule_names_the_district_government(
    city, model_dir, submit_case, django_capture_on_commit_callbacks
):
    case = submit(
        submit_case,
        django_capture_on_commit_callbacks,
        category="C020202",
        title="有人焚烧垃圾",
        body="村口空地经常有人焚烧垃圾。",
    )
    decision = RoutingDecision.objects.get(case_id=case.pk)
    assert decision.department == city.departments["D01GOV"] and decision.matched_area == city.districts[0]
    assert decision.assisting == [city.departments["HBJ"].pk] and decision.reply_limit_days == 5
    assert case.suggested_department == city.departments["D01GOV"] and case.reply_limit_days == 5


@pytest.mark.parametrize("damage", ["deleted", "corrupt"])
def test_intake_works_with_the_model_file_deleted_or_corrupt(
    city, trained, submit_case, damage, django_capture_on_commit_callbacks
):
    from shiyu.routing.classifier import storage

    path = storage.model_path(storage.active_version(trained), trained)
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"\x80\x04 this is not a model")
    set_threshold(0.3)
    case = submit(submit_case, django_capture_on_commit_callbacks, **LAMP)
    assert Case.objects.filter(pk=case.pk, state="submitted").exists()
    assert RoutingDecision.objects.get(case_id=case.pk).outcome == "no_model"


def test_routing_never_raises_into_intake(city, model_dir):
    route_after_intake(10**12)  # no such case: nothing, no exception
    assert not RoutingDecision.objects.exists()


def test_department_corrections_and_training_rows(
    city, model_dir, submit_case, django_capture_on_commit_callbacks
):
    case = submit(submit_case, django_capture_on_commit_callbacks, category="C010101")
    case_services.case_accept(actor=city.users["operator"], case_id=case.pk)
    case_services.case_dispatch(
        actor=city.users["dispatcher"], case_id=case.pk, lead_department=city.departments["ZJJ"]
    )
    assert corrections_collect() == 1
    assert corrections_collect() == 0  # stored once
    correction = RoutingCorrection.objects.get(case=case)
    assert correction.kind == "department" and correction.final == str(city.departments["ZJJ"].pk)
    case_services.case_acknowledge(actor=system_user(), case_id=case.pk)
    case_services.case_reply(actor=system_user(), case_id=case.pk, text="已处理")
    case_services.case_close(actor=system_user(), case_id=case.pk)
    assert (case.title, case.body, "C010101") in list(training_rows())
