"""How long plans and periods of care last: Kaplan–Meier with left truncation and right censoring.

Annex A Lists 7 and 8 hold only plans (periods of care) that were still open at some time inside an
observed window, so a plan that started before the window is seen only because it lasted until the window
began: it is LEFT-TRUNCATED and enters the risk set at ``entry = first observed day on or after its start``
(for one extract: ``max(start, window_start)``). Plans still open at the extract date are RIGHT-CENSORED
there. Ignoring the truncation would count the long-running plans as if they were typical, and durations
would come out too long.

Ending at the 18th birthday is not treated as an exit event: the projection ends every plan at the 18th
birthday exactly, so plans that ended within a month of it are censored here (otherwise the hazard of
16–17-year-olds would count ageing out twice).

Beyond the observed durations the curve is extended with a constant hazard fitted (events ÷ time at risk) to
the last part of the data: durations beyond the 80th percentile of the observed (truncated) durations.

All durations are in weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.model.timegrid import DAYS_PER_YEAR, WEEKS_PER_YEAR
from csc_demand.tables import AGE_BAND_LABELS

#: The survival curves are tabulated weekly up to this many weeks (20 years); beyond, the tail hazard.
GRID_WEEKS = 1044
#: Weeks of expected survivors kept for the open cohort and the new-start kernel (60 months and a margin).
HORIZON_WEEKS = 266
#: Age at the 18th birthday in weeks.
AGE_OUT_WEEKS = 18 * WEEKS_PER_YEAR
#: Ages (years) where the age bands change: Under 1, 1 to 4, 5 to 9, 10 to 15, 16 to 17.
BAND_EDGES_YEARS = np.array([1.0, 5.0, 10.0, 16.0])
#: Fewer exits than this in an age band: use the curve of all ages for that band.
MIN_EVENTS_PER_BAND = 30
TAIL_QUANTILE = 0.8


def kaplan_meier(entry_weeks: np.ndarray, exit_weeks: np.ndarray,
                 event: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier estimate with left truncation.

    Each plan is at risk at duration ``t`` (weeks since its start) when ``entry < t <= exit``; ``event`` is
    True when the plan ended at ``exit`` (False: censored). Returns ``(times, survival, at_risk, events)``
    at the distinct event times; ``survival[i]`` is S just after ``times[i]``.
    """
    entry = np.asarray(entry_weeks, dtype=float)
    exit_ = np.asarray(exit_weeks, dtype=float)
    ev = np.asarray(event, dtype=bool)
    ok = exit_ > entry
    entry, exit_, ev = entry[ok], exit_[ok], ev[ok]
    times, d = np.unique(exit_[ev], return_counts=True)
    if len(times) == 0:
        return times, np.ones(0), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    entered = np.searchsorted(np.sort(entry), times, side="left")   # entry < t
    exited = np.searchsorted(np.sort(exit_), times, side="left")    # exit < t
    at_risk = entered - exited
    surv = np.cumprod(1.0 - d / at_risk)
    return times, surv, at_risk, d


@dataclass(frozen=True)
class Survival:
    """A survival curve S(t) (share of plans still open t weeks after starting), tabulated weekly.

    ``values[w]`` is S at week ``w`` for w = 0..GRID_WEEKS; after ``tail_from_weeks`` it is the constant
    hazard ``tail_hazard_per_week``. ``events`` exits and ``plans`` plans were used.
    """

    values: np.ndarray = field(repr=False)
    tail_from_weeks: float
    tail_hazard_per_week: float
    events: int
    plans: int

    def at(self, weeks: np.ndarray | float) -> np.ndarray:
        """S at any durations in weeks (linear interpolation; the tail hazard beyond the table)."""
        t = np.asarray(weeks, dtype=float)
        tc = np.clip(t, 0.0, GRID_WEEKS)
        i = np.minimum(np.floor(tc).astype(int), GRID_WEEKS - 1)
        f = tc - i
        out = self.values[i] * (1 - f) + self.values[i + 1] * f
        beyond = t > GRID_WEEKS
        if np.any(beyond):
            out = np.where(beyond, self.values[-1] * np.exp(-self.tail_hazard_per_week * (t - GRID_WEEKS)), out)
        return out

    @property
    def median_weeks(self) -> float:
        """The duration by which half the plans have ended (weeks)."""
        below = np.flatnonzero(self.values <= 0.5)
        if len(below) == 0:
            return float(GRID_WEEKS + np.log(2 * self.values[-1]) / max(self.tail_hazard_per_week, 1e-12))
        w = below[0]
        if w == 0:
            return 0.0
        a, b = self.values[w - 1], self.values[w]
        return float(w - 1 + (a - 0.5) / (a - b) if a != b else w)

    def scaled(self, theta: float) -> Survival:
        """Proportional hazards: S(t)^theta (theta > 1 shortens durations)."""
        if theta == 1.0:
            return self
        return Survival(values=self.values ** theta, tail_from_weeks=self.tail_from_weeks,
                        tail_hazard_per_week=self.tail_hazard_per_week * theta, events=self.events,
                        plans=self.plans)

    def theta_for_median(self, median_weeks: float) -> float:
        """The hazard multiplier that makes the median ``median_weeks`` (between 0.05 and 20)."""
        s = float(self.at(median_weeks))
        if s >= 1.0 - 1e-12:
            return 20.0
        return float(np.clip(np.log(0.5) / np.log(max(s, 1e-300)), 0.05, 20.0))


