"""`shiyu catalog …`: the dispatch catalog (派单目录) from the console.

    shiyu catalog check                 conflicts and gaps; exit status 1 when there are any
    shiyu catalog import FILE [--dry-run] [--replace]
    shiyu catalog export FILE           .xlsx or .csv, by the file's extension
    shiyu catalog resolve CATEGORY [AREA] [--urgency urgent]

An import is one transaction: a malformed file prints a row-level report and changes nothing.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shiyu.accounts.models import Department
from shiyu.cases.models import Category
from shiyu.geo.models import Area
from shiyu.geo.selectors import area_lookup
from shiyu.routing import catalog, catalog_io, services


class Command(BaseCommand):
    help = "Dispatch catalog: check, import FILE, export FILE, resolve CATEGORY [AREA]."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")
        p = sub.add_parser("check", help="report conflicts and gaps")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("import", help="import rules from .xlsx or .csv")
        p.add_argument("file")
        p.add_argument("--dry-run", action="store_true", help="check and report, change nothing")
        p.add_argument(
            "--replace",
            action="store_true",
            help="the file is the whole catalog: deactivate active rules it does not list",
        )
        p = sub.add_parser("export", help="write the catalog to .xlsx or .csv")
        p.add_argument("file")
        p = sub.add_parser("resolve", help="which rule and unit a category (and area) gets")
        p.add_argument("category")
        p.add_argument("area", nargs="?", default="")
        p.add_argument("--urgency", default="normal", choices=["normal", "urgent", "critical"])

    def handle(self, *args, **options) -> None:
        getattr(self, f"do_{options['command']}")(options)

    def do_check(self, options) -> None:
        report = catalog.check()
        cats = dict(Category.objects.values_list("pk", "code"))
        areas = dict(Area.objects.values_list("pk", "code"))
        depts = dict(Department.objects.values_list("pk", "code"))
        conflicts = [
            {
                "category": cats.get(c["category_id"], "*"),
                "area": areas.get(c["area_id"], "*"),
                "rules": c["rule_ids"],
                "departments": [depts.get(d, d) for d in c["departments"]],
            }
            for c in report.conflicts
        ]
        gaps = [
            {"category": cats.get(g["category_id"]), "district": areas.get(g["area_id"], "*")}
            for g in report.gaps
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "rules": report.rules,
                        "cells": report.cells_checked,
                        "conflicts": conflicts,
                        "gaps": gaps,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stdout.write(
                f"{report.rules} active rules, {report.cells_checked} leaf category × district cells checked"
            )
            for c in conflicts:
                self.stdout.write(
                    f"CONFLICT {c['category']} × {c['area']}: rules {c['rules']} → "
                    f"{', '.join(map(str, c['departments']))}"
                )
            for g in gaps:
                self.stdout.write(f"GAP {g['category']} × {g['district']}: no rule and no default department")
            self.stdout.write(f"{len(conflicts)} conflicts, {len(gaps)} gaps")
        if not report.ok:
            sys.exit(1)

    def do_import(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = services.catalog_import(
            actor=None,
            data=path.read_bytes(),
            name=path.name,
            dry_run=options["dry_run"],
            replace=options["replace"],
        )
        if not report.ok:
            for line, column, message in report.errors:
                where = f"line {line}" if line else "file"
                self.stderr.write(f"{where}{f' [{column}]' if column else ''}: {message}")
            raise CommandError(f"{len(report.errors)} problems; nothing was imported.")
        verb = "would be" if report.dry_run else "were"
        self.stdout.write(
            f"{report.rows} rows: {report.created} created, {report.updated} changed, "
            f"{report.unchanged} unchanged, {report.deactivated} deactivated "
            f"({verb} written{'; dry run, nothing changed' if report.dry_run else ''})"
        )

    def do_export(self, options) -> None:
        path = Path(options["file"])
        try:
            content = services.catalog_export(name=path.name)
        except catalog_io.FileError as exc:
            raise CommandError(str(exc)) from None
        path.write_bytes(content)
        self.stdout.write(f"{len(services.catalog_export_rows())} rules written to {path}")

    def do_resolve(self, options) -> None:
        category = Category.objects.filter(code=options["category"]).first()
        if category is None:
            raise CommandError(f"Unknown category: {options['category']}")
        area = area_lookup(options["area"]) if options["area"] else None
        if options["area"] and area is None:
            raise CommandError(f"Unknown area: {options['area']}")
        found = catalog.resolve(category.pk, area.pk if area else None, options["urgency"])
        dept = Department.objects.filter(pk=found.department_id).first()
        self.stdout.write(
            json.dumps(
                {
                    "source": found.source,
                    "rule": found.rule_id,
                    "department": dept.code if dept else None,
                    "assisting": list(
                        Department.objects.filter(pk__in=found.assisting).values_list("code", flat=True)
                    ),
                    "ack_hours": found.ack_hours,
                    "complete_days": found.complete_days,
                    "conflict": found.conflict,
                },
                ensure_ascii=False,
            )
        )
