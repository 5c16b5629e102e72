"""The report views: reshaping only, checked against hand-written tables and against the long table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_demand.report import tables_view as tv


def test_monthly_table_hand_computed(tiny_forecast):
    wide = tv.monthly_table(tiny_forecast, "referrals")
    assert list(wide.columns) == [("Actual", "All", 0.5), ("Steady", "All", 0.1), ("Steady", "All", 0.5),
                                  ("Steady", "All", 0.9)]
    assert list(wide.index.get_level_values("period")) == ["2020-11", "2020-12", "2021-01", "2021-02", "2021-03",
                                                           "2021-04"]
    expected = np.array([[30, np.nan, np.nan, np.nan], [20, np.nan, np.nan, np.nan], [np.nan, 20, 30, 40],
                         [np.nan, 21, 31, 41], [np.nan, 22, 32, 42], [np.nan, 23, 33, 43]], dtype=float)
    np.testing.assert_array_equal(wide.to_numpy(dtype=float), expected)


def test_headline_hand_computed(tiny_forecast):
    head = tv.headline_table(tiny_forecast)
    # only 2020-21 ends (31 March 2021) inside the forecast's months (January to April 2021)
    assert list(head.index) == [("referrals", "2020-21", pd.Timestamp("2020-04-01")),
                                ("cla_open", "2020-21", pd.Timestamp("2020-04-01"))]
    np.testing.assert_array_equal(head.to_numpy(dtype=float), [[70, 93, 110], [48, 55, 58]])
    assert tv.headline_notes(tiny_forecast, head) == [
        "Referrals for 2020-21 are for the 3 forecast months of that year only (to 31 March 2021)."]


def test_headline_three_years(forecast):
    head = tv.headline_table(forecast)
    assert sorted(set(head.index.get_level_values("period"))) == ["2020-21", "2021-22", "2022-23"]
    assert list(dict.fromkeys(head.index.get_level_values("measure"))) == list(tv.HEADLINE_MEASURES)
    assert [c[0] for c in head.columns[::3]] == tv.scenario_names(forecast)


def _melt(wide: pd.DataFrame) -> pd.DataFrame:
    out = wide.stack(list(tv.COLUMN_LEVELS), future_stack=True).dropna().rename("value").reset_index()
    return out.sort_values(["period_start", "scenario", "group", "quantile"], ignore_index=True)


def test_wide_tables_hold_exactly_the_long_table(forecast):
    long = tv.long_table(forecast)
    for measure, period_type, breakdowns in (("referrals", "month", ("total",)), ("cla_open", "fy", ("total",)),
                                             ("cost_gbp", "month", ("total", "cost_group")),
                                             ("cost_gbp", "fy", ("total", "cost_group"))):
        wide = tv.wide_table(forecast, measure, period_type, breakdowns=breakdowns)
        got = _melt(wide)
        want = long.loc[(long["measure"] == measure) & (long["period_type"] == period_type)
                        & long["breakdown"].isin(breakdowns)]
        want = want.assign(period_start=pd.to_datetime(want["period_start"]))
        want = want.sort_values(["period_start", "scenario", "group", "quantile"], ignore_index=True)
        assert len(got) == len(want) > 0
        np.testing.assert_array_equal(got["value"].to_numpy(), want["value"].to_numpy())
        assert got["scenario"].tolist() == want["scenario"].astype(str).tolist()


def test_column_order_actual_then_scenarios_in_forecast_order(forecast):
    wide = tv.monthly_table(forecast, "cp_open")
    scen = [c[0] for c in wide.columns]
    assert scen[0] == "Actual"
    assert list(dict.fromkeys(scen[1:])) == [s.name for s in forecast.scenarios]
    assert [c[2] for c in wide.columns[1:4]] == [0.1, 0.5, 0.9]
    starts = wide.index.get_level_values("period_start")
    assert starts.is_monotonic_increasing and len(starts) == 24 + 36


def test_costs_groups_total_first(forecast):
    fy = tv.costs_table(forecast, "fy")
    groups = list(dict.fromkeys(c[1] for c in fy.columns))
    assert groups[0] == "All" and "Child protection plans" in groups and "Residential" in groups


def test_quality_table_and_summary(forecast):
    q = tv.quality_table(forecast)
    assert list(q.columns[:6]) == ["severity", "file", "sheet", "row", "column", "message"]
    assert len(q) == len(forecast.quality.problems)
    assert q["row"].dtype == "Int64" and q.loc[0, "row"] == 17
    summary = tv.quality_summary(forecast)
    assert summary["severity"].tolist() == ["error", "warning", "info"]
    assert summary["problems"].sum() == 3


def test_data_used_counts_only(forecast):
    used = tv.data_used(forecast)
    assert used.lists[0] == ("List 3: Referral", 1712, 0, "annex_a.xlsx › List_3 (header row 2)")
    assert used.rows_not_used == 2
    assert used.actual_ranges[0] == ("Referrals", pd.Timestamp("2019-01-01"), pd.Timestamp("2020-12-01"))


def test_quantile_labels():
    assert [tv.quantile_label(q) for q in (0.1, 0.5, 0.9, 0.975, 0.05)] == ["P10", "Median", "P90", "P97.5", "P5"]


def test_column_labels():
    assert tv.column_label("mape_median_pct") == "MAPE median (%)"
    assert tv.column_label("coverage_p10_p90_pct") == "Coverage P10 to P90 (%)"
    assert tv.column_label("inside_p10_p90_all_months_pct") == "Inside P10 to P90 all months (%)"
    assert tv.column_label("horizon_months") == "Horizon (months)"
    assert tv.column_label("referrals_per_week") == "Referrals per week"
    assert tv.column_label("severity") == "Severity" and tv.column_label("months") == "Months"


def test_costs_by_year_is_the_fy_table_turned(forecast):
    by_year = tv.costs_by_year(forecast)
    fy = tv.costs_table(forecast, "fy")
    assert by_year.index[0] == (forecast.scenarios[0].name, "All")
    assert [c[0] for c in by_year.columns[:4]] == [0.5] * 4 and by_year.columns[4][0] == 0.1
    for (scen, group), row in by_year.iterrows():
        for (q, period), v in row.items():
            assert v == fy.loc[period].iloc[0][(scen, group, q)]
    assert by_year.size == fy.size


def test_costs_by_month_keeps_total_band_and_group_medians(forecast):
    cols = list(tv.costs_by_month(forecast).columns)
    assert cols[:4] == [(forecast.scenarios[0].name, "All", q) for q in (0.1, 0.5, 0.9)] + [
        (forecast.scenarios[0].name, "Fostering", 0.5)]
    assert len(cols) == 3 * (3 + 6)
