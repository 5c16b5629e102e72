"""What the app keeps for one browser session: the loaded Annex A, the monthly figures loaded beside it, the
estimates, the scenarios.

Everything lives in ``st.session_state`` (this session's memory only, never on disk). Reading the data and
estimating the rates happen once per load (keyed by a hash of the uploaded bytes or pasted text); every
scenario change only reruns the projection, whose results are kept per set of inputs so that moving
between pages costs nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from csc_demand.scenario import Scenario, builtin_scenarios, scenario_to_toml
from csc_demand.tables import REQUIRED_TABLES, AnnexA, MonthlyHistory, observed_timeline

#: Draws for interactive use (the command line's default is 1,000): enough for a steady median and band.
INTERACTIVE_DRAWS = 500
DEFAULT_MONTHS = 36
DEFAULT_SEED = 1

# session_state keys
ANNEX = "annex"
DATA_KEY = "data_key"
DATA_LABEL = "data_label"
SCENARIOS = "scenarios"
CACHE = "cache"
EDIT_VERSION = "edit_version"
MONTHLY = "monthly_history"
MONTHLY_KEY = "monthly_history_key"


def bytes_key(parts: Sequence[tuple[str, bytes]], extra: str = "") -> str:
    """A short hash that identifies loaded content (names and bytes), so the same upload is not re-read."""
    h = hashlib.sha256(extra.encode())
    for name, data in parts:
        h.update(name.encode("utf-8", "replace") + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


def annex() -> AnnexA | None:
    """The loaded Annex A, or None before anything is loaded."""
    return st.session_state.get(ANNEX)


#: session_state key of the "leave out unaccompanied asylum-seeking children" switch
EXCLUDE_UASC = "exclude_uasc"


def history() -> MonthlyHistory | None:
    """The monthly figures loaded beside the lists, or None."""
    return st.session_state.get(MONTHLY)


def annex_with_history() -> AnnexA | None:
    """The loaded data with the monthly figures attached and compared with the lists
    (:func:`csc_demand.model.with_history`) when they were loaded; otherwise the loaded data."""
    from csc_demand.model import with_history

    a, h = annex(), history()
    if a is None or h is None:
        return a
    return cached("with_history", None, lambda: with_history(a, h), uasc=False)


def model_annex() -> AnnexA | None:
    """The data the model uses: the loaded data with its monthly figures, less unaccompanied asylum-seeking
    children's periods of care when the user chose to leave them out (their arrivals follow national policy,
    not local demand)."""
    from csc_demand.model import without_uasc

    a = annex_with_history()
    if a is None or not st.session_state.get(EXCLUDE_UASC, False):
        return a
    return cached("without_uasc", None, lambda: without_uasc(a))


def timeline() -> list[dict]:
    """What was observed when: the extracts' windows and their gaps, and the months of the monthly figures."""
    a = annex_with_history()
    return [] if a is None else cached("timeline", None, lambda: observed_timeline(a), uasc=False)


def data_label() -> str:
    """How the loaded data is described to the user (e.g. "the demo local authority")."""
    return st.session_state.get(DATA_LABEL, "")


def data_key() -> str | None:
    """Identifies the loaded data ("demo", or a hash of the uploaded bytes / pasted text)."""
    return st.session_state.get(DATA_KEY)


def missing_lists() -> list[str]:
    """The lists the model needs that the loaded data lacks (empty when ready)."""
    a = annex()
    return [] if a is None else [t for t in REQUIRED_TABLES if t not in a.tables]


def ready() -> bool:
    """True when data is loaded and holds Lists 3, 7 and 8."""
    return annex() is not None and not missing_lists()


def _set_annex(a: AnnexA, key: str, label: str) -> None:
    st.session_state[ANNEX] = a
    st.session_state[DATA_KEY] = key
    st.session_state[DATA_LABEL] = label
    st.session_state[CACHE] = {}
    st.session_state.pop("fit_result", None)
    extract = a.extract_date.date()
    st.session_state[SCENARIOS] = list(builtin_scenarios(extract).values())
    bump_edit_version()



