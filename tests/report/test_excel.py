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

SHEETS = ["Summary", *MEASURE_SHEETS.values(), "Breakdowns per year", "Costs per year", "Costs per month", "CIN and social workers", "Estimates",
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
        # the forecast starts in January 2021: its first financial year is marked as partial
        assert row[1].value == (f"{period} (Jan–Mar only)" if period == "2020-21" else period)
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
    years = ["2020-21 (Jan–Mar only)", "2021-22", "2022-23", "2023-24 (Apr–Dec only)"]
    assert [ws.cell(3, c).value for c in (3, 7, 11)] == ["Median", "P10", "P90"]
    assert [ws.cell(4, c).value for c in range(3, 15)] == years * 3
    # the price base is named beside the figures: the prices of the first forecast month, and the inflation
    assert "at prices of January 2021, rising by 3% a year" in ws["A1"].value
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
            key = (scen, "All" if group == "Total" else group, q, ws.cell(4, c).value.split(" (")[0])
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
    years = ["2020-21 (Jan–Mar only)", "2021-22", "2022-23", "2023-24 (Apr–Dec only)"]
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
            key = (measure, ws.cell(r, 3).value, scen[(c - 4) // 4], ws.cell(4, c).value.split(" (")[0])
            assert ws.cell(r, c).value == pytest.approx(lookup.pop(key), rel=1e-14)
            n += 1
    assert not lookup and n == len(sub)
    assert ws["A5"].value == "Referrals" and ws["C5"].value == "Police"


def test_costs_per_month(book, forecast):
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


# --- children in need and social workers ----------------------------------------------------------------------

def _row_of(ws, text: str) -> int:
    """The first row whose column A holds ``text`` (1-based)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == text)


def test_children_in_need_and_social_workers_sheet(book, forecast):
    ws = book["CIN and social workers"]
    assert ws["A1"].value == "Children in need and social workers"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # what the caseload counts, and where the caseload used comes from (England's: no LA named, none set)
    assert tv.CASELOAD_MEANING in texts and tv.WORKFORCE_MEANING in texts
    assert ("Caseload used: England's latest published caseload, 30 September 2025: 15.2 cases per case-holding "
            "social worker (DfE), because no local authority was named.") in texts
    # two tables with a native line chart each: social workers needed, then children in need
    charts = ws._charts
    assert [c.tagname for c in charts] == ["lineChart", "lineChart"]
    for heading, measure, chart in (
            ("Social workers needed (case-holding, full-time equivalents) at the end of each month",
             "social_workers", charts[0]),
            ("Children in need at the end of each month (children on a plan or in care included)", "cin_open",
             charts[1])):
        top = _row_of(ws, heading) + 1             # scenario names, then quantile labels, then the months
        lookup = _long_lookup(forecast, measure)
        col_of, scen = {}, None
        for c in range(2, ws.max_column + 1):
            scen = ws.cell(top, c).value or scen
            label = ws.cell(top + 1, c).value
            if label is None:
                break
            col_of[(scen, label)] = c
        first = top + 2
        last = first
        while isinstance(ws.cell(last + 1, 1).value, dt.datetime):
            last += 1
        n = 0
        for r in range(first, last + 1):
            month = pd.Timestamp(ws.cell(r, 1).value)
            for (scen, label), c in col_of.items():
                q = 0.5 if scen == "Actual" else {"P10": 0.1, "Median": 0.5, "P90": 0.9}[label]
                want = lookup.pop((scen, "All", q, month), None)
                assert ws.cell(r, c).value == (None if want is None else pytest.approx(want, rel=1e-14))
                n += want is not None
        assert not {k for k in lookup if k[1] == "All"} and n > 3 * 3 * forecast.months - 1   # every figure, once
        # the chart draws each scenario's median and its P10 and P90 from those columns
        name = forecast.scenarios[0].name
        series = {s.tx.v: s.val.numRef.f.split("!")[1] for s in chart.series}
        for label, q in ((f"Median: {name}", "Median"), (f"P10 to P90: {name}", "P10"), (f"P90: {name}", "P90")):
            letter = openpyxl.utils.get_column_letter(col_of[(name, q)])
            assert series[label] == f"${letter}${first}:${letter}${last}"
        assert ("Actual" in series) == (measure == "cin_open")   # children in need have actual figures
    # the staffing of each scenario from its median children in need: ÷ 15.2, ÷ 58.3%, ÷ (1 − 14.2%)
    for s in forecast.scenarios:
        top = _row_of(ws, s.name) + 1
        header = [ws.cell(top, c).value for c in range(1, 6)]
        assert header == ["Month", "Children in need (median)", "Case-holding social workers needed (FTE)",
                          "All social workers needed (FTE)", "Posts, filled or vacant (FTE)"]
        cin = _long_lookup(forecast, "cin_open")
        workers = _long_lookup(forecast, "social_workers")
        for r in range(top + 1, top + 1 + forecast.months):
            month = pd.Timestamp(ws.cell(r, 1).value)
            children, case_holders, total, posts = (ws.cell(r, c).value for c in range(2, 6))
            assert children == pytest.approx(cin[(s.name, "All", 0.5, month)], rel=1e-12)
            assert case_holders == pytest.approx(children / 15.2, rel=1e-12)
            assert case_holders == pytest.approx(workers[(s.name, "All", 0.5, month)], rel=1e-12)
            assert total == pytest.approx(case_holders / 0.583, rel=1e-12)
            assert posts == pytest.approx(total / (1 - 0.142), rel=1e-12)
            assert ws.cell(r, 3).number_format == "#,##0.0" and ws.cell(r, 2).number_format == "#,##0"
        assert ws.cell(top + 1 + forecast.months, 1).value is None


def test_the_target_caseload_is_answered_on_the_sheet(forecast, tmp_path):
    import dataclasses

    from csc_demand.workforce import Workforce

    first = dataclasses.replace(forecast.scenarios[0], workforce=Workforce(
        target_caseload=12, target_date=dt.date(2022, 3, 31), case_holders_fte_now=80, salary_gbp_per_year=45_000))
    fc = dataclasses.replace(forecast, scenarios=(first, *forecast.scenarios[1:]))
    ws = openpyxl.load_workbook(write_excel(fc, tmp_path / "t.xlsx"))["CIN and social workers"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    answer = tv.target_answer(fc, first.name)
    assert answer in texts
    assert answer.startswith("To bring caseloads to 12 cases per case-holding social worker by 31 Mar 2022 would "
                             "take about ")
    assert "the scenario's pay: salary £45,000 a year" in answer
    assert answer.endswith("The cost is at prices of January 2021 (pay not raised for inflation).")
    # the other scenarios set no target: one answer only
    assert sum(t.startswith("To bring caseloads") for t in texts) == 1
    top = _row_of(ws, first.name) + 2            # the name, the answer, then the table
    header = [ws.cell(top, c).value for c in range(1, ws.max_column + 1)]
    extra = header.index("More case-holding social workers than today (FTE)") + 1
    cost = header.index("Cost of the extra case holders (£ a year)") + 1
    planned = header.index("Case-holding social workers at the planned caseload (FTE)") + 1
    march = next(r for r in range(top + 1, top + 40) if ws.cell(r, 1).value == dt.datetime(2022, 3, 1))
    assert ws.cell(march, extra).value == pytest.approx(ws.cell(march, planned).value - 80, rel=1e-12)
    assert ws.cell(march, planned).value == pytest.approx(ws.cell(march, 2).value / 12, rel=1e-12)
    assert ws.cell(march, cost).number_format == '"£"#,##0'
    assert ws.cell(march, cost).value == pytest.approx(
        ws.cell(march, extra).value * 45_000 * 1.3 * (1 + 0.13 * 0.5), rel=1e-12)


def test_without_children_in_need_the_sheet_says_what_to_load(tiny_forecast, tmp_path):
    ws = openpyxl.load_workbook(write_excel(tiny_forecast, tmp_path / "t.xlsx"))["CIN and social workers"]
    assert ws["A3"].value == tv.NO_LIST_6
    assert "Load List 6" in ws["A3"].value and not ws._charts
