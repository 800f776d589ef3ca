"""Encryption of personal data at rest: tokens, keys, rotation (shiyu/core/crypto.py)."""

import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from shiyu.core import crypto

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_round_trip_is_not_plaintext_and_differs_each_time():
    token = crypto.encrypt("13812345678")
    assert token.startswith(crypto.PREFIX) and "13812345678" not in token
    assert crypto.encrypt("13812345678") != token  # a fresh IV: equal values do not compare equal
    assert crypto.decrypt(token) == "13812345678"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.decrypt("陈女士") == "陈女士"  # legacy plaintext reads as is


def test_first_key_encrypts_every_key_decrypts():
    with override_settings(SHIYU_FIELD_KEYS=[OLD]):
        old_token = crypto.encrypt("王先生")
        assert not crypto.needs_rotation(old_token)
    with override_settings(SHIYU_FIELD_KEYS=[NEW, OLD]):
        assert crypto.decrypt(old_token) == "王先生"
        assert crypto.needs_rotation(old_token) and crypto.needs_rotation("plaintext")
        new_token = crypto.encrypt("王先生")
        assert f"${crypto.key_id(NEW)}$" in new_token and not crypto.needs_rotation(new_token)
    with override_settings(SHIYU_FIELD_KEYS=[NEW]), pytest.raises(crypto.DecryptionError, match="not in"):
        crypto.decrypt(old_token)  # the old key dropped too early: a clear error, not garbage


def test_tampered_token_is_refused():
    token = crypto.encrypt("13812345678")
    forged = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(forged)


def test_development_key_comes_from_secret_key_and_bad_keys_fail_loudly():
    with override_settings(SHIYU_FIELD_KEYS=[], SECRET_KEY="one"):
        one = crypto.primary_key_id()
    with override_settings(SHIYU_FIELD_KEYS=[], SECRET_KEY="two"):
        assert crypto.primary_key_id() != one
    with override_settings(SHIYU_FIELD_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_production_settings_refuse_to_start_without_field_keys(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x" * 50,
           "SHIYU_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = "import django; django.setup()"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode != 0 and "SHIYU_FIELD_KEYS" in refused.stderr
    started = subprocess.run([sys.executable, "-c", code], env={**env, "SHIYU_FIELD_KEYS": NEW},
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr


def test_a_malformed_key_fails_the_system_check():
    from shiyu.core.checks import field_keys

    with override_settings(SHIYU_FIELD_KEYS=["not-a-key"]):
        assert [e.id for e in field_keys(None)] == ["crypto.E001"]
    with override_settings(SHIYU_FIELD_KEYS=[NEW, OLD]):
        assert field_keys(None) == []
