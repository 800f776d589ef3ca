"""Import a project tree from an XLSX workbook. All or nothing: every row is checked before any is
written, and the first bad row is reported with its number.

Layout: the first sheet; row 1 holds the headers (their text is free), data from row 2:

    A ref      a short key of this row, unique in the file (e.g. P1, P1.2, M3)
    B parent   the ref of the project this row belongs to (empty: a top-level project)
    C type     project | milestone   (also 项目 | 里程碑)
    D title
    E unit     the owner unit's code (projects; a sub-project without one inherits its parent's)
    F start    a date (projects, optional)
    G due      a date (required for milestones)
    H weight   a number ≥ 0 (empty: 1)
    I description (projects, optional)

Empty rows are skipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from shiyu.accounts.models import Department
from shiyu.audit.services import audit_record
from shiyu.core.errors import InvalidInput
from shiyu.goals.models import Milestone, Project
from shiyu.goals.services import _common as c
from shiyu.goals.services.projects import MAX_DEPTH, _create

MAX_ROWS = 2000
TYPES = {"project": "project", "项目": "project", "milestone": "milestone", "里程碑": "milestone"}


@dataclass
class Row:
    number: int
    ref: str
    parent: str
    type: str
    title: str
    unit: Department | None
    start: date | None
    due: date | None
    weight: float
    description: str


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, *, row: int, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise InvalidInput(
            _("Row %(row)d: %(column)s is not a date (use 2027-03-31).") % {"row": row, "column": column}
        ) from None


def _parse(content: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput(_("The file is not an XLSX workbook."), field="file") from None
    sheet = book.worksheets[0]
    rows: list[Row] = []
    units = {d.code: d for d in Department.objects.filter(is_active=True)}
    for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=9, values_only=True), start=2):
        cells = list(values) + [None] * (9 - len(values))
        if all(v in (None, "") for v in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(_("At most %(n)d rows.") % {"n": MAX_ROWS}, field="file")
        ref, parent, kind, title, unit = (_cell_text(v) for v in cells[:5])
        if not ref:
            raise InvalidInput(_("Row %(row)d: the ref (column A) is empty.") % {"row": number})
        if kind.lower() not in TYPES:
            raise InvalidInput(
                _("Row %(row)d: the type (column C) must be project or milestone.") % {"row": number}
            )
        if not title or len(title) > 200:
            raise InvalidInput(_("Row %(row)d: the title (column D) is empty or too long.") % {"row": number})
        department = None
        if unit:
            department = units.get(unit)
            if department is None:
                raise InvalidInput(
                    _("Row %(row)d: unknown unit code %(code)s.") % {"row": number, "code": unit}
                )
        raw_weight = cells[7]
        try:
            weight = 1.0 if raw_weight in (None, "") else float(raw_weight)
        except (TypeError, ValueError):
            weight = -1.0
        if not 0 <= weight <= 1000:
            raise InvalidInput(
                _("Row %(row)d: the weight (column H) must be a number from 0 to 1000.") % {"row": number}
            )
        rows.append(
            Row(
                number=number,
                ref=ref,
                parent=parent,
                type=TYPES[kind.lower()],
                title=title,
                unit=department,
                start=_date(cells[5], row=number, column="F"),
                due=_date(cells[6], row=number, column="G"),
                weight=weight,
                description=_cell_text(cells[8])[:10000],
            )
        )
    if not rows:
        raise InvalidInput(_("The workbook has no rows to import."), field="file")
    return rows


def _check(rows: list[Row]) -> None:
    by_ref: dict[str, Row] = {}
    for row in rows:
        if row.ref in by_ref:
            raise InvalidInput(
                _("Row %(row)d: the ref %(ref)s is used twice.") % {"row": row.number, "ref": row.ref}
            )
        by_ref[row.ref] = row
    for row in rows:
        parent = by_ref.get(row.parent) if row.parent else None
        if row.parent and (parent is None or parent.number >= row.number or parent.type != "project"):
            raise InvalidInput(
                _("Row %(row)d: the parent %(ref)s must be a project on an earlier row.")
                % {"row": row.number, "ref": row.parent}
            )
        if row.type == "milestone":
            if parent is None:
                raise InvalidInput(
                    _("Row %(row)d: a milestone needs a parent project.") % {"row": row.number}
                )
            if row.due is None:
                raise InvalidInput(
                    _("Row %(row)d: a milestone needs a due date (column G).") % {"row": row.number}
                )
            continue
        if row.unit is None:
            row.unit = parent.unit if parent is not None else None
        if row.unit is None:
            raise InvalidInput(
                _("Row %(row)d: a top-level project needs an owner unit (column E).") % {"row": row.number}
            )
        if row.start and row.due and row.due < row.start:
            raise InvalidInput(_("Row %(row)d: the due date is before the start date.") % {"row": row.number})
        depth, node = 1, row
        while node.parent:
            node = by_ref[node.parent]
            depth += 1
        if depth > MAX_DEPTH:
            raise InvalidInput(
                _("Row %(row)d: projects nest at most %(n)d levels deep.")
                % {"row": row.number, "n": MAX_DEPTH}
            )


@transaction.atomic
def projects_import_xlsx(*, actor: Any, content: bytes) -> list[Project]:
    """The top-level projects created. Nothing is written when any row is bad."""
    c.require(actor, "goal_manage")
    rows = _parse(content)
    _check(rows)
    made: dict[str, Project] = {}
    top: list[Project] = []
    for row in rows:
        parent = made.get(row.parent) if row.parent else None
        if row.type == "milestone":
            assert parent is not None and row.due is not None
            Milestone.objects.create(project=parent, title=row.title, due=row.due, weight=row.weight)
            continue
        assert row.unit is not None
        project = _create(
            actor=actor,
            title=row.title,
            owner=row.unit,
            description=row.description,
            parent=parent,
            start=row.start,
            due=row.due,
            weight=row.weight,
        )
        made[row.ref] = project
        if parent is None:
            top.append(project)
    audit_record(
        actor=actor,
        verb="goals.project.import",
        object_type="goals.project",
        data={"rows": len(rows), "projects": len(made)},
    )
    return top