def load_files(files: Sequence[Any], extract_date: dt.date | None = None) -> AnnexA:
    """Read uploaded files (objects with ``.name`` and ``.getvalue()``) unless the same bytes are loaded."""
    from csc_demand.io import load_or_create_key, read_annex_a

    parts = [(f.name, f.getvalue()) for f in files]
    key = bytes_key(parts, f"files|{extract_date}")
    if st.session_state.get(DATA_KEY) != key:
        a = read_annex_a(parts, extract_date=extract_date, key=load_or_create_key())
        names = ", ".join(name for name, _ in parts)
        _set_annex(a, key, f"your file{'s' if len(parts) > 1 else ''} ({names})")
    return st.session_state[ANNEX]


def load_history(upload: Any) -> MonthlyHistory:
    """Read an uploaded file of monthly figures (``.name`` and ``.getvalue()``) unless the same bytes are
    loaded; the estimates, forecasts and backtest then use the data with them."""
    from csc_demand.io import read_history

    name, data = upload.name, upload.getvalue()
    key = bytes_key([(name, data)], "monthly")
    if st.session_state.get(MONTHLY_KEY) != key:
        h = read_history((name, data))
        st.session_state[MONTHLY] = h
        st.session_state[MONTHLY_KEY] = key
        st.session_state[CACHE] = {}
        st.session_state.pop("fit_result", None)
    return st.session_state[MONTHLY]


def clear_history() -> None:
    """Forget the monthly figures (the data are then the lists alone again)."""
    st.session_state.pop(MONTHLY, None)
    st.session_state.pop(MONTHLY_KEY, None)
    st.session_state[CACHE] = {}
    st.session_state.pop("fit_result", None)


def load_pasted(texts: Mapping[str, str], extract_date: dt.date | None = None) -> AnnexA:
    """Read lists pasted from Excel (label → tab-separated text with a header row)."""
    from csc_demand.io import load_or_create_key, read_pasted

    texts = {k: v for k, v in texts.items() if v and v.strip()}
    parts = [(k, v.encode("utf-8")) for k, v in texts.items()]
    key = bytes_key(parts, f"pasted|{extract_date}")
    if st.session_state.get(DATA_KEY) != key:
        a = read_pasted(texts, extract_date=extract_date, key=load_or_create_key())
        _set_annex(a, key, "the lists you pasted")
    return st.session_state[ANNEX]


def load_demo() -> AnnexA:
    """Load the demo local authority (made-up data; made once and kept in the user's cache folder)."""
    key = "demo"
    if st.session_state.get(DATA_KEY) != key:
        _set_annex(_demo_annex(), key, "the demo local authority (made-up data)")
    return st.session_state[ANNEX]


@st.cache_resource(show_spinner=False)
def _demo_annex() -> AnnexA:
    """The demo LA read once per app process and shared by its sessions (it is made-up data, nobody's)."""
    from csc_demand.io import load_or_create_key, read_annex_a
    from csc_demand.synth import demo_data

    return read_annex_a(demo_data(), key=load_or_create_key())


def _cache() -> dict:
    return st.session_state.setdefault(CACHE, {})


def cached(name: str, key: Any, make, keep: int | None = None, uasc: bool = True) -> Any:
    """``make()`` once per loaded data set (the lists and the monthly figures) and ``key``; kept in this
    session's memory.

    With ``keep``, only the ``keep`` most recently made results of this ``name`` are kept (so a long session
    of small changes does not fill the memory). ``uasc=False``: the result does not depend on the "leave out
    unaccompanied asylum-seeking children" switch.
    """
    c = _cache()
    full = (name, st.session_state.get(DATA_KEY), st.session_state.get(MONTHLY_KEY),
            bool(st.session_state.get(EXCLUDE_UASC, False)) and uasc, key)
    if full not in c:
        c[full] = make()
        if keep is not None:
            mine = [k for k in c if k[0] == name]
            for old in mine[:-keep]:
                del c[old]
    return c[full]


def estimates():
    """The estimates from the loaded data (computed once per data set)."""
    from csc_demand.model import estimate

    a = model_annex()
    return cached("estimates", (), lambda: estimate(a))


def scenarios() -> list[Scenario]:
    """The session's scenarios, in order (the built-in examples until the user changes them)."""
    if SCENARIOS not in st.session_state:
        a = annex()
        extract = a.extract_date.date() if a is not None else None
        st.session_state[SCENARIOS] = list(builtin_scenarios(extract).values())
    return st.session_state[SCENARIOS]


def set_scenarios(items: list[Scenario]) -> None:
    """Replace the session's scenarios."""
    st.session_state[SCENARIOS] = list(items)


