"""The referral baseline: daily referral history, seasonality, over-dispersion and the usual weekly level.

Everything here works on the daily history (one row per day from the first observed day to the extract date,
counts by referral source group, and which days were observed), so the baseline for any reference window
(or with any shocks left out) is a cheap array sum that the app can redo on every change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.model.timegrid import day_mask
from csc_demand.tables import (
    AGE_BAND_LABELS,
    REFERRAL_SOURCE_GROUPS,
    SOURCE_GROUP_ORDER,
    age_band,
    day_label,
)

#: Source groups in a fixed order (the CIN census order), then "Unknown" for a missing or unrecognised source.
#: 80% normal interval multiplier.
Z80 = 1.2815515655446004
#: Seasonality needs at least this many days of history, and this many observed days in each calendar month.
MIN_DAYS_FOR_SEASONALITY = 365
MIN_DAYS_PER_MONTH = 14
#: A calendar month's seasonal factor needs that month seen in this many different years: seen once, the
#: season cannot be told apart from anything else that happened then (a lockdown, a change at the front door).
MIN_YEARS_PER_MONTH = 2
#: ... and at least this many calendar months with enough days (the others get no adjustment).
MIN_MONTHS_FOR_SEASONALITY = 9
#: Default reference window: the most recent observed stretch, at most this many days.
DEFAULT_REFERENCE_DAYS = 365


@dataclass(frozen=True)
class History:
    """Daily referral counts over the observed history (all zeros on unobserved days).

    ``days``: every day from the first observed day to the extract date; ``observed``: inside an extract's
    window; ``counts``: (days, source groups) referrals received that day; ``age_counts``: referrals by age
    band (bands + "Unknown") over all observed days.
    """

    days: pd.DatetimeIndex
    observed: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)
    age_counts: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """Referrals per day, all sources."""
        return self.counts.sum(axis=1)


def source_group_codes(referrals: pd.DataFrame) -> np.ndarray:
    """Each referral's source group as its index in SOURCE_GROUP_ORDER ("Unknown" when missing or not
    recognised), from ``source_group`` or else the CIN census ``source`` code."""
    if "source_group" in referrals:
        groups = referrals["source_group"].astype("string")
    elif "source" in referrals:
        groups = referrals["source"].astype("string").map(REFERRAL_SOURCE_GROUPS)
    else:
        groups = pd.Series(pd.NA, index=referrals.index, dtype="string")
    groups = groups.astype("string")
    codes = np.asarray(pd.Categorical(groups.where(groups.isin(SOURCE_GROUP_ORDER)),
                                      categories=list(SOURCE_GROUP_ORDER)).codes)
    return np.where(codes < 0, SOURCE_GROUP_ORDER.index("Unknown"), codes)


def referral_history(referrals: pd.DataFrame, intervals: list[tuple[pd.Timestamp, pd.Timestamp]],
                     extract_date: pd.Timestamp) -> History:
    """Daily referral counts by source group over the observed windows (referrals outside them are ignored)."""
    first = intervals[0][0]
    days = pd.date_range(first, extract_date, freq="D")
    observed = day_mask(days, intervals)
    dates = pd.to_datetime(referrals["referral_date"]).to_numpy()
    idx = ((dates - np.datetime64(first)) // np.timedelta64(1, "D"))
    ok = ~np.isnat(dates)
    idx = np.where(ok, idx, -1).astype(np.int64)
    inside = (idx >= 0) & (idx < len(days))
    inside[inside] &= observed[idx[inside]]
    g = source_group_codes(referrals)
    counts = np.zeros((len(days), len(SOURCE_GROUP_ORDER)))
    np.add.at(counts, (idx[inside], g[inside]), 1.0)
    if "age_years" in referrals:
        bands = age_band(referrals["age_years"])
    else:
        bands = pd.Series("Unknown", index=referrals.index)
    labels = list(AGE_BAND_LABELS) + ["Unknown"]
    bands = bands.astype("string").fillna("Unknown")
    b = pd.Categorical(bands.where(bands.isin(labels), "Unknown"), categories=labels).codes
    age_counts = np.bincount(np.asarray(b)[inside], minlength=len(labels)).astype(float)
    return History(days=days, observed=observed, counts=counts, age_counts=age_counts)


@dataclass(frozen=True)
class Seasonality:
    """Referral rate by calendar month and by day of the week, relative to the average (1.0 = average).

    ``by_month`` is None without a year of history; ``by_weekday`` (Monday first) is None without four
    weeks. Both are normalised to average 1 (over a year; over a week).
    """

    by_month: np.ndarray | None
    explanation: str
    by_weekday: np.ndarray | None = None

    def factor(self, days: pd.DatetimeIndex) -> np.ndarray:
        """The seasonal factor of each day (month × day of the week; 1.0 when neither is known)."""
        out = np.ones(len(days))
        if self.by_month is not None:
            out = out * self.by_month[np.asarray(days.month) - 1]
        if self.by_weekday is not None:
            out = out * self.by_weekday[np.asarray(days.day_of_week)]
        return out


def _shrink(raw: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Shrink relative rates towards 1 by how much of their spread chance (Poisson noise) would explain."""
    noise_var = float(np.mean(1.0 / np.maximum(counts, 1.0)))
    spread_var = float(np.var(raw, ddof=1))
    weight = max(0.0, 1.0 - noise_var / spread_var) if spread_var > 0 else 0.0
    return 1.0 + weight * (raw - 1.0)


