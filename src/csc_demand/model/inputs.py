"""One step from a scenario to the model's inputs: what the projection, its central path and the app's hints use.

:func:`scenario_inputs` takes the estimates (:func:`~csc_demand.model.estimate`, which depend only on the data)
and one scenario, and returns :class:`ScenarioInputs`: the usual level of referrals measured under the
scenario (its own reference window, its past shocks left out), the seasons and over-dispersion, each week's
expected referrals by source group, the central starts per referral and the exit-hazard multiplier of each
flow (overrides applied), and the expected ("central") path of every flow. The projection
(:func:`~csc_demand.model.project.simulate`) only adds chance to these; it estimates nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.baseline import (
    Baseline,
    Seasonality,
    dispersion,
    fit_baseline,
    reference_mask,
)
from csc_demand.model.durations import cohort_survivors, start_kernel
from csc_demand.model.estimate import Estimates, Flow, fit_seasons
from csc_demand.model.shocks import daily_factors, referral_factors
from csc_demand.model.timegrid import day_mask
from csc_demand.scenario import Scenario


@dataclass(frozen=True)
class Central:
    """The expected path of one flow (child protection or care) under the scenario's central parameters."""

    starts: np.ndarray
    open: np.ndarray
    exit_prob: np.ndarray
    open_band_share: np.ndarray
    start_band_share: np.ndarray




def scenario_referrals(est: Estimates, scenario: Scenario) -> tuple[Baseline, Seasonality, float]:
    """The referral baseline and seasonality for a scenario: the estimate's, unless the scenario sets its own
    reference window or has shocks, returning referrals, a new normal or a trend that touch the observed
    history (the lists' days or the monthly figures' months). Then the seasonality is re-measured without the
    shock and return periods (:func:`~csc_demand.model.estimate.fit_seasons`), and the usual level so
    that, with the scenario's changes on each reference day, it reproduces the referrals observed on those
    days: 7 × referrals ÷ Σ (expected referrals per day per weekly referral). The over-dispersion is then
    measured again without the shock and return periods. Returns (baseline, seasonality, over-dispersion).
    """
    h = est.history
    hist_start, hist_end = h.days[0], h.days[-1]
    seen_from = hist_start    # the first day the data show: the lists' or the monthly figures'
    if est.monthly is not None and len(est.monthly.table):
        seen_from = min(hist_start, pd.Timestamp(est.monthly.table.index.min()))
    periods = []
    for s in scenario.shocks:
        periods.append((pd.Timestamp(s.start), pd.Timestamp(s.end)))
        if s.returns_pct > 0:
            periods.append((pd.Timestamp(s.return_start_date),
                            pd.Timestamp(s.return_end_date) - pd.Timedelta(days=1)))
    past = any(a <= hist_end and b >= seen_from for a, b in periods)
    nn = scenario.new_normal is not None and pd.Timestamp(scenario.new_normal.from_date) <= hist_end
    if not (scenario.reference_start or scenario.reference_end or past or nn or scenario.trend_pct_per_year):
        return est.baseline, est.seasonality, est.dispersion
    outside = ~day_mask(h.days, periods)
    season = fit_seasons(h, est.monthly, use=outside, leave_out=periods) if past else est.seasonality
    mask = reference_mask(h, scenario.reference_start, scenario.reference_end)
    if not mask.any() or h.total[mask].sum() == 0:
        if scenario.reference_start or scenario.reference_end:  # the user's window: never ignored silently
            seen = h.days[h.observed]
            raise CscDemandError(
                f"Scenario '{scenario.name}': the reference window (reference_start / reference_end) holds no "
                f"referrals from List 3. The referrals read cover {seen[0]:%d/%m/%Y} to {seen[-1]:%d/%m/%Y}: "
                "choose dates inside that period, or remove both settings to use the default window.")
        return est.baseline, season, est.dispersion
    daily = daily_factors(scenario, season, est.baseline.mix, est.extract_date, hist_start, hist_end)
    per_day = daily.sum(axis=1)
    sf = season.factor(h.days)
    mult = 7.0 * per_day / np.where(sf > 0, sf, 1.0)
    phi = dispersion(h, per_day, use=outside) if past else est.dispersion
    return fit_baseline(h, season, mask, phi, multiplier=mult), season, phi