def edit_version() -> int:
    """A counter in the editor's widget keys: bumping it redraws the editor from the stored scenarios."""
    return st.session_state.setdefault(EDIT_VERSION, 0)


def bump_edit_version() -> None:
    """Make the editor forget its widget values (after a scenario was replaced, added or removed)."""
    st.session_state[EDIT_VERSION] = st.session_state.get(EDIT_VERSION, 0) + 1


def scenario_key(items: Sequence[Scenario]) -> str:
    """Identifies a list of scenarios by their TOML text (Scenario holds dicts, so it is not hashable)."""
    return hashlib.sha256("\n\0".join(scenario_to_toml(s) for s in items).encode()).hexdigest()[:16]




def estimate_values(s: Scenario) -> dict[str, float]:
    """What the data say of each figure a scenario's overrides replace, as the forecast would use it under the
    scenario (its reference window and past shocks) without the overrides: the editor's hints."""
    import dataclasses

    from csc_demand.model.inputs import scenario_inputs
    from csc_demand.scenario import Overrides

    est = estimates()
    inputs = scenario_inputs(est, dataclasses.replace(s, overrides=Overrides()), weeks=1)
    return {"referrals_per_week": inputs.referrals_per_week,
            **{f"{k}_starts_per_referral": inputs.per_referral[k] for k in ("cp", "cla")},
            **{f"{k}_median_duration_weeks": inputs.median_weeks(est, k) for k in ("cp", "cla")}}


def forecast(items: Sequence[Scenario], months: int = DEFAULT_MONTHS, draws: int = INTERACTIVE_DRAWS,
             seed: int = DEFAULT_SEED):
    """The forecast for ``items``, the same as ``model.forecast(estimates, items, ...)``.

    Every scenario uses the same random numbers (the engine's common random numbers), so each scenario's
    part depends only on that scenario: it is computed once per scenario/months/draws/seed and kept, and a
    change to one scenario reruns only that one.
    """
    items = list(items)
    keys = list(forecast_key(items, months, draws, seed))
    return cached("forecast", tuple(keys), lambda: _combine(items, keys, months, draws, seed), keep=4)


def forecast_key(items: Sequence[Scenario], months: int, draws: int, seed: int) -> tuple:
    """Identifies a forecast (and so every chart and table drawn from it)."""
    return tuple((scenario_key([s]), int(months), int(draws), int(seed)) for s in items)


def _combine(items: list[Scenario], keys: list[tuple], months: int, draws: int, seed: int):
    from csc_demand.tables import Forecast

    parts = [cached("forecast_part", k, lambda s=s: _run_forecast([s], months, draws, seed), keep=30)
             for s, k in zip(items, keys)]
    first = parts[0]
    table = pd.concat([p.table for p in parts], ignore_index=True) if len(parts) > 1 else first.table
    return Forecast(table=table, actuals=first.actuals, extract_date=first.extract_date, scenarios=tuple(items),
                    estimates=first.estimates, draws=first.draws, seed=first.seed, months=first.months,
                    quality=annex_with_history().quality, backtest=first.backtest, la_name=first.la_name,
                    window_fit=first.window_fit, timeline=timeline())


def _run_forecast(items: list[Scenario], months: int, draws: int, seed: int):
    from csc_demand.model import forecast as run

    return run(estimates(), items, months=int(months), draws=int(draws), seed=int(seed))


def with_published(fc, fkey: tuple, la: str):
    """``fc`` with the local authority's published figures and the forecast from them beside it
    (:func:`csc_demand.national.compare.with_published`: every authority is forecast, a few seconds), once
    per forecast and authority."""
    from csc_demand.national.compare import with_published as run

    return cached("published", (fkey, la.strip().casefold()), lambda: run(fc, la.strip()), keep=4)


def backtest():
    """The backtest of the loaded data, with the first scenario's shocks and new normal applied at each past
    date they had begun by (once per data set and set of those shocks: it reruns the model at past dates)."""
    from csc_demand.model import backtest as run
    from csc_demand.model.backtest import known_scenario

    a = model_annex()
    items = scenarios()
    # only what had begun by the extract date can be applied at a past date: later changes keep the result
    past = known_scenario(items[0] if items else None, a.extract_date)
    return cached("backtest", scenario_key([past]), lambda: run(a, scenario=past), keep=2)
