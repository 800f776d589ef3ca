"""`shiyu opendata generate`: write the anonymised open-data files now (the worker does it daily).
`shiyu opendata info`: what the files currently hold."""

import json

from django.core.management.base import BaseCommand

from shiyu.portal import opendata


class Command(BaseCommand):
    help = "Generate or describe the anonymised open data (/opendata/cases.csv and .json)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["generate", "info"])

    def handle(self, *args, action: str, **options):
        meta = opendata.generate() if action == "generate" else opendata.meta()
        if meta is None:
            self.stdout.write("No open-data files yet; run `shiyu opendata generate`.")
            return
        self.stdout.write(json.dumps({k: v for k, v in meta.items() if k != "columns"}, ensure_ascii=False))
        self.stdout.write(f"files in {opendata.directory()}")
