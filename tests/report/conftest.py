"""Fixtures for the report tests: Forecast objects built by hand (see report_factory.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from report_factory import HOSTILE_NAME, make_forecast

from csc_demand.scenario import Scenario
from csc_demand.tables import FORECAST_COLUMNS, Forecast


@pytest.fixture(scope="session")
def forecast() -> Forecast:
    """Three scenarios, 36 months, month and FY rows, totals and breakdowns, 24 months of actuals."""
    return make_forecast(draws=200, seed=3)


@pytest.fixture(scope="session")
def hostile_forecast() -> Forecast:
    """The same shape, with scenario names that a spreadsheet or a browser could misread."""
    return make_forecast(draws=50, seed=4, scenario_names=[HOSTILE_NAME, "<script>alert(1)</script> & co",
                                                           "@risk -10%"])


def _rows(scenario, measure, period_type, period, start, quantiles_values, breakdown="total", group="All"):
    return [(scenario, measure, period_type, period, pd.Timestamp(start), breakdown, group, q, v)
            for q, v in quantiles_values]


@pytest.fixture()
def tiny_forecast() -> Forecast:
    """Two months of actuals (Nov, Dec 2020) and four forecast months for one scenario, written out by hand."""
    actual = []
    for period, start, ref, cla in (("2020-11", "2020-11-01", 30.0, 50.0), ("2020-12", "2020-12-01", 20.0, 52.0)):
        actual += _rows("Actual", "referrals", "month", period, start, [(0.5, ref)])
        actual += _rows("Actual", "cla_open", "month", period, start, [(0.5, cla)])
    table = []
    months = (("2021-01", "2021-01-01"), ("2021-02", "2021-02-01"), ("2021-03", "2021-03-01"),
              ("2021-04", "2021-04-01"))
    for i, (period, start) in enumerate(months):
        table += _rows("Steady", "referrals", "month", period, start,
                       [(0.9, 40.0 + i), (0.1, 20.0 + i), (0.5, 30.0 + i)])
        table += _rows("Steady", "cla_open", "month", period, start, [(0.1, 48.0), (0.5, 53.0 + i), (0.9, 58.0)])
    table += _rows("Steady", "referrals", "fy", "2020-21", "2020-04-01", [(0.1, 70.0), (0.5, 93.0), (0.9, 110.0)])
    table += _rows("Steady", "referrals", "fy", "2021-22", "2021-04-01", [(0.1, 300.0), (0.5, 360.0), (0.9, 420.0)])
    table += _rows("Steady", "cla_open", "fy", "2020-21", "2020-04-01", [(0.1, 48.0), (0.5, 55.0), (0.9, 58.0)])
    table += _rows("Steady", "cla_open", "fy", "2021-22", "2021-04-01", [(0.1, 40.0), (0.5, 60.0), (0.9, 80.0)])
    cols = list(FORECAST_COLUMNS)
    return Forecast(table=pd.DataFrame(table, columns=cols), actuals=pd.DataFrame(actual, columns=cols),
                    extract_date=pd.Timestamp("2020-12-31"), scenarios=(Scenario(name="Steady"),),
                    estimates=None, draws=10, seed=1, months=4)
