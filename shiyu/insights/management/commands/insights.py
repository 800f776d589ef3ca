"""`shiyu insights …`: rollups and hot issues.

    shiyu insights rebuild                       rebuild every rollup from the event log (progress bar)
    shiyu insights hot_issues --xlsx FILE --top N --json
        offline (no database): cluster an exported message file into hot issues

Each subcommand lives in its own module (`add_arguments(parser)` and `run(command, options)`), so
the rollups and the hot-issue code are kept apart.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

SUBCOMMANDS = {
    # name: (module, help)
    "rebuild": ("shiyu.insights.rebuild", "rebuild every rollup table from the case events"),
    "hot_issues": ("shiyu.insights.hotissues.cli", "offline: hot issues of an exported message file"),
}


class Command(BaseCommand):
    help = "Insights: rebuild the rollups; hot issues of a message file."
    # hot_issues runs without a database: skip the system checks (some query it).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")
        for name, (module, help_text) in SUBCOMMANDS.items():
            importlib.import_module(module).add_arguments(sub.add_parser(name, help=help_text))

    def handle(self, *args: Any, **options: Any) -> None:
        module, _ = SUBCOMMANDS[options["command"]]
        importlib.import_module(module).run(self, options)
