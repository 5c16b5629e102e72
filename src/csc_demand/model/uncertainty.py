"""Uncertainty: the random streams, and one set of rates per Monte Carlo draw.

**Common random numbers.** Every source of chance has its own random numbers, derived from the seed by a fixed
key (:func:`stream`): one stream per parameter, drawn in full whatever the scenario overrides, and for the
weeks' chance (drift, referral counts, conversions, exits) fixed slots of one standard normal array
(:func:`chance_stream`); counts are drawn by the inverse CDF at Φ(z) or a normal approximation at z, so each
uses exactly its own number. So two scenarios that differ only from a date have identical draws before it, and a change to one
setting never shifts the random numbers of anything it does not touch.

**Per draw** (:func:`draw_parameters`):

- the usual referral level: a Gamma with the estimate's mean and standard error;
- conversions (plan and care starts per referral): their Beta posteriors;
- exit hazards: a multiplier, log-normal with the standard error of a rate estimated from that many exits
  (1/sqrt(exits)), combined with the stock's anchor (:mod:`csc_demand.model.anchor`) so that each draw's
  long-run level has the anchored (posterior) spread;
- the month effects when fewer than two years of referrals show them: a random effect per calendar month,
  log-normal with standard deviation :data:`SEASON_UNKNOWN_SD`, centred over the year (the median has no
  seasons: none is invented).

- the lag from referral to start: a shift of the estimated lag distribution, normal with the standard error of
  the mean lag (linked starts), within one week either way;
- the size of each shock given with an 80% interval (``referrals_change_low_pct`` to
  ``referrals_change_high_pct``, e.g. a fitted past shock): a normal draw from the shock's own stream
  (:func:`shock_stream`; see :func:`csc_demand.model.project.shock_size_draws`).

An override replaces the estimate's centre and keeps its relative spread, so an override equal to the estimate
changes nothing.

**Over time** (per week, in :mod:`csc_demand.model.project`): the referral level and each conversion drift
as random walks on the log scale, with standard deviations :data:`LEVEL_DRIFT_SD_PER_YEAR` and
:data:`CONVERSION_DRIFT_SD_PER_YEAR` after one year (growing with the square root of time).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from csc_demand.model.estimate import Estimates, Flow
from csc_demand.model.inputs import ScenarioInputs

#: Month-to-month spread of referrals (sd of the log) assumed when the data cannot show the seasons: English
#: referrals are lowest in August and over Christmas, about 10–15% below the average month.
SEASON_UNKNOWN_SD = 0.07
#: Drift of the usual referral level over a year (sd of the log change after one year; a random walk).
LEVEL_DRIFT_SD_PER_YEAR = 0.04
#: Drift of each conversion (starts per referral) over a year (sd of the log change after one year).
CONVERSION_DRIFT_SD_PER_YEAR = 0.04

#: Stream keys (see :func:`stream`).
_PARAMETER, _WEEK, _SHOCK = 0, 1, 2
_KEYS = {"baseline": 0, "cp_conversion": 1, "cla_conversion": 2, "cp_hazard": 3, "cla_hazard": 4,
         "cp_anchor": 5, "cla_anchor": 6, "months": 7, "cp_lag": 8, "cla_lag": 9, "cin_conversion": 10,
         "cin_hazard": 11, "cin_anchor": 12, "cin_lag": 13}


def stream(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream for one source of chance, fixed by the seed and the key."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=tuple(key))))


def parameter_stream(seed: int, name: str) -> np.random.Generator:
    """The stream of one parameter (a name in ``_KEYS``)."""
    return stream(seed, _PARAMETER, _KEYS[name])


def shock_stream(seed: int, index: int) -> np.random.Generator:
    """The stream of the size of the scenario's ``index``-th shock (see
    :func:`csc_demand.model.project.shock_size_draws`)."""
    return stream(seed, _SHOCK, index)


def chance_stream(seed: int, kind: str = "normal") -> np.random.Generator:
    """The stream of the weeks' chance. The projection draws one standard normal array of shape (weeks,
    slots, draws) from it, week by week in order, and gives every source of chance its own slot, so a week's
    numbers never depend on the scenario, the other slots or the later weeks."""
    return stream(seed, _WEEK, {"normal": 0}[kind])


@functools.lru_cache(maxsize=2)
def week_normals(seed: int, weeks: int, slots: int, draws: int) -> np.ndarray:
    """The weeks' standard normals from :func:`chance_stream`, shape (weeks, slots, draws), float32, read-only.

    They depend on the seed and the shape only, never on the scenario (common random numbers), so they are
    made once and kept for the next forecast of the same data: a re-forecast with a changed scenario skips the
    largest single piece of work of a projection. The two most recent shapes are kept (about 7 MB each for
    1,000 draws over three years)."""
    z = chance_stream(seed, "normal").standard_normal((weeks, slots, draws), dtype=np.float32)
    z.flags.writeable = False
    return z


@dataclass(frozen=True)
class Draws:
    """Per-draw parameters, each an array of length ``draws``; the flows' (``cp``, ``cla``, ``cin``) in dicts by
    key: ``per_referral`` (starts per referral), ``hazard_ratio`` (exit hazard multiplier) and
    ``lag_shift_weeks`` (how much later, within ±1 week, starts follow their referrals than the estimated lag).
    ``month_log_effect`` is (draws, 12), zero when the seasons are known (they are then in the expected
    referrals)."""

    baseline_per_week: np.ndarray
    per_referral: dict[str, np.ndarray]
    hazard_ratio: dict[str, np.ndarray]
    lag_shift_weeks: dict[str, np.ndarray]
    month_log_effect: np.ndarray


def _scaled(draws: np.ndarray, estimate: float, override: float | None) -> np.ndarray:
    """Draws around the estimate moved to the override's centre (the same relative spread)."""
    if override is None or estimate <= 0:
        return draws if override is None else np.full(len(draws), float(override))
    return draws * (float(override) / estimate)


