"""Working-time calendar speed: operations per second of shiyu.core.workcal, one process.

Over a fresh SQLite file in a temporary folder (the calendar reads its overrides and the hours
setting once, then works from its in-memory table), with a few overrides, on random instants in
UTC (as a sweep reads them from the database) from 2026 to 2028, inside and beyond
chinese-calendar's data. Prints, for each operation, calls per second by the wall clock and by this
process's CPU time, and CPU microseconds per call; and the time to build the table (after an
override or the hours change).

    python bench/workcal.py [--calls 200000] [--seed 6]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="shiyu-bench-workcal-")
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", SHIYU_VAR_DIR=folder)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from shiyu.core import workcal
    from shiyu.core.models import CalendarOverride

    call_command("migrate", "core", verbosity=0)
    CalendarOverride.objects.create(date=date(2026, 12, 8), is_working=False, reason="typhoon")
    CalendarOverride.objects.create(date=date(2027, 10, 9), is_working=True, reason="make-up day")
    workcal.invalidate()

    rng = random.Random(args.seed)
    tz = ZoneInfo("Asia/Shanghai")
    origin = datetime(2026, 1, 1, tzinfo=tz)
    span = int(timedelta(days=3 * 365).total_seconds())
    # Instants come from the database in UTC, as a sweep reads them.
    starts = [(origin + timedelta(seconds=rng.randrange(span))).astimezone(UTC) for _ in range(args.calls)]
    ends = [start + timedelta(seconds=rng.randrange(-30 * 86400, 30 * 86400)) for start in starts]
    hours = [rng.uniform(0.5, 120) for _ in range(args.calls)]
    days = [rng.randrange(1, 20) for _ in range(args.calls)]
    dates = [start.astimezone(tz).date() for start in starts]

    built = []
    for _ in range(5):
        workcal.invalidate()
        began = time.perf_counter()
        workcal.is_working_day(date(2026, 1, 1))
        built.append(time.perf_counter() - began)

    operations = {
        "add_working_hours": lambda: [workcal.add_working_hours(s, h) for s, h in zip(starts, hours, strict=True)],
        "add_working_days": lambda: [workcal.add_working_days(s, d) for s, d in zip(starts, days, strict=True)],
        "working_hours_between": lambda: [workcal.working_hours_between(s, e)
                                          for s, e in zip(starts, ends, strict=True)],
        "is_working_day": lambda: [workcal.is_working_day(d) for d in dates],
    }
    print(f"workcal, {args.calls:,} calls per operation, random instants 2026-2028, Python "
          f"{sys.version.split()[0]}")
    print(f"{'table build (cold, after a change)':<36} {min(built) * 1000:8.1f} ms")
    # CPU time too: on a shared machine the wall clock also counts the time other processes ran.
    for name, run in operations.items():
        began, cpu = time.perf_counter(), time.process_time()
        run()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        print(f"{name:<36} {args.calls / seconds:>12,.0f} calls/s (wall) {args.calls / cpu:>12,.0f} calls/s "
              f"(CPU) {cpu / args.calls * 1e6:6.2f} us/call (CPU)")


if __name__ == "__main__":
    main()
