"""The "Forecast" page: charts per measure for the chosen scenarios, tables, costs, social workers, downloads."""

from __future__ import annotations

import time
from typing import NamedTuple

import pandas as pd
import streamlit as st

from csc_demand.app import charts, downloads, state
from csc_demand.app.views.common import show_table
from csc_demand.app.views.scenarios import toml_file_name
from csc_demand.errors import CscDemandError
from csc_demand.report.tables_view import (
    NO_LIST_6,
    PUBLISHED_STOCKS,
    fy_labels,
    has_children_in_need,
    headline_notes,
    headline_table,
    price_base,
    published_intro,
    published_sentences,
    published_table,
    quantile_label,
    wide_table,
)
from csc_demand.scenario import Scenario, scenario_to_toml
from csc_demand.tables import MEASURE_LABELS, Forecast

TITLE = "Forecast"
MAIN_MEASURES = ("referrals", "cp_open", "cla_open")
START_MEASURES = ("cp_starts", "cla_starts")
COMPARE = "compare"
#: The widget key of the local authority named for "Beside your published figures".
PUBLISHED_LA = "published_la"


def headline_flat(fc, head: pd.DataFrame | None = None) -> pd.DataFrame:
    """The headline table (next three financial years; ``head`` if already made) flattened for the screen."""
    head = headline_table(fc) if head is None else head
    years = fy_labels(fc)
    rows = []
    for (measure, period, _start), values in head.iterrows():
        row = {"Measure": MEASURE_LABELS.get(measure, measure).replace(" (end of period)", " on 31 March"),
               "Financial year": years.get(period, period)}
        for (scenario, q), v in values.items():
            row[f"{scenario}: {quantile_label(q)}"] = v
        rows.append(row)
    return pd.DataFrame(rows)


def _view(fkey: tuple, what: str, make):
    """A chart or table of the current forecast, made once per forecast (moving between pages costs nothing)."""
    return state.cached("view", (fkey, what), make, keep=60)


def _wide(fc, fkey: tuple, measure: str, period_type: str):
    return _view(fkey, f"wide {measure} {period_type}", lambda: wide_table(fc, measure, period_type))


def _chart(fc, fkey: tuple, measure: str, names: list[str], key: str) -> None:
    wide = _wide(fc, fkey, measure, "month")
    fig = _view(fkey, f"figure {measure}", lambda: charts.forecast_figure(fc, measure, names, wide=wide))
    alt = _view(fkey, f"alt {measure}", lambda: charts.forecast_alt(fc, measure, names, wide=wide))
    st.plotly_chart(fig, key=f"chart_{key}", alt=alt, config={"displaylogo": False})
    with st.expander(f"Show {MEASURE_LABELS.get(measure, measure).lower()} as a table"):
        by = st.radio("Show by", ["Month", "Financial year (April to March)"], horizontal=True,
                      key=f"by_{key}", help="Months, or totals (open cases: at 31 March) per financial year.")
        period_type = "month" if by == "Month" else "fy"
        table = _view(fkey, f"table {measure} {period_type}",
                      lambda: charts.measure_table(fc, measure, period_type, names,
                                                   wide=_wide(fc, fkey, measure, period_type)))
        show_table(table, 1 if measure == "social_workers" else 0)


