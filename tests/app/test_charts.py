"""The app's figures and tables are views of the Forecast / AnnexA: checked against hand-written numbers."""

from __future__ import annotations

import pandas as pd
import pytest
from apphelp import need_app_packages

need_app_packages()

from csc_demand.app import charts  # noqa: E402
from csc_demand.scenario import Scenario  # noqa: E402
from csc_demand.tables import FORECAST_COLUMNS, AnnexA, Extract, Forecast, QualityReport  # noqa: E402


def _rows(scenario, measure, period_type, period, start, qv, breakdown="total", group="All"):
    return [(scenario, measure, period_type, period, pd.Timestamp(start), breakdown, group, q, v) for q, v in qv]


@pytest.fixture()
def tiny() -> Forecast:
    """Two actual months, three forecast months for two scenarios, one FY row each."""
    cols = list(FORECAST_COLUMNS)
    actual = (_rows("Actual", "cla_open", "month", "2020-11", "2020-11-01", [(0.5, 50.0)])
              + _rows("Actual", "cla_open", "month", "2020-12", "2020-12-01", [(0.5, 52.0)]))
    table = []
    for i, (p, s) in enumerate((("2021-01", "2021-01-01"), ("2021-02", "2021-02-01"), ("2021-03", "2021-03-01"))):
        table += _rows("Steady", "cla_open", "month", p, s, [(0.1, 48.0 + i), (0.5, 53.0 + i), (0.9, 58.0 + i)])
        table += _rows("Lockdown", "cla_open", "month", p, s, [(0.1, 40.0 - i), (0.5, 45.0 - i), (0.9, 50.0 - i)])
    table += _rows("Steady", "cla_open", "fy", "2020-21", "2020-04-01", [(0.1, 50.0), (0.5, 55.0), (0.9, 60.0)])
    table += _rows("Lockdown", "cla_open", "fy", "2020-21", "2020-04-01", [(0.1, 38.0), (0.5, 43.0), (0.9, 48.0)])
    return Forecast(table=pd.DataFrame(table, columns=cols), actuals=pd.DataFrame(actual, columns=cols),
                    extract_date=pd.Timestamp("2020-12-31"),
                    scenarios=(Scenario(name="Steady"), Scenario(name="Lockdown")),
                    estimates=None, draws=10, seed=1, months=3)


def test_forecast_figure_holds_the_forecast_numbers_and_styles(tiny):
    fig = charts.forecast_figure(tiny, "cla_open")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Actual"].y[:2]) == [50.0, 52.0]
    assert list(by_name["Steady (median)"].y) == [53.0, 54.0, 55.0]
    assert list(by_name["Lockdown (median)"].y) == [45.0, 44.0, 43.0]
    # the band: P90 then P10 filled to it
    assert list(by_name["Steady: P10 to P90"].y) == [48.0, 49.0, 50.0]
    assert by_name["Steady: P10 to P90"].fill == "tonexty"
    assert list(by_name["Steady P90"].y) == [58.0, 59.0, 60.0]
    # colour is not the only cue: each scenario has its own line style
    assert by_name["Steady (median)"].line.dash != by_name["Lockdown (median)"].line.dash
    assert fig.layout.yaxis.title.text


def test_forecast_figure_only_the_chosen_scenarios(tiny):
    fig = charts.forecast_figure(tiny, "cla_open", ["Lockdown"])
    names = [t.name for t in fig.data]
    assert "Lockdown (median)" in names and "Steady (median)" not in names
    # a scenario keeps its style when another is hidden
    full = {t.name: t for t in charts.forecast_figure(tiny, "cla_open").data}
    assert {t.name: t for t in fig.data}["Lockdown (median)"].line.dash == full["Lockdown (median)"].line.dash


def test_alt_text_describes_the_chart(tiny):
    alt = charts.forecast_alt(tiny, "cla_open")
    assert "Nov 2020 to Dec 2020" in alt
    assert "Steady (solid line) ends at 55 in Mar 2021" in alt
    assert "Lockdown (dashed line) ends at 43 in Mar 2021" in alt


