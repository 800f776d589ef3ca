"""Early warning: recall and false alarms of the spike detector on synthetic streams.

Each series-year is 365 days (+ 56 days of warm-up history) of negative-binomial daily counts
around a base rate with a weekday pattern (weekends lower) and a seasonal wave (±30 %); spikes are
injected on SPIKES random days as base × multiplier. The production detector
(`shiyu.alerts.detector.detect`, alpha = the default city setting) runs over every day; a spike
day flagged is a hit, any other day flagged is a false alarm.

    python bench/early_warning.py [--years 200] [--alpha 0.001] [--seed 1]

Prints, per base rate and spike size: recall, false alarms per series-year (the setting promises
365 × alpha), and the speed (series-days tested per second of wall and of CPU time).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEKDAY = [1.15, 1.1, 1.05, 1.05, 1.0, 0.8, 0.7]
WARMUP = 56
SPIKES = 4


def nb_sample(rng: random.Random, mu: float, k: float) -> int:
    """A negative-binomial draw as a gamma-Poisson mixture."""
    lam = rng.gammavariate(k, mu / k) if k else mu
    # Knuth for small λ, normal approximation for large.
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, n, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        n += 1
        prod *= rng.random()
    return n


def series_year(
    rng: random.Random, base: float, multiplier: float, k: float = 8.0
) -> tuple[list[int], date, set[int]]:
    start = date(2024, 1, 1)
    days = WARMUP + 365
    phase = rng.random() * 2 * math.pi
    spikes = set(rng.sample(range(WARMUP, days), SPIKES))
    counts = []
    for i in range(days):
        day = start.toordinal() + i
        mu = (
            base
            * WEEKDAY[date.fromordinal(day).weekday()]
            * (1 + 0.3 * math.sin(2 * math.pi * i / 365 + phase))
        )
        if i in spikes:
            mu *= multiplier
        counts.append(nb_sample(rng, mu, k))
    return counts, start, spikes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=200, help="series-years per cell")
    parser.add_argument("--alpha", type=float, default=None, help="default: the city setting's default")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from shiyu.alerts.detector import detect

    alpha = args.alpha
    if alpha is None:
        from shiyu.alerts.settings_defaults import FALSE_ALARM_RATE_DEFAULT

        alpha = FALSE_ALARM_RATE_DEFAULT
    rng = random.Random(args.seed)
    print(f"alpha {alpha}, {args.years} series-years per row, {SPIKES} spikes per series-year")
    print(f"promised: {365 * alpha:.3g} false alarms per series-year")
    print("base/day | spike × | recall | false alarms per series-year | days/s (wall) | days/s (CPU)")
    for base in (1.0, 3.0, 10.0, 40.0):
        for multiplier in (3.0, 5.0):
            hits = injected = false = tested = 0
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(args.years):
                counts, start, spikes = series_year(rng, base, multiplier)
                for d in detect(counts, start, alpha=alpha):
                    i = (d.day - start).days
                    if i < WARMUP:
                        continue
                    tested += 1
                    if i in spikes:
                        injected += 1
                        hits += d.alert
                    elif d.alert:
                        false += 1
            elapsed = time.perf_counter() - started
            cpu = max(time.process_time() - cpu_started, 1e-9)
            print(
                f"{base:8.1f} | {multiplier:7.1f} | {hits / max(injected, 1):6.1%} | "
                f"{false / args.years:27.2f} | {tested / elapsed:12,.0f} | {tested / cpu:11,.0f}"
            )


if __name__ == "__main__":
    main()
