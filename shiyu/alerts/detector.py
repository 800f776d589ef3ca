"""Spike detection on daily counts of one area × category series (pure, no database).

Choice: a negative-binomial upper-tail test against a weekday-adjusted trailing baseline, whose
dispersion is measured on the baseline's own one-day-ahead prediction errors.

- Baseline. The expected count of day d is level × weekday_factor(d):
  level is the mean daily count of the trailing LEVEL_DAYS (28) days before d — a slowly moving
  level follows the seasons (summer noise, winter heating) without a year of history, which a
  new city or a new category does not have; weekday_factor is the ratio of that weekday's mean to
  the overall mean over the trailing WINDOW_DAYS (112 = 16 of each weekday: with 8 a factor is
  ±13 % off on a busy series, about a third of the old excess of false alarms), shrunk toward 1 by
  PRIOR_DAYS pseudo-days so that a sparse series does not get a factor of 0 or 7 from noise.
  Days already flagged are left out of the baseline: a spike must not raise the bar for the
  next days of the same spike.
- Dispersion, predictive. Complaint counts are over-dispersed relative to Poisson (a burst of one
  road's lamps, a rainy week), so the count is modelled as negative binomial with mean μ and
  variance μ + φμ². φ is estimated by the method of moments from the last RESIDUAL_DAYS (112)
  days' *prediction errors* — what the same baseline predicted for each day against what came —
  not from the spread around a fitted mean. That one number then holds everything that makes the
  baseline miss: the counts' own over-dispersion, the noise of a 28-day level and of the weekday
  factors, and the lag of the level behind a seasonal wave. (The earlier version estimated φ
  from 56 days around the window mean and added a formula for the noise of μ; it missed the
  weekday factors' noise and the lag, and busy series raised 1.0-1.4 false alarms per
  series-year where alpha promised 0.37.)
- Uncertainty of φ. 112 residuals give φ to ±18 % on a busy series and ±60 % on a quiet one, and
  the tail probability is convex in φ: plugging in the point estimate under-states the tail on
  average (Jensen). The test uses φ̂ + PHI_SE_WEIGHT·se(φ̂), a quarter of a standard error
  from the residuals' own spread: on bench/early_warning.py 0 gave 0.27-0.47 false alarms per
  series-year, 0.25 gave 0.22-0.40, 0.5 gave 0.13-0.31 with a few points less recall; 0.25 is
  the one that keeps every rate near the promise. While fewer than MIN_RESIDUALS predictions
  exist (a new series), φ is a prior PRIOR_PHI (0.1) plus the sampling noise of μ.
- Flagged days. A flagged day enters the baseline as what was expected of it, and the residuals
  clipped at the alert threshold: dropped from the residuals, their upper tail would go missing
  and φ would shrink the laxer the setting (at alpha 0.01 false alarms ran at 1.7× the promise);
  taken whole, a real spike would inflate φ and hide the next one for months.
- Not chosen. A Poisson test on such data alarms several times too often; an EWMA chart needs a
  variance model anyway and reacts later to a one-day spike, which is what a city wants to see
  first. A local linear trend in the level was tried and dropped: on the bench its extrapolation
  noise cost more false alarms than the seasonal lag it removes (a stream without seasons gave
  the old detector nearly the same excess, so the lag was not the main cause).
- Calibration. Alert when P(X ≥ observed | μ, φ) < alpha. alpha is the false-alarm rate per
  series-day (the city setting alerts.false_alarm_rate, default 0.001: 0.37 false alarms per
  series-year). bench/early_warning.py measures it on synthetic over-dispersed, seasonal streams
  (figures in the README). MIN_COUNT keeps 0 → 2 on a quiet series from being an "alert".
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

from scipy.stats import nbinom, poisson

WINDOW_DAYS = 112
LEVEL_DAYS = 28
MIN_HISTORY_DAYS = 28
RESIDUAL_DAYS = 112
MIN_RESIDUALS = 14
# The history a caller should pass so that the last day gets a full baseline and full residuals.
HISTORY_DAYS = WINDOW_DAYS + RESIDUAL_DAYS
PRIOR_DAYS = 1.0
MIN_COUNT = 3
# Prior over-dispersion φ of complaint counts (variance μ + 0.1·μ²), used until a series has
# MIN_RESIDUALS predictions of its own.
PRIOR_PHI = 0.1
PHI_SE_WEIGHT = 0.25
# Floor of the expected count: a series silent for four weeks is not "infinitely surprised" by one.
MIN_EXPECTED = 0.2


@dataclass(frozen=True)
class Detection:
    day: date
    observed: int
    expected: float
    p_value: float
    alert: bool

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.inf


class _Baseline:
    """Running sums over the trailing windows, so that a day's μ costs O(1), not O(window)."""

    def __init__(self) -> None:
        self.window: deque[tuple[int, int]] = deque()  # (count, weekday), newest last
        self.level: deque[tuple[int, int]] = deque()
        self.sums = [0.0] * 7
        self.ns = [0] * 7
        self.level_sum = 0.0
        self.level_wd = [0] * 7  # weekdays in the level window

    def __len__(self) -> int:
        return len(self.window)

    def push(self, value: int, weekday: int) -> None:
        self.window.append((value, weekday))
        self.sums[weekday] += value
        self.ns[weekday] += 1
        if len(self.window) > WINDOW_DAYS:
            v, w = self.window.popleft()
            self.sums[w] -= v
            self.ns[w] -= 1
        self.level.append((value, weekday))
        self.level_sum += value
        self.level_wd[weekday] += 1
        if len(self.level) > LEVEL_DAYS:
            v, w = self.level.popleft()
            self.level_sum -= v
            self.level_wd[w] -= 1

    def expected(self, weekday: int) -> tuple[float, float]:
        """(μ, the prior φ plus the sampling noise of μ) for a day of `weekday`."""
        n = len(self.window)
        overall = sum(self.sums) / n if n else 0.0
        level = self.level_sum / len(self.level) if self.level else 0.0
        if overall > 0:
            # Shrunk toward the overall mean by PRIOR_DAYS pseudo-days.
            factors = [
                (self.sums[w] + PRIOR_DAYS * overall) / (self.ns[w] + PRIOR_DAYS) / overall for w in range(7)
            ]
        else:
            factors = [1.0] * 7
        # The level's own weekday mix: normalise so that the factors average to 1 over it.
        norm = sum(factors[w] * c for w, c in enumerate(self.level_wd)) / max(len(self.level), 1) or 1.0
        mu = max(MIN_EXPECTED, level * factors[weekday] / norm)
        # Used only before a series has its own residuals: μ is estimated from 28 days of level
        # and a few days of this weekday; without its sampling variance the tail is too thin.
        phi0 = PRIOR_PHI + (PRIOR_PHI + 1.0 / mu) * (
            1.0 / max(len(self.level), 1) + 1.0 / (self.ns[weekday] + PRIOR_DAYS)
        )
        return mu, phi0


