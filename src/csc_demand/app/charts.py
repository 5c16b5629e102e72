"""Charts and tables for the app: pure functions from a Forecast or an AnnexA to Plotly figures and DataFrames.

No Streamlit here, so everything is tested directly. Tables are the report's views
(:mod:`csc_demand.report.tables_view`) flattened for the screen, so the app shows exactly the numbers the
Excel report holds. Scenarios are told apart by line style (solid, dashed, dotted, …) and name as well as by
colour (a colour-blind-safe palette), so colour is never the only cue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from csc_demand.report.tables_view import (
    BAND_QUANTILES,
    MEASURE_UNITS,
    PUBLISHED_SERIES,
    SCENARIO_COLOURS,
    WINDOW_FIT_LABELS,
    costs_table,
    fy_labels,
    published_chart_text,
    published_measure,
    published_wide,
    quantile_label,
    scenario_names,
    wide_table,
    window_fit_table,
)
from csc_demand.tables import (
    ACTUAL_SCENARIO,
    MEASURE_LABELS,
    AnnexA,
    Forecast,
    day_label,
)

#: The reports' scenario colours (each at least 3:1 against white), so the app and the reports match.
COLOURS = SCENARIO_COLOURS
#: Line styles, one per scenario, so that colour is not the only cue.
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
DASH_WORDS = {"solid": "solid line", "dash": "dashed line", "dot": "dotted line", "dashdot": "dash-dot line",
              "longdash": "long-dashed line", "longdashdot": "long-dash-dot line"}
ACTUAL_COLOUR = "#222222"
#: The charts' plotly template (plain white, as the reports).
TEMPLATE = "plotly_white"
FONT = dict(family="Source Sans Pro, Arial, sans-serif", size=14, color="#222222")


def scenario_styles(names: list[str]) -> dict[str, tuple[str, str]]:
    """(colour, dash) per scenario name, in order; the same name always gets the same style in one list."""
    return {n: (COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]) for i, n in enumerate(names)}


def _styles(forecast: Forecast, names: list[str]) -> dict[str, tuple[str, str]]:
    """Each scenario's style in the forecast (so a scenario looks the same whichever are shown); series that
    are not the forecast's scenarios (such as the published figures' two forecasts) styled in their own order."""
    every = scenario_names(forecast)
    return scenario_styles(every if set(names) <= set(every) else list(names))


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def month_label(ts: pd.Timestamp) -> str:
    """``Jan 2021``."""
    return pd.Timestamp(ts).strftime("%b %Y")


def _figure(traces: list[dict]) -> go.Figure:
    """A figure of ``traces`` (plotly trace dicts) with :data:`TEMPLATE`.

    The template is made plotly's default before the figure is made, so plotly applies it as it applies its
    default: as a template it has already checked, rather than checking it again for every figure; the traces
    are checked once, all together. The figure is the same as one given the template and its traces one by one
    (its JSON holds the same content), at about two thirds of the time. Every chart in the app uses this
    template, so changing the default changes no other chart."""
    _use_template()
    fig = go.Figure()
    fig.add_traces(traces)
    return fig


def _use_template() -> None:
    """Make :data:`TEMPLATE` plotly's default (plotly checks the template when the default is set, so it is set
    only when it is not already)."""
    if pio.templates.default != TEMPLATE:
        pio.templates.default = TEMPLATE


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"), font=FONT, height=420,
        margin=dict(l=60, r=20, t=60, b=40), hovermode="x unified",
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        yaxis=dict(title=y_title, rangemode="tozero", separatethousands=True),
        xaxis=dict(title=None))
    return fig


def _value(frame: pd.DataFrame, scenario: str, q: float) -> pd.Series | None:
    cols = [c for c in frame.columns if c[0] == scenario and c[1] == "All" and abs(c[2] - q) < 1e-9]
    return frame[cols[0]] if cols else None


def forecast_figure(forecast: Forecast, measure: str, scenarios: list[str] | None = None,
                    period_type: str = "month", wide: pd.DataFrame | None = None) -> go.Figure:
    """Actuals, then each scenario's median (its own line style) with a shaded P10–P90 band.

    ``wide``: the measure's :func:`wide_table` if already made (it is made here otherwise).
    """
    wide = wide_table(forecast, measure, period_type) if wide is None else wide
    x = wide.index.get_level_values("period_start").to_numpy()   # arrays: plotly takes them fastest
    names = scenarios if scenarios is not None else scenario_names(forecast)
    styles = _styles(forecast, names)
    traces = []
    actual = _value(wide, ACTUAL_SCENARIO, 0.5)
    if actual is not None and actual.notna().any():
        traces.append(dict(type="scatter", x=x, y=actual.to_numpy(), name="Actual", mode="lines+markers",
                           line=dict(color=ACTUAL_COLOUR, width=2.5), marker=dict(size=5, symbol="circle"),
                           connectgaps=False, hovertemplate="%{y:,.0f}"))
    lo_q, mid_q, hi_q = BAND_QUANTILES
    for name in names:
        colour, dash = styles.get(name, (COLOURS[0], "solid"))
        lo, mid, hi = (_value(wide, name, q) for q in (lo_q, mid_q, hi_q))
        if mid is None:
            continue
        keep = mid.notna().to_numpy()
        if lo is not None and hi is not None:
            traces.append(dict(type="scatter", x=x[keep], y=hi.to_numpy()[keep], mode="lines", line=dict(width=0),
                               showlegend=False, hoverinfo="skip", legendgroup=name, name=f"{name} P90"))
            traces.append(dict(type="scatter", x=x[keep], y=lo.to_numpy()[keep], mode="lines", line=dict(width=0),
                               fill="tonexty", fillcolor=_rgba(colour, 0.15), legendgroup=name,
                               name=f"{name}: P10 to P90", showlegend=False, hoverinfo="skip"))
        traces.append(dict(type="scatter", x=x[keep], y=mid.to_numpy()[keep], mode="lines", legendgroup=name,
                           name=f"{name} (median)", line=dict(color=colour, width=3, dash=dash),
                           hovertemplate="%{y:,.0f}"))
    label = MEASURE_LABELS.get(measure, measure)
    title = f"{label}: actual, then forecast" if actual is not None and actual.notna().any() else \
        f"{label}: forecast"
    return _layout(_figure(traces), title, MEASURE_UNITS.get(measure, label))


def forecast_alt(forecast: Forecast, measure: str, scenarios: list[str] | None = None,
                 wide: pd.DataFrame | None = None) -> str:
    """A short text description of :func:`forecast_figure` (monthly) for screen readers."""
    wide = wide_table(forecast, measure, "month") if wide is None else wide
    x = wide.index.get_level_values("period_start")
    names = scenarios if scenarios is not None else scenario_names(forecast)
    styles = _styles(forecast, names)
    label = MEASURE_LABELS.get(measure, measure).lower()
    parts = [f"Line chart of {label} by month"]
    actual = _value(wide, ACTUAL_SCENARIO, 0.5)
    if actual is not None and actual.notna().any():
        seen = x[actual.notna().to_numpy()]
        parts.append(f"actual figures (black line) from {month_label(seen.min())} to {month_label(seen.max())}")
    described = []
    for n in names:
        mid = _value(wide, n, 0.5)
        if mid is None or not mid.notna().any():
            continue
        last = mid.dropna()
        described.append(f"{n} ({DASH_WORDS[styles[n][1]]}) ends at {last.iloc[-1]:,.0f} in "
                         f"{month_label(x[mid.notna().to_numpy()].max())}")
    if described:
        parts.append("then the median forecast with a shaded P10 to P90 band for each scenario: "
                     + "; ".join(described))
    return ", ".join(parts) + ". The same numbers are in the table below the chart."


def published_figure(forecast: Forecast, measure: str, scenario: str) -> tuple[go.Figure, str] | None:
    """One published stock at each 31 March for one scenario (a forecast with :attr:`Forecast.published`): the
    DfE's figures, the forecast from them and this forecast, each median with its P10–P90 band; with the
    chart's text for screen readers. None when there is no figure to draw."""
    wide = published_wide(forecast, measure, scenario)
    if wide.empty or not np.isfinite(wide.to_numpy(dtype=float)).any():
        return None
    fig = forecast_figure(forecast, measure, list(PUBLISHED_SERIES), wide=wide)
    fig.for_each_trace(lambda t: t.update(name="Published by the DfE"), selector=dict(name="Actual"))
    fig.update_layout(title_text=published_measure(measure), yaxis_title="Children")
    return fig, published_chart_text(wide, measure)


