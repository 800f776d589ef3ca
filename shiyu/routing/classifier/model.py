"""The model: text features into a linear classifier with calibrated probabilities.

A linear SVM (the strongest of the linear models we tried on short Chinese texts, and fast to
train) whose margins become probabilities by sigmoid calibration on out-of-fold margins
(CalibratedClassifierCV). A logistic regression can be averaged in (`lr_c`), but it trains an order
of magnitude slower on a million features and did not win in cross-validation. Every parameter
below was chosen by repeated stratified cross-validation only (bench/classify_teddycup.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from shiyu.routing.classifier.features import Block, HashedTfidf, TextFeatures
from shiyu.routing.classifier.storage import FORMAT

# Chosen by cross-validation on the 977 labelled Teddy Cup messages (see the module docstring).
DEFAULTS: dict[str, Any] = {
    "title_char": (1, 3),
    "body_char": (1, 3),
    "title_weight": 1.0,
    "word_weight": 1.0,
    "svm_c": 1.0,
    "lr_c": None,
    "self_train": None,  # confidence above which unlabelled messages are pseudo-labelled
    "pseudo_weight": 0.5,
    "min_df": 1,
    "strip_noise": True,  # see features.clean
}


def build_features(params: dict[str, Any]) -> TextFeatures:
    p = {**DEFAULTS, **params}
    (t_min, t_max), (b_min, b_max) = p["title_char"], p["body_char"]
    blocks = [
        Block("title", HashedTfidf(n_min=t_min, n_max=t_max), p["title_weight"]),
        Block("body", HashedTfidf(n_min=b_min, n_max=b_max, min_df=p["min_df"]), 1.0),
    ]
    if p["word_weight"]:
        blocks += [
            Block("title", HashedTfidf(words=True), p["title_weight"] * p["word_weight"]),
            Block("body", HashedTfidf(words=True, min_df=p["min_df"]), p["word_weight"]),
        ]
    return TextFeatures(blocks, strip_noise=bool(p["strip_noise"]))


# From this many training rows the sigmoid is fitted on 3 folds' out-of-fold margins, not 5: each
# fold still holds over a thousand rows, and two fewer SVM fits cut a third of the training time.
LARGE_CORPUS = 3000
# From this many, on 2 folds' (each SVM then trained on 4,000 rows or more): on 10,000 messages the
# three fold fits were two thirds of the training time, two half-size fits are one full fit.
HUGE_CORPUS = 8000


def build_classifier(params: dict[str, Any], n_min_class: int, n_rows: int = 0) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    p = {**DEFAULTS, **params}
    svm = LinearSVC(C=p["svm_c"], class_weight="balanced")
    # Calibration folds need every class in each: small city corpora get fewer folds.
    folds = 2 if n_rows >= HUGE_CORPUS else 3 if n_rows >= LARGE_CORPUS else 5
    cv = max(2, min(folds, n_min_class))
    # ensemble=False: the sigmoid is fitted on out-of-fold margins, and one SVM fitted on all rows
    # is kept (not one per fold: the model file would be five times larger).
    members: list[Any] = [CalibratedClassifierCV(svm, method="sigmoid", cv=cv, ensemble=False)]
    if p["lr_c"]:
        members.append(LogisticRegression(C=p["lr_c"], class_weight="balanced", max_iter=2000))
    return _Average(members)


def _compact(estimator: Any) -> None:
    """Weights as float32: halves the file and the memory, changes no prediction that matters."""
    for attr in ("coef_",):
        value = getattr(estimator, attr, None)
        if isinstance(value, np.ndarray) and value.dtype == np.float64:
            # Fortran order: coef_.T is then C-contiguous, so a sparse product with it copies
            # nothing (a C-ordered coef_ would be copied whole on every prediction).
            setattr(estimator, attr, np.asfortranarray(value.astype(np.float32)))
    for child in getattr(estimator, "members", []):
        _compact(child)
    for calibrated in getattr(estimator, "calibrated_classifiers_", []):
        _compact(calibrated.estimator)


@dataclass
class _Average:
    """Mean of the members' predict_proba (all fitted on the same rows, same label order)."""

    members: list[Any]
    classes_: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def fit(self, X: Any, y: Sequence[str], sample_weight: np.ndarray | None = None) -> _Average:
        for member in self.members:
            member.fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.members[0].classes_
        _compact(self)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.mean([_member_proba(member, X) for member in self.members], axis=0)


def _member_proba(member: Any, X: Any) -> np.ndarray:
    """predict_proba, computed directly for a sigmoid-calibrated linear model.

    scikit-learn's path validates its input and builds a label encoder on every call, which costs
    more than the arithmetic for one message; the numbers are the same (a test compares them)."""
    head = _SigmoidHead.of(member)
    if head is None:
        return member.predict_proba(X)
    X = sp.csr_matrix(X)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    return head.proba(rows, X.indices, X.data, X.shape[0])


