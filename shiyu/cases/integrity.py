"""Does every case's row agree with its event history? (crash tests, `shiyu case verify`-style checks)

A case's state is derived data: the events are the record. After a crash (a killed server or
worker, a failed transaction) each case must still satisfy, read in event order:
- the first event is the one `submit`, from no state;
- each event starts where the previous one ended (no lost or doubled transition);
- replaying the events through the workflow table gives the stored state;
- `version` counts the events (every service that moves a case bumps it once per event).
System scope, read-only; the work is done in batches of cases so any table size fits in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shiyu.cases import workflow
from shiyu.cases.models import Case, CaseEvent


@dataclass(frozen=True)
class Mismatch:
    case_id: int
    code: str
    problem: str


def _check(case: Any, events: list[tuple[str, str, str, dict]]) -> str | None:
    if not events:
        return "no events"
    if events[0][0] != "submit" or events[0][1] != "":
        return f"first event is {events[0][0]!r}, not the submission"
    if sum(1 for e in events if e[0] == "submit") != 1:
        return "more than one submit event"
    previous = ""
    for action, from_state, to_state, _data in events:
        if from_state != previous:
            return f"{action}: from {from_state!r} but the case was {previous!r}"
        previous = to_state
    try:
        replayed = workflow.replay((action, data) for action, _f, _t, data in events)
    except (workflow.IllegalTransition, workflow.MissingInput) as exc:
        return f"events do not replay: {type(exc).__name__} {exc}"
    if replayed is None or replayed.value != case["state"]:
        return f"state {case['state']!r} but the events replay to {replayed and replayed.value!r}"
    if previous != case["state"]:
        return f"state {case['state']!r} but the last event ends in {previous!r}"
    if case["version"] != len(events):
        return f"version {case['version']} but {len(events)} events"
    return None


def case_mismatches(*, case_ids: Iterable[int] | None = None, batch: int = 1000) -> list[Mismatch]:
    """Every case (or those of `case_ids`) whose row disagrees with its events; [] when all agree."""
    found: list[Mismatch] = []
    qs = Case.objects.order_by("pk")
    if case_ids is not None:
        qs = qs.filter(pk__in=list(case_ids))
    last = 0
    while True:
        cases = list(qs.filter(pk__gt=last).values("pk", "code", "state", "version")[:batch])
        if not cases:
            return found
        last = cases[-1]["pk"]
        history: dict[int, list[tuple[str, str, str, dict]]] = defaultdict(list)
        rows = (CaseEvent.objects.filter(case_id__in=[c["pk"] for c in cases]).order_by("id")
                .values_list("case_id", "action", "from_state", "to_state", "data"))
        for case_id, action, from_state, to_state, data in rows:
            history[case_id].append((action, from_state, to_state, data or {}))
        for case in cases:
            problem = _check(case, history[case["pk"]])
            if problem:
                found.append(Mismatch(case["pk"], case["code"], problem))
