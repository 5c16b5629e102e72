"""The Excel report: a workbook a finance officer can open, read and reuse without the tool.

Sheets: Summary (the local authority, extract date, data used, scenarios and their assumptions, the
headline table), one sheet per measure (monthly table and a native line chart with the P10–P90 band),
costs per year and per month (with charts), workforce, estimates, the model against the actual stocks of
the last six months (with charts), backtest and data quality.

Every figure comes from :mod:`csc_demand.report.tables_view` (views of the Forecast). Numbers are written as
numbers with number formats, dates as dates; there are no formulas. All text, and in particular text that
came from a file or a user (scenario names and descriptions, file and sheet names, messages), is written
with ``write_string`` in a workbook that never turns strings into formulas, so a scenario called
``=HYPERLINK(...)`` stays plain text. Nothing child-level is ever written: the Forecast holds none.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from csc_demand import __version__
from csc_demand.errors import CscDemandError
from csc_demand.report import tables_view as tv
from csc_demand.tables import ACTUAL_SCENARIO, MEASURE_LABELS, Forecast

#: Sheet names of the measures (short enough for Excel's 31-character limit).
MEASURE_SHEETS = {"referrals": "Referrals", "cp_starts": "CP plans started", "cp_open": "Open CP plans",
                  "cla_starts": "Care starts", "cla_open": "Children looked after",
                  "cin_starts": "CIN episodes started", "cin_open": "Children in need"}
#: The sheet of children in need and the social workers they need (its title says it in full).
CASELOAD_SHEET = "CIN and social workers"
CASELOAD_TITLE = "Children in need and social workers"
SCENARIO_COLOURS = tv.SCENARIO_COLOURS
ACTUAL_COLOUR = "#000000"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
#: Number formats by measure.
NUMBER_FORMATS = {"cost_gbp": '"£"#,##0', "social_workers": "#,##0.0"}
FTE_FORMAT = "#,##0.0"
COUNT_FORMAT = "#,##0"
MONTH_FORMAT = "mmm yyyy"
DATE_FORMAT = "d mmm yyyy"


def safe_sheet_name(name: str, used: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, no leading/trailing apostrophe, at most 31 characters.

    ``used`` holds the names already taken (compared without regard to case, as Excel does); the new name is
    added to it. Clashes get a suffix `` (2)``, `` (3)``…
    """
    used = used if used is not None else set()
    base = _BAD_SHEET_CHARS.sub(" ", str(name)).strip().strip("'").strip() or "Sheet"
    base = re.sub(r"\s+", " ", base)
    candidate, n = base[:31], 1
    while candidate.lower() in {u.lower() for u in used}:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
    used.add(candidate)
    return candidate


class _Formats:
    """The workbook's cell formats, created once."""

    def __init__(self, wb: Workbook):
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.bold = wb.add_format({**base, "bold": True})
        self.title = wb.add_format({**base, "bold": True, "font_size": 16})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 12})
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#E7E6E6",
                                     "bottom": 1, "align": "center", "valign": "vcenter"})
        self.header_left = wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#E7E6E6",
                                          "bottom": 1, "valign": "vcenter"})
        self.month = wb.add_format({**base, "num_format": MONTH_FORMAT, "align": "left"})
        self.date = wb.add_format({**base, "num_format": DATE_FORMAT, "align": "left"})
        self._numbers: dict[str, object] = {}
        self._wb, self._base = wb, base

    def number(self, num_format: str):
        """A number format (created on first use)."""
        if num_format not in self._numbers:
            self._numbers[num_format] = self._wb.add_format({**self._base, "num_format": num_format})
        return self._numbers[num_format]


def _print_setup(ws: Worksheet, *, landscape: bool = True, repeat_to_row: int | None = None,
                 pages_wide: int = 1) -> None:
    """Print on A4, ``pages_wide`` pages wide, header rows repeated on every page, page numbers in the footer."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(max(pages_wide, 1), 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if repeat_to_row is not None:
        ws.repeat_rows(0, repeat_to_row)
    ws.set_footer("&L&A&RPage &P of &N")


def _write(ws: Worksheet, row: int, col: int, value, fm: _Formats, num_format: str | None = None,
           date_fmt=None, text_fmt=None) -> None:
    """Write one cell by the value's type: blank, boolean, number, date, or (always) a plain string.

    Without ``num_format``, a whole number is shown as ``1,234`` and any other as ``1,234.5`` (up to three
    decimals): never ``3.`` with a bare decimal point."""
    if value is None or value is pd.NA or value is pd.NaT:
        ws.write_blank(row, col, None, text_fmt or fm.text)
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, bool(value), text_fmt or fm.text)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        v = float(value)
        if math.isfinite(v):
            auto = "#,##0" if v.is_integer() else "#,##0.0##"
            ws.write_number(row, col, v, fm.number(num_format or auto))
        else:
            ws.write_blank(row, col, None, fm.text)
    elif isinstance(value, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            ws.write_blank(row, col, None, fm.text)
        else:
            ws.write_datetime(row, col, ts.to_pydatetime().replace(tzinfo=None), date_fmt or fm.date)
    else:
        ws.write_string(row, col, str(value), text_fmt or fm.text)


def _paragraph(ws: Worksheet, row: int, text: str, fm: _Formats, last_col: int, width_chars: float,
               fmt=None) -> int:
    """A wrapped sentence across columns A..last_col; returns the next row."""
    fmt = fmt or fm.wrap
    if last_col > 0:
        ws.merge_range(row, 0, row, last_col, "", fmt)
    ws.write_string(row, 0, text, fmt)
    lines = max(1, math.ceil(len(text) * 1.1 / max(width_chars, 1)))
    if lines > 1:
        ws.set_row(row, 13.5 * lines)
    return row + 1


@dataclass
class _Block:
    """Where a wide table landed on a sheet (0-based rows and columns)."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    columns: dict[tuple[str, str, float], int]


