"""The knowledge base: services, full-text suggestions on generated queries, pages and API."""

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from shiyu.audit.models import AuditEvent
from shiyu.core import errors
from shiyu.knowledge import selectors, services
from shiyu.knowledge.demo import ARTICLES, seed_articles
from shiyu.knowledge.models import Article
from shiyu.knowledge.services import ArticleInput

pytestmark = pytest.mark.django_db

# Sentences a resident might type, each holding one of the article's keywords.
TEMPLATES = [
    "您好，我想问一下{k}的事情，应该怎么处理？",
    "{k}，{k2}，请相关部门尽快解决。",
    "最近遇到{k}的问题，想了解{k2}方面的规定",
    "请问{k}",
]


@pytest.fixture
def kb(city):
    seed_articles()
    return {a.title: a for a in Article.objects.all()}


def _generated_queries(seed: int = 7):
    """Queries around each article's distinctive keywords (those no other article contains)."""
    rng = random.Random(seed)
    texts = {a[0]: " ".join((a[0], a[4], a[5])) for a in ARTICLES}
    for title, _kind, _cat, _owner, keywords, _summary in ARTICLES:
        if "已结束" in title:
            continue
        words = [w for w in keywords.split()
                 if not any(w in text for other, text in texts.items() if other != title)]
        assert len(words) >= 2, title
        for template in TEMPLATES:
            k, k2 = rng.sample(words, 2)
            yield title, template.format(k=k, k2=k2)


def test_generated_queries_find_their_article(kb):
    misses = []
    total = 0
    for title, query in _generated_queries():
        total += 1
        found = selectors.article_search(q=query, limit=3)
        if not found or found[0].title != title:
            misses.append((query, title, [a.title for a in found]))
    # Every generated query finds its article first (the keywords are distinctive).
    assert not misses, misses
    assert total >= 40


def test_suggest_from_a_case_like_text(kb):
    hits = selectors.article_suggest(q="工地每天晚上十一点还在施工，噪音太大了，影响休息")
    assert hits and hits[0].article.title == "建筑施工夜间作业时间规定"
    hits = selectors.article_suggest(q="老板拖欠我三个月工资不发")
    assert hits and hits[0].article.title == "拖欠工资如何维权"


def test_nothing_for_stopwords_or_unrelated_text(kb):
    assert selectors.article_search(q="请问 您好 谢谢") == []
    assert selectors.article_suggest(q="火星探测器的轨道参数") == []
    assert selectors.article_search(q="") == []


def test_expired_and_draft_articles_are_not_suggested(kb):
    expired = kb["2023年冬季供暖补贴申领（已结束）"]
    assert selectors.article_search(q="供暖补贴") == []
    assert expired in selectors.article_search(q="供暖补贴", public_only=False)
    draft = services.article_create(actor=None, data=ArticleInput(
        title="护照办理指南", summary="持身份证到出入境窗口申领护照。", keywords="护照 出入境"))
    assert draft.status == "draft"
    assert selectors.article_search(q="护照") == []
    services.article_set_status(actor=None, article_id=draft.pk, status="published")
    assert selectors.article_search(q="护照") == [Article.objects.get(pk=draft.pk)]
    # Not yet in force: not suggested either.
    services.article_update(actor=None, article_id=draft.pk, data=ArticleInput(
        title="护照办理指南", summary="持身份证到出入境窗口申领护照。", keywords="护照",
        status="published", valid_from=date.today() + timedelta(days=30)))
    assert selectors.article_search(q="护照") == []


def test_edit_reindexes_the_article(kb):
    article = kb["路灯不亮报修"]
    assert selectors.article_search(q="井盖") == []
    services.article_update(actor=None, article_id=article.pk, version=article.version, data=ArticleInput(
        title="路灯和井盖报修", summary="路灯不亮、井盖缺失请在本平台报修。", keywords="井盖 路灯",
        category="C010302", owner_department="SZJ", status="published"))
    assert [a.pk for a in selectors.article_search(q="井盖丢了")] == [article.pk]
    with pytest.raises(errors.Conflict):
        services.article_update(actor=None, article_id=article.pk, version=article.version,
                                data=ArticleInput(title="x", summary="y"))