def _lagged(past: np.ndarray, future: np.ndarray, pmfs: list[np.ndarray]) -> list[np.ndarray]:
    """Lagged referrals of future weeks for each lag distribution: ``out[..., k] = Σ_l pmf[l] × referrals[k - l]``
    over the weeks before the extract date (``past``, oldest first, length ≥ len(pmf)) and after it
    (``future``, last axis weeks). One FFT convolution along the weeks serves every distribution."""
    n_lag = max(len(p) for p in pmfs)
    weeks = future.shape[-1]
    full = np.concatenate([np.broadcast_to(past[-n_lag:], future.shape[:-1] + (n_lag,)), future], axis=-1)
    n = 1 << int(np.ceil(np.log2(full.shape[-1] + n_lag)))
    f = np.fft.rfft(full, n, axis=-1)
    out = []
    for pmf in pmfs:
        conv = np.fft.irfft(f * np.fft.rfft(pmf, n), n, axis=-1)
        out.append(np.maximum(conv[..., n_lag:n_lag + weeks], 0.0))
    return out




def _central(flow: Flow, lagged_central: np.ndarray, p: float, theta: float, weeks: int) -> Central:
    if theta != 1.0:
        cohort, cohort_b = cohort_survivors(flow.durations, theta=theta)
        kern, kern_b, _ = start_kernel(flow.durations, flow.starts_mask, theta=theta)
    else:
        cohort, cohort_b, kern, kern_b = flow.cohort_expected, flow.cohort_by_band, flow.kernel, flow.kernel_by_band
    starts = p * lagged_central
    new = np.convolve(starts, kern[:weeks])[:weeks]
    new_b = np.stack([np.convolve(starts, kern_b[:weeks, b])[:weeks] for b in range(kern_b.shape[1])], axis=1)
    open_ = np.maximum(np.concatenate([[cohort[0]], cohort[1:weeks + 1] + new]) + flow.anchor.correction[:weeks + 1],
                       0.0)
    open_b = np.vstack([cohort_b[:1], cohort_b[1:weeks + 1] + new_b])
    at_risk = open_[:-1] + starts
    ends = at_risk - open_[1:]
    q = np.where(at_risk > 0, np.clip(ends / np.where(at_risk > 0, at_risk, 1.0), 0.0, 1.0), 0.0)
    tot = open_b.sum(axis=1, keepdims=True)
    share = np.where(tot > 0, open_b / np.where(tot > 0, tot, 1.0), 1.0 / open_b.shape[1])
    return Central(starts=starts, open=open_, exit_prob=q, open_band_share=share,
                   start_band_share=flow.start_band_shares)


def _theta_override(flow: Flow, median_weeks: float | None) -> float:
    return 1.0 if median_weeks is None else flow.durations.pooled.theta_for_median(median_weeks)




def source_conversion(factors: np.ndarray, mix: np.ndarray, by_source: np.ndarray) -> np.ndarray:
    """Each week's conversion relative to the usual mix of referral sources: ``Σ_g factors[k, g] × ρ_g ÷
    (Σ_g factors[k, g] × Σ_g mix_g × ρ_g)`` (1 when the week's mix is the usual one, or has no referrals).

    ``factors``: expected referrals by week and source group (weeks, groups); ``mix``: the usual share of each
    group; ``by_source``: each group's relative conversion (``Conversion.by_source``)."""
    total = factors.sum(axis=1)
    usual = float(np.sum(mix * by_source))
    rel = (factors @ by_source) / np.where(total > 0, total, 1.0) / (usual if usual > 0 else 1.0)
    return np.where(total > 0, rel, 1.0)


