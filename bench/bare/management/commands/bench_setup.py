"""`bench_setup`: the small test city (areas, departments, categories) for the intake benchmark.

Lives with the bench app, not in shiyu.core: core is the foundation layer and may not import the
domains the city is built from (see the import-linter layers contract)."""

from django.core.management.base import BaseCommand

from shiyu.cases.models import Category
from shiyu.demo.city import build_city


class Command(BaseCommand):
    help = "Build the small city the benchmark submits into (bench settings only)."

    def add_arguments(self, parser):
        # bench/load.py and bench/crash.py sign staff in (with SHIYU_DEMO=1); intake needs no one.
        parser.add_argument("--password", default="", help="the staff accounts' password (default: none)")

    def handle(self, *args, **options):
        if Category.objects.exists():
            self.stdout.write("bench_setup: city already there")
            return
        city = build_city(small=True, password=options["password"])
        self.stdout.write(f"bench_setup: {len(city.grids)} grids, {len(city.leaf_categories)} categories")
