"""The "Scenarios" page: plain-language controls for everything a scenario file holds.

The stored scenarios (``state.scenarios()``) are the truth. The editor draws widgets whose starting values
come from the stored scenario; after every change it builds a dict in the TOML file's shape from the widget
values and validates it with :func:`csc_demand.scenario.scenario_from_dict` (so the app accepts exactly what a
scenario file accepts, with the same messages). A valid result replaces the stored scenario; an invalid one
is shown as an error and the last valid scenario is kept. Adding, removing or loading anything bumps the
editor's version so the widgets are redrawn from the stored scenarios.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import streamlit as st

from csc_demand.app import state
from csc_demand.errors import CscDemandError
from csc_demand.scenario import (
    BY_SOURCE_SETTING,
    COST_SETTINGS,
    NEW_NORMAL_SETTINGS,
    OVERRIDE_SETTINGS,
    RETURN_PROFILES,
    SCENARIO_SETTINGS,
    SHOCK_SETTINGS,
    SOURCE_GROUPS,
    Scenario,
    Shock,
    builtin_scenarios,
    load_scenario,
    scenario_from_dict,
    scenario_to_toml,
    workforce_to_dict,
)
from csc_demand.settings import Setting
from csc_demand.workforce import WORKFORCE_SETTINGS, default_caseload

TITLE = "Scenarios"
SELECTED = "scenario_selected"
PROFILE_LABELS = {"even": "Evenly over the period", "front-loaded": "More at first, then tailing off"}
#: The workforce settings drawn as the editor's rows of three, in order (the rest come one by one).
WORKFORCE_RATES = ("case_holder_share_pct", "agency_rate_pct", "vacancy_rate_pct")
WORKFORCE_PAY = ("salary_gbp_per_year", "on_costs_pct", "agency_premium_pct")


# --- helpers -------------------------------------------------------------------------------------------------

def toml_file_name(s: Scenario) -> str:
    """A safe file name for a scenario: ``Second_lockdown_next_winter.toml``."""
    return f"{re.sub(r'[^A-Za-z0-9_-]+', '_', s.name).strip('_') or 'scenario'}.toml"


def unique_name(name: str, taken: list[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… so that no two scenarios share a name."""
    if name not in taken:
        return name
    base = re.sub(r" \(\d+\)$", "", name)
    i = 2
    while f"{base} ({i})" in taken:
        i += 1
    return f"{base} ({i})"


def _first_of_next_month(d: dt.date, months: int = 1) -> dt.date:
    return (pd.Timestamp(d) + pd.offsets.MonthBegin(months)).date()


def default_shock(extract_date: dt.date, taken: list[str]) -> Shock:
    """A new shock to start from: three months from the month after next, referrals 20% down, half come back."""
    start = _first_of_next_month(extract_date, 2)
    end = (pd.Timestamp(_first_of_next_month(start, 3)) - pd.Timedelta(days=1)).date()
    return Shock(name=unique_name("New shock", taken), start=start, end=end, referrals_change_pct=-20.0,
                 returns_pct=50.0, return_months=6)


#: England's first lockdown, offered as the past period to fit when the data cover it.
FIRST_LOCKDOWN = (dt.date(2020, 3, 23), dt.date(2020, 6, 30))


def default_fit_period(observed_from: dt.date, extract_date: dt.date) -> tuple[dt.date, dt.date]:
    """The past period first offered for fitting: the 2020 lockdown when the data cover it, else the last quarter.

    Either leaves the four weeks of data before the period that :func:`csc_demand.model.fit_shock` needs to
    measure the usual level, when the data are long enough.
    """
    from csc_demand.model.shock_fit import MIN_REFERENCE_DAYS

    lead = dt.timedelta(days=MIN_REFERENCE_DAYS)
    if observed_from + lead <= FIRST_LOCKDOWN[0] and FIRST_LOCKDOWN[1] <= extract_date:
        return FIRST_LOCKDOWN
    return min(max(observed_from + lead, extract_date - dt.timedelta(days=91)), extract_date), extract_date


def _selected_index() -> int:
    items = state.scenarios()
    i = st.session_state.get(SELECTED, 0)
    return min(max(int(i), 0), len(items) - 1)


def _replace(i: int, s: Scenario) -> None:
    items = list(state.scenarios())
    items[i] = s
    state.set_scenarios(items)


# --- callbacks (run before the page is redrawn) -----------------------------------------------------------------

