"""Duplicates: found at intake by place and by area × category, ranked by text; merged by the
operator in one action; a resident following an existing case sees its progress."""

from datetime import timedelta

import pytest

from shiyu.cases import services as case_services
from shiyu.cases.models import Case
from shiyu.core import clock
from shiyu.routing import duplicates
from shiyu.routing.models import CaseSignature, DuplicateCandidate

pytestmark = pytest.mark.django_db

LAT, LON = 30.5801, 114.2701
FIRST = {
    "title": "解放路口路灯不亮",
    "body": "解放路和和平街交叉口的路灯已经一周不亮了，晚上很危险。",
    "category": "C010302",
    "latitude": LAT,
    "longitude": LON,
}
PARAPHRASE = {
    "title": "解放路口的路灯坏了",
    "body": "和平街与解放路交叉口路灯一周都不亮，夜里走路很危险。",
    "category": "C010302",
    "latitude": LAT + 0.0004,
    "longitude": LON - 0.0003,
}
UNRELATED = {
    "title": "小区电梯故障",
    "body": "我们楼的电梯三天两头停运，老人上下楼很困难。",
    "category": "C010302",
    "latitude": LAT,
    "longitude": LON,
}


def submit(submit_case, capture, **fields):
    with capture(execute=True):
        case = submit_case(**fields)
    case.refresh_from_db()
    return case


def test_similarity_separates_a_paraphrase_from_another_matter():
    query = duplicates.Query.of(FIRST["title"], FIRST["body"])
    same = duplicates.similarity(query, duplicates.Query.of(PARAPHRASE["title"], PARAPHRASE["body"]))
    other = duplicates.similarity(query, duplicates.Query.of(UNRELATED["title"], UNRELATED["body"]))
    assert same >= duplicates.THRESHOLD.default > other


def test_a_nearby_paraphrase_is_a_candidate_and_an_unrelated_case_is_not(
    city, submit_case, django_capture_on_commit_callbacks
):
    first = submit(submit_case, django_capture_on_commit_callbacks, **FIRST)
    second = submit(submit_case, django_capture_on_commit_callbacks, **PARAPHRASE)
    third = submit(submit_case, django_capture_on_commit_callbacks, **UNRELATED)
    assert CaseSignature.objects.filter(case_id=first.pk, cell__isnull=False).exists()
    assert list(
        DuplicateCandidate.objects.filter(case_id=second.pk).values_list("candidate_id", flat=True)
    ) == [first.pk]
    assert not DuplicateCandidate.objects.filter(case_id=third.pk).exists()


def test_same_area_and_category_without_a_location(city, submit_case, django_capture_on_commit_callbacks):
    grid = city.grids[0].pk
    no_place = {k: v for k, v in FIRST.items() if k not in ("latitude", "longitude")}
    first = submit(submit_case, django_capture_on_commit_callbacks, **no_place, area=grid)
    again = submit(
        submit_case,
        django_capture_on_commit_callbacks,
        **{k: v for k, v in PARAPHRASE.items() if k not in ("latitude", "longitude")},
        area=grid,
    )
    assert DuplicateCandidate.objects.filter(case_id=again.pk, candidate_id=first.pk).exists()
    elsewhere = submit(
        submit_case,
        django_capture_on_commit_callbacks,
        **{k: v for k, v in PARAPHRASE.items() if k not in ("latitude", "longitude")},
        area=city.grids[-1].pk,
    )
    assert not DuplicateCandidate.objects.filter(case_id=elsewhere.pk).exists()


def test_only_recent_cases_count(city, submit_case, django_capture_on_commit_callbacks):
    with clock.frozen_at(clock.now() - timedelta(days=duplicates.WINDOW_DAYS.default + 1)):
        submit(submit_case, django_capture_on_commit_callbacks, **FIRST)
    second = submit(submit_case, django_capture_on_commit_callbacks, **PARAPHRASE)
    assert not DuplicateCandidate.objects.filter(case_id=second.pk).exists()