def fy_period_label(period: str, labels: dict[str, str] | None = None) -> str:
    """A financial year for the screen: "2025-26 (April to March)", or as ``labels`` (:func:`fy_labels`) name a
    year the forecast covers only in part: "2024-25 (Jan–Mar only)"."""
    label = (labels or {}).get(str(period), str(period))
    return label if label != str(period) else f"{period} (April to March)"


def flat_table(wide: pd.DataFrame, period_type: str = "month", scenarios: list[str] | None = None,
               years: dict[str, str] | None = None) -> pd.DataFrame:
    """A report view (wide table) flattened for the screen: a Period column, then "Scenario: P10" etc.
    ``years``: the forecast's :func:`fy_labels`, so that a partial financial year says which months it holds."""
    cols = [c for c in wide.columns if scenarios is None or c[0] in (ACTUAL_SCENARIO, *scenarios)]
    out = wide[cols] if cols else wide.iloc[:, 0:0]
    names = []
    for scenario, group, q in out.columns:
        label = scenario if scenario == ACTUAL_SCENARIO else f"{scenario}: {quantile_label(q)}"
        if group != "All":
            label = f"{label} ({group})"
        names.append(label)
    out = out.copy()
    out.columns = names
    starts = wide.index.get_level_values("period_start")
    periods = wide.index.get_level_values("period")
    first = [month_label(s) for s in starts] if period_type == "month" else [fy_period_label(p, years) for p in periods]
    out.insert(0, "Period", first)
    return out.reset_index(drop=True)