def _write_wide(ws: Worksheet, sheet: str, fm: _Formats, top: int, wide: pd.DataFrame, *, period_type: str,
                num_format: str, freeze: bool = True) -> _Block:
    """A wide table (see :func:`tables_view.wide_table`) with a 2- or 3-row header from row ``top`` (the panes
    frozen below its header unless ``freeze`` is False)."""
    cols = list(wide.columns)
    show_groups = any(c[1] != tv.TOTAL_GROUP for c in cols)
    n_head = 3 if show_groups else 2
    first = top + n_head
    ws.set_row(top, 30)
    index_label = "Month" if period_type == "month" else "Financial year"
    for r in range(top, first):
        ws.write_blank(r, 0, None, fm.header_left)
    ws.write_string(first - 1, 0, index_label, fm.header_left)

    positions: dict[tuple[str, str, float], int] = {}
    # header row 1: scenario names, merged over their columns; row 2 (optional): groups; last row: quantiles
    spans: list[tuple[str, int, int]] = []
    for j, c in enumerate(cols, start=1):
        positions[(c[0], c[1], float(c[2]))] = j
        if spans and spans[-1][0] == c[0]:
            spans[-1] = (c[0], spans[-1][1], j)
        else:
            spans.append((c[0], j, j))
    for name, a, b in spans:
        if b > a:
            ws.merge_range(top, a, top, b, "", fm.header)
        ws.write_string(top, a, name, fm.header)
    if show_groups:
        gspans: list[tuple[tuple[str, str], int, int]] = []
        for j, c in enumerate(cols, start=1):
            key = (c[0], c[1])
            if gspans and gspans[-1][0] == key:
                gspans[-1] = (key, gspans[-1][1], j)
            else:
                gspans.append((key, j, j))
        for (_, g), a, b in gspans:
            if b > a:
                ws.merge_range(top + 1, a, top + 1, b, "", fm.header)
            ws.write_string(top + 1, a, "Total" if g == tv.TOTAL_GROUP else g, fm.header)
    for j, c in enumerate(cols, start=1):
        label = "Actual" if c[0] == ACTUAL_SCENARIO else tv.quantile_label(c[2])
        ws.write_string(first - 1, j, label, fm.header)

    values = wide.to_numpy(dtype=float)
    numfmt = fm.number(num_format)
    for i, (period, start) in enumerate(wide.index):
        r = first + i
        if period_type == "month":
            ws.write_datetime(r, 0, pd.Timestamp(start).to_pydatetime(), fm.month)
        else:
            ws.write_string(r, 0, str(period), fm.text)
        for j, v in enumerate(values[i], start=1):
            if math.isfinite(v):
                ws.write_number(r, j, v, numfmt)
            else:
                ws.write_blank(r, j, None, numfmt)
    ws.set_column(0, 0, 14)
    if cols:
        ws.set_column(1, len(cols), 12)
    if freeze:
        ws.freeze_panes(first, 1)
    return _Block(sheet=sheet, header_row=top, first_row=first, last_row=first + max(len(wide), 1) - 1,
                  columns=positions)