@dataclass
class _SigmoidHead:
    """A linear model's margins through per-class sigmoids, normalised (what CalibratedClassifierCV
    with method="sigmoid" and ensemble=False computes), read straight from (row, column, value)
    triplets: the weight rows of a text's columns are gathered and summed in float64, so one text
    costs a few numpy calls and no sparse matrix."""

    weights: np.ndarray  # (features, classes or 1 for two classes), C-contiguous
    intercept: np.ndarray
    a: np.ndarray
    b: np.ndarray
    n_classes: int

    @classmethod
    def of(cls, member: Any) -> _SigmoidHead | None:
        calibrated = getattr(member, "calibrated_classifiers_", None)
        if not calibrated or len(calibrated) != 1 or calibrated[0].method != "sigmoid":
            return None
        estimator = calibrated[0].estimator
        if not hasattr(estimator, "coef_") or list(estimator.classes_) != list(member.classes_):
            return None
        return cls(
            weights=np.ascontiguousarray(estimator.coef_.T),  # no copy: coef_ is kept in Fortran order
            intercept=np.asarray(estimator.intercept_, dtype=np.float64),
            a=np.array([c.a_ for c in calibrated[0].calibrators], dtype=np.float64),
            b=np.array([c.b_ for c in calibrated[0].calibrators], dtype=np.float64),
            n_classes=len(member.classes_),
        )

    def proba(self, rows: np.ndarray, cols: np.ndarray, data: np.ndarray, n_rows: int) -> np.ndarray:
        """Probabilities of rows given as triplets sorted by row."""
        if n_rows == 1:
            # Intake's case: the weight rows of the text's columns gathered and summed (float32
            # weights, float64 products): a few numpy calls and no sparse matrix.
            margins = np.zeros((1, self.weights.shape[1]))
            if len(cols):
                margins[0] = np.add.reduce(self.weights[cols] * data[:, None], axis=0)
        else:
            # A batch: a sparse product, whose temporaries are rows × classes (a gather would
            # hold one row per non-zero feature).
            X = sp.csr_matrix((np.asarray(data, dtype=np.float64), (rows, cols)),
                              shape=(n_rows, self.weights.shape[0]))
            margins = np.asarray(X @ self.weights, dtype=np.float64)
        margins += self.intercept
        positive = expit(-(self.a * margins + self.b))
        if self.n_classes == 2:
            return np.column_stack([1.0 - positive[:, 0], positive[:, 0]])
        total = positive.sum(axis=1, keepdims=True)
        return np.divide(positive, total, out=np.full_like(positive, 1.0 / self.n_classes), where=total != 0)


@dataclass
class RoutingModel:
    features: TextFeatures
    classifier: Any
    params: dict[str, Any]
    format: int = FORMAT
    _heads: list[_SigmoidHead] | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_heads": None}  # views of the classifier's weights: rebuilt

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._heads = None

    def _fast_heads(self) -> list[_SigmoidHead] | None:
        """One head per averaged member when every member is a sigmoid-calibrated linear model."""
        if getattr(self, "_heads", None) is None:
            members = getattr(self.classifier, "members", [])
            heads = [_SigmoidHead.of(member) for member in members]
            # [] remembers that this model has no fast path (None means not looked at yet).
            self._heads = [] if not members or any(h is None for h in heads) else [
                h for h in heads if h is not None]
        return self._heads or None

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self.classifier.classes_]

    def fit(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        labels: Sequence[str],
        extra: tuple[Sequence[str], Sequence[str]] | None = None,
    ) -> RoutingModel:
        self._heads = None
        X = self.features.fit_transform(titles, bodies, extra)
        labels = list(labels)
        self.classifier.fit(X, labels)
        threshold = self.params.get("self_train")
        if threshold and extra is not None and len(extra[0]):
            # Self-training: unlabelled messages the first model is sure about join the training
            # rows with their predicted label, at a lower weight: more examples of how the
            # vocabulary of the labelled rows combines (the vocabulary itself stays theirs).
            X_extra = self.features.transform(extra[0], extra[1])
            proba = self.classifier.predict_proba(X_extra)
            sure = proba.max(axis=1) >= threshold
            if sure.any():
                guessed = list(np.asarray(self.classifier.classes_)[proba.argmax(axis=1)][sure])
                weights = np.concatenate(
                    [np.ones(len(labels)), np.full(len(guessed), self.params["pseudo_weight"])]
                )
                self.classifier.fit(sp.vstack([X, X_extra[sure]], format="csr"), labels + guessed, weights)
        return self

    def predict_proba(self, titles: Sequence[str], bodies: Sequence[str]) -> np.ndarray:
        """Probabilities per label (columns in `labels` order). Batches and single texts (intake)
        take the same path: features as triplets straight into the weights, no sparse matrix and
        no scikit-learn call; models of another shape go through predict_proba."""
        heads = self._fast_heads()
        if heads is None:
            return self.classifier.predict_proba(self.features.transform(titles, bodies))
        rows, cols, data = self.features.triplets(titles, bodies)
        n_rows = len(titles)
        if len(heads) == 1:
            return heads[0].proba(rows, cols, data, n_rows)
        return np.mean([head.proba(rows, cols, data, n_rows) for head in heads], axis=0)

    def predict(self, titles: Sequence[str], bodies: Sequence[str]) -> list[str]:
        if not titles:
            return []
        labels = np.asarray(self.labels)
        return list(labels[self.predict_proba(titles, bodies).argmax(axis=1)])

    def top_k(self, title: str, body: str, k: int = 3) -> list[tuple[str, float]]:
        proba = self.predict_proba([title], [body])[0]
        order = np.argsort(-proba, kind="stable")[:k]
        labels = self.labels
        return [(labels[i], round(float(proba[i]), 4)) for i in order]


def new_model(params: dict[str, Any] | None = None, n_min_class: int = 5, n_rows: int = 0) -> RoutingModel:
    params = {**DEFAULTS, **(params or {})}
    return RoutingModel(build_features(params), build_classifier(params, n_min_class, n_rows), params)
