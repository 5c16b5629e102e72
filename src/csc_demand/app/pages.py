"""The app's page names, shared by :mod:`.main` (the page chooser) and the pages in :mod:`.views` (their "next"
buttons), kept here so that no view imports :mod:`.main`."""

from __future__ import annotations

import streamlit as st

#: The session-state key of the chosen page.
PAGE = "page"
DATA, HISTORY, SCENARIOS, FORECAST, CASELOAD, TRUST, GUIDE = (
    "Your data", "History", "Scenarios", "Forecast", "Children in need and social workers", "How far to trust this",
    "How this works")
PAGES = (DATA, HISTORY, SCENARIOS, FORECAST, CASELOAD, TRUST, GUIDE)
#: Pages that need data loaded first.
NEEDS_DATA = (HISTORY, SCENARIOS, FORECAST, CASELOAD, TRUST)


def go_to(page: str) -> None:
    """Switch page (use from a button's on_click callback, before the page chooser is drawn)."""
    st.session_state[PAGE] = page
