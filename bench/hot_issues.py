"""Hot issues on the real Teddy Cup message file (4,326 messages, 2017-06 … 2020-01).

Runs the production clustering (`shiyu.insights.hotissues.cluster`, the same code as
`shiyu insights hot_issues`) and prints the top issues in the organiser's table form
(热度排名, 热度指数, 时间范围, 地点/人群, 问题描述) plus the timing of reading and clustering.

    python bench/hot_issues.py [--xlsx PATH] [--top 5]

The file is read from ../shared/data/teddycup2020c/ next to the repository (or --xlsx, or the
SHIYU_TEDDYCUP_VOTES environment variable); it is never copied into the repository.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "data" / "teddycup2020c" / "messages_with_votes.xlsx"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xlsx", default=os.environ.get("SHIYU_TEDDYCUP_VOTES", str(DEFAULT)))
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args()
    if not Path(args.xlsx).exists():
        sys.exit(f"no message file at {args.xlsx} (give --xlsx)")

    import jieba

    from shiyu.insights.hotissues.algorithm import cluster
    from shiyu.insights.hotissues.xlsx import read_messages

    jieba.initialize()  # the dictionary load (about a second) is not the algorithm's time
    started = time.perf_counter()
    messages = read_messages(args.xlsx)
    read = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    issues = cluster(messages, top=args.top)
    clustered = time.perf_counter() - started
    clustered_cpu = time.process_time() - cpu_started

    by_id = {m.id: m for m in messages}
    print(f"hot issues of {len(messages)} messages ({Path(args.xlsx).name})")
    print("热度排名 | 热度指数 | 时间范围 | 地点/人群 | 问题描述 | 留言数 | 点赞")
    for issue in issues:
        period = f"{issue.period[0]:%Y/%m/%d} 至 {issue.period[1]:%Y/%m/%d}" if issue.period else "-"
        votes = sum(by_id[i].votes_up for i in issue.ids)
        print(
            f"{issue.rank} | {issue.heat:.1f} | {period} | {issue.place or '-'} | {issue.description} "
            f"| {len(issue.ids)} | {votes}"
        )
    for issue in issues:
        print(
            f"  #{issue.rank} keywords: {', '.join(issue.keywords)}; ids: {', '.join(issue.ids[:8])}"
            f"{' …' if len(issue.ids) > 8 else ''}"
        )
    print(
        f"read {read:.2f} s, cluster {clustered:.2f} s wall, {clustered_cpu:.2f} s CPU "
        f"({len(messages) / max(clustered, 1e-9):.0f} messages/s)"
    )


if __name__ == "__main__":
    main()
