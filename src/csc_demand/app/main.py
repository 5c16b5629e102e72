"""The app's page structure: a page chooser in the sidebar, one module per page in :mod:`.views` (the page names
are in :mod:`.pages`, re-exported here)."""

from __future__ import annotations

import streamlit as st

from csc_demand import __version__
from csc_demand.app import state
from csc_demand.app.pages import (CASELOAD, DATA, FORECAST, GUIDE, HISTORY, NEEDS_DATA, PAGE, PAGES, SCENARIOS,
                                  TRUST, go_to)

__all__ = ["CASELOAD", "DATA", "FORECAST", "GUIDE", "HISTORY", "NEEDS_DATA", "PAGE", "PAGES", "SCENARIOS", "TRUST",
           "go_to", "keep_choices", "main"]

#: Choices kept while their page is not shown (Streamlit forgets a widget's value when it is not drawn).
KEPT = ("compare", "months", "draws", "seed", "scenario_selected", state.EXCLUDE_UASC, "show_starts",
        "caseload_scenario")


def keep_choices() -> None:
    """Keep the user's choices on other pages (re-setting a key makes Streamlit keep it)."""
    for key in KEPT:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def main() -> None:
    """Draw the app: sidebar page chooser, then the chosen page."""
    st.set_page_config(page_title="csc-demand: children's services demand", layout="wide",
                       initial_sidebar_state="expanded", menu_items={})
    st.session_state.setdefault(PAGE, DATA)
    keep_choices()
    from csc_demand.app.views.data import load_demo_if_requested

    load_demo_if_requested()
    with st.sidebar:
        st.markdown("### csc-demand")
        st.radio("Go to page", PAGES, key=PAGE,
                 help="The pages follow the order of the work: load data, look at the history, shape "
                      "scenarios, see the forecast and the social workers it needs, check how far to trust it.")
        a = state.annex()
        if a is not None:
            uasc = " Unaccompanied asylum-seeking children left out." if st.session_state.get(state.EXCLUDE_UASC) \
                else ""
            h = state.history()
            monthly = f" With monthly figures from {h.source}." if h is not None else ""
            st.success(f"Loaded: {state.data_label()}, extract date "
                       f"{a.extract_date.strftime('%d %b %Y').lstrip('0')}.{monthly}{uasc}")
        else:
            st.info("No data loaded yet.")
        st.caption(f"Version {__version__}. Runs on this computer only; your data is never sent anywhere.")

    page = st.session_state[PAGE]
    if page in NEEDS_DATA and not state.ready():
        st.title(page)
        st.warning("Load data first: use the demo local authority or your own Annex A lists.")
        from csc_demand.app.views import data as data_view
        data_view.render_start_buttons()
        return
    if page == DATA:
        from csc_demand.app.views import data as view
    elif page == HISTORY:
        from csc_demand.app.views import history as view
    elif page == SCENARIOS:
        from csc_demand.app.views import scenarios as view
    elif page == FORECAST:
        from csc_demand.app.views import forecast as view
    elif page == CASELOAD:
        from csc_demand.app.views import caseload as view
    elif page == TRUST:
        from csc_demand.app.views import trust as view
    else:
        from csc_demand.app.views import guidance as view
    view.render()