def _hazard_ratio(flow: Flow, log_inflow_dev: np.ndarray, seed: int, key: str, draws: int) -> np.ndarray:
    """Per-draw exit hazard multipliers around the anchored path: with ``e`` the draw's deviation of the rates'
    long-run level, ``K`` the weight not on the rates and ``ξ`` a draw of the other measurements' share of the
    posterior spread, ``log r = b + (K e − ξ) / β`` gives the long-run level the anchored (posterior) spread
    (see :mod:`csc_demand.model.anchor`)."""
    a = flow.anchor
    b = flow.durations.hazard_se_log * parameter_stream(seed, f"{key}_hazard").standard_normal(draws)
    xi = a.sd_log_other * parameter_stream(seed, f"{key}_anchor").standard_normal(draws)
    e = log_inflow_dev - a.beta * b
    return np.exp(b + (a.gain * e - xi) / a.beta)


def draw_parameters(est: Estimates, inputs: ScenarioInputs, draws: int, seed: int) -> Draws:
    """Sample the rates for each draw (see the module docstring).

    Parameters
    ----------
    est, inputs
        The estimates and the scenario's model inputs (its referral baseline and overrides).
    draws
        Number of Monte Carlo draws.
    seed
        The forecast's seed: each parameter has its own stream from it.

    Returns
    -------
    Draws
    """
    ov, baseline = inputs.scenario.overrides, inputs.baseline
    if baseline.se_per_week > 0 and baseline.per_week > 0:
        shape = (baseline.per_week / baseline.se_per_week) ** 2
        base_raw = parameter_stream(seed, "baseline").gamma(shape, baseline.per_week / shape, size=draws)
    else:
        base_raw = np.full(draws, baseline.per_week)
    log_base_dev = np.log(np.maximum(base_raw, 1e-12) / baseline.per_week) if baseline.per_week > 0 \
        else np.zeros(draws)
    per_referral, hazard, lag = {}, {}, {}
    for key, flow in est.flows.items():
        c = flow.conversion
        raw = parameter_stream(seed, f"{key}_conversion").beta(c.alpha, c.beta, size=draws)
        dev = np.log(np.maximum(raw, 1e-12) / c.per_referral) if c.per_referral > 0 else np.zeros(draws)
        override = getattr(ov, f"{key}_starts_per_referral", None)
        per_referral[key] = np.clip(_scaled(raw, c.per_referral, override), 0.0, 1.0)
        hazard[key] = _hazard_ratio(flow, dev + log_base_dev, seed, key, draws)
        shift = c.lag_se_weeks * parameter_stream(seed, f"{key}_lag").standard_normal(draws)
        lag[key] = np.clip(shift, -1.0, 1.0)
    months = np.zeros((draws, 12))
    if est.seasonality.by_month is None:
        m = SEASON_UNKNOWN_SD * parameter_stream(seed, "months").standard_normal((draws, 12))
        months = m - m.mean(axis=1, keepdims=True)
    return Draws(baseline_per_week=_scaled(base_raw, baseline.per_week, ov.referrals_per_week),
                 per_referral=per_referral, hazard_ratio=hazard, lag_shift_weeks=lag, month_log_effect=months)
