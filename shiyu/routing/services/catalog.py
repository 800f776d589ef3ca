"""Writes to the dispatch catalog: one rule at a time (the admin) or a whole file (import).

Every change is audited and leaves a DispatchRuleRevision (the rule as it became), so each rule
has its own history. An import is one transaction: any bad row and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts import policies
from shiyu.accounts.models import Department
from shiyu.audit.services import audit_record
from shiyu.cases.models import Category
from shiyu.core import clock, errors
from shiyu.geo.models import Area
from shiyu.routing import catalog_io
from shiyu.routing.catalog import catalog
from shiyu.routing.models import DispatchRule, DispatchRuleRevision

PERMISSION = "catalog_edit"
LIMIT_FIELDS = ("ack_hours", "complete_days", "urgent_ack_hours", "urgent_complete_days")


def _require(actor: Any) -> None:
    """The command line (no actor) is trusted; people need the catalog permission (data)."""
    if actor is None or getattr(actor, "is_system", False):
        return
    if not policies.roles_allowed(actor, PERMISSION):
        raise errors.Forbidden()


def snapshot(rule: DispatchRule, assisting: Sequence[int] | None = None) -> dict[str, Any]:
    if assisting is None:
        assisting = sorted(rule.assisting_departments.values_list("pk", flat=True))
    return {
        "category": rule.category.code if rule.category is not None else None,
        "area": rule.area.code if rule.area is not None else None,
        "lead_department": rule.lead_department.code,
        "assisting_departments": sorted(
            Department.objects.filter(pk__in=assisting).values_list("code", flat=True)
        ),
        **{name: getattr(rule, name) for name in LIMIT_FIELDS},
        "note": rule.note,
        "is_active": rule.is_active,
    }


def _changed_keys(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if before is None:
        return sorted(after)
    return sorted(k for k in after if before.get(k) != after[k])


def _record(*, actor: Any, rule_id: int, action: str, data: dict[str, Any], changed: list[str]) -> None:
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    DispatchRuleRevision.objects.create(
        rule_id_ref=rule_id,
        action=action,
        actor_id=actor_id,
        data=data,
        changed=changed,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        verb=f"catalog.rule.{action}",
        object_type="routing.dispatchrule",
        object_id=str(rule_id),
        data={"changed": changed},
    )


def _invalidate() -> None:
    catalog.invalidate()
    transaction.on_commit(catalog.invalidate)


def _validate(rule: DispatchRule) -> None:
    for name in LIMIT_FIELDS:
        value = getattr(rule, name)
        if value is not None and not 0 < value <= 10_000:
            raise errors.InvalidInput(_("A limit must be a positive whole number."), field=name)
    if rule.lead_department_id is None:
        raise errors.InvalidInput(_("Choose the lead department."), field="lead_department")


@transaction.atomic
def rule_save(
    *, actor: Any, rule: DispatchRule, assisting: Sequence[Department | int] | None = None
) -> DispatchRule:
    """Create or change a rule (the admin form). `assisting` None keeps the current ones."""
    _require(actor)
    _validate(rule)
    before = None
    if rule.pk is not None:
        old = DispatchRule.objects.filter(pk=rule.pk).first()
        before = snapshot(old) if old is not None else None
    rule.updated_at = clock.now()
    rule.save()
    if assisting is not None:
        ids = [d.pk if isinstance(d, Department) else int(d) for d in assisting]
        rule.assisting_departments.set([i for i in ids if i != rule.lead_department_id])
    after = snapshot(rule)
    changed = _changed_keys(before, after)
    if before is None or changed:
        _record(
            actor=actor,
            rule_id=rule.pk,
            action="create" if before is None else "change",
            data=after,
            changed=changed,
        )
    _invalidate()
    return rule


@transaction.atomic
def rule_delete(*, actor: Any, rule: DispatchRule) -> None:
    _require(actor)
    data = snapshot(rule)
    rule_id = rule.pk
    rule.assisting_departments.clear()
    rule.delete()
    _record(actor=actor, rule_id=rule_id, action="delete", data=data, changed=[])
    _invalidate()


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, column, message)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Parsed:
    line: int
    category: Category | None
    area: Area | None
    lead: Department
    assisting: list[int]
    limits: dict[str, int | None]
    note: str
    active: bool


def _int(value: str) -> int | None:
    if value == "":
        return None
    number = int(value)
    if not 0 < number <= 10_000:
        raise ValueError
    return number


_TRUE = {"", "1", "true", "yes", "y", "是", "启用", "on"}
_FALSE = {"0", "false", "no", "n", "否", "停用", "off"}


def _parse(rows: list[catalog_io.RawRow], report: ImportReport) -> list[_Parsed]:
    categories = {c.code: c for c in Category.objects.all()}
    areas = {a.code: a for a in Area.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    parsed: list[_Parsed] = []
    cells: dict[tuple[int | None, int | None], int] = {}
    for row in rows:
        v = row.values
        errs: list[tuple[str, str]] = []
        category = area = lead = None
        code = v.get("category", "")
        if code:
            category = categories.get(code)
            if category is None:
                errs.append(("category", _("Unknown category: %(value)s") % {"value": code}))
        code = v.get("area", "")
        if code:
            area = areas.get(code)
            if area is None:
                errs.append(("area", _("Unknown area: %(value)s") % {"value": code}))
        code = v.get("lead_department", "")
        lead = departments.get(code) if code else None
        if lead is None:
            errs.append(
                (
                    "lead_department",
                    _("Unknown department: %(value)s") % {"value": code}
                    if code
                    else _("The lead department is required."),
                )
            )
        elif not lead.is_active:
            errs.append(("lead_department", _("The department %(value)s is not active.") % {"value": code}))
        assisting = []
        for code in catalog_io.split_codes(v.get("assisting_departments", "")):
            dept = departments.get(code)
            if dept is None:
                errs.append(("assisting_departments", _("Unknown department: %(value)s") % {"value": code}))
            else:
                assisting.append(dept.pk)
        limits: dict[str, int | None] = {}
        for name in LIMIT_FIELDS:
            try:
                limits[name] = _int(v.get(name, ""))
            except ValueError:
                errs.append(
                    (name, _("Expected a whole number from 1 to 10000: %(value)s") % {"value": v[name]})
                )
        flag = v.get("active", "").strip().lower()
        if flag not in _TRUE | _FALSE:
            errs.append(("active", _("Expected yes or no: %(value)s") % {"value": v["active"]}))
        if not errs:
            cell = (category.pk if category else None, area.pk if area else None)
            first = cells.get(cell)
            if first is not None and flag not in _FALSE:
                errs.append(
                    (
                        "category",
                        _("Same category and area as line %(line)d: two rules for one cell conflict.")
                        % {"line": first},
                    )
                )
            elif flag not in _FALSE:
                cells[cell] = row.line
        for column, message in errs:
            report.errors.append((row.line, column, str(message)))
        if not errs and lead is not None:
            parsed.append(
                _Parsed(
                    row.line,
                    category,
                    area,
                    lead,
                    sorted(set(assisting) - {lead.pk}),
                    limits,
                    v.get("note", "")[:300],
                    flag not in _FALSE,
                )
            )
    return parsed


def catalog_import(
    *, actor: Any, data: bytes, name: str, dry_run: bool = False, replace: bool = False
) -> ImportReport:
    """Upsert rules from a file, keyed by (category, area). With `replace`, active rules the file
    does not list are deactivated (the file is the whole catalog). Any error: nothing changes."""
    _require(actor)
    report = ImportReport(dry_run=dry_run)
    try:
        rows = catalog_io.read(data, name)
    except catalog_io.FileError as exc:
        report.errors.append((0, "", str(exc)))
        return report
    report.rows = len(rows)
    parsed = _parse(rows, report)
    if report.errors:
        return report
    with transaction.atomic():
        existing: dict[tuple[int | None, int | None], DispatchRule] = {}
        for rule in DispatchRule.objects.select_related("category", "area", "lead_department").order_by(
            "-is_active", "pk"
        ):
            existing.setdefault((rule.category_id, rule.area_id), rule)
        seen: set[int] = set()
        for item in parsed:
            key = (item.category.pk if item.category else None, item.area.pk if item.area else None)
            found_rule = existing.get(key)
            fields = {
                "category": item.category,
                "area": item.area,
                "lead_department": item.lead,
                "note": item.note,
                "is_active": item.active,
                **item.limits,
            }
            if found_rule is None:
                rule = DispatchRule(**fields)
                _validate(rule)
                rule.updated_at = clock.now()
                rule.save()
                rule.assisting_departments.set(item.assisting)
                _record(
                    actor=actor,
                    rule_id=rule.pk,
                    action="import",
                    data=snapshot(rule, item.assisting),
                    changed=sorted(catalog_io.KEYS),
                )
                report.created += 1
                existing[key] = rule
            else:
                rule = found_rule
                before = snapshot(rule)
                for name, value in fields.items():
                    setattr(rule, name, value)
                after = snapshot(rule, item.assisting)
                changed = _changed_keys(before, after)
                if changed:
                    rule.updated_at = clock.now()
                    rule.save()
                    rule.assisting_departments.set(item.assisting)
                    _record(actor=actor, rule_id=rule.pk, action="import", data=after, changed=changed)
                    report.updated += 1
                else:
                    report.unchanged += 1
            seen.add(rule.pk)
        if replace:
            for rule in DispatchRule.objects.filter(is_active=True).exclude(pk__in=seen):
                rule.is_active = False
                rule.updated_at = clock.now()
                rule.save(update_fields=["is_active", "updated_at"])
                _record(
                    actor=actor, rule_id=rule.pk, action="import", data=snapshot(rule), changed=["is_active"]
                )
                report.deactivated += 1
        audit_record(
            actor=actor,
            verb="catalog.import",
            object_type="routing.dispatchrule",
            data={
                "file": name[:200],
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "deactivated": report.deactivated,
                "dry_run": dry_run,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
        else:
            _invalidate()
    return report


def catalog_export_rows() -> list[dict[str, object]]:
    rows = []
    qs = (
        DispatchRule.objects.select_related("category", "area", "lead_department")
        .prefetch_related("assisting_departments")
        .order_by("category__path", "area__path", "pk")
    )
    for rule in qs:
        rows.append(
            {
                "category": rule.category.code if rule.category else "",
                "area": rule.area.code if rule.area else "",
                "lead_department": rule.lead_department.code,
                "assisting_departments": ";".join(sorted(d.code for d in rule.assisting_departments.all())),
                **{name: getattr(rule, name) for name in LIMIT_FIELDS},
                "note": rule.note,
                "active": "1" if rule.is_active else "0",
            }
        )
    return rows


def catalog_export(*, name: str) -> bytes:
    return catalog_io.write(catalog_export_rows(), name)
