"""Backtest: cut the data at past dates, forecast from what was known then, compare with what happened.

At a cutoff C the data are what extracts taken up to C would have shown: referrals up to C, plans started by
C with any end after C removed, and windows clipped at C. The forecast ("no further shocks") is compared
with the observed months after C (:func:`~csc_demand.model.actuals.actuals`): the absolute percentage error
of the median at 3, 6 and 12 months ahead (averaged over cutoffs: MAPE), the share of observed months inside
the P10–P90 interval, and the same errors for two naive forecasts: the last observed value, and the mean of
the observed months before C.

By default the cutoffs are month ends from two months after the data begin to three months before they
end, three months apart (the latest six). Horizons the data cannot reach are listed with a note saying so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.actuals import actuals as observed_series
from csc_demand.model.estimate import estimate
from csc_demand.model.forecast import forecast
from csc_demand.model.timegrid import observed_intervals
from csc_demand.scenario import Scenario
from csc_demand.tables import LISTS_BY_TABLE, MEASURES, AnnexA, Extract

HORIZONS = (3, 6, 12)
MAX_CUTOFFS = 6
BACKTEST_COLUMNS = ("measure", "horizon_months", "cutoffs", "mape_median_pct", "mape_last_value_pct",
                    "mape_window_mean_pct", "inside_p10_p90_pct", "inside_p10_p90_all_months_pct", "note")


def truncate(annex: AnnexA, cutoff: pd.Timestamp) -> AnnexA:
    """The data as they would have been known at ``cutoff`` (see the module docstring)."""
    c = pd.Timestamp(cutoff).normalize()
    extracts = []
    for e in annex.extracts:
        if e.window_start > c:
            continue
        extracts.append(e if e.extract_date <= c else Extract(c, e.window_start, e.source))
    if not extracts:
        raise CscDemandError(f"The cutoff {c.date()} is before the data begin: choose a later date.")
    tables = {}
    for name, t in annex.tables.items():
        key = LISTS_BY_TABLE[name].date_key if name in LISTS_BY_TABLE else None
        t = (t[(pd.to_datetime(t[key]) <= c).to_numpy()] if key in t else t).copy()
        if "end_date" in t:
            t.loc[pd.to_datetime(t["end_date"]) > c, "end_date"] = pd.NaT
        tables[name] = t
    for t in tables.values():
        if "extract_date" in t:
            t["extract_date"] = pd.to_datetime(t["extract_date"]).where(pd.to_datetime(t["extract_date"]) <= c, c)
    newest = max(e.extract_date for e in extracts)
    return AnnexA(tables=tables, extract_date=newest, extract_date_source=annex.extract_date_source,
                  extracts=extracts, quality=annex.quality)


def default_cutoffs(annex: AnnexA) -> list[pd.Timestamp]:
    """Month ends from 2 months after the data begin to 3 months before they end, 3 months apart (latest 6)."""
    intervals = observed_intervals(annex)
    first = intervals[0][0] + pd.DateOffset(months=2)
    last = pd.Timestamp(annex.extract_date) - pd.DateOffset(months=3)
    ends = pd.date_range(first, last, freq="ME")
    if len(ends) == 0:
        return []
    picked = list(ends[::-1][::3])[:MAX_CUTOFFS]
    return sorted(picked)


def _monthly(df: pd.DataFrame, measure: str) -> pd.Series:
    sel = df[(df["measure"] == measure) & (df["period_type"] == "month") & (df["breakdown"] == "total")]
    return sel.set_index("period")["value"]


def backtest(annex: AnnexA, *, cutoff: dt.date | str | None = None, months: int = 12, draws: int = 500,
             seed: int = 1) -> pd.DataFrame:
    """Backtest the method on this data (see the module docstring); one row per measure and horizon.

    Columns: ``measure``, ``horizon_months`` (3, 6, 12), ``cutoffs`` (how many cutoffs had an observed
    month at that horizon), ``mape_median_pct``, ``mape_last_value_pct``, ``mape_window_mean_pct``,
    ``inside_p10_p90_pct`` (at that horizon), ``inside_p10_p90_all_months_pct`` (every observed month up to
    ``months`` ahead), ``note`` (why a horizon could not be checked).
    """
    cutoffs = [pd.Timestamp(cutoff)] if cutoff is not None else default_cutoffs(annex)
    if not cutoffs:
        raise CscDemandError("The data cover too short a period for a backtest: at least two months before and "
                             "three months after a cutoff (a month end) are needed. Load more extracts.")
    act = observed_series(annex)
    act_m = {m: _monthly(act, m) for m in MEASURES}
    none = Scenario(name="No further shocks")
    err: dict[tuple[str, int], list[tuple[float, float, float, bool]]] = {}
    inside_all: dict[str, list[bool]] = {m: [] for m in MEASURES}
    for c in cutoffs:
        if c >= pd.Timestamp(annex.extract_date):
            raise CscDemandError(f"The cutoff {c.date()} is not before the extract date "
                                 f"{pd.Timestamp(annex.extract_date).date()}: choose an earlier date.")
        cut = truncate(annex, c)
        est = estimate(cut)
        fc = forecast(est, [none], months=months, draws=draws, seed=seed)
        t = fc.table[(fc.table["period_type"] == "month") & (fc.table["breakdown"] == "total")]
        past = est.actuals
        for m in MEASURES:
            q = t[t["measure"] == m].pivot_table(index="period", columns="quantile", values="value")
            hist = _monthly(past, m)
            if len(hist) == 0:
                continue
            last_value, window_mean = float(hist.iloc[-1]), float(hist.mean())
            for i, period in enumerate(q.index, start=1):
                if period not in act_m[m].index:
                    continue
                actual = float(act_m[m][period])
                ok = bool(q.loc[period, 0.1] <= actual <= q.loc[period, 0.9])
                inside_all[m].append(ok)
                if i in HORIZONS and actual > 0:
                    err.setdefault((m, i), []).append((abs(q.loc[period, 0.5] - actual) / actual,
                                                       abs(last_value - actual) / actual,
                                                       abs(window_mean - actual) / actual, ok))
    rows = []
    for m in MEASURES:
        cov_all = 100.0 * float(np.mean(inside_all[m])) if inside_all[m] else np.nan
        for h in HORIZONS:
            e = err.get((m, h), [])
            if not e:
                note = (f"Not possible: the data do not reach {h} months after any cutoff." if h <= months
                        else f"Not asked: the backtest looked {months} months ahead.")
                rows.append((m, h, 0, np.nan, np.nan, np.nan, np.nan, cov_all, note))
                continue
            a = np.array(e, dtype=float)
            rows.append((m, h, len(e), 100 * a[:, 0].mean(), 100 * a[:, 1].mean(), 100 * a[:, 2].mean(),
                         100 * a[:, 3].mean(), cov_all, ""))
    out = pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))
    out.attrs["cutoffs"] = [c.date().isoformat() for c in cutoffs]
    return out


__all__ = ["BACKTEST_COLUMNS", "backtest", "default_cutoffs", "truncate"]