def _band_chart(wb: Workbook, block: _Block, scenarios: list[str], *, title: str, y_title: str,
                num_format: str, group: str = tv.TOTAL_GROUP):
    """A native line chart: actuals, each scenario's median, and its P10 and P90 as thin dashed lines;
    ``None`` when there is nothing to draw (Excel refuses a chart without a series)."""
    chart = wb.add_chart({"type": "line"})
    sheet, r0, r1 = block.sheet, block.first_row, block.last_row
    categories = [sheet, r0, 0, r1, 0]
    n = 0
    act = block.columns.get((ACTUAL_SCENARIO, group, 0.5))
    if act is not None:
        chart.add_series({"name": "Actual", "categories": categories, "values": [sheet, r0, act, r1, act],
                          "line": {"color": ACTUAL_COLOUR, "width": 2.25}, "marker": {"type": "none"}})
        n += 1
    hidden_legend = []
    for i, scen in enumerate(scenarios):
        colour = SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]
        q_lo, q_mid, q_hi = tv.band_quantiles(block.columns, scen, group)
        cols = {q: block.columns.get((scen, group, q)) for q in (q_lo, q_mid, q_hi) if q is not None}
        cols = {k: cols.get(k) for k in (q_lo, q_mid, q_hi)}
        # Series names start with fixed words so that a name can never be read as a formula.
        if cols[q_mid] is not None:
            chart.add_series({"name": f"Median: {scen}", "categories": categories,
                              "values": [sheet, r0, cols[q_mid], r1, cols[q_mid]],
                              "line": {"color": colour, "width": 2.25}, "marker": {"type": "none"}})
            n += 1
        for q in (q_lo, q_hi):
            if cols[q] is None:
                continue
            label = (f"{tv.quantile_label(q_lo)} to {tv.quantile_label(q_hi)}: {scen}" if q == q_lo and q_hi
                     else f"{tv.quantile_label(q)}: {scen}")
            chart.add_series({"name": label, "categories": categories,
                              "values": [sheet, r0, cols[q], r1, cols[q]],
                              "line": {"color": colour, "width": 1, "dash_type": "dash"},
                              "marker": {"type": "none"}})
            if q == q_hi and cols[q_lo] is not None:
                hidden_legend.append(n)
            n += 1
    if n == 0:
        return None  # the chart is not inserted, so xlsxwriter leaves it out of the file
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": "Month", "date_axis": True, "num_format": MONTH_FORMAT, "major_unit": 6,
                      "major_unit_type": "months", "num_font": {"rotation": -45}})
    chart.set_y_axis({"name": y_title, "num_format": num_format, "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_legend({"position": "bottom", "delete_series": hidden_legend})
    chart.show_blanks_as("gap")
    chart.set_size({"width": 820, "height": 480})
    return chart


def _summary_sheet(wb: Workbook, ws: Worksheet, fm: _Formats, forecast: Forecast, scen: list[str]) -> None:
    headline = tv.headline_table(forecast)
    hcols = list(headline.columns)
    last_col = max(2 + len(hcols), 8)
    width_chars = 40 + 14 + 14 + 12 * (last_col - 2)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 2, 14)
    ws.set_column(3, last_col, 12)
    ws.hide_gridlines(2)
    r = 0
    ws.write_string(r, 0, "Children's social care demand forecast", fm.title)
    r += 2
    facts: list[tuple[str, object]] = []
    if forecast.la_name:
        facts.append(("Local authority", str(forecast.la_name)))
    facts.append(("Data extracted on", pd.Timestamp(forecast.extract_date)))
    months = forecast.table.loc[forecast.table["period_type"] == "month", "period_start"]
    if len(months):
        first, last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
        facts.append(("Forecast period", f"{first:%B %Y} to {last:%B %Y} ({forecast.months} months)"))
    facts.append(("Simulations", f"{forecast.draws:,} (random seed {forecast.seed})"))
    facts.append(("Made with", f"csc-demand {__version__}"))
    for label, value in facts:
        ws.write_string(r, 0, label, fm.bold)
        if isinstance(value, pd.Timestamp):
            ws.write_datetime(r, 1, value.to_pydatetime(), fm.date)
        else:
            ws.write_string(r, 1, str(value), fm.text)
        r += 1
    r += 1
    r = _paragraph(ws, r, "How to read the figures: the median is the middle of the simulated outcomes. There is "
                   "an 8 in 10 chance that the figure falls between P10 and P90 (1 in 10 below P10, 1 in 10 "
                   "above P90), if the scenario's assumptions hold.", fm, last_col, width_chars)
    r += 1

    # headline table
    ws.write_string(r, 0, "Headline figures", fm.heading)
    r += 1
    top = r
    for c, label in enumerate(("Measure", "Financial year", "Year ending")):
        ws.merge_range(top, c, top + 1, c, "", fm.header_left)
        ws.write_string(top, c, label, fm.header_left)
    spans: dict[str, list[int]] = {}
    for j, (s, q) in enumerate(hcols, start=3):
        spans.setdefault(s, []).append(j)
        ws.write_string(top + 1, j, tv.quantile_label(q), fm.header)
    for s, js in spans.items():
        if len(js) > 1:
            ws.merge_range(top, js[0], top, js[-1], "", fm.header)
        ws.write_string(top, js[0], s, fm.header)
    ws.set_row(top, 30)
    r = top + 2
    values = headline.to_numpy(dtype=float)
    years = tv.fy_labels(forecast)
    for i, (measure, period, start) in enumerate(headline.index):
        label = {"referrals": "Referrals in the year", "cp_open": "Open child protection plans at year end",
                 "cla_open": "Children looked after at year end"}.get(measure, MEASURE_LABELS.get(measure, measure))
        ws.write_string(r, 0, label, fm.text)
        ws.write_string(r, 1, tv.fy_label(forecast, period, years), fm.text)
        ws.write_datetime(r, 2, tv.fy_end(start).to_pydatetime(), fm.date)
        for j, v in enumerate(values[i], start=3):
            _write(ws, r, j, v, fm, COUNT_FORMAT)
        r += 1
    if headline.empty:
        ws.write_string(r, 0, "The forecast does not reach the end of a financial year, so there are no yearly "
                              "figures.", fm.text)
        r += 1
    for note in tv.headline_notes(forecast, headline):
        r = _paragraph(ws, r, note, fm, last_col, width_chars)
    r += 1

    # scenarios
    ws.write_string(r, 0, "Scenarios and their assumptions", fm.heading)
    r += 1
    by_name = {str(getattr(s, "name", s)): s for s in forecast.scenarios}
    for name in scen:
        ws.write_string(r, 0, name, fm.bold)
        r += 1
        s = by_name.get(name)
        describe = getattr(s, "describe", None)
        sentences = describe() if callable(describe) else [str(getattr(s, "description", "") or "")]
        for sentence in sentences:
            if sentence:
                r = _paragraph(ws, r, sentence, fm, last_col, width_chars)
        r += 1

    # data used: counts and date ranges only
    used = tv.data_used(forecast)
    ws.write_string(r, 0, "Data used", fm.heading)
    r += 1
    if used.lists:
        for c, label in enumerate(("List", "Rows read", "Replaced by a newer extract", "Read from")):
            ws.write_string(r, c, label, fm.header_left)
        ws.set_row(r, 27)
        r += 1
        for name, rows, replaced, where in used.lists:
            ws.write_string(r, 0, name, fm.text)
            _write(ws, r, 1, rows, fm, COUNT_FORMAT)
            ws.write_number(r, 2, replaced, fm.number(COUNT_FORMAT))
            ws.write_string(r, 3, where, fm.text)
            r += 1
    if used.rows_not_used is not None:
        ws.write_string(r, 0, "Rows read but not used", fm.text)
        ws.write_number(r, 1, used.rows_not_used, fm.number(COUNT_FORMAT))
        ws.write_string(r, 3, "each is explained on the Data quality sheet", fm.text)
        r += 1
    for label, text in tv.timeline_facts(forecast):   # what was observed when, the gaps named
        ws.write_string(r, 0, label, fm.bold)
        ws.merge_range(r, 1, r, last_col, "", fm.wrap)
        ws.write_string(r, 1, text, fm.wrap)
        ws.set_row(r, 13.5 * max(1, math.ceil(len(text) * 1.1 / max(width_chars - 40, 1))))
        r += 1
    if used.actual_ranges:
        r += 1
        for c, label in enumerate(("Actual figures", "From", "To")):
            ws.write_string(r, c, label, fm.header_left)
        r += 1
        for label, a, b in used.actual_ranges:
            ws.write_string(r, 0, label, fm.text)
            ws.write_datetime(r, 1, a.to_pydatetime(), fm.month)
            ws.write_datetime(r, 2, b.to_pydatetime(), fm.month)
            r += 1
    r += 1
    _paragraph(ws, r, "This workbook holds no child-level data: only counts and forecasts.", fm, last_col,
               width_chars)


def _frame_sheet(ws: Worksheet, fm: _Formats, frame: pd.DataFrame | None, *, empty_text: str,
                 intro: str | None = None, labels: dict[str, str] | None = None,
                 notes: list[str] | None = None) -> None:
    """Any small table (estimates, backtest, problems): header row, typed cells, filter, frozen header."""
    r = 0
    if intro:
        ws.write_string(r, 0, intro, fm.text)
        r += 2
    if frame is None or frame.empty:
        ws.write_string(r, 0, empty_text, fm.text)
        ws.set_column(0, 0, 60)
        return
    labels = labels or {}
    frame = frame.reset_index(drop=True)
    for c, name in enumerate(frame.columns):
        text = labels.get(str(name), tv.column_label(name))
        ws.write_string(r, c, text, fm.header_left)
        series = frame[name]
        longest = series.astype("string").str.len().fillna(0).max() if len(series) else 0
        width = min(max(len(text) + 2, int(longest) + 2, 10), 80)
        is_text = not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series))
        ws.set_column(c, c, width, fm.wrap if is_text and width >= 80 else None)
    header = r
    cells = frame.astype(object).to_numpy()
    for i in range(cells.shape[0]):
        for c in range(cells.shape[1]):
            v = cells[i, c]
            _write(ws, header + 1 + i, c, v, fm, text_fmt=fm.wrap if isinstance(v, str) and len(v) > 78 else None)
    ws.freeze_panes(header + 1, 0)
    ws.autofilter(header, 0, header + len(frame), len(frame.columns) - 1)
    _print_setup(ws, repeat_to_row=header)
    r = header + len(frame) + 2
    for note in notes or []:
        ws.write_string(r, 0, note, fm.text)
        r += 1


