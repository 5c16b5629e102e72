"""The Excel report, read back with openpyxl: sheets, charts and their ranges, values, types, escaping."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.cell import range_boundaries
from report_factory import HOSTILE_NAME

from csc_demand.errors import CscDemandError
from csc_demand.report import tables_view as tv
from csc_demand.report.excel import MEASURE_SHEETS, safe_sheet_name, write_excel
from csc_demand.tables import MEASURE_LABELS

SHEETS = ["Summary", *MEASURE_SHEETS.values(), "Breakdowns per year", "Costs per year", "Costs per month", "Workforce", "Estimates",
          "Backtest", "Data quality"]


@pytest.fixture(scope="module")
def book(forecast, tmp_path_factory):
    path = write_excel(forecast, tmp_path_factory.mktemp("xlsx") / "report.xlsx")
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def hostile_book(hostile_forecast, tmp_path_factory):
    path = write_excel(hostile_forecast, tmp_path_factory.mktemp("xlsx") / "hostile.xlsx")
    return openpyxl.load_workbook(path)


def _long_lookup(forecast, measure, period_type="month"):
    long = tv.long_table(forecast)
    sub = long.loc[(long["measure"] == measure) & (long["period_type"] == period_type)]
    return {(r.scenario, r.group, round(r.quantile, 6), pd.Timestamp(r.period_start) if period_type == "month"
             else r.period): r.value for r in sub.itertuples()}


def test_sheets_exist(book):
    assert book.sheetnames == SHEETS


@pytest.mark.parametrize("measure", list(MEASURE_SHEETS))
def test_measure_sheet_values_types_and_chart(book, forecast, measure):
    ws = book[MEASURE_SHEETS[measure]]
    lookup = {k: v for k, v in _long_lookup(forecast, measure).items()}
    lookup = {k: v for k, v in lookup.items() if k[1] == "All"}
    assert ws.freeze_panes == "B3"
    # header: row 1 scenario names (merged), row 2 quantile labels; data from row 3
    scenario_of, label_of = {}, {}
    current = None
    for c in range(2, ws.max_column + 1):
        top = ws.cell(1, c).value
        current = top if top is not None else current
        scenario_of[c], label_of[c] = current, ws.cell(2, c).value
    q_of = {"Actual": 0.5, "P10": 0.1, "Median": 0.5, "P90": 0.9}
    n_rows = 24 + 36
    checked = 0
    for r in range(3, 3 + n_rows):
        month = ws.cell(r, 1)
        assert isinstance(month.value, dt.datetime) and month.number_format == "mmm yyyy"
        for c in range(2, ws.max_column + 1):
            cell = ws.cell(r, c)
            key = (scenario_of[c], "All", q_of[label_of[c]], pd.Timestamp(month.value))
            if key in lookup:
                assert cell.data_type == "n" and isinstance(cell.value, (int, float))
                assert cell.value == pytest.approx(lookup.pop(key), rel=1e-12)
                assert cell.number_format == "#,##0"
                checked += 1
            else:
                assert cell.value is None
    assert not lookup and checked > 0  # every number of the forecast is on the sheet
    assert ws.cell(3 + n_rows, 1).value is None

    (chart,) = ws._charts
    names = [s.tx.v for s in chart.series]
    scen = [s.name for s in forecast.scenarios]
    assert names[0] == "Actual" and f"Median: {scen[0]}" in names and f"P10 to P90: {scen[0]}" in names
    for s in chart.series:
        sheet, rng = s.val.numRef.f.split("!")
        assert sheet.strip("'") == ws.title
        min_col, min_row, max_col, max_row = range_boundaries(rng)
        assert (min_col, min_row, max_row) == (max_col, 3, 2 + n_rows)
        _, cat = s.cat.numRef.f.split("!")
        assert range_boundaries(cat) == (1, 3, 1, 2 + n_rows)
        # the series' column holds what its name says
        name = s.tx.v
        if name == "Actual":
            assert scenario_of[min_col] == "Actual"
        else:
            kind, scen_name = name.split(": ", 1)
            assert scenario_of[min_col] == scen_name
            assert label_of[min_col] == {"Median": "Median", "P10 to P90": "P10", "P90": "P90"}[kind]
    assert chart.x_axis.title is not None and chart.y_axis.title is not None and chart.legend is not None


def test_summary_headline_equals_forecast(book, forecast):
    ws = book["Summary"]
    head = tv.headline_table(forecast)
    rows = [r for r in ws.iter_rows(values_only=False) if r[0].value == "Measure"]
    (header,) = rows
    first = header[0].row + 2
    values = head.to_numpy(dtype=float)
    for i, (measure, period, start) in enumerate(head.index):
        row = ws[first + i]
        assert row[1].value == period
        assert row[2].value == dt.datetime(start.year + 1, 3, 31)
        got = [c.value for c in row[3:3 + values.shape[1]]]
        assert all(c.data_type == "n" for c in row[3:3 + values.shape[1]])
        np.testing.assert_allclose(got, values[i], rtol=1e-12)
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Exampleshire" in texts
    for s in forecast.scenarios:  # every assumption sentence is on the front sheet
        assert s.name in texts and all(sentence in texts for sentence in s.describe())
    assert any("List 3: Referral" == t for t in texts)


def test_costs_per_year(book, forecast):
    ws = book["Costs per year"]
    assert ws["A1"].value.startswith("Costs per financial year")
    # header: row 3 quantile (merged: Median first), row 4 financial years; a row per (scenario, cost group)
    years = ["2020-21", "2021-22", "2022-23", "2023-24"]
    assert [ws.cell(3, c).value for c in (3, 7, 11)] == ["Median", "P10", "P90"]
    assert [ws.cell(4, c).value for c in range(3, 15)] == years * 3
    assert ws.freeze_panes == "C5"
    lookup = _long_lookup(forecast, "cost_gbp", "fy")
    q_of = {3: 0.5, 7: 0.1, 11: 0.9}
    n = 0
    for r in range(5, ws.max_row + 1):
        scen, group = ws.cell(r, 1).value, ws.cell(r, 2).value
        if scen is None:
            break
        for c in range(3, 15):
            q = q_of[3 + 4 * ((c - 3) // 4)]
            key = (scen, "All" if group == "Total" else group, q, ws.cell(4, c).value)
            assert ws.cell(r, c).value == pytest.approx(lookup.pop(key), rel=1e-14)
            assert ws.cell(r, c).number_format == '"£"#,##0'
            n += 1
    assert not lookup and n == 3 * 7 * 12  # every yearly cost figure, once
    assert ws["B5"].value == "Total" and ws["A5"].value == forecast.scenarios[0].name
    (chart,) = ws._charts
    assert chart.tagname == "barChart"
    total_rows = [r for r in range(5, ws.max_row + 1) if ws.cell(r, 2).value == "Total"]
    for s, r in zip(chart.series, total_rows, strict=True):
        assert s.tx.v == f"Median: {ws.cell(r, 1).value}"
        assert s.val.numRef.f.split("!")[1] == f"$C${r}:$F${r}"
        assert s.cat.strRef.f.split("!")[1] == "$C$4:$F$4"


def test_breakdowns_per_year(book, forecast):
    ws = book["Breakdowns per year"]
    scen = [s.name for s in forecast.scenarios]
    years = ["2020-21", "2021-22", "2022-23", "2023-24"]
    assert [ws.cell(3, c).value for c in (1, 2, 3, 4, 8, 12)] == ["Measure", "Breakdown", "Group", *scen]
    assert [ws.cell(4, c).value for c in range(4, 16)] == years * 3
    assert ws.freeze_panes == "D5"
    long = forecast.table  # forecasts only: the actuals have no breakdowns per year in the report
    sub = long.loc[(long["period_type"] == "fy") & (long["breakdown"] != "total") & (long["quantile"] == 0.5)
                   & (long["measure"] != "cost_gbp")]
    lookup = {(r.measure, r.group, r.scenario, r.period): r.value for r in sub.itertuples()}
    codes = {v: k for k, v in MEASURE_LABELS.items()}
    n = 0
    for r in range(5, ws.max_row + 1):
        measure = codes[ws.cell(r, 1).value]
        assert ws.cell(r, 2).value in ("Referral source", "Placement group", "Age band")
        for c in range(4, 16):
            key = (measure, ws.cell(r, 3).value, scen[(c - 4) // 4], ws.cell(4, c).value)
            assert ws.cell(r, c).value == pytest.approx(lookup.pop(key), rel=1e-14)
            n += 1
    assert not lookup and n == len(sub)
    assert ws["A5"].value == "Referrals" and ws["C5"].value == "Police"


def test_costs_per_month_and_workforce(book, forecast):
    ws = book["Costs per month"]
    assert len(ws._charts) == 1 and isinstance(ws["A6"].value, dt.datetime)
    # per scenario: Total P10, Median, P90, then the median of each of the 6 cost groups
    assert [ws.cell(4, c).value for c in range(2, 12)] == ["Total", None, None, "Fostering", "Residential",
                                                          "Supported accommodation", "Placed with parents", "Other",
                                                          "Child protection plans", "Total"]
    assert [ws.cell(5, c).value for c in range(2, 6)] == ["P10", "Median", "P90", "Median"]
    lookup = _long_lookup(forecast, "cost_gbp")
    key = (forecast.scenarios[0].name, "Fostering", 0.5, pd.Timestamp(ws["A6"].value))
    assert ws["E6"].value == pytest.approx(lookup[key], rel=1e-14)
    ws = book["Workforce"]
    lookup = _long_lookup(forecast, "social_workers")
    assert ws["B4"].value == "P10"
    key = (forecast.scenarios[0].name, "All", 0.1, pd.Timestamp(ws["A5"].value))
    assert ws["B5"].value == pytest.approx(lookup[key]) and ws["B5"].number_format == "#,##0.0"
    assert len(ws._charts) == 1


def test_quality_and_backtest_sheets(book, forecast):
    ws = book["Data quality"]
    header = [c.value for c in ws[3]]
    assert header[:6] == ["Severity", "File", "Sheet", "Row", "Column", "Message"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    assert len(rows) == len(forecast.quality.problems)
    p = forecast.quality.problems[0]
    assert rows[0][:6] == [p.severity, p.file, p.sheet, p.row, p.column, p.message]
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:G{3 + len(rows)}"
    # a message that looks like a formula stays text
    assert ws.cell(6, 6).data_type == "s" and ws.cell(6, 6).value.startswith("=SUM")
    ws = book["Backtest"]
    bt = forecast.backtest
    assert ws.cell(4, 1).value == "Open child protection plans (end of period)"  # bt.loc[0, "measure"] is cp_open
    assert isinstance(ws.cell(4, 2).value, dt.datetime)
    assert ws.cell(4, 4).value == pytest.approx(bt.loc[0, "mape_median_pct"])
    assert book["Estimates"]["A3"].value == "The estimates used are not available for this forecast."


def test_no_formulas_anywhere(book, hostile_book):
    for wb in (book, hostile_book):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_hostile_scenario_name_is_plain_text(hostile_book):
    ws = hostile_book["Referrals"]
    assert ws["C1"].value == HOSTILE_NAME and ws["C1"].data_type == "s"
    summary = hostile_book["Summary"]
    cells = [c for row in summary.iter_rows() for c in row if c.value == HOSTILE_NAME]
    assert len(cells) >= 2 and all(c.data_type == "s" for c in cells)
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert "@risk -10%" in texts
    names = [s.tx.v for s in ws._charts[0].series]
    assert f"Median: {HOSTILE_NAME}" in names
    assert all(s.tx.strRef is None for s in ws._charts[0].series)  # literal names, not cell formulas


def test_unwritable_path_is_a_user_error(forecast, tmp_path):
    with pytest.raises(CscDemandError, match="folder .* does not exist"):
        write_excel(forecast, tmp_path / "no such folder" / "report.xlsx")
    (tmp_path / "taken.xlsx").mkdir()  # a folder where the file should go: cannot be written
    with pytest.raises(CscDemandError, match="Could not write the Excel report"):
        write_excel(forecast, tmp_path / "taken.xlsx")


@given(st.text(max_size=60), st.text(max_size=60))
def test_safe_sheet_name_is_always_valid_and_unique(a, b):
    used: set[str] = set()
    names = [safe_sheet_name(a, used), safe_sheet_name(b, used), safe_sheet_name(a, used)]
    for n in names:
        assert 1 <= len(n) <= 31 and not set(n) & set("[]:*?/\\") and not n.startswith("'") and not n.endswith("'")
    assert len({n.lower() for n in names}) == 3


def test_safe_sheet_name_examples():
    used = {"Summary"}
    assert safe_sheet_name("summary", used) == "summary (2)"
    assert safe_sheet_name("A/B: [x]?", used) == "A B x"
    assert safe_sheet_name("x" * 40, used) == "x" * 31


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice not installed")
def test_libreoffice_converts_to_pdf(forecast, tmp_path):
    path = write_excel(forecast, tmp_path / "report.xlsx")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=180, capture_output=True)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes()[:4] == b"%PDF"