def _add_scenario() -> None:
    items = list(state.scenarios())
    base = items[_selected_index()]
    new = dataclasses.replace(base, name=unique_name(f"Copy of {base.name}", [s.name for s in items]))
    items.append(new)
    state.set_scenarios(items)
    st.session_state[SELECTED] = len(items) - 1
    state.bump_edit_version()


def _delete_scenario() -> None:
    items = list(state.scenarios())
    if len(items) > 1:
        del items[_selected_index()]
        state.set_scenarios(items)
        st.session_state[SELECTED] = 0
        state.bump_edit_version()


def _restore_examples() -> None:
    a = state.annex()
    items = list(state.scenarios())
    for s in builtin_scenarios(a.extract_date.date() if a is not None else None).values():
        if s.name not in [x.name for x in items]:
            items.append(s)
    state.set_scenarios(items)
    state.bump_edit_version()


def _add_shock(i: int) -> None:
    s = state.scenarios()[i]
    a = state.annex()
    extract = a.extract_date.date() if a is not None else dt.date.today()
    _replace(i, dataclasses.replace(s, shocks=s.shocks + (default_shock(extract, [x.name for x in s.shocks]),)))
    state.bump_edit_version()


def _remove_shock(i: int, j: int) -> None:
    s = state.scenarios()[i]
    _replace(i, dataclasses.replace(s, shocks=tuple(x for k, x in enumerate(s.shocks) if k != j)))
    state.bump_edit_version()


def _load_toml() -> None:
    f = st.session_state.get("scenario_upload")
    if f is None:
        st.session_state["scenario_error"] = "Choose a scenario file (.toml) first."
        return
    try:
        s = load_scenario(f.getvalue().decode("utf-8-sig"))
    except UnicodeDecodeError:
        st.session_state["scenario_error"] = (f"Scenario file '{f.name}' is not text: save it as UTF-8 text "
                                              "(a .toml file) and try again.")
        return
    except CscDemandError as exc:
        st.session_state["scenario_error"] = f"Scenario file '{f.name}': {str(exc).removeprefix('Scenario: ')}"
        return
    items = list(state.scenarios())
    s = dataclasses.replace(s, name=unique_name(s.name, [x.name for x in items]))
    items.append(s)
    state.set_scenarios(items)
    st.session_state[SELECTED] = len(items) - 1
    state.bump_edit_version()


def _fit_key(which: str) -> str:
    return f"fit_{which}_{state.data_key()}"


def _fit(i: int) -> None:
    from csc_demand.model import fit_shock

    start, end = st.session_state.get(_fit_key("start")), st.session_state.get(_fit_key("end"))
    if not start or not end or end < start:
        st.session_state["fit_result"] = ("error", "Choose a start date and an end date after it.")
        return
    try:
        fit = fit_shock(state.annex_with_history(), pd.Timestamp(start), pd.Timestamp(end))
    except CscDemandError as exc:
        st.session_state["fit_result"] = ("error", str(exc))
        return
    st.session_state["fit_result"] = ("ok", fit, start, end)


def _add_fitted(i: int) -> None:
    result = st.session_state.get("fit_result")
    if not result or result[0] != "ok":
        return
    _, fit, start, end = result
    s = state.scenarios()[i]
    shock = fit.to_shock(unique_name("Fitted from data", [x.name for x in s.shocks]))
    _replace(i, dataclasses.replace(s, shocks=s.shocks + (shock,)))
    state.bump_edit_version()


# --- the editor ----------------------------------------------------------------------------------------------

def setting_input(setting: Setting, value: float | None, key: str, col=st, **overrides) -> float | int | None:
    """A number box drawn from its :class:`~csc_demand.settings.Setting`: label, limits, step, format and help.

    Parameters
    ----------
    setting
        The setting (from the tables beside the scenario's and the workforce's types).
    value
        The starting value, in the setting's unit; brought within the setting's limits (a stored scenario's
        values always are; an estimate from the data may not be). ``None`` starts the box empty.
    key
        The widget's key.
    col
        Where to draw it: ``st`` or a column.
    **overrides
        Passed to ``number_input``, replacing the setting's: e.g. ``label`` (with the setting's label in it),
        ``help`` (with something added), ``disabled``, ``placeholder``.

    Returns
    -------
    float | int | None
        The box's value: an int for a whole-number setting, ``None`` while an empty box is left empty.
    """
    kind = int if setting.whole else float
    if value is not None:
        value = kind(min(max(value, setting.low), setting.high))
    args = {"label": setting.label, "min_value": kind(setting.low), "max_value": kind(setting.high),
            "step": kind(setting.step), "format": setting.fmt, "help": setting.help} | overrides
    return col.number_input(value=value, key=key, **args)