def fit_survival(entry_weeks: np.ndarray, exit_weeks: np.ndarray, event: np.ndarray) -> Survival:
    """Kaplan–Meier (left-truncated, right-censored) tabulated weekly, with a constant-hazard tail.

    The tail starts at the 80th percentile of the observed exit durations (or the last exit, if earlier);
    its hazard is the exits after that point divided by the weeks at risk after it (half an exit when none
    was seen, so the tail is never flat).
    """
    entry = np.asarray(entry_weeks, dtype=float)
    exit_ = np.asarray(exit_weeks, dtype=float)
    ev = np.asarray(event, dtype=bool)
    ok = exit_ > entry
    entry, exit_, ev = entry[ok], exit_[ok], ev[ok]
    times, surv, _, _ = kaplan_meier(entry, exit_, ev)
    n_events = int(ev.sum())
    grid = np.arange(GRID_WEEKS + 1, dtype=float)
    if len(exit_) == 0:
        hazard = 1.0 / 52.0
        return Survival(values=np.exp(-hazard * grid), tail_from_weeks=0.0, tail_hazard_per_week=hazard,
                        events=0, plans=0)
    tail_from = float(np.quantile(exit_, TAIL_QUANTILE))
    if len(times):
        tail_from = min(tail_from, float(times[-1]))
    exposure_tail = float(np.clip(exit_ - np.maximum(entry, tail_from), 0, None).sum())
    events_tail = int((ev & (exit_ > tail_from)).sum())
    if exposure_tail <= 0:
        exposure_tail = float((exit_ - entry).sum())
        events_tail = n_events
    hazard = max(events_tail, 0.5) / max(exposure_tail, 1e-9)
    idx = np.searchsorted(times, grid, side="right") - 1
    km = np.where(idx >= 0, surv[np.maximum(idx, 0)] if len(surv) else 1.0, 1.0)
    s_tail = float(km[min(int(np.floor(tail_from)), GRID_WEEKS)]) if len(surv) else 1.0
    s_at_tail = np.interp(tail_from, grid, km)
    s_at_tail = max(float(s_at_tail), 1e-9) if s_tail > 0 else 1e-9
    values = np.where(grid <= tail_from, km, s_at_tail * np.exp(-hazard * (grid - tail_from)))
    values = np.maximum(values, 1e-12)
    values = np.minimum.accumulate(values)
    return Survival(values=values, tail_from_weeks=tail_from, tail_hazard_per_week=hazard, events=n_events,
                    plans=len(exit_))


# --- plans/periods from a clean table ----------------------------------------------------------------------

@dataclass(frozen=True)
class Episodes:
    """Plans or periods of care as arrays (weeks and bands), ready for the estimators.

    ``entry_weeks``/``exit_weeks``: time at risk since the start; ``event``: ended (not at 18, not censored);
    ``band``: age band index at the start (-1 unknown); ``age_at_start_weeks`` (NaN unknown);
    ``open_at_extract``: in the cohort still open on the extract date; ``start``: start dates.

    ``seg_*``: the time at risk the estimators use, one segment per plan and observed window it was seen in
    (:func:`at_risk_segments`): ``seg_plan`` (index of the plan), ``seg_entry_weeks``/``seg_exit_weeks`` (since
    the plan's start) and ``seg_event`` (it ended in that segment).
    """

    entry_weeks: np.ndarray
    exit_weeks: np.ndarray
    event: np.ndarray
    band: np.ndarray
    age_at_start_weeks: np.ndarray
    open_at_extract: np.ndarray
    start: np.ndarray
    seg_plan: np.ndarray
    seg_entry_weeks: np.ndarray
    seg_exit_weeks: np.ndarray
    seg_event: np.ndarray


