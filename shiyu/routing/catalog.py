"""The dispatch catalog as an in-process index: resolution at intake, and the consistency check.

Precedence, precisely: a rule matches a case when its category is the case's category or one of
its ancestors (or empty: any), and its area is the case's area or one of its ancestors (or empty:
anywhere). Among matching rules the one with the deeper category wins; between equal category
depths, the deeper area wins. Depth counts from the root (a top-level category is 1, a leaf 3;
the city is 1 … a grid 5; empty is 0). So (施工噪音, anywhere) beats (环境保护, 长安区): what the
matter is decides which power applies (权责清单); where it is only picks the branch of that unit.
Two active rules on the same (category, area) cell are a conflict: the lower id wins and the
check reports it. Limits left empty on the winning rule are taken from the next matching rule
in the same order, then from the category; for urgent and critical cases a rule's urgency
override is taken first, searched the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shiyu.cases import taxonomy
from shiyu.cases.models import Category
from shiyu.core.refcache import RefCache
from shiyu.geo.models import Area

URGENT = ("urgent", "critical")


@dataclass(frozen=True)
class Rule:
    id: int
    category_id: int | None
    area_id: int | None
    lead_id: int
    assisting: tuple[int, ...]
    ack_hours: int | None
    complete_days: int | None
    urgent_ack_hours: int | None
    urgent_complete_days: int | None


@dataclass
class CatalogIndex:
    cells: dict[tuple[int | None, int | None], list[Rule]] = field(default_factory=dict)
    category_parent: dict[int, int | None] = field(default_factory=dict)
    area_parent: dict[int, int | None] = field(default_factory=dict)

    def chain(self, parents: dict[int, int | None], start: int | None) -> list[int | None]:
        out: list[int | None] = []
        node = start
        while node is not None and node not in out:
            out.append(node)
            node = parents.get(node)
        out.append(None)
        return out


@dataclass(frozen=True)
class Resolution:
    source: str  # "rule" | "category" | "none"
    department_id: int | None
    assisting: tuple[int, ...] = ()
    rule_id: int | None = None
    matched_category_id: int | None = None
    matched_area_id: int | None = None
    ack_hours: int | None = None
    complete_days: int | None = None
    conflict: bool = False


def _load() -> CatalogIndex:
    from shiyu.routing.models import DispatchRule

    index = CatalogIndex()
    index.category_parent = dict(Category.objects.values_list("pk", "parent_id"))
    index.area_parent = dict(Area.objects.values_list("pk", "parent_id"))
    assisting: dict[int, list[int]] = {}
    through = DispatchRule.assisting_departments.through
    for rule_id, dept_id in (
        through.objects.filter(dispatchrule__is_active=True)
        .values_list("dispatchrule_id", "department_id")
        .order_by("department_id")
    ):
        assisting.setdefault(rule_id, []).append(dept_id)
    rows = DispatchRule.objects.filter(is_active=True, lead_department__is_active=True).order_by("pk")
    for r in rows.values_list(
        "pk",
        "category_id",
        "area_id",
        "lead_department_id",
        "ack_hours",
        "complete_days",
        "urgent_ack_hours",
        "urgent_complete_days",
    ):
        rule = Rule(r[0], r[1], r[2], r[3], tuple(assisting.get(r[0], ())), *r[4:])
        index.cells.setdefault((rule.category_id, rule.area_id), []).append(rule)
    return index


catalog = RefCache(_load)


def matching(index: CatalogIndex, category_id: int | None, area_id: int | None) -> list[list[Rule]]:
    """The matching rules by cell, most specific cell first (see the module docstring)."""
    found = []
    areas = index.chain(index.area_parent, area_id)
    for c in index.chain(index.category_parent, category_id):
        for a in areas:
            rules = index.cells.get((c, a))
            if rules:
                found.append(rules)
    return found


def resolve(
    category_id: int | None, area_id: int | None, urgency: str = "normal", index: CatalogIndex | None = None
) -> Resolution:
    index = index if index is not None else catalog.get()
    groups = matching(index, category_id, area_id)
    if not groups:
        department = taxonomy.categories.get().department_of.get(category_id) if category_id else None
        return Resolution(source="category" if department else "none", department_id=department)
    ordered = [rule for group in groups for rule in group]
    urgent = urgency in URGENT

    def first(*names: str) -> int | None:
        for name in names:
            for rule in ordered:
                value = getattr(rule, name)
                if value is not None:
                    return value
        return None

    ack = first("urgent_ack_hours", "ack_hours") if urgent else first("ack_hours")
    days = first("urgent_complete_days", "complete_days") if urgent else first("complete_days")
    top = groups[0][0]
    return Resolution(
        source="rule",
        department_id=top.lead_id,
        assisting=top.assisting,
        rule_id=top.id,
        matched_category_id=top.category_id,
        matched_area_id=top.area_id,
        ack_hours=ack,
        complete_days=days,
        conflict=len(groups[0]) > 1,
    )


@dataclass
class CheckReport:
    conflicts: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    rules: int = 0
    cells_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.gaps


def check() -> CheckReport:
    """Conflicts (two active rules on one cell) and gaps (an active leaf category × a district
    that resolves to no unit: no rule and no default department)."""
    index = _load()  # fresh: the check must see the database, not this process's copy
    report = CheckReport(rules=sum(len(v) for v in index.cells.values()))
    for (category_id, area_id), rules in sorted(index.cells.items(), key=lambda kv: kv[1][0].id):
        if len(rules) > 1:
            report.conflicts.append(
                {
                    "category_id": category_id,
                    "area_id": area_id,
                    "rule_ids": [r.id for r in rules],
                    "departments": [r.lead_id for r in rules],
                }
            )
    categories = list(Category.objects.filter(is_active=True).values_list("pk", "parent_id"))
    parents = {p for _, p in categories if p}
    leaves = [pk for pk, _ in categories if pk not in parents]
    districts = list(
        Area.objects.filter(level=Area.Level.DISTRICT).order_by("path").values_list("pk", flat=True)
    )
    for leaf in leaves:
        for district in list[int | None](districts) or [None]:
            report.cells_checked += 1
            if resolve(leaf, district, index=index).department_id is None:
                report.gaps.append({"category_id": leaf, "area_id": district})
    return report
