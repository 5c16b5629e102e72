"""The timeline of what was observed when in the Excel and HTML reports: the extracts' windows with each gap
named, and the months of the monthly figures (a forecast carrying a timeline made from a hand-made AnnexA)."""

from __future__ import annotations

import dataclasses
from html import escape

import openpyxl
import pandas as pd
import pytest
from report_factory import make_forecast

from csc_demand.report import tables_view as tv
from csc_demand.report.excel import write_excel
from csc_demand.report.html import render_html
from csc_demand.tables import AnnexA, Extract, MonthlyHistory, QualityReport, observed_timeline, window_start

WINDOWS = ("30 Dec 2019 – 30 Jun 2020 · gap of 6 months (1 Jul – 29 Dec 2020) · 30 Dec 2020 – 30 Jun 2021")
MONTHLY = "Apr 2017–Jul 2019 (28 months) · gap of 3 months (Aug–Oct 2019) · Nov 2019–Jun 2021 (20 months)"


def _timeline() -> list[dict]:
    months = pd.date_range("2017-04-01", "2021-06-01", freq="MS")
    months = months[(months < "2019-08-01") | (months > "2019-10-01")]
    history = MonthlyHistory(table=pd.DataFrame({"referrals": 100.0}, index=pd.DatetimeIndex(months, name="month")),
                             source="history.csv")
    ex = [Extract(pd.Timestamp(d), window_start(pd.Timestamp(d)), "file name") for d in ("2020-06-30", "2021-06-30")]
    annex = AnnexA(tables={}, extract_date=ex[-1].extract_date, extract_date_source="file name", extracts=ex,
                   quality=QualityReport(), history=history)
    return observed_timeline(annex)


@pytest.fixture(scope="module")
def with_timeline():
    return dataclasses.replace(make_forecast(draws=50, months=12, seed=6), timeline=_timeline())


def test_the_view_gives_both_lines(with_timeline):
    assert tv.timeline_facts(with_timeline) == [("Observed windows", WINDOWS), ("Months of monthly figures", MONTHLY)]
    assert tv.timeline_facts(dataclasses.replace(with_timeline, timeline=None)) == []


def test_excel_summary_shows_the_timeline(with_timeline, tmp_path):
    path = write_excel(with_timeline, tmp_path / "report.xlsx")
    ws = openpyxl.load_workbook(path)["Summary"]
    cells = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    rows = {v: r for (r, col), v in cells.items() if col == 1}
    assert cells[(rows["Observed windows"], 2)] == WINDOWS
    assert cells[(rows["Months of monthly figures"], 2)] == MONTHLY


def test_html_shows_the_timeline(with_timeline):
    page = render_html(with_timeline)
    assert f"<dt>Observed windows</dt><dd>{escape(WINDOWS)}</dd>" in page
    assert f"<dt>Months of monthly figures</dt><dd>{escape(MONTHLY)}</dd>" in page


def test_no_timeline_no_lines(tmp_path):
    plain = make_forecast(draws=50, months=12, seed=6)
    assert "Observed windows" not in render_html(plain)
    ws = openpyxl.load_workbook(write_excel(plain, tmp_path / "plain.xlsx"))["Summary"]
    assert "Observed windows" not in [c.value for row in ws.iter_rows() for c in row]