def age_weeks_at(table: pd.DataFrame, when: pd.Series | pd.Timestamp, extract_date: pd.Timestamp) -> np.ndarray:
    """Age in weeks on the given date(s), from ``birth_month`` (taken as the 15th), else from ``age_years``
    at the row's extract date (taken as the middle of that year of age); NaN when neither is known."""
    n = len(table)
    when_v = pd.to_datetime(pd.Series(when, index=table.index) if not isinstance(when, pd.Series) else when)
    out = np.full(n, np.nan)
    if "birth_month" in table:
        bm = pd.to_datetime(table["birth_month"])
        out = ((when_v - bm).dt.days.to_numpy(dtype=float, na_value=np.nan) - 14.0) / 7.0
    if "age_years" in table:
        ay = pd.to_numeric(table["age_years"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ref = pd.to_datetime(table["extract_date"]) if "extract_date" in table else pd.Series(extract_date,
                                                                                               index=table.index)
        ref = ref.fillna(extract_date)
        back = (ref - when_v).dt.days.to_numpy(dtype=float, na_value=np.nan)
        alt = ((np.maximum(ay, -0.5) + 0.5) * DAYS_PER_YEAR - back) / 7.0
        out = np.where(np.isnan(out), alt, out)
    return out


def band_index(age_weeks: np.ndarray) -> np.ndarray:
    """Age band index (0 = Under 1 … 4 = 16 to 17; unborn → 0; 18+ → 4; unknown → -1)."""
    years = np.asarray(age_weeks, dtype=float) / WEEKS_PER_YEAR
    idx = np.searchsorted(BAND_EDGES_YEARS, years, side="right")
    return np.where(np.isnan(years), -1, idx).astype(int)


def episodes(table: pd.DataFrame, intervals: list[tuple[pd.Timestamp, pd.Timestamp]],
             extract_date: pd.Timestamp) -> Episodes:
    """Turn a clean plans/periods table into truncated, censored durations (weeks) and age bands.

    Entry is the first observed day on or after the start (so a start inside a window enters at 0); each row
    is censored at its own extract date (column ``extract_date``, else the newest extract).
    """
    start = pd.to_datetime(table["start_date"]).to_numpy()
    end = pd.to_datetime(table["end_date"]).to_numpy()
    if "extract_date" in table:
        cens = pd.to_datetime(table["extract_date"]).fillna(extract_date).to_numpy()
    else:
        cens = np.full(len(table), np.datetime64(extract_date))
    # the first observed day on or after the start
    starts_iv = np.array([np.datetime64(a) for a, _ in intervals])
    ends_iv = np.array([np.datetime64(b) for _, b in intervals])
    k = np.searchsorted(ends_iv, start, side="left")          # first interval ending on/after start
    k_c = np.minimum(k, len(intervals) - 1)
    first_obs = np.where(k < len(intervals), np.maximum(start, starts_iv[k_c]), start)
    day = np.timedelta64(1, "D")
    entry_days = (first_obs - start) / day
    has_end = ~np.isnat(end) & (end <= cens)
    exit_date = np.where(has_end, end, cens)
    exit_days = (exit_date - start) / day
    age_start = age_weeks_at(table, pd.Series(start, index=table.index), extract_date)
    age_end = age_start + exit_days / 7.0
    aged_out = has_end & (age_end >= AGE_OUT_WEEKS - 31 / 7.0)
    event = has_end & ~aged_out
    row_e = cens
    open_at = (~has_end | (end > np.datetime64(extract_date))) & (row_e == np.datetime64(extract_date)) & \
        (start <= np.datetime64(extract_date))
    # a plan that starts and ends on the same day lasts half a day
    exit_weeks = np.maximum(exit_days, 0.5) / 7.0
    seg_plan, seg_entry, seg_exit, seg_event = at_risk_segments(start, exit_date, event, starts_iv, ends_iv)
    return Episodes(entry_weeks=entry_days / 7.0, exit_weeks=exit_weeks, event=event,
                    band=band_index(age_start), age_at_start_weeks=age_start, open_at_extract=open_at,
                    start=start, seg_plan=seg_plan, seg_entry_weeks=seg_entry, seg_exit_weeks=seg_exit,
                    seg_event=seg_event)


def at_risk_segments(start: np.ndarray, exit_date: np.ndarray, event: np.ndarray, window_starts: np.ndarray,
                     window_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One at-risk segment per plan and observed window it is seen in (see :class:`Episodes`).

    Parameters
    ----------
    start, exit_date, event
        Per plan: start date, the date it ended or was last seen (its own extract date), and whether it ended
        then (True) or was censored.
    window_starts, window_ends
        The observed windows (inclusive dates, oldest first, disjoint).

    Returns
    -------
    tuple of numpy.ndarray
        (plan index, entry weeks, exit weeks, ended) per segment: a plan re-enters the risk set at each
        window's start (or its own start, if later) and leaves at the window's end or at its exit, whichever
        is first; it ends in the segment whose window holds its exit. Between windows nothing is seen, so no
        plan is at risk there: a plan that ended in a gap is censored at the end of the window before, as are
        those that lasted through it, and the estimate does not depend on which.
    """
    day = np.timedelta64(1, "D")
    a, b = window_starts[None, :], window_ends[None, :]
    s, x = start[:, None], exit_date[:, None]
    seg_in = np.maximum(s, a)
    seg_out = np.minimum(x, b)
    seen = (s <= b) & (x >= a) & (seg_out >= seg_in)
    ended = event[:, None] & (x >= a) & (x <= b)
    plan, _ = np.nonzero(seen)
    entry = (seg_in - s)[seen] / day
    exit_ = np.maximum((seg_out - s)[seen] / day, 0.5)
    return plan, entry / 7.0, exit_ / 7.0, ended[seen]


@dataclass(frozen=True)
class DurationEstimate:
    """Survival curves for one kind of plan: all ages, and by age band at the start (pooled when few exits).

    ``cohort_*`` hold the plans open on the extract date (duration so far, age now, band at start): used to
    project who is still open; ``kernel_*`` the expected share of a new start still open u weeks later.
    """

    pooled: Survival
    by_band: tuple[Survival, ...]
    band_pooled: tuple[bool, ...]
    hazard_se_log: float
    explanation: str
    cohort_duration_weeks: np.ndarray = field(repr=False)
    cohort_age_weeks: np.ndarray = field(repr=False)
    cohort_band: np.ndarray = field(repr=False)
    start_age_weeks: np.ndarray = field(repr=False)
    start_band: np.ndarray = field(repr=False)

    def curve(self, band: int) -> Survival:
        return self.pooled if band < 0 else self.by_band[band]

    @property
    def median_weeks(self) -> float:
        return self.pooled.median_weeks


def fit_durations(ep: Episodes, what: str) -> DurationEstimate:
    """Fit the curves (all ages and by band) and gather the open cohort and the start ages."""
    pooled = fit_survival(ep.seg_entry_weeks, ep.seg_exit_weeks, ep.seg_event)
    seg_band = ep.band[ep.seg_plan]
    n_plans = len(np.unique(ep.seg_plan))
    by_band, pooled_flags = [], []
    for b in range(len(AGE_BAND_LABELS)):
        m = seg_band == b
        if int((ep.seg_event & m).sum()) >= MIN_EVENTS_PER_BAND:
            by_band.append(fit_survival(ep.seg_entry_weeks[m], ep.seg_exit_weeks[m], ep.seg_event[m]))
            pooled_flags.append(False)
        else:
            by_band.append(pooled)
            pooled_flags.append(True)
    n_open = int(ep.open_at_extract.sum())
    med = pooled.median_weeks
    bands_own = [AGE_BAND_LABELS[b] for b, p in enumerate(pooled_flags) if not p]
    if pooled.events == 0:
        text = (f"No {what} ended in the data, so their length cannot be estimated: an average hazard of one "
                "exit a year is assumed. Load more history or set the median duration in the scenario.")
    else:
        text = (f"Half of all {what} end within {_fmt_weeks(med)} (Kaplan–Meier on {n_plans:,} {what}, "
                f"{pooled.events:,} of which ended in the observed period, counting only the time each was "
                f"observable); {n_open:,} were open on the extract date.")
        text += (f" Separate curves for: {', '.join(bands_own)}; other ages use the curve for all ages."
                 if bands_own else " Too few ended to estimate by age band: one curve for all ages.")
    return DurationEstimate(
        pooled=pooled, by_band=tuple(by_band), band_pooled=tuple(pooled_flags),
        hazard_se_log=1.0 / np.sqrt(max(pooled.events, 1)), explanation=text,
        cohort_duration_weeks=(ep.exit_weeks[ep.open_at_extract]),
        cohort_age_weeks=(ep.age_at_start_weeks + ep.exit_weeks)[ep.open_at_extract],
        cohort_band=ep.band[ep.open_at_extract],
        start_age_weeks=ep.age_at_start_weeks, start_band=ep.band,
    )


def _fmt_weeks(w: float) -> str:
    if w < 13:
        return f"{w:.0f} weeks"
    if w < 104:
        return f"{w / WEEKS_PER_YEAR * 12:.0f} months"
    return f"{w / WEEKS_PER_YEAR:.1f} years"


def _survival_matrix(d: DurationEstimate, durations: np.ndarray, band: np.ndarray, offsets: np.ndarray,
                     theta: float) -> np.ndarray:
    """S_band(durations + offsets) for each plan (rows) and offset (columns), curves scaled by theta."""
    out = np.empty((len(durations), len(offsets)))
    for b in np.unique(band):
        m = band == b
        out[m] = d.curve(int(b)).scaled(theta).at(durations[m, None] + offsets[None, :])
    return out


def _cohort_matrix(d: DurationEstimate, weeks: int, theta: float) -> np.ndarray:
    """Each plan open on the extract date: its expected share still open at week ends 0..weeks (plans ×
    weeks+1; week 0 is 1): :func:`survival_given_open` over the weeks ahead."""
    t = np.arange(weeks + 1, dtype=float)
    s = survival_given_open(d, d.cohort_duration_weeks, d.cohort_age_weeks, d.cohort_band, t, theta)
    s[:, 0] = 1.0
    return s


def cohort_survivors(d: DurationEstimate, weeks: int = HORIZON_WEEKS, theta: float = 1.0) -> tuple[np.ndarray,
                                                                                                        np.ndarray]:
    """Expected number of the plans open on the extract date still open at week ends 0..weeks.

    Each plan survives by its band's curve GIVEN how long it has already been open, and ends at the 18th
    birthday. Returns (total (weeks+1,), by current age band (weeks+1, bands)); week 0 is the count open.
    """
    n_bands = len(AGE_BAND_LABELS)
    if len(d.cohort_duration_weeks) == 0:
        return np.zeros(weeks + 1), np.zeros((weeks + 1, n_bands))
    s = _cohort_matrix(d, weeks, theta)
    age = d.cohort_age_weeks
    known = ~np.isnan(age)
    age_t = np.where(known[:, None], age[:, None] + np.arange(weeks + 1)[None, :], 0.0)
    cur_band = np.where(known[:, None], band_index(age_t), -1)
    return s.sum(axis=0), _by_band(s, cur_band, d.cohort_band, n_bands)


def cohort_total(d: DurationEstimate, weeks: int = HORIZON_WEEKS, theta: float = 1.0) -> np.ndarray:
    """The total of :func:`cohort_survivors` alone (weeks+1,), without the work of the age bands."""
    return _cohort_matrix(d, weeks, theta).sum(axis=0)


def _by_band(s: np.ndarray, cur_band: np.ndarray, start_band: np.ndarray, n_bands: int) -> np.ndarray:
    """Sum survivors by current band; unknown ages count in their start band (or spread evenly if unknown)."""
    cb = np.where(cur_band < 0, start_band[:, None], cur_band)
    cb = np.where(cb < 0, n_bands, cb)                              # unknown: a last, spread-out column
    weeks = s.shape[1]
    idx = cb * weeks + np.arange(weeks)[None, :]
    sums = np.bincount(idx.ravel(), weights=s.ravel(), minlength=(n_bands + 1) * weeks).reshape(n_bands + 1, weeks)
    return (sums[:n_bands] + sums[n_bands] / n_bands).T


def start_kernel(d: DurationEstimate, starts_mask: np.ndarray | None = None, weeks: int = HORIZON_WEEKS,
                 theta: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected share of a new start still open at the end of the u-th week after its start week (u = 0..).

    Mixes over the ages at start of the observed starts (``starts_mask`` selects them), each by its band's
    curve, half a week in on average at the end of its first week, and ends every plan at the 18th birthday.
    Returns (kernel (weeks+1,), kernel by current age band (weeks+1, bands), start band shares (bands,)).
    """
    n_bands = len(AGE_BAND_LABELS)
    age = d.start_age_weeks if starts_mask is None else d.start_age_weeks[starts_mask]
    band = d.start_band if starts_mask is None else d.start_band[starts_mask]
    if len(age) == 0:
        t = np.arange(weeks + 1) + 0.5
        k = d.pooled.scaled(theta).at(t)
        return k, np.tile(k[:, None] / n_bands, (1, n_bands)), np.full(n_bands, 1.0 / n_bands)
    u = np.arange(weeks + 1, dtype=float) + 0.5
    # Every start in a band follows the band's curve from 0, so only how many of them are in each current age
    # band (and still under 18) at each week matters: counts from the sorted ages, never a starts × weeks matrix.
    upper = np.r_[BAND_EDGES_YEARS * WEEKS_PER_YEAR, np.inf]       # current band c: ages below upper[c] ...
    lower = np.r_[-np.inf, upper[:-1]]                             # ... and at or above lower[c]
    known = ~np.isnan(age)
    under_18 = AGE_OUT_WEEKS - u
    by_band = np.zeros((weeks + 1, n_bands))
    for b in np.unique(band):
        s = d.curve(int(b)).scaled(theta).at(u)
        ages = np.sort(age[(band == b) & known])
        for c in range(n_bands):
            n_in = (np.searchsorted(ages, np.minimum(upper[c] - u, under_18), side="left")
                    - np.searchsorted(ages, lower[c] - u, side="left"))
            by_band[:, c] += s * np.maximum(n_in, 0)
        unknown_age = int(((band == b) & ~known).sum())    # never age out; counted in the start band
        if unknown_age and b >= 0:
            by_band[:, b] += s * unknown_age
        elif unknown_age:
            by_band += (s * unknown_age / n_bands)[:, None]
    by_band /= len(age)
    shares = np.bincount(np.where(band < 0, n_bands, band), minlength=n_bands + 1).astype(float)
    shares = shares[:n_bands] + shares[n_bands] / n_bands
    return by_band.sum(axis=1), by_band, shares / shares.sum()


def survival_given_open(d: DurationEstimate, duration_weeks: np.ndarray, age_weeks: np.ndarray,
                        start_band: np.ndarray, offsets_weeks: np.ndarray, theta: float = 1.0) -> np.ndarray:
    """Expected share of each plan still open ``offsets_weeks`` later, given how long it has already been open.

    Parameters
    ----------
    d
        The duration curves (by age band at the start; band -1 uses the curve for all ages).
    duration_weeks
        How long each plan has been open so far (weeks; 0 for a plan starting now), shape (plans,).
    age_weeks
        Each plan's age now (weeks; NaN when unknown: then it never ends at the 18th birthday), shape (plans,).
    start_band
        Age band index at each plan's start (-1 unknown), shape (plans,).
    offsets_weeks
        Times ahead (weeks, any non-negative values), shape (offsets,).
    theta
        Hazard multiplier applied to the curves (proportional hazards).

    Returns
    -------
    np.ndarray
        (plans, offsets): ``S(duration + offset) / S(duration)`` by the plan's curve, and 0 from its 18th birthday
        on (at offsets above 0); a share between 0 and 1.
    """
    dur = np.asarray(duration_weeks, dtype=float)
    off = np.asarray(offsets_weeks, dtype=float)
    if len(dur) == 0:
        return np.zeros((0, len(off)))
    band = np.asarray(start_band, dtype=int)
    s_now = _survival_matrix(d, dur, band, np.zeros(1), theta)[:, 0]
    s = np.minimum(_survival_matrix(d, dur, band, off, theta) / np.maximum(s_now, 1e-300)[:, None], 1.0)
    age = np.asarray(age_weeks, dtype=float)
    aged_out = (~np.isnan(age))[:, None] & (off[None, :] > 0) & (age[:, None] + off[None, :] >= AGE_OUT_WEEKS)
    return np.where(aged_out, 0.0, s)
