"""`shiyu insights hot_issues --xlsx FILE --top N --json`: hot issues of an exported message file,
offline (no database)."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from shiyu.core.errors import InvalidInput


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--xlsx", required=True, help="the message file (columns 留言编号, 留言主题 …)")
    parser.add_argument("--top", type=int, default=5, help="how many issues (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON list")


def run(command: Any, options: dict[str, Any]) -> None:
    from shiyu.insights.hotissues.algorithm import cluster
    from shiyu.insights.hotissues.xlsx import read_messages

    top = options["top"]
    if top < 1:
        raise CommandError("--top must be at least 1")
    try:
        messages = read_messages(options["xlsx"])
    except InvalidInput as exc:
        raise CommandError(str(exc.message)) from exc
    issues = cluster(messages, top=top)
    rows = [{"rank": i.rank, "heat": round(i.heat, 2), "ids": i.ids,
             "period": [d.isoformat() for d in i.period] if i.period else None,
             "place": i.place, "description": i.description} for i in issues]
    if options.get("json"):
        command.stdout.write(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        period = " – ".join(row["period"]) if row["period"] else ""
        command.stdout.write(f"{row['rank']}\t{row['heat']}\t{period}\t{row['place']}\t"
                             f"{row['description']}\t({len(row['ids'])})")
