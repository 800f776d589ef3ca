"""The category tree as an in-process index (see core.refcache): code, id or name → category,
and each category's suggested department, without a query per submission."""

from dataclasses import dataclass, field

from shiyu.cases.models import Category
from shiyu.core.refcache import RefCache


@dataclass
class CategoryIndex:
    by_id: dict[int, Category] = field(default_factory=dict)
    by_code: dict[str, Category] = field(default_factory=dict)
    by_name: dict[str, Category] = field(default_factory=dict)
    department_of: dict[int, int | None] = field(default_factory=dict)


def _load() -> CategoryIndex:
    index = CategoryIndex()
    all_rows = {c.pk: c for c in Category.objects.order_by("path")}
    for category in all_rows.values():
        if not category.is_active:
            continue
        index.by_id[category.pk] = category
        index.by_code[category.code] = category
        index.by_name.setdefault(category.name, category)
        # The category's unit, or its nearest ancestor's (the full catalog is the routing app's).
        node: Category | None = category
        department = None
        while node is not None:
            if node.default_department_id:
                department = node.default_department_id
                break
            node = all_rows.get(node.parent_id) if node.parent_id else None
        index.department_of[category.pk] = department
    return index


categories = RefCache(_load)
