"""The demo city's Open311 set-up."""

from typing import Any

from shiyu.cases.models import Category
from shiyu.open311.models import Application
from shiyu.open311.services.catalog import attribute_add, jurisdiction_create, service_publish
from shiyu.open311.services.keys import DEMO_KEY, application_create


def demo_setup(*, categories: list[Category], actor: Any = None) -> Application:
    """The demo city's Open311: every leaf category published, one with questions, and the
    application whose documented key is `shiyu-demo-key`."""
    jurisdiction_create(code="demo.city", name="Demo City", is_default=True, actor=actor)
    for order, category in enumerate(categories, start=1):
        service = service_publish(category=category, order=order, actor=actor)
        if category.code == "C010302":  # street lights out: which lamp, and since when
            attribute_add(service=service, code="POLE", description="灯杆编号 Pole number", order=1,
                          actor=actor)
            attribute_add(service=service, code="SINCE", description="从何时开始 Since when",
                          datatype="datetime", order=2, actor=actor)
            attribute_add(service=service, code="HOWMANY", description="几盏灯 How many lamps",
                          datatype="number", order=3, actor=actor)
            attribute_add(service=service, code="STATE", description="状态 State",
                          datatype="singlevaluelist", required=True, order=4,
                          values=[("dark", "全黑 Dark"), ("flicker", "闪烁 Flickering"),
                                  ("day", "白天亮 On by day")], actor=actor)
            attribute_add(service=service, code="NEAR", description="附近 Nearby",
                          datatype="multivaluelist", order=5,
                          values=[("school", "学校 School"), ("crossing", "路口 Crossing"),
                                  ("bus", "公交站 Bus stop")], actor=actor)
    app, _raw = application_create(name="Demo app", contact="demo", key=DEMO_KEY, actor=actor)
    return app