def test_operator_merges_in_one_action_and_the_submitter_sees_the_survivor(
    city, submit_case, django_capture_on_commit_callbacks, client
):
    first = submit(submit_case, django_capture_on_commit_callbacks, **FIRST)
    second = submit(submit_case, django_capture_on_commit_callbacks, **PARAPHRASE)
    client.force_login(city.users["operator"])
    panel = client.get(f"/staff/routing/cases/{second.pk}/").content.decode()
    assert first.code in panel and f'id="merge-into-{first.pk}"' in panel
    response = client.post(f"/staff/routing/cases/{second.pk}/merge/", {"target": first.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == "merged" and second.merged_into_id == first.pk
    # The survivor moves on; the merged case's tracking page follows it, never showing its code.
    u = city.users
    case_services.case_accept(actor=u["operator"], case_id=first.pk)
    case_services.case_dispatch(
        actor=u["dispatcher"], case_id=first.pk, lead_department=city.departments["CGJ"]
    )
    case_services.case_acknowledge(actor=u["handler"], case_id=first.pk)
    case_services.case_reply(actor=u["handler"], case_id=first.pk, text="路灯已修复。")
    page = client.get(f"/track/{second.code}/").content.decode()
    # The survivor's progress, not the reply written to its own submitter.
    assert 'id="survivor"' in page and "路灯已修复。" not in page
    assert first.code not in page and "陈先生" not in page and "13812345678" not in page


def test_the_resident_hint_and_following_an_existing_case(
    city, submit_case, django_capture_on_commit_callbacks, client
):
    first = submit(submit_case, django_capture_on_commit_callbacks, **FIRST, contact_name="王女士")
    form = {
        "title": PARAPHRASE["title"],
        "body": PARAPHRASE["body"],
        "category": str(city.categories["C010302"].pk),
        "latitude": str(PARAPHRASE["latitude"]),
        "longitude": str(PARAPHRASE["longitude"]),
    }
    hint = client.post("/routing/similar/", form)
    html = hint.content.decode()
    assert hint.status_code == 200 and FIRST["title"] in html and 'name="follow"' in html
    assert first.code not in html and "王女士" not in html and "13812345678" not in html
    token = html.split('name="follow" value="')[1].split('"')[0]
    assert (
        client.post("/routing/similar/", {"title": "完全无关", "body": "没有相似的"}).content.strip() == b""
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/submit/",
            {**form, "kind": "complaint", "area": "", "address": "", "token": "t1", "follow": token},
        )
    assert response.status_code == 302
    mine = Case.objects.exclude(pk=first.pk).get(title=PARAPHRASE["title"])
    assert mine.state == "merged" and mine.merged_into_id == first.pk
    page = client.get(f"/track/{mine.code}/").content.decode()
    assert 'id="survivor"' in page and first.code not in page


def test_a_forged_follow_token_leaves_the_case_alone(
    city, submit_case, django_capture_on_commit_callbacks, client
):
    first = submit(submit_case, django_capture_on_commit_callbacks, **FIRST)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/submit/",
            {
                "kind": "complaint",
                "title": "另一件事",
                "body": "内容",
                "token": "t2",
                "follow": str(first.pk),
            },
        )
    assert Case.objects.get(title="另一件事").state == "submitted"


def test_the_hint_never_shows_a_report_and_survives_odd_digits(
    city, submit_case, django_capture_on_commit_callbacks, client
):
    first = submit(submit_case, django_capture_on_commit_callbacks, **FIRST)
    form = {"title": PARAPHRASE["title"], "body": PARAPHRASE["body"],
            "category": str(city.categories["C010302"].pk),
            "latitude": str(PARAPHRASE["latitude"]), "longitude": str(PARAPHRASE["longitude"])}
    assert FIRST["title"] in client.post("/routing/similar/", form).content.decode()
    # A report (举报) can point at the person who made it: never hinted to the public.
    Case.objects.filter(pk=first.pk).update(kind=Case.Kind.REPORT)
    assert FIRST["title"] not in client.post("/routing/similar/", form).content.decode()
    # "²" is a digit to str.isdigit() but not to int(): no crash, just no match.
    response = client.post("/routing/similar/", {**form, "category": "²", "area": "²"})
    assert response.status_code == 200
