"""Anchoring stocks in today's level, conversion by referral source, over-dispersion against a local level."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_demand.model import estimate, forecast
from csc_demand.model.anchor import fit_anchor
from csc_demand.model.baseline import SOURCE_GROUP_ORDER, History, dispersion
from csc_demand.model.conversion import source_rates
from csc_demand.model.inputs import source_conversion
from csc_demand.scenario import Scenario, Shock

from world import World, annex_from, simulate_world


def test_anchor_weighs_the_rates_against_todays_stock(world_estimates):
    flow = world_estimates.cp
    d, mask = flow.durations, flow.starts_mask
    a = fit_anchor(d, mask, 6.0, 100, 0.01, 0.0, "plans")
    # prior: chance only, 1/100 → sd 0.1; rates: 0.01 + (β × hazard se)²
    var_rates = 0.01 + (a.beta * d.hazard_se_log) ** 2
    assert a.sd_log_rates == pytest.approx(np.sqrt(var_rates))
    assert a.gain == pytest.approx(var_rates / (var_rates + 0.01))
    # the posterior's spread: sqrt(1 / (1/var_rates + 1/0.01)); today's stock brings sqrt(100) / (that sum)
    total = 1 / var_rates + 100
    assert a.sd_log_level == pytest.approx(np.sqrt(1 / total))
    assert a.sd_log_other == pytest.approx(10 / total)
    # the long-run level: the rates' level moved the share K of the way (on the log scale) to today's 100
    assert a.level == pytest.approx(a.rates_level ** (1 - a.gain) * 100 ** a.gain)
    assert min(a.rates_level, 100) <= a.level <= max(a.rates_level, 100)
    assert a.correction[0] == 0.0
    # stronger evidence (a tenth of the variance) moves the forecast further from today's level
    sure = fit_anchor(d, mask, 6.0, 100, 0.001, 0.0, "plans")
    assert sure.gain < a.gain
    assert "long run" in a.explanation and "today's 100" in a.explanation


def test_anchor_keeps_the_forecast_near_today_when_the_rates_are_unsure(world_estimates):
    """With conversions and durations made very uncertain, the expected path hardly leaves today's stock."""
    est = world_estimates
    flow = est.cla
    a = fit_anchor(flow.durations, flow.starts_mask, flow.conversion.per_referral * est.baseline.per_week,
                   flow.open_now, 4.0, 0.0, "periods of care")
    assert a.gain > 0.95
    path = flow.cohort_expected + np.concatenate([[0.0], np.cumsum(flow.kernel[:-1])]) * \
        flow.conversion.per_referral * est.baseline.per_week
    moved = path + a.correction
    assert np.abs(moved - flow.open_now).max() < 0.1 * np.abs(path - flow.open_now).max() + 1.0


def test_no_anchor_without_an_open_stock(world_estimates):
    flow = world_estimates.cp
    a = fit_anchor(flow.durations, flow.starts_mask, 6.0, 0, 0.01, 0.06, "plans")
    assert a.gain == 0.0 and not a.correction.any() and a.explanation == ""


def test_source_rates_by_hand():
    """60 referrals from group 0, 40 from group 1; 10 and 30 linked starts; κ = 10 pseudo-starts each:
    (10 + 10) / (40 × 0.6 + 10) = 0.588, (30 + 10) / (40 × 0.4 + 10) = 1.538, then scaled to a mix-weighted
    mean of 1 (÷ 0.968)."""
    refs = np.array([0] * 60 + [1] * 40)
    links = np.array([0] * 10 + [1] * 30)
    rho = source_rates(links, refs)
    assert rho[0] == pytest.approx((20 / 34) / (0.6 * 20 / 34 + 0.4 * 40 / 26))
    assert rho[1] == pytest.approx((40 / 26) / (0.6 * 20 / 34 + 0.4 * 40 / 26))
    assert 0.6 * rho[0] + 0.4 * rho[1] == pytest.approx(1.0)
    assert np.all(rho[2:] == pytest.approx(rho[2]))   # groups with no referrals: only the scaling


