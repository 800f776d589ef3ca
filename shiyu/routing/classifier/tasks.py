"""The retrain task: train on the city's closed cases, store a new version, activate it."""

from __future__ import annotations

import logging

from django_tasks import task

log = logging.getLogger(__name__)


@task()
def classifier_retrain(actor_id: int | None = None) -> dict:
    """Safe to retry: each run writes a new version; a failed run leaves the active one in place."""
    from shiyu.routing.classifier import training

    corpus = training.corpus_from_cases()
    try:
        meta = training.train_on_cases(corpus, activate=True)
    except training.CorpusError as exc:
        log.warning("routing classifier retrain skipped: %s", exc)
        return {"ok": False, "error": str(exc), "n": len(corpus)}
    log.info(
        "routing classifier %s trained on %s cases (requested by user %s)",
        meta["version"],
        meta["n"],
        actor_id,
    )
    return {"ok": True, "version": meta["version"], "n": meta["n"], "metrics": meta.get("metrics") or {}}
