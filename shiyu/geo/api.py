from ninja import Router, Schema

from shiyu.geo import selectors

router = Router(tags=["geo"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    level: str
    parent_id: int | None


@router.get("/areas", response=list[AreaOut], url_name="areas")
def areas(request):
    return list(selectors.area_list())
