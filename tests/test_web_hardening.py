"""Web hardening across every app: no inline script or style (the CSP forbids them, so they would
silently break), a CSRF token in every POST form, tracking codes that cannot be enumerated, and
request bodies with a size limit."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shiyu.cases.models import Case
from shiyu.cases.services.submit import CODE_ALPHABET, CODE_LENGTH

ROOT = Path(__file__).resolve().parent.parent
# The Django admin and the API docs page ship their own inline scripts; the CSP is off there.
EXEMPT_PREFIXES = ("/admin/", "/api/")


def problems(html: str) -> list[str]:
    """What a strict CSP (script-src 'self'; style-src 'self') blocks, or a POST form lacking CSRF."""
    found = []
    for m in re.finditer(r"<script\b([^>]*)>", html, re.I):
        if not re.search(r"\bsrc\s*=", m.group(1), re.I) and "application/json" not in m.group(1):
            found.append(f"inline <script>: {html[m.start():m.start() + 80]!r}")
    for m in re.finditer(r"<[a-z][^>]*?\s(on[a-z]+|hx-on[:\w-]*)\s*=", html, re.I):
        found.append(f"inline handler {m.group(1)}: {m.group(0)[:80]!r}")
    for pattern, what in ((r"javascript:", "javascript: URL"), (r"<style\b", "<style> element"),
                          (r"<[a-z][^>]*?\sstyle\s*=", "style attribute")):
        for m in re.finditer(pattern, html, re.I):
            found.append(f"{what}: {html[m.start():m.start() + 80]!r}")
    for m in re.finditer(r"<form\b[^>]*>", html, re.I):
        if re.search(r"method\s*=\s*[\"']?post", m.group(0), re.I):
            end = html.find("</form>", m.end())
            inside = html[m.end():end if end > 0 else len(html)]
            if "csrf_token" not in inside and "csrfmiddlewaretoken" not in inside:
                found.append(f"POST form without a CSRF token: {m.group(0)[:80]!r}")
    return found


def test_no_template_has_inline_script_style_or_a_form_without_csrf():
    templates = [p for p in (ROOT / "shiyu").rglob("templates/**/*.html")
                 if "/templates/admin/" not in str(p)]
    assert len(templates) > 20
    found = {str(p.relative_to(ROOT)): problems(p.read_text()) for p in templates}
    assert {path: issues for path, issues in found.items() if issues} == {}


def test_the_scanner_finds_what_it_must():
    page = ('<script>alert(1)</script><a onclick="x()">a</a><div style="color:red"></div>'
            '<form method="post"><input name="q"></form><script src="/static/a.js"></script>')
    assert len(problems(page)) == 4
    assert problems('<form method="post">{% csrf_token %}</form><form method="get"></form>') == []


def _plain_url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every named URL pattern in the URL conf (namespaced), to be reversed without arguments."""
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += _plain_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}{entry.name}")
    return names


def _pages() -> list[str]:
    from django.urls import NoReverseMatch

    paths = set()
    for name in _plain_url_names():
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue  # needs arguments: the per-app tests render those
        if not path.startswith(EXEMPT_PREFIXES) and "logout" not in name:
            paths.add(path)
    return sorted(paths)


@pytest.mark.django_db
def test_rendered_pages_carry_the_csp_and_nothing_it_would_block(city, submit_case):
    submit_case()
    pages = _pages()
    assert len(pages) > 15
    checked, found = 0, {}
    for who in (None, "operator", "admin"):
        client = Client()
        if who:
            client.force_login(city.users[who])
        for path in pages:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue  # redirects, denials and downloads are the matrix's business
            checked += 1
            assert "script-src 'self'" in response.get("Content-Security-Policy", ""), path
            issues = problems(response.content.decode())
            if issues:
                found[f"{who or 'anonymous'} {path}"] = issues
    assert checked > 20
    assert found == {}


@pytest.mark.django_db
def test_tracking_codes_are_random_and_guessing_is_limited(city, submit_case, settings):
    codes = [submit_case(title=f"第{i}件").code for i in range(40)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    # Not a counter in disguise: consecutive codes share no long prefix and are not in order.
    assert max(len(_common_prefix(a, b)) for a, b in zip(codes, codes[1:], strict=False)) <= 3
    assert codes != sorted(codes)
    assert len(CODE_ALPHABET) ** CODE_LENGTH > 10**14  # guessing a live code: hopeless at any rate
    # A wrong code and a malformed one answer alike (nothing tells "almost right" apart) …
    wrong = Client().get("/api/v1/track/" + "2" * CODE_LENGTH)
    malformed = Client().get("/api/v1/track/x")
    assert wrong.status_code == malformed.status_code == 404
    assert wrong.json()["code"] == malformed.json()["code"]
    # … and guessing is rate-limited per address, for the API and the page alike.
    settings.SHIYU_RATE_TRACK = "5/h"
    client = Client()
    statuses = [client.get(f"/api/v1/track/{'3' * (CODE_LENGTH - 1)}{ch}").status_code for ch in "23456789"]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}
    assert client.get(f"/track/{codes[0]}/").status_code == 429  # even a right code, once over the limit
    assert Client(REMOTE_ADDR="10.1.1.1").get(f"/api/v1/track/{codes[0]}").status_code == 200


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


@pytest.mark.django_db
def test_an_oversized_body_is_refused_and_changes_nothing(city):
    body = {"title": "路灯不亮", "body": "很" * (3 * 1024 * 1024 // 3), "category": "C010302",
            "area": city.grids[0].code}
    response = Client().post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code in (400, 413), response.status_code
    assert Case.objects.count() == 0
