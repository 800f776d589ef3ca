"""SHIYU_BASE_URL: absolute links in emails; `check --deploy` says when it is missing or malformed."""

from django.test import override_settings

from shiyu.core.checks import base_url


def test_missing_base_url_is_a_deploy_warning():
    with override_settings(SHIYU_BASE_URL=""):
        assert [m.id for m in base_url(None)] == ["core.W002"]


def test_a_base_url_without_a_scheme_is_an_error():
    with override_settings(SHIYU_BASE_URL="12345.example.gov.cn"):
        assert [m.id for m in base_url(None)] == ["core.E002"]


def test_a_proper_base_url_passes():
    with override_settings(SHIYU_BASE_URL="https://12345.example.gov.cn"):
        assert base_url(None) == []
