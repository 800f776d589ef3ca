"""The resident's steps through the API with only the tracking code: rate the reply, reopen."""

from django.test import Client

from shiyu.cases import services


def _replied(city, submit_case):
    case = submit_case()
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    services.case_dispatch(actor=city.users["dispatcher"], case_id=case.pk,
                           lead_department=city.departments["CGJ"])
    services.case_acknowledge(actor=city.users["handler"], case_id=case.pk)
    services.case_reply(actor=city.users["handler"], case_id=case.pk, text="已清理占道摊点。")
    return case


def post(path, body, lang="zh-hans"):
    return Client().post(path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def test_satisfied_closes_then_reopen(city, submit_case):
    case = _replied(city, submit_case)
    closed = post(f"/api/v1/track/{case.code}/feedback", {"satisfaction": "satisfied", "comment": "谢谢"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert "13812345678" not in closed.content.decode() and "陈先生" not in closed.content.decode()
    again = post(f"/api/v1/track/{case.code}/feedback", {"satisfaction": "satisfied"})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    reopened = post(f"/api/v1/track/{case.code}/reopen", {"reason": "摊点又回来了"})
    assert reopened.status_code == 200 and reopened.json()["state"] == "reopened"
    assert reopened.json()["reply_text"] == ""  # the old reply is history, not the answer
    case.refresh_from_db()
    assert case.reopen_count == 1 and case.events.last().data["via"] == "resident"


def test_unsatisfied_reopens_and_bad_input_changes_nothing(city, submit_case):
    case = _replied(city, submit_case)
    bad = post(f"/api/v1/track/{case.code}/feedback", {"satisfaction": "meh"}, lang="en")
    assert bad.status_code == 422 and bad.json()["message"]
    case.refresh_from_db()
    assert case.state == "replied"
    missing = post("/api/v1/track/ZZZZZZZZZZ/feedback", {"satisfaction": "satisfied"})
    assert missing.status_code == 404
    unhappy = post(f"/api/v1/track/{case.code}/feedback", {"satisfaction": "unsatisfied"})
    assert unhappy.status_code == 200 and unhappy.json()["state"] == "reopened"


def test_timeline_names_the_unit_in_the_reader_language(city, submit_case):
    case = _replied(city, submit_case)

    def dispatched(lang):
        timeline = Client().get(f"/api/v1/track/{case.code}", HTTP_ACCEPT_LANGUAGE=lang).json()["timeline"]
        return next(e["text"] for e in timeline if e["action"] == "dispatch")

    assert dispatched("zh-hans") == "市城市管理局"
    assert dispatched("en") == "City Management Bureau"