def predictive_phi(pairs: list[tuple[int, float]]) -> float:
    """φ̂ + PHI_SE_WEIGHT·se(φ̂) from (observed, predicted) pairs, by the method of moments:
    E[(x − μ)² − μ] = φμ²."""
    sm2 = sum(m * m for _, m in pairs)
    if sm2 <= 0:
        return PRIOR_PHI
    terms = [((x - m) ** 2 - m, m * m) for x, m in pairs]
    phi_hat = max(0.0, sum(a for a, _ in terms) / sm2)
    se = math.sqrt(sum((a - phi_hat * m2) ** 2 for a, m2 in terms)) / sm2
    return phi_hat + PHI_SE_WEIGHT * se


def tail_p(observed: int, mu: float, phi: float) -> float:
    """P(X ≥ observed) under a negative binomial of mean μ and variance μ + φμ² (Poisson at φ=0)."""
    if observed <= 0:
        return 1.0
    if phi <= 1e-9:
        return float(poisson.sf(observed - 1, mu))
    k = 1.0 / phi
    return float(nbinom.sf(observed - 1, k, k / (k + mu)))


def threshold(mu: float, phi: float, alpha: float) -> int:
    """The smallest count c with P(X ≥ c) < alpha."""
    if phi <= 1e-9:
        return int(poisson.isf(alpha, mu)) + 1
    k = 1.0 / phi
    return int(nbinom.isf(alpha, k, k / (k + mu))) + 1


def detect(
    counts: list[int], start: date, *, alpha: float, min_count: int = MIN_COUNT, only_last: int | None = None
) -> list[Detection]:
    """Test every day of `counts` (one per day from `start`) that has MIN_HISTORY_DAYS before it;
    with only_last, report only the last n days. Earlier days are still tested, because a day
    flagged there is kept out of the baseline and clipped in the residuals, as it would have
    been had the job run on that day."""
    base = _Baseline()
    residuals: deque[tuple[int, float]] = deque(maxlen=RESIDUAL_DAYS)
    out: list[Detection] = []
    first_reported = len(counts) - only_last if only_last else 0
    for i, raw in enumerate(counts):
        observed = int(raw)
        day = start + timedelta(days=i)
        weekday = day.weekday()
        flagged = False
        mu = 0.0
        if len(base) >= MIN_HISTORY_DAYS:
            mu, phi = base.expected(weekday)
            report = i >= first_reported
            # The tail (and φ) is needed only for a reported day or a possible alert (above μ).
            if report or (observed >= min_count and observed > mu):
                if len(residuals) >= MIN_RESIDUALS:
                    phi = predictive_phi(list(residuals))
                p = tail_p(observed, mu, phi)
                flagged = observed >= min_count and p < alpha
                if report:
                    out.append(
                        Detection(day=day, observed=observed, expected=round(mu, 3), p_value=p, alert=flagged)
                    )
            # Clipped at the alert threshold when flagged (why: the module's docstring).
            residuals.append((min(observed, threshold(mu, phi, alpha)) if flagged else observed, mu))
        # A flagged day enters the baseline as what was expected of it, not as the spike.
        base.push(round(mu) if flagged else observed, weekday)
    return out
