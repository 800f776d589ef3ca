"""`shiyu workcal`: working-time arithmetic for operators and checks (see shiyu/core/workcal.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shiyu.core import workcal


def _instant(text: str) -> datetime:
    """ISO 8601; without an offset the time is read in settings.TIME_ZONE."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(_("Not a date and time in ISO 8601 (e.g. 2026-09-30T16:00+08:00): %(value)s")
                           % {"value": text}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return moment


def _number(text: str, kind: type) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or value != value or value in (float("inf"), float("-inf")):
        raise CommandError((_("Not a whole number: %(value)s") if kind is int else
                            _("Not a number: %(value)s")) % {"value": text})
    return value


class Command(BaseCommand):
    # Scripts read its output: the calendar's own warning is in `info`, not on every call.
    requires_system_checks: list[str] = []
    help = ("Working time on the official calendar: `add --start T --hours H` or `--days N` prints the "
            "resulting instant; `between START END` prints the working hours; `day DATE` tells whether "
            "it is a working day; `info` shows the hours and the calendar's coverage.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="START plus working hours or working days")
        add.add_argument("--start", required=True, help="ISO 8601, e.g. 2026-09-30T16:00+08:00")
        amount = add.add_mutually_exclusive_group(required=True)
        amount.add_argument("--hours", help="working hours (may be fractional or negative)")
        amount.add_argument("--days", help="working days (whole, may be negative)")
        between = sub.add_parser("between", help="working hours from START to END")
        between.add_argument("start")
        between.add_argument("end")
        day = sub.add_parser("day", help="whether DATE (YYYY-MM-DD) is a working day")
        day.add_argument("date")
        sub.add_parser("info", help="working hours, years with official data, warnings")

    def handle(self, *args, action: str, **options):
        try:
            getattr(self, f"do_{action}")(options)
        except workcal.OutOfRange:
            raise CommandError(_("Dates must lie between %(first)s and %(last)s.")
                               % {"first": workcal.FIRST_YEAR, "last": workcal.LAST_YEAR}) from None

    def do_add(self, options):
        start = _instant(options["start"])
        if options["hours"] is not None:
            result = workcal.add_working_hours(start, _number(options["hours"], float))
        else:
            result = workcal.add_working_days(start, int(_number(options["days"], int)))
        self.stdout.write(result.isoformat())

    def do_between(self, options):
        hours = workcal.working_hours_between(_instant(options["start"]), _instant(options["end"]))
        self.stdout.write(f"{hours:.6f}".rstrip("0").rstrip("."))

    def do_day(self, options):
        try:
            day = date.fromisoformat(options["date"].strip())
        except ValueError:
            raise CommandError(_("Not a date in ISO 8601 (e.g. 2026-10-10): %(value)s")
                               % {"value": options["date"]}) from None
        working = workcal.is_working_day(day)
        self.stdout.write(f"{day.isoformat()} {_('working day') if working else _('day off')}")

    def do_info(self, options):
        years = sorted(workcal.covered_years())
        self.stdout.write(_("Working hours: %(hours)s (%(total)s h a day)") % {
            "hours": ", ".join(f"{a}–{b}" for a, b in workcal.HOURS.get()),
            "total": f"{workcal.hours_per_day():g}"})
        self.stdout.write(_("Official calendar data: %(first)s–%(last)s")
                          % {"first": years[0], "last": years[-1]})
        warning = workcal.coverage_warning()
        if warning:
            self.stdout.write(warning)
