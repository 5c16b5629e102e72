"""The reports on the real pipeline: simulated LA → Annex A workbook → reader → engine → Excel, HTML, CSV."""

from __future__ import annotations

import dataclasses
import re
import zipfile
import datetime as dt
from html import escape

import numpy as np
import openpyxl
import pandas as pd
import pytest
from report_factory import make_forecast

from csc_demand.io import read_annex_a
from csc_demand.model import backtest, estimate, estimates_table, forecast
from csc_demand.report import tables_view as tv
from csc_demand.report import write_report
from csc_demand.report.excel import MEASURE_SHEETS, write_excel
from csc_demand.report.html import _fmt, render_html
from csc_demand.scenario import builtin_scenarios
from csc_demand.tables import MEASURE_LABELS
from csc_demand.synth import simulate, write_annex_a


@pytest.fixture(scope="module")
def world():
    return simulate("small", seed=1)


@pytest.fixture(scope="module")
def annex(world, tmp_path_factory):
    folder = tmp_path_factory.mktemp("annex")
    path = write_annex_a(world, world.end, folder / "annex_a.xlsx")
    with pytest.MonkeyPatch.context() as mp:  # a throwaway pseudonymisation key, not the user's
        mp.setenv("CSC_DEMAND_KEY_FILE", str(folder / "pseudonym.key"))
        return read_annex_a(path)


@pytest.fixture(scope="module")
def estimates(annex):
    return estimate(annex)


@pytest.fixture(scope="module")
def engine_forecast(annex, estimates):
    fc = forecast(estimates, list(builtin_scenarios(annex.extract_date.date()).values()), months=27, draws=200, seed=2)
    if fc.quality is None:  # the reports show the reader's findings when the forecast carries them
        fc = dataclasses.replace(fc, quality=annex.quality)
    return fc


def test_estimates_sheet_and_section_list_every_estimate(estimates, tmp_path):
    fc = dataclasses.replace(make_forecast(draws=50, months=12), estimates=estimates)
    table = estimates_table(estimates)
    ws = openpyxl.load_workbook(write_excel(fc, tmp_path / "r.xlsx"))["Estimates"]
    header = [c.value for c in ws[3]]
    assert header[:4] == ["Estimate", "Value", "Low (80% interval)", "High (80% interval)"]
    for i, row in enumerate(table.itertuples(index=False)):
        cells = ws[4 + i]
        assert cells[0].value == row.estimate and cells[1].value == pytest.approx(row.value, rel=1e-14)
        assert cells[1].data_type == "n"
        assert (cells[2].value is None) if np.isnan(row.low_80) else cells[2].value == pytest.approx(row.low_80)
        assert (cells[5].value or "") == row.explanation
    # every sentence the engine gives is on the sheet: in the table or listed under it
    texts = {c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)}
    assert set(estimates.explain()) <= texts
    page = render_html(fc)
    assert 'id="estimates"' in page
    assert all(escape(s) in page for s in estimates.explain())


def test_all_three_outputs_from_the_engine(engine_forecast, tmp_path):
    fc = engine_forecast
    xlsx = write_report(fc, tmp_path / "report.xlsx")
    html_path = write_report(fc, tmp_path / "report.html")
    csv_path = write_report(fc, tmp_path / "forecast.csv")

    wb = openpyxl.load_workbook(xlsx)
    assert {"Summary", *MEASURE_SHEETS.values(), "Costs per year", "Costs per month",
            "CIN and social workers", "Estimates", "Backtest", "Data quality"} <= set(wb.sheetnames)
    # the monthly table of open plans equals the engine's numbers, cell by cell
    ws = wb[MEASURE_SHEETS["cp_open"]]
    wide = tv.monthly_table(fc, "cp_open")
    got = np.array([[np.nan if c.value is None else c.value for c in row]
                    for row in ws.iter_rows(min_row=3, max_row=2 + len(wide), min_col=2,
                                            max_col=1 + wide.shape[1])], dtype=float)
    np.testing.assert_allclose(got, wide.to_numpy(dtype=float), rtol=1e-14)  # Excel keeps 15-16 digits
    months = [ws.cell(3 + i, 1).value for i in range(len(wide))]
    assert months == [s.to_pydatetime() for s in wide.index.get_level_values("period_start")]
    assert all(isinstance(m, dt.datetime) for m in months)
    assert len(ws._charts) == 1
    assert wb["Estimates"]["A4"].value == estimates_table(fc.estimates)["estimate"].iloc[0]

    page = html_path.read_text(encoding="utf-8")
    head = tv.headline_table(fc)
    assert len(head) > 0
    for v in head.to_numpy(dtype=float).ravel():
        assert f'<td class="num">{_fmt(v)}</td>' in page
    # a chart per measure (children in need with the social workers they need), costs and social workers, and the
    # model against actual for open plans and children looked after
    assert tv.window_fit_measures(fc.window_fit) == ["cp_open", "cla_open"]
    assert "Model against actual" in wb.sheetnames and 'id="window-fit"' in page
    assert page.count('role="img"') == len(tv.measures_present(fc)) + 2 + 2

    back = pd.read_csv(csv_path, encoding="utf-8-sig", converters={"value": float})
    assert len(back) == len(fc.table) + len(fc.actuals)
    np.testing.assert_array_equal(back["value"].to_numpy(),
                                  pd.concat([fc.actuals, fc.table])["value"].to_numpy())


