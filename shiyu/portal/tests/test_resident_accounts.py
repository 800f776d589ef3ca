"""Residents sign in with a one-time e-mailed link and see their own requests."""

import re
import time

import pytest
from django.apps import apps
from django.core import mail

from shiyu.portal import residents
from shiyu.portal.tests.test_portal import code_from, form_data

pytestmark = pytest.mark.django_db
EMAIL = "chen.resident@example.cn"


def link_from_mail() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/account/link/\S+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def sign_in(client, email=EMAIL) -> str:
    mail.outbox.clear()
    response = client.post("/account/signin/", {"email": email})
    assert response.status_code == 200 and 'id="link-sent"' in response.content.decode()
    return link_from_mail()


def User():  # noqa: N802
    return apps.get_model("accounts", "User")


def test_link_signs_in_once_and_makes_a_resident_account(city, client):
    link = sign_in(client)
    assert EMAIL not in link  # the address travels encrypted, never in clear in a URL or log
    assert not User().objects.filter(email=EMAIL).exists()  # asking writes nothing
    page = client.get(link)  # a mail scanner opening the link spends nothing
    assert page.status_code == 200 and 'id="confirm-signin"' in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/account/"
    user = User().objects.get(email=EMAIL)
    memberships = apps.get_model("accounts", "Membership").objects.filter(user=user)
    assert {m.role.code for m in memberships} == {"resident"}
    assert not user.has_usable_password()
    client.logout()
    again = client.post(link)
    assert again.status_code == 400 and 'id="link-error"' in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_newer_sign_in_voids_an_older_link_and_a_known_address_reuses_its_account(city, client):
    first = sign_in(client)
    time.sleep(0.01)
    second = sign_in(client)
    assert client.post(second).status_code == 302
    client.logout()
    assert client.post(first).status_code == 400
    third = sign_in(client)
    assert client.post(third).status_code == 302
    assert User().objects.filter(email=EMAIL).count() == 1


def test_expired_forged_and_plain_links_are_refused(city, client):
    old = residents.link_token(EMAIL, now=time.time() - 31 * 60)
    assert client.post(f"/account/link/{old}/").status_code == 400
    forged = residents.link_token(EMAIL)[:-6] + "AAAAAA"
    assert client.post(f"/account/link/{forged}/").status_code == 400
    assert client.post('/account/link/{"e":"x@example.cn","t":9999999999}/').status_code == 400
    assert not User().objects.filter(email=EMAIL).exists()


def test_staff_addresses_never_sign_in_by_link(city, client):
    staff = city.users["operator"]
    staff.email = "operator@example.gov.cn"
    staff.save(update_fields=["email"])
    link = sign_in(client, "operator@example.gov.cn")  # the same answer: the page reveals nothing
    assert client.post(link).status_code == 400
    assert "_auth_user_id" not in client.session


def test_bad_address_is_a_localised_field_error(city, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/account/signin/", {"email": "not an address"})
    assert response.status_code == 422 and 'id="id_email_error"' in response.content.decode()
    assert not mail.outbox


def test_my_requests_lists_own_cases_only(city, client):
    other = client.__class__()
    client.post(sign_in(client))
    mine = code_from(client.post("/submit/", form_data(city)))
    other.post(sign_in(other, "someone.else@example.cn"))
    theirs = code_from(other.post("/submit/", form_data(city, token="other", title="别人的诉求")))
    page = client.get("/account/").content.decode()
    assert mine in page and theirs not in page
    assert f"/track/{mine}/" in page
    assert apps.get_model("cases", "Case").objects.get(code=mine).submitter.email == EMAIL
    assert client.__class__().get("/account/").status_code == 302  # anonymous: sign in first
    staff = client.__class__()
    staff.force_login(city.users["operator"])
    assert staff.get("/account/")["Location"] == "/staff/"
