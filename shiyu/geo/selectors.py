from django.db.models import QuerySet
from django.utils.translation import get_language

from shiyu.geo.models import Area


def area_list() -> QuerySet[Area]:
    return Area.objects.all().order_by("path")


def area_get(*, pk: int | None = None, code: str | None = None) -> Area | None:
    qs = Area.objects.all()
    if pk is not None:
        return qs.filter(pk=pk).first() if 0 < pk <= 2**63 - 1 else None
    if code:
        return qs.filter(code=code).first()
    return None


def area_find(value: str) -> Area | None:
    """An area by code, id or exact name (used by imports and the CLI)."""
    value = (value or "").strip()
    if not value:
        return None
    found = Area.objects.filter(code=value).first()
    if found is None and value.isdigit() and int(value) <= 2**63 - 1:
        found = Area.objects.filter(pk=int(value)).first()
    if found is None:
        found = Area.objects.filter(name=value).order_by("path").first()
    return found


def area_label(area: Area | None) -> str:
    if area is None:
        return ""
    if get_language() == "en" and area.name_en:
        return area.name_en
    return area.name