def _interval_controls(k: str, sh: Shock) -> tuple[float | None, float | None]:
    """Two optional boxes for the 80% interval of the shock's change in referrals (empty = not set)."""
    cols = st.columns(2)
    return tuple(setting_input(SHOCK_SETTINGS[f"referrals_change_{end}_pct"],
                               getattr(sh, f"referrals_change_{end}_pct"), f"{k}change_{end}", col,
                               placeholder="Not set")
                 for end, col in zip(("low", "high"), cols))


def _other_boxes(settings: dict[str, Setting], obj, k: str, drawn: set[str]) -> dict:
    """A number box for each of ``obj``'s settings that the editor does not draw in a place of its own, so that
    a setting added to a table appears in the editor with nothing else to change (empty when not set)."""
    return {key: setting_input(setting, getattr(obj, key), f"{k}{key}")
            for key, setting in settings.items() if key not in drawn}


def _shock_controls(k: str, j: int, sh: Shock, i: int) -> dict:
    c1, c2, c3 = st.columns([2, 1, 1])
    name = c1.text_input("Name of the shock", value=sh.name, key=f"{k}name",
                         help="A short name, e.g. 'Lockdown next winter'. Each shock in a scenario needs its own.")
    start = c2.date_input("From", value=sh.start, key=f"{k}start", format="DD/MM/YYYY",
                          min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31),
                          help="First day of the shock.")
    end = c3.date_input("To (inclusive)", value=sh.end, key=f"{k}end", format="DD/MM/YYYY",
                        min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31),
                        help="Last day of the shock.")
    change = setting_input(SHOCK_SETTINGS["referrals_change_pct"], sh.referrals_change_pct, f"{k}change")
    low, high = _interval_controls(k, sh)
    groups = st.multiselect("Referral sources with a different change (optional)", SOURCE_GROUPS,
                            default=[g for g in sh.by_source_change_pct if g in SOURCE_GROUPS], key=f"{k}groups",
                            help="In 2020 referrals from schools fell much more than the rest. Pick a source "
                                 "to give it its own change; the total change above is kept.")
    by_source = {}
    if groups:
        cols = st.columns(min(len(groups), 4))
        for n, g in enumerate(groups):
            by_source[g] = setting_input(BY_SOURCE_SETTING, sh.by_source_change_pct.get(g, sh.referrals_change_pct),
                                         f"{k}src_{g}", cols[n % len(cols)],
                                         label=f"{g}: {BY_SOURCE_SETTING.label}")
    returns = setting_input(SHOCK_SETTINGS["returns_pct"], sh.returns_pct, f"{k}returns")
    r1, r2, r3 = st.columns(3)
    default_start = r1.checkbox("Start the day after the shock ends",
                                value=sh.return_start is None, key=f"{k}ret_default",
                                help="The missing referrals start coming back the day after the shock ends. "
                                     "Untick to choose another date.")
    return_start = None
    if not default_start:
        return_start = r1.date_input("They start coming back on", value=sh.return_start_date, key=f"{k}ret_start",
                                     format="DD/MM/YYYY", min_value=dt.date(2000, 1, 1),
                                     max_value=dt.date(2060, 12, 31), help="Must be after the shock starts.")
    months = setting_input(SHOCK_SETTINGS["return_months"], sh.return_months, f"{k}ret_months", r2)
    profile = r3.radio("How they come back", RETURN_PROFILES, index=RETURN_PROFILES.index(sh.return_profile),
                       format_func=PROFILE_LABELS.get, key=f"{k}profile",
                       help="Evenly, or more at first and fewer later.")
    others = _other_boxes(SHOCK_SETTINGS, sh, k, drawn={"referrals_change_pct", "referrals_change_low_pct",
                                                        "referrals_change_high_pct", "returns_pct", "return_months"})
    st.button(f"Remove the shock '{sh.name}'", key=f"{k}remove", on_click=_remove_shock, args=(i, j),
              help="Takes this shock out of the scenario.")
    raw = {"name": name, "start": start, "end": end, "referrals_change_pct": change, "returns_pct": returns,
           "return_months": months, "return_profile": profile, **others}
    if low is not None:
        raw["referrals_change_low_pct"] = low
    if high is not None:
        raw["referrals_change_high_pct"] = high
    if by_source:
        raw["by_source_change_pct"] = by_source
    if return_start is not None:
        raw["return_start"] = return_start
    return raw


