from django.db import transaction

from shiyu.cases.models import Category


@transaction.atomic
def category_create(*, code: str, name: str, name_en: str = "", parent: Category | None = None,
                    default_department_id: int | None = None, ack_hours: int = 24,
                    complete_days: int = 15) -> Category:
    category = Category.objects.create(
        code=code, name=name, name_en=name_en, parent=parent, level=(parent.level + 1) if parent else 1,
        default_department_id=default_department_id, ack_hours=ack_hours, complete_days=complete_days)
    category.path = f"{parent.path if parent else '/'}{category.pk}/"
    category.save(update_fields=["path"])
    return category