def measure_table(forecast: Forecast, measure: str, period_type: str = "month",
                  scenarios: list[str] | None = None, wide: pd.DataFrame | None = None) -> pd.DataFrame:
    """One measure by month or financial year: actuals, then P10 / median / P90 per scenario."""
    wide = wide_table(forecast, measure, period_type) if wide is None else wide
    return flat_table(wide, period_type, scenarios, fy_labels(forecast) if period_type == "fy" else None)


def costs_by_group(forecast: Forecast, period_type: str = "fy", scenarios: list[str] | None = None) -> pd.DataFrame:
    """Median cost (£ in the period) per cost group: a row per (period, cost group), a column per scenario.

    The totals with their P10–P90 band are in :func:`measure_table` of ``cost_gbp``.
    """
    wide = costs_table(forecast, period_type)
    names = scenarios if scenarios is not None else scenario_names(forecast)
    starts = wide.index.get_level_values("period_start")
    years = fy_labels(forecast)
    periods = [month_label(d) for d in starts] if period_type == "month" else \
        [fy_period_label(p, years) for p in wide.index.get_level_values("period")]
    groups = [g for g in dict.fromkeys(c[1] for c in wide.columns if c[0] in names) if g != "All"]
    rows = []
    for i, period in enumerate(periods):
        for g in groups:
            row = {"Period": period, "Cost group": g}
            for n in names:
                if (n, g, 0.5) in wide.columns:
                    row[f"{n}: Median"] = wide[(n, g, 0.5)].iloc[i]
            rows.append(row)
    return pd.DataFrame(rows)


# --- history ----------------------------------------------------------------------------------------------

def weekly_referrals(annex: AnnexA) -> pd.DataFrame:
    """Referrals per week (Monday to Sunday) by source group, over whole weeks inside the observed history.

    Columns: ``week_start`` (Monday), ``source_group``, ``referrals`` (count in that week). Weeks that are
    only partly inside the observed period are left out, so the first and last weeks are not too low.
    """
    ref = annex.referrals
    start = pd.Timestamp(annex.observed_from).normalize()
    end = pd.Timestamp(annex.extract_date).normalize()
    first_monday = start + pd.offsets.Week(weekday=0) if start.weekday() != 0 else start
    last_sunday = end if end.weekday() == 6 else end - pd.offsets.Week(weekday=6)
    dates = pd.to_datetime(ref["referral_date"])
    keep = (dates >= first_monday) & (dates <= last_sunday)
    week = (dates[keep] - pd.to_timedelta(dates[keep].dt.day_of_week, unit="D")).rename("week_start")
    group = ref.loc[keep, "source_group"].astype("string").fillna("Unknown").rename("source_group")
    counts = pd.crosstab(week, group)
    weeks = pd.date_range(first_monday, last_sunday - pd.Timedelta(days=6), freq="7D", name="week_start")
    counts = counts.reindex(weeks, fill_value=0)
    out = counts.stack().rename("referrals").reset_index()
    return out.astype({"referrals": "int64"})