def editor(i: int, s: Scenario, est_values: dict[str, float]) -> dict:
    """Draw the controls for scenario ``i``; returns the scenario as a dict in the TOML file's shape."""
    k = f"s{i}v{state.edit_version()}_"
    a = state.annex()
    raw: dict = {}
    raw["name"] = st.text_input("Scenario name", value=s.name, key=f"{k}name",
                                help="Shown in the charts, tables and downloads. Each scenario needs its own name.")
    raw["description"] = st.text_area("Description (optional)", value=s.description, key=f"{k}desc", height=70,
                                      help="A sentence or two saying what the scenario assumes and why.")

    st.subheader("Usual level of referrals")
    own = st.checkbox("Choose the reference window myself", value=s.reference_start is not None,
                      key=f"{k}ref_own",
                      help="The usual level of referrals is measured over this window. By default the tool uses "
                           "the most recent stretch of your data. Choose a window with no lockdown in it.")
    if own:
        c1, c2 = st.columns(2)
        lo = a.observed_from.date()
        hi = a.extract_date.date()
        raw["reference_start"] = c1.date_input("Reference window from", value=s.reference_start or lo,
                                               key=f"{k}ref_start", format="DD/MM/YYYY",
                                               help="First day of the window (within your data).")
        raw["reference_end"] = c2.date_input("Reference window to", value=s.reference_end or hi, key=f"{k}ref_end",
                                             format="DD/MM/YYYY", help="Last day of the window.")
    raw["trend_pct_per_year"] = setting_input(SCENARIO_SETTINGS["trend_pct_per_year"], s.trend_pct_per_year,
                                              f"{k}trend")
    raw |= _other_boxes(SCENARIO_SETTINGS, s, k, drawn={"trend_pct_per_year", "caseload_per_worker"})

    st.subheader("Shocks")
    st.caption("A shock is a period when referrals change, for example a lockdown, a school closure or a change "
               "of threshold at the front door.")
    shocks = []
    for j, sh in enumerate(s.shocks):
        with st.expander(f"Shock {j + 1}: {sh.name}", expanded=True):
            shocks.append(_shock_controls(f"{k}sh{j}_", j, sh, i))
    if shocks:
        raw["shock"] = shocks
    st.button("Add a shock", key=f"{k}add_shock", on_click=_add_shock, args=(i,),
              help="Adds a shock starting soon after your extract date, which you can then change.")

    st.subheader("New normal")
    nn = st.checkbox("Referrals settle at a new level from a date", value=s.new_normal is not None,
                     key=f"{k}nn_on", help="A lasting change in referrals, for example after a shock.")
    if nn:
        c1, c2 = st.columns(2)
        default_from = s.new_normal.from_date if s.new_normal else _first_of_next_month(a.extract_date.date(), 6)
        raw["new_normal"] = {
            "from": c1.date_input("From", value=default_from, key=f"{k}nn_from", format="DD/MM/YYYY",
                                  help="The date the new level starts."),
            "change_pct": setting_input(NEW_NORMAL_SETTINGS["change_pct"],
                                        s.new_normal.change_pct if s.new_normal else 5.0, f"{k}nn_change", c2),
        }

    with st.expander("Replace estimates from the data (overrides)"):
        st.caption("Tick a box to use your own figure instead of the one measured from your data.")
        overrides = {}
        for field, setting in OVERRIDE_SETTINGS.items():
            current = getattr(s.overrides, field)
            est = est_values.get(field)
            c1, c2 = st.columns([1, 2])
            on = c1.checkbox(f"Set it myself: {setting.label.lower()}", value=current is not None,
                             key=f"{k}ov_{field}_on", help=setting.help)
            start_value = current if current is not None else (est if est is not None else setting.step * 10)
            hint = f" From your data: {setting.fmt % est}." if est is not None else ""
            value = setting_input(setting, start_value, f"{k}ov_{field}", c2, disabled=not on,
                                  help=setting.help + hint)
            if on:
                overrides[field] = value
        if overrides:
            raw["overrides"] = overrides

    with st.expander("Costs and social workers"):
        st.caption("The default costs are illustrative round figures for England in 2024-25, not your "
                   "authority's: set your own.")
        costs = {}
        cols = st.columns(2)
        for n, (field, setting) in enumerate(COST_SETTINGS.items()):
            costs[field] = setting_input(setting, getattr(s.costs, field), f"{k}cost_{field}", cols[n % 2])
        raw["costs"] = costs
        workforce = workforce_to_dict(s.workforce)
        workforce["la"] = st.text_input(
            "Your local authority (name or code)", value=s.workforce.la or "", key=f"{k}la",
            help="Used for its own published caseload (DfE, 30 September). Leave empty for England's.").strip() or None
        published = st.checkbox("Use the published caseload", value=s.caseload_per_worker is None,
                                key=f"{k}published",
                                help="The DfE's caseload counts every child in need a case-holding social worker "
                                     "holds, including those on a plan or in care.")
        if published:
            raw["caseload_per_worker"] = None
            try:
                st.caption(default_caseload(workforce["la"])[1])
            except CscDemandError as exc:
                st.warning(str(exc))
                workforce["la"] = None
        else:
            raw["caseload_per_worker"] = setting_input(SCENARIO_SETTINGS["caseload_per_worker"],
                                                       s.caseload_per_worker or default_caseload(None)[0],
                                                       f"{k}caseload")
        _workforce_controls(k, s, workforce)
        raw["workforce"] = workforce
    raw["quantiles"] = list(s.quantiles)
    return raw


