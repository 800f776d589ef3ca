"""A fictional city: areas, departments, categories and staff accounts, built through services.

Used by `shiyu seed_demo` and by tests (a smaller build). Deterministic: same input, same city.
"""

from dataclasses import dataclass, field

from django.db import transaction

from shiyu.accounts.models import Department, User
from shiyu.accounts.services import department_create, membership_grant, user_create
from shiyu.cases.models import Category
from shiyu.cases.services import category_create
from shiyu.geo.models import Area
from shiyu.geo.services import area_create, area_tree_generate_boundaries

DEMO_PASSWORD = "shiyu-demo"  # noqa: S105  (documented demo password; demo accounts need SHIYU_DEMO)

DISTRICTS = [
    ("D01", "长安区", "Chang'an District", ["和平街道", "解放街道", "建设街道"]),
    ("D02", "临江区", "Linjiang District", ["滨江街道", "码头街道", "望江街道"]),
    ("D03", "青山区", "Qingshan District", ["青山街道", "钢城街道"]),
    ("D04", "新城区", "Xincheng District", ["高新街道", "科创街道", "文华街道"]),
]
COMMUNITIES = ["东苑社区", "西苑社区", "南湖社区", "北岭社区"]

# code, name, name_en, department code, ack hours, complete days, children
CATEGORIES = [
    ("C01", "城乡建设", "Urban and rural construction", "ZJJ", 24, 15, [
        ("C0101", "市容管理", "City appearance", "CGJ", [("C010101", "占道经营", "Street vending"),
                                                   ("C010102", "违章搭建", "Illegal construction")]),
        ("C0102", "物业管理", "Property management", "ZJJ", [("C010201", "物业服务", "Property services"),
                                                      ("C010202", "电梯故障", "Lift breakdown")]),
        ("C0103", "市政设施", "Municipal facilities", "SZJ", [("C010301", "道路破损", "Damaged roads"),
                                                       ("C010302", "路灯不亮", "Street lights out")]),
    ]),
    ("C02", "环境保护", "Environmental protection", "HBJ", 24, 10, [
        ("C0201", "噪音污染", "Noise", "HBJ", [("C020101", "施工噪音", "Construction noise"),
                                           ("C020102", "商业噪音", "Commercial noise")]),
        ("C0202", "大气污染", "Air pollution", "HBJ", [("C020201", "油烟扰民", "Cooking fumes"),
                                                 ("C020202", "垃圾焚烧", "Waste burning")]),
    ]),
    ("C03", "交通运输", "Transport", "JTJ", 24, 10, [
        ("C0301", "公共交通", "Public transport", "JTJ", [("C030101", "公交线路", "Bus routes"),
                                                    ("C030102", "出租车服务", "Taxi service")]),
        ("C0302", "交通管理", "Traffic management", "JJD", [("C030201", "违章停车", "Illegal parking"),
                                                      ("C030202", "信号灯故障", "Traffic light fault")]),
    ]),
    ("C04", "劳动和社会保障", "Labour and social security", "RSJ", 24, 15, [
        ("C0401", "劳动关系", "Labour relations", "RSJ", [("C040101", "拖欠工资", "Unpaid wages"),
                                                    ("C040102", "劳动合同", "Labour contracts")]),
        ("C0402", "社会保险", "Social insurance", "YBJ", [("C040201", "医保报销", "Medical insurance"),
                                                    ("C040202", "养老保险", "Pensions")]),
    ]),
    ("C05", "教育文体", "Education, culture and sport", "JYJ", 24, 15, [
        ("C0501", "教育管理", "Education", "JYJ", [("C050101", "入学招生", "School admission"),
                                              ("C050102", "校外培训", "Private tutoring")]),
    ]),
    ("C06", "卫生计生", "Health", "WJW", 24, 10, [
        ("C0601", "医疗服务", "Medical services", "WJW", [("C060101", "医院服务", "Hospital service"),
                                                    ("C060102", "药品价格", "Drug prices")]),
    ]),
    ("C07", "商贸旅游", "Commerce and tourism", "SCJ", 24, 10, [
        ("C0701", "市场监管", "Market supervision", "SCJ", [("C070101", "食品安全", "Food safety"),
                                                      ("C070102", "消费纠纷", "Consumer disputes")]),
    ]),
]

