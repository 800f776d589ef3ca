"""`shiyu insights rebuild`: drop the rollups and recompute them from the cases' event log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from shiyu.accounts.services import system_user
from shiyu.cases.models import Case
from shiyu.insights.services import rollups_rebuild, rollups_refresh_all


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--chunk", type=int, default=2000, help=_("cases per transaction (default 2000)"))
    parser.add_argument("--no-progress", action="store_true", help=_("no progress bar"))


def run(command: Any, options: dict[str, Any]) -> None:
    total = Case.objects.count()
    chunk = max(1, int(options.get("chunk") or 2000))
    with tqdm(total=total, unit="case", disable=bool(options.get("no_progress")),
              file=command.stderr) as bar:
        done = rollups_rebuild(actor=system_user(), chunk=chunk, progress=bar.update)
    caught_up = rollups_refresh_all()
    command.stdout.write(_("Rebuilt the rollups from %(cases)d cases, then applied %(events)d recent events.")
                         % {"cases": done, "events": caught_up})
