"""`shiyu seed_demo`: the demo city and a few months of cases, all through the services."""

import sys
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shiyu.cases.models import Case
from shiyu.core import clock
from shiyu.demo.city import DEMO_PASSWORD, build_city
from shiyu.demo.seed import places_of, plan_cases, seed_cases
from shiyu.geo.models import Area

STATE_ORDER = ["submitted", "accepted", "dispatched", "in_progress", "replied", "closed", "reopened",
               "rejected", "merged"]


class Command(BaseCommand):
    help = "Build the demo city (areas, units, categories, demo accounts) and seed it with cases."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=5000, help="how many cases (default 5000)")
        parser.add_argument("--days", type=int, default=90, help="spread over the last N days (default 90)")
        parser.add_argument("--seed", type=int, default=42, help="random seed: same seed, same history")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing if the database already has areas or cases")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--no-model", action="store_true",
                            help="train no routing classifier on the seeded cases")

    def handle(self, *args, cases: int, days: int, seed: int, if_empty: bool, quiet: bool,
               no_model: bool = False, **options):
        if cases < 0 or days < 1:
            raise CommandError("--cases must be ≥ 0 and --days ≥ 1")
        # Reads only: whether there is anything to keep.
        has_data = Area.objects.exists() or Case.objects.exists()
        if has_data and if_empty:
            self.stdout.write("The database already has data; seed_demo left it as it is.")
            return
        if has_data:
            raise CommandError("The database already has areas or cases. seed_demo builds a new city "
                               "and needs an empty database (use --if-empty to skip quietly).")
        if not settings.SHIYU_DEMO:
            raise CommandError(
                f"SHIYU_DEMO is off. seed_demo creates demo accounts whose password is the published "
                f"'{DEMO_PASSWORD}'; set SHIYU_DEMO=1 only on a demo or development server.")

        started = time.monotonic()
        city = build_city()
        built = time.monotonic() - started
        self.stdout.write(f"Built the demo city: {len(city.districts)} districts, {len(city.grids)} grids, "
                          f"{len(city.departments)} units, {len(city.categories)} categories, "
                          f"{len(city.users)} demo accounts ({built:.1f} s).")

        now = clock.now()
        plans = plan_cases(n=cases, days=days, seed=seed, now=now, places=places_of(city),
                           tz=ZoneInfo(settings.TIME_ZONE))
        bar = tqdm(total=len(plans), unit="case", desc="seeding", file=sys.stderr,
                   disable=quiet or not sys.stderr.isatty())
        seeding = time.monotonic()
        try:
            counts = seed_cases(city=city, plans=plans, progress=bar.update)
        finally:
            bar.close()
        elapsed = time.monotonic() - seeding

        from shiyu.disputes.demo import seed_disputes
        from shiyu.reception.demo import seed_reception

        disputes, sessions = seed_disputes(city), seed_reception(city)
        self.stdout.write(f"Seeded {disputes} disputes and {sessions} reception sessions.")
        from shiyu.goals.demo import seed_goals

        goals = seed_goals(city)
        self.stdout.write(f"Seeded {goals['goals']} goals, {goals['projects']} key projects and a scorecard.")
        from shiyu.knowledge.demo import seed_articles
        from shiyu.participation.demo import seed_proposals

        articles, proposals = seed_articles(), seed_proposals(city)
        self.stdout.write(f"Seeded {articles} knowledge-base articles and {proposals} community proposals.")
        from shiyu.reports.demo import seed_alerts_and_reports

        made = seed_alerts_and_reports()
        self.stdout.write(f"Raised {made['alerts']} early-warning alerts and made {made['reports']} reports.")
        if not no_model:
            self._train_classifier()
        total = sum(counts.values())
        self.stdout.write(f"Seeded {total} cases over the last {days} days (seed {seed}) "
                          f"in {elapsed:.1f} s ({total / elapsed if elapsed else 0:.0f} cases/s).")
        for state in STATE_ORDER:
            share = 100 * counts.get(state, 0) / total if total else 0
            self.stdout.write(f"  {state:<12} {counts.get(state, 0):>6}  {share:5.1f}%")
        self.stdout.write(f"Total time {time.monotonic() - started:.1f} s. "
                          f"Demo accounts: admin, operator, dispatcher, handler, unithead, supervisor, "
                          f"mediator, leader, resident (password {DEMO_PASSWORD}).")

    def _train_classifier(self) -> None:
        """The routing classifier on the seeded closed cases, so that intake suggests categories
        (and routes the confident ones) from the first `make run`."""
        from shiyu.routing.classifier import training

        try:
            meta = training.train_on_cases(cv_folds=3)
        except training.CorpusError as exc:
            self.stdout.write(f"No routing classifier: {exc}")
            return
        f1 = (meta.get("metrics") or {}).get("macro_f1")
        self.stdout.write(f"Trained the routing classifier on {meta['n']} closed cases "
                          f"({len(meta['labels'])} categories, {meta['hints']} category-name hints): "
                          f"version {meta['version']}, cross-validated macro-F1 {f1}.")