def render_settings() -> tuple[list[str], int, int, int]:
    """The scenario chooser and the forecast settings; returns (scenario names, months, draws, seed)."""
    items = state.scenarios()
    names = [s.name for s in items]
    previous = st.session_state.get(COMPARE)
    if previous is None or not set(previous) <= set(names):
        st.session_state[COMPARE] = [n for n in (previous or names) if n in names] or names
    chosen = st.multiselect("Scenarios to compare", names, key=COMPARE,
                            help="Each scenario is drawn with its own line style (solid, dashed, dotted…) and "
                                 "colour. Change scenarios on the Scenarios page.")
    st.session_state.setdefault("months", state.DEFAULT_MONTHS)
    st.session_state.setdefault("draws", state.INTERACTIVE_DRAWS)
    st.session_state.setdefault("seed", state.DEFAULT_SEED)
    from csc_demand.model.forecast import FORECAST_SETTINGS

    months_rule, draws_rule = FORECAST_SETTINGS["months"], FORECAST_SETTINGS["draws"]
    c1, c2, c3 = st.columns(3)
    months = c1.select_slider(months_rule.label, options=list(range(12, int(months_rule.high) + 1, 12)), key="months",
                              help=f"How far ahead to forecast (up to {int(months_rule.high)} months).")
    # the app keeps to fewer runs than the model allows, so that a change redraws at once
    draws = c2.number_input("Simulation runs", min_value=100, max_value=min(5000, int(draws_rule.high)), step=100,
                            key="draws",
                            help=f"The app uses {state.INTERACTIVE_DRAWS} runs so that changes show at once; the "
                                 "command line uses 1,000. More runs give steadier bands but take longer.")
    seed = c3.number_input("Random seed", min_value=0, max_value=2**31 - 1, step=1, key="seed",
                           help="The same data, scenario and seed always give the same forecast.")
    return list(chosen), int(months), int(draws), int(seed)


def render_downloads(fc) -> None:
    """Download buttons for the report and for every scenario file."""
    st.subheader("Download the forecast")
    a = state.annex()
    kinds = downloads.available_kinds()
    cols = st.columns(len(kinds))
    for col, kind in zip(cols, kinds):
        label, mime = downloads.KINDS[kind]
        col.download_button(label, data=lambda k=kind: downloads.report_bytes(fc, k),
                            file_name=downloads.file_name("forecast", a.extract_date, kind), mime=mime,
                            key=f"download_{kind}", on_click="ignore",
                            help="The forecast for the scenarios shown, with the data-quality notes. Made only "
                                 "when you click; nothing is saved otherwise.")
    st.caption("Scenario files (.toml) are under 'What each scenario assumes' above, and on the Scenarios page.")


class Chosen(NamedTuple):
    """The forecast of the scenarios chosen in the settings row, with its settings and how long it took."""

    fc: Forecast
    names: list[str]
    items: list[Scenario]
    key: str
    months: int
    draws: int
    seed: int
    seconds: float


