"""The model against the actual stocks of the last six months in the reports: the Excel sheet and its charts, the
HTML section (a forecast carrying a window-fit table made by hand)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries
from report_factory import make_forecast

from csc_demand.report import tables_view as tv
from csc_demand.report.excel import write_excel
from csc_demand.report.html import render_html

DATES = pd.to_datetime(["2020-06-30", "2020-07-07", "2020-07-14", "2020-12-29", "2020-12-31"])
SUMMARY = {"cp_open": "Over the last six months the model's path stays within 4% of the actual number of open child "
                      "protection plans (largest gap 9 plans on 14 Jul 2020, the model above the actual).",
           "cla_open": "Over the last six months the model's path stays within 2% of the actual number of children "
                       "looked after (largest gap 7 children on 29 Dec 2020, the model below the actual)."}


def _fit() -> pd.DataFrame:
    cp = pd.DataFrame({"measure": "cp_open", "date": DATES, "actual": [250.0, 251, 243, 260, 262],
                       "model": [250.0, 252.5, 252.25, 258.125, 259.5]})
    cla = pd.DataFrame({"measure": "cla_open", "date": DATES, "actual": [470.0, 471, 472, 480, 479],
                        "model": [470.0, 470.5, 471.75, 473, 474.5]})
    fit = pd.concat([cp, cla], ignore_index=True)
    fit.attrs.update(summary=dict(SUMMARY), start=DATES[0], end=DATES[-1])
    return fit


@pytest.fixture(scope="module")
def fitted():
    return dataclasses.replace(make_forecast(draws=50, months=12, seed=5), window_fit=_fit())


@pytest.fixture(scope="module")
def book(fitted, tmp_path_factory):
    return openpyxl.load_workbook(write_excel(fitted, tmp_path_factory.mktemp("fit") / "r.xlsx"))


def test_excel_sheet_holds_the_sentences_and_figures(book):
    names = book.sheetnames
    assert names[names.index("Estimates") + 1] == "Model against actual"
    ws = book["Model against actual"]
    assert ws["A1"].value == "Model against actual (last six months)"
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert SUMMARY["cp_open"] in texts and SUMMARY["cla_open"] in texts
    (header,) = [c.row for c in ws["A"] if c.value == "Date"]
    assert [c.value for c in ws[header]] == ["Date", "Open child protection plans: actual",
                                            "Open child protection plans: model", "Children looked after: actual",
                                            "Children looked after: model"]
    fit = _fit()
    for i, d in enumerate(DATES):
        row = [c.value for c in ws[header + 1 + i]]
        assert row[0] == d.to_pydatetime() and isinstance(row[0], dt.datetime)
        expect = [fit.loc[(fit["measure"] == m) & (fit["date"] == d), k].item()
                  for m in ("cp_open", "cla_open") for k in ("actual", "model")]
        assert row[1:] == expect
        assert all(ws.cell(header + 1 + i, c).data_type == "n" for c in range(2, 6))
    assert ws.cell(header + 1 + len(DATES), 1).value is None


def test_excel_line_chart_per_measure(book):
    ws = book["Model against actual"]
    (header,) = [c.row for c in ws["A"] if c.value == "Date"]
    first, last = header + 1, header + len(DATES)
    charts = ws._charts
    assert len(charts) == 2
    for chart, col, label in zip(charts, (2, 4), ("Open child protection plans", "Children looked after"),
                                 strict=True):
        assert chart.tagname == "lineChart"
        title = "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
        assert title == f"{label}: model against actual"
        assert [s.tx.v for s in chart.series] == ["Actual", "Model"]
        for s, c in zip(chart.series, (col, col + 1), strict=True):
            sheet, rng = s.val.numRef.f.split("!")
            assert sheet.strip("'") == "Model against actual"
            assert range_boundaries(rng) == (c, first, c, last)
            assert range_boundaries(s.cat.numRef.f.split("!")[1]) == (1, first, 1, last)
        assert chart.x_axis.title is not None and chart.y_axis.title is not None


def test_excel_without_the_table_has_no_such_sheet(tmp_path):
    book = openpyxl.load_workbook(write_excel(make_forecast(draws=20, months=6), tmp_path / "r.xlsx"))
    assert "Model against actual" not in book.sheetnames


def test_html_section_with_a_chart_and_sentence_per_measure(fitted):
    page = render_html(fitted)
    plain = render_html(dataclasses.replace(fitted, window_fit=None))
    assert 'id="window-fit"' in page and 'href="#window-fit"' in page
    assert 'id="window-fit"' not in plain
    section = page[page.index('<section id="window-fit"'):]
    section = section[:section.index("</section>")]
    assert "Model against actual (last six months)</h2>" in section
    for m, label in (("cp_open", "Open child protection plans"), ("cla_open", "Children looked after")):
        assert f"<p>{escape(SUMMARY[m])}</p>" in section
        assert f'<title id="fit-{m}-chart-title">{escape(label)}: model against actual</title>' in section
        assert f'aria-describedby="fit-{m}-chart-desc"' in section
    assert section.count('role="img"') == 2
    assert page.count('role="img"') == plain.count('role="img"') + 2
    # the figures: the model's expected values with a decimal, the actual counts whole
    assert '<td class="num">252.5</td>' in section and '<td class="num">243</td>' in section
    assert section.count("<path d=") == 4   # actual and model, per chart
    # each path has one point per date
    paths = [p.split('"')[1] for p in section.split("<path d=")[1:]]
    assert all(p.count("L") == len(DATES) - 1 and p.startswith("M") for p in paths)


def test_views_of_the_table():
    fit = _fit()
    assert tv.window_fit_measures(fit) == ["cp_open", "cla_open"]
    assert tv.window_fit_measures(None) == [] and tv.window_fit_measures(fit.iloc[0:0]) == []
    table = tv.window_fit_table(fit)
    assert list(table["Date"]) == list(DATES)
    np.testing.assert_array_equal(table["Children looked after: model"], [470.0, 470.5, 471.75, 473, 474.5])
    short = fit.copy()
    short.attrs.update(start=pd.Timestamp("2020-09-01"), end=pd.Timestamp("2020-12-31"))
    assert tv.window_fit_heading(short) == "Model against actual (1 Sep 2020 to 31 Dec 2020)"
