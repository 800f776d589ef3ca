"""How the authorization matrix (tests/test_authorization_matrix.py) calls the GeoReport endpoints.

An api_key authenticates a client application, not a person: every role, signed in or not, gets
the same answer. Each role calls with its own browser session to show that a session neither
grants nor refuses anything here.
"""

from django.urls import reverse

from shiyu.open311.services import DEMO_KEY, PostedRequest, request_submit

SERVICE = "C020101"  # the matrix world's cases are in this category


def _every(status: int, roles: list[str]) -> dict[str, int]:
    return dict.fromkeys(roles, status)


def entries(roles: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    return {
        ("GET", "open311:discovery"): _every(200, roles),
        ("GET", "open311:services"): _every(200, roles),
        ("GET", "open311:service"): _every(200, roles),
        ("GET", "open311:requests"): _every(200, roles),
        ("GET", "open311:requests[xml]"): _every(200, roles),
        ("POST", "open311:requests"): _every(201, roles),
        # Without a key: refused with the spec's XML error list, and nothing changes.
        ("POST", "open311:requests[nokey]"): _every(403, roles),
        ("GET", "open311:request"): _every(200, roles),
        ("GET", "open311:request-updates"): _every(200, roles),
        ("GET", "open311:token"): _every(200, roles),
    }


def call(world, method: str, base: str, sub: str, role: str):
    client = world.clients[role]
    read = world.cases["read"]
    fmt = "xml" if sub in ("xml", "nokey") else "json"
    if base == "open311:requests" and method == "POST":
        data = {"service_code": SERVICE, "address_string": "解放路 12 号", "description": "夜间施工噪音"}
        if sub != "nokey":
            data["api_key"] = DEMO_KEY
        return client.post(reverse(base, kwargs={"fmt": fmt}), data)
    kwargs: dict = {"fmt": fmt}
    if base == "open311:service":
        kwargs["code"] = SERVICE
    elif base in ("open311:request", "open311:request-updates"):
        kwargs["request_id"] = str(read.pk)
    elif base == "open311:token":
        # Each matrix test runs in its own rolled-back savepoint: make the token it looks up.
        _case, record = request_submit(posted=PostedRequest(
            api_key=DEMO_KEY, service_code=SERVICE, address_string="解放路", description="噪音"))
        kwargs["token"] = record.token
    return client.get(reverse(base, kwargs=kwargs))
