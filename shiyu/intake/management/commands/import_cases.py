"""`shiyu import_cases FILE.csv|FILE.xlsx`: load a hotline export, one case per row."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shiyu.intake import importer


class Command(BaseCommand):
    help = ("Import a hotline export (CSV or XLSX; Chinese or English headers). Rows whose ticket is "
            "already in are skipped; bad rows are reported with their line number.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx export")
        parser.add_argument("--report", default="", metavar="FILE.csv",
                            help="write line, ticket, status, message for every row")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, report: str, dry_run: bool, quiet: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            rows = importer.read_rows(path)
        except importer.ImportFormatError as exc:
            raise CommandError(str(exc)) from None

        bar = tqdm(total=len(rows), unit="row", desc="importing", file=sys.stderr,
                   disable=quiet or not sys.stderr.isatty())

        def on_row(result: importer.RowResult) -> None:
            bar.update(1)
            if result.status == "failed":
                # Never silent: every failed row is named here, whether or not there is a report.
                message = f"line {result.line} ({result.ticket or 'no ticket'}): {result.message}"
                if bar.disable:
                    self.stderr.write(message)
                else:
                    bar.write(message, file=sys.stderr)  # above the bar, not through it

        try:
            summary = importer.import_rows(rows, dry_run=dry_run, on_row=on_row)
        finally:
            bar.close()

        if report:
            with open(report, "w", encoding="utf-8-sig", newline="") as out:
                importer.write_report(summary.results, out)
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}imported {summary.imported}, skipped {summary.skipped}, "
                          f"failed {summary.failed}" + (f" (report: {report})" if report else ""))
        if summary.failed:
            raise CommandError(f"{summary.failed} row(s) failed", returncode=2)
