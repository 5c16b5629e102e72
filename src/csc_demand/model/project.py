"""Projection: week by week, referrals → plan and care starts → open caseloads, as a vectorised Monte Carlo.

For one scenario (all arrays are (draws, weeks)):

1. referrals in week k: negative binomial (Poisson when not over-dispersed) with mean
   ``baseline_d × factor[k] × month_d[k] × exp(drift_d[k])`` (:func:`~csc_demand.model.shocks.referral_factors`;
   ``month_d`` the draw's month effects when the data cannot show the seasons; ``drift_d`` a random walk);
2. starts in week k: binomial conversions (all binomial draws use :func:`binomial`)
   ``Binomial(round(Σ_l lag[l] × referrals[k-l]), p_d × exp(conversion drift_d[k]))``, with the referrals of the
   weeks before the extract date taken from the data;
3. open plans: ``open[k] = open[k-1] + starts[k] - ends[k]`` with ``ends[k] ~ Binomial(open[k-1] + starts[k],
   q_d[k])``. The exit probability ``q[k]`` comes from the expected ("central") path, which follows every
   plan open on the extract date by its hazard given how long it has been open and ends it at the 18th
   birthday, and every new start by the duration curve of its age at start (also ending at 18), both with the
   stock's anchored hazard (:mod:`csc_demand.model.anchor`); each draw scales the hazard by its own
   ``hazard ratio`` (``q_d = 1 - (1 - q)^ratio``).

Every source of chance has its own random numbers (:func:`~csc_demand.model.uncertainty.chance_stream`).
Breakdowns (age band, placement group, source group) split each draw's totals by the central path's shares.
Referrals and starts never depend on the numbers open, so every week's are drawn at once; the only Python loop
is over weeks for the exits (one binomial draw of shape (flows, draws) per week).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from csc_demand.model.baseline import Z80, Baseline, Seasonality
from csc_demand.model.conversion import LAG_WEEKS
from csc_demand.model.estimate import Estimates
from csc_demand.model.inputs import Central, ScenarioInputs
from csc_demand.model.shocks import referral_factors
from csc_demand.model.timegrid import DAYS_PER_YEAR, Grid
from csc_demand.model.uncertainty import (
    CONVERSION_DRIFT_SD_PER_YEAR,
    LEVEL_DRIFT_SD_PER_YEAR,
    Draws,
    draw_parameters,
    shock_stream,
    week_normals,
)
from csc_demand.scenario import Scenario

#: The flows the projection can carry, in a fixed order (each has fixed random-number slots, so adding one
#: never changes the others' draws).
FLOW_KEYS = ("cp", "cla", "cin")


@dataclass(frozen=True)
class Simulation:
    """Per-draw weekly arrays for one scenario, and the central shares used for breakdowns.

    ``referrals``: (draws, weeks) counts in weeks 1..weeks; by flow key (``cp``, ``cla`` and, with List 6,
    ``cin``): ``starts`` and ``ends`` (draws, weeks), ``open`` (draws, weeks + 1: open at week ends
    0..weeks) and ``central`` (the expected path). ``referral_group_share``: (weeks, groups);
    ``placement_share``: (weeks + 1, placement groups).
    """

    scenario: Scenario
    baseline: Baseline
    params: Draws = field(repr=False)
    referrals: np.ndarray = field(repr=False)
    starts: dict[str, np.ndarray] = field(repr=False)
    ends: dict[str, np.ndarray] = field(repr=False)
    open: dict[str, np.ndarray] = field(repr=False)
    central: dict[str, Central] = field(repr=False)
    referral_group_share: np.ndarray = field(repr=False)
    placement_share: np.ndarray = field(repr=False)
    referral_age_shares: np.ndarray = field(repr=False)

    @property
    def cp_starts(self) -> np.ndarray:
        return self.starts["cp"]

    @property
    def cp_ends(self) -> np.ndarray:
        return self.ends["cp"]

    @property
    def cp_open(self) -> np.ndarray:
        return self.open["cp"]

    @property
    def cla_starts(self) -> np.ndarray:
        return self.starts["cla"]

    @property
    def cla_ends(self) -> np.ndarray:
        return self.ends["cla"]

    @property
    def cla_open(self) -> np.ndarray:
        return self.open["cla"]


#: Above this many expected referrals a week, the negative binomial is drawn by its normal approximation.
NORMAL_ABOVE = 30.0
#: Binomial draws whose variance is above this use the normal approximation (skewness below 1/2 for a week,
#: 1/4 for a month's sum).
BINOMIAL_NORMAL_VARIANCE = 4.0


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal CDF, vectorised (Abramowitz and Stegun 7.1.26: error below 1.5e-7)."""
    x = np.abs(np.asarray(z, dtype=float)) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    return 0.5 * (1.0 + np.sign(z) * (1.0 - poly * np.exp(-x * x)))


