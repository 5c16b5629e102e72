"""The "How far to trust this" page: the backtest of the method on this authority's own past data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_demand.app import state
from csc_demand.app.views.common import show_table
from csc_demand.errors import CscDemandError
from csc_demand.tables import MEASURE_LABELS, day_label

TITLE = "How far to trust this"
COLUMNS = {
    "measure": "Measure", "horizon_months": "Months ahead", "cutoffs": "Past dates tried",
    "mape_median_pct": "Typical error of the forecast (%)",
    "bias_median_pct": "Bias of the forecast (%, above 0 = too high)",
    "scaled_error": "Scaled error (below 1 = better than 'same as last month')",
    "mape_last_value_pct": "Error of 'same as last month' (%)",
    "mape_window_mean_pct": "Error of 'average so far' (%)",
    "mape_same_month_last_year_pct": "Error of 'same month last year' (%)",
    "inside_p10_p90_pct": "Actual inside the P10–P90 band (%)", "note": "Note",
}


def _pct(x: object) -> str:
    return "not available" if x is None or pd.isna(x) else f"{float(x):.0f}%"


def _bias(x: object) -> str:
    """How far the forecast leaned, in words (``x``: mean signed % error)."""
    if x is None or pd.isna(x):
        return ""
    if round(float(x)) == 0:
        return ", with no lean either way"
    return f", on average {abs(float(x)):.0f}% too {'high' if float(x) > 0 else 'low'}"


def _scaled(x: object) -> str:
    """The scaled error in words (``x``: mean absolute error of the forecast ÷ that of 'same as last month')."""
    if x is None or pd.isna(x):
        return ""
    verdict = "better than" if float(x) < 1 else "no better than"
    return (f" Its errors were {float(x):.2f} times those of 'same as last month' (scaled error): {verdict} "
            "that simple guess.")


def sentences(bt: pd.DataFrame) -> list[str]:
    """One plain-English sentence per measure, at the longest horizon the data allow."""
    out = []
    for measure, rows in bt.groupby("measure", sort=False):
        ok = rows.dropna(subset=["mape_median_pct"])
        if ok.empty:
            continue
        r = ok.sort_values("horizon_months").iloc[-1]
        label = MEASURE_LABELS.get(str(measure), str(measure)).replace(" (end of period)", "").lower()
        n = int(r["cutoffs"])
        tried = f"{n} past date{'s' if n != 1 else ''} tried"
        year = r.get("mape_same_month_last_year_pct")
        year = "" if year is None or pd.isna(year) else f"; same month last year: {_pct(year)}"
        text = (f"**{label.capitalize()}**, {int(r['horizon_months'])} months ahead ({tried}): the forecast was "
                "typically "
                f"{_pct(r['mape_median_pct'])} off{_bias(r.get('bias_median_pct'))} (same as last month: "
                f"{_pct(r['mape_last_value_pct'])}; average so far: {_pct(r['mape_window_mean_pct'])}{year})."
                + _scaled(r.get("scaled_error")))
        if pd.notna(r["inside_p10_p90_pct"]):
            text += (f" {_pct(r['inside_p10_p90_pct'])} of the actual figures fell inside the P10–P90 band "
                     "(about 80% is right; much less means the bands are too narrow).")
        out.append(text)
    return out


def table(bt: pd.DataFrame) -> pd.DataFrame:
    """The backtest table for people."""
    out = bt[[c for c in COLUMNS if c in bt.columns]].copy()
    out["measure"] = [MEASURE_LABELS.get(str(m), str(m)) for m in out["measure"]]
    out["note"] = out["note"].fillna("")
    return out.rename(columns=COLUMNS)


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    st.markdown("The tool cut your own data at past dates, forecast from what was known then (with no further "
                "shocks, apart from any in your first scenario that had already begun by then), and compared the "
                "forecast with what actually happened. The *typical error* is the average distance of the median "
                "from the actual figure, as a percentage of it; the *bias* is the average of the signed "
                "distances (above 0: the forecast ran too high). Three simple guesses are shown for comparison: "
                "*same as last month*, *the average so far* and, once a year of history exists, *the same month "
                "last year*. The *scaled error* is the forecast's average error divided by that of *same as last "
                "month*: below 1, the forecast did better. A forecast worth using beats them.")
    try:
        with st.spinner("Running the backtest on your data (a few seconds, once per data set)…"):
            bt = state.backtest()
    except CscDemandError as exc:
        st.error(str(exc))
        return
    cutoffs = bt.attrs.get("cutoffs", [])
    if cutoffs:
        first, last = pd.Timestamp(cutoffs[0]), pd.Timestamp(cutoffs[-1])
        st.caption(f"Past dates tried: {len(cutoffs)}, from {day_label(first)} to {day_label(last)}.")
    if bt.attrs.get("caution"):
        st.warning(bt.attrs["caution"])
    if bt.attrs.get("past_shocks"):
        st.caption("Shocks from your first scenario applied from the past dates they had begun by: "
                   f"{', '.join(bt.attrs['past_shocks'])}.")
    lines = sentences(bt)
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))
    else:
        st.info("Your data are too short for a backtest: load older extracts (at least a year of history) to see "
                "how far to trust the forecast.")
    st.subheader("All results")
    show_table(table(bt))
    st.caption("Errors beyond the history you loaded cannot be measured; those rows say so. With more extracts "
               "(a longer history) the backtest covers more dates and longer horizons. The backtest forecasts "
               "assume no further shocks after each past date (only the shocks in your first scenario that had "
               "already begun are applied), so a shock after a past date (such as a lockdown) shows up as a large "
               "error: that is what a scenario is for.")
