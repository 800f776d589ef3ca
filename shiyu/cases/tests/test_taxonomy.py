"""Tree edits keep paths and levels right; the in-process category index follows changes."""

import pytest
from django.test import override_settings

from shiyu.cases import selectors, taxonomy
from shiyu.cases.models import Category
from shiyu.cases.services import CaseInput, case_submit, category_create, category_save
from shiyu.core.errors import InvalidInput


def test_moving_a_category_moves_its_subtree(city):
    admin = city.users["admin"]
    mid = Category.objects.get(code="C0201")  # 噪音污染 under 环境保护
    target = Category.objects.get(code="C01")
    mid.parent = target
    category_save(actor=admin, category=mid)
    leaf = Category.objects.get(code="C020101")
    mid.refresh_from_db()
    assert mid.path.startswith(target.path) and mid.level == 2
    assert leaf.path.startswith(mid.path) and leaf.level == 3
    # The subtree filter follows the move: a case in the leaf is found under the new top level.
    case_submit(actor=None, data=CaseInput(title="施工噪音", body="夜间施工", category="C020101"))
    found = selectors.case_list_for_user(actor=admin, filters=selectors.CaseFilters(category=target.pk))
    assert found.count() == 1


def test_a_category_cannot_move_under_its_own_descendant(city):
    top = Category.objects.get(code="C02")
    before = top.path
    top.parent = Category.objects.get(code="C020101")
    with pytest.raises(InvalidInput):
        category_save(actor=city.users["admin"], category=top)
    assert Category.objects.get(code="C02").path == before


@override_settings(SHIYU_REFCACHE_SECONDS=3600)
def test_category_index_sees_new_and_deactivated_categories(city):
    taxonomy.categories.invalidate()
    assert taxonomy.categories.get().by_code.get("NEW1") is None
    new = category_create(code="NEW1", name="新分类", parent=Category.objects.get(code="C02"))
    assert taxonomy.categories.get().by_code["NEW1"].pk == new.pk
    # It inherits its parent's department as the suggestion.
    assert taxonomy.categories.get().department_of[new.pk] == city.departments["HBJ"].pk
    new.is_active = False
    category_save(actor=city.users["admin"], category=new)
    with pytest.raises(InvalidInput):
        case_submit(actor=None, data=CaseInput(title="标题", body="内容", category="NEW1"))
    taxonomy.categories.invalidate()

