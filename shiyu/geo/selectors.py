from django.db.models import QuerySet

from shiyu.core.i18n import localized_name
from shiyu.core.ids import is_number, is_valid_id
from shiyu.core.refcache import RefCache
from shiyu.geo.models import Area


def area_list() -> QuerySet[Area]:
    return Area.objects.all().order_by("path")


def area_get(*, pk: int | None = None, code: str | None = None) -> Area | None:
    qs = Area.objects.all()
    if pk is not None:
        return qs.filter(pk=pk).first() if is_valid_id(pk) else None
    if code:
        return qs.filter(code=code).first()
    return None


def area_find(value: str) -> Area | None:
    """An area by code, id or exact name (used by imports and the CLI)."""
    value = (value or "").strip()
    if not value:
        return None
    found = Area.objects.filter(code=value).first()
    if found is None and is_number(value) and is_valid_id(int(value)):
        found = Area.objects.filter(pk=int(value)).first()
    if found is None:
        found = Area.objects.filter(name=value).order_by("path").first()
    return found


def area_label(area: Area | None) -> str:
    return localized_name(area)


def _load_area_index() -> dict[str, dict]:
    areas = list(Area.objects.all())
    by_name: dict = {}
    for area in sorted(areas, key=lambda a: a.path):
        by_name.setdefault(area.name, area)
    return {"by_id": {a.pk: a for a in areas}, "by_code": {a.code: a for a in areas}, "by_name": by_name}


area_index = RefCache(_load_area_index)


def area_lookup(value: str | int) -> Area | None:
    """An area by id, code or exact name, from the in-process index (intake's hot path)."""
    index = area_index.get()
    if isinstance(value, int) or (isinstance(value, str) and is_number(value)):
        found = index["by_id"].get(int(value))
        if found is not None:
            return found
    if isinstance(value, str):
        return index["by_code"].get(value) or index["by_name"].get(value)
    return None
