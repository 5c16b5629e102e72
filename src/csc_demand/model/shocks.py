"""Scenario referrals: shocks, returning referrals, new normal and trend as weekly factors.

The projection's expected referrals in future week k are ``baseline_per_week × factor[k, g]`` summed over
source groups g, where the factor holds the share of group g in the usual mix, the seasonal factor, the
scenario's multipliers and the returning referrals (all in units of one week's baseline).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_demand.model.baseline import SOURCE_GROUP_ORDER, Seasonality
from csc_demand.model.timegrid import DAYS_PER_YEAR, day_mask
from csc_demand.scenario import Scenario, Shock


def group_ratios(shock: Shock, mix: np.ndarray) -> np.ndarray:
    """Referral ratio (1 + change) per source group during the shock.

    Groups in ``by_source_change_pct`` get their own change; the others share one ratio chosen so that the
    total (with the usual mix) is ``1 + referrals_change_pct/100``, never below zero.
    """
    total = 1.0 + shock.referrals_change_pct / 100.0
    ratios = np.full(len(SOURCE_GROUP_ORDER), np.nan)
    for g, pct in shock.by_source_change_pct.items():
        ratios[SOURCE_GROUP_ORDER.index(g)] = 1.0 + pct / 100.0
    own = ~np.isnan(ratios)
    if not own.any():
        return np.full(len(SOURCE_GROUP_ORDER), total)
    rest = float(mix[~own].sum())
    if rest <= 0:
        return np.where(own, ratios, total)
    k = (total - float(np.sum(mix[own] * ratios[own]))) / rest
    return np.where(own, ratios, max(k, 0.0))


def _profile(n_days: int, kind: str) -> np.ndarray:
    if n_days <= 1:
        return np.ones(1)
    if kind == "front-loaded":
        w = np.arange(n_days, 0, -1, dtype=float)
    else:
        w = np.ones(n_days)
    return w / w.sum()


def level_multiplier(scenario: Scenario, days: pd.DatetimeIndex, extract_date: pd.Timestamp) -> np.ndarray:
    """New normal × trend for each day (1 before the new normal; the trend is 1 at the extract date)."""
    out = np.ones(len(days))
    if scenario.new_normal is not None:
        out = np.where(days >= pd.Timestamp(scenario.new_normal.from_date),
                       1.0 + scenario.new_normal.change_pct / 100.0, 1.0)
    if scenario.trend_pct_per_year:
        years = (days - extract_date).days.to_numpy(dtype=float) / DAYS_PER_YEAR
        out = out * (1.0 + scenario.trend_pct_per_year / 100.0) ** years
    return out


def daily_factors(scenario: Scenario, season: Seasonality, mix: np.ndarray, extract_date: pd.Timestamp,
                  first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Expected referrals per day from ``first`` to ``last`` by source group, per referral a week of baseline.

    Returns an array (days, groups). Missing referrals of a shock are counted against what the baseline
    (with season, new normal and trend) would have been, per group and only for falls; ``returns_pct`` of
    them come back from ``return_start`` over ``return_months`` (evenly, or tailing off linearly when
    front-loaded; all on one day when 0 months), including shocks that began before ``first``.
    """
    e = pd.Timestamp(extract_date)
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    d0 = min([first] + [pd.Timestamp(s.start) for s in scenario.shocks])
    days = pd.date_range(d0, last, freq="D")
    usual = season.factor(days)[:, None] / 7.0 * level_multiplier(scenario, days, e)[:, None] * mix[None, :]
    mult = np.ones_like(usual)
    extra = np.zeros_like(usual)
    for s in scenario.shocks:
        inside = day_mask(days, [(pd.Timestamp(s.start), pd.Timestamp(s.end))])
        r = group_ratios(s, mix)
        mult[inside] *= r[None, :]
        if s.returns_pct > 0:
            missing = (usual[inside] * np.clip(1.0 - r, 0.0, None)[None, :]).sum(axis=0)
            rs = pd.Timestamp(s.return_start_date)
            re = pd.Timestamp(s.return_end_date)
            n = max(int((re - rs).days), 1)
            prof = _profile(n, s.return_profile)
            idx = (rs - d0).days + np.arange(n)
            keep = (idx >= 0) & (idx < len(days))
            extra[idx[keep]] += prof[keep, None] * missing[None, :] * s.returns_pct / 100.0
    daily = usual * mult + extra
    return daily[(first - d0).days:]


def referral_factors(scenario: Scenario, season: Seasonality, mix: np.ndarray, extract_date: pd.Timestamp,
                     weeks: int) -> np.ndarray:
    """Expected referrals in future weeks 1..weeks by source group, per referral a week of baseline:
    :func:`daily_factors` summed by week, shape (weeks, groups)."""
    e = pd.Timestamp(extract_date)
    daily = daily_factors(scenario, season, mix, e, e + pd.Timedelta(days=1), e + pd.Timedelta(days=7 * weeks))
    return daily.reshape(weeks, 7, -1).sum(axis=1)


__all__ = ["daily_factors", "group_ratios", "level_multiplier", "referral_factors"]