def test_permissions_and_audit(city, kb):
    users = city.users
    data = ArticleInput(title="测试条目", summary="测试答复内容。")
    for role in ("resident", "handler", "dispatcher", "leader"):
        with pytest.raises(errors.Forbidden):
            services.article_create(actor=users[role], data=data)
    before = AuditEvent.objects.filter(verb="knowledge.article.create").count()
    made = services.article_create(actor=users["operator"], data=data)
    assert made.created_by == users["operator"]
    assert AuditEvent.objects.filter(verb="knowledge.article.create").count() == before + 1


@pytest.mark.parametrize("field,data", [
    ("title", ArticleInput(title=" ", summary="答复")),
    ("summary", ArticleInput(title="标题", summary="")),
    ("kind", ArticleInput(title="标题", summary="答复", kind="bogus")),
    ("category", ArticleInput(title="标题", summary="答复", category="NOPE")),
    ("valid_until", ArticleInput(title="标题", summary="答复", valid_from=date(2025, 2, 1),
                                 valid_until=date(2025, 1, 1))),
])
def test_bad_input_changes_nothing(city, field, data):
    before = Article.objects.count()
    with pytest.raises(errors.InvalidInput) as exc:
        services.article_create(actor=city.users["operator"], data=data)
    assert exc.value.field == field
    assert Article.objects.count() == before


def test_public_pages_and_fragment(client, kb):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("knowledge-public:index"), {"q": "电梯困人"})
    assert page.status_code == 200 and "电梯故障应急处置" in page.content.decode()
    article = kb["电梯故障应急处置"]
    page = client.get(reverse("knowledge-public:article", args=[article.pk]))
    assert page.status_code == 200 and "警铃" in page.content.decode()
    expired = kb["2023年冬季供暖补贴申领（已结束）"]
    assert client.get(reverse("knowledge-public:article", args=[expired.pk])).status_code == 404
    fragment = client.get(reverse("knowledge-public:suggest"),
                          {"title": "小区电梯坏了", "body": "电梯经常困人，物业不修"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "电梯故障应急处置" in body and "data-kb-insert" not in body
    assert body.count('class="kb-suggest-item"') <= 3


def test_api_search(client, kb):
    response = client.get(reverse("api:knowledge-search"), {"q": "医保异地报销"})
    assert response.status_code == 200
    rows = response.json()
    assert rows[0]["title"] == "医保异地就医备案办理流程" and rows[0]["url"].startswith("/knowledge/")
    assert client.get(reverse("api:knowledge-search"), {"q": "x", "limit": 0}).json()["code"] == "invalid"


def test_case_page_fragment_offers_insert(client, city, kb, submit_case):
    case = submit_case(title="夜间施工噪音", body="旁边工地每天夜里施工到凌晨，噪音扰民。",
                       category="C020101")
    client.force_login(city.users["operator"])
    response = client.get(reverse("knowledge:case-suggest", args=[case.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "建筑施工夜间作业时间规定" in body and "data-kb-insert" in body
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert reverse("knowledge:case-suggest", args=[case.pk]) in page.content.decode()
    client.force_login(city.users["operator_d2"])
    assert client.get(reverse("knowledge:case-suggest", args=[case.pk])).status_code == 404


def test_staff_editor(client, city, kb):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(city.users["operator"])
    assert client.get(reverse("knowledge:list")).status_code == 200
    response = client.post(reverse("knowledge:create"), {
        "title": "居住证办理指南", "kind": "procedure", "summary": "持身份证到社区警务室申领。",
        "status": "published", "category": str(city.categories["C010101"].pk),
        "owner_department": str(city.departments["CGJ"].pk)})
    assert response.status_code == 302
    made = Article.objects.get(title="居住证办理指南")
    assert made.category_id == city.categories["C010101"].pk and made.status == "published"
    response = client.post(reverse("knowledge:create"), {"title": "", "kind": "faq", "status": "draft"})
    assert response.status_code == 422
    client.post(reverse("knowledge:status", args=[made.pk]), {"status": "draft"})
    assert Article.objects.get(pk=made.pk).status == "draft"
    client.force_login(city.users["handler"])
    assert client.get(reverse("knowledge:list")).status_code == 403
