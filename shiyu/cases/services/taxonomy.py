from django.db import transaction

from shiyu.audit.services import audit_record
from shiyu.cases import taxonomy
from shiyu.cases.models import Category
from shiyu.core.tree import child_path, repath


@transaction.atomic
def category_create(*, code: str, name: str, name_en: str = "", parent: Category | None = None,
                    default_department_id: int | None = None, ack_hours: int = 24,
                    complete_days: int = 15, actor=None) -> Category:
    category = Category.objects.create(
        code=code, name=name, name_en=name_en, parent=parent, level=(parent.level + 1) if parent else 1,
        default_department_id=default_department_id, ack_hours=ack_hours, complete_days=complete_days)
    category.path = child_path(parent, category.pk)
    category.save(update_fields=["path"])
    audit_record(actor=actor, verb="category.create", obj=category, data={"code": code})
    taxonomy.categories.invalidate()
    transaction.on_commit(taxonomy.categories.invalidate)
    return category


@transaction.atomic
def category_save(*, actor, category: Category, changed_fields: list[str] | None = None) -> Category:
    """An administrator's edit: keeps level and path consistent with the parent, audited."""
    is_new = category.pk is None
    category.level = (category.parent.level + 1) if category.parent else 1
    category.save()
    repath(category)
    audit_record(actor=actor, verb=f"category.{'create' if is_new else 'change'}", obj=category,
                 data={"fields": changed_fields or []})
    taxonomy.categories.invalidate()
    transaction.on_commit(taxonomy.categories.invalidate)
    return category
