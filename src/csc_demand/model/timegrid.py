"""Time: the observed windows of the data, and the forecast's weekly grid with its months and financial years.

The projection runs in weekly steps from the extract date E: week ``k`` (1, 2, …) covers the days
``E + 7(k-1) + 1`` to ``E + 7k``; "week end ``k``" is the day ``E + 7k`` (week end 0 is E itself). Months
are calendar months starting with the month after E; financial years run April to March.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_demand.tables import (  # noqa: F401  (re-exported: the windows and the timeline live with AnnexA)
    AnnexA,
    observed_intervals,
    observed_timeline,
    timeline_text,
    window_start,
)

DAYS_PER_YEAR = 365.25
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7.0


def day_mask(days: pd.DatetimeIndex, intervals: list[tuple[pd.Timestamp, pd.Timestamp]]) -> np.ndarray:
    """True for each day inside any of the inclusive intervals."""
    values = days.values
    mask = np.zeros(len(days), dtype=bool)
    for a, b in intervals:
        mask |= (values >= np.datetime64(a)) & (values <= np.datetime64(b))
    return mask


def fy_label(year_starting: int) -> str:
    """Financial year label, e.g. 2021 → ``"2021-22"``."""
    return f"{year_starting}-{(year_starting + 1) % 100:02d}"


@dataclass(frozen=True)
class Grid:
    """The forecast calendar.

    ``flow_weights`` (months × weeks) turns weekly flows into monthly flows (each day of a week carries its
    day-of-the-week share of it, a seventh when no pattern is given); ``day_weights`` (months × weeks) the
    days of each week in each month ÷ 7 (for child-weeks); ``stock_weights`` (months × (weeks + 1)) interpolates the stock at each month's last day
    between week ends 0..weeks. ``fy_months`` (financial years × months) marks the forecast months of each
    financial year whose 31 March falls inside the horizon (the first may be partial: the year the extract
    date falls in, whose flows then cover only its forecast months); ``fy_last_month`` is the index of each
    one's March.
    """

    extract_date: pd.Timestamp
    weeks: int
    months: pd.PeriodIndex
    flow_weights: np.ndarray
    day_weights: np.ndarray
    stock_weights: np.ndarray
    fy_labels: tuple[str, ...]
    fy_starts: tuple[pd.Timestamp, ...]
    fy_months: np.ndarray
    fy_last_month: np.ndarray

    @property
    def month_labels(self) -> list[str]:
        return [str(p) for p in self.months]

    @property
    def month_starts(self) -> list[pd.Timestamp]:
        return [p.start_time for p in self.months]

    def per_month(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``x @ weights.T`` for per-draw weekly arrays x (draws, weeks[+1]) and a banded weight matrix (each
        month touches a few weeks): one small product per month, which avoids multi-threaded BLAS calls that
        are slow for these sizes on a busy machine."""
        out = np.empty((x.shape[0], weights.shape[0]))
        for m in range(weights.shape[0]):
            cols = np.flatnonzero(weights[m])
            out[:, m] = x[:, cols[0]:cols[-1] + 1] @ weights[m, cols[0]:cols[-1] + 1]
        return out

    def per_fy(self, monthly: np.ndarray) -> np.ndarray:
        """Sums of per-draw monthly values (draws, months) over each financial year's forecast months:
        (draws, fys)."""
        out = np.empty((monthly.shape[0], len(self.fy_labels)))
        for f in range(len(self.fy_labels)):
            out[:, f] = monthly[:, self.fy_months[f] > 0].sum(axis=1)
        return out


def make_grid(extract_date: pd.Timestamp, months: int, weekday: np.ndarray | None = None) -> Grid:
    """The weekly grid covering ``months`` calendar months after the extract date's month.

    ``weekday``: relative flow on each day of the week (Monday first, averaging 1), for ``flow_weights``."""
    if not 1 <= months <= 60:
        raise ValueError("months must be from 1 to 60")
    e = pd.Timestamp(extract_date).normalize()
    first = e.to_period("M") + 1
    periods = pd.period_range(first, periods=months, freq="M")
    last_day = periods[-1].end_time.normalize()
    n_days = int((last_day - e).days)
    weeks = -(-n_days // 7)
    day_offsets = np.arange(1, 7 * weeks + 1)
    days = e + pd.to_timedelta(day_offsets, unit="D")
    day_month = (days.year - first.year) * 12 + (days.month - first.month)
    day_week = (day_offsets - 1) // 7
    inside = (day_month >= 0) & (day_month < months)
    uniform = np.zeros((months, weeks))
    np.add.at(uniform, (np.asarray(day_month)[inside], day_week[inside]), 1.0 / 7.0)
    if weekday is None:
        flow = uniform
    else:
        w = np.asarray(weekday, dtype=float)[np.asarray(days.day_of_week)]
        w = w / w.reshape(weeks, 7).sum(axis=1).repeat(7)
        flow = np.zeros((months, weeks))
        np.add.at(flow, (np.asarray(day_month)[inside], day_week[inside]), w[inside])
    stock = np.zeros((months, weeks + 1))
    ends = np.array([(p.end_time.normalize() - e).days for p in periods], dtype=float) / 7.0
    j0 = np.floor(ends).astype(int)
    frac = ends - j0
    j1 = np.minimum(j0 + 1, weeks)
    stock[np.arange(months), j0] += 1 - frac
    stock[np.arange(months), j1] += frac
    # financial years whose year end (March) is inside the horizon
    fy_labels, fy_starts, rows, lasts = [], [], [], []
    fy_year = np.where(periods.month >= 4, periods.year, periods.year - 1)
    for y in np.unique(fy_year):
        idx = np.flatnonzero(fy_year == y)
        if periods[idx[-1]].month == 3:
            fy_labels.append(fy_label(int(y)))
            fy_starts.append(pd.Timestamp(int(y), 4, 1))
            row = np.zeros(months)
            row[idx] = 1.0
            rows.append(row)
            lasts.append(int(idx[-1]))
    fy_months = np.array(rows).reshape(len(rows), months)
    return Grid(extract_date=e, weeks=weeks, months=periods, flow_weights=flow, day_weights=uniform,
                stock_weights=stock,
                fy_labels=tuple(fy_labels), fy_starts=tuple(fy_starts), fy_months=fy_months,
                fy_last_month=np.array(lasts, dtype=int))
