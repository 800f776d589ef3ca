"""Intake recovers when this process's reference index is stale."""

import pytest
from django.test import override_settings

from shiyu.cases import taxonomy
from shiyu.cases.models import Category
from shiyu.cases.services import CaseInput, category_create
from shiyu.core.errors import InvalidInput
from shiyu.intake.services import intake_submit


@pytest.mark.django_db(transaction=True)  # foreign keys are checked when the insert commits
@override_settings(SHIYU_REFCACHE_SECONDS=3600)
def test_intake_recovers_from_a_stale_category_index(city):
    """Another process removed a category this process still holds: the insert fails on the
    foreign key, intake reloads the index and answers with a field error, not a crash."""
    gone = category_create(code="GONE", name="临时分类", parent=Category.objects.get(code="C02"))
    taxonomy.categories.invalidate()
    assert taxonomy.categories.get().by_code["GONE"].pk == gone.pk
    Category.objects.filter(pk=gone.pk).delete()  # as if done elsewhere; this index is now stale
    with pytest.raises(InvalidInput) as exc:
        intake_submit(actor=None, data=CaseInput(title="标题", body="内容", category="GONE"),
                      idempotency_key="stale-1")
    assert exc.value.field == "category"
    taxonomy.categories.invalidate()
