"""Followed-up conversions, costs, actuals, backtest cut-off and fitted shocks against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from world import make_annex
from world import World, annex_from, simulate_world

from csc_demand.model import actuals, estimate, fit_shock
from csc_demand.model.backtest import truncate
from csc_demand.model.costs import child_weeks, inflation_factor, social_workers
from csc_demand.model.project import binomial, normal_cdf, referral_counts
from csc_demand.model.timegrid import make_grid


def test_conversion_follows_referrals_up() -> None:
    # one referral a day from 30 Jun 2020 (day 0) to 31 Dec 2020 (day 184); every eighth child starts a plan
    # exactly 7 days after the referral (if that is by the extract date).
    d0 = pd.Timestamp("2020-06-30")
    refs = [(f"c{i:015d}", d0 + pd.Timedelta(days=i), "Police", 7) for i in range(185)]
    cp = [(f"c{i:015d}", d0 + pd.Timedelta(days=i + 7), None, "2013-01-01") for i in range(0, 178, 8)]
    est = estimate(make_annex(refs, cp=cp))
    c = est.cp.conversion
    # every linked start is at lag week 1 (rate 1). A referral f days before the extract date counts fully when
    # f >= 13, for (f - 6)/7 of a start when 7 <= f <= 12 (lag spread evenly over days 7-13), and not at all
    # below: exposure = 172 (days 0..171) + (1 + 2 + 3 + 4 + 5 + 6) / 7 = 175. 23 starts followed them.
    assert c.method == "followed up"
    assert c.per_referral == pytest.approx(23 / 175)
    assert c.lag_pmf[1] == pytest.approx(1.0)
    assert "23 child protection plans followed the 185 referrals from 30 Jun 2020 to 31 Dec 2020" in c.explanation
    assert c.starts == 23 and c.referrals == 185     # the flow ratio would have said 23 / 185


def test_child_weeks_inflation_and_workers() -> None:
    grid = make_grid(pd.Timestamp("2020-12-31"), 3)
    open_ = np.full((2, grid.weeks + 1), 10.0)
    cw = child_weeks(open_, grid)
    assert cw[0] == pytest.approx([10 * 31 / 7, 10 * 28 / 7, 10 * 31 / 7])
    assert inflation_factor(grid, 12.0) == pytest.approx([1.0, 1.12 ** (1 / 12), 1.12 ** (2 / 12)])
    assert social_workers(np.array([51.0]), 17.0) == pytest.approx([3.0])   # 51 open cases ÷ 17 a worker


def test_actuals_hand_computed() -> None:
    refs = [("a", "2020-07-03", "Police", 5), ("b", "2020-07-20", "Schools", 5), ("c", "2020-09-01", "Health", 5),
            ("d", "2020-06-30", "Police", 5)]   # 30 June is in the window but June is not a whole month
    cp = [("a", "2020-07-10", "2020-09-15", "2012-01-01"),   # open at the end of Jul and Aug
          ("b", "2019-01-01", None, "2012-01-01"),            # open throughout
          ("c", "2020-06-01", "2020-06-30", "2012-01-01")]    # ended on 30 June: not open at its end
    t = actuals(make_annex(refs, cp=cp))
    m = t[t.period_type == "month"]
    refs_m = m[m.measure == "referrals"].set_index("period")["value"]
    assert refs_m.to_dict() == {"2020-07": 2.0, "2020-08": 0.0, "2020-09": 1.0, "2020-10": 0.0, "2020-11": 0.0,
                                "2020-12": 0.0}
    cp_open = m[m.measure == "cp_open"].set_index("period")["value"]
    assert cp_open.to_dict() == {"2020-06": 1.0, "2020-07": 2.0, "2020-08": 2.0, "2020-09": 1.0, "2020-10": 1.0,
                                 "2020-11": 1.0, "2020-12": 1.0}
    assert m[m.measure == "cp_starts"].set_index("period")["value"]["2020-07"] == 1.0
    assert set(t["scenario"]) == {"Actual"} and set(t["quantile"]) == {0.5}


def test_truncate_hides_the_future() -> None:
    refs = [("a", "2020-08-01", "Police", 5), ("b", "2020-11-01", "Police", 5)]
    cp = [("a", "2020-08-10", "2020-11-15", "2012-01-01"), ("b", "2020-11-10", None, "2012-01-01")]
    cut = truncate(make_annex(refs, cp=cp), pd.Timestamp("2020-09-30"))
    assert cut.extract_date == pd.Timestamp("2020-09-30")
    assert cut.extracts[0].window_start == pd.Timestamp("2020-06-30")
    assert len(cut.referrals) == 1
    assert len(cut.cp_plans) == 1 and pd.isna(cut.cp_plans["end_date"].iloc[0])
    assert cut.cp_plans["extract_date"].iloc[0] == pd.Timestamp("2020-09-30")


def test_fit_shock_recovers_a_known_fall() -> None:
    refs, cp, cla = simulate_world(World(referrals_per_week=120, shock=("2020-10-01", "2020-11-15", 0.7)), seed=4)
    fit = fit_shock(annex_from(refs, cp, cla, ["2020-12-31"]), "2020-10-01", "2020-11-15")
    assert fit.change_pct == pytest.approx(-30, abs=5)
    assert fit.low_pct < -30 < fit.high_pct
    assert "referrals were" in fit.explanation and "below the usual level" in fit.explanation
    shock = fit.to_shock("Fitted")
    assert shock.referrals_change_pct == round(fit.change_pct, 1)


def test_fast_binomial_matches_the_binomial() -> None:
    rng = np.random.default_rng(0)

    def draw(n, p):
        return binomial(n, np.full(n.shape, p), rng.standard_normal(n.shape))

    n = np.full(200_000, 2000)
    x = draw(n, 0.01)
    assert x.mean() == pytest.approx(20, rel=0.01) and x.var() == pytest.approx(19.8, rel=0.03)
    for size, p in ((5, 0.3), (40, 0.05), (12, 0.9), (3, 1.0), (7, 0.0)):
        small = draw(np.full(100_000, size), p)
        assert small.min() >= 0 and small.max() <= size
        assert small.mean() == pytest.approx(size * p, rel=0.02, abs=1e-9)
        assert small.var() == pytest.approx(size * p * (1 - p), rel=0.05, abs=1e-9)
    # exact by inverse CDF at Φ(z): z = 0 (Φ = 0.5) gives the median of Binomial(5, 0.3) (P(X <= 1) = 0.528);
    # z = 0.0753 (Φ = 0.530) the next count
    assert binomial(np.array([5]), np.array([0.3]), np.zeros(1))[0] == 1
    assert binomial(np.array([5]), np.array([0.3]), np.array([0.0753]))[0] == 2
    assert normal_cdf(np.array([-1.0, 0.0, 1.96])) == pytest.approx([0.158655, 0.5, 0.975002], abs=1e-6)


def test_referral_counts_have_the_asked_mean_and_variance() -> None:
    rng = np.random.default_rng(1)
    for mean, phi in ((4.0, 1.0), (20.0, 2.5), (80.0, 2.0)):
        m = np.full(200_000, mean)
        x = referral_counts(m, phi, rng.standard_normal(m.shape))
        assert x.min() >= 0
        assert x.mean() == pytest.approx(mean, rel=0.01)
        assert x.var() == pytest.approx(phi * mean, rel=0.05)
    # Poisson(4) by inverse CDF: P(X <= 3) = 0.433, P(X <= 4) = 0.629
    assert referral_counts(np.array([4.0]), 1.0, np.zeros(1))[0] == 4


def test_without_uasc_leaves_out_their_periods_of_care() -> None:
    from csc_demand.model import without_uasc

    annex = make_annex([("r1", "2020-10-01", "Police", 5)],
                       cla=[("a", "2020-08-01", None, "2004-01-01"), ("b", "2020-09-01", None, "2010-01-01")])
    annex.looked_after["uasc"] = pd.array([True, False], dtype="boolean")
    out = without_uasc(annex)
    assert list(out.looked_after["child_id"]) == ["b"]
    assert len(annex.looked_after) == 2        # the original is unchanged
    assert estimate(out).cla.open_now == 1


def test_truncate_leaves_the_callers_tables_alone():
    from csc_demand.model.backtest import truncate

    annex = make_annex([("r1", "2020-08-03", "Police", 5), ("r2", "2020-11-02", "Police", 5)],
                       cp=[("c1", "2020-08-10", "2020-11-20", "2012-05-01")])
    annex.tables["contacts"] = pd.DataFrame({"child_id": ["a", "b"], "contact_date": pd.to_datetime(
        ["2020-08-01", "2020-12-01"]), "extract_date": pd.Timestamp("2020-12-31")})
    before = {k: v.copy() for k, v in annex.tables.items()}
    cut = truncate(annex, pd.Timestamp("2020-10-31"))
    for k, v in annex.tables.items():
        pd.testing.assert_frame_equal(v, before[k])
    assert len(cut.tables["contacts"]) == 1 and len(cut.referrals) == 1
    assert pd.isna(cut.cp_plans["end_date"].iloc[0])