def _workforce_controls(k: str, s: Scenario, workforce: dict) -> None:
    """The ``[workforce]`` settings beyond the caseload: shares and rates, pay (illustrative defaults, labelled
    so), social workers today and a target caseload by a date. Fills ``workforce`` in the file's shape."""
    w = s.workforce
    st.markdown("**All social workers.** Case holders are a share of the social workers in post; posts include "
                "vacancies. The defaults are England's at 30 September 2025 (DfE).")
    for key, col in zip(WORKFORCE_RATES, st.columns(3)):
        workforce[key] = setting_input(WORKFORCE_SETTINGS[key], getattr(w, key), f"{k}wf_{key}", col)
    st.markdown("**Pay.** The defaults are ILLUSTRATIVE round figures, not your authority's pay: set your own. "
                "They price the extra social workers a target caseload needs.")
    for key, col in zip(WORKFORCE_PAY, st.columns(3)):
        workforce[key] = setting_input(WORKFORCE_SETTINGS[key], getattr(w, key), f"{k}wf_{key}", col)
    workforce |= _other_boxes(WORKFORCE_SETTINGS, w, f"{k}wf_", drawn={*WORKFORCE_RATES, *WORKFORCE_PAY,
                                                                       "case_holders_fte_now", "target_caseload"})
    st.markdown("**A target caseload** (optional): how many more social workers it takes, and what they cost.")
    c1, c2 = st.columns(2)
    if c1.checkbox("Say how many case-holding social workers there are today", value=w.case_holders_fte_now is not None,
                   key=f"{k}wf_now_on", help="Otherwise today's number is taken to be the first forecast month's "
                                             "children in need ÷ the caseload."):
        workforce["case_holders_fte_now"] = setting_input(WORKFORCE_SETTINGS["case_holders_fte_now"],
                                                          w.case_holders_fte_now or 100.0, f"{k}wf_now", c2)
    else:
        workforce.pop("case_holders_fte_now", None)
    if st.checkbox("Set a target caseload", value=w.target_caseload is not None, key=f"{k}wf_target_on",
                   help="To bring caseloads to a number (by a date), how many more social workers, and what they "
                        "cost: the answer is on the 'Children in need and social workers' page."):
        c1, c2, c3 = st.columns(3)
        workforce["target_caseload"] = setting_input(WORKFORCE_SETTINGS["target_caseload"],
                                                     w.target_caseload or 12.0, f"{k}wf_target", c1)
        if c2.checkbox("Reach it by a date", value=w.target_date is not None, key=f"{k}wf_by_on",
                       help="The caseload falls in a straight line from today's to the target by this date. "
                            "Without a date, the target applies from the first forecast month."):
            a = state.annex()
            first_march = (pd.Timestamp(a.extract_date) + pd.offsets.YearEnd(1) + pd.offsets.MonthEnd(3)).date() \
                if a is not None else dt.date.today()
            workforce["target_date"] = c3.date_input(
                "Reach the target by", value=w.target_date or first_march, key=f"{k}wf_by", format="DD/MM/YYYY",
                min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31),
                help="The date by which caseloads are to reach the target.")
        else:
            workforce.pop("target_date", None)
    else:
        workforce.pop("target_caseload", None)
        workforce.pop("target_date", None)