def chosen_forecast() -> Chosen | None:
    """The settings row, then the forecast of the scenarios chosen in it; None (after saying why) when there
    is none. The Forecast and caseload pages both start with it."""
    names, months, draws, seed = render_settings()
    if not names:
        st.warning("Choose at least one scenario to compare.")
        return None
    items = [s for s in state.scenarios() if s.name in names]
    t0 = time.perf_counter()
    try:
        fc = state.forecast(items, months, draws, seed)
    except CscDemandError as exc:
        st.error(str(exc))
        return None
    return Chosen(fc, names, items, state.forecast_key(items, months, draws, seed), months, draws, seed,
                  time.perf_counter() - t0)


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    chosen = chosen_forecast()
    if chosen is None:
        return
    fc, names, items, fkey, months, draws, seed, seconds = chosen
    st.caption(f"{draws:,} simulation runs, seed {seed}, {months} months from "
               f"{charts.month_label(fc.extract_date + pd.offsets.MonthBegin(1))}. Lines: the median (middle) "
               f"result; shaded bands: P10 to P90 (8 runs in 10 fell inside). Calculated in {seconds:.2f} s.")

    with st.expander("What each scenario assumes (and its scenario file)", expanded=False):
        for n, s in enumerate(items):
            st.markdown(f"**{s.name}**")
            st.markdown("\n".join(f"- {line}" for line in s.describe()))
            st.download_button(f"Download the scenario file for '{s.name}' (.toml)", data=scenario_to_toml(s),
                               file_name=toml_file_name(s), mime="application/toml", key=f"toml_{n}",
                               on_click="ignore", help="Keep it, send it to a colleague, or load it again later.")

    st.subheader("The next three financial years")
    head = _view(fkey, "headline table", lambda: headline_table(fc))
    show_table(_view(fkey, "headline", lambda: headline_flat(fc, head)))
    for note in headline_notes(fc, head):
        st.caption(note)

    for m in MAIN_MEASURES:
        st.subheader(MEASURE_LABELS[m].replace(" (end of period)", " (at each month end)"))
        _chart(fc, fkey, m, names, m)
    if st.toggle("Also show plans and care started each month", key="show_starts",
                 help="Child protection plans started and children starting care, per month."):
        for m in START_MEASURES:
            st.subheader(MEASURE_LABELS[m])
            _chart(fc, fkey, m, names, m)

    st.header("Costs and social workers", divider="gray")
    base = price_base(fc)
    st.markdown(f"Costs are children × weeks × the weekly unit costs set in each scenario, at {base}. A financial "
                "year the forecast covers only in part is marked with the months it covers. Social workers needed "
                "(holding cases) = children in need, including those on a plan or in care, ÷ the caseload: the "
                "'Children in need and social workers' page says which caseload each scenario uses, and what it "
                "takes to reach a target.")
    _chart(fc, fkey, "cost_gbp", names, "cost")
    st.markdown(f"**Total cost by financial year (£, at {base})**")
    show_table(_view(fkey, "table cost_gbp fy", lambda: charts.measure_table(fc, "cost_gbp", "fy", names)))
    st.markdown(f"**Median cost by financial year and cost group (£, at {base})**")
    show_table(_view(fkey, "costs by group", lambda: charts.costs_by_group(fc, "fy", names)))
    if has_children_in_need(fc):
        _chart(fc, fkey, "social_workers", names, "workers")
    else:
        st.info(NO_LIST_6)
    render_downloads(render_published(fc, fkey, items))



def render_published(fc: Forecast, fkey: tuple, items: list[Scenario]) -> Forecast:
    """ "Beside your published figures": the authority's figures as the DfE published them, the forecast from
    them and this forecast at each 31 March, when the user asks (it takes a few seconds). Returns the forecast
    with them (:attr:`Forecast.published`) when shown, so the downloads hold them too; else ``fc``."""
    st.header("Beside your published figures", divider="gray")
    st.markdown("Compare this forecast with your authority's figures as the DfE published them (children in need, "
                "child protection and children looked after at 31 March, and the year's referrals and starts), "
                "and with a forecast from those published figures made for every authority in England.")
    st.session_state.setdefault(PUBLISHED_LA, next((s.workforce.la for s in items if s.workforce.la), ""))
    c1, c2 = st.columns([2, 1])
    la = c1.text_input("Your local authority (name or code)", key=PUBLISHED_LA,
                       help="A name such as Kent, or a code such as E10000016 or 886. The 'Your local authority' "
                            "setting of a scenario fills it in.").strip()
    show = c2.toggle("Show the published figures", key="published_on", disabled=not la,
                     help="Forecasts every authority from the published figures to check the interval, so it takes "
                          "a few seconds, and again after a change of scenario.")
    if not (show and la):
        return fc
    try:
        with st.spinner("Forecasting every authority from the published figures (a few seconds)…"):
            fc = state.with_published(fc, fkey, la)
    except CscDemandError as exc:
        st.error(str(exc))
        return fc
    st.markdown(published_intro(fc))
    scenario = str(fc.published["scenario"].iloc[0])
    if len(items) > 1:
        st.caption(f"The charts show the first scenario ({scenario}); the table has every scenario.")
    for measure in PUBLISHED_STOCKS:
        drawn = charts.published_figure(fc, measure, scenario)
        if drawn is not None:
            st.plotly_chart(drawn[0], key=f"published_{measure}", alt=drawn[1], config={"displaylogo": False})
    st.markdown("\n".join(f"- {line}" for line in published_sentences(fc)))
    show_table(published_table(fc))
    return fc
