"""The submit form's new parts: photo input, publication consent, knowledge suggestions (C5)."""

import re

import pytest

from shiyu.portal.tests.test_portal import tag

pytestmark = pytest.mark.django_db


def test_form_is_multipart_with_a_labelled_photo_input_and_consent(city, client):
    html = client.get("/submit/").content.decode()
    assert re.search(r'<form [^>]*action="/submit/"[^>]*enctype="multipart/form-data"', html)
    photos = tag(html, "id_photos")
    assert 'type="file"' in photos and "multiple" in photos and 'accept="image/' in photos
    assert 'label for="id_photos"' in html and 'label for="id_publish_consent"' in html
    assert 'type="checkbox"' in tag(html, "id_publish_consent")
    assert " checked" not in tag(html, "id_publish_consent")  # consent is opt-in


def test_knowledge_suggestions_are_wired_with_a_delay(city, client):
    from shiyu.knowledge.services import ArticleInput, article_create

    article_create(actor=None, data=ArticleInput(title="夜间施工许可办理", summary="夜间施工须取得许可。",
                                                 keywords="夜间施工 噪音 许可", status="published"))
    html = client.get("/submit/").content.decode()
    slot = tag(html, "kb-suggest-slot")
    assert 'hx-get="/knowledge/suggest/"' in slot and "delay:" in slot
    assert "#id_title" in slot and "#id_body" in slot and 'aria-live="polite"' in slot
    # What the slot's request looks like (the fields by their own names) finds the article.
    fragment = client.get("/knowledge/suggest/", {"title": "工地夜间施工噪音", "body": "晚上施工"})
    assert fragment.status_code == 200 and "夜间施工许可办理" in fragment.content.decode()
