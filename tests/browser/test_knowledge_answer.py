"""An inquiry answered on first contact from the knowledge base, in a real browser: the case page
suggests the matching article, "Insert into the answer" fills the answer form, and sending it
replies to the case without dispatching (一次性答复)."""

import pytest

from shiyu.cases import services
from shiyu.cases.models import Case
from shiyu.knowledge.demo import seed_articles
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operator_answers_an_inquiry_from_the_knowledge_base(city, submit_case, new_page):
    seed_articles()
    case = submit_case(title="被拖欠工资怎么办", category="C040101", kind="inquiry",
                       body="公司拖欠我两个月工资，老板一直拖着不发，我该去哪里投诉？")
    services.case_accept(actor=city.users["operator"], case_id=case.pk)
    page = new_page("zh-Hans")
    sign_in(page, "operator")
    page.goto(f"/staff/cases/{case.pk}/")
    suggestion = page.locator("#kb-suggest")
    suggestion.locator("[data-kb-insert]").first.wait_for()
    assert "拖欠工资如何维权" in suggestion.inner_text()
    suggestion.locator("[data-kb-insert]").first.click()
    answer = page.locator("#action-answer textarea[name=text]")
    assert "劳动保障监察" in answer.input_value()
    page.click("#do-answer")
    page.locator("#case-notice").wait_for()
    done = Case.objects.get(pk=case.pk)
    assert done.state == "replied" and done.first_contact and "劳动保障监察" in done.reply_text
