from django.db import transaction

from shiyu.core.errors import InvalidInput
from shiyu.core.tree import child_path
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_index

LEVEL_ORDER = [Area.Level.CITY, Area.Level.DISTRICT, Area.Level.STREET, Area.Level.COMMUNITY,
               Area.Level.GRID]


@transaction.atomic
def area_create(*, code: str, name: str, level: str, parent: Area | None = None,
                name_en: str = "") -> Area:
    if parent is not None and LEVEL_ORDER.index(Area.Level(level)) <= LEVEL_ORDER.index(
            Area.Level(parent.level)):
        raise InvalidInput(f"{level} cannot sit under {parent.level}", field="level")
    area = Area.objects.create(code=code, name=name, name_en=name_en, level=level, parent=parent)
    area.path = child_path(parent, area.pk)
    area.save(update_fields=["path"])
    transaction.on_commit(area_index.invalidate)
    area_index.invalidate()
    return area