def write_excel(forecast: Forecast, path: str | Path) -> Path:
    """Write the Excel report for ``forecast`` to ``path`` (an ``.xlsx`` file) and return the path."""
    path = tv.output_path(path)
    # in_memory: assemble the parts in memory rather than in temporary files (faster, nothing left behind)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False, "in_memory": True})
    wb.set_properties({"title": "Children's social care demand forecast", "comments": f"csc-demand {__version__}"})
    fm = _Formats(wb)
    used: set[str] = set()
    scen = tv.scenario_names(forecast)

    summary = wb.add_worksheet(safe_sheet_name("Summary", used))
    _summary_sheet(wb, summary, fm, forecast, scen)
    _print_setup(summary)

    for measure in tv.measures_present(forecast):
        name = safe_sheet_name(MEASURE_SHEETS.get(measure, MEASURE_LABELS.get(measure, measure)), used)
        ws = wb.add_worksheet(name)
        block = _write_wide(ws, name, fm, 0, tv.monthly_table(forecast, measure), period_type="month",
                            num_format=COUNT_FORMAT)
        chart = _band_chart(wb, block, scen, title=MEASURE_LABELS.get(measure, measure),
                            y_title=tv.MEASURE_UNITS.get(measure, measure), num_format=COUNT_FORMAT)
        if chart is not None:
            ws.insert_chart(block.header_row, max(block.columns.values(), default=1) + 2, chart)
        _print_setup(ws, repeat_to_row=block.first_row - 1)

    years = tv.fy_labels(forecast)
    breakdowns = tv.breakdowns_by_year(forecast)
    if not breakdowns.empty:
        name = safe_sheet_name("Breakdowns per year", used)
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, "Median per financial year: referrals and starts in the year; open plans and children "
                              "looked after on 31 March. The medians of the groups need not add up to the median "
                              "of the total.", fm.text)
        block = _write_by_year(ws, name, fm, 2, breakdowns, index_headers=("Measure", "Breakdown", "Group"),
                               index_text=lambda k: (MEASURE_LABELS.get(k[0], k[0]),
                                                     tv.BREAKDOWN_LABELS.get(k[1], k[1]), k[2]),
                               top_label=str, num_format=COUNT_FORMAT, period_label=years.get)
        ws.set_column(0, 0, 40)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 24)
        _print_setup(ws, repeat_to_row=block.first_row - 1)

    if (forecast.table["measure"] == "cost_gbp").any():
        name = safe_sheet_name("Costs per year", used)
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, f"Costs per financial year (April to March): £ in the year, at {tv.price_base(forecast)} "
                              "(the scenario's unit costs and inflation). A year the forecast covers only in part "
                              "is marked with the months it covers.", fm.text)
        block = _write_by_year(ws, name, fm, 2, tv.costs_by_year(forecast), index_headers=("Scenario", "Cost group"),
                               index_text=lambda k: (k[0], "Total" if k[1] == tv.TOTAL_GROUP else k[1]),
                               top_label=tv.quantile_label, num_format=NUMBER_FORMATS["cost_gbp"],
                               is_total=lambda k: k[1] == tv.TOTAL_GROUP, period_label=years.get)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 24)
        chart = _fy_cost_chart(wb, block, scen)
        if chart is not None:
            ws.insert_chart(block.last_row + 2, 0, chart)
        else:  # a horizon of a month or two reaches no 31 March
            ws.write_string(block.last_row + 2, 0, "The forecast does not reach the end of a financial year, so "
                                                   "there are no yearly costs.", fm.text)
        _print_setup(ws, repeat_to_row=block.first_row - 1)

        name = safe_sheet_name("Costs per month", used)
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, f"Costs per month: £ in the month, at {tv.price_base(forecast)}. For each scenario, "
                              "the total with its P10 to P90 range, then the median for each cost group.", fm.text)
        block = _write_wide(ws, name, fm, 2, tv.costs_by_month(forecast), period_type="month",
                            num_format=NUMBER_FORMATS["cost_gbp"])
        chart = _band_chart(wb, block, scen, title="Total cost per month", y_title=tv.MEASURE_UNITS["cost_gbp"],
                            num_format=NUMBER_FORMATS["cost_gbp"])
        if chart is not None:
            ws.insert_chart(block.last_row + 2, 1, chart)
        _print_setup(ws, repeat_to_row=block.first_row - 1, pages_wide=math.ceil(len(block.columns) / 16))

    _caseload_sheet(wb, fm, forecast, scen, used)
    _published_sheet(wb, fm, forecast, used)

    estimates = tv.estimates_frame(forecast)
    _frame_sheet(wb.add_worksheet(safe_sheet_name("Estimates", used)), fm, estimates,
                 notes=tv.estimates_notes(forecast, estimates),
                 intro="Every rate and duration the forecast used, where it came from, and how uncertain it is.",
                 empty_text="The estimates used are not available for this forecast.")
    _window_fit_sheet(wb, fm, forecast, used)
    caution = tv.backtest_caution(forecast)
    _frame_sheet(wb.add_worksheet(safe_sheet_name("Backtest", used)), fm, tv.backtest_view(forecast),
                 intro="How far to trust the forecast: the model fitted on past data and compared with what "
                       "happened next." + (f" Caution: {caution}" if caution else ""),
                 notes=tv.backtest_notes(forecast),
                 empty_text="No backtest was run for this forecast.")
    problems = tv.quality_table(forecast)
    _frame_sheet(wb.add_worksheet(safe_sheet_name("Data quality", used)), fm, problems,
                 intro=f"What the reader noticed in the files: {len(problems):,} finding(s). Row numbers are as "
                       "seen in Excel.",
                 empty_text="No data-quality problems were found." if forecast.quality is not None
                 else "No data-quality report was supplied with this forecast.")
    try:
        wb.close()
    except (OSError, xlsxwriter.exceptions.FileCreateError) as exc:
        raise CscDemandError(f"Could not write the Excel report to {path}: {exc}. If the file is open in "
                             "Excel, close it and try again; otherwise choose another folder.") from exc
    return path