def referrals_history_figure(weekly: pd.DataFrame) -> go.Figure:
    """Weekly referrals: the total, and one small panel per source group (labelled, so no colour needed)."""
    from plotly.subplots import make_subplots

    total = weekly.groupby("week_start", as_index=False)["referrals"].sum()
    order = (weekly.groupby("source_group")["referrals"].sum().sort_values(ascending=False).index.tolist())
    n = len(order)
    cols = 3
    rows = 1 + (n + cols - 1) // cols
    specs = [[{"colspan": cols}, None, None]] + [[{}, {}, {}] for _ in range(rows - 1)]
    _use_template()   # as in _figure
    fig = make_subplots(rows=rows, cols=cols, specs=specs, shared_xaxes=False, vertical_spacing=0.09,
                        subplot_titles=["All referrals"] + order)
    fig.add_trace(go.Scatter(x=total["week_start"], y=total["referrals"], mode="lines", name="All referrals",
                             line=dict(color=ACTUAL_COLOUR, width=2), hovertemplate="%{y:,.0f}"), row=1, col=1)
    for i, g in enumerate(order):
        sub = weekly.loc[weekly["source_group"] == g]
        fig.add_trace(go.Scatter(x=sub["week_start"], y=sub["referrals"], mode="lines", name=g,
                                 line=dict(color=COLOURS[0], width=1.5), hovertemplate="%{y:,.0f}"),
                      row=2 + i // cols, col=1 + i % cols)
    fig.update_layout(font=FONT, showlegend=False, height=260 + 200 * (rows - 1),
                      margin=dict(l=50, r=20, t=60, b=30),
                      title=dict(text="Referrals per week, in total and by source", x=0))
    fig.update_yaxes(rangemode="tozero")
    return fig


def referrals_history_table(weekly: pd.DataFrame) -> pd.DataFrame:
    """Weekly referrals as a table: a row per week, a column per source group and the total."""
    wide = weekly.pivot_table(index="week_start", columns="source_group", values="referrals", aggfunc="sum",
                              fill_value=0)
    order = wide.sum().sort_values(ascending=False).index.tolist()
    wide = wide[order]
    wide.insert(0, "All referrals", wide.sum(axis=1))
    wide.index = [f"Week from {day_label(d)}" for d in wide.index]
    return wide.rename_axis("Week").reset_index()


def stock_history_figure(actuals: pd.DataFrame) -> go.Figure:
    """Open child protection plans and children looked after at each month end over the loaded history."""
    sub = actuals.loc[(actuals["period_type"] == "month") & (actuals["breakdown"] == "total")
                      & actuals["measure"].isin(["cp_open", "cla_open"])]
    traces = []
    for measure, dash, colour, symbol in (("cp_open", "solid", COLOURS[0], "circle"),
                                          ("cla_open", "dash", COLOURS[1], "square")):
        s = sub.loc[sub["measure"] == measure].sort_values("period_start")
        traces.append(dict(type="scatter", x=s["period_start"].to_numpy(), y=s["value"].to_numpy(),
                           mode="lines+markers",
                           name=MEASURE_LABELS[measure].replace(" (end of period)", " at the month end"),
                           line=dict(color=colour, width=2.5, dash=dash), marker=dict(symbol=symbol, size=7),
                           hovertemplate="%{y:,.0f}"))
    return _layout(_figure(traces), "Open child protection plans and children looked after",
                   "Children at the month end")


def stock_history_table(actuals: pd.DataFrame) -> pd.DataFrame:
    """The monthly actuals of every measure (totals) as a table for people."""
    sub = actuals.loc[(actuals["period_type"] == "month") & (actuals["breakdown"] == "total")]
    wide = sub.pivot_table(index="period_start", columns="measure", values="value", aggfunc="first")
    wide = wide[[m for m in MEASURE_LABELS if m in wide.columns]]
    wide.columns = [MEASURE_LABELS[m] for m in wide.columns]
    wide.index = [month_label(d) for d in wide.index]
    return wide.rename_axis("Month").reset_index()


# --- model against actual (the latest observed window) ------------------------------------------------------

def window_fit_figure(fit: pd.DataFrame, measure: str) -> go.Figure:
    """The actual number open (solid) and the model's path (dashed) over the latest observed window, for one
    measure of :func:`csc_demand.model.window_fit`."""
    sub = fit.loc[fit["measure"] == measure].sort_values("date")
    label = WINDOW_FIT_LABELS[measure]
    fig = _figure([
        dict(type="scatter", x=sub["date"].to_numpy(), y=sub["actual"].to_numpy(), mode="lines+markers", name="Actual",
             line=dict(color=ACTUAL_COLOUR, width=2.5), marker=dict(symbol="circle", size=6),
             hovertemplate="%{y:,.0f}"),
        dict(type="scatter", x=sub["date"].to_numpy(), y=sub["model"].to_numpy(), mode="lines", name="Model",
             line=dict(color=COLOURS[0], width=2.5, dash="dash"), hovertemplate="%{y:,.0f}")])
    fig = _layout(fig, f"{label}: model against actual", label)
    fig.update_layout(height=340)
    return fig


def window_fit_screen_table(fit: pd.DataFrame) -> pd.DataFrame:
    """The model against actual as a table for the screen: dates as ``5 Jan 2021``, then per measure the
    actual and the model's number open."""
    table = window_fit_table(fit)
    table["Date"] = [day_label(d) for d in table["Date"]]
    return table