def test_measure_table_by_month_and_financial_year(tiny):
    month = charts.measure_table(tiny, "cla_open", "month")
    assert list(month["Period"]) == ["Nov 2020", "Dec 2020", "Jan 2021", "Feb 2021", "Mar 2021"]
    assert list(month.columns[1:5]) == ["Actual", "Steady: P10", "Steady: Median", "Steady: P90"]
    assert month.loc[2, "Steady: Median"] == 53.0 and month.loc[4, "Lockdown: P90"] == 48.0
    assert month.loc[1, "Actual"] == 52.0 and pd.isna(month.loc[2, "Actual"])
    fy = charts.measure_table(tiny, "cla_open", "fy", ["Lockdown"])
    assert list(fy["Period"]) == ["2020-21 (Jan–Mar only)"]   # the forecast starts in January: a partial year
    assert list(fy.columns) == ["Period", "Lockdown: P10", "Lockdown: Median", "Lockdown: P90"]
    assert list(fy.iloc[0, 1:]) == [38.0, 43.0, 48.0]


def test_scenario_styles_differ_in_dash_and_colour():
    styles = charts.scenario_styles([f"S{i}" for i in range(6)])
    assert len({d for _, d in styles.values()}) == 6
    assert len({c for c, _ in styles.values()}) == 6


def _annex(referrals: pd.DataFrame, extract: str, window_start: str) -> AnnexA:
    e = pd.Timestamp(extract)
    return AnnexA(tables={"referrals": referrals}, extract_date=e, extract_date_source="user",
                  extracts=[Extract(e, pd.Timestamp(window_start), "test")], quality=QualityReport())


def test_weekly_referrals_counts_whole_weeks_by_source_group():
    # Window Wed 1 Jul 2020 .. Thu 31 Dec 2020: whole weeks run from Mon 6 Jul to Sun 27 Dec.
    ref = pd.DataFrame({
        "referral_date": pd.to_datetime(["2020-07-01", "2020-07-06", "2020-07-12", "2020-07-12", "2020-07-13",
                                         "2020-12-27", "2020-12-28"]),
        "source_group": pd.array(["Police", "Police", "Schools", "Police", None, "Health", "Police"],
                                 dtype="string"),
    })
    weekly = charts.weekly_referrals(_annex(ref, "2020-12-31", "2020-07-01"))
    weeks = sorted(weekly["week_start"].unique())
    assert pd.Timestamp(weeks[0]) == pd.Timestamp("2020-07-06")
    assert pd.Timestamp(weeks[-1]) == pd.Timestamp("2020-12-21")
    assert len(weeks) == 25
    got = weekly.set_index(["week_start", "source_group"])["referrals"]
    assert got[(pd.Timestamp("2020-07-06"), "Police")] == 2       # 6 Jul and 12 Jul
    assert got[(pd.Timestamp("2020-07-06"), "Schools")] == 1
    assert got[(pd.Timestamp("2020-07-13"), "Unknown")] == 1      # missing group shown as Unknown
    assert got[(pd.Timestamp("2020-12-21"), "Health")] == 1       # Sun 27 Dec is in the last whole week
    assert weekly["referrals"].sum() == 5                         # 1 Jul and 28 Dec are in part weeks
    table = charts.referrals_history_table(weekly)
    assert table.loc[0, "Week"] == "Week from 6 Jul 2020"
    assert table.loc[0, "All referrals"] == 3
    fig = charts.referrals_history_figure(weekly)
    assert fig.data[0].name == "All referrals" and sum(fig.data[0].y) == 5


def test_stock_history_table_and_figure():
    cols = list(FORECAST_COLUMNS)
    act = pd.DataFrame(
        _rows("Actual", "cp_open", "month", "2020-11", "2020-11-01", [(0.5, 280.0)])
        + _rows("Actual", "cp_open", "month", "2020-12", "2020-12-01", [(0.5, 285.0)])
        + _rows("Actual", "cla_open", "month", "2020-11", "2020-11-01", [(0.5, 410.0)])
        + _rows("Actual", "cla_open", "month", "2020-12", "2020-12-01", [(0.5, 418.0)]), columns=cols)
    table = charts.stock_history_table(act)
    assert list(table["Month"]) == ["Nov 2020", "Dec 2020"]
    assert list(table["Children looked after (end of period)"]) == [410.0, 418.0]
    fig = charts.stock_history_figure(act)
    assert [list(t.y) for t in fig.data] == [[280.0, 285.0], [410.0, 418.0]]
    assert fig.data[0].line.dash != fig.data[1].line.dash