@dataclass
class _YearBlock:
    """Where a table with rows of labels and columns (group, financial year) landed (0-based)."""

    sheet: str
    year_row: int
    first_row: int
    last_row: int
    columns: dict[tuple, int]
    rows: dict[tuple, int]


def _write_by_year(ws: Worksheet, sheet: str, fm: _Formats, top: int, table: pd.DataFrame, *,
                   index_headers: tuple[str, ...], index_text, top_label, num_format: str,
                   is_total=lambda key: False, period_label=lambda period: None) -> _YearBlock:
    """A table whose rows are labelled by ``index_text(key)`` (one text per index header) and whose columns are
    ``(group, year)``: a header row of groups (merged, ``top_label(group)``) over a row of financial years
    (``period_label(year)``, else the year as it is: "2024-25 (Jan–Mar only)" for a partial year)."""
    n_idx = len(index_headers)
    for c, label in enumerate(index_headers):
        ws.merge_range(top, c, top + 1, c, "", fm.header_left)
        ws.write_string(top, c, label, fm.header_left)
    spans: dict[object, list[int]] = {}
    columns: dict[tuple, int] = {}
    for j, (group, period) in enumerate(table.columns, start=n_idx):
        spans.setdefault(group, []).append(j)
        columns[(group, period)] = j
        text = period_label(period) or str(period)
        ws.write_string(top + 1, j, text, fm.header)
        if len(text) > 12:  # "2024-25 (Jan–Mar only)" wraps onto two lines
            ws.set_row(top + 1, 27)
    for group, js in spans.items():
        if len(js) > 1:
            ws.merge_range(top, js[0], top, js[-1], "", fm.header)
        ws.write_string(top, js[0], top_label(group), fm.header)
    ws.set_row(top, 30)
    first = top + 2
    numfmt = fm.number(num_format)
    values = table.to_numpy(dtype=float)
    rows: dict[tuple, int] = {}
    for i, key in enumerate(table.index):
        r = first + i
        rows[key] = r
        text_fmt = fm.bold if is_total(key) else fm.text
        for c, text in enumerate(index_text(key)):
            ws.write_string(r, c, text, text_fmt)
        for j, v in enumerate(values[i], start=n_idx):
            if math.isfinite(v):
                ws.write_number(r, j, v, numfmt)
            else:
                ws.write_blank(r, j, None, numfmt)
    ws.set_column(n_idx, n_idx - 1 + max(len(table.columns), 1), 14)
    ws.freeze_panes(first, n_idx)
    return _YearBlock(sheet=sheet, year_row=top + 1, first_row=first, last_row=first + max(len(table), 1) - 1,
                      columns=columns, rows=rows)