@dataclass(frozen=True)
class ScenarioInputs:
    """What one scenario makes of the estimates: everything the projection needs besides chance.

    Attributes
    ----------
    scenario
        The scenario.
    baseline
        The usual level of referrals measured under the scenario (``per_week``: referrals a week, before any
        override), its standard error and the usual mix of referral sources.
    seasonality
        Month and weekday effects (re-measured without the scenario's past shock periods).
    dispersion
        Over-dispersion of weekly referrals (1 = Poisson).
    referrals_per_week
        The usual level the forecast uses: the scenario's override, else ``baseline.per_week``.
    factors
        Expected referrals of each forecast week by source group, in weeks of the usual level
        (weeks, source groups): the scenario's shocks, returns, new normal and trend on the seasons.
    per_referral
        By flow key (``cp``, ``cla``, ``cin``): starts per referral the forecast uses (override, else the
        estimate).
    hazard_ratio
        By flow key: the exit-hazard multiplier that gives the overridden median duration (1 without one).
    source_ratio
        Each week's conversion relative to the usual mix of sources, by flow (weeks, flows in ``central``
        order): above 1 when the sources that convert more make up more of that week's referrals.
    central
        By flow key: the expected path (:class:`Central`).
    """

    scenario: Scenario
    baseline: Baseline
    seasonality: Seasonality
    dispersion: float
    referrals_per_week: float
    factors: np.ndarray = field(repr=False)
    per_referral: dict[str, float]
    hazard_ratio: dict[str, float]
    source_ratio: np.ndarray = field(repr=False)
    central: dict[str, Central] = field(repr=False)

    @property
    def weekly_factor(self) -> np.ndarray:
        """Each forecast week's expected referrals in weeks of the usual level (all sources)."""
        return self.factors.sum(axis=1)

    def median_weeks(self, est: Estimates, key: str) -> float:
        """The median duration (weeks) of flow ``key`` the forecast uses: the override, else the estimate."""
        override = getattr(self.scenario.overrides, f"{key}_median_duration_weeks", None)
        return float(override) if override is not None else float(est.flows[key].durations.median_weeks)


def scenario_inputs(est: Estimates, scenario: Scenario, weeks: int) -> ScenarioInputs:
    """The model's inputs for one scenario over ``weeks`` forecast weeks.

    Parameters
    ----------
    est
        The estimates (:func:`csc_demand.model.estimate`).
    scenario
        The scenario: its reference window, shocks, new normal, trend and overrides are applied here.
    weeks
        Forecast weeks after the extract date (at least 1).

    Returns
    -------
    ScenarioInputs

    Raises
    ------
    CscDemandError
        When the scenario's own reference window holds no referrals.

    Examples
    --------
    >>> inputs = scenario_inputs(est, Scenario(name="No further shocks"), weeks=52)
    >>> round(inputs.referrals_per_week), round(inputs.per_referral["cp"], 3)
    """
    baseline, season, phi = scenario_referrals(est, scenario)
    factors = referral_factors(scenario, season, baseline.mix, est.extract_date, weeks)
    ov = scenario.overrides
    usual = float(ov.referrals_per_week) if ov.referrals_per_week is not None else float(baseline.per_week)
    central_refs = usual * factors.sum(axis=1)
    hist = est.recent_weekly_referrals
    central, ratio, per_referral, hazard = {}, [], {}, {}
    for k, flow in est.flows.items():
        c = flow.conversion
        override = getattr(ov, f"{k}_starts_per_referral", None)
        per_referral[k] = float(override) if override is not None else float(c.per_referral)
        plain = _lagged(hist, central_refs, [c.lag_pmf])[0]
        weighted = _lagged(hist, central_refs * source_conversion(factors, baseline.mix, c.by_source),
                           [c.lag_pmf])[0]
        ratio.append(np.where(plain > 0, weighted / np.where(plain > 0, plain, 1.0), 1.0))
        hazard[k] = _theta_override(flow, getattr(ov, f"{k}_median_duration_weeks", None))
        central[k] = _central(flow, weighted, per_referral[k], hazard[k], weeks)
    return ScenarioInputs(scenario=scenario, baseline=baseline, seasonality=season, dispersion=phi,
                          referrals_per_week=usual, factors=factors, per_referral=per_referral,
                          hazard_ratio=hazard, source_ratio=np.stack(ratio, axis=1), central=central)


__all__ = ["Central", "ScenarioInputs", "scenario_inputs", "scenario_referrals", "source_conversion"]
