"""A dispatch catalog for the demo city, derived from its categories and units (called by
shiyu.demo.city.build_city), so `make run` routes cases the way a real centre's catalog would."""

from typing import Any

from shiyu.routing.models import DispatchRule
from shiyu.routing.services import rule_save

# (category code or None, area index or None, lead, assisting, ack h, days, urgent ack h, urgent days, note)
RULES: list[
    tuple[str | None, int | None, str, list[str], int | None, int | None, int | None, int | None, str]
] = [
    ("C01", None, "ZJJ", [], 24, 15, 4, 5, "住房和城乡建设局权责清单"),
    ("C0101", None, "CGJ", [], None, 10, 2, 3, "城市管理局：市容环境卫生管理"),
    ("C0103", None, "SZJ", [], 24, 10, 2, 2, "市政设施管理处：道路、照明设施养护"),
    ("C02", None, "HBJ", [], 24, 10, 4, 3, "生态环境局：环境污染防治"),
    ("C020201", None, "HBJ", ["CGJ"], None, 7, None, None, "餐饮油烟：生态环境局主办，城管协办"),
    ("C03", None, "JTJ", [], 24, 10, None, None, "交通运输局"),
    ("C0302", None, "JJD", [], 8, 5, 1, 1, "交警支队：道路交通秩序"),
    ("C04", None, "RSJ", [], 24, 15, None, None, "人力资源和社会保障局"),
    ("C040101", None, "RSJ", ["SCJ"], 24, 10, 4, 3, "拖欠工资：劳动保障监察"),
    ("C0402", None, "YBJ", [], 24, 15, None, None, "医疗保障局"),
    ("C05", None, "JYJ", [], 24, 15, None, None, "教育局"),
    ("C06", None, "WJW", [], 24, 10, 2, 2, "卫生健康委员会"),
    ("C07", None, "SCJ", [], 24, 10, 4, 3, "市场监督管理局"),
    ("C070101", None, "SCJ", [], 8, 5, 1, 1, "食品安全：从快处置"),
]


def build_demo_catalog(city: Any) -> int:
    """Catalog-wide rules, plus 区域联动 rules: open burning of waste is led by each district's
    government with the environment bureau assisting. → rules created."""
    made = 0
    for code, _area, lead, assisting, ack, days, u_ack, u_days, note in RULES:
        if code not in city.categories:
            continue
        rule = DispatchRule(
            category=city.categories[code],
            area=None,
            lead_department=city.departments[lead],
            ack_hours=ack,
            complete_days=days,
            urgent_ack_hours=u_ack,
            urgent_complete_days=u_days,
            note=note,
        )
        rule_save(actor=None, rule=rule, assisting=[city.departments[a] for a in assisting])
        made += 1
    for district in city.districts:
        government = city.departments.get(f"{district.code}GOV")
        if government is None:
            continue
        rule = DispatchRule(
            category=city.categories["C020202"],
            area=district,
            lead_department=government,
            complete_days=5,
            note="属地管理：露天焚烧由区政府主办，生态环境局协办",
        )
        rule_save(actor=None, rule=rule, assisting=[city.departments["HBJ"]])
        made += 1
    return made
