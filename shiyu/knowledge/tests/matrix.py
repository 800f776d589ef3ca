"""The knowledge app's rows of tests/test_authorization_matrix.py (plugin protocol) and their calls."""

from django.urls import reverse

from shiyu.knowledge.models import Article

EDITORS = {"operator", "supervisor", "admin", "operator_d2"}  # a role permission, city-wide
STAFF_POSTS = [("POST", "knowledge:create"), ("POST", "knowledge:edit"), ("POST", "knowledge:status")]
NO_CHANGE = {key: {"anonymous"} for key in STAFF_POSTS}


def _editor(h, ok_status: int) -> dict[str, int]:
    out = {}
    for role in h.ROLES:
        if role == "anonymous":
            out[role] = 302
        elif role == "resident":
            out[role] = 404  # not staff: the staff pages do not exist for them
        else:
            out[role] = ok_status if role in EDITORS else 403
    return out


def entries(h) -> dict[tuple[str, str], dict[str, int]]:
    return {
        # Public: published articles in force only, no personal data.
        ("GET", "api:knowledge-search"): h.every(200),
        ("GET", "api:knowledge-article"): h.every(200),
        ("GET", "knowledge-public:index"): h.every(200),
        ("GET", "knowledge-public:article"): h.every(200),
        ("GET", "knowledge-public:suggest"): h.every(200),
        # The case page's suggestions: whoever sees the case.
        ("GET", "knowledge:case-suggest"): h.page(200, set(h.STAFF) - {"operator_d2", "handler_jtj"},
                                                  lead=True),
        # The editor: the knowledge_edit permission (data).
        ("GET", "knowledge:list"): _editor(h, 200),
        ("GET", "knowledge:create"): _editor(h, 200),
        ("POST", "knowledge:create"): _editor(h, 302),
        ("GET", "knowledge:edit"): _editor(h, 200),
        ("POST", "knowledge:edit"): _editor(h, 302),
        ("POST", "knowledge:status"): _editor(h, 302),
    }


def handles(base: str) -> bool:
    return base.startswith(("knowledge:", "knowledge-public:", "api:knowledge-"))


def setup(world) -> None:
    from shiyu.knowledge.services import ArticleInput, article_create

    article = article_create(actor=None, data=ArticleInput(
        title="夜间施工许可", summary="夜间施工须取得许可。", keywords="夜间施工 噪音", status="published"))
    world.extra["knowledge"] = {"article": article}


def snapshot() -> tuple:
    return tuple(Article.objects.order_by("pk").values_list("pk", "status", "version", "title"))


def call(world, method: str, base: str, sub: str, role: str, *, client, headers):
    article = world.extra["knowledge"]["article"]
    form = {"title": "夜间施工许可", "kind": "faq", "summary": "夜间施工须取得许可。", "status": "published"}
    if base == "api:knowledge-search":
        return client.get(reverse(base), {"q": "夜间施工"}, headers=headers)
    if base == "api:knowledge-article":
        return client.get(reverse(base, kwargs={"article_id": article.pk}), headers=headers)
    if base in ("knowledge-public:article", "knowledge:edit") and method == "GET":
        return client.get(reverse(base, kwargs={"article_id": article.pk}))
    if base == "knowledge-public:suggest":
        return client.get(reverse(base), {"q": "工地夜间施工噪音"})
    if base == "knowledge:case-suggest":
        return client.get(reverse(base, kwargs={"case_id": world.cases["read"].pk}))
    if base == "knowledge:create" and method == "POST":
        return client.post(reverse(base), {**form, "title": f"新条目 {role}"})
    if base == "knowledge:edit":
        return client.post(reverse(base, kwargs={"article_id": article.pk}), form)
    if base == "knowledge:status":
        return client.post(reverse(base, kwargs={"article_id": article.pk}), {"status": "published"})
    return client.get(reverse(base))
