"""`shiyu routing …`: train, evaluate and manage the routing classifier's models.

Offline, on CSV files (no database is opened; used to evaluate against held-back data):

    shiyu routing train --csv PATH --text title,body --label label --out MODEL [--cv 5]
                        [--unlabelled FILE ...] [--taxonomy FILE|auto|none]
    shiyu routing evaluate --model MODEL --csv PATH --text title,body --label label
        -> one JSON line: {"macro_f1": …, "accuracy": …, "n": …, "per_class": {…}}

On the city's own cases (closed cases' final category and dispatchers' corrections):

    shiyu routing train                 new version in the model directory, activated
    shiyu routing models [--json]       stored versions with their metrics; * marks the active one
    shiyu routing activate VERSION
    shiyu routing suggest TITLE [BODY]  what the active model (or --model FILE) suggests

Model files are pickles: load only files this installation wrote (see classifier/storage.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _taxonomy_file(value: str, csv_path: Path) -> Path | None:
    """The category tree to take hints from: a named file, none, or (auto) the one exported with
    the cases, beside the CSV, as a city's catalog travels with its cases."""
    if value.lower() == "none":
        return None
    if value.lower() != "auto":
        return Path(value)
    for name in ("taxonomy.xlsx", "taxonomy.csv"):
        if (csv_path.parent / name).is_file():
            return csv_path.parent / name
    return None


