"""`shiyu disputes …`: mediation figures and the agreement follow-up from the console.

shiyu disputes figures [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--area CODE] [--json]
shiyu disputes high-risk [--days N]      open high-risk disputes (no party data)
shiyu disputes follow-up                 remind the agreements whose deadline has passed
"""

import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shiyu.core import clock
from shiyu.disputes import selectors, services
from shiyu.geo.selectors import area_lookup


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Disputes: figures, high-risk, follow-up."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")
        p = sub.add_parser(
            "figures", help="disputes by type, mediation success and agreement performance rates"
        )
        p.add_argument("--start", default="", help="first day (default: 30 days ago)")
        p.add_argument("--end", default="", help="last day (default: today)")
        p.add_argument("--area", default="", help="an area code or id (with everything below it)")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("high-risk", help="open high-risk disputes assessed in the last N days")
        p.add_argument("--days", type=int, default=30)
        sub.add_parser("follow-up", help="remind the agreements whose performance deadline has passed")

    def handle(self, *args, **options) -> None:
        getattr(self, f"do_{options['command'].replace('-', '_')}")(options)

    def do_figures(self, options) -> None:
        today = clock.now().date()
        end = _day(options["end"]) if options["end"] else today
        start = _day(options["start"]) if options["start"] else end - timedelta(days=29)
        area_id = None
        if options["area"]:
            area = area_lookup(options["area"])
            if area is None:
                raise CommandError(f"unknown area: {options['area']}")
            area_id = area.pk
        figures = selectors.dispute_figures(start=start, end=end, area_id=area_id)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return

        def rate(value: float | None) -> str:
            return "—" if value is None else f"{100 * value:.1f}%"

        self.stdout.write(f"{start} – {end}: {figures['disputes']} disputes")
        for code, n in sorted(figures["by_type"].items()):
            self.stdout.write(f"  {code:<12} {n:>6}")
        self.stdout.write(
            f"mediated {figures['mediated']}, agreements {figures['agreements']}, "
            f"success {rate(figures['mediation_success_rate'])}, "
            f"performance {rate(figures['agreement_performance_rate'])}"
        )

    def do_high_risk(self, options) -> None:
        rows = selectors.disputes_high_risk(since=clock.now() - timedelta(days=options["days"]))
        for row in rows:
            self.stdout.write(
                f"#{row['id']} {row['type']} area={row['area_id']} committee={row['committee_id']} "
                f"{','.join(row['risk_reasons'])}"
            )
        self.stdout.write(f"{len(rows)} open high-risk disputes")

    def do_follow_up(self, options) -> None:
        self.stdout.write(f"{services.agreements_due_sweep()} agreements reminded")
