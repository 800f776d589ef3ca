import pytest

from shiyu.accounts.services import config_save, system_user
from shiyu.core import citysettings
from shiyu.core.models import CitySetting

LIMIT = citysettings.declare("tests.limit", 4.0, "limit", minimum=0)
FLAG = citysettings.declare("tests.flag", False, "flag")

pytestmark = pytest.mark.django_db


def test_default_until_overridden_then_the_override():
    assert LIMIT.get() == 4.0
    config_save(actor=system_user(), obj=CitySetting(key="tests.limit", value=2.5))
    assert LIMIT.get() == 2.5
    assert citysettings.get("tests.flag") is False


def test_an_unusable_stored_value_falls_back_to_the_default():
    CitySetting.objects.create(key="tests.limit", value="not a number")
    CitySetting.objects.create(key="tests.flag", value=1)
    citysettings.invalidate()
    assert LIMIT.get() == 4.0
    assert FLAG.get() is False


def test_parse_checks_type_and_bounds():
    assert LIMIT.parse(3) == 3.0
    with pytest.raises(ValueError):
        LIMIT.parse(-1)
    with pytest.raises(ValueError):
        LIMIT.parse(True)
    with pytest.raises(ValueError):
        FLAG.parse("yes")


def test_redeclaring_with_another_default_is_refused():
    assert citysettings.declare("tests.limit", 4.0, "limit", minimum=0) == LIMIT
    with pytest.raises(ValueError):
        citysettings.declare("tests.limit", 5.0, "limit")


def test_admin_form_offers_declared_keys_and_checks_the_value(client):
    from shiyu.accounts.admin import CitySettingForm

    form = CitySettingForm(data={"key": "tests.limit", "value": "-3"})
    assert not form.is_valid() and "value" in form.errors
    form = CitySettingForm(data={"key": "tests.unknown", "value": "1"})
    assert not form.is_valid() and "key" in form.errors
    form = CitySettingForm(data={"key": "tests.limit", "value": "7"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == 7.0
