"""Key projects: the tree, milestones, updates with attachments, linked cases and clusters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shiyu.accounts.models import Department
from shiyu.audit.services import audit_record
from shiyu.cases.models import Category
from shiyu.cases.selectors import case_get_for_user
from shiyu.core import clock
from shiyu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from shiyu.geo.models import Area
from shiyu.goals.models import (
    ComplaintCluster,
    Goal,
    Milestone,
    Project,
    ProjectAttachment,
    ProjectCase,
    ProjectUpdate,
)
from shiyu.goals.services import _common as c
from shiyu.goals.services import files

MAX_DEPTH = 4  # project › sub-project › sub-sub-project … keeps the tree readable


def _depth(project: Project) -> int:
    depth, node = 1, project
    while node.parent_id is not None:
        node = Project.objects.only("parent_id").get(pk=node.parent_id)
        depth += 1
    return depth


def _dates(start: date | None, due: date | None) -> None:
    if start and due and due < start:
        raise InvalidInput(_("The due date is before the start date."), field="due")


def _get_for_update(project_id: int) -> Project:
    project = (
        Project.objects.select_for_update()
        .select_related("owner_department")
        .filter(pk=c.key(project_id))
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def _create(
    *,
    actor: Any,
    title: str,
    owner: Department,
    description: str = "",
    parent: Project | None = None,
    goal_id: int | None = None,
    start: date | None = None,
    due: date | None = None,
    weight: float = 1.0,
    is_public: bool = True,
    source_ref: str | None = None,
) -> Project:
    _dates(start, due)
    goal = None
    if goal_id is not None:
        goal = Goal.objects.filter(pk=c.key(goal_id)).first() if isinstance(goal_id, int) else None
        if goal is None:
            raise InvalidInput(_("Unknown value."), field="goal")
    if parent is not None and _depth(parent) >= MAX_DEPTH:
        raise InvalidInput(_("Projects nest at most %(n)d levels deep.") % {"n": MAX_DEPTH}, field="parent")
    now = clock.now()
    project = Project.objects.create(
        parent=parent,
        goal=goal,
        title=c.text(title, field="title", max_length=200),
        description=c.text(description, field="description", max_length=10000, required=False),
        owner_department=owner,
        start=start,
        due=due,
        weight=c.number(weight, field="weight", minimum=0, maximum=1000),
        is_public=bool(is_public),
        source_ref=source_ref,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        verb="goals.project.create",
        obj=project,
        data={"parent": parent.pk if parent else None, "source_ref": source_ref},
    )
    return project


@transaction.atomic
def project_create(
    *,
    actor: Any,
    title: str,
    owner_department_id: int,
    description: str = "",
    parent_id: int | None = None,
    goal_id: int | None = None,
    start: date | None = None,
    due: date | None = None,
    weight: float = 1.0,
    is_public: bool = True,
) -> Project:
    c.require(actor, "goal_manage")
    parent = _get_for_update(parent_id) if parent_id is not None else None
    owner = c.department(owner_department_id)
    assert owner is not None
    return _create(
        actor=actor,
        title=title,
        owner=owner,
        description=description,
        parent=parent,
        goal_id=goal_id,
        start=start,
        due=due,
        weight=weight,
        is_public=is_public,
    )


def project_create_from_proposal(
    *, actor: Any, title: str, description: str, owner_department_id: int, source_ref: str
) -> Project:
    """Contract C3: a project carrying a community proposal through to delivery. Idempotent on
    `source_ref` (e.g. "proposal:42"): a second call returns the same project."""
    ref = c.text(source_ref, field="source_ref", max_length=64)
    existing = Project.objects.filter(source_ref=ref).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            c.require(actor, "goal_manage")
            owner = c.department(owner_department_id)
            assert owner is not None
            project = _create(actor=actor, title=title, owner=owner, description=description, source_ref=ref)
            project.status = Project.Status.ACTIVE
            project.save(update_fields=["status"])
            return project
    except IntegrityError:
        # Two calls raced on the same source: the other one made it.
        found = Project.objects.filter(source_ref=ref).first()
        if found is None:
            raise
        return found


@transaction.atomic
def milestone_create(*, actor: Any, project_id: int, title: str, due: date, weight: float = 1.0) -> Milestone:
    project = _get_for_update(project_id)
    c.require_staff(actor)
    if not c.can_update_project(actor, project.owner_department):
        raise Forbidden()
    milestone = Milestone.objects.create(
        project=project,
        title=c.text(title, field="title", max_length=200),
        due=due,
        weight=c.number(weight, field="weight", minimum=0, maximum=1000),
    )
    audit_record(actor=actor, verb="goals.milestone.create", obj=milestone, data={"project": project.pk})
    return milestone


@transaction.atomic
def milestone_complete(*, actor: Any, milestone_id: int) -> Milestone:
    milestone = (
        Milestone.objects.select_for_update()
        .select_related("project__owner_department")
        .filter(pk=c.key(milestone_id))
        .first()
    )
    if milestone is None:
        raise NotFound()
    c.require_staff(actor)
    if not c.can_update_project(actor, milestone.project.owner_department):
        raise Forbidden()
    if milestone.done_at is not None:
        raise Conflict(_("This milestone is done already."))
    milestone.done_at = clock.now()
    milestone.save(update_fields=["done_at"])
    Project.objects.filter(pk=milestone.project_id).update(updated_at=milestone.done_at)
    audit_record(actor=actor, verb="goals.milestone.complete", obj=milestone)
    return milestone


@transaction.atomic
def project_update_post(
    *,
    actor: Any,
    project_id: int,
    text: str,
    progress: float | None = None,
    status: str = "",
    uploads: Sequence[files.Upload] = (),
) -> ProjectUpdate:
    """A progress note from the owner unit (or a leader), optionally with a new own progress for a
    leaf project, a new status and attachments. A bad file refuses the whole update."""
    project = _get_for_update(project_id)
    c.require_staff(actor)
    if not c.can_update_project(actor, project.owner_department):
        raise Forbidden()
    body = c.text(text, field="text", max_length=10000)
    if status and status not in Project.Status.values:
        raise InvalidInput(_("Unknown value."), field="status")
    if progress is not None:
        progress = c.number(progress, field="progress", minimum=0, maximum=1)
        if project.children.exists() or project.milestones.exists():
            raise InvalidInput(
                _("This project's progress comes from its sub-projects and milestones."), field="progress"
            )
    checked = files.check_all(uploads)
    now = clock.now()
    update = ProjectUpdate.objects.create(
        project=project, author=actor, text=body, progress=progress, created_at=now
    )
    files.attach(ProjectAttachment, checked, update=update)
    changed = ["updated_at"]
    project.updated_at = now
    if progress is not None:
        project.own_progress = progress
        changed.append("own_progress")
    if status:
        project.status = status
        changed.append("status")
    project.save(update_fields=changed)
    audit_record(
        actor=actor,
        verb="goals.project.update",
        obj=project,
        data={"update": update.pk, "progress": progress, "status": status or None, "files": len(checked)},
    )
    return update


@transaction.atomic
def project_link_case(*, actor: Any, project_id: int, case_id: int) -> ProjectCase:
    """Link a case the actor can see (the case selectors decide) to a project."""
    project = _get_for_update(project_id)
    c.require_staff(actor)
    if not c.can_update_project(actor, project.owner_department):
        raise Forbidden()
    try:
        case = case_get_for_user(actor=actor, case_id=case_id)
    except NotFound:
        raise InvalidInput(_("No such case, or you cannot see it."), field="case") from None
    link, _created = ProjectCase.objects.get_or_create(project=project, case=case)
    audit_record(actor=actor, verb="goals.project.link_case", obj=project, data={"case": case.pk})
    return link


@transaction.atomic
def project_add_cluster(
    *,
    actor: Any,
    project_id: int,
    category_id: int | None = None,
    area_id: int | None = None,
    keywords: str = "",
) -> ComplaintCluster:
    project = _get_for_update(project_id)
    c.require_staff(actor)
    if not c.can_update_project(actor, project.owner_department):
        raise Forbidden()
    category = c.ref(Category, category_id, field="category")
    area = c.ref(Area, area_id, field="area")
    words = " ".join(c.text(keywords, field="keywords", max_length=200, required=False).split())
    if not (category or area or words):
        raise InvalidInput(_("Give a category, an area or keywords."), field="category")
    cluster = ComplaintCluster.objects.create(project=project, category=category, area=area, keywords=words)
    audit_record(actor=actor, verb="goals.project.add_cluster", obj=project, data={"cluster": cluster.pk})
    return cluster