def test_source_conversion_moves_by_the_groups_share():
    mix = np.zeros(len(SOURCE_GROUP_ORDER))
    mix[0], mix[1] = 0.5, 0.5
    rho = np.ones(len(SOURCE_GROUP_ORDER))
    rho[0], rho[1] = 2.0, 0.5                        # usual: 0.5 × 2 + 0.5 × 0.5 = 1.25
    factors = np.zeros((3, len(SOURCE_GROUP_ORDER)))
    factors[0, :2] = [0.5, 0.5]                      # the usual mix
    factors[1, :2] = [0.5, 0.0]                      # the second group gone
    rel = source_conversion(factors, mix, rho)
    assert rel[0] == pytest.approx(1.0)
    assert rel[1] == pytest.approx(2.0 / 1.25)
    assert rel[2] == 1.0                             # no referrals at all


def test_a_drop_in_one_source_moves_starts_by_its_conversion(world_estimates):
    """With referrals from Police converting three times as often, a Police-only drop cuts plan starts more
    than the same total drop spread over every source."""
    est = world_estimates
    rho = np.ones(len(SOURCE_GROUP_ORDER))
    rho[SOURCE_GROUP_ORDER.index("Police")] = 3.0
    from dataclasses import replace
    cp = replace(est.cp, conversion=replace(est.cp.conversion, by_source=rho))
    est2 = replace(est, cp=cp)
    start = (est.extract_date + pd.Timedelta(days=1)).date()
    police_share = est.baseline.mix[SOURCE_GROUP_ORDER.index("Police")]
    total = -50.0 * police_share
    sc_police = Scenario(name="police", shocks=(Shock("p", start, start + dt.timedelta(days=180), total,
                                                      by_source_change_pct={"Police": -50.0}),))
    sc_all = Scenario(name="all", shocks=(Shock("a", start, start + dt.timedelta(days=180), total),))
    t = forecast(est2, [sc_police, sc_all], months=6, draws=400).table
    sel = t[(t.measure == "cp_starts") & (t.period_type == "month") & (t.breakdown == "total") & (t["quantile"] == 0.5)]
    by = sel.groupby("scenario")["value"].sum()
    assert by["police"] < 0.93 * by["all"]
    refs = t[(t.measure == "referrals") & (t.period_type == "month") & (t.breakdown == "total") & (t["quantile"] == 0.5)]
    r = refs.groupby("scenario")["value"].sum()
    assert r["police"] == pytest.approx(r["all"], rel=0.01)


def _history(weekly: list[float]) -> History:
    days = pd.date_range(end="2021-06-27", periods=7 * len(weekly), freq="D")
    counts = np.zeros((len(days), len(SOURCE_GROUP_ORDER)))
    counts[::7, 0] = weekly                        # each week's referrals on its first day
    return History(days=days, observed=np.ones(len(days), dtype=bool), counts=counts,
                   age_counts=np.zeros(6))


def test_dispersion_by_hand():
    """Weeks 10, 10, 20, 10, 10 (expected flat). Local levels from up to two weeks each side: 15, 13.3, 10,
    13.3, 15; (o − ô)² ÷ (ô × (1 + 1/neighbours)): 1.111, 0.625, 8, 0.625, 1.111; mean 2.294."""
    h = _history([10, 10, 20, 10, 10])
    assert dispersion(h, np.ones(len(h.days))) == pytest.approx((2 * 25 / 22.5 + 2 * (100 / 9) / (40 / 3 * 4 / 3) + 8) / 5)


def test_dispersion_is_not_inflated_by_a_change_of_level():
    """Poisson weeks whose level doubles half-way: against a flat line they look over-dispersed (about 4);
    against the local level they do not."""
    rng = np.random.default_rng(2)
    weekly = np.concatenate([rng.poisson(50, 30), rng.poisson(100, 30)]).astype(float)
    h = _history(list(weekly))
    flat = (weekly - weekly.mean()) ** 2 / weekly.mean()
    assert flat.mean() > 4
    assert dispersion(h, np.ones(len(h.days))) < 1.6
    # and leaving out the weeks around the change brings it to chance
    use = np.ones(len(h.days), dtype=bool)
    use[7 * 28:7 * 32] = False
    assert dispersion(h, np.ones(len(h.days)), use=use) < 1.3


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31), change=st.floats(-80, 80))
def test_quantiles_stay_ordered_with_every_uncertainty(world_estimates, seed, change):
    """Drift, month effects and the anchor widen the bands but keep P10 ≤ P50 ≤ P90 and caseloads ≥ 0."""
    e = world_estimates.extract_date
    sc = Scenario(name="s", shocks=(Shock("x", (e + pd.Timedelta(days=40)).date(),
                                          (e + pd.Timedelta(days=100)).date(), change),))
    t = forecast(world_estimates, [sc], months=24, draws=60, seed=seed).table
    wide = t.pivot_table(index=["measure", "period_type", "period", "breakdown", "group"], columns="quantile",
                         values="value")
    assert (wide[0.1] <= wide[0.5] + 1e-9).all() and (wide[0.5] <= wide[0.9] + 1e-9).all()
    assert (t["value"] >= 0).all()


