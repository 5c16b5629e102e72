"""Forecasts with less in them: no actuals, other quantiles, one measure, no quality report or backtest."""

from __future__ import annotations

import dataclasses

import numpy as np
import openpyxl
import pandas as pd
import pytest
from report_factory import make_tiny_forecast

from csc_demand.errors import CscDemandError
from csc_demand.report import write_report
from csc_demand.report import tables_view as tv
from csc_demand.report.html import render_html
from csc_demand.tables import FORECAST_COLUMNS, Forecast


def _sparse_forecast() -> Forecast:
    """One scenario, referrals only, quantiles 5/50/95, no actuals, no FY rows, nothing else attached."""
    starts = pd.date_range("2021-01-01", periods=5, freq="MS")
    qs = (0.05, 0.5, 0.95)
    table = pd.DataFrame({
        "scenario": "Only", "measure": "referrals", "period_type": "month",
        "period": np.repeat([s.strftime("%Y-%m") for s in starts], 3), "period_start": np.repeat(starts, 3),
        "breakdown": "total", "group": "All", "quantile": np.tile(qs, 5),
        "value": np.arange(15, dtype=float) + 100})[list(FORECAST_COLUMNS)]
    return Forecast(table=table, actuals=table.iloc[0:0], extract_date=pd.Timestamp("2020-12-31"), scenarios=(),
                    estimates=None, draws=10, seed=1, months=5)


@pytest.mark.parametrize("suffix", [".xlsx", ".html", ".csv"])
def test_sparse_forecast_writes(tmp_path, suffix):
    path = write_report(_sparse_forecast(), tmp_path / f"r{suffix}")
    assert path.stat().st_size > 0


def test_sparse_forecast_band_uses_the_quantiles_there_are(tmp_path):
    fc = _sparse_forecast()
    wb = openpyxl.load_workbook(write_report(fc, tmp_path / "r.xlsx"))
    assert "Referrals" in wb.sheetnames and "Costs per year" not in wb.sheetnames
    ws = wb["Referrals"]
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["Month", "P5", "Median", "P95"]
    names = [s.tx.v for s in ws._charts[0].series]
    assert names == ["Median: Only", "P5 to P95: Only", "P95: Only"]
    texts = [c.value for row in wb["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "The forecast does not reach the end of a financial year, so there are no yearly figures." in texts
    assert wb["Data quality"]["A3"].value == "No data-quality report was supplied with this forecast."
    page = render_html(fc)
    assert "Only: median, shaded P5 to P95" in page and "(P5 100, P95 102)" not in page
    assert "(P5 112, P95 114)" in page  # the last month's band in the chart's description
    assert "no yearly figures" in page


def test_headline_empty_when_forecast_ends_before_march():
    fc = make_tiny_forecast()
    fc = dataclasses.replace(fc, table=fc.table.loc[fc.table["period_start"] < pd.Timestamp("2021-03-01")])
    assert tv.headline_table(fc).empty


def test_a_scenario_called_actual_is_refused(tmp_path):
    # the scenario itself refuses the name, before any report is made
    with pytest.raises(CscDemandError, match="cannot be called 'Actual'"):
        make_tiny_forecast("Actual")
    assert not (tmp_path / "r.xlsx").exists()
