from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.core.errors import InvalidInput
from shiyu.core.tree import child_path, repath
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_index

LEVEL_ORDER = [Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET, Area.Level.COMMUNITY,
               Area.Level.GRID]


def check_level(level: str, parent: Area | None) -> None:
    if parent is not None and LEVEL_ORDER.index(Area.Level(level)) <= LEVEL_ORDER.index(
            Area.Level(parent.level)):
        raise InvalidInput(_("A %(level)s cannot sit under a %(parent)s.") % {
            "level": Area.Level(level).label, "parent": Area.Level(parent.level).label}, field="level")


def _invalidate() -> None:
    area_index.invalidate()
    transaction.on_commit(area_index.invalidate)


@transaction.atomic
def area_create(*, code: str, name: str, level: str, parent: Area | None = None,
                name_en: str = "", actor=None) -> Area:
    check_level(level, parent)
    area = Area.objects.create(code=code, name=name, name_en=name_en, level=level, parent=parent)
    area.path = child_path(parent, area.pk)
    area.save(update_fields=["path"])
    audit_record(actor=actor, verb="area.create", obj=area, data={"code": code})
    _invalidate()
    return area


@transaction.atomic
def area_save(*, actor, area: Area, changed_fields: list[str] | None = None) -> Area:
    """An administrator's edit. Moving an area moves its subtree, so every scope and filter
    that matches by path follows at once."""
    check_level(area.level, area.parent)
    is_new = area.pk is None
    area.save()
    repath(area)
    audit_record(actor=actor, verb=f"area.{'create' if is_new else 'change'}", obj=area,
                 data={"fields": changed_fields or []})
    _invalidate()
    return area
