"""What the city publishes: jurisdictions, services and their attributes, held per process."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.audit.services import audit_record
from shiyu.cases.models import Category
from shiyu.core import errors
from shiyu.core.refcache import RefCache
from shiyu.open311.models import Application, Attribute, AttributeValue, Jurisdiction, Service


def changed() -> None:
    """Services, attributes and jurisdictions are read on every GET from a per-process cache."""
    catalog.invalidate()
    transaction.on_commit(catalog.invalidate)


@transaction.atomic
def config_save(*, actor: Any, obj: Any, changed_fields: list[str] | None = None) -> None:
    """An administrator's edit of a jurisdiction, service, attribute, value or application."""
    is_new = obj.pk is None
    if isinstance(obj, Application) and is_new:
        raise errors.InvalidInput(_("Create applications with their key: shiyu open311_key create NAME."))
    obj.save()
    audit_record(actor=actor, verb=f"open311.{obj._meta.model_name}.{'create' if is_new else 'change'}",
                 obj=obj, data={"fields": changed_fields or []})
    changed()


@transaction.atomic
def config_delete(*, actor: Any, obj: Any) -> None:
    audit_record(actor=actor, verb=f"open311.{obj._meta.model_name}.delete", obj=obj)
    obj.delete()
    changed()


@dataclass
class Catalog:
    """Jurisdictions, services and attributes, held per process (they change in the admin only)."""

    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    default_jurisdiction: Jurisdiction | None = None
    services: dict[str, Service] = field(default_factory=dict)            # by service_code
    attributes: dict[int, list[Attribute]] = field(default_factory=dict)  # service id → attributes
    values: dict[int, list[AttributeValue]] = field(default_factory=dict)  # attribute id → values
    categories: dict[int, Category] = field(default_factory=dict)
    # category id → the service that covers it (itself or its nearest published ancestor)
    service_of_category: dict[int, Service] = field(default_factory=dict)


def _load_catalog() -> Catalog:
    cat = Catalog()
    for j in Jurisdiction.objects.select_related("area"):
        cat.jurisdictions[j.code] = j
        if j.is_default and cat.default_jurisdiction is None:
            cat.default_jurisdiction = j
    cat.categories = {c.pk: c for c in Category.objects.filter(is_active=True)}
    services = [s for s in Service.objects.filter(is_active=True).order_by("order", "service_code")
                if s.category_id in cat.categories]
    cat.services = {s.service_code: s for s in services}
    for attr in Attribute.objects.filter(service__in=services).order_by("order", "id"):
        cat.attributes.setdefault(attr.service_id, []).append(attr)
    for value in AttributeValue.objects.filter(attribute__service__in=services).order_by("order", "id"):
        cat.values.setdefault(value.attribute_id, []).append(value)
    by_category = {s.category_id: s for s in reversed(services)}  # the first in order wins
    for category in cat.categories.values():
        node: Category | None = category
        while node is not None:
            if node.pk in by_category:
                cat.service_of_category[category.pk] = by_category[node.pk]
                break
            node = cat.categories.get(node.parent_id) if node.parent_id else None
    return cat


catalog: RefCache[Catalog] = RefCache(_load_catalog)


@transaction.atomic
def jurisdiction_create(*, code: str, name: str, area_id: int | None = None, is_default: bool = False,
                        actor: Any = None) -> Jurisdiction:
    j = Jurisdiction.objects.create(code=code, name=name, area_id=area_id, is_default=is_default)
    audit_record(actor=actor, verb="open311.jurisdiction.create", obj=j, data={"code": code})
    changed()
    return j


@transaction.atomic
def service_publish(*, category: Category, service_code: str = "", jurisdiction: Jurisdiction | None = None,
                    description: str = "", keywords: str = "", group: str = "", order: int = 0,
                    actor: Any = None) -> Service:
    """Expose a category as an Open311 service (again, if it was withdrawn)."""
    code = service_code or category.code
    service, created = Service.objects.get_or_create(
        service_code=code, defaults={"category": category, "jurisdiction": jurisdiction,
                                     "description": description, "keywords": keywords, "group": group,
                                     "order": order})
    if not created and not service.is_active:
        Service.objects.filter(pk=service.pk).update(is_active=True)
    if created:
        audit_record(actor=actor, verb="open311.service.create", obj=service, data={"code": code})
    changed()
    return service


@transaction.atomic
def attribute_add(*, service: Service, code: str, description: str, datatype: str = "string",
                  required: bool = False, variable: bool = True, order: int = 1,
                  values: list[tuple[str, str]] | None = None, actor: Any = None) -> Attribute:
    if datatype not in Attribute.Datatype.values:
        raise errors.InvalidInput(_("Unknown datatype."), field="datatype")
    attr = Attribute.objects.create(service=service, code=code, description=description, datatype=datatype,
                                    required=required, variable=variable, order=order)
    for index, (key, name) in enumerate(values or [], start=1):
        AttributeValue.objects.create(attribute=attr, key=key, name=name, order=index)
    audit_record(actor=actor, verb="open311.attribute.create", obj=attr, data={"code": code})
    changed()
    return attr