DEPARTMENTS = [
    ("ZJJ", "市住房和城乡建设局", "Housing and Construction Bureau"),
    ("CGJ", "市城市管理局", "City Management Bureau"),
    ("SZJ", "市市政设施管理处", "Municipal Facilities Office"),
    ("HBJ", "市生态环境局", "Ecology and Environment Bureau"),
    ("JTJ", "市交通运输局", "Transport Bureau"),
    ("JJD", "市公安局交警支队", "Traffic Police"),
    ("RSJ", "市人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("YBJ", "市医疗保障局", "Healthcare Security Bureau"),
    ("JYJ", "市教育局", "Education Bureau"),
    ("WJW", "市卫生健康委员会", "Health Commission"),
    ("SCJ", "市市场监督管理局", "Market Regulation Bureau"),
    ("SWJ", "市水务局", "Water Bureau"),
    ("GAJ", "市公安局", "Public Security Bureau"),
    ("MZJ", "市民政局", "Civil Affairs Bureau"),
    ("ZRJ", "市自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("WLJ", "市文化旅游局", "Culture and Tourism Bureau"),
]


@dataclass
class City:
    city: Area
    districts: list[Area] = field(default_factory=list)
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    grids: list[Area] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    @property
    def leaf_categories(self) -> list[Category]:
        return [c for c in self.categories.values() if c.level == 3]


@transaction.atomic
def build_city(*, small: bool = False, password: str = DEMO_PASSWORD) -> City:
    """Areas, departments, categories and the demo staff accounts. `small` is for tests."""
    city = City(city=area_create(code="C", name="示范市", name_en="Demo City", level="city"))
    districts = DISTRICTS[:2] if small else DISTRICTS
    for d_code, d_name, d_en, streets in districts:
        district = area_create(code=d_code, name=d_name, name_en=d_en, level="district", parent=city.city)
        city.districts.append(district)
        for s_index, s_name in enumerate(streets[:1] if small else streets, start=1):
            street = area_create(code=f"{d_code}S{s_index}", name=s_name, level="street", parent=district,
                                 name_en=f"{s_name[:-2]} Subdistrict")
            city.streets.append(street)
            for c_index, c_name in enumerate(COMMUNITIES[:1] if small else COMMUNITIES[:3], start=1):
                community = area_create(code=f"{street.code}C{c_index}", name=f"{s_name[:-2]}{c_name}",
                                        level="community", parent=street)
                city.communities.append(community)
                for g in range(1, 2 if small else 3):
                    city.grids.append(area_create(code=f"{community.code}G{g}", name=f"第{g}网格",
                                                  name_en=f"Grid {g}", level="grid", parent=community))
    # Generated boundaries, so every map has something to draw and points find their grid.
    area_tree_generate_boundaries(actor=None, root=city.city)
    for code, name, name_en in DEPARTMENTS:
        city.departments[code] = department_create(code=code, name=name, name_en=name_en)
    for district in city.districts:
        code = f"{district.code}GOV"
        city.departments[code] = department_create(code=code, name=f"{district.name}人民政府",
                                                   name_en=f"{district.name_en} Government",
                                                   area_id=district.pk)
    # People's mediation committees (人民调解委员会): one per district, street and community.
    for area in (*city.districts, *city.streets, *city.communities):
        code = f"{area.code}TJ"
        city.departments[code] = department_create(
            code=code, name=f"{area.name}人民调解委员会",
            name_en=f"{area.name_en or area.code} Mediation Committee", area_id=area.pk,
            kind=Department.Kind.MEDIATION)
    for code, name, name_en, dept, ack, days, children in CATEGORIES:
        top = category_create(code=code, name=name, name_en=name_en, ack_hours=ack, complete_days=days,
                              default_department_id=city.departments[dept].pk)
        city.categories[code] = top
        for c2, n2, e2, dept2, leaves in children:
            mid = category_create(code=c2, name=n2, name_en=e2, parent=top, ack_hours=ack,
                                  complete_days=days, default_department_id=city.departments[dept2].pk)
            city.categories[c2] = mid
            for c3, n3, e3 in leaves:
                city.categories[c3] = category_create(code=c3, name=n3, name_en=e3, parent=mid,
                                                      ack_hours=ack, complete_days=days)
    _staff(city, password)
    # Open311: every leaf category published, and the application keyed `shiyu-demo-key`.
    from shiyu.open311.services import demo_setup

    demo_setup(categories=city.leaf_categories)
    # The dispatch catalog (派单目录) derived from these categories and units.
    from shiyu.routing.demo import build_demo_catalog

    build_demo_catalog(city)
    return city


def _staff(city: City, password: str) -> None:
    def make(username: str, display: str, *, superuser: bool = False) -> User:
        user = user_create(username=username, password=password, display_name=display,
                           is_superuser=superuser, is_demo=True)
        city.users[username] = user
        return user

    membership_grant(user=make("admin", "系统管理员", superuser=True), role_code="admin")
    membership_grant(user=make("operator", "王受理"), role_code="operator")
    membership_grant(user=make("dispatcher", "李派单"), role_code="dispatcher")
    handler = make("handler", "张承办")
    membership_grant(user=handler, role_code="handler", department=city.departments["HBJ"])
    membership_grant(user=handler, role_code="handler", department=city.departments["CGJ"])
    unithead = make("unithead", "赵局长")
    membership_grant(user=unithead, role_code="unithead", department=city.departments["HBJ"])
    membership_grant(user=unithead, role_code="unithead", department=city.departments["CGJ"])
    membership_grant(user=make("supervisor", "孙督办"), role_code="supervisor")
    membership_grant(user=make("leader", "周市长"), role_code="leader")
    # A district operator: sees only its own district's cases (used to show scoping).
    membership_grant(user=make("operator_d2", "临江区受理员"), role_code="operator",
                     area_id=city.districts[1].pk)
    membership_grant(user=make("handler_jtj", "交通局承办人"), role_code="handler",
                     department=city.departments["JTJ"])
    membership_grant(user=make("resident", "市民"), role_code="resident")
    # People's mediators: one per level of the first district's committees.
    for username, display, area in (("mediator", "刘调解", city.communities[0]),
                                    ("mediator_street", "陈调解", city.streets[0]),
                                    ("mediator_district", "黄调解", city.districts[0])):
        membership_grant(user=make(username, display), role_code="mediator",
                         department=city.departments[f"{area.code}TJ"])
