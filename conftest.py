"""Fixtures shared by every test: a small city built through the real services."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def city(db):
    from shiyu.demo.city import build_city

    return build_city(small=True)


@pytest.fixture
def submit_case(city):
    """Make a case the way a resident would (through the intake service)."""
    from shiyu.cases.services import CaseInput
    from shiyu.intake.services import intake_submit

    def make(**overrides):
        data = {"title": "小区门口占道经营", "body": "每天傍晚有摊贩占用人行道，行人无法通行。",
                "category": "C010101", "area": city.grids[0].pk, "contact_name": "陈先生",
                "contact_phone": "13812345678"}
        data.update(overrides)
        case, _ = intake_submit(actor=None, data=CaseInput(**data))
        return case

    return make
