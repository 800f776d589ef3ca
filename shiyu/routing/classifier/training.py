"""Training: corpora from a CSV or the city's cases, cross-validated metrics, versioned model files.

Nothing here touches the database except `corpus_from_cases()` and `train_on_cases()`, so the
offline CLI (train and evaluate on CSV files) runs with no database at all.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shiyu.routing.classifier import storage
from shiyu.routing.classifier.evaluation import calibration, f1_scores
from shiyu.routing.classifier.model import RoutingModel, new_model

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what is being done)

# A class needs this many examples to be learned (and to appear in every calibration fold).
MIN_PER_CLASS = 3


class CorpusError(ValueError):
    """Input that cannot be trained or evaluated on (missing columns, no rows, one class)."""


@dataclass
class Corpus:
    titles: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.labels)

    def add(self, title: str, body: str, label: str) -> None:
        self.titles.append(title or "")
        self.bodies.append(body or "")
        self.labels.append(label)

    def subset(self, rows: Iterable[int]) -> Corpus:
        rows = list(rows)
        return Corpus(
            [self.titles[i] for i in rows], [self.bodies[i] for i in rows], [self.labels[i] for i in rows]
        )


def read_csv(
    path: str | Path, text: Sequence[str] = ("title", "body"), label: str | None = "label"
) -> Corpus:
    """Rows of a UTF-8 CSV (a byte-order mark is fine) or, by its extension, an .xlsx sheet. The
    first text column is the title, the others are joined as the body; with one text column the
    title is empty. Rows without a label are skipped. The label column may be absent when `label`
    is None (unlabelled texts). Cells may be numbers or dates (Excel): they are read as text."""
    text = [c.strip() for c in text if c.strip()]
    if not text:
        raise CorpusError("no text columns given")
    corpus = Corpus()
    with _reading(path):
        for row in _rows(Path(path), [*text, *([label] if label else [])]):
            value = _cell(row.get(label)).strip() if label else ""
            if label and not value:
                continue
            parts = [_cell(row.get(c)) for c in text]
            title, body = (parts[0], "\n".join(parts[1:])) if len(parts) > 1 else ("", parts[0])
            corpus.add(title, body, value)
    return corpus


def read_texts(paths: Iterable[str | Path], text: Sequence[str]) -> tuple[list[str], list[str]]:
    """(titles, bodies) of the rows of several files, labelled or not (unlabelled texts)."""
    titles: list[str] = []
    bodies: list[str] = []
    for path in paths:
        more = read_csv(path, text, None)
        titles += more.titles
        bodies += more.bodies
    return titles, bodies


@contextmanager
def _reading(path: str | Path) -> Iterator[None]:
    """A file that cannot be read as a table becomes a CorpusError naming it."""
    try:
        yield
    except CorpusError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: cannot read it as a UTF-8 CSV ({exc})") from exc
    except Exception as exc:  # openpyxl's many ways of saying "not a workbook"
        raise CorpusError(f"{path}: cannot read it ({type(exc).__name__}: {exc})") from exc


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _table(path: Path) -> Iterator[Sequence[Any]]:
    """The rows of a UTF-8 CSV or (by its extension) an .xlsx sheet, header first, cells by position."""
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        yield from openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)
        return
    csv.field_size_limit(min(sys.maxsize, 1 << 30))
    with open(path, encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh)


def _rows(path: Path, needed: list[str]) -> Iterable[dict[str, Any]]:
    """The rows after the header as {column: cell}; CorpusError when a needed column is missing."""
    rows = _table(path)
    header = [_cell(c).strip() for c in next(rows, ())]
    missing = [c for c in needed if c not in header]
    if missing:
        raise CorpusError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(header)})")
    for values in rows:
        if values:  # a blank line of a CSV
            yield dict(zip(header, values, strict=False))


# Names that stand for "the rest" in a category tree: they say nothing of what a message is about.
_GENERIC_NAMES = {"其他", "其它", "其他类", "other", "others"}


def hints_from_paths(paths: Iterable[Sequence[tuple[str, str]]], labels: Iterable[str]) -> Corpus:
    """Short training texts from a category tree: what the city calls the kinds of matter each
    label covers. A thousand messages never name most of a tree's 500 leaves (传销, 特种设备管理),
    while the tree does; its names, as one-line texts, let the model meet those words once
    (cross-validated on the Teddy Cup data: +0.006 to +0.007 macro-F1).

    Each path runs from the root to a leaf as (key, name) pairs, where a key is what the labels
    say (a code, or the name itself). The deepest category of the path that is a label gets one
    text: the names below it, or its own name when it is the leaf. The label's own abstract name
    ("商贸旅游") is not one of them (it cost macro-F1: messages don't write it), nor are generic
    names ("其他"); a path with nothing left gives no text. Keys must tell categories apart: in a
    tree keyed by names, a lower category named like another label would take its branch."""
    wanted = set(labels)
    hints = Corpus()
    seen: set[tuple[str, str]] = set()
    for path in paths:
        found = [i for i, (key, _) in enumerate(path) if key in wanted]
        if not found:
            continue
        at = found[-1]
        below = path[at + 1 :] or path[at:]
        names = [str(name).strip() for _, name in below if name]
        names = [name for name in names if name and name.lower() not in _GENERIC_NAMES]
        text, label = " ".join(names), path[at][0]
        if text and (text, label) not in seen:
            seen.add((text, label))
            hints.add(text, text, label)
    return hints


def read_taxonomy(path: str | Path) -> list[list[tuple[str, str]]]:
    """A category tree as a table (.csv or .xlsx): a header row, then one row per leaf with the
    names from the top level down (as taxonomy.xlsx of the Teddy Cup data); keys are the names.
    Cells are read by position: a header may be narrower than the rows, blank or repeated."""
    paths = []
    with _reading(path):
        for number, row in enumerate(_table(Path(path))):
            names = [name for name in (_cell(value).strip() for value in row) if name]
            if number and names:
                paths.append([(name, name) for name in names])
    if not paths:
        raise CorpusError(f"{path}: no rows")
    return paths


def corpus_from_cases() -> Corpus:
    """The city's closed cases with their final category, plus dispatchers' corrections."""
    from shiyu.routing.selectors import training_rows

    corpus = Corpus()
    for title, body, code in training_rows():
        if code:
            corpus.add(title, body, code)
    return corpus


def train_on_cases(
    corpus: Corpus | None = None,
    *,
    extra: tuple[Sequence[str], Sequence[str]] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """The city's model: trained on its closed cases and corrections (or `corpus`), with the
    names of its category tree as hints and its open cases in the idf weights (or `extra`),
    stored as a new version (train_and_store's options). CorpusError when there is too little."""
    from shiyu.routing.selectors import category_paths, unlabelled_rows

    corpus = corpus_from_cases() if corpus is None else corpus
    # The labels that will be learnt: a leaf too rare to learn leaves its path's hint to the
    # nearest ancestor that is learnt.
    learnt = set(trainable(corpus)[0].labels)
    return train_and_store(
        corpus,
        source="cases",
        extra=unlabelled_rows() if extra is None else extra,
        hints=hints_from_paths(category_paths(), learnt),
        **options,
    )


def trainable(corpus: Corpus, min_per_class: int = MIN_PER_CLASS) -> tuple[Corpus, dict[str, int]]:
    """The corpus without classes too small to learn, and what was left out (label: count)."""
    counts = Counter(corpus.labels)
    dropped = {label: n for label, n in sorted(counts.items()) if n < min_per_class}
    kept = corpus.subset(i for i, label in enumerate(corpus.labels) if label not in dropped)
    if len(set(kept.labels)) < 2:
        raise CorpusError(
            f"need at least two categories with {min_per_class} or more examples each "
            f"(have {len(corpus)} rows in {len(counts)} categories)"
        )
    return kept, dropped


def _fit(
    corpus: Corpus,
    params: dict[str, Any] | None,
    extra: tuple[Sequence[str], Sequence[str]] | None,
    hints: Corpus | None = None,
) -> RoutingModel:
    """Fit on the corpus and the hints of its labels. Hints are rows like the others for the SVM
    and its calibration (their out-of-fold margins are a few hundred of the sigmoids' points),
    but the calibration folds are sized by the corpus alone: hints are not examples of how
    residents write."""
    counts = Counter(corpus.labels)
    rows = corpus
    if hints:
        usable = hints.subset(i for i, label in enumerate(hints.labels) if label in counts)
        rows = Corpus(
            corpus.titles + usable.titles, corpus.bodies + usable.bodies, corpus.labels + usable.labels
        )
    return new_model(params, n_min_class=min(counts.values()), n_rows=len(corpus)).fit(
        rows.titles, rows.bodies, rows.labels, extra
    )


def cross_validate(
    corpus: Corpus,
    params: dict[str, Any] | None = None,
    *,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    extra: tuple[Sequence[str], Sequence[str]] | None = None,
    hints: Corpus | None = None,
    progress: Progress | None = None,
    offset: int = 0,
    total: int | None = None,
) -> dict[str, Any]:
    """Repeated stratified k-fold scores: mean and spread of macro-F1 and accuracy, mean per-class
    F1, and the calibration of the out-of-fold probabilities. Hints join every fold's training
    rows, never its test rows."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    smallest = min(Counter(corpus.labels).values())
    folds = max(2, min(folds, smallest))
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    labels = np.asarray(corpus.labels)
    total = total or folds * repeats
    f1s, accs, briers, eces = [], [], [], []
    per_class: dict[str, list[float]] = {}
    for step, (train_rows, test_rows) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        if progress:
            progress(offset + step, total, f"cross-validation {step + 1}/{folds * repeats}")
        model = _fit(corpus.subset(train_rows), params, extra, hints)
        test = corpus.subset(test_rows)
        proba = model.predict_proba(test.titles, test.bodies)
        predicted = list(np.asarray(model.labels)[proba.argmax(axis=1)])
        scores = f1_scores(test.labels, predicted)
        cal = calibration(test.labels, proba, model.labels)
        f1s.append(scores["macro_f1"])
        accs.append(scores["accuracy"])
        briers.append(cal["brier"])
        eces.append(cal["ece"])
        for label, value in scores["per_class"].items():
            per_class.setdefault(label, []).append(value)
    return {
        "folds": folds,
        "repeats": repeats,
        "macro_f1": round(float(np.mean(f1s)), 4),
        "macro_f1_std": round(float(np.std(f1s)), 4),
        "accuracy": round(float(np.mean(accs)), 4),
        "accuracy_std": round(float(np.std(accs)), 4),
        "per_class": {label: round(float(np.mean(v)), 4) for label, v in sorted(per_class.items())},
        "brier": round(float(np.mean(briers)), 4),
        "ece": round(float(np.mean(eces)), 4),
    }


def train(
    corpus: Corpus,
    params: dict[str, Any] | None = None,
    *,
    cv_folds: int = 5,
    cv_repeats: int = 1,
    extra: tuple[Sequence[str], Sequence[str]] | None = None,
    hints: Corpus | None = None,
    progress: Progress | None = None,
) -> tuple[RoutingModel, dict[str, Any]]:
    """Cross-validate (cv_folds=0 skips it), then fit on all rows. Returns the model and its
    metadata (n, labels, dropped classes, hints used, cv metrics, training seconds)."""
    corpus, dropped = trainable(corpus)
    steps = (cv_folds * cv_repeats if cv_folds else 0) + 1
    metrics: dict[str, Any] = {}
    if cv_folds:
        metrics = cross_validate(
            corpus,
            params,
            folds=cv_folds,
            repeats=cv_repeats,
            extra=extra,
            hints=hints,
            progress=progress,
            total=steps,
        )
    if progress:
        progress(steps - 1, steps, "final model")
    started = time.perf_counter()
    model = _fit(corpus, params, extra, hints)
    seconds = time.perf_counter() - started
    if progress:
        progress(steps, steps, "done")
    counts = Counter(corpus.labels)
    meta = {
        "n": len(corpus),
        "labels": {label: counts[label] for label in model.labels},
        "dropped_labels": dropped,
        "hints": sum(1 for label in (hints.labels if hints else []) if label in counts),
        "unlabelled": len(extra[0]) if extra else 0,
        "metrics": metrics,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in model.params.items()},
        "fit_seconds": round(seconds, 2),
        "features": model.features.n_features,
    }
    return model, meta


def train_and_store(
    corpus: Corpus,
    *,
    source: str,
    activate: bool = True,
    cv_folds: int = 5,
    extra: tuple[Sequence[str], Sequence[str]] | None = None,
    hints: Corpus | None = None,
    params: dict[str, Any] | None = None,
    progress: Progress | None = None,
    directory: Path | None = None,
) -> dict[str, Any]:
    """Train, write a new version to the model directory, and (by default) make it active."""
    from django.utils import timezone

    model, meta = train(corpus, params, cv_folds=cv_folds, extra=extra, hints=hints, progress=progress)
    meta = {**meta, "source": source, "trained_at": timezone.now().isoformat(timespec="seconds")}
    return storage.save_version(model, meta, directory=directory, activate=activate)