def test_no_child_level_identifier_in_any_output(world, annex, engine_forecast, tmp_path):
    pseudonyms = set().union(*(set(t["child_id"].dropna().astype(str)) for t in annex.tables.values()))
    raw_ids = set(world.children["child_id"].astype(str))
    assert len(pseudonyms) > 100 and len(raw_ids) > 100
    texts = []
    with zipfile.ZipFile(write_report(engine_forecast, tmp_path / "r.xlsx")) as z:
        texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    texts.append(write_report(engine_forecast, tmp_path / "r.html").read_text(encoding="utf-8"))
    texts.append(write_report(engine_forecast, tmp_path / "r.csv").read_text(encoding="utf-8-sig"))
    for text in texts:
        assert not set(re.findall(r"[0-9a-f]{16}", text)) & pseudonyms
        assert not set(re.findall(r"[A-Za-z]*\d{4,}", text)) & raw_ids


def test_backtest_sheet_shows_the_engine_backtest(annex, engine_forecast, tmp_path):
    bt = backtest(annex, draws=100)
    fc = dataclasses.replace(engine_forecast, backtest=bt)
    ws = openpyxl.load_workbook(write_report(fc, tmp_path / "r.xlsx"))["Backtest"]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["Measure", "Horizon (months)", "Cutoffs", "MAPE median (%)", "Bias median (%)",
                          "Scaled error"]
    rows = [r[0].value for r in ws.iter_rows(min_row=4)]
    assert rows.index(None) == len(bt)   # the table, then a blank row and the notes
    for i, row in enumerate(bt.itertuples(index=False)):
        cells = ws[4 + i]
        assert cells[0].value == MEASURE_LABELS[row.measure]
        assert cells[1].value == row.horizon_months
        for c, value in ((3, row.mape_median_pct), (4, row.bias_median_pct), (5, row.scaled_error)):
            assert (cells[c].value is None) if np.isnan(value) else (cells[c].value == pytest.approx(value))
    # one extract: one cut date, so the sheet and the page carry the backtest's caution and say what bias means
    caution = bt.attrs["caution"]
    assert caution.startswith("Only 1 cut date:")
    assert caution in ws["A1"].value
    assert any(r and r.startswith("Bias median: the mean signed percentage error") for r in rows)
    page = write_report(fc, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "MAPE median (%)" in page and "Open child protection plans (end of period)" in page
    assert "Bias median (%)" in page and "Scaled error" in page
    assert f"<strong>Caution:</strong> {escape(caution)}" in page


@pytest.mark.parametrize("months", [1, 2])
def test_short_horizons_write_every_report(annex, estimates, months, tmp_path):
    # one or two months reach no financial year end: no yearly cost chart, and no crash (EmptyChartSeries)
    fc = forecast(estimates, list(builtin_scenarios(annex.extract_date.date()).values())[:2], months=months, draws=50, seed=2)
    old = tmp_path / "r.xlsx"
    write_report(make_forecast(draws=20, months=12), old)
    for name in ("r.xlsx", "r.html", "r.csv", "r.json"):
        path = write_report(fc, tmp_path / name)
        assert path.stat().st_size > 100
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert "Costs per year" in book.sheetnames
    notes = [c.value for row in book["Costs per year"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("does not reach the end of a financial year" in v for v in notes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.html", "r.json", "r.xlsx"]


def test_reports_name_a_file_whose_name_is_not_utf8(world, annex, estimates, tmp_path):
    # Linux file names are bytes; one that is not UTF-8 must not crash the Excel and HTML reports
    import os
    import shutil
    import sys

    if sys.platform in ("win32", "darwin"):
        pytest.skip("file names are always Unicode here")
    odd = os.fsdecode(os.fsencode(tmp_path) + b"/annex_\xff_2020-12-31.xlsx")
    try:
        shutil.copyfile(write_annex_a(world, world.end, tmp_path / "a.xlsx"), odd)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CSC_DEMAND_KEY_FILE", str(tmp_path / "pseudonym.key"))
        read = read_annex_a(odd, extract_date=annex.extract_date)
    fc = forecast(estimates, list(builtin_scenarios(annex.extract_date.date()).values())[:1], months=6, draws=50, seed=2)
    fc = dataclasses.replace(fc, quality=read.quality)
    for name in ("r.xlsx", "r.html", "r.csv", "r.json"):
        write_report(fc, tmp_path / name)
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert any("annex_\ufffd_2020-12-31.xlsx" in str(c.value) for ws in openpyxl.load_workbook(tmp_path / "r.xlsx")
               for row in ws.iter_rows() for c in row)
