"""Reply-quality scorer (shiyu/cases/replyquality.py) against a third party's judgement.

    python bench/reply_quality.py [--data ../shared/data/teddycup2020c] [--threshold 0.5]
                                  [--no-idf] [--limit-days 15]

On messages_with_replies.xlsx (2,816 government replies, 可解释性 = a third party's 0/1 label of
whether the reply explains itself), prints how far the scorer agrees: accuracy and Cohen's kappa
of "overall ≥ threshold" (the city's default hold threshold), ROC AUC of each part and of the
overall score, next to the baselines a reader needs (always-1 accuracy; reply length as a score).
Timeliness is working hours from message to reply (the official calendar) against --limit-days
working days. IDF weights come from the messages' own titles and bodies (unsupervised; the
labels are never used to fit anything). Caveat: two constants of the scorer (FULL_COVERAGE and the
two-word rule for a point) were set after reading a sample of these replies, so the figures are
not a held-out estimate. The label mostly marks empty replies ("已收悉"), which reply length alone
already separates; the scorer's value is in its reasons, which length cannot give.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "teddycup2020c"
TZ = ZoneInfo("Asia/Shanghai")


def _when(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=TZ) if value.tzinfo is None else value
    text = str(value or "").strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=TZ)
        except ValueError:
            continue
    return None


def read(folder: Path) -> list[dict]:
    import openpyxl

    sheet = openpyxl.load_workbook(folder / "messages_with_replies.xlsx", read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows)]
    col = {name: header.index(name) for name in ("留言主题", "留言时间", "留言详情", "答复意见", "答复时间", "可解释性")}
    out = []
    for row in rows:
        label = str(row[col["可解释性"]]).strip()
        if label not in ("0", "1"):
            continue
        out.append({"title": str(row[col["留言主题"]] or "").strip(),
                    "body": str(row[col["留言详情"]] or "").strip(),
                    "reply": str(row[col["答复意见"]] or "").strip(),
                    "asked": _when(row[col["留言时间"]]), "answered": _when(row[col["答复时间"]]),
                    "label": int(label)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("SHIYU_TEDDYCUP", DATA)))
    parser.add_argument("--threshold", type=float, default=None, help="default: the city setting's default")
    parser.add_argument("--no-idf", action="store_true")
    parser.add_argument("--limit-days", type=int, default=15)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="shiyu-bench-replyquality-")
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", SHIYU_VAR_DIR=folder)
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from sklearn.metrics import accuracy_score, cohen_kappa_score, roc_auc_score

    from shiyu.cases import replyquality
    from shiyu.cases.services.quality import HOLD_THRESHOLD
    from shiyu.core import workcal

    call_command("migrate", "core", verbosity=0)  # the working calendar's overrides table
    threshold = args.threshold if args.threshold is not None else HOLD_THRESHOLD.default
    rows = read(args.data)
    idf = None if args.no_idf else replyquality.idf_table(f"{r['title']} {r['body']}" for r in rows)
    limit = args.limit_days * workcal.hours_per_day()
    started = time.perf_counter()
    scores = []
    for r in rows:
        hours = (workcal.working_hours_between(r["asked"], r["answered"])
                 if r["asked"] and r["answered"] and r["answered"] >= r["asked"] else None)
        scores.append(replyquality.score_reply(title=r["title"], body=r["body"], reply=r["reply"],
                                               working_hours=hours, limit_hours=limit, idf=idf))
    elapsed = time.perf_counter() - started
    labels = [r["label"] for r in rows]
    overall = [s.overall for s in scores]
    predicted = [int(v >= threshold) for v in overall]

    print(f"rows: {len(rows)}  label=1: {sum(labels)} ({sum(labels) / len(rows):.1%})  "
          f"idf: {'messages' if idf else 'none'}  limit: {args.limit_days} working days")
    print(f"scoring: {elapsed:.2f} s, {len(rows) / elapsed:.0f} replies/s")
    print(f"threshold {threshold:.2f}: accuracy {accuracy_score(labels, predicted):.3f} "
          f"(always-1 baseline {max(sum(labels), len(labels) - sum(labels)) / len(labels):.3f}), "
          f"Cohen's kappa {cohen_kappa_score(labels, predicted):.3f}, "
          f"held {sum(1 for p in predicted if not p)} of {len(rows)}")
    sweep = []
    for t in (0.3, 0.4, 0.5, 0.6):
        guess = [int(v >= t) for v in overall]
        sweep.append(f"{t:.1f}: acc {accuracy_score(labels, guess):.3f} kappa {cohen_kappa_score(labels, guess):.3f}")
    print("  other thresholds (for choosing the city setting, not fitted): " + "; ".join(sweep))
    print(f"AUC overall {roc_auc_score(labels, overall):.3f}")
    for part in ("relevance", "completeness", "politeness", "timeliness"):
        pairs = [(getattr(s, part), y) for s, y in zip(scores, labels, strict=True) if getattr(s, part) is not None]
        if len({y for _v, y in pairs}) == 2:
            print(f"  AUC {part:<12} {roc_auc_score([y for _v, y in pairs], [v for v, _y in pairs]):.3f} "
                  f"(n={len(pairs)})")
    print(f"  AUC reply length (baseline) {roc_auc_score(labels, [len(r['reply']) for r in rows]):.3f}")
    for y in (0, 1):
        part = [v for v, lab in zip(overall, labels, strict=True) if lab == y]
        print(f"  mean overall | label {y}: {sum(part) / len(part):.3f}")


if __name__ == "__main__":
    main()