def fit_seasonality(h: History, use: np.ndarray | None = None) -> Seasonality:
    """Monthly factors when at least a year of history exists and at least nine calendar months are each
    observed enough (:data:`MIN_DAYS_PER_MONTH` days) in at least :data:`MIN_YEARS_PER_MONTH` different
    years (a month seen less, e.g. only once or only during a shock, gets no adjustment); day-of-the-week
    factors when four weeks are observed.

    ``use`` (per day) leaves days out, e.g. a shock. Each factor is the referrals per observed day of that
    month (weekday) over the average per observed day, shrunk towards 1 by the share of the spread that
    chance (Poisson noise) would explain, and normalised to average 1 over a year (a week). The monthly
    factors are measured on counts already adjusted for the day of the week.
    """
    observed = h.observed if use is None else h.observed & use
    n_obs = int(observed.sum())
    span = len(h.days)
    weekday = None
    dow = np.asarray(h.days.day_of_week)
    dow_days = np.bincount(dow[observed], minlength=7).astype(float)
    if dow_days.min() >= 4:
        dow_counts = np.bincount(dow[observed], weights=h.total[observed], minlength=7)
        if dow_counts.sum() > 0:
            raw = (dow_counts / dow_days) / (dow_counts.sum() / dow_days.sum())
            shrunk = _shrink(raw, dow_counts)
            weekday = shrunk / shrunk.mean()
    month = np.asarray(h.days.month) - 1
    obs_days = np.bincount(month[observed], minlength=12).astype(float)
    year = np.asarray(h.days.year) - int(h.days.year.min())
    per_year = np.zeros((12, int(year.max()) + 1))
    np.add.at(per_year, (month[observed], year[observed]), 1.0)
    have = (per_year >= MIN_DAYS_PER_MONTH).sum(axis=1) >= MIN_YEARS_PER_MONTH
    if span < MIN_DAYS_FOR_SEASONALITY or have.sum() < MIN_MONTHS_FOR_SEASONALITY:
        return Seasonality(None, f"No seasonal pattern by month is used: that needs most calendar months seen in "
                                 f"at least two different years, and the data cover {n_obs:,} days. (A month seen "
                                 "once mixes the season with whatever else happened then, such as a lockdown.) "
                                 "Load more extracts to add one.", weekday)
    adj = h.total / (weekday[dow] if weekday is not None else 1.0)
    counts = np.bincount(month[observed], weights=adj[observed], minlength=12)
    days_in_month = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    rate = np.where(have, counts / np.maximum(obs_days, 1), 0.0)
    mean_rate = np.sum(rate[have] * days_in_month[have]) / days_in_month[have].sum()
    raw = np.where(have, rate / mean_rate, 1.0)    # a month without enough data: no adjustment
    shrunk = np.ones(12)
    shrunk[have] = _shrink(raw[have], counts[have])
    factor = shrunk / (np.sum(shrunk * days_in_month) / days_in_month.sum())
    lo, hi = int(np.argmin(factor)), int(np.argmax(factor))
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
    return Seasonality(factor, f"Referrals vary by month (from {n_obs:,} observed days): lowest in {names[lo]} "
                               f"({(factor[lo] - 1) * 100:+.0f}%), highest in {names[hi]} "
                               f"({(factor[hi] - 1) * 100:+.0f}%).", weekday)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


