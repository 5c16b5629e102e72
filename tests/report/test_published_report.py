"""The published figures beside the forecast in the Excel, HTML and JSON reports and the text (a table by hand)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from report_factory import make_tiny_forecast

from csc_demand.national.compare import PUBLISHED_COLUMNS
from csc_demand.report import forecast_json, write_report
from csc_demand.report.tables_view import published_sentences, published_table

NAN = np.nan


def _published() -> pd.DataFrame:
    """Kent's children looked after and referrals, 2019–2021, written out by hand (published up to 2020)."""
    rows = [
        # measure, year, published, p10, p50, p90 (from published), lists, p10, p50, p90 (this forecast)
        ("cla_at_31_march", "cla_open", 2019, 1588.0, NAN, NAN, NAN, NAN, NAN, NAN, NAN),
        ("cla_at_31_march", "cla_open", 2020, 1806.0, NAN, NAN, NAN, 45.0, NAN, NAN, NAN),
        ("cla_at_31_march", "cla_open", 2021, 1662.0, 1664.0, 1823.0, 1996.0, NAN, 48.0, 55.0, 58.0),
        ("referrals", "referrals", 2019, 18000.0, NAN, NAN, NAN, NAN, NAN, NAN, NAN),
        ("referrals", "referrals", 2020, 19000.0, NAN, NAN, NAN, NAN, NAN, NAN, NAN),
        ("referrals", "referrals", 2021, NAN, 17000.0, 19500.0, 22000.0, NAN, NAN, NAN, NAN),
    ]
    t = pd.DataFrame(rows, columns=["measure", "annex_measure", "year", "published", "published_p10",
                                    "published_p50", "published_p90", "annex_a_actual", "annex_a_p10",
                                    "annex_a_p50", "annex_a_p90"])
    t = t.assign(la_code="E10000016", la_name="Kent", scenario="Steady", published_through=2020,
                 date=pd.to_datetime({"year": t["year"], "month": 3, "day": 31}))
    return t[list(PUBLISHED_COLUMNS)]


@pytest.fixture()
def kent():
    return dataclasses.replace(make_tiny_forecast(), published=_published(), la_name="Kent")


def test_sentences_only_for_the_years_this_forecast_covers(kent) -> None:
    assert published_sentences(kent) == [
        ("Children looked after at 31 March 2021: forecast from the published figures 1,823 (1,664 to 1,996); "
         "this forecast 55 (48 to 58); published 1,662.")]
    assert published_sentences(make_tiny_forecast()) == []


def test_json_key(kent) -> None:
    j = forecast_json(kent)
    p = j["published"]
    assert (p["la_code"], p["la_name"], p["through"]) == ("E10000016", "Kent", 2020)
    row = next(r for r in p["rows"] if r["measure"] == "cla_at_31_march" and r["year"] == 2021)
    assert row == {"scenario": "Steady", "measure": "cla_at_31_march", "year": 2021, "published": 1662,
                   "published_p10": 1664, "published_p50": 1823, "published_p90": 1996, "annex_a_actual": None,
                   "annex_a_p10": 48, "annex_a_p50": 55, "annex_a_p90": 58}
    json.dumps(j)   # plain JSON: no NaN
    assert "published" not in forecast_json(make_tiny_forecast())


def test_excel_sheet_has_the_numbers_and_a_chart(kent, tmp_path) -> None:
    path = write_report(kent, tmp_path / "kent.xlsx")
    wb = load_workbook(path)
    ws = wb["Published figures"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(cells) if r[0] == "Scenario")
    assert cells[header][:11] == ["Scenario", "Measure", "31 March", *published_table(kent).columns[3:]]
    row = next(r for r in cells[header + 1:] if r[1] == "Children looked after at 31 March" and r[2].year == 2021)
    assert row[3:11] == [1662, 1664, 1823, 1996, None, 48, 55, 58]
    assert "Kent (E10000016)" in cells[0][0]
    assert len(ws._charts) == 1   # one stock here (children looked after); the referrals are a flow
    assert "Published figures" not in load_workbook(write_report(make_tiny_forecast(), tmp_path / "x.xlsx")).sheetnames


def test_html_section_with_chart_and_table(kent, tmp_path) -> None:
    page = write_report(kent, tmp_path / "kent.html").read_text(encoding="utf-8")
    section = page[page.index('<section id="published"'):]
    section = section[:section.index("</section>")]
    assert 'href="#published"' in page
    assert 'id="published-cla_at_31_march-chart-title"' in section and "Published by the DfE" in section
    assert "cp_at_31_march-chart" not in section   # no figures for it: no empty chart
    for number in ("1,662", "1,823", "1,996", "55", "48", "58", "45"):
        assert f'<td class="num">{number}</td>' in section
    assert "this forecast 55 (48 to 58)" in section
    assert '<section id="published"' not in write_report(make_tiny_forecast(), tmp_path / "x.html").read_text(
        encoding="utf-8")