def test_a_lockdown_in_the_history_does_not_inflate_the_dispersion():
    refs, cp, cla = simulate_world(World(referrals_per_week=120, shock=("2020-04-01", "2020-06-30", 0.6)), seed=5)
    est = estimate(annex_from(refs, cp, cla, ["2020-06-30", "2020-12-31"]))
    assert est.dispersion < 1.5


def test_lag_shift_slope_by_hand():
    """pmf 0.5, 0.3, 0.2 (weeks 0..2): a week later 0, 0.5, 0.5; a week earlier 0.8, 0.2, 0; half the
    difference −0.4, 0.15, 0.25 (the loop keeps the weights newest-last, so both are reversed)."""
    from csc_demand.model.project import lag_shift_slope
    rev = np.array([[0.2, 0.3, 0.5]])
    assert lag_shift_slope(rev)[0] == pytest.approx([0.25, 0.15, -0.4])
    assert lag_shift_slope(rev).sum() == pytest.approx(0.0)


def test_lag_standard_error_by_hand():
    from csc_demand.model.conversion import MIN_LINKED, lag_standard_error
    days = np.tile([7.0, 21.0], MIN_LINKED // 2)          # weeks 1 and 3: sd 1.026 (n − 1), n = 20
    assert lag_standard_error(days, len(days)) == pytest.approx(np.std(days / 7, ddof=1) / np.sqrt(len(days)))
    assert lag_standard_error(days[:4], 4) == 0.0


def test_flow_balance_by_hand():
    """13 month ends: 100 rising by 10/12 a month to 110; 10 starts a month. Over the last 12 months: 120
    starts, 120 − (110 − 100) = 110 ends, mean number open 105.42: level 105.42 × 120 / 110 = 115.0."""
    from csc_demand.model.anchor import flow_balance
    months = pd.date_range("2021-06-01", periods=13, freq="MS")
    monthly = pd.DataFrame({"cp_starts": 10.0, "cp_open": np.linspace(100, 110, 13)}, index=months)
    b = flow_balance(monthly, "cp", pd.Timestamp("2022-06-30"))
    assert b.starts == 120 and b.ends == pytest.approx(110)
    assert b.level == pytest.approx(np.linspace(100, 110, 13)[1:].mean() * 120 / 110)
    assert b.var_log == pytest.approx(1 / 120 + 1 / 110)
    assert flow_balance(monthly, "cla", pd.Timestamp("2022-06-30")) is None       # no such columns
    assert flow_balance(monthly.iloc[:-5], "cp", pd.Timestamp("2022-06-30")) is None   # ends too early


def test_a_flow_balance_pulls_the_long_run_level(world_estimates):
    from csc_demand.model.anchor import FlowBalance
    flow = world_estimates.cp
    d, mask = flow.durations, flow.starts_mask
    plain = fit_anchor(d, mask, 6.0, 100, 0.01, 0.0, "plans")
    low = FlowBalance(level=60.0, var_log=0.001, starts=1000, ends=1000, first_month=pd.Timestamp("2021-07-01"),
                       last_month=pd.Timestamp("2022-06-01"))
    with_flows = fit_anchor(d, mask, 6.0, 100, 0.01, 0.0, "plans", low)
    assert with_flows.level < plain.level - 20 and with_flows.sd_log_level < plain.sd_log_level
    assert with_flows.correction[-1] < plain.correction[-1]
    assert "monthly figures" in with_flows.explanation


def test_monthly_seasonality_by_hand():
    """Four years of monthly referrals exactly proportional to days × factor (December 0.8, August 0.85, the
    rest 1.03): the factors come back (relative to each other), and too short a series gives none."""
    from csc_demand.model.baseline import fit_monthly_seasonality
    months = pd.date_range("2018-01-01", periods=48, freq="MS")
    f = np.where(months.month == 12, 0.8, np.where(months.month == 8, 0.85, 1.03))
    counts = pd.Series(1e6 * months.days_in_month * f, index=months)
    s = fit_monthly_seasonality(counts)
    assert s.by_month[11] / s.by_month[6] == pytest.approx(0.8 / 1.03, rel=1e-3)
    assert s.by_month[7] / s.by_month[0] == pytest.approx(0.85 / 1.03, rel=1e-3)
    assert "lowest in December" in s.explanation
    assert fit_monthly_seasonality(counts.iloc[:20]) is None


def test_a_lockdown_does_not_set_the_seasons():
    """Five years of exact seasons (December 0.8, August 0.85, the rest 1.03) with a lockdown (April–June 2020
    at 0.6) and referrals coming back (September–December 2020 at 1.2): the lockdown's and the return's months
    are extremes, left out, and the December and August factors come back within 1% (a plain moving average
    puts December's factor 5% too high)."""
    from csc_demand.model.baseline import _seasonal_ratios, fit_monthly_seasonality
    months = pd.date_range("2017-07-01", periods=60, freq="MS")
    f = np.where(months.month == 12, 0.8, np.where(months.month == 8, 0.85, 1.03))
    shock = np.where((months >= "2020-04-01") & (months <= "2020-06-01"), 0.6,
                     np.where((months >= "2020-09-01") & (months <= "2020-12-01"), 1.2, 1.0))
    counts = pd.Series(1e6 * months.days_in_month * f * shock, index=months)
    s = fit_monthly_seasonality(counts)
    assert s.by_month[11] / s.by_month[6] == pytest.approx(0.8 / 1.03, rel=0.01)
    assert s.by_month[7] / s.by_month[0] == pytest.approx(0.85 / 1.03, rel=0.01)
    rate = counts.to_numpy() / months.days_in_month.to_numpy()
    _, usual = _seasonal_ratios(rate, np.asarray(months.month) - 1)
    shocked = shock != 1.0
    assert not usual[shocked & (np.arange(60) >= 6) & (np.arange(60) < 54)].any()
    assert usual[~shocked].mean() > 0.9


def test_months_known_to_be_unusual_never_set_the_seasons():
    """Five years of exact seasons (December 0.8, the rest 1.0) with two Decembers of four 30% high (2019 and
    2020): the median of the four December ratios is then 0.92, and nothing is flagged (every other month fits
    exactly). Declared as unusual (``leave_out``, e.g. a scenario's past shocks), the two months are extremes
    from the start and December comes back at 0.8 of the other months within 1%."""
    from csc_demand.model.baseline import fit_monthly_seasonality
    months = pd.date_range("2017-07-01", periods=60, freq="MS")
    f = np.where(months.month == 12, 0.8, 1.0)
    odd = months.isin(pd.to_datetime(["2019-12-01", "2020-12-01"]))
    counts = pd.Series(1e6 * months.days_in_month * f * np.where(odd, 1.3, 1.0), index=months)
    plain = fit_monthly_seasonality(counts)
    assert plain.by_month[11] / plain.by_month[6] > 0.88
    periods = [(pd.Timestamp("2019-12-10"), pd.Timestamp("2019-12-20")),
               (pd.Timestamp("2020-11-30"), pd.Timestamp("2020-12-01"))]
    known = fit_monthly_seasonality(counts, leave_out=periods)
    assert known.by_month[11] / known.by_month[6] == pytest.approx(0.8, rel=0.01)
    # November 2020 is touched by the second period too: its factor still comes from the other years
    assert known.by_month[10] / known.by_month[6] == pytest.approx(1.0, rel=0.01)


def test_a_scenario_with_past_shocks_keeps_the_monthly_figures_seasons(world_annex):
    """With monthly figures giving the seasons and a scenario declaring a past shock, the seasons are measured
    again from the figures without the shock's months, not lost (the lists' six months cannot show them)."""
    from csc_demand.model import with_history
    from csc_demand.model.inputs import scenario_referrals
    from csc_demand.tables import MonthlyHistory
    months = pd.date_range("2016-01-01", "2020-12-01", freq="MS")
    f = np.where(months.month == 12, 0.8, np.where(months.month == 8, 0.85, 1.03))
    shock = (months >= "2020-04-01") & (months <= "2020-06-01")
    table = pd.DataFrame({"referrals": 1e5 * months.days_in_month * f * np.where(shock, 0.6, 1.0)},
                         index=pd.DatetimeIndex(months, name="month"))
    annex = with_history(world_annex, MonthlyHistory(table=table, source="monthly.csv"))
    est = estimate(annex)
    assert est.seasonality.by_month is not None and "monthly figures" in est.seasonality.explanation
    sc = Scenario(name="Lockdown declared", shocks=(Shock("Lockdown", dt.date(2020, 3, 23), dt.date(2020, 6, 30),
                                                          -40.0),))
    _, season, _ = scenario_referrals(est, sc)
    assert season.by_month is not None and "monthly figures" in season.explanation
    assert season.by_month[11] / season.by_month[6] == pytest.approx(0.8 / 1.03, rel=0.02)
    # a shock the lists' days never saw, only the figures' months: the seasons are still measured without it
    # (two Decembers of the four with a trend 30% high: undeclared, they would set December's factor)
    early = Scenario(name="Early shocks", shocks=tuple(
        Shock(f"December {y}", dt.date(y, 12, 1), dt.date(y, 12, 31), 30.0) for y in (2016, 2017)))
    odd = months.isin(pd.to_datetime(["2016-12-01", "2017-12-01"]))
    table["referrals"] = 1e5 * months.days_in_month * f * np.where(odd, 1.3, 1.0)
    est = estimate(with_history(world_annex, MonthlyHistory(table=table, source="monthly.csv")))
    _, season, _ = scenario_referrals(est, early)
    assert season.by_month[11] / season.by_month[6] == pytest.approx(0.8 / 1.03, rel=0.02)


def test_earlier_months_by_hand():
    """The whole months in the 26 weeks (182 days) before 1 January 2022 start on or after 3 July 2021: August
    to December. November's care starts are blank, so November is not used for care; July is too early."""
    from csc_demand.model.estimate import earlier_months
    months = pd.date_range("2021-01-01", "2021-12-01", freq="MS")
    m = pd.DataFrame({"referrals": np.arange(100.0, 112.0), "cp_starts": np.arange(10.0, 22.0),
                      "cla_starts": np.arange(1.0, 13.0)}, index=months)
    m.loc["2021-11-01", "cla_starts"] = np.nan
    before = pd.Timestamp("2022-01-01")
    n, refs, first, last = earlier_months(m, "cp", before)
    assert (n, refs) == (17 + 18 + 19 + 20 + 21, 107.0 + 108 + 109 + 110 + 111)
    assert (first, last) == (pd.Timestamp("2021-08-01"), pd.Timestamp("2021-12-01"))
    n, refs, _, _ = earlier_months(m, "cla", before)
    assert (n, refs) == (8 + 9 + 10 + 12, 107.0 + 108 + 109 + 111)
    assert earlier_months(m.drop(columns="referrals"), "cp", before) is None
    assert earlier_months(m, "cp", pd.Timestamp("2021-01-20")) is None      # no whole month before it
    assert earlier_months(None, "cp", before) is None


def test_the_monthly_figures_starts_before_the_window_count_towards_starts_per_referral(world_annex):
    """The plans and care started in the months before the lists' window, over the referrals the figures give
    for those months, are added to the Beta posterior of starts per referral (α + starts, β + referrals −
    starts), and the explanation says so."""
    from csc_demand.model import with_history
    from csc_demand.model.estimate import earlier_months
    from csc_demand.tables import MonthlyHistory
    months = pd.date_range("2019-01-01", "2020-06-01", freq="MS")
    table = pd.DataFrame({"referrals": 260.0, "cp_starts": 39.0, "cla_starts": 13.0},
                         index=pd.DatetimeIndex(months, name="month"))
    plain = estimate(world_annex)
    est = estimate(with_history(world_annex, MonthlyHistory(table=table, source="monthly.csv")))
    first_day = plain.history.days[plain.history.observed][0]
    for key in ("cp", "cla"):
        n, refs, _, _ = earlier_months(table, key, first_day)
        a, b = plain.flows[key].conversion, est.flows[key].conversion
        assert b.alpha == pytest.approx(a.alpha + n) and b.beta == pytest.approx(a.beta + refs - n)
        assert b.starts == a.starts + n and "in the monthly figures" in b.explanation


def test_monthly_trend_by_hand():
    """Five years of monthly referrals growing exactly 5% a year with seasons (December 0.8, August 0.85): the
    trend comes back as +5.0% a year; with a lockdown (April–June 2020 at 0.6) and returns (September–December
    2020 at 1.2) those months are left out and it still does; under two years of months give none."""
    from csc_demand.model.baseline import fit_monthly_seasonality, fit_monthly_trend
    months = pd.date_range("2017-07-01", periods=60, freq="MS")
    f = np.where(months.month == 12, 0.8, np.where(months.month == 8, 0.85, 1.03))
    years = (np.arange(60) - 59) / 12.0
    counts = pd.Series(1e5 * months.days_in_month * f * 1.05 ** years, index=months)
    season = fit_monthly_seasonality(counts)
    t = fit_monthly_trend(counts, season, 1.0, "monthly figures")
    assert t.pct_per_year == pytest.approx(5.0, abs=0.05) and "risen by 5.0% a year from Jul 2017" in t.explanation
    shock = np.where((months >= "2020-04-01") & (months <= "2020-06-01"), 0.6,
                     np.where((months >= "2020-09-01") & (months <= "2020-12-01"), 1.2, 1.0))
    t = fit_monthly_trend(counts * shock, fit_monthly_seasonality(counts * shock), 1.0)
    assert t.pct_per_year == pytest.approx(5.0, abs=0.3)
    assert fit_monthly_trend(counts.iloc[:20], season, 1.0) is None


def test_monthly_figures_give_the_trend_the_lists_cannot(world_annex):
    """One extract (six months) cannot show a trend; with two years of monthly figures the estimate reports the
    figures' trend, naming them."""
    from csc_demand.model import with_history
    from csc_demand.tables import MonthlyHistory
    assert estimate(world_annex).trend.pct_per_year is None
    months = pd.date_range("2018-07-01", "2020-06-01", freq="MS")
    table = pd.DataFrame({"referrals": 260.0 * 1.1 ** ((np.arange(len(months)) - len(months) + 1) / 12.0)},
                         index=pd.DatetimeIndex(months, name="month"))
    est = estimate(with_history(world_annex, MonthlyHistory(table=table, source="monthly.csv")))
    assert est.trend.pct_per_year is not None and est.trend.pct_per_year > 5
    assert "monthly figures, monthly.csv" in est.trend.explanation


def test_own_level_and_reversion_by_hand():
    """Five years of month ends, 100 for the first 30 and 130 for the last 30: mean 115. Today 130, so the
    gap is log(130/115); after one year the path keeps 1 − 0.71 × (1 − e^−1.03) of it."""
    from csc_demand.model.anchor import STOCK_REVERSION, own_level, reversion_correction
    months = pd.date_range("2017-07-01", periods=60, freq="MS")
    monthly = pd.DataFrame({"cp_open": [100.0] * 30 + [130.0] * 30}, index=months)
    own = own_level(monthly, "cp", pd.Timestamp("2022-06-30"))
    assert own.mean == pytest.approx(115.0) and own.months == 60
    assert own.first_month == pd.Timestamp("2017-07-01") and own.last_month == pd.Timestamp("2022-06-01")
    rev = STOCK_REVERSION["cp"]
    corr = reversion_correction(130, own, rev, weeks=600)
    kept = 1 - 0.71 * (1 - np.exp(-1.03 * 7 * 52 / 365.25))
    assert corr[0] == 0.0
    assert 130 + corr[52] == pytest.approx(115 * (130 / 115) ** kept, rel=1e-9)
    # the path moves monotonically towards the mean and never passes it; the long-run gap is 29% of today's
    assert np.all(np.diff(corr) < 0) and (130 + corr > 115).all()
    assert 130 + corr[-1] == pytest.approx(115 * (130 / 115) ** 0.29, rel=1e-3)
    # under three years of month ends, or none: no own level
    assert own_level(monthly.iloc[-35:], "cp", pd.Timestamp("2022-06-30")) is None
    assert own_level(monthly, "cla", pd.Timestamp("2022-06-30")) is None


def test_a_stocks_own_mean_pulls_the_child_protection_path(world_estimates):
    from csc_demand.model.anchor import STOCK_REVERSION, OwnLevel
    flow = world_estimates.cp
    d, mask = flow.durations, flow.starts_mask
    plain = fit_anchor(d, mask, 6.0, 100, 0.01, 0.0, "open child protection plans")
    own = OwnLevel(mean=80.0, months=60, first_month=pd.Timestamp("2017-07-01"), last_month=pd.Timestamp("2022-06-01"))
    pulled = fit_anchor(d, mask, 6.0, 100, 0.01, 0.0, "open child protection plans", own=own,
                        reversion=STOCK_REVERSION["cp"])
    assert (pulled.correction[1:] < plain.correction[1:]).all()
    assert "own recent mean" in pulled.explanation and "Jul 2017" in pulled.explanation
