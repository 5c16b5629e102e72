"""The "Children in need and social workers" page: children in need and the case-holding social workers they
need per scenario (charts with the P10–P90 band, and tables), the caseload each scenario uses and where it
comes from, all social workers and posts from the case-holder share and the vacancy rate, and the budget
question: "to bring caseloads to N by a date, how many more social workers, and what do they cost".

Everything shown is a view of the forecast (:mod:`csc_demand.report.tables_view`): the same figures as the
Excel sheet "CIN and social workers" and the HTML section. The settings are the scenario's ``[workforce]``
table, changed on the Scenarios page.
"""

from __future__ import annotations

import streamlit as st

from csc_demand.app import charts
from csc_demand.app.pages import DATA, SCENARIOS, go_to
from csc_demand.app.views.common import show_table
from csc_demand.app.views.forecast import _chart, chosen_forecast
from csc_demand.report import tables_view as tv

TITLE = "Children in need and social workers"
STAFFING_SCENARIO = "caseload_scenario"


def _settings_caption(s) -> str:
    """The workforce settings a staffing table uses, in a sentence."""
    w = s.workforce
    rates = "England's, 30 September 2025 (DfE)" if w.rates_are_default() else "set in the scenario"
    pay = "illustrative, not your authority's" if w.pay_is_default() else "set in the scenario"
    return (f"Case holders are {w.case_holder_share_pct:g}% of all social workers in post and the vacancy rate is "
            f"{w.vacancy_rate_pct:g}% ({rates}). Pay: salary £{w.salary_gbp_per_year:,.0f} a year, on-costs "
            f"{w.on_costs_pct:g}%, {w.agency_rate_pct:g}% agency workers at a {w.agency_premium_pct:g}% premium "
            f"({pay}).")


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    chosen = chosen_forecast()
    if chosen is None:
        return
    fc, names, items, fkey = chosen.fc, chosen.names, chosen.items, chosen.key

    if not tv.has_children_in_need(fc):
        st.warning(tv.NO_LIST_6)
        st.button("Go to the data page to load List 6", key="caseload_load", on_click=go_to, args=(DATA,),
                  help="Load your Annex A again with List 6 (children in need) among the lists: the workbook, "
                       "a folder of CSVs or pasted text.")
        return

    st.markdown(tv.CASELOAD_MEANING)
    st.subheader("The caseload used")
    chosen = [(n, c, t) for n, c, t in tv.caseloads(fc) if n in names]
    st.markdown("\n".join(f"- **{n}**: {t}" for n, _, t in chosen))
    st.caption("Change the caseload (or name your local authority for its own published caseload) on the "
               "Scenarios page, under 'Costs and social workers'.")

    st.subheader("Case-holding social workers needed (at each month end)")
    _chart(fc, fkey, "social_workers", names, "caseload_workers")
    st.subheader("Children in need (at each month end)")
    _chart(fc, fkey, "cin_open", names, "caseload_cin")

    st.header("All social workers and posts", divider="gray")
    st.markdown(tv.WORKFORCE_MEANING)
    if st.session_state.get(STAFFING_SCENARIO) not in names:
        st.session_state[STAFFING_SCENARIO] = names[0]
    name = st.selectbox("Scenario for the staffing table", names, key=STAFFING_SCENARIO,
                        help="The staffing month by month, from this scenario's median children in need, its "
                             "caseload and its workforce settings.")
    scenario = next(s for s in items if s.name == name)
    table = tv.staffing_table(fc, name)
    if table is not None:
        table = table.assign(Month=[charts.month_label(m) for m in table["Month"]])
        show_table(table, 1, key="caseload_staffing")
    caption = _settings_caption(scenario)
    if table is not None and any("(£" in c for c in table.columns):
        caption += f" Costs are at {tv.pay_price_base(fc)}."
    st.caption(caption)

    st.header("To bring caseloads to a target", divider="gray")
    answers = [(n, tv.target_answer(fc, n)) for n in names]
    answers = [(n, a) for n, a in answers if a]
    for n, a in answers:
        st.success(f"**{n}**: {a}")
    if not answers:
        st.info("None of the scenarios shown sets a target caseload. To ask how many more social workers it would "
                "take to bring caseloads to a number by a date, and what they would cost, set a target on the "
                "Scenarios page under 'Costs and social workers'.")
    st.button("Change the workforce settings (Scenarios page)", key="caseload_settings", on_click=go_to,
              args=(SCENARIOS,), help="The caseload, your local authority, the shares and rates, pay, the number "
                                      "of social workers today and the target are set per scenario there.")
