"""The routing app's rows of tests/test_authorization_matrix.py and how each is called."""

from django.urls import reverse


def entries(*, page, every, staff: list[str]) -> dict[tuple[str, str], dict[str, int]]:
    return {
        # The "why this department" fragment: whoever sees the case page sees it.
        ("GET", "routing:case-panel"): page(200, set(staff) - {"operator_d2", "handler_jtj"}, lead=True),
        # One click = the dispatch verb (on an accepted case): only who may dispatch.
        ("POST", "routing:case-apply"): page(302, {"dispatcher"}, lead=False),
        # Merge into a duplicate = the merge verb (on a submitted case): only who may merge.
        ("POST", "routing:case-merge"): page(302, {"operator"}, lead=False),
        # The resident form's "may already be reported" hint: public, reads only.
        ("POST", "routing-public:similar"): every(200),
    }


def call(world, client, method: str, base: str):
    cases = world.cases
    if base == "routing:case-panel":
        return client.get(reverse(base, kwargs={"case_id": cases["read"].pk}))
    if base == "routing:case-apply":
        return client.post(reverse(base, kwargs={"case_id": cases["accepted"].pk}), {})
    if base == "routing:case-merge":
        return client.post(
            reverse(base, kwargs={"case_id": cases["submitted"].pk}), {"target": cases["target"].pk}
        )
    if base == "routing-public:similar":
        return client.post(
            reverse(base),
            {
                "title": "夜间施工噪音",
                "body": "工地每晚施工到十二点。",
                "category": "C020101",
                "area": str(world.city.grids[0].pk),
            },
        )
    raise AssertionError(f"no call for {method} {base}")
