"""Scores of a classifier on labelled rows: macro-F1, accuracy, per-class F1, and calibration.

Calibration is reported two ways: the multi-class Brier score (mean squared distance between the
probability vector and the one-hot truth; 0 is perfect) and the expected calibration error of the
top suggestion (confidence against hit rate in ten equal-width bins), which is what the automatic
routing threshold relies on: "90 % confident" should be right about 90 % of the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def f1_scores(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """macro_f1, accuracy, n and per_class F1 over every label seen in truth or prediction."""
    from sklearn.metrics import f1_score

    y_true, y_pred = [str(v) for v in y_true], [str(v) for v in y_pred]
    n = len(y_true)
    if n == 0:
        return {"macro_f1": 0.0, "accuracy": 0.0, "n": 0, "per_class": {}}
    labels = sorted(set(y_true) | set(y_pred))
    per = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "macro_f1": round(float(np.mean(per)), 4),
        "accuracy": round(float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)])), 4),
        "n": n,
        "per_class": {label: round(float(score), 4) for label, score in zip(labels, per, strict=True)},
    }


def calibration(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], bins: int = 10
) -> dict[str, float]:
    """Brier score and top-label expected calibration error of predicted probabilities."""
    index = {label: i for i, label in enumerate(labels)}
    n = len(y_true)
    if n == 0:
        return {"brier": 0.0, "ece": 0.0}
    truth = np.zeros_like(proba)
    for row, label in enumerate(y_true):
        if label in index:  # a label the model never saw: its row of truth stays all zero
            truth[row, index[label]] = 1.0
    brier = float(np.mean(np.sum((proba - truth) ** 2, axis=1)))
    top = proba.argmax(axis=1)
    confidence = proba[np.arange(n), top]
    correct = truth[np.arange(n), top]
    edges = np.minimum((confidence * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        in_bin = edges == b
        if in_bin.any():
            ece += in_bin.mean() * abs(confidence[in_bin].mean() - correct[in_bin].mean())
    return {"brier": round(brier, 4), "ece": round(float(ece), 4)}


def evaluate(
    model: Any,
    titles: Sequence[str],
    bodies: Sequence[str],
    labels: Sequence[str],
    *,
    with_calibration: bool = False,
) -> dict[str, Any]:
    """The model's scores on labelled rows (batch prediction)."""
    proba = (
        model.predict_proba(list(titles), list(bodies)) if len(titles) else np.zeros((0, len(model.labels)))
    )
    names = np.asarray(model.labels)
    predicted = list(names[proba.argmax(axis=1)]) if len(titles) else []
    out = f1_scores(labels, predicted)
    if with_calibration:
        out.update(calibration([str(v) for v in labels], proba, model.labels))
    return out
