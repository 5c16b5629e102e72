"""Projection: conservation per draw, no negative caseloads, determinism, ordered quantiles, scenarios matter."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_demand.model import forecast
from csc_demand.model.baseline import SOURCE_GROUP_ORDER
from csc_demand.model.inputs import scenario_inputs
from csc_demand.model.project import simulate
from csc_demand.model.shocks import group_ratios, referral_factors
from csc_demand.model.timegrid import make_grid
from csc_demand.report import forecast_json
from csc_demand.scenario import NewNormal, Overrides, Scenario, Shock, builtin_scenarios
from csc_demand.tables import CIN_MEASURES, FORECAST_COLUMNS, MEASURES

NONE = Scenario(name="None")


def _sim(est, scenario=NONE, months=12, draws=200, seed=5):
    grid = make_grid(est.extract_date, months)
    return simulate(est, scenario_inputs(est, scenario, grid.weeks), grid, draws, seed)


@settings(max_examples=12, deadline=None)
@given(change=st.floats(-90, 100), returns=st.floats(0, 100), months=st.integers(0, 12),
       seed=st.integers(0, 2**31), nn=st.floats(-50, 50), median=st.none() | st.floats(5, 200))
def test_conservation_and_no_negative_caseloads(world_estimates, change, returns, months, seed, nn, median):
    sc = Scenario(name="s", shocks=(Shock("a", dt.date(2021, 2, 1), dt.date(2021, 4, 30), change,
                                          returns_pct=returns, return_months=months),),
                  new_normal=NewNormal(dt.date(2021, 9, 1), nn),
                  overrides=Overrides(cla_median_duration_weeks=median))
    sim = _sim(world_estimates, sc, months=18, draws=50, seed=seed)
    for open_, starts, ends in ((sim.cp_open, sim.cp_starts, sim.cp_ends), (sim.cla_open, sim.cla_starts, sim.cla_ends)):
        assert np.array_equal(open_[:, 1:], open_[:, :-1] + starts - ends)
        assert (open_ >= 0).all() and (starts >= 0).all() and (ends >= 0).all()
        assert (ends <= open_[:, :-1] + starts).all()
    assert (sim.referrals >= 0).all()


def test_determinism_by_seed_and_quantiles_ordered(world_estimates):
    a = forecast(world_estimates, months=12, draws=300, seed=7).table
    b = forecast(world_estimates, months=12, draws=300, seed=7).table
    c = forecast(world_estimates, months=12, draws=300, seed=8).table
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])
    assert tuple(a.columns) == FORECAST_COLUMNS
    wide = a.pivot_table(index=["measure", "period_type", "period", "breakdown", "group"], columns="quantile",
                         values="value")
    assert (wide[0.1] <= wide[0.5] + 1e-9).all() and (wide[0.5] <= wide[0.9] + 1e-9).all()
    assert (a["value"] >= 0).all()


def test_more_draws_give_a_stable_median(world_estimates):
    def med(draws, seed):
        t = forecast(world_estimates, months=12, draws=draws, seed=seed).table
        sel = t[(t.measure == "cla_open") & (t.breakdown == "total") & (t.period_type == "month") & (t["quantile"] == 0.5)]
        return sel["value"].to_numpy()
    spread_small = np.abs(med(50, 1) - med(50, 2)).mean()
    spread_big = np.abs(med(4000, 1) - med(4000, 2)).mean()
    assert spread_big < spread_small
    assert spread_big / med(4000, 3).mean() < 0.01


def test_table_shape_months_fys_breakdowns(world_estimates):
    fc = forecast(world_estimates, list(builtin_scenarios(dt.date(2020, 12, 31)).values()), months=36, draws=200)
    t = fc.table
    months = t[t.period_type == "month"]["period"].unique()
    assert months[0] == "2021-01" and len(months) == 36
    # every year end inside the horizon, the first (Jan–Mar 2021) partial
    assert sorted(t[t.period_type == "fy"]["period"].unique()) == ["2020-21", "2021-22", "2022-23"]
    assert set(t["scenario"]) == {s.name for s in fc.scenarios}
    # no List 6 in this world: no children in need, so no social workers (the DfE's caseload counts them all)
    assert (set(MEASURES) - set(CIN_MEASURES)) | {"cost_gbp"} == set(t["measure"])
    sel = t[(t.measure == "cla_open") & (t.period_type == "month") & (t["quantile"] == 0.5)]
    tot = sel[sel.breakdown == "total"].set_index(["scenario", "period"])["value"]
    for bd in ("age_band", "placement_group"):
        parts = sel[sel.breakdown == bd].groupby(["scenario", "period"])["value"].sum()
        assert np.allclose(parts.loc[tot.index], tot)
    refs = t[(t.measure == "referrals") & (t.breakdown == "source_group") & (t.period_type == "month")]
    assert {"Police", "Schools"} <= set(refs["group"])
    # flows over a financial year are summed per draw: the FY median is near the sum of monthly medians
    m = t[(t.measure == "referrals") & (t.breakdown == "total") & (t["quantile"] == 0.5) & (t.scenario == "No further shocks")]
    fy = m[(m.period_type == "fy") & (m.period == "2021-22")]["value"].iloc[0]
    months_fy = m[(m.period_type == "month") & (m.period >= "2021-04") & (m.period <= "2022-03")]["value"].sum()
    assert fy == pytest.approx(months_fy, rel=0.02)


def test_json_view(world_estimates):
    fc = forecast(world_estimates, months=6, draws=100)
    j = forecast_json(fc)
    assert j["extract_date"] == "2020-12-31"
    (sc,) = j["scenarios"]
    assert sc["name"] == "No further shocks"
    # no List 6 here: children in need and social workers are left out, not given as empty lists
    assert list(sc["series"]) == [m for m in MEASURES if m not in CIN_MEASURES]
    cla = sc["series"]["cla_open"]
    assert [r["month"] for r in cla] == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"]
    assert all(isinstance(r["p50"], int) and r["p10"] <= r["p50"] <= r["p90"] for r in cla)


def test_group_ratios_keep_the_total():
    n = len(SOURCE_GROUP_ORDER)
    mix = np.full(n, 1 / n)
    sh = Shock("x", dt.date(2021, 1, 1), dt.date(2021, 1, 31), -20, by_source_change_pct={"Schools": -60})
    r = group_ratios(sh, mix)
    assert np.sum(mix * r) == pytest.approx(0.8)
    assert r[SOURCE_GROUP_ORDER.index("Schools")] == pytest.approx(0.4)
    assert r[SOURCE_GROUP_ORDER.index("Police")] == pytest.approx((0.8 - 0.4 / n) / (1 - 1 / n) * 1.0)


def test_referral_factors_shock_and_returns(world_estimates):
    est = world_estimates
    e = est.extract_date
    weeks = 60
    base = referral_factors(NONE, est.seasonality, est.baseline.mix, e, weeks)
    assert base.sum(axis=1) == pytest.approx(np.ones(weeks))
    # a 50% fall over weeks 3-6 exactly (28 days), 40% of the missing come back over 2 months, front-loaded
    start = (e + pd.Timedelta(days=15)).date()
    sh = Shock("x", start, start + dt.timedelta(days=27), -50, returns_pct=40, return_months=2,
               return_profile="front-loaded")
    f = referral_factors(Scenario(name="x", shocks=(sh,)), est.seasonality, est.baseline.mix, e, weeks).sum(axis=1)
    assert f[2:6] == pytest.approx(0.5)
    missing = 4 * 0.5
    assert (f - 1).clip(min=0).sum() == pytest.approx(0.4 * missing)
    back = f[6:] - 1
    assert back[0] > back[4] > 0 and back[12:].max() == pytest.approx(0.0, abs=1e-12)


def test_scenario_matters(world_estimates):
    """A 30% fall in referrals for six months lowers referrals by about that, and plan starts follow."""
    e = world_estimates.extract_date
    sh = Shock("fall", (e + pd.Timedelta(days=1)).date(), (e + pd.DateOffset(months=6)).date(), -30)
    fc = forecast(world_estimates, [NONE, Scenario(name="fall", shocks=(sh,))], months=12, draws=400)
    t = fc.table
    sel = t[(t.breakdown == "total") & (t.period_type == "month") & (t["quantile"] == 0.5)]
    piv = sel.pivot_table(index=["measure", "period"], columns="scenario", values="value")
    refs = piv.loc["referrals"].iloc[:6]
    assert (refs["fall"] / refs["None"]).mean() == pytest.approx(0.7, abs=0.03)
    starts = piv.loc["cp_starts"].iloc[2:6]
    assert (starts["fall"] / starts["None"]).mean() == pytest.approx(0.7, abs=0.08)
    assert piv.loc["cp_open"].iloc[6]["fall"] < piv.loc["cp_open"].iloc[6]["None"]


def test_overrides_replace_the_estimates(world_estimates):
    sc = Scenario(name="o", overrides=Overrides(referrals_per_week=100.0, cp_starts_per_referral=0.2,
                                                cp_median_duration_weeks=10.0))
    sim = _sim(world_estimates, sc, months=12, draws=400)
    assert sim.referrals[:, 10:].mean() == pytest.approx(100.0, rel=0.03)
    assert sim.cp_starts[:, 30:].mean() == pytest.approx(20.0, rel=0.05)
    # a median of 10 weeks (exponential-like: mean 10 / ln 2 = 14.4 weeks): the stock settles near
    # 20 starts a week × 14.4 weeks = 289, far below the same starts with the data's durations
    assert sim.cp_open[:, -1].mean() == pytest.approx(20 * 10 / np.log(2), rel=0.2)
    longer = _sim(world_estimates, Scenario(name="p", overrides=Overrides(referrals_per_week=100.0,
                                                                          cp_starts_per_referral=0.2)),
                  months=12, draws=400)
    assert longer.cp_open[:, -1].mean() > 1.5 * sim.cp_open[:, -1].mean()


def test_same_random_numbers_for_every_scenario(world_estimates):
    t = forecast(world_estimates, [Scenario(name="a"), Scenario(name="b")], months=6, draws=100).table
    a = t[t.scenario == "a"]["value"].to_numpy()
    b = t[t.scenario == "b"]["value"].to_numpy()
    assert np.array_equal(a, b)


def test_scenarios_that_differ_from_a_date_have_identical_draws_before_it(world_estimates):
    """A shock from week 20 (and a small one, so sampling branches differ) leaves weeks 1..19 untouched."""
    e = world_estimates.extract_date
    day = (e + pd.Timedelta(days=7 * 19 + 1)).date()
    plain = _sim(world_estimates, NONE, months=12, draws=300, seed=3)
    for change in (-90.0, 60.0):
        shocked = _sim(world_estimates, Scenario(name="s", shocks=(
            Shock("later", day, day + dt.timedelta(days=60), change, returns_pct=50, return_months=2),)),
            months=12, draws=300, seed=3)
        for name in ("referrals", "cp_starts", "cla_starts", "cp_ends", "cla_ends"):
            a, b = getattr(plain, name), getattr(shocked, name)
            assert np.array_equal(a[:, :19], b[:, :19]), name
            assert not np.array_equal(a[:, 19:], b[:, 19:]), name
        assert np.array_equal(plain.cp_open[:, :20], shocked.cp_open[:, :20])


def test_an_override_equal_to_the_estimate_changes_nothing(world_estimates):
    est = world_estimates
    base = forecast(est, Scenario(name="x"), months=12, draws=200).table
    same = forecast(est, Scenario(name="x", overrides=Overrides(
        referrals_per_week=est.baseline.per_week, cp_starts_per_referral=est.cp.conversion.per_referral,
        cla_starts_per_referral=est.cla.conversion.per_referral)), months=12, draws=200).table
    pd.testing.assert_frame_equal(base, same)


def test_an_override_touches_only_what_depends_on_it(world_estimates):
    est = world_estimates
    plain = _sim(est, NONE, months=12, draws=200, seed=4)
    more_cp = _sim(est, Scenario(name="o", overrides=Overrides(
        cp_starts_per_referral=2 * est.cp.conversion.per_referral, cla_median_duration_weeks=30.0)),
        months=12, draws=200, seed=4)
    assert np.array_equal(plain.referrals, more_cp.referrals)
    assert np.array_equal(plain.cla_starts, more_cp.cla_starts)
    assert more_cp.cp_starts.mean() > 1.6 * plain.cp_starts.mean()


def test_a_scenario_called_actual_is_refused(world_estimates):
    from csc_demand.errors import CscDemandError

    with pytest.raises(CscDemandError, match="cannot be called 'Actual'"):
        forecast(world_estimates, [Scenario(name="actual")], months=3, draws=10)


def test_an_uncertain_shock_size_widens_the_band_in_its_months_only(world_estimates):
    e = world_estimates.extract_date
    a, b = (e + pd.Timedelta(days=70)).date(), (e + pd.Timedelta(days=130)).date()
    sure = Scenario(name="sure", shocks=(Shock("x", a, b, -30.0),))
    unsure = Scenario(name="unsure", shocks=(Shock("x", a, b, -30.0, referrals_change_low_pct=-45.0,
                                                   referrals_change_high_pct=-15.0),))
    t = forecast(world_estimates, [sure, unsure], months=8, draws=1000).table
    sel = t[(t.measure == "referrals") & (t.period_type == "month") & (t.breakdown == "total")]
    w = sel.pivot_table(index=["scenario", "period"], columns="quantile", values="value")
    width = (w[0.9] - w[0.1]).unstack("scenario")
    months = list(width.index)
    inside = months[3]                  # wholly inside the shock
    assert width.loc[inside, "unsure"] > 1.3 * width.loc[inside, "sure"]
    assert width.loc[months[0], "unsure"] == width.loc[months[0], "sure"]        # before it: the same draws
    med = w[0.5].unstack("scenario")
    assert med.loc[inside, "unsure"] == pytest.approx(med.loc[inside, "sure"], rel=0.03)