def render_fit(i: int) -> None:
    """ "Fit this period from my data": measure the change in referrals during a past period."""
    a = state.annex()
    with st.expander("Fit a shock from my data"):
        st.markdown("Measure how much referrals changed during a past period (for example a lockdown) against "
                    "their usual level before it, then add it to this scenario. The usual level is measured on "
                    "the days before the period, so your data need to start at least four weeks before it.")
        lo, hi = a.observed_from.date(), a.extract_date.date()
        first, last = default_fit_period(lo, hi)
        c1, c2 = st.columns(2)
        c1.date_input("Past period from", value=first, min_value=lo, max_value=hi, key=_fit_key("start"),
                      format="DD/MM/YYYY", help="First day of the period, within your data.")
        c2.date_input("Past period to", value=last, min_value=lo, max_value=hi, key=_fit_key("end"),
                      format="DD/MM/YYYY", help="Last day of the period, within your data.")
        st.button("Fit this period from my data", key="fit", on_click=_fit, args=(i,),
                  help="Compares the referrals in the period with their usual level and says by how much they "
                       "changed, with an 80% interval.")
        result = st.session_state.get("fit_result")
        if result and result[0] == "error":
            st.error(result[1])
        elif result:
            fit = result[1]
            st.success(fit.explanation)
            st.button("Add it to this scenario as a shock", key="fit_add", on_click=_add_fitted, args=(i,),
                      help="Adds a shock over that period with the measured change, its 80% interval and the "
                           "change by referral source. Set how many of the missing referrals come back, and "
                           "when.")


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    st.markdown("A scenario is what you assume about the future. Change any setting and the forecast is "
                "recalculated. Compare several scenarios on the Forecast page.")
    err = st.session_state.pop("scenario_error", None)
    if err:
        st.error(err)
    items = state.scenarios()
    names = [s.name for s in items]
    st.session_state[SELECTED] = _selected_index()
    i = st.selectbox("Scenario to edit", range(len(items)), format_func=lambda n: names[n], key=SELECTED,
                     help="Pick the scenario to change. All scenarios are shown on the Forecast page.")
    c1, c2, c3 = st.columns(3)
    c1.button("New scenario (a copy of this one)", key="new_scenario", on_click=_add_scenario,
              help="Starts a new scenario from this one's settings; give it its own name.")
    c2.button("Delete this scenario", key="delete_scenario", on_click=_delete_scenario, disabled=len(items) < 2,
              help="You need at least one scenario.")
    c3.button("Add the built-in examples", key="restore_examples", on_click=_restore_examples,
              help="No further shocks; a second lockdown next winter; a new normal 10% higher.")
    s = items[i]
    try:
        hints = state.estimate_values(s)
    except CscDemandError as exc:
        st.error(str(exc))
        hints = {}
    raw = editor(i, s, hints)
    try:
        new = scenario_from_dict(raw)
    except CscDemandError as exc:
        st.error(f"{str(exc).removeprefix('Scenario: ')} The forecast still uses the last valid settings.")
        new = s
    else:
        if new.name in [x.name for n, x in enumerate(items) if n != i]:
            st.error(f"Another scenario is already called '{new.name}': give this one its own name. The forecast "
                     "still uses the last valid settings.")
            new = s
        elif new != s:
            _replace(i, new)
    render_fit(i)

    st.subheader("In plain English")
    st.markdown("\n".join(f"- {line}" for line in new.describe()))
    st.subheader("Save or load a scenario file")
    st.download_button("Download this scenario (.toml)", data=scenario_to_toml(new),
                       file_name=toml_file_name(new),
                       mime="application/toml", key="download_scenario",
                       help="A small text file you can keep, send to a colleague, or load again here or with "
                            "csc-demand forecast --scenario.")
    st.file_uploader("Load a scenario file (.toml)", type=["toml"], key="scenario_upload",
                     help="A scenario file saved from this app or written by hand (see the guidance page).")
    st.button("Add the loaded scenario", key="load_scenario", on_click=_load_toml,
              help="Adds the scenario in the chosen file to your scenarios (renamed if the name is taken).")

