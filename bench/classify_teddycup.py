"""Routing classifier on the Teddy Cup 2020 C messages: cross-validated quality, speed, size.

    python bench/classify_teddycup.py [--data ../shared/data/teddycup2020c] [--repeats 3]
                                      [--no-unlabelled] [--no-taxonomy] [--skip-10k]

Prints repeated stratified 5-fold cross-validated macro-F1 (mean ± std over all folds), accuracy,
per-class F1 and calibration (Brier, ECE) on messages_labeled.csv (977 rows, 7 classes); then, for
a model trained on all rows: training time, predictions/s on one core (batch, and one message at a
time as intake asks), the model file's size and the memory the loaded model takes; then training
time on 10,000 messages (the corpus replicated with perturbations: sentences shuffled, characters
dropped). As a city's model is trained (routing.classifier.training), the idf weights also count
the ~7,000 unlabelled messages of the folder, and the names of taxonomy.xlsx join the training rows
as short texts (`hints_from_paths`); --no-unlabelled and --no-taxonomy leave them out, which is
what `shiyu routing train --csv` does without --unlabelled and --taxonomy.
Nothing here is tuned on its output: the parameters are the model module's defaults.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the targets say (before numpy is imported)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shiyu.routing.classifier import storage, training  # noqa: E402
from shiyu.routing.classifier.evaluation import evaluate  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_unlabelled(folder: Path) -> tuple[list[str], list[str]]:
    files = [folder / name for name in ("messages_with_votes.xlsx", "messages_with_replies.xlsx")]
    return training.read_texts([f for f in files if f.exists()], ["留言主题", "留言详情"])


def perturbed(corpus: training.Corpus, size: int, seed: int = 0) -> training.Corpus:
    rng = random.Random(seed)
    out = training.Corpus()
    while len(out) < size:
        for title, body, label in zip(corpus.titles, corpus.bodies, corpus.labels, strict=True):
            if len(out) >= size:
                break
            parts = [p for p in re.split(r"(?<=[。！？；])", body) if p]
            rng.shuffle(parts)
            text = "".join(ch for ch in "".join(parts) if rng.random() > 0.05)
            out.add(title, text, label)
    return out


def cross_validation(
    corpus: training.Corpus,
    params: dict | None,
    extra: tuple | None,
    hints: training.Corpus | None,
    repeats: int,
) -> None:
    started = time.perf_counter()
    cv = training.cross_validate(corpus, params, folds=5, repeats=repeats, extra=extra, hints=hints)
    print(
        f"cross-validation: {cv['repeats']} x stratified {cv['folds']}-fold "
        f"({time.perf_counter() - started:.0f} s)"
    )
    print(f"  macro-F1   {cv['macro_f1']:.4f} ± {cv['macro_f1_std']:.4f}")
    print(f"  accuracy   {cv['accuracy']:.4f} ± {cv['accuracy_std']:.4f}")
    print(f"  Brier      {cv['brier']:.4f}   ECE (top suggestion) {cv['ece']:.4f}")
    for label, value in sorted(cv["per_class"].items(), key=lambda kv: -kv[1]):
        print(f"    {label:8s} F1 {value:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "teddycup2020c"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--unlabelled",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="idf also over the folder's unlabelled messages (default: yes)",
    )
    parser.add_argument(
        "--taxonomy",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the names of taxonomy.xlsx as training hints (default: yes)",
    )
    parser.add_argument("--self-train", type=float, metavar="CONFIDENCE", help="with --unlabelled")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a model parameter (JSON value), e.g. svm_c=0.5; repeatable",
    )
    parser.add_argument("--skip-10k", action="store_true")
    parser.add_argument("--skip-cv", action="store_true", help="only the speed and size figures")
    args = parser.parse_args()
    folder = Path(args.data)
    csv_path = folder / "messages_labeled.csv"
    if not csv_path.exists():
        sys.exit(f"no {csv_path}: this bench needs the shared Teddy Cup data")
    corpus = training.read_csv(csv_path, ["title", "body"], "label")
    extra = read_unlabelled(folder) if args.unlabelled else None
    hints = None
    if args.taxonomy and (folder / "taxonomy.xlsx").exists():
        hints = training.hints_from_paths(training.read_taxonomy(folder / "taxonomy.xlsx"), corpus.labels)
    params: dict | None = {"self_train": args.self_train} if args.self_train and extra else None
    for item in args.param:
        key, _, value = item.partition("=")
        params = {**(params or {}), key.strip(): json.loads(value)}
    print(
        f"data: {csv_path} ({len(corpus)} rows, {len(set(corpus.labels))} classes)"
        + (f", idf also on {len(extra[0])} unlabelled messages" if extra else "")
        + (f", {len(hints)} taxonomy hints" if hints else "")
        + (f", self-training at confidence >= {args.self_train}" if args.self_train and extra else "")
        + (f", parameters {params}" if params else "")
    )

    print(
        "load average at start: {:.2f} {:.2f} {:.2f} (CPU-second figures below are per core)".format(
            *os.getloadavg()
        )
    )
    if not args.skip_cv:
        cross_validation(corpus, params, extra, hints, args.repeats)

    started, cpu = time.perf_counter(), time.process_time()
    model, meta = training.train(corpus, params, cv_folds=0, extra=extra, hints=hints)
    print(
        f"train on all {len(corpus)} rows: {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU, {meta['features']} features"
    )

    # CPU seconds rather than wall time: the machine is shared, and the target is per core.
    titles, bodies = corpus.titles, corpus.bodies
    model.predict_proba(titles[:10], bodies[:10])  # warm (lookup tables, jieba dictionary)
    cpu = time.process_time()
    model.predict_proba(titles, bodies)
    batch = len(titles) / (time.process_time() - cpu)
    n_single = 500
    cpu = time.process_time()
    for i in range(n_single):
        model.top_k(titles[i], bodies[i], 3)
    single = n_single / (time.process_time() - cpu)
    print(
        f"predictions per CPU second (one thread): {batch:,.0f} in batches of {len(titles)}, "
        f"{single:,.0f} one message at a time (top 3)"
    )
    print(f"  (mean message {sum(map(len, bodies)) / len(bodies):.0f} characters of body)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.joblib"
        size = storage.dump_file(model, path)
        del model
        gc.collect()
        before = rss_mb()
        # RSS growth alone can read 0 when the loaded arrays reuse memory freed by `del model`
        # (the allocator keeps it): count the bytes allocated and still held too (numpy reports
        # its arrays to tracemalloc).
        tracemalloc.start()
        loaded = storage.load_file(path)
        loaded.top_k(titles[0], bodies[0], 3)  # builds the lookup tables
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        after = rss_mb()
        print(
            f"model file {size / 1e6:.1f} MB; loaded model holds {held / 1e6:.0f} MB of memory "
            f"(peak while loading {peak / 1e6:.0f} MB; RSS growth {after - before:.0f} MB)"
        )
        print(
            f"  evaluation on its own training rows: {evaluate(loaded, titles, bodies, corpus.labels)['macro_f1']:.4f}"
            " (not a quality figure: see the cross-validation above)"
        )

    if not args.skip_10k:
        big = perturbed(corpus, 10_000)
        started, cpu = time.perf_counter(), time.process_time()
        training.train(big, params, cv_folds=0, extra=extra, hints=hints)
        print(
            f"train on {len(big):,} messages: {time.perf_counter() - started:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU"
        )
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