class Command(BaseCommand):
    help = "Routing classifier: train, evaluate, models, activate VERSION, suggest TEXT."
    # The offline commands must run without a database: skip the system checks (some query it).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True, title="commands")
        p = sub.add_parser("train", help="train on a CSV (--csv … --out FILE) or on the city's closed cases")
        p.add_argument("--csv", help="UTF-8 CSV of labelled texts (no database is used)")
        p.add_argument(
            "--text", default="title,body", help="text columns: the first is the title (default title,body)"
        )
        p.add_argument("--label", default="label", help="label column (default label)")
        p.add_argument("--out", help="model file to write (with --csv); metadata goes next to it as .json")
        p.add_argument(
            "--unlabelled",
            action="append",
            default=[],
            metavar="FILE",
            help="unlabelled texts (.csv or .xlsx, repeatable): they count in the idf weights and, "
            "with --self-train, are pseudo-labelled (on the city's cases: its open cases)",
        )
        p.add_argument(
            "--unlabelled-text",
            metavar="COLUMNS",
            help="text columns of the unlabelled files (default: as --text)",
        )
        p.add_argument(
            "--taxonomy",
            metavar="FILE",
            default="auto",
            help="with --csv: a category tree (.csv or .xlsx, one row per leaf, names from the top "
            "level down) whose names join the training rows as short texts of their label; 'auto' "
            "(the default) takes taxonomy.xlsx or taxonomy.csv beside the CSV when there is one, "
            "'none' takes none. On the city's cases its own category tree is used",
        )
        p.add_argument(
            "--self-train",
            type=float,
            metavar="CONFIDENCE",
            help="add unlabelled texts predicted with at least this confidence to the training rows",
        )
        p.add_argument(
            "--cv",
            type=int,
            default=5,
            metavar="FOLDS",
            help="cross-validation folds for the recorded metrics (0: none; default 5)",
        )
        p.add_argument(
            "--no-activate", action="store_true", help="store the new version without activating it"
        )
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        p = sub.add_parser("evaluate", help="score a model on a labelled CSV: one JSON line")
        p.add_argument("--model", required=True, help="model file, or a stored VERSION")
        p.add_argument("--csv", required=True)
        p.add_argument("--text", default="title,body")
        p.add_argument("--label", default="label")
        p.add_argument("--calibration", action="store_true", help="add brier and ece to the JSON")
        p = sub.add_parser("models", help="list stored model versions")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("activate", help="make a stored version the active model")
        p.add_argument("version")
        p = sub.add_parser("suggest", help="top categories for a text")
        p.add_argument("title")
        p.add_argument("body", nargs="?", default="")
        p.add_argument("--model", help="model file or VERSION (default: the active model)")
        p.add_argument("-k", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        from shiyu.routing.classifier.storage import ModelFileError
        from shiyu.routing.classifier.training import CorpusError

        try:
            getattr(self, f"do_{options['command']}")(options)
        except (CorpusError, ModelFileError) as exc:
            raise CommandError(str(exc)) from exc

    # -- helpers --------------------------------------------------------------------------------

    def _progress(self, quiet: bool):  # type: ignore[no-untyped-def]
        if quiet:
            return None, None
        from tqdm import tqdm

        bar = tqdm(total=1, unit="step", file=sys.stderr, dynamic_ncols=True)

        def progress(done: int, total: int, stage: str) -> None:
            bar.total = total
            bar.n = done
            bar.set_description(stage)
            bar.refresh()

        return bar, progress

    def _load(self, ref: str) -> Any:
        from shiyu.routing.classifier import storage

        path = Path(ref)
        if path.suffix != ".joblib" and not path.exists() and storage.model_path(ref).exists():
            return storage.load_version(ref)[0]
        sidecar = path.with_suffix(".json")
        expected = None
        if sidecar.is_file() and sidecar != path:
            try:
                expected = json.loads(sidecar.read_text(encoding="utf-8")).get("sha256")
            except ValueError:
                expected = None
        return storage.load_file(path, expected_sha256=expected)

    # -- commands -------------------------------------------------------------------------------

    def do_train(self, options: dict[str, Any]) -> None:
        from django.utils import timezone

        from shiyu.routing.classifier import storage, training

        text = _columns(options["text"])
        extra = None
        if options["unlabelled"]:
            columns = _columns(options["unlabelled_text"] or options["text"])
            extra = training.read_texts(options["unlabelled"], columns)
        params = {"self_train": options["self_train"]} if options["self_train"] else None
        if params and extra is None and options["csv"]:
            raise CommandError("--self-train with --csv needs --unlabelled FILE")
        bar, progress = self._progress(options["quiet"])
        try:
            if options["csv"]:
                if not options["out"]:
                    raise CommandError("--csv needs --out MODEL (the file to write)")
                corpus = training.read_csv(options["csv"], text, options["label"])
                hints, tree_file = None, _taxonomy_file(options["taxonomy"], Path(options["csv"]))
                if tree_file is not None:
                    try:
                        hints = training.hints_from_paths(training.read_taxonomy(tree_file), corpus.labels)
                    except training.CorpusError as exc:
                        if options["taxonomy"].lower() != "auto":
                            raise
                        # A file found beside the data, not asked for: say so and go on without it.
                        self.stderr.write(f"taxonomy left out: {exc}")
                        tree_file = None
                model, meta = training.train(
                    corpus, params, cv_folds=options["cv"], extra=extra, hints=hints, progress=progress
                )
                out = Path(options["out"])
                size = storage.dump_file(model, out)
                meta = {
                    **meta,
                    "source": f"csv:{Path(options['csv']).name}",
                    "taxonomy": tree_file.name if tree_file is not None else None,
                    "version": out.stem,
                    "trained_at": timezone.now().isoformat(timespec="seconds"),
                    "format": storage.FORMAT,
                    "size": size,
                    "sha256": storage.sha256_of(out),
                }
                out.with_suffix(".json").write_text(
                    json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
                )
            else:
                meta = training.train_on_cases(
                    activate=not options["no_activate"],
                    cv_folds=options["cv"],
                    extra=extra,
                    params=params,
                    progress=progress,
                )
        finally:
            if bar is not None:
                bar.close()
        metrics = meta.get("metrics") or {}
        summary = f"model {meta['version']}: {meta['n']} rows, {len(meta['labels'])} categories"
        if meta.get("hints") or meta.get("taxonomy"):
            summary += f", {meta['hints']} hints from {meta.get('taxonomy') or 'the category tree'}"
        if metrics:
            summary += (
                f", cross-validated macro-F1 {metrics['macro_f1']:.3f} ± {metrics['macro_f1_std']:.3f}, "
                f"accuracy {metrics['accuracy']:.3f}, ECE {metrics['ece']:.3f}"
            )
        if meta.get("dropped_labels"):
            summary += f"; left out (too few examples): {meta['dropped_labels']}"
        self.stdout.write(summary)
        if not options["csv"]:
            self.stdout.write("activated" if not options["no_activate"] else "stored, not activated")

    def do_evaluate(self, options: dict[str, Any]) -> None:
        from shiyu.routing.classifier import evaluation, training

        model = self._load(options["model"])
        corpus = training.read_csv(options["csv"], _columns(options["text"]), options["label"])
        result = evaluation.evaluate(
            model, corpus.titles, corpus.bodies, corpus.labels, with_calibration=options["calibration"]
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def do_models(self, options: dict[str, Any]) -> None:
        from shiyu.routing.classifier import storage

        rows = storage.list_versions()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not rows:
            self.stdout.write(f"no models in {storage.model_dir()}")
            return
        for row in rows:
            metrics = row.get("metrics") or {}
            f1 = f"{metrics['macro_f1']:.3f}±{metrics.get('macro_f1_std', 0):.3f}" if metrics else "-"
            self.stdout.write(
                f"{'*' if row['active'] else ' '} {row['version']}  {row.get('trained_at', '-')}  "
                f"n={row.get('n', '-')}  categories={len(row.get('labels') or {})}  macro-F1={f1}  "
                f"{row.get('source', '')}{'' if row['ok'] else '  (file missing)'}"
            )

    def do_activate(self, options: dict[str, Any]) -> None:
        from shiyu.routing.classifier import storage

        meta = storage.activate_version(options["version"])
        self.stdout.write(f"active model: {meta['version']}")

    def do_suggest(self, options: dict[str, Any]) -> None:
        from shiyu.routing.classifier import suggest

        if options["model"]:
            pairs = self._load(options["model"]).top_k(options["title"], options["body"], options["k"])
        else:
            pairs = [
                (s.label, s.confidence) for s in suggest(options["title"], options["body"], options["k"])
            ]
        self.stdout.write(json.dumps([{"label": a, "confidence": b} for a, b in pairs], ensure_ascii=False))