#: A month whose ratio to the trend is further than this many robust standard deviations from its calendar
#: month's usual ratio is an extreme (a lockdown, referrals coming back after one): X-11's rule.
EXTREME_SD = 2.0


def _centred_trend(rate: np.ndarray) -> np.ndarray:
    """The centred 2×12 moving average of monthly rates (NaN within six months of either end or of a gap)."""
    kernel = np.r_[0.5, np.ones(11), 0.5] / 12.0
    trend = np.full(len(rate), np.nan)
    for i in range(6, len(rate) - 6):
        window = rate[i - 6:i + 7]
        if np.isfinite(window).all():
            trend[i] = float(window @ kernel)
    return trend


def _seasonal_ratios(rate: np.ndarray, cal: np.ndarray, known: np.ndarray | None = None,
                     rounds: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Each month's rate ÷ its trend, and which months are not extremes, as X-11 finds them: the trend is the
    centred moving average; a month whose log ratio, less its calendar month's median, lies more than
    :data:`EXTREME_SD` robust standard deviations (1.4826 × the median absolute deviation) from zero is an
    extreme, and is replaced by trend × its month's median ratio before the trend is measured again (a
    lockdown's months then neither set their own month's factor nor pull down the trend around the months
    near them). ``known`` (per month) marks months known to be unusual, such as a scenario's past shocks: they
    are extremes from the start and never set a median (X-11's prior adjustment)."""
    known = np.zeros(len(rate), dtype=bool) if known is None else np.asarray(known, dtype=bool)
    x = rate.copy()
    usual = ~known
    for _ in range(rounds):
        trend = _centred_trend(x)
        ratio = rate / trend
        ok = np.isfinite(ratio) & (ratio > 0)
        fit = ok & ~known
        med = np.array([np.median(ratio[fit & (cal == m)]) if (fit & (cal == m)).any() else 1.0
                        for m in range(12)])
        resid = np.where(fit, np.log(np.where(ok, ratio, 1.0) / med[cal]), np.nan)
        spread = 1.4826 * np.nanmedian(np.abs(resid)) if fit.any() else 0.0
        usual = ~known & ~(fit & (np.abs(np.nan_to_num(resid)) > EXTREME_SD * spread)) if spread > 0 else ~known
        x = np.where(~usual & np.isfinite(trend), trend * med[cal], rate)
    return ratio, usual


def fit_monthly_seasonality(referrals_by_month: pd.Series, weekday: np.ndarray | None = None,
                            source: str = "monthly figures",
                            leave_out: Sequence[tuple[pd.Timestamp, pd.Timestamp]] = ()) -> Seasonality | None:
    """Monthly factors from a series of monthly referral counts (index: month starts), or None when it cannot
    show them.

    Each month's referrals per day (per weekday-weighted day when ``weekday`` is known, so a month with five
    weekends is not taken for a quiet month) is divided by the centred 12-month moving average around it
    (2×12, the usual X-11 first step), with extreme months (a lockdown, referrals coming back after one) found
    and replaced as X-11 does (:func:`_seasonal_ratios`); each calendar month's factor is the median of the
    other months' ratios over the years, needing at least
    :data:`MIN_YEARS_PER_MONTH` years and :data:`MIN_MONTHS_FOR_SEASONALITY` calendar months; then shrunk
    towards 1 by the share of the spread that chance would explain (a median of n years' ratios counting as
    n ÷ (π/2) months of referrals), and normalised to average 1 over a year. The months that any of the
    ``leave_out`` periods (first day, last day) touch, e.g. a scenario's past shocks and returning referrals,
    are extremes from the start.
    """
    s = pd.to_numeric(referrals_by_month, errors="coerce").dropna()
    s = s[s >= 0]
    if len(s) < 25:
        return None
    months = pd.DatetimeIndex(s.index).to_period("M")
    full = pd.period_range(months.min(), months.max(), freq="M")
    counts = pd.Series(s.to_numpy(dtype=float), index=months).reindex(full)
    days = pd.date_range(full[0].start_time, full[-1].end_time.normalize(), freq="D")
    w = np.ones(len(days)) if weekday is None else np.asarray(weekday, dtype=float)[np.asarray(days.day_of_week)]
    day_weight = pd.Series(w, index=days.to_period("M")).groupby(level=0).sum().reindex(full).to_numpy()
    rate = counts.to_numpy() / day_weight
    cal = np.asarray(full.month) - 1
    known = np.zeros(len(full), dtype=bool)
    for first, last in leave_out:
        known |= (full.start_time <= pd.Timestamp(last)) & (full.end_time >= pd.Timestamp(first))
    ratio, usual = _seasonal_ratios(rate, cal, known)
    raw = np.ones(12)
    have = np.zeros(12, dtype=bool)
    mean_count = np.ones(12)
    for m in range(12):
        r = ratio[(cal == m) & np.isfinite(ratio) & usual]
        if len(r) >= MIN_YEARS_PER_MONTH:
            raw[m], have[m] = float(np.median(r)), True
            # the median of n ratios is about as noisy as one ratio from n ÷ (π/2) months' referrals
            mean_count[m] = float(np.nanmean(counts.to_numpy()[(cal == m)])) * len(r) / (np.pi / 2)
    if have.sum() < MIN_MONTHS_FOR_SEASONALITY:
        return None
    days_in_month = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    shrunk = np.ones(12)
    shrunk[have] = _shrink(raw[have] / np.mean(raw[have]), mean_count[have])
    factor = shrunk / (np.sum(shrunk * days_in_month) / days_in_month.sum())
    lo, hi = int(np.argmin(factor)), int(np.argmax(factor))
    years = len(s) / 12.0
    return Seasonality(factor, f"Referrals vary by month (from {years:.1f} years of {source}): lowest in "
                               f"{_MONTH_NAMES[lo]} ({(factor[lo] - 1) * 100:+.0f}%), highest in "
                               f"{_MONTH_NAMES[hi]} ({(factor[hi] - 1) * 100:+.0f}%).", weekday)


def default_reference(h: History) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The most recent contiguous observed stretch, at most a year, ending at the extract date."""
    end = h.days[-1]
    unobserved = np.flatnonzero(~h.observed)
    first = unobserved[-1] + 1 if len(unobserved) else 0
    first = max(first, len(h.days) - DEFAULT_REFERENCE_DAYS)
    return h.days[first], end


def reference_mask(h: History, start: dt.date | pd.Timestamp | None, end: dt.date | pd.Timestamp | None,
                   exclude: list[tuple[pd.Timestamp, pd.Timestamp]] = ()) -> np.ndarray:
    """Observed days in [start, end] (defaults: the default reference window) outside the excluded periods."""
    d0, d1 = default_reference(h)
    if start is None and end is None:
        a, b = d0, d1
    else:
        a = pd.Timestamp(start) if start is not None else h.days[0]
        b = pd.Timestamp(end) if end is not None else h.days[-1]
    mask = h.observed & day_mask(h.days, [(a, b)])
    for xa, xb in exclude:
        mask &= ~day_mask(h.days, [(pd.Timestamp(xa), pd.Timestamp(xb))])
    return mask


#: Whole weeks on each side of a week whose counts give its local level (see :func:`dispersion`).
LOCAL_LEVEL_WEEKS = 2


def dispersion(h: History, expected_per_day: np.ndarray, use: np.ndarray | None = None) -> float:
    """Over-dispersion of weekly referral counts: variance ÷ mean (at least 1, Poisson).

    Over whole observed weeks (ending at the extract date) whose days are all in ``use`` (per day; leave out
    declared shocks and their returns), each week's count is compared with its local level: the referrals of
    up to :data:`LOCAL_LEVEL_WEEKS` usable weeks on each side, scaled by the expected pattern
    (``expected_per_day``: seasons and days of the week). A change of level (a new normal, a trend, a shock) so
    moves the comparison with it and is not taken for chance; slow drift is allowed for separately.
    ``φ = mean((o − ô)² ÷ (ô × (1 + e ÷ Σ e_neighbours)))``, the last term allowing for the noise in ``ô``.
    """
    n = len(h.days)
    n_weeks = n // 7
    if n_weeks < 3:
        return 1.0
    sl = slice(n - 7 * n_weeks, n)
    ok_day = h.observed[sl] if use is None else h.observed[sl] & np.asarray(use, dtype=bool)[sl]
    o = h.total[sl].reshape(n_weeks, 7).sum(axis=1)
    e = expected_per_day[sl].reshape(n_weeks, 7).sum(axis=1)
    ok = ok_day.reshape(n_weeks, 7).all(axis=1) & (e > 0)
    k = LOCAL_LEVEL_WEEKS
    pad = np.zeros(k)
    o_p, e_p = np.concatenate([pad, np.where(ok, o, 0.0), pad]), np.concatenate([pad, np.where(ok, e, 0.0), pad])
    o_near = sum(o_p[k + j:k + j + n_weeks] for j in range(-k, k + 1) if j)
    e_near = sum(e_p[k + j:k + j + n_weeks] for j in range(-k, k + 1) if j)
    keep = ok & (e_near > 0) & (o_near > 0)
    if keep.sum() < 3:
        return 1.0
    fitted = e[keep] * o_near[keep] / e_near[keep]
    chi = (o[keep] - fitted) ** 2 / (fitted * (1.0 + e[keep] / e_near[keep]))
    return float(np.clip(chi.mean(), 1.0, 50.0))


@dataclass(frozen=True)
class Baseline:
    """The usual number of referrals per week (seasonally adjusted), with its standard error.

    ``mix`` is the share of each source group (SOURCE_GROUP_ORDER) over the reference days.
    """

    per_week: float
    se_per_week: float
    referrals: int
    days: int
    start: pd.Timestamp
    end: pd.Timestamp
    mix: np.ndarray
    explanation: str


def fit_baseline(h: History, season: Seasonality, mask: np.ndarray, phi: float,
                 multiplier: np.ndarray | None = None) -> Baseline:
    """Referrals per week over the reference days: 7 × referrals ÷ (seasonal factor × multiplier summed over
    the days). ``multiplier`` (per day) removes a known change such as a new normal already under way.

    Standard error: sqrt(dispersion × referrals) on the same scale (the count is over-dispersed Poisson).
    """
    weight = season.factor(h.days)
    if multiplier is not None:
        weight = weight * multiplier
    denom = float(weight[mask].sum())
    total = float(h.total[mask].sum())
    n_days = int(mask.sum())
    if n_days == 0 or denom <= 0:
        raise ValueError("no reference days")
    per_week = 7.0 * total / denom
    se = 7.0 * np.sqrt(phi * max(total, 1.0)) / denom
    mix_counts = h.counts[mask].sum(axis=0)
    mix = mix_counts / mix_counts.sum() if mix_counts.sum() > 0 else np.full(len(mix_counts), 1 / len(mix_counts))
    days = h.days[mask]
    a, b = days[0], days[-1]
    lo, hi = per_week - Z80 * se, per_week + Z80 * se
    text = (f"Usually {per_week:,.0f} referrals a week (80% interval {lo:,.0f} to {hi:,.0f}), based on "
            f"{int(total):,} referrals from {day_label(a)} to {day_label(b)}"
            + (" (seasonally adjusted)." if season.by_month is not None else "."))
    if n_days < (b - a).days + 1:
        text = text[:-1] + f", {n_days:,} days used."
    return Baseline(per_week=per_week, se_per_week=se, referrals=int(total), days=n_days, start=a, end=b, mix=mix,
                    explanation=text)




@dataclass(frozen=True)
class Trend:
    """The observed steady change in referrals (% a year) with an 80% interval, or None without a year of data.

    Information only: the forecast uses a trend only when the scenario sets ``trend_pct_per_year``.
    """

    pct_per_year: float | None
    low: float | None
    high: float | None
    explanation: str


def fit_trend(h: History, season: Seasonality, phi: float) -> Trend:
    """Log-linear fit of seasonally adjusted weekly referrals on time (whole observed weeks, weighted by their
    counts), when the observed weeks span at least a year; the standard error allows for over-dispersion."""
    n = len(h.days)
    n_weeks = n // 7
    sl = slice(n - 7 * n_weeks, n)
    obs = h.total[sl].reshape(n_weeks, 7).sum(axis=1)
    exp = season.factor(h.days[sl]).reshape(n_weeks, 7).sum(axis=1)
    full = h.observed[sl].reshape(n_weeks, 7).all(axis=1) & (obs > 0)
    t = (np.arange(n_weeks) - n_weeks + 1) / (365.25 / 7)
    if full.sum() < 52 or t[full].max() - t[full].min() < 0.99:
        return Trend(None, None, None, "No trend is estimated: that needs a year of referrals. The forecast uses "
                                       "none unless the scenario sets one.")
    return _log_linear_trend(np.log(obs[full] / exp[full]), t[full], obs[full], phi, "over the data")


def _log_linear_trend(y: np.ndarray, x_years: np.ndarray, w: np.ndarray, phi: float, span: str) -> Trend:
    """The weighted least-squares slope of log referrals ``y`` on time ``x_years`` (weights: the counts), as a %
    a year with an 80% interval (standard error sqrt(dispersion ÷ Σ w (x − x̄)²)), and its sentence."""
    xm = np.sum(w * x_years) / w.sum()
    ym = np.sum(w * y) / w.sum()
    sxx = np.sum(w * (x_years - xm) ** 2)
    slope = np.sum(w * (x_years - xm) * (y - ym)) / sxx
    se = np.sqrt(phi / sxx)
    pct, lo, hi = ((np.exp(v) - 1) * 100 for v in (slope, slope - Z80 * se, slope + Z80 * se))
    word = "risen" if pct > 0 else "fallen"
    return Trend(float(pct), float(lo), float(hi),
                 f"Referrals have {word} by {abs(pct):.1f}% a year {span} (80% interval {lo:+.1f}% to "
                 f"{hi:+.1f}%), after allowing for the seasons; the forecast uses no trend unless the scenario sets "
                 "one (trend_pct_per_year).")


def fit_monthly_trend(referrals_by_month: pd.Series, season: Seasonality, phi: float,
                      source: str = "monthly figures") -> Trend | None:
    """The steady change in referrals from monthly figures (index: month starts): a log-linear fit of each
    month's referrals per day, seasonally adjusted by ``season``, on time, weighted by the counts, over the
    last five years at most, with the months found as extremes (a lockdown, referrals coming back after one:
    :func:`_seasonal_ratios`) left out; None with under two years of months. Information only, as
    :func:`fit_trend`."""
    s = pd.to_numeric(referrals_by_month, errors="coerce").dropna()
    s = s[s > 0]
    if len(s) < 24:
        return None
    months = pd.DatetimeIndex(s.index).to_period("M")
    full = pd.period_range(max(months.min(), months.max() - 59), months.max(), freq="M")
    counts = pd.Series(s.to_numpy(dtype=float), index=months).reindex(full).to_numpy()
    cal = np.asarray(full.month) - 1
    factor = season.by_month[cal] if season.by_month is not None else np.ones(len(full))
    per_day = counts / np.asarray(full.days_in_month, dtype=float)
    rate = per_day / factor
    _, usual = _seasonal_ratios(per_day, cal)
    use = np.isfinite(rate) & usual
    if use.sum() < 24:
        return None
    x = (np.arange(len(full)) - len(full) + 1) / 12.0
    first, last = full[use][0].start_time, full[use][-1].start_time
    return _log_linear_trend(np.log(rate[use]), x[use], counts[use], phi,
                             f"from {first:%b %Y} to {last:%b %Y}, over {int(use.sum())} months of the {source}")
