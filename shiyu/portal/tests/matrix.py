"""The portal's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls:
photos, transparency pages, open data and the staff publication review."""

from django.apps import apps
from django.http import HttpResponse
from django.urls import reverse

BASES = ("portal:track-photo", "portal:transparency", "portal:published-list", "portal:published-detail",
         "portal:published-photo", "portal:opendata", "portal:opendata-csv", "portal:opendata-json",
         "portal:publish-queue", "portal:publish-review", "portal:publish-withdraw", "cases:case-photos",
         "cases:case-photo", "portal:my-cases", "portal:signin", "portal:account-link")
CLEAN = {"title": "夜间施工噪音问题", "body": "小区旁工地夜间施工。", "reply": "已责令夜间停工。"}
PUBLISHERS = {"operator", "supervisor"}  # the "publish" permission (cases migration 0008)


def _model(name):
    return apps.get_model("cases", name)


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    visible = set(h.STAFF) - {"operator_d2", "handler_jtj"}
    return {
        # The tracking code is the capability, as for the tracking page.
        ("GET", "portal:track-photo"): h.every(200),
        # Public: aggregates, reviewed text, anonymised files.
        ("GET", "portal:transparency"): h.every(200),
        ("GET", "portal:published-list"): h.every(200),
        ("GET", "portal:published-detail"): h.every(200),
        ("GET", "portal:published-photo"): h.every(200),
        ("GET", "portal:opendata"): h.every(200),
        ("GET", "portal:opendata-csv"): h.every(200),
        ("GET", "portal:opendata-json"): h.every(200),
        # Staff: whoever sees the case sees its photos; publishing is a permission.
        ("GET", "cases:case-photos"): h.page(200, visible, lead=True),
        ("GET", "cases:case-photo"): h.page(200, visible, lead=True),
        ("GET", "portal:publish-queue"): h.every(200, anonymous=302, resident=404),
        ("GET", "portal:publish-review"): h.page(200, visible, lead=True),
        ("POST", "portal:publish-review"): h.page(302, PUBLISHERS, lead=True),
        ("POST", "portal:publish-withdraw"): h.page(302, PUBLISHERS, lead=True),
        # Residents' accounts: the list is a signed-in resident's own; staff go to the workbench.
        ("GET", "portal:my-cases"): h.every(302, resident=200),
        ("GET", "portal:signin"): h.every(302, anonymous=200),
        ("POST", "portal:signin"): h.every(302, anonymous=200),  # sends a link, writes nothing
        ("GET", "portal:account-link"): h.every(200),  # only a button: a scanner spends nothing
        ("POST", "portal:account-link"): h.every(400),  # an expired link signs no one in
    }


def handles(base: str) -> bool:
    return base in BASES


def _resolved(world, *, title: str, photos: int):
    from shiyu.cases import attachments, services
    from shiyu.cases.services import CaseInput
    from shiyu.intake.services import intake_submit
    from shiyu.portal.tests.photos import jpeg_with_gps

    city, u = world.city, world.city.users
    shots = [attachments.photo_prepare(jpeg_with_gps(colour=(i * 50, 20, 20))) for i in range(photos)]
    case, _ = intake_submit(actor=None, data=CaseInput(
        title=title, body="工地每晚施工到十二点。", category="C020101", area=city.grids[0].pk,
        contact_name="陈女士", contact_phone="13912345678", photos=shots, publish_consent=True))
    services.case_accept(actor=u["operator"], case_id=case.pk)
    services.case_dispatch(actor=u["dispatcher"], case_id=case.pk, lead_department=city.departments["HBJ"])
    services.case_acknowledge(actor=u["handler"], case_id=case.pk)
    services.case_reply(actor=u["handler"], case_id=case.pk, text="已责令停工。")
    services.case_close(actor=u["operator"], case_id=case.pk)
    return case


def setup(world) -> None:
    from shiyu.cases.services import publication_publish

    public = _resolved(world, title="公开的诉求", photos=1)
    photo = _model("Attachment").objects.get(case=public)
    publication = publication_publish(actor=world.city.users["operator"], case_id=public.pk,
                                      photo_ids=[photo.pk], **CLEAN)
    review = _resolved(world, title="待审核的诉求", photos=1)
    world.extra["portal"] = {"public": public, "photo": photo, "publication": publication,
                             "review": review,
                             "review_photo": _model("Attachment").objects.get(case=review)}


def snapshot() -> tuple:
    return (tuple(_model("Publication").objects.order_by("pk").values_list("pk", "status", "title")),
            tuple(_model("Attachment").objects.order_by("pk").values_list("pk", "is_public")))


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    x = world.extra["portal"]
    review = x["review"]
    if base == "portal:track-photo":
        return client.get(reverse(base, kwargs={"code": review.code, "attachment_id": x["review_photo"].pk}))
    if base == "portal:published-detail":
        return client.get(reverse(base, kwargs={"publication_id": x["publication"].pk}))
    if base == "portal:published-photo":
        return client.get(reverse(base, kwargs={"publication_id": x["publication"].pk,
                                                "attachment_id": x["photo"].pk}))
    if base == "cases:case-photos":
        return client.get(reverse(base, kwargs={"case_id": review.pk}))
    if base == "cases:case-photo":
        return client.get(reverse(base, kwargs={"case_id": review.pk, "attachment_id": x["review_photo"].pk}))
    if base == "portal:publish-review" and method == "POST":
        return client.post(reverse(base, kwargs={"case_id": review.pk}), CLEAN)
    if base == "portal:publish-review":
        return client.get(reverse(base, kwargs={"case_id": review.pk}))
    if base == "portal:signin" and method == "POST":
        return client.post(reverse(base), {"email": f"matrix-{role}@example.cn"})
    if base == "portal:account-link":
        from shiyu.portal import residents

        issued = None if method == "GET" else 0.0  # POST: a link from 1970, long expired
        token = residents.link_token(f"matrix-{role}@example.cn", now=issued)
        url = reverse(base, kwargs={"token": token})
        return client.post(url) if method == "POST" else client.get(url)
    if base == "portal:publish-withdraw":
        return client.post(reverse(base, kwargs={"case_id": review.pk}))
    response = client.get(reverse(base))
    if getattr(response, "streaming", False):  # the open-data files; the matrix reads .content
        plain = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
        plain["Content-Type"] = response["Content-Type"]
        return plain
    return response
