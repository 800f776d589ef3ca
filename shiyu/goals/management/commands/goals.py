"""`shiyu goals …`: goals, projects and scorecards from the console.

    shiyu goals import-projects FILE --as USERNAME   an XLSX project tree (layout: services/importer.py)
    shiyu goals ladder [--today 2027-03-31]          run the milestone supervision ladder now
    shiyu goals scorecard SCHEME_ID [--as USERNAME] [--recompute] [--json]

An import is one transaction: a bad row is reported with its number and nothing is imported.
"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shiyu.accounts.selectors import user_get_by_username
from shiyu.core import errors
from shiyu.goals import selectors, services


class Command(BaseCommand):
    help = "Goals: import-projects FILE --as USER, ladder, scorecard SCHEME_ID."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")
        p = sub.add_parser("import-projects", help="import a project tree from .xlsx")
        p.add_argument("file")
        p.add_argument("--as", dest="username", required=True, help="the leader or supervisor importing")
        p = sub.add_parser("ladder", help="remind and escalate overdue milestones now")
        p.add_argument("--today", default="", help="the day to judge by (default: today)")
        p = sub.add_parser("scorecard", help="print a scheme's ranking")
        p.add_argument("scheme_id", type=int)
        p.add_argument("--as", dest="username", default="", help="recompute as this user")
        p.add_argument("--recompute", action="store_true")
        p.add_argument("--json", action="store_true")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"do_{options['command'].replace('-', '_')}")(options)
        except errors.DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def _user(self, username: str):
        user = user_get_by_username(username)
        if user is None:
            raise CommandError(f"no user {username}")
        return user

    def do_import_projects(self, options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no file {path}")
        top = services.projects_import_xlsx(actor=self._user(options["username"]), content=path.read_bytes())
        self.stdout.write(f"imported {len(top)} top-level projects: " + ", ".join(p.title for p in top))

    def do_ladder(self, options) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today must look like 2027-03-31") from None
        result = services.milestone_ladder_run(today=today)
        self.stdout.write(f"reminded {result.reminded}, escalated {result.escalated}")

    def do_scorecard(self, options) -> None:
        from shiyu.goals.models import Scheme

        if options["recompute"]:
            services.scheme_recompute(actor=self._user(options["username"]), scheme_id=options["scheme_id"])
        scheme = Scheme.objects.filter(pk=options["scheme_id"]).first()
        if scheme is None:
            raise CommandError(f"no scheme {options['scheme_id']}")
        result = selectors.scheme_result(scheme)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        for row in result["rows"]:
            total = "—" if row["total"] is None else f"{row['total']:.2f}"
            self.stdout.write(f"{row['rank'] or '—':>3}  {total:>7}  {row['department']}")
