"""The "How far to trust this" page: the backtest of the method on this authority's own past data."""

from __future__ import annotations

import streamlit as st

from csc_demand.app import state
from csc_demand.errors import CscDemandError

TITLE = "How far to trust this"


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    st.markdown("The tool cuts your own data at a past date, forecasts from what came before, and compares the "
                "forecast with what actually happened. The same method gives the forecasts on the Forecast page.")
    try:
        with st.spinner("Running the backtest on your data…"):
            bt = state.backtest()
    except (CscDemandError, ImportError) as exc:
        st.error(str(exc))
        return
    st.dataframe(bt, hide_index=True, width="stretch")
