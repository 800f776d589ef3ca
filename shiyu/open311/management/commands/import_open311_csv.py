"""`shiyu import_open311_csv FILE.csv`: a 311 export (NYC Open Data layout) with its history."""

import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shiyu.intake.importer import ImportFormatError, RowResult, write_report
from shiyu.open311 import importer


class Command(BaseCommand):
    help = ("Import a 311 service-request export (NYC Open Data columns): complaint types become "
            "services, agencies departments, boroughs and community boards areas; created and closed "
            "dates become the cases' events. Rows already imported (same Unique Key) are skipped.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv export")
        parser.add_argument("--timezone", default="",
                            help="the export's time zone, e.g. America/New_York (default: the city's)")
        parser.add_argument("--mapping", default="", metavar="MAP.csv",
                            help="complaint type,category code: use these categories instead of new ones")
        parser.add_argument("--report", default="", metavar="FILE.csv",
                            help="write line, key, status, message for every row")
        parser.add_argument("--limit", type=int, default=0, help="only the first N rows")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, timezone: str, mapping: str, report: str, limit: int, quiet: bool,
               **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            tz = ZoneInfo(timezone or settings.TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"Unknown time zone: {timezone}") from None
        try:
            rows = importer.read_rows(path)
            table = importer.read_mapping(mapping) if mapping else {}
        except (ImportFormatError, OSError) as exc:
            raise CommandError(str(exc)) from None
        if limit > 0:
            rows = rows[:limit]

        bar = tqdm(total=len(rows), unit="row", desc="importing", file=sys.stderr,
                   disable=quiet or not sys.stderr.isatty())

        def on_row(result: RowResult) -> None:
            bar.update(1)
            if result.status == "failed":
                message = f"line {result.line} ({result.ticket or 'no key'}): {result.message}"
                if bar.disable:
                    self.stderr.write(message)
                else:
                    bar.write(message, file=sys.stderr)

        started = time.monotonic()
        try:
            summary, refs = importer.import_rows(rows, tz=tz, mapping=table, on_row=on_row)
        except ImportFormatError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        elapsed = time.monotonic() - started
        if report:
            with open(report, "w", encoding="utf-8-sig", newline="") as out:
                write_report(summary.results, out)
        self.stdout.write(f"imported {summary.imported}, skipped {summary.skipped}, failed {summary.failed} "
                          f"in {elapsed:.1f} s ({len(rows) / elapsed if elapsed else 0:.0f} rows/s); "
                          f"new reference rows: {len(refs.created)}"
                          + (f" (report: {report})" if report else ""))
        if summary.failed:
            raise CommandError(f"{summary.failed} row(s) failed", returncode=2)