def _inverse_cdf(u: np.ndarray, p0: np.ndarray, ratio, *params: np.ndarray) -> np.ndarray:
    """The smallest count x with CDF(x) >= u, for a count distribution given by P(0) = ``p0`` and
    P(x+1) = P(x) × ``ratio(x, *params)``, ``params`` being per-count arrays (given whole, handed to ``ratio``
    for the counts still searching); vectorised, each step working only on the counts not yet found, so the
    work is about the sum of the counts."""
    x = np.zeros(u.shape, dtype=np.int64)
    idx = np.flatnonzero(u > p0)
    pk, cdf, uu = p0[idx].astype(float), p0[idx].astype(float), u[idx]
    left = [p[idx] for p in params]
    k = 0
    while idx.size and k < 10_000:
        pk = pk * ratio(k, *left)
        cdf = cdf + pk
        k += 1
        x[idx] = k
        keep = (uu > cdf) & (pk > 0)
        if not keep.all():
            idx, pk, cdf, uu = idx[keep], pk[keep], cdf[keep], uu[keep]
            left = [p[keep] for p in left]
    return x


def referral_counts(mean: np.ndarray, dispersion: float, z: np.ndarray) -> np.ndarray:
    """Weekly referral counts with the given means and variance ``dispersion × mean``: negative binomial
    (Poisson when the dispersion is 1) by its inverse CDF at ``Φ(z)``, or, where the mean is above
    :data:`NORMAL_ABOVE`, its normal approximation at the standard normal ``z``, rounded to whole numbers (never
    below zero). Each count depends only on its own mean and ``z``: common random numbers hold exactly."""
    mean = np.asarray(mean, dtype=float)
    out = np.maximum(np.rint(mean + np.sqrt(dispersion * mean) * z), 0.0)
    small = mean <= NORMAL_ABOVE
    if small.any():
        m = np.maximum(mean[small], 1e-12)
        if dispersion > 1.0 + 1e-6:
            k = m / (dispersion - 1.0)                    # negative binomial: size k, success share k/(k+m)
            out[small] = _inverse_cdf(normal_cdf(z[small]), (k / (k + m)) ** k,
                                      lambda x, kk, mm: (x + kk) / (x + 1) * mm / (kk + mm), k, m)
        else:
            out[small] = _inverse_cdf(normal_cdf(z[small]), np.exp(-m), lambda x, mm: mm / (x + 1), m)
    return out


