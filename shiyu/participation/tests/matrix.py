"""The participation app's rows of tests/test_authorization_matrix.py (plugin protocol) and calls."""

from django.urls import reverse

from shiyu.participation.models import Proposal, Support

POSTS = [("POST", "participation:moderate"), ("POST", "participation:respond"),
         ("POST", "participation:project"), ("POST", "participation-public:new"),
         ("POST", "participation-public:support")]
NO_CHANGE = {key: {"anonymous"} for key in POSTS}


def _staff(h, ok: set[str], ok_status: int) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 302
        elif role == "resident":
            out[role] = 404  # not staff
        else:
            out[role] = ok_status if role in ok | {"admin"} else 403
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    moderators = {"operator", "supervisor", "operator_d2"}  # proposal_moderate (city-wide role permission)
    return {
        ("GET", "api:proposals"): h.every(200),
        ("GET", "api:proposal-detail"): h.every(200),
        ("POST", "api:proposal-create"): h.api_auth(201),  # anyone signed in may propose
        ("POST", "api:proposal-support"): h.api_auth(200),  # each role is one person: one support each
        ("GET", "participation-public:list"): h.every(200),
        ("GET", "participation-public:detail"): h.every(200),
        ("GET", "participation-public:new"): h.every(200, anonymous=302),
        ("POST", "participation-public:new"): h.every(422, anonymous=302),  # an empty form: nothing made
        ("POST", "participation-public:support"): h.every(302),  # anonymous: to sign in
        # Staff: moderators, the units that answer (unit heads), and goal managers (projects).
        ("GET", "participation:queue"): _staff(h, moderators | {"unithead", "leader"}, 200),
        ("POST", "participation:moderate"): _staff(h, moderators, 302),
        # Only the unit the proposal went to (HBJ): another unit's head is refused.
        ("POST", "participation:respond"): _staff(h, {"unithead"}, 302),
        ("POST", "participation:project"): _staff(h, {"supervisor", "leader"}, 302),
    }


def handles(base: str) -> bool:
    return base.startswith(("participation:", "participation-public:", "api:proposal"))


def setup(world) -> None:
    from shiyu.accounts.services import membership_grant, user_create
    from shiyu.participation import services

    city = world.city
    author = user_create(username="proposer", password="x-pass-123", display_name="提议人")
    membership_grant(user=author, role_code="resident")

    def make(title: str) -> Proposal:
        p = services.proposal_create(actor=author, area=city.communities[0].pk, title=title, body="说明。")
        return services.proposal_moderate(actor=city.users["supervisor"], proposal_id=p.pk,
                                          decision="approve")

    made = {name: make(name) for name in ("api", "page", "moderate", "respond", "project")}
    # Test set-up, not a flow under test: the proposals the units answer and turn into projects.
    hbj = city.departments["HBJ"]
    Proposal.objects.filter(pk=made["respond"].pk).update(status="forwarded", department=hbj)
    Proposal.objects.filter(pk=made["project"].pk).update(status="accepted", department=hbj,
                                                          response="同意。")
    world.extra["participation"] = made


def snapshot() -> tuple:
    return (Support.objects.count(),
            tuple(Proposal.objects.order_by("pk").values_list("pk", "status", "support_count", "version",
                                                              "project_ref")))


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    made = world.extra["participation"]
    if base == "api:proposals":
        return client.get(reverse(base), headers=headers)
    if base == "api:proposal-detail":
        return client.get(reverse(base, kwargs={"proposal_id": made["api"].pk}), headers=headers)
    if base == "api:proposal-create":
        body = {"area": world.city.communities[0].pk, "title": f"提议 {role}", "body": "说明。"}
        return client.post(reverse(base), body, content_type="application/json", headers=headers)
    if base == "api:proposal-support":
        return client.post(reverse(base, kwargs={"proposal_id": made["api"].pk}), headers=headers)
    if base in ("participation-public:list", "participation-public:new") and method == "GET":
        return client.get(reverse(base))
    if base == "participation-public:new":
        return client.post(reverse(base), {})
    if base == "participation-public:detail":
        return client.get(reverse(base, kwargs={"proposal_id": made["page"].pk}))
    if base == "participation-public:support":
        return client.post(reverse(base, kwargs={"proposal_id": made["page"].pk}))
    if base == "participation:queue":
        return client.get(reverse(base))
    if base == "participation:moderate":
        return client.post(reverse(base, kwargs={"proposal_id": made["moderate"].pk}),
                           {"decision": "hide", "reason": "重复提议"})
    if base == "participation:respond":
        return client.post(reverse(base, kwargs={"proposal_id": made["respond"].pk}),
                           {"decision": "decline", "response": "暂不实施。"})
    if base == "participation:project":
        return client.post(reverse(base, kwargs={"proposal_id": made["project"].pk}))
    raise AssertionError(f"no call for {method} {base}")
