"""Backtest: cut the data at past dates, forecast from what was known then, compare with what happened.

At a cut date (cutoff) C the data are what extracts taken up to C would have shown: referrals up to C, plans
started by C with any end after C removed, and windows clipped at C. The forecast ("no further shocks", with
any shocks and new normal a scenario declares as having begun by C) is compared with the observed months
after C (:func:`~csc_demand.model.actuals.actuals`). For each measure and horizon (3, 6 and 12 months ahead),
averaged over the cut dates:

- the absolute percentage error of the median (MAPE) and its signed mean (bias: above 0 = too high);
- the share of observed months inside the P10–P90 interval;
- the same errors for three naive forecasts: the last observed value, the mean of the observed months before
  C, and the same month a year before (for open plans and children looked after the month end a year before,
  for the flows that month's count; only where the data hold that month);
- a scaled error: the mean absolute error of the median divided by that of the last value (MASE-style; below
  1 means the forecast beat "same as now").

By default the cutoffs are month ends from two months after the data begin to three months before they
end, three months apart (the latest six). Horizons the data cannot reach are listed with a note saying so.
With fewer than four cut dates the table's ``attrs["caution"]`` says that the figures say little.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.actuals import actuals as observed_series
from csc_demand.model.estimate import estimate
from csc_demand.model.forecast import forecast
from csc_demand.model.timegrid import observed_intervals
from csc_demand.scenario import Scenario
from csc_demand.tables import LISTS_BY_TABLE, MEASURES, AnnexA, Extract, MonthlyHistory

HORIZONS = (3, 6, 12)
MAX_CUTOFFS = 6
#: With fewer cut dates than this the backtest table carries a caution (``attrs["caution"]``).
MIN_CUTOFFS = 4
#: The name of the scenario forecast at each cut date (whatever scenario the caller passed).
NO_FURTHER_SHOCKS = "No further shocks"
BACKTEST_COLUMNS = ("measure", "horizon_months", "cutoffs", "mape_median_pct", "bias_median_pct", "scaled_error",
                    "mape_last_value_pct", "mape_window_mean_pct", "mape_same_month_last_year_pct",
                    "inside_p10_p90_pct", "inside_p10_p90_all_months_pct", "note")


#: A later extract stands for an extract taken at the cut date only when this many days of its window lie
#: before the cut (fewer would leave a sliver of window for the reference period).
MIN_CUT_WINDOW_DAYS = 61


def _known_at(t: pd.DataFrame, key: str, extracts: list[Extract]) -> tuple[np.ndarray, np.ndarray]:
    """For each row: whether any of ``extracts`` showed it, and the newest such extract's date (NaT if none).

    An extract shows a referral made in its window, and a plan or period of care that started by its date and
    had not ended before its window began."""
    main = pd.to_datetime(t[key]).to_numpy()[:, None]
    end = pd.to_datetime(t["end_date"]).to_numpy()[:, None] if "end_date" in t else None
    ws = np.array([np.datetime64(e.window_start) for e in extracts])[None, :]
    ed = np.array([np.datetime64(e.extract_date) for e in extracts])[None, :]
    if end is None:
        shown = (main >= ws) & (main <= ed)
    else:
        shown = (main <= ed) & (np.isnat(end) | (end >= ws))
    latest = np.where(shown.any(axis=1), np.where(shown, ed, ed.min()).max(axis=1), np.datetime64("NaT"))
    return shown.any(axis=1), latest


def truncate(annex: AnnexA, cutoff: pd.Timestamp) -> AnnexA:
    """The data as they would have been known at ``cutoff``: what the extracts taken by then showed.

    Extracts taken by the cut date are kept; a later extract whose window began at least
    :data:`MIN_CUT_WINDOW_DAYS` before it stands for an extract taken on the cut date (its window cut there);
    the others did not exist yet. A row that only a later extract showed is kept as the newest kept extract
    showed it (its extract date that one's, its end unknown if it ended later), or dropped if none showed it:
    a plan that started in a gap between extracts was not known at a cut in the gap. Monthly figures are
    kept for the months that had ended by the cut.
    """
    c = pd.Timestamp(cutoff).normalize()
    extracts = []
    for e in annex.extracts:
        if e.extract_date <= c:
            extracts.append(e)
        elif (c - pd.Timestamp(e.window_start)).days >= MIN_CUT_WINDOW_DAYS:
            extracts.append(Extract(c, e.window_start, e.source))
    if not extracts:
        raise CscDemandError(f"The cutoff {c.date()} is before the data begin (or too early in the first "
                             "extract's window): choose a later date.")
    tables = {}
    for name, t in annex.tables.items():
        key = LISTS_BY_TABLE[name].date_key if name in LISTS_BY_TABLE else None
        if key not in t:
            tables[name] = t.copy()
            continue
        t = t[(pd.to_datetime(t[key]) <= c).to_numpy()].copy()
        if "extract_date" in t:
            later = (pd.to_datetime(t["extract_date"]) > c).to_numpy()
            shown, latest = _known_at(t, key, extracts)
            keep = ~later | shown
            t, latest, later = t[keep].copy(), latest[keep], later[keep]
            t.loc[later, "extract_date"] = pd.to_datetime(latest[later])
            if "end_date" in t:
                ended_after = (pd.to_datetime(t["end_date"]) > pd.to_datetime(t["extract_date"])).to_numpy()
                t.loc[later & ended_after, "end_date"] = pd.NaT
        if "end_date" in t:
            t.loc[pd.to_datetime(t["end_date"]) > c, "end_date"] = pd.NaT
        tables[name] = t
    newest = max(e.extract_date for e in extracts)
    return AnnexA(tables=tables, extract_date=newest, extract_date_source=annex.extract_date_source,
                  extracts=extracts, quality=annex.quality, history=history_until(annex.history, c))


def history_until(history: MonthlyHistory | None, cutoff: pd.Timestamp) -> MonthlyHistory | None:
    """Monthly figures as known at ``cutoff``: the months that had ended by then (None if none had)."""
    if history is None:
        return None
    ended = (pd.DatetimeIndex(history.table.index) + pd.offsets.MonthEnd(0)) <= pd.Timestamp(cutoff)
    if not ended.any():
        return None
    rows = history.rows[ended] if history.rows is not None else None
    return replace(history, table=history.table[ended], rows=rows)


def default_cutoffs(annex: AnnexA) -> list[pd.Timestamp]:
    """Month ends inside an observed window with at least two months of it before them, up to three months
    before the data end, three months apart (the latest six): no cut falls in a gap between extracts."""
    intervals = observed_intervals(annex)
    last = pd.Timestamp(annex.extract_date) - pd.DateOffset(months=3)
    ends = pd.date_range(intervals[0][0], last, freq="ME")
    inside = np.array([any(a + pd.Timedelta(days=MIN_CUT_WINDOW_DAYS) <= d <= b for a, b in intervals)
                       for d in ends], dtype=bool)
    ends = ends[inside]
    if len(ends) == 0:
        return []
    picked = list(ends[::-1][::3])[:MAX_CUTOFFS]
    return sorted(picked)


def known_scenario(scenario: Scenario | None, cutoff: pd.Timestamp) -> Scenario:
    """The scenario forecast at ``cutoff``: "No further shocks" with only the shocks and new normal of
    ``scenario`` that start on or before ``cutoff`` (they were known then; later ones were not).

    Nothing else of ``scenario`` is carried over (its name, reference window, trend, overrides, costs and
    quantiles are assumptions about the future made today, not part of the method being tested).
    """
    plain = Scenario(name=NO_FURTHER_SHOCKS)
    if scenario is None:
        return plain
    day = pd.Timestamp(cutoff).date()
    shocks = tuple(s for s in scenario.shocks if s.start <= day)
    nn = scenario.new_normal
    return replace(plain, shocks=shocks, new_normal=nn if nn is not None and nn.from_date <= day else None)


def _monthly_totals(df: pd.DataFrame) -> pd.Series:
    """Monthly totals of the backtested measures, indexed by (measure, period), periods in order."""
    sel = df[(df["period_type"] == "month") & (df["breakdown"] == "total") & df["measure"].isin(MEASURES)]
    return sel.set_index(["measure", "period"])["value"].sort_index()


def cut_records(forecast_table: pd.DataFrame, known: pd.DataFrame, observed: pd.DataFrame,
                cutoff: pd.Timestamp) -> pd.DataFrame:
    """The forecast made at ``cutoff`` beside what happened: one row per measure and observed forecast month.

    ``forecast_table``: the forecast's long table (one scenario); ``known``: the actuals known at the cutoff;
    ``observed``: the actuals of all the data. Columns: ``measure``, ``period`` (``YYYY-MM``),
    ``horizon_months`` (calendar months after the cutoff's month), ``p10``, ``median``, ``p90``, ``actual``
    (counts: a month's flow, or the number open at the month end), ``inside`` (P10 ≤ actual ≤ P90), and the
    naive forecasts in the same units: ``last_value`` (the last known month), ``window_mean`` (the mean of the
    known months) and ``same_month_last_year`` (the known value 12 months before; NaN where not known).
    Measures with no known month are left out.
    """
    t = forecast_table[(forecast_table["period_type"] == "month") & (forecast_table["breakdown"] == "total")
                       & forecast_table["measure"].isin(MEASURES)]
    q = t.pivot_table(index=["measure", "period"], columns="quantile", values="value")
    rec = pd.DataFrame({"p10": q[0.1], "median": q[0.5], "p90": q[0.9]})
    rec["actual"] = _monthly_totals(observed).reindex(rec.index)
    rec = rec[rec["actual"].notna()].reset_index()
    past = _monthly_totals(known)
    by_measure = past.groupby(level="measure")
    rec["last_value"] = rec["measure"].map(by_measure.last()).astype(float)
    rec["window_mean"] = rec["measure"].map(by_measure.mean()).astype(float)
    rec = rec[rec["last_value"].notna()].reset_index(drop=True)
    months = pd.PeriodIndex(rec["period"], freq="M")
    year_before = (months - 12).strftime("%Y-%m")
    rec["same_month_last_year"] = past.reindex(pd.MultiIndex.from_arrays([rec["measure"], year_before])).to_numpy(
        dtype=float)
    c = pd.Timestamp(cutoff)
    rec["horizon_months"] = (months.year - c.year) * 12 + (months.month - c.month)
    rec["inside"] = (rec["p10"] <= rec["actual"]) & (rec["actual"] <= rec["p90"])
    return rec


def summarise(records: pd.DataFrame, months: int) -> pd.DataFrame:
    """The backtest table from the records of every cut date (:func:`cut_records`); see :func:`backtest`.

    At each horizon only months with an actual above 0 count (percentage errors need one).
    """
    ok = records[records["horizon_months"].isin(HORIZONS) & (records["actual"] > 0)]
    a = ok["actual"]
    err = pd.DataFrame({
        "measure": ok["measure"], "horizon_months": ok["horizon_months"],
        "ape_median": 100 * (ok["median"] - a).abs() / a, "spe_median": 100 * (ok["median"] - a) / a,
        "ae_median": (ok["median"] - a).abs(), "ae_last": (ok["last_value"] - a).abs(),
        "ape_last": 100 * (ok["last_value"] - a).abs() / a, "ape_window": 100 * (ok["window_mean"] - a).abs() / a,
        "ape_year": 100 * (ok["same_month_last_year"] - a).abs() / a, "inside": 100 * ok["inside"].astype(float),
    })
    g = err.groupby(["measure", "horizon_months"]).agg(
        cutoffs=("ape_median", "size"), mape_median_pct=("ape_median", "mean"),
        bias_median_pct=("spe_median", "mean"), mae_median=("ae_median", "mean"), mae_last=("ae_last", "mean"),
        mape_last_value_pct=("ape_last", "mean"), mape_window_mean_pct=("ape_window", "mean"),
        mape_same_month_last_year_pct=("ape_year", "mean"), year_cutoffs=("ape_year", "count"),
        inside_p10_p90_pct=("inside", "mean"))
    g["scaled_error"] = g["mae_median"] / g["mae_last"].where(g["mae_last"] > 0)
    measures = [m for m in MEASURES if m in set(records["measure"])] or list(MEASURES[:5])
    out = g.reindex(pd.MultiIndex.from_product([measures, HORIZONS], names=["measure", "horizon_months"]))
    out = out.reset_index()
    out["cutoffs"] = out["cutoffs"].fillna(0).astype(int)
    out["year_cutoffs"] = out["year_cutoffs"].fillna(0).astype(int)
    cover = 100 * records.groupby("measure")["inside"].mean()
    out["inside_p10_p90_all_months_pct"] = out["measure"].map(cover).astype(float)
    out["note"] = [_note(h, n, n_year, months) for h, n, n_year in
                   zip(out["horizon_months"], out["cutoffs"], out["year_cutoffs"], strict=True)]
    return out[list(BACKTEST_COLUMNS)]


def _note(horizon: int, cutoffs: int, year_cutoffs: int, months: int) -> str:
    if cutoffs == 0:
        return (f"Not possible: the data do not reach {horizon} months after any cutoff." if horizon <= months
                else f"Not asked: the backtest looked {months} months ahead.")
    if year_cutoffs == 0:
        return "No 'same month last year' comparison: the data hold no month a year before these months."
    if year_cutoffs < cutoffs:
        return (f"'Same month last year' is compared at only {year_cutoffs} of the {cutoffs} cut dates (the "
                "data hold no month a year before the others).")
    return ""


def caution(n_cutoffs: int) -> str | None:
    """A plain-English caution when there are fewer than :data:`MIN_CUTOFFS` cut dates, else None."""
    if n_cutoffs >= MIN_CUTOFFS:
        return None
    dates = "cut date" if n_cutoffs == 1 else "cut dates"
    return (f"Only {n_cutoffs} {dates}: these figures say little about how far to trust the forecast; load more "
            "extracts to test it on more of your own past.")


def backtest(annex: AnnexA, *, cutoff: dt.date | str | None = None, months: int = 12, draws: int = 500,
             seed: int = 1, scenario: Scenario | None = None) -> pd.DataFrame:
    """Backtest the method on this data: cut it at past dates, forecast from what was known then, and compare
    with what happened (see the module docstring).

    Parameters
    ----------
    annex
        The data (:func:`csc_demand.read_annex_a`), with monthly figures if attached.
    cutoff
        One cut date (default: month ends inside the observed windows, three months apart, the latest six).
    months
        How far ahead each cut's forecast looks (months).
    draws, seed
        Monte Carlo draws and seed for each cut's forecast.
    scenario
        Its shocks and new normal that start on or before a cut date are applied to the forecast made at that
        date (:func:`known_scenario`); later ones are not (they were not known then).

    Returns
    -------
    pandas.DataFrame
        One row per measure and horizon: ``measure``, ``horizon_months`` (3, 6, 12), ``cutoffs`` (how many cut
        dates had an observed month at that horizon), ``mape_median_pct`` (mean absolute % error of the
        median), ``bias_median_pct`` (mean signed % error, (forecast − actual) / actual × 100: above 0 = too
        high), ``scaled_error`` (mean absolute error of the median ÷ that of the last value, a ratio: below 1
        = better than "same as now"; NaN when the last value was never wrong), ``mape_last_value_pct``,
        ``mape_window_mean_pct``, ``mape_same_month_last_year_pct`` (the naive forecasts' errors; the last
        over the cut dates whose data hold the month a year before, NaN if none), ``inside_p10_p90_pct`` (at
        that horizon), ``inside_p10_p90_all_months_pct`` (every observed month up to ``months`` ahead),
        ``note`` (why a horizon or a comparison could not be checked). ``attrs``: ``cutoffs`` (ISO dates),
        ``past_shocks`` (the scenario's shocks, and "new normal", applied at one or more cut dates) and, with
        fewer than :data:`MIN_CUTOFFS` cut dates, ``caution`` (a plain-English sentence).

    Raises
    ------
    CscDemandError
        When the data are too short for any cut date, or a cut date is outside them.

    Examples
    --------
    >>> bt = cd.backtest(annex)
    >>> bt[["measure", "horizon_months", "mape_median_pct", "scaled_error"]]
    """
    cutoffs = [pd.Timestamp(cutoff)] if cutoff is not None else default_cutoffs(annex)
    if not cutoffs:
        raise CscDemandError("The data cover too short a period for a backtest: at least two months before and "
                             "three months after a cutoff (a month end) are needed. Load more extracts.")
    observed = observed_series(annex)
    frames = []
    applied: list[str] = []
    for c in cutoffs:
        if c >= pd.Timestamp(annex.extract_date):
            raise CscDemandError(f"The cutoff {c.date()} is not before the extract date "
                                 f"{pd.Timestamp(annex.extract_date).date()}: choose an earlier date.")
        est = estimate(truncate(annex, c))
        sc = known_scenario(scenario, c)
        applied += [s.name for s in sc.shocks] + (["new normal"] if sc.new_normal is not None else [])
        fc = forecast(est, [sc], months=months, draws=draws, seed=seed)
        frames.append(cut_records(fc.table, est.actuals, observed, c))
    out = summarise(pd.concat(frames, ignore_index=True), months)
    out.attrs["cutoffs"] = [c.date().isoformat() for c in cutoffs]
    out.attrs["past_shocks"] = list(dict.fromkeys(applied))
    text = caution(len(cutoffs))
    if text:
        out.attrs["caution"] = text
    return out


__all__ = ["BACKTEST_COLUMNS", "MIN_CUTOFFS", "backtest", "caution", "cut_records", "default_cutoffs",
           "known_scenario", "summarise", "truncate"]
