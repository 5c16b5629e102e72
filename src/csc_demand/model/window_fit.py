"""Model against actual: does the fitted model reproduce the stocks over the latest observed window?

For open child protection plans (``cp_open``) and children looked after (``cla_open``), the model's expected path
over the latest observed window (the last observed interval, at most the six months before the extract date)
is set beside the actual number open at each week end (days ``first day + 7k``) and on the extract date.

The model's path starts from the actual number open on the window's first day. Each of those plans ends by
its age band's duration curve GIVEN how long it had already been open, and at the 18th birthday (as the
projection treats the plans open on the extract date). To them the model adds the starts it expects: the
usual referrals (the baseline with its seasonality) in each week, including the 26 weeks before the window
whose starts can fall inside it, times the estimated starts per referral, spread by the estimated lag; each
new start stays open by the new-start kernel. The model is not tuned to these counts, so the gap is a fair
check of its rates and durations.

Only counts per date leave this module. What the fit needs from the lists (the actual counts, and about the
plans open on the window's first day how long each had been open and the child's age) is gathered once per
data load by :func:`observed_window` and kept on the Estimates, never printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from csc_demand.model.actuals import care_periods, open_at, open_mask
from csc_demand.model.conversion import LAG_WEEKS
from csc_demand.model.durations import (
    DurationEstimate,
    age_weeks_at,
    band_index,
    start_kernel,
    survival_given_open,
)
from csc_demand.tables import AnnexA, day_label, window_start

if TYPE_CHECKING:
    from csc_demand.model.estimate import Estimates

#: The stocks compared, with the words used for them: (what is counted, one, several).
FIT_MEASURES = {"cp_open": ("open child protection plans", "plan", "plans"),
                "cla_open": ("children looked after", "child", "children"),
                "cin_open": ("children in need", "child", "children")}
WINDOW_FIT_COLUMNS = ("measure", "date", "actual", "model")


@dataclass(frozen=True)
class WindowCohort:
    """The plans (or periods of care) open on the window's first day, as arrays (never printed).

    ``duration_weeks``: how long each had been open on that day (weeks); ``age_weeks``: the child's age on
    that day (weeks, NaN unknown); ``start_band``: age band index at the start (-1 unknown).
    """

    duration_weeks: np.ndarray = field(repr=False)
    age_weeks: np.ndarray = field(repr=False)
    start_band: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class ObservedWindow:
    """The latest observed window: its first and last days, the dates compared (each week end from the first
    day, and the last day), the actual number open on each date by measure (counts), and by measure the
    plans open on the first day (:class:`WindowCohort`)."""

    start: pd.Timestamp
    end: pd.Timestamp
    dates: pd.DatetimeIndex = field(repr=False)
    actual: dict[str, np.ndarray] = field(repr=False)
    cohorts: dict[str, WindowCohort] = field(repr=False)


def window_dates(first_day: pd.Timestamp, last_day: pd.Timestamp) -> pd.DatetimeIndex:
    """Every week end ``first_day + 7k`` up to ``last_day``, and ``last_day`` itself when it is not one."""
    a, b = pd.Timestamp(first_day).normalize(), pd.Timestamp(last_day).normalize()
    dates = a + pd.to_timedelta(7 * np.arange((b - a).days // 7 + 1), unit="D")
    return dates if dates[-1] == b else dates.append(pd.DatetimeIndex([b]))


def _cohort(table: pd.DataFrame, day: pd.Timestamp, extract_date: pd.Timestamp) -> WindowCohort:
    """The rows open at the end of ``day`` (the shared definition, :func:`~csc_demand.model.actuals.open_mask`)."""
    rows = table[open_mask(table, pd.DatetimeIndex([day]))[:, 0]]
    start = pd.to_datetime(rows["start_date"])
    open_days = (pd.Timestamp(day) - start).dt.days.to_numpy(dtype=float)
    age_start_weeks = age_weeks_at(rows, start, extract_date)
    # a plan that started that day has been open half a day, as in the duration estimates
    return WindowCohort(duration_weeks=np.maximum(open_days, 0.5) / 7.0,
                        age_weeks=age_start_weeks + open_days / 7.0, start_band=band_index(age_start_weeks))


def observed_window(annex: AnnexA, intervals: list[tuple[pd.Timestamp, pd.Timestamp]],
                    extract_date: pd.Timestamp) -> ObservedWindow:
    """Gather what :func:`window_fit` needs from the clean lists (once per data load).

    Parameters
    ----------
    annex
        The clean Annex A tables (Lists 7 and 8, and List 6 when read; short breaks are left out of List 8).
    intervals
        The observed intervals, oldest first (:func:`~csc_demand.model.timegrid.observed_intervals`).
    extract_date
        The newest extract date: the window's last day.

    Returns
    -------
    ObservedWindow
        The window is the last observed interval, cut to the six months before the extract date.
    """
    e = pd.Timestamp(extract_date).normalize()
    first = window_start(e).normalize()
    if intervals:
        first = min(max(pd.Timestamp(intervals[-1][0]).normalize(), first), e)
    dates = window_dates(first, e)
    tables = {"cp_open": annex.cp_plans, "cla_open": care_periods(annex.looked_after)}
    if len(annex.tables.get("children_in_need", ())):
        tables["cin_open"] = annex.tables["children_in_need"]
    return ObservedWindow(start=first, end=e, dates=dates,
                          actual={m: open_at(t, dates).astype(float) for m, t in tables.items()},
                          cohorts={m: _cohort(t, first, e) for m, t in tables.items()})


def expected_weekly_referrals(est: Estimates, first_day: pd.Timestamp, weeks: int) -> np.ndarray:
    """Referrals the model expects in each week around the window (the baseline with its seasonality).

    Week ``j`` covers the days ``first_day + 7(j - 1) + 1`` to ``first_day + 7j``; the result holds weeks
    ``1 - LAG_WEEKS`` to ``weeks`` (length ``LAG_WEEKS + weeks``), so that every start in weeks 1..weeks can be
    traced back to the referrals before it. Units: referrals a week.
    """
    n_days = 7 * (LAG_WEEKS + weeks)
    days = pd.Timestamp(first_day) + pd.to_timedelta(np.arange(n_days) - 7 * LAG_WEEKS + 1, unit="D")
    per_day = est.baseline.per_week / 7.0 * est.seasonality.factor(days)
    return per_day.reshape(LAG_WEEKS + weeks, 7).sum(axis=1)


def expected_starts(referrals_per_week: np.ndarray, per_referral: float, lag_pmf: np.ndarray) -> np.ndarray:
    """Starts a week from referrals a week: ``starts[k] = per_referral × Σ_l lag_pmf[l] × referrals[k - l]``.

    ``referrals_per_week`` holds weeks ``1 - LAG_WEEKS`` .. ``weeks`` (see :func:`expected_weekly_referrals`);
    the result holds weeks 1..weeks (starts a week)."""
    weeks = len(referrals_per_week) - LAG_WEEKS
    lagged = np.convolve(referrals_per_week, np.asarray(lag_pmf, dtype=float))
    return per_referral * lagged[LAG_WEEKS:LAG_WEEKS + weeks]


def stock_path(durations: DurationEstimate, cohort: WindowCohort, kernel: np.ndarray,
               starts_per_week: np.ndarray, t_weeks: np.ndarray, theta: float = 1.0) -> np.ndarray:
    """Expected number open ``t_weeks`` after a first day, from those open then and the starts after it.

    Parameters
    ----------
    durations
        The duration curves.
    cohort
        Those open on the first day; each survives by its curve given how long it had been open (hazard
        scaled by ``theta``), and ends at the 18th birthday.
    kernel
        ``kernel[u]``: expected share of a new start still open at the end of the u-th week after its start
        week (:func:`~csc_demand.model.durations.start_kernel`); needs at least ``len(starts_per_week)`` values.
    starts_per_week
        Expected starts in weeks 1, 2, … after the first day (week k ends on day 7k).
    t_weeks
        When to give the path (weeks after the first day, from 0 to ``len(starts_per_week)``); between week
        ends the new starts' part is interpolated linearly.

    Returns
    -------
    np.ndarray
        Expected number open at each ``t_weeks`` (plans or children); at 0 it is the number open then.
    """
    t = np.asarray(t_weeks, dtype=float)
    existing = survival_given_open(durations, cohort.duration_weeks, cohort.age_weeks, cohort.start_band, t,
                                   theta).sum(axis=0)
    n = len(starts_per_week)
    new = np.concatenate([[0.0], np.convolve(starts_per_week, kernel[:n])[:n]])   # at week ends 0..n
    return existing + np.interp(t, np.arange(n + 1, dtype=float), new)


def _period_words(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start == window_start(end).normalize():
        return "Over the last six months"
    return f"From {day_label(start)} to {day_label(end)}"


def fit_sentence(measure: str, dates: pd.DatetimeIndex, actual: np.ndarray, model: np.ndarray,
                 period: str = "Over the last six months") -> str:
    """One plain sentence on how close the model's path stays to the actual counts (largest gap in % and in
    plans or children, with its date)."""
    what, one, many = FIT_MEASURES[measure]
    actual, model = np.asarray(actual, dtype=float), np.asarray(model, dtype=float)
    if len(actual) == 0 or not (actual > 0).any():
        return (f"{period} the actual number of {what} was zero on every date, so there is nothing to compare the "
                "model with.")
    ok = actual > 0
    pct = float(np.max(np.abs(model[ok] - actual[ok]) / actual[ok])) * 100.0
    gap = np.abs(model - actual)
    i = int(np.argmax(gap))
    n = int(round(float(gap[i])))
    if n == 0:
        where = "the largest gap is less than one " + one
    else:
        side = "above" if model[i] > actual[i] else "below"
        where = f"largest gap {n:,} {one if n == 1 else many} on {day_label(dates[i])}, the model {side} the actual"
    return (f"{period} the model's path stays within {max(math.ceil(pct - 1e-9), 1)}% of the actual number of "
            f"{what} ({where}).")


def window_fit(est: Estimates) -> pd.DataFrame:
    """The model's path against the actual numbers open over the latest observed window.

    Parameters
    ----------
    est
        The estimates (:func:`~csc_demand.model.estimate.estimate`), which carry the observed window.

    Returns
    -------
    pd.DataFrame
        Columns ``measure`` (``cp_open``, ``cla_open``), ``date`` (each week end from the window's first day,
        and the extract date), ``actual`` (number open at the end of that day, as in the actuals) and
        ``model`` (the model's expected number open; equal to the actual on the first day). Counts only.
        ``attrs["summary"]`` maps each measure to a plain sentence on the fit; ``attrs["start"]`` and
        ``attrs["end"]`` are the window's first and last days. Empty when the estimates hold no window.
    """
    w = est.window
    if w is None or len(w.dates) == 0:
        out = pd.DataFrame({"measure": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[ns]"),
                            "actual": pd.Series(dtype=float), "model": pd.Series(dtype=float)})
        out.attrs["summary"] = {}
        return out
    t = np.asarray((w.dates - w.start).days, dtype=float) / 7.0
    weeks = int(np.ceil(t[-1]))
    refs = expected_weekly_referrals(est, w.start, weeks)
    period = _period_words(w.start, w.end)
    frames, summary = [], {}
    for measure, flow in ((f"{k}_open", f) for k, f in est.flows.items()):
        if measure not in w.cohorts:
            continue
        kernel = flow.kernel
        if len(kernel) < weeks:
            kernel = start_kernel(flow.durations, flow.starts_mask, weeks=weeks)[0]
        starts = expected_starts(refs, flow.conversion.per_referral, flow.conversion.lag_pmf)
        model = stock_path(flow.durations, w.cohorts[measure], kernel, starts, t)
        actual = w.actual[measure]
        frames.append(pd.DataFrame({"measure": measure, "date": w.dates, "actual": actual, "model": model}))
        summary[measure] = fit_sentence(measure, w.dates, actual, model, period)
    out = pd.concat(frames, ignore_index=True)
    out.attrs.update(summary=summary, start=w.start, end=w.end)
    return out


__all__ = ["FIT_MEASURES", "WINDOW_FIT_COLUMNS", "ObservedWindow", "WindowCohort", "expected_starts",
           "expected_weekly_referrals", "fit_sentence", "observed_window", "stock_path", "window_dates",
           "window_fit"]