def binomial(n: np.ndarray, p: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Binomial(n, p) counts: where the variance n·p·(1−p) is above :data:`BINOMIAL_NORMAL_VARIANCE`, the normal
    approximation at the standard normal ``z`` (rounded, kept within 0..n; indistinguishable once summed over a
    month, and fast for big authorities); elsewhere exactly, by the inverse CDF at ``Φ(z)``. Each count depends
    only on its own n, p and z: common random numbers hold exactly."""
    n, p, z = np.asarray(n, dtype=np.int64), np.asarray(p, dtype=float), np.asarray(z)
    if not n.shape == p.shape == z.shape:
        n, p, z = np.broadcast_arrays(n, p, z)
    mean = n * p
    var = mean * (1.0 - p)
    out = np.rint(mean + np.sqrt(var) * z)
    np.maximum(out, 0.0, out=out)
    out = np.minimum(out, n).astype(np.int64)
    small = var <= BINOMIAL_NORMAL_VARIANCE
    if small.any():
        ns, ps, us = n[small], p[small], normal_cdf(z[small])
        flip = ps > 0.5
        q = np.where(flip, 1.0 - ps, ps)                  # count the rarer outcome
        uu = np.where(flip, 1.0 - us, us)
        ratio = q / np.where(q < 1.0, 1.0 - q, 1.0)
        x = _inverse_cdf(uu, (1.0 - q) ** ns, lambda k, nn, rr: np.maximum(nn - k, 0) / (k + 1) * rr, ns, ratio)
        x = np.minimum(x, ns)
        out[small] = np.where(flip, ns - x, x)
    return out


def shock_size_draws(scenario: Scenario, season: Seasonality, mix: np.ndarray, extract_date: pd.Timestamp,
                     weeks: int, draws: int, seed: int) -> np.ndarray:
    """How uncertainty in the size of each shock moves each draw's expected referrals: (draws, weeks), in
    weeks of baseline referrals (0 for shocks without an interval).

    A shock's ``referrals_change_low_pct`` to ``referrals_change_high_pct`` is an 80% interval, so its standard
    deviation is their distance ÷ 2.563. Each draw takes its own size (a standard normal from the shock's own
    stream, so common random numbers hold), and the week's referral factor moves by the factor's slope with
    the change (a central difference over ± one standard deviation, kept within −100..500%) times it. Returning
    referrals follow the size.
    """
    out = np.zeros((draws, weeks))
    for i, s in enumerate(scenario.shocks):
        low, high = getattr(s, "referrals_change_low_pct", None), getattr(s, "referrals_change_high_pct", None)
        if low is None or high is None or high <= low:
            continue
        sd = (high - low) / (2 * Z80)
        lo, hi = max(s.referrals_change_pct - sd, -100.0), min(s.referrals_change_pct + sd, 500.0)
        if hi <= lo:
            continue

        def factor_at(change: float, i: int = i, s=s) -> np.ndarray:
            moved = replace(s, referrals_change_pct=change, referrals_change_low_pct=None,
                            referrals_change_high_pct=None)
            sc = replace(scenario, shocks=scenario.shocks[:i] + (moved,) + scenario.shocks[i + 1:])
            return referral_factors(sc, season, mix, extract_date, weeks).sum(axis=1)

        slope_per_sd = (factor_at(hi) - factor_at(lo)) / (hi - lo) * sd
        if not slope_per_sd.any():
            continue
        z = shock_stream(seed, i).standard_normal(draws)
        out += z[:, None] * slope_per_sd[None, :]
    return out


def lag_shift_slope(reversed_pmfs: np.ndarray) -> np.ndarray:
    """For lag distributions stored newest-last (``reversed_pmfs``, (flows, lags), as the weekly loop uses
    them): the change in the weights per week of extra delay, ``(pmf shifted a week later − pmf shifted a week
    earlier) ÷ 2`` in the same order (each shifted pmf keeps its total: the end weeks absorb the overflow)."""
    pmf = reversed_pmfs[:, ::-1]
    later = np.concatenate([np.zeros((len(pmf), 1)), pmf[:, :-1]], axis=1)
    later[:, -1] += pmf[:, -1]
    earlier = np.concatenate([pmf[:, 1:], np.zeros((len(pmf), 1))], axis=1)
    earlier[:, 0] += pmf[:, 0]
    return ((later - earlier) / 2.0)[:, ::-1]


def _month_of_weeks(extract_date: pd.Timestamp, weeks: int) -> np.ndarray:
    """Calendar month index (0 = January) of the middle day of each forecast week 1..weeks."""
    mid = pd.Timestamp(extract_date) + pd.to_timedelta(7 * np.arange(1, weeks + 1) - 3, unit="D")
    return np.asarray(mid.month) - 1


def simulate(est: Estimates, inputs: ScenarioInputs, grid: Grid, draws: int, seed: int) -> Simulation:
    """Run the Monte Carlo for one scenario over the grid's weeks (see the module docstring).

    Parameters
    ----------
    est
        The estimates.
    inputs
        The scenario's model inputs (:func:`~csc_demand.model.inputs.scenario_inputs` over ``grid.weeks``):
        the projection adds chance to them and estimates nothing itself.
    grid
        The forecast calendar.
    draws
        Number of Monte Carlo draws.
    seed
        Every source of chance has its own stream from the seed (:mod:`csc_demand.model.uncertainty`), so
        scenarios share their random numbers wherever they agree.

    Returns
    -------
    Simulation
    """
    weeks = grid.weeks
    if inputs.factors.shape[0] != weeks:
        raise ValueError(f"The inputs cover {inputs.factors.shape[0]} weeks, the grid {weeks}.")
    scenario, baseline, season, central = inputs.scenario, inputs.baseline, inputs.seasonality, inputs.central
    params = draw_parameters(est, inputs, draws, seed)
    factor = inputs.weekly_factor
    tot = np.where(factor > 0, factor, 1.0)
    group_share = inputs.factors / tot[:, None]
    flows = est.flows
    keys = list(flows)
    slot = np.array([FLOW_KEYS.index(k) for k in keys])
    hist = est.recent_weekly_referrals
    # per draw and week: exit probabilities, expected referrals (month effects when unknown)
    q = np.stack([1.0 - (1.0 - central[k].exit_prob[:, None]) ** params.hazard_ratio[k][None, :] for k in keys],
                 axis=1)                                                                 # (weeks, flows, draws)
    month_effect = np.exp(params.month_log_effect[:, _month_of_weeks(est.extract_date, weeks)])
    factor_d = factor[None, :] + shock_size_draws(scenario, season, baseline.mix, est.extract_date, weeks, draws,
                                                  seed)
    mean_refs = params.baseline_per_week[:, None] * np.maximum(factor_d, 0.0) * month_effect   # (draws, weeks)
    p_draw = np.stack([params.per_referral[k] for k in keys])                           # (flows, draws)
    n_lag = LAG_WEEKS
    lags = np.zeros((len(keys), n_lag))
    for i, k in enumerate(keys):
        pmf = flows[k].conversion.lag_pmf
        lags[i, :len(pmf)] = pmf
    lags = lags[:, ::-1]
    lag_slope = lag_shift_slope(lags)                      # change of the lagged referrals per week of delay
    lag_shift = np.stack([params.lag_shift_weeks[k] for k in keys])                     # (flows, draws)
    refs = np.empty((draws, n_lag + weeks))
    refs[:, :n_lag] = hist[-n_lag:][None, :]
    ends = np.empty((weeks, len(keys), draws), dtype=np.int64)
    open_ = np.empty((weeks + 1, len(keys), draws), dtype=np.int64)
    open_[0] = np.array([flows[k].open_now for k in keys])[:, None]
    step = np.sqrt(7.0 / DAYS_PER_YEAR)
    # every source of chance has its own fixed slot of one standard normal array (week, slot, draw); see
    # csc_demand.model.uncertainty: 0 referrals, 1 level drift, then per flow in FLOW_KEYS order: start, end,
    # conversion drift
    n_flows = len(FLOW_KEYS)
    z = week_normals(seed, weeks, 2 + 3 * n_flows, draws)
    z_start, z_end, z_drift = z[:, 2 + 3 * slot], z[:, 3 + 3 * slot], z[:, 4 + 3 * slot]
    level = LEVEL_DRIFT_SD_PER_YEAR * step * np.cumsum(z[:, 1], axis=0)                  # (weeks, draws)
    conv_drift = CONVERSION_DRIFT_SD_PER_YEAR * step * np.cumsum(z_drift, axis=0)        # (weeks, flows, draws)
    p_week = np.minimum(p_draw[None] * np.exp(conv_drift) * inputs.source_ratio[:, :, None], 1.0)
    # referrals and starts never depend on the numbers open: every week's at once; only exits week by week
    refs[:, n_lag:] = referral_counts(mean_refs * np.exp(level.T), inputs.dispersion, z[:, 0].T)
    windows = np.lib.stride_tricks.sliding_window_view(refs, n_lag, axis=1)[:, 1:weeks + 1]  # (draws, weeks, lag)
    both = (windows @ np.concatenate([lags, lag_slope]).T).transpose(1, 2, 0)          # (weeks, 2 × flows, draws)
    lagged = both[:, :len(keys)] + lag_shift * both[:, len(keys):]
    starts = binomial(np.rint(np.maximum(lagged, 0.0)).astype(np.int64), p_week, z_start)   # (weeks, flows, draws)
    for w in range(weeks):
        n = open_[w] + starts[w]
        ends[w] = binomial(n, q[w], z_end[w])
        open_[w + 1] = n - ends[w]
    placement = central["cla"].open_band_share @ est.placement_mix
    return Simulation(scenario=scenario, baseline=baseline, params=params, referrals=refs[:, n_lag:],
                      starts={k: starts[:, i].T.astype(float) for i, k in enumerate(keys)},
                      ends={k: ends[:, i].T.astype(float) for i, k in enumerate(keys)},
                      open={k: open_[:, i].T.astype(float) for i, k in enumerate(keys)},
                      central=central, referral_group_share=group_share, placement_share=placement,
                      referral_age_shares=est.referral_age_shares)
