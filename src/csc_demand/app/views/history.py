"""The "History" page: weekly referrals by source, open plans and children looked after, the estimates in words,
and the model against the actual open plans and children looked after over the last six months."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from csc_demand.app import charts, state
from csc_demand.app.views.common import show_table
from csc_demand.errors import CscDemandError
from csc_demand.report.tables_view import WINDOW_FIT_LABELS, window_fit_heading, window_fit_measures
from csc_demand.tables import MEASURE_LABELS

if TYPE_CHECKING:
    from csc_demand.model import Estimates

TITLE = "History"


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    a = state.model_annex()
    st.markdown(f"What happened in {state.data_label()} up to the extract date, and what the tool measured "
                "from it. These measurements drive every forecast unless a scenario replaces them.")
    try:
        est = state.estimates()
    except CscDemandError as exc:
        st.error(str(exc))
        est = None
    if est is not None:
        st.subheader("What the data say")
        st.markdown("\n".join(f"- {line}" for line in est.explain() if line))

    st.subheader("Referrals per week")
    weekly = state.cached("weekly_referrals", None, lambda: charts.weekly_referrals(a))
    if weekly.empty:
        st.info("There are no whole weeks of referrals to show.")
    else:
        n_weeks = weekly["week_start"].nunique()
        total = weekly.groupby("week_start")["referrals"].sum()
        top = weekly.groupby("source_group")["referrals"].sum().sort_values(ascending=False)
        alt = (f"Line charts of referrals per week over {n_weeks} weeks from "
               f"{charts.month_label(total.index.min())} to {charts.month_label(total.index.max())}: in total "
               f"(between {total.min():,.0f} and {total.max():,.0f} a week) and one small chart per referral "
               f"source; the most referrals came from {top.index[0]}.")
        st.plotly_chart(charts.referrals_history_figure(weekly), key="hist_ref", alt=alt,
                        config={"displaylogo": False})
        with st.expander("Show referrals per week as a table"):
            show_table(charts.referrals_history_table(weekly))

    st.subheader("Open child protection plans and children looked after")
    from csc_demand.model import actuals

    act = est.actuals if est is not None else state.cached("actuals", None, lambda: actuals(a))
    fig = charts.stock_history_figure(act)
    table = charts.stock_history_table(act)
    if table.empty:
        st.info("There are no month ends inside the loaded history to show.")
    else:
        cp_col, cla_col = MEASURE_LABELS["cp_open"], MEASURE_LABELS["cla_open"]
        parts = []
        for col, what in ((cp_col, "open child protection plans (solid line)"),
                          (cla_col, "children looked after (dashed line)")):
            if col in table and table[col].notna().any():
                s = table[col].dropna()
                parts.append(f"{what} from {s.iloc[0]:,.0f} to {s.iloc[-1]:,.0f}")
        alt = (f"Line chart by month end from {table['Month'].iloc[0]} to {table['Month'].iloc[-1]}: "
               + "; ".join(parts) + ".")
        st.plotly_chart(fig, key="hist_stock", alt=alt, config={"displaylogo": False})
        with st.expander("Show the monthly figures as a table"):
            show_table(table)
    if est is not None:
        _window_fit_section(est)


def _window_fit_section(est: Estimates) -> None:
    """The model against the actual open plans and children looked after over the latest observed window."""
    from csc_demand.model import window_fit

    fit = state.cached("window_fit", None, lambda: window_fit(est))
    measures = window_fit_measures(fit)
    if not measures:
        return
    st.subheader(window_fit_heading(fit))
    st.markdown("Does the model reproduce what happened? Its path starts from the actual number open on the first "
                "day and adds the starts it expects from the usual level of referrals; nothing in it was tuned "
                "to these counts.")
    summary = fit.attrs.get("summary", {})
    for m in measures:
        sentence = str(summary.get(m, ""))
        st.markdown(sentence)
        label = WINDOW_FIT_LABELS[m].lower()
        alt = (f"Line chart of {label}: the actual number open (solid line) and the model's path (dashed line). "
               + sentence)
        st.plotly_chart(charts.window_fit_figure(fit, m), key=f"hist_fit_{m}", alt=alt,
                        config={"displaylogo": False})
    with st.expander("Show the model against actual as a table"):
        show_table(charts.window_fit_screen_table(fit))
