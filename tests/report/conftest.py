"""Fixtures for the report tests: Forecast objects built by hand (see report_factory.py)."""

from __future__ import annotations

import pytest
from report_factory import HOSTILE_NAME, make_forecast, make_tiny_forecast

from csc_demand.tables import Forecast


@pytest.fixture(scope="session")
def forecast() -> Forecast:
    """Three scenarios, 36 months, month and FY rows, totals and breakdowns, 24 months of actuals."""
    return make_forecast(draws=200, seed=3)


@pytest.fixture(scope="session")
def hostile_forecast() -> Forecast:
    """The same shape, with scenario names that a spreadsheet or a browser could misread."""
    return make_forecast(draws=50, seed=4, scenario_names=[HOSTILE_NAME, "<script>alert(1)</script> & co",
                                                           "@risk -10%"])


@pytest.fixture()
def tiny_forecast() -> Forecast:
    """Two months of actuals (Nov, Dec 2020) and four forecast months for one scenario, written out by hand."""
    return make_tiny_forecast()