def test_costs_by_group_medians_per_group():
    cols = list(FORECAST_COLUMNS)
    table = []
    for g, med in (("All", 1000.0), ("Fostering", 600.0), ("Residential", 400.0)):
        bd = "total" if g == "All" else "cost_group"
        qv = [(0.1, med - 100), (0.5, med), (0.9, med + 100)]
        table += _rows("Steady", "cost_gbp", "fy", "2021-22", "2021-04-01", qv, breakdown=bd, group=g)
    fc = Forecast(table=pd.DataFrame(table, columns=cols), actuals=pd.DataFrame(columns=cols),
                  extract_date=pd.Timestamp("2020-12-31"), scenarios=(Scenario(name="Steady"),), estimates=None,
                  draws=10, seed=1, months=15)
    out = charts.costs_by_group(fc)
    assert list(out["Cost group"]) == ["Fostering", "Residential"]
    assert list(out.columns) == ["Period", "Cost group", "Steady: Median"]
    assert list(out["Steady: Median"]) == [600.0, 400.0]
    assert out.loc[0, "Period"] == "2021-22 (April to March)"
    total = charts.measure_table(fc, "cost_gbp", "fy")
    assert list(total.iloc[0, 1:]) == [900.0, 1000.0, 1100.0]


def test_window_fit_figure_and_table_hold_the_fit() -> None:
    dates = pd.to_datetime(["2020-06-30", "2020-07-07", "2020-12-31"])
    fit = pd.concat([pd.DataFrame({"measure": "cp_open", "date": dates, "actual": [10.0, 11, 9],
                                   "model": [10.0, 10.5, 9.25]}),
                     pd.DataFrame({"measure": "cla_open", "date": dates, "actual": [20.0, 21, 22],
                                   "model": [20.0, 20.5, 21.0]})], ignore_index=True)
    fig = charts.window_fit_figure(fit, "cla_open")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Actual"].y) == [20.0, 21.0, 22.0] and list(by_name["Model"].y) == [20.0, 20.5, 21.0]
    assert by_name["Model"].line.dash == "dash" and by_name["Actual"].line.dash in (None, "solid")
    assert fig.layout.title.text == "Children looked after: model against actual" and fig.layout.yaxis.title.text
    table = charts.window_fit_screen_table(fit)
    assert list(table["Date"]) == ["30 Jun 2020", "7 Jul 2020", "31 Dec 2020"]
    assert list(table["Open child protection plans: model"]) == [10.0, 10.5, 9.25]


def test_published_figure_draws_the_published_figures_and_both_forecasts(tiny):
    """The figures at each 31 March, by hand: two published years, then a year forecast both ways."""
    import dataclasses

    import numpy as np

    from csc_demand.national.compare import PUBLISHED_COLUMNS

    rows = []
    for year, published, pub_q, annex_q in ((2019, 60.0, None, None), (2020, 62.0, None, None),
                                            (2021, np.nan, (55.0, 63.0, 70.0), (49.0, 55.0, 60.0))):
        pub_q, annex_q = pub_q or (np.nan,) * 3, annex_q or (np.nan,) * 3
        rows.append({"la_code": "E10000016", "la_name": "Kent", "scenario": "Steady", "measure": "cla_at_31_march",
                     "annex_measure": "cla_open", "year": year, "date": pd.Timestamp(year, 3, 31),
                     "published": published, "published_p10": pub_q[0], "published_p50": pub_q[1],
                     "published_p90": pub_q[2], "annex_a_actual": np.nan, "annex_a_p10": annex_q[0],
                     "annex_a_p50": annex_q[1], "annex_a_p90": annex_q[2], "published_through": 2020})
    fc = dataclasses.replace(tiny, published=pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS)))
    fig, alt = charts.published_figure(fc, "cla_at_31_march", "Steady")
    by_name = {t.name: t for t in fig.data}
    assert list(by_name["Published by the DfE"].y[:2]) == [60.0, 62.0]
    assert list(by_name["From the published figures (median)"].y) == [63.0]
    assert list(by_name["This forecast (median)"].y) == [55.0]
    assert list(by_name["This forecast: P10 to P90"].y) == [49.0]
    assert by_name["From the published figures (median)"].line.dash != by_name["This forecast (median)"].line.dash
    assert by_name["From the published figures (median)"].line.color != by_name["This forecast (median)"].line.color
    assert fig.layout.title.text == "Children looked after at 31 March"
    assert alt.startswith("Line chart of children looked after at 31 March, 2019 to 2021")
    assert charts.published_figure(fc, "cp_at_31_march", "Steady") is None   # nothing to draw
