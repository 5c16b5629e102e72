"""The backtest's bias, scaled error, seasonal naive comparator, caution and declared past shocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from world import annex_from

from csc_demand.model import actuals, backtest, estimate, forecast
from csc_demand.model.backtest import BACKTEST_COLUMNS, known_scenario, summarise, truncate
from csc_demand.scenario import NewNormal, Overrides, Scenario, Shock

DRAWS = 50


@pytest.fixture(scope="module")
def two_extracts(world_events):
    """Extracts on 30 Jun and 31 Dec 2020 (data from 31 Dec 2019): cut dates 31 Mar, 30 Jun, 30 Sep 2020."""
    refs, cp, cla = world_events
    return annex_from(refs, cp, cla, ["2020-06-30", "2020-12-31"])


@pytest.fixture(scope="module")
def long_backtest(world_events):
    """Six half-yearly extracts (data from 31 Dec 2018 to 31 Dec 2021): six cut dates, three years of history."""
    refs, cp, cla = world_events
    annex = annex_from(refs, cp, cla, ["2019-06-30", "2019-12-31", "2020-06-30", "2020-12-31", "2021-06-30",
                                       "2021-12-31"])
    return backtest(annex, months=12, draws=DRAWS)


def _records(r: dict) -> pd.DataFrame:
    base = {"measure": "referrals", "period": "2021-01", "horizon_months": 3, "p10": 0.0, "median": 0.0,
            "p90": 1e9, "actual": 1.0, "inside": True, "last_value": 0.0, "window_mean": 0.0,
            "same_month_last_year": np.nan}
    n = max(len(v) for v in r.values() if isinstance(v, list))
    return pd.DataFrame({k: r.get(k, [base[k]] * n) for k in base})


def test_bias_and_scaled_error_by_hand_on_two_cut_dates():
    # two cut dates, 3 months ahead: actual 100 then 200, median 110 then 180, last value 90 then 250,
    # same month last year known only at the second (150).
    rec = _records({"actual": [100.0, 200.0], "median": [110.0, 180.0], "last_value": [90.0, 250.0],
                    "window_mean": [100.0, 100.0], "same_month_last_year": [np.nan, 150.0],
                    "p10": [105.0, 100.0], "p90": [120.0, 150.0], "inside": [False, False]})
    row = summarise(rec, 12).set_index(["measure", "horizon_months"]).loc[("referrals", 3)]
    assert row["cutoffs"] == 2
    assert row["mape_median_pct"] == pytest.approx((10 + 10) / 2)
    assert row["bias_median_pct"] == pytest.approx((10 + -10) / 2)            # +10% then -10%: no lean
    # mean |median - actual| = (10 + 20) / 2 = 15; mean |last - actual| = (10 + 50) / 2 = 30
    assert row["scaled_error"] == pytest.approx(15 / 30)                       # not the mean of 1 and 0.4
    assert row["mape_last_value_pct"] == pytest.approx((10 + 25) / 2)
    assert row["mape_window_mean_pct"] == pytest.approx((0 + 50) / 2)
    assert row["mape_same_month_last_year_pct"] == pytest.approx(25.0)        # |150 - 200| / 200, one cut date
    assert row["note"].startswith("'Same month last year' is compared at only 1 of the 2 cut dates")
    assert row["inside_p10_p90_pct"] == 0


def test_scaled_error_is_nan_when_the_last_value_was_never_wrong():
    rec = _records({"actual": [50.0, 50.0], "median": [55.0, 45.0], "last_value": [50.0, 50.0]})
    row = summarise(rec, 12).iloc[0]
    assert row["bias_median_pct"] == pytest.approx(0.0) and row["mape_median_pct"] == pytest.approx(10.0)
    assert np.isnan(row["scaled_error"])


def test_bias_and_scaled_error_match_the_forecasts_made_at_each_cut_date(two_extracts):
    bt = backtest(two_extracts, months=6, draws=DRAWS)
    assert list(bt.columns) == list(BACKTEST_COLUMNS)
    assert bt.attrs["cutoffs"] == ["2020-03-31", "2020-06-30", "2020-09-30"]
    observed = actuals(two_extracts)
    observed = observed[(observed["period_type"] == "month") & (observed["breakdown"] == "total")]
    for measure in ("referrals", "cla_open"):
        actual = observed[observed["measure"] == measure].set_index("period")["value"]
        signed, abs_model, abs_naive = [], [], []
        for cut in bt.attrs["cutoffs"]:
            c = pd.Timestamp(cut)
            est = estimate(truncate(two_extracts, c))
            fc = forecast(est, [Scenario(name="No further shocks")], months=6, draws=DRAWS, seed=1).table
            period = (c + pd.DateOffset(months=3)).strftime("%Y-%m")
            median = fc[(fc["measure"] == measure) & (fc["period"] == period) & (fc["breakdown"] == "total")
                        & (fc["quantile"] == 0.5)]["value"].item()
            known = est.actuals[(est.actuals["measure"] == measure) & (est.actuals["period_type"] == "month")
                                & (est.actuals["breakdown"] == "total")].sort_values("period")
            last = known["value"].iloc[-1]
            a = actual[period]
            signed.append((median - a) / a * 100)
            abs_model.append(abs(median - a))
            abs_naive.append(abs(last - a))
        row = bt[(bt["measure"] == measure) & (bt["horizon_months"] == 3)].iloc[0]
        assert row["cutoffs"] == 3
        assert row["bias_median_pct"] == pytest.approx(sum(signed) / 3)
        assert row["scaled_error"] == pytest.approx(sum(abs_model) / sum(abs_naive))


def test_caution_with_one_cut_date_not_with_four_or_more(world_annex, long_backtest):
    one = backtest(world_annex, months=6, draws=DRAWS)
    assert one.attrs["cutoffs"] == ["2020-09-30"]
    assert one.attrs["caution"] == ("Only 1 cut date: these figures say little about how far to trust the "
                                    "forecast; load more extracts to test it on more of your own past.")
    assert len(long_backtest.attrs["cutoffs"]) == 6
    assert "caution" not in long_backtest.attrs


def test_same_month_last_year_needs_a_year_of_history(world_annex, long_backtest):
    one = backtest(world_annex, months=6, draws=DRAWS)            # one extract: six months of history
    checked = one[one["cutoffs"] > 0]
    assert len(checked) and checked["mape_same_month_last_year_pct"].isna().all()
    assert checked["note"].str.startswith("No 'same month last year' comparison").all()
    # three years of history: at 12 months ahead the month a year before is the cut date's own month, so the
    # seasonal naive forecast is the last value (month end for stocks, the month's count for flows)
    full = long_backtest[long_backtest["cutoffs"] > 0]
    assert full["mape_same_month_last_year_pct"].notna().all()
    at12 = full[full["horizon_months"] == 12]
    assert len(at12) == 5
    np.testing.assert_allclose(at12["mape_same_month_last_year_pct"], at12["mape_last_value_pct"])
    at3 = full[full["horizon_months"] == 3]
    assert not np.allclose(at3["mape_same_month_last_year_pct"], at3["mape_last_value_pct"])


def _shock(start: str, end: str = "2021-03-31") -> Shock:
    return Shock(name="Lockdown", start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
                 referrals_change_pct=-50)


def test_known_scenario_keeps_only_what_had_begun():
    sc = Scenario(name="Mine", shocks=(_shock("2020-09-01"), replace(_shock("2020-10-01"), name="Later")),
                  new_normal=NewNormal(dt.date(2020, 11, 1), 10), trend_pct_per_year=5,
                  overrides=Overrides(referrals_per_week=10))
    at = known_scenario(sc, pd.Timestamp("2020-09-30"))
    assert at == Scenario(name="No further shocks", shocks=(_shock("2020-09-01"),))
    assert known_scenario(sc, pd.Timestamp("2020-11-30")).new_normal == NewNormal(dt.date(2020, 11, 1), 10)
    assert known_scenario(None, pd.Timestamp("2020-09-30")) == Scenario(name="No further shocks")


def test_a_declared_past_shock_is_applied_and_a_later_one_is_not(world_annex):
    plain = backtest(world_annex, months=6, draws=DRAWS)               # cut date 30 Sep 2020
    later = backtest(world_annex, months=6, draws=DRAWS,
                     scenario=Scenario(name="Mine", shocks=(_shock("2020-10-01"),)))
    pd.testing.assert_frame_equal(later, plain)
    assert later.attrs["past_shocks"] == []
    past = backtest(world_annex, months=6, draws=DRAWS,
                    scenario=Scenario(name="Mine", shocks=(_shock("2020-09-01"),)))
    assert past.attrs["past_shocks"] == ["Lockdown"]
    ref = lambda bt: bt.set_index(["measure", "horizon_months"]).loc[("referrals", 3)]  # noqa: E731
    # referrals halved from 1 Sep 2020 to 31 Mar 2021 in the forecast, but not in the simulated LA
    assert ref(past)["bias_median_pct"] < ref(plain)["bias_median_pct"] - 30
    assert ref(past)["bias_median_pct"] < -25
