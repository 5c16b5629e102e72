"""Actuals: the observed monthly series in the same long shape as a forecast (scenario "Actual").

Flows (referrals, plan starts, care starts) are counted for calendar months lying wholly inside an observed
window; stocks (open plans, children looked after) at each month end inside an observed window, using the
shared definition "open at D: start <= D and (end missing or end > D)". A plan still open in an older extract
but absent from a newer one is not counted after its own extract date. Financial years are given when all
twelve months are observed.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from csc_demand.model.timegrid import day_mask, fy_label, observed_intervals
from csc_demand.tables import (
    ACTUAL_SCENARIO,
    FORECAST_COLUMNS,
    SHORT_BREAK_LEGAL_STATUSES,
    AnnexA,
)


def care_periods(table: pd.DataFrame) -> pd.DataFrame:
    """Periods of care without short breaks (legal status V3/V4 are not periods of care)."""
    if "legal_status" not in table:
        return table
    ls = table["legal_status"].astype("string").str.upper().str.strip()
    return table[~ls.isin(SHORT_BREAK_LEGAL_STATUSES).fillna(False).to_numpy(dtype=bool)]


def open_mask(table: pd.DataFrame, dates: pd.DatetimeIndex) -> np.ndarray:
    """Which rows are open at the end of each date: (rows, dates) booleans, True when start <= D and (end
    missing or end > D); an open row counts only up to its own extract date."""
    start = pd.to_datetime(table["start_date"]).to_numpy()[:, None]
    end = pd.to_datetime(table["end_date"]).to_numpy()[:, None]
    d = pd.DatetimeIndex(dates).to_numpy()[None, :]
    open_ = (start <= d) & (np.isnat(end) | (end > d))
    if "extract_date" in table:
        row_e = pd.to_datetime(table["extract_date"]).to_numpy()[:, None]
        open_ &= ~(np.isnat(end) & ~np.isnat(row_e) & (d > row_e))
    return open_


def open_at(table: pd.DataFrame, dates: pd.DatetimeIndex) -> np.ndarray:
    """Number open at the end of each date (see :func:`open_mask`)."""
    return open_mask(table, dates).sum(axis=0)


def without_uasc(annex: AnnexA) -> AnnexA:
    """The same data without unaccompanied asylum-seeking children's periods of care.

    Unaccompanied asylum-seeking children (List 8 rows flagged UASC) arrive as national policy brings them,
    not as local demand does: ``estimate(without_uasc(annex))``
    forecasts the other children looked after, and its actuals match. Monthly figures (``annex.history``) are
    kept as given: they usually count every child, UASC included.

    Parameters
    ----------
    annex
        The loaded lists (:func:`csc_demand.read_annex_a`).

    Returns
    -------
    AnnexA
        A copy without the List 8 rows flagged UASC (the original is not changed); ``annex`` itself when
        List 8 was not read or has no UASC column.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> fc = cd.forecast(cd.without_uasc(annex), months=24, la_name="Made-up LA, without UASC")
    """
    cla = annex.tables.get("looked_after")
    if cla is None or "uasc" not in cla:
        return annex
    keep = ~cla["uasc"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    tables = dict(annex.tables, looked_after=cla[keep])
    return dataclasses.replace(annex, tables=tables)


def _monthly_counts(dates: pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    per = pd.to_datetime(dates).dropna().dt.to_period("M")
    counts = per.value_counts()
    return np.array([float(counts.get(m, 0)) for m in months])


def actuals(annex: AnnexA) -> pd.DataFrame:
    """Observed monthly (and complete financial-year) series of the five measures; see the module docstring."""
    intervals = observed_intervals(annex)
    first = intervals[0][0].to_period("M")
    last = pd.Timestamp(annex.extract_date).to_period("M")
    months = pd.period_range(first, last, freq="M")
    starts_m = pd.DatetimeIndex([m.start_time for m in months])
    ends_m = pd.DatetimeIndex([m.end_time.normalize() for m in months])
    full = np.array([any(a <= s and e <= b for a, b in intervals) for s, e in zip(starts_m, ends_m)], dtype=bool)
    end_obs = day_mask(ends_m, intervals)
    cla = care_periods(annex.looked_after)
    series = {
        "referrals": (_monthly_counts(annex.referrals["referral_date"], months), full),
        "cp_starts": (_monthly_counts(annex.cp_plans["start_date"], months), full),
        "cla_starts": (_monthly_counts(cla["start_date"], months), full),
        "cp_open": (open_at(annex.cp_plans, ends_m).astype(float), end_obs),
        "cla_open": (open_at(cla, ends_m).astype(float), end_obs),
    }
    cin = annex.tables.get("children_in_need")
    if cin is not None and len(cin):
        series["cin_starts"] = (_monthly_counts(cin["start_date"], months), full)
        series["cin_open"] = (open_at(cin, ends_m).astype(float), end_obs)
    rows = []
    fy_year = np.where(months.month >= 4, months.year, months.year - 1)
    for measure, (values, ok) in series.items():
        for i in np.flatnonzero(ok):
            rows.append((measure, "month", str(months[i]), starts_m[i], values[i]))
        for y in np.unique(fy_year):
            idx = np.flatnonzero(fy_year == y)
            if len(idx) == 12 and ok[idx].all():
                v = values[idx[-1]] if measure.endswith("_open") else values[idx].sum()
                rows.append((measure, "fy", fy_label(int(y)), pd.Timestamp(int(y), 4, 1), v))
    df = pd.DataFrame(rows, columns=["measure", "period_type", "period", "period_start", "value"])
    df.insert(0, "scenario", ACTUAL_SCENARIO)
    df["breakdown"] = "total"
    df["group"] = "All"
    df["quantile"] = 0.5
    df["value"] = df["value"].astype(float)
    return df[list(FORECAST_COLUMNS)]