def _fy_cost_chart(wb: Workbook, block: _YearBlock, scenarios: list[str]):
    """A clustered column chart of each scenario's median total cost per financial year (``None`` when no
    financial year is reached: Excel refuses a chart without a series)."""
    chart = wb.add_chart({"type": "column"})
    sheet = block.sheet
    medians = sorted(c for (q, _), c in block.columns.items() if np.isclose(q, 0.5))
    for i, scen in enumerate(scenarios):
        r = block.rows.get((scen, tv.TOTAL_GROUP))
        if r is None or not medians:
            continue
        c0, c1 = medians[0], medians[-1]
        chart.add_series({"name": f"Median: {scen}", "categories": [sheet, block.year_row, c0, block.year_row, c1],
                          "values": [sheet, r, c0, r, c1],
                          "fill": {"color": SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)]}})
    if not chart.series:
        return None
    chart.set_title({"name": "Total cost per financial year (median)", "name_font": {"size": 12, "bold": True}})
    chart.set_x_axis({"name": "Financial year"})
    chart.set_y_axis({"name": "Cost in the year (£)", "num_format": NUMBER_FORMATS["cost_gbp"], "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 720, "height": 380})
    return chart


def _window_fit_sheet(wb: Workbook, fm: _Formats, forecast: Forecast, used: set[str]) -> None:
    """The model against the actual open plans and children looked after over the latest observed window
    (:func:`csc_demand.model.window_fit`): a sentence and a line chart per measure, and the figures.

    Written only when the forecast carries the table (counts per date; nothing child-level)."""
    fit = forecast.window_fit
    measures = tv.window_fit_measures(fit)
    if not measures:
        return
    name = safe_sheet_name("Model against actual", used)
    ws = wb.add_worksheet(name)
    table = tv.window_fit_table(fit)
    last_col = len(table.columns) - 1
    ws.set_column(0, 0, 14)
    ws.set_column(1, last_col, 16)
    width_chars = 14 + 16 * last_col
    ws.write_string(0, 0, tv.window_fit_heading(fit), fm.title)
    r = _paragraph(ws, 2, "Does the model reproduce what happened? Its path starts from the actual number open on "
                   "the first day, and adds the starts it expects from the usual level of referrals; nothing in it "
                   "was tuned to these counts. Actual: the number open at the end of each day. Model: the number "
                   "the model expects, so not a whole number.", fm, last_col, width_chars)
    summary = fit.attrs.get("summary", {})
    for m in measures:
        if summary.get(m):
            r = _paragraph(ws, r, str(summary[m]), fm, last_col, width_chars)
    header = r + 1
    for c, label in enumerate(table.columns):
        ws.write_string(header, c, str(label), fm.header_left)
    ws.set_row(header, 30)
    first = header + 1
    cells = table.astype(object).to_numpy()
    for i in range(cells.shape[0]):
        for c in range(cells.shape[1]):
            _write(ws, first + i, c, cells[i, c], fm, COUNT_FORMAT)
    last = first + max(len(table), 1) - 1
    for k, m in enumerate(measures):
        col_actual = 1 + 2 * k
        label = tv.WINDOW_FIT_LABELS[m]
        chart = wb.add_chart({"type": "line"})
        categories = [name, first, 0, last, 0]
        chart.add_series({"name": "Actual", "categories": categories,
                          "values": [name, first, col_actual, last, col_actual],
                          "line": {"color": ACTUAL_COLOUR, "width": 2.25}, "marker": {"type": "none"}})
        chart.add_series({"name": "Model", "categories": categories,
                          "values": [name, first, col_actual + 1, last, col_actual + 1],
                          "line": {"color": SCENARIO_COLOURS[0], "width": 2.25, "dash_type": "dash"},
                          "marker": {"type": "none"}})
        chart.set_title({"name": f"{label}: model against actual", "name_font": {"size": 12, "bold": True}})
        chart.set_x_axis({"name": "Date", "date_axis": True, "num_format": DATE_FORMAT, "major_unit": 1,
                          "major_unit_type": "months", "num_font": {"rotation": -45}})
        chart.set_y_axis({"name": label, "num_format": COUNT_FORMAT, "min": 0,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 360})
        ws.insert_chart(header + 19 * k, last_col + 2, chart)
    _print_setup(ws, repeat_to_row=header)


def _staffing_format(column: str) -> str:
    """The number format of a column of :func:`tables_view.staffing_table`."""
    if "(£" in column:
        return NUMBER_FORMATS["cost_gbp"]
    if "(FTE)" in column or column.startswith("Caseload"):
        return FTE_FORMAT
    return COUNT_FORMAT


def _write_table(ws: Worksheet, fm: _Formats, top: int, frame: pd.DataFrame) -> int:
    """A small table at row ``top``: a wrapped header row, then typed cells (``Month`` as a month, ``Date`` as a
    date); returns the row after it."""
    for c, name in enumerate(frame.columns):
        ws.write_string(top, c, str(name), fm.header)
    ws.set_row(top, 68)   # up to five lines of a 12-character column
    formats = [_staffing_format(str(c)) for c in frame.columns]
    cells = frame.astype(object).to_numpy()
    for i in range(cells.shape[0]):
        for c in range(cells.shape[1]):
            name, v = frame.columns[c], cells[i, c]
            if name == "Month":
                ws.write_datetime(top + 1 + i, c, pd.Timestamp(v).to_pydatetime(), fm.month)
            elif name == "Date":
                ws.write_datetime(top + 1 + i, c, pd.Timestamp(v).to_pydatetime(), fm.date)
            else:
                _write(ws, top + 1 + i, c, v, fm, formats[c])
    return top + 1 + len(frame)


def _caseload_sheet(wb: Workbook, fm: _Formats, forecast: Forecast, scen: list[str], used: set[str]) -> None:
    """The sheet "Children in need and social workers": what the caseload counts and which caseload each
    scenario uses, native line charts (P10, median, P90) of the case-holding social workers needed and of the
    children in need, and per scenario the staffing by month (all social workers and posts from the case-holder
    share and the vacancy rate) with the answer to the scenario's target caseload when it sets one.

    Without List 6 (no children in need in the forecast) the sheet says why there are no figures and what to
    load."""
    has_workers = bool((forecast.table["measure"] == "social_workers").any())
    has_cin = tv.has_children_in_need(forecast)
    name = safe_sheet_name(CASELOAD_SHEET, used)
    ws = wb.add_worksheet(name)
    last_col, width_chars = 12, 14 + 12 * 12
    ws.write_string(0, 0, CASELOAD_TITLE, fm.title)
    r = 2
    if not has_workers and not has_cin:
        _paragraph(ws, r, tv.NO_LIST_6, fm, last_col, width_chars)
        ws.set_column(0, 0, 14)
        _print_setup(ws)
        return
    for text in (tv.CASELOAD_MEANING, *tv.caseload_sentences(forecast), tv.WORKFORCE_MEANING):
        r = _paragraph(ws, r, text, fm, last_col, width_chars)
    r += 1
    charts = []
    if has_workers:
        charts.append(("social_workers", "Social workers needed (case-holding, full-time equivalents) at the end of "
                                         "each month", tv.workforce_table(forecast), FTE_FORMAT))
    if has_cin:
        charts.append(("cin_open", "Children in need at the end of each month (children on a plan or in care "
                                   "included)", tv.monthly_table(forecast, "cin_open"), COUNT_FORMAT))
    for measure, heading, wide, num_format in charts:
        ws.write_string(r, 0, heading, fm.heading)
        block = _write_wide(ws, name, fm, r + 1, wide, period_type="month", num_format=num_format, freeze=False)
        chart = _band_chart(wb, block, scen, title=MEASURE_LABELS.get(measure, measure),
                            y_title=tv.MEASURE_UNITS.get(measure, measure), num_format=num_format)
        if chart is not None:
            ws.insert_chart(block.header_row, max(block.columns.values(), default=1) + 2, chart)
        r = max(block.last_row + 3, block.header_row + 27)   # the chart (480 pixels) stands beside the table
    if has_cin:
        ws.write_string(r, 0, "Staffing by month, from the median children in need", fm.heading)
        r = _paragraph(ws, r + 1, "Case-holding social workers needed = children in need ÷ the caseload; all social "
                       "workers = case holders ÷ the case-holder share; posts = all ÷ (1 − the vacancy rate). A "
                       "scenario with a target caseload also shows what it takes to reach it, and what the extra "
                       f"workers cost a year at {tv.pay_price_base(forecast)}.", fm, last_col, width_chars) + 1
        for scenario in scen:
            table = tv.staffing_table(forecast, scenario)
            if table is None:
                continue
            ws.write_string(r, 0, scenario, fm.bold)
            r += 1
            answer = tv.target_answer(forecast, scenario)
            if answer:
                r = _paragraph(ws, r, answer, fm, last_col, width_chars)
            r = _write_table(ws, fm, r, table) + 2
    _print_setup(ws)


PUBLISHED_SHEET = "Published figures"
PUBLISHED_COLOUR = "#0072B2"
THIS_FORECAST_COLOUR = "#D55E00"


def _published_sheet(wb: Workbook, fm: _Formats, forecast: Forecast, used: set[str]) -> None:
    """The sheet "Published figures" (only when a local authority was named): what it shows, the table of
    :func:`tables_view.published_table`, and per stock a native line chart of the published figures, the forecast
    from them (P50 with P10 and P90) and this forecast (P50 with P10 and P90) at each 31 March, for the first
    scenario."""
    table = tv.published_table(forecast)
    if table is None:
        return
    name = safe_sheet_name(PUBLISHED_SHEET, used)
    ws = wb.add_worksheet(name)
    last_col = len(table.columns) - 1
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 44)
    ws.set_column(2, last_col, 13)
    width_chars = 22 + 44 + 13 * (last_col - 1)
    first = forecast.published.iloc[0]
    ws.write_string(0, 0, f"{PUBLISHED_SHEET}: {first['la_name']} ({first['la_code']})", fm.title)
    r = _paragraph(ws, 2, tv.published_intro(forecast), fm, last_col, width_chars)
    scenarios = list(dict.fromkeys(table["Scenario"]))
    if len(scenarios) > 1:
        r = _paragraph(ws, r, f"The charts show the first scenario ({scenarios[0]}); the table has every scenario.",
                       fm, last_col, width_chars)
    header = r + 1
    for c, label in enumerate(table.columns):
        ws.write_string(header, c, str(label), fm.header)
    ws.set_row(header, 30)
    cells = table.astype(object).to_numpy()
    for i in range(cells.shape[0]):
        for c in range(cells.shape[1]):
            _write(ws, header + 1 + i, c, cells[i, c], fm, COUNT_FORMAT)
    ws.freeze_panes(header + 1, 0)
    ws.autofilter(header, 0, header + len(table), last_col)
    col = {label: c for c, label in enumerate(table.columns)}
    lines = (("Published", "Published", ACTUAL_COLOUR, "solid", 2.25),
             ("From published: P50", "From the published figures: P50 (dashed: P10, P90)", PUBLISHED_COLOUR, "solid", 2.25),
             ("From published: P10", "P10", PUBLISHED_COLOUR, "dash", 1.0),
             ("From published: P90", "P90", PUBLISHED_COLOUR, "dash", 1.0),
             ("This forecast: P50", "This forecast: P50 (dashed: P10, P90)", THIS_FORECAST_COLOUR, "solid", 2.25),
             ("This forecast: P10", "P10", THIS_FORECAST_COLOUR, "dash", 1.0),
             ("This forecast: P90", "P90", THIS_FORECAST_COLOUR, "dash", 1.0))
    for k, measure in enumerate(tv.PUBLISHED_STOCKS):
        rows = np.flatnonzero((table["Scenario"] == scenarios[0]).to_numpy()
                              & (table["Measure"] == tv.published_measure(measure)).to_numpy())
        if len(rows) == 0:
            continue
        top, bottom = header + 1 + int(rows[0]), header + 1 + int(rows[-1])
        chart = wb.add_chart({"type": "line"})
        for label, legend, colour, dash, width in lines:
            chart.add_series({"name": legend, "categories": [name, top, col["31 March"], bottom, col["31 March"]],
                              "values": [name, top, col[label], bottom, col[label]],
                              "line": {"color": colour, "width": width, "dash_type": dash},
                              "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                                         "border": {"color": colour}} if label == "Published" else {"type": "none"}})
        chart.show_blanks_as("gap")
        title = tv.published_measure(measure)
        chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
        chart.set_x_axis({"name": "31 March", "date_axis": True, "num_format": "yyyy", "major_unit": 1,
                          "major_unit_type": "years", "base_unit": "years"})
        chart.set_y_axis({"name": "Children", "num_format": COUNT_FORMAT, "min": 0,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom", "delete_series": [2, 3, 5, 6]})
        chart.set_size({"width": 640, "height": 360})
        ws.insert_chart(header + 19 * k, last_col + 2, chart)
    _print_setup(ws, repeat_to_row=header)
