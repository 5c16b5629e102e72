"""Estimation: everything the projection needs that depends only on the data, computed once per data load.

:func:`estimate` turns an :class:`~csc_demand.tables.AnnexA` into :class:`Estimates`: the referral history and
baseline, seasonality, conversions (with lags), durations (left-truncated Kaplan–Meier by age band), the
cohort open on the extract date and how it will leave, the placement mix. Each estimate carries its
uncertainty and a plain-English sentence (:meth:`Estimates.explain`). Nothing here is child-level in
output: the small per-plan arrays kept for the projection are never printed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.actuals import actuals, care_periods, open_at
from csc_demand.model.anchor import (
    STOCK_GAP_SD,
    STOCK_REVERSION,
    Anchor,
    fit_anchor,
    flow_balance,
    own_level,
)
from csc_demand.model.baseline import (
    Baseline,
    History,
    Seasonality,
    Trend,
    dispersion,
    fit_baseline,
    fit_monthly_seasonality,
    fit_monthly_trend,
    fit_seasonality,
    fit_trend,
    reference_mask,
    referral_history,
)
from csc_demand.model.conversion import (
    LAG_WEEKS,
    Conversion,
    fit_conversion,
    fit_episode_conversion,
    with_earlier_starts,
)
from csc_demand.model.durations import (
    DurationEstimate,
    band_index,
    cohort_survivors,
    episodes,
    fit_durations,
    start_kernel,
)
from csc_demand.model.timegrid import day_mask, observed_intervals
from csc_demand.model.window_fit import ObservedWindow, observed_window, window_fit
from csc_demand.tables import (
    AGE_BAND_LABELS,
    PLACEMENT_GROUP_ORDER,
    PLACEMENT_GROUPS,
    AnnexA,
    MonthlyHistory,
    day_label,
    merge_spans,
)


@dataclass(frozen=True)
class Flow:
    """One kind of plan (child protection) or care: conversion, durations, the open cohort and new starts.

    ``cohort_expected[t]``: expected number of those open on the extract date still open at week end t
    (t = 0 is the number open); ``kernel[u]``: expected share of a new start still open at the end of the
    u-th week after its start week; ``*_by_band``: the same by the child's CURRENT age band;
    ``start_band_shares``: age band at start of new starts.
    """

    conversion: Conversion
    durations: DurationEstimate
    open_now: int
    cohort_expected: np.ndarray = field(repr=False)
    cohort_by_band: np.ndarray = field(repr=False)
    kernel: np.ndarray = field(repr=False)
    kernel_by_band: np.ndarray = field(repr=False)
    start_band_shares: np.ndarray = field(repr=False)
    starts_mask: np.ndarray = field(repr=False)
    anchor: Anchor = field(default_factory=Anchor)


@dataclass(frozen=True)
class Estimates:
    """All data-dependent inputs of the projection. See :func:`estimate`."""

    extract_date: pd.Timestamp
    intervals: tuple[tuple[pd.Timestamp, pd.Timestamp], ...]
    history: History
    seasonality: Seasonality
    dispersion: float
    baseline: Baseline
    referral_age_shares: np.ndarray
    recent_weekly_referrals: np.ndarray = field(repr=False)
    cp: Flow = field(repr=False)
    cla: Flow = field(repr=False)
    placement_mix: np.ndarray = field(repr=False)
    actuals: pd.DataFrame = field(repr=False)
    trend: Trend | None = None
    notes: tuple[str, ...] = ()
    window: ObservedWindow | None = field(default=None, repr=False)
    #: Children in need (List 6), when read: every child with an open episode, on a plan or in care included.
    cin: Flow | None = field(default=None, repr=False)
    #: The model against the actual stocks over the latest window (:func:`~csc_demand.model.window_fit`),
    #: computed once here: the same for every scenario.
    fit: pd.DataFrame | None = field(default=None, repr=False)
    #: The monthly figures given as history (``--history``), if any.
    monthly: MonthlyHistory | None = field(default=None, repr=False)

    @property
    def flows(self) -> dict[str, Flow]:
        """The flows forecast, by key: ``cp``, ``cla`` and, when List 6 was read, ``cin``."""
        out = {"cp": self.cp, "cla": self.cla}
        if self.cin is not None:
            out["cin"] = self.cin
        return out

    def explain(self) -> list[str]:
        """Every estimate as a plain-English sentence, for reports and the app."""
        out = [self.baseline.explanation, self.seasonality.explanation]
        if self.trend is not None:
            out.append(self.trend.explanation)
        if self.dispersion > 1.05:
            out.append(f"Weekly referral counts vary {self.dispersion:.1f} times as much as pure chance would "
                       "give; the intervals allow for that.")
        out += [self.cp.conversion.explanation, self.cp.conversion.lag_explanation, self.cp.durations.explanation,
                self.cp.anchor.explanation, self.cla.conversion.explanation, self.cla.conversion.lag_explanation,
                self.cla.durations.explanation, self.cla.anchor.explanation]
        if self.cin is not None:
            out += [self.cin.conversion.explanation, self.cin.durations.explanation, self.cin.anchor.explanation]
        out += list(self.notes)
        return out


def care_history(annex: AnnexA, intervals: list[tuple[pd.Timestamp, pd.Timestamp]],
                 e: pd.Timestamp) -> tuple[pd.DataFrame, list[tuple[pd.Timestamp, pd.Timestamp]]]:
    """List 8's periods of care and the days they were observed; with SSDA903 returns, also the periods the
    returns add (:meth:`~csc_demand.io.ssda903.Ssda903.beyond`: List 8 wins where both hold a period), each
    censored at the date the returns were cut to, and the days the returns cover."""
    table = care_periods(annex.looked_after)
    s = getattr(annex, "ssda903", None)
    if s is None or not len(s.periods):
        return table, intervals
    own_date = table["extract_date"].fillna(e) if "extract_date" in table else e
    extra = care_periods(s.periods[s.beyond(annex.looked_after)]).assign(extract_date=s.extract_date)
    merged = pd.concat([table.assign(extract_date=own_date), extra], ignore_index=True)
    return merged, merge_spans(list(intervals) + [(s.first_day, min(s.extract_date, e))])


def care_months(table: pd.DataFrame, first_day: pd.Timestamp, last_day: pd.Timestamp) -> pd.DataFrame:
    """Care starts in each whole month from ``first_day`` to ``last_day`` and the children looked after at
    each of those month ends (``cla_starts``, ``cla_open``; index: month starts), as monthly figures."""
    months = pd.date_range(pd.Timestamp(first_day) + pd.offsets.MonthBegin(0),
                           pd.Timestamp(last_day) + pd.Timedelta(days=1) - pd.offsets.MonthBegin(1), freq="MS")
    months = months[months + pd.offsets.MonthEnd(0) <= pd.Timestamp(last_day)]
    start_month = pd.to_datetime(table["start_date"]).dt.to_period("M").dt.start_time
    starts = start_month.value_counts().reindex(months, fill_value=0).astype(float)
    return pd.DataFrame({"cla_starts": starts.to_numpy(),
                         "cla_open": open_at(table, months + pd.offsets.MonthEnd(0)).astype(float)}, index=months)


def fit_seasons(hist: History, history: MonthlyHistory | None, use: np.ndarray | None = None,
                leave_out: Sequence[tuple[pd.Timestamp, pd.Timestamp]] = ()) -> Seasonality:
    """The referrals' seasons: from the lists' days (:func:`fit_seasonality`, ``use`` leaving days out) when they
    show them, else from the monthly figures' referrals (:func:`fit_monthly_seasonality`, the months that the
    ``leave_out`` periods touch left out), else none by month."""
    season = fit_seasonality(hist, use)
    if season.by_month is None and history is not None and "referrals" in history.table:
        from_history = fit_monthly_seasonality(history.table["referrals"], season.by_weekday,
                                               f"monthly figures, {history.source}", leave_out)
        season = from_history if from_history is not None else season
    return season


def _trend(hist: History, season: Seasonality, phi: float, history: MonthlyHistory | None) -> Trend:
    """The observed trend in referrals: from the lists' days when they span a year, else from the monthly
    figures (:func:`fit_monthly_trend`) when they give two years."""
    trend = fit_trend(hist, season, phi)
    if trend.pct_per_year is None and history is not None and "referrals" in history.table:
        trend = fit_monthly_trend(history.table["referrals"], season, phi,
                                  f"monthly figures, {history.source}") or trend
    return trend


def earlier_months(monthly: pd.DataFrame | None, key: str,
                   before: pd.Timestamp) -> tuple[int, float, pd.Timestamp, pd.Timestamp] | None:
    """The ``{key}_starts`` and ``referrals`` of the monthly figures' whole months within the
    :data:`EARLIER_STARTS_WEEKS` weeks before the day ``before``, where both are given: (starts, referrals,
    first month, last month), or None when no such month has referrals."""
    col = f"{key}_starts"
    if monthly is None or col not in monthly or "referrals" not in monthly:
        return None
    start = pd.DatetimeIndex(monthly.index)
    end = start + pd.offsets.MonthEnd(0)
    use = (start >= pd.Timestamp(before) - pd.Timedelta(weeks=EARLIER_STARTS_WEEKS)) & (end < pd.Timestamp(before))
    part = monthly.loc[use, [col, "referrals"]].astype(float).dropna()
    if part.empty or part["referrals"].sum() <= 0:
        return None
    return (int(part[col].sum()), float(part["referrals"].sum()), pd.Timestamp(part.index.min()),
            pd.Timestamp(part.index.max()))


def _flow(table: pd.DataFrame, referrals: pd.DataFrame, ref_days: pd.DatetimeIndex,
          intervals: list[tuple[pd.Timestamp, pd.Timestamp]], e: pd.Timestamp, what: str, plural: str,
          base: Baseline, key: str, monthly: pd.DataFrame | None = None,
          duration_intervals: list[tuple[pd.Timestamp, pd.Timestamp]] | None = None,
          balance_source: str = "monthly figures", seen_from: pd.Timestamp | None = None) -> Flow:
    """One flow's estimates: conversion from referrals in ``intervals``, durations from the plans seen in
    ``duration_intervals`` (default: the same days; longer for care when SSDA903 returns were read). With
    ``seen_from`` (the first day the returns show every start), the starts of up to 26 weeks before the
    reference days count too, over the referrals the usual level implies for those weeks; without it, the
    monthly figures' starts and referrals of the whole months in those 26 weeks (:func:`earlier_months`)."""
    table = table[pd.to_datetime(table["start_date"]).notna().to_numpy()]
    conv = fit_episode_conversion(referrals, table, ref_days, plural) if key == "cin" else \
        fit_conversion(referrals, table, ref_days, intervals, e, what, plural)
    if seen_from is not None and len(ref_days):
        first = max(pd.Timestamp(seen_from), ref_days[0] - pd.Timedelta(weeks=EARLIER_STARTS_WEEKS))
        days = (ref_days[0] - first).days
        if days >= 28:
            start = pd.to_datetime(table["start_date"])
            n = int(((start >= first) & (start < ref_days[0])).sum())
            conv = with_earlier_starts(conv, n, base.per_week * days / 7.0,
                                       f"from {day_label(first)} to {day_label(ref_days[0] - pd.Timedelta(days=1))}",
                                       plural)
    elif len(ref_days) and (earlier := earlier_months(monthly, key, ref_days[0])) is not None:
        n, refs, first, last = earlier
        conv = with_earlier_starts(conv, n, refs, f"from {first:%B %Y} to {last:%B %Y}", plural,
                                   "in the monthly figures")
    ep = episodes(table, duration_intervals or intervals, e)
    dur = fit_durations(ep, plural)
    starts_mask = day_mask(pd.DatetimeIndex(ep.start), intervals)
    open_now = int(ep.open_at_extract.sum())
    var_log_inflow = conv.var_log + (base.se_per_week / base.per_week) ** 2 if base.per_week > 0 else 0.0
    # a stock that returns towards its own mean (child protection) uses the monthly figures for that; the
    # flow balance only where flows predict the stock (anchor module docstring)
    rev = STOCK_REVERSION.get(key)
    own = own_level(monthly, key, e) if rev is not None else None
    anchor = fit_anchor(dur, starts_mask, conv.per_referral * base.per_week, open_now, var_log_inflow,
                        STOCK_GAP_SD[key], STOCK_LABELS[key],
                        flow_balance(monthly, key, e, balance_source) if own is None else None, own=own,
                        reversion=rev)
    cohort, cohort_b = cohort_survivors(dur)
    kern, kern_b, shares = start_kernel(dur, starts_mask)
    return Flow(conversion=conv, durations=dur, open_now=open_now, cohort_expected=cohort,
                cohort_by_band=cohort_b, kernel=kern, kernel_by_band=kern_b, start_band_shares=shares,
                starts_mask=starts_mask, anchor=anchor)


def _placement_mix(cla: pd.DataFrame, ep_open: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """Share of each placement group among children looked after on the extract date, by current age band
    (bands × PLACEMENT_GROUP_ORDER); a band with fewer than 20 children uses the all-ages mix."""
    groups = list(PLACEMENT_GROUP_ORDER)
    if "placement_group" in cla:
        pg = cla["placement_group"].astype("string")
    elif "placement_type" in cla:
        pg = cla["placement_type"].astype("string").str.upper().map(PLACEMENT_GROUPS)
    else:
        pg = pd.Series(pd.NA, index=cla.index, dtype="string")
    pg = pg.astype("string")
    codes = np.asarray(pd.Categorical(pg.where(pg.isin(groups)), categories=groups).codes)
    codes = np.where(codes < 0, groups.index("Unknown"), codes)[ep_open]
    b = bands
    n_b = len(AGE_BAND_LABELS)
    counts = np.zeros((n_b, len(groups)))
    ok = b >= 0
    np.add.at(counts, (b[ok], codes[ok]), 1.0)
    overall = np.bincount(codes, minlength=len(groups)).astype(float)
    if overall.sum() == 0:
        overall = np.zeros(len(groups))
        overall[groups.index("Unknown")] = 1.0
    overall = overall / overall.sum()
    rows = counts.sum(axis=1, keepdims=True)
    mix = np.where(rows >= 20, counts / np.maximum(rows, 1), overall[None, :])
    return mix


#: What each stock counts, in words.
STOCK_LABELS = {"cp": "the number of open child protection plans", "cla": "the number of children looked after",
                "cin": "the number of children in need"}
#: How far before the reference days the starts seen in SSDA903 returns (or the monthly figures) count towards
#: starts per referral.
EARLIER_STARTS_WEEKS = 26
#: Below these counts a forecast still runs, but the estimates carry a plain warning.
THIN_REFERRALS = 300
THIN_STARTS = 20
#: With less observed history than this (days), late care starts cannot be seen: a note says so.
SHORT_HISTORY_DAYS = 365


def thin_data_notes(referrals: int, cp_starts: int, cla_starts: int) -> list[str]:
    """Plain warnings when the reference window holds few referrals or starts (the rates are then uncertain;
    the intervals allow for it, but a reader should know)."""
    notes = []
    if referrals < THIN_REFERRALS:
        notes.append(f"The usual level of referrals rests on only {referrals:,} referrals, so every number here "
                     "is uncertain: load more extracts if you have them.")
    for starts, what in ((cp_starts, "child protection plans"), (cla_starts, "periods of care")):
        if starts < THIN_STARTS:
            notes.append(f"Only {starts:,} {what} started in the reference window, so the share of referrals that "
                         "lead to one is uncertain: load more extracts if you have them, or set it yourself in "
                         "the scenario's overrides.")
    return notes


def estimate(annex: AnnexA, *, reference_start: dt.date | None = None,
             reference_end: dt.date | None = None) -> Estimates:
    """Estimate everything the projection needs from the clean Annex A tables (once per data load).

    The usual level of referrals (with its seasons and days of the week), the share of referrals that lead to
    a child protection plan or a period of care and how long they last, and the children open on the extract
    date are all measured from the data. Estimate once, then :func:`csc_demand.forecast` the result under as
    many scenarios as you like: each forecast then takes milliseconds.

    Parameters
    ----------
    annex
        The loaded data (:func:`csc_demand.read_annex_a`); it needs Lists 3, 7 and 8. Monthly figures added
        with :func:`csc_demand.with_history` are used for the seasons and the last year's flows.
    reference_start, reference_end
        First and last days (dates, inclusive) of the window for the usual level of referrals and the
        conversion rates (default: the most recent stretch of observed days, at most a year, ending at the
        extract date). Only observed days inside the window are used.

    Returns
    -------
    Estimates
        Every data-dependent input of the projection: the usual referrals a week
        (``baseline.per_week``), conversion rates (starts per referral) and median durations (weeks) for
        ``cp``, ``cla`` and, when List 6 was read, ``cin``, and the counts open on the extract date.
        ``explain()`` gives each estimate as a plain-English sentence.

    Raises
    ------
    CscDemandError
        When List 3, 7 or 8 was not found, or there are no referrals in the reference window.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> est = cd.estimate(annex)
    >>> est.baseline.per_week  # usual referrals a week
    >>> fc = cd.forecast(est, cd.builtin_scenarios()["No further shocks"], months=24)
    """
    missing = [label for n, label in (("referrals", "List 3 (referrals)"), ("cp_plans", "List 7 (child protection)"),
                                  ("looked_after", "List 8 (children in care)")) if n not in annex.tables]
    if missing:
        raise CscDemandError("A forecast needs Lists 3, 7 and 8, and these were not found: "
                             + ", ".join(missing) + ". Run 'csc-demand validate' on the files to see what was read.")
    e = pd.Timestamp(annex.extract_date).normalize()
    intervals = observed_intervals(annex)
    referrals = annex.referrals
    hist = referral_history(referrals, intervals, e)
    history = getattr(annex, "history", None)
    monthly = history.table if history is not None else None
    season = fit_seasons(hist, history)
    mask = reference_mask(hist, reference_start, reference_end)
    if not mask.any() or hist.total[mask].sum() == 0:
        raise CscDemandError("There are no referrals (List 3) in the reference window, so no forecast can be "
                             "made: check that List 3 was read, and the reference dates in the scenario.")
    base0 = fit_baseline(hist, season, mask, 1.0)
    phi = dispersion(hist, base0.per_week / 7.0 * season.factor(hist.days))
    base = fit_baseline(hist, season, mask, phi)
    ref_days = hist.days[mask]
    cp = _flow(annex.cp_plans, referrals, ref_days, intervals, e, "child protection plan",
               "child protection plans", base, "cp", monthly)
    cla_table, cla_intervals = care_history(annex, intervals, e)
    cla_monthly, cla_source = monthly, "monthly figures"
    s903 = getattr(annex, "ssda903", None)
    if s903 is not None and len(s903.periods) and (monthly is None or "cla_open" not in monthly
                                                    or "cla_starts" not in monthly):
        # the returns' years give the monthly care starts and numbers looked after the figures lack
        cla_monthly, cla_source = care_months(cla_table, s903.first_day, min(s903.extract_date, e)), \
            "SSDA903 returns"
    cla = _flow(cla_table, referrals, ref_days, intervals, e, "period of care", "periods of care", base, "cla",
                cla_monthly, cla_intervals, cla_source, s903.first_day if s903 is not None else None)
    cin = None
    if "children_in_need" in annex.tables and len(annex.tables["children_in_need"]):
        cin = _flow(annex.tables["children_in_need"], referrals, ref_days, intervals, e, "child in need episode",
                    "children in need episodes", base, "cin", monthly)
    ep = episodes(cla_table[pd.to_datetime(cla_table["start_date"]).notna().to_numpy()], cla_intervals, e)
    now_band = band_index(ep.age_at_start_weeks[ep.open_at_extract] + ep.exit_weeks[ep.open_at_extract])
    placement = _placement_mix(cla_table[pd.to_datetime(cla_table["start_date"]).notna().to_numpy()],
                               ep.open_at_extract, now_band)
    # referrals in the last LAG_WEEKS weeks before the extract date (unobserved days filled with the baseline)
    n = len(hist.days)
    expected = base.per_week / 7.0 * season.factor(hist.days)
    daily = np.where(hist.observed, hist.total, expected)
    need = 7 * LAG_WEEKS
    if n < need:
        pad_days = pd.date_range(end=hist.days[0] - pd.Timedelta(days=1), periods=need - n, freq="D")
        daily = np.concatenate([base.per_week / 7.0 * season.factor(pad_days), daily])
    recent = daily[-need:].reshape(LAG_WEEKS, 7).sum(axis=1)
    age_shares = hist.age_counts / max(hist.age_counts.sum(), 1.0)
    notes = thin_data_notes(base.referrals, cp.conversion.starts, cla.conversion.starts)
    observed_days = sum((b - a).days + 1 for a, b in intervals)
    if observed_days < SHORT_HISTORY_DAYS:
        notes.append(f"The extracts loaded cover {observed_days:,} days of referrals. That cannot show children who "
                     "come into care more than six months after a referral, so the share of referrals that lead "
                     "to care may be estimated low (more so after a lockdown or other shock). Load older extracts "
                     "if you have them.")
    if cp.open_now == 0:
        notes.append("No child protection plans were open on the extract date: check that List 7 was read.")
    if cla.open_now == 0:
        notes.append("No children were looked after on the extract date: check that List 8 was read.")
    if cin is None:
        notes.append("List 6 (children in need) was not found, so the forecast cannot say how many social workers "
                     "are needed: their caseload counts every child in need, including those on a plan or in care. "
                     "Load List 6 with the other lists to add children in need and social workers.")
    est = Estimates(extract_date=e, intervals=tuple(intervals), history=hist, seasonality=season,
                     dispersion=phi, baseline=base, referral_age_shares=age_shares, recent_weekly_referrals=recent,
                     cp=cp, cla=cla, placement_mix=placement, actuals=actuals(annex),
                     trend=_trend(hist, season, phi, history),
                     notes=tuple(notes),
                     window=observed_window(annex, intervals, e), cin=cin, monthly=history)
    return replace(est, fit=window_fit(est))


def estimates_table(est: Estimates) -> pd.DataFrame:
    """The main estimates as a small table for reports: name, value, 80% interval, unit, explanation."""
    z = 1.2815515655446004
    b = est.baseline
    rows = [("Referrals per week (usual level)", b.per_week, b.per_week - z * b.se_per_week,
             b.per_week + z * b.se_per_week, "referrals a week", b.explanation)]
    for label, flow in (("Child protection plans started per referral", est.cp),
                        ("Periods of care started per referral", est.cla)):
        c = flow.conversion
        rows.append((label, c.per_referral, c.low, c.high, "per referral", c.explanation))
    for label, flow in (("Median length of a child protection plan", est.cp),
                        ("Median length of a period of care", est.cla)):
        d = flow.durations
        m = d.median_weeks
        f = float(np.exp(z * d.hazard_se_log))
        rows.append((label, m, m / f, m * f, "weeks", d.explanation))
    for label, flow, unit in (("child protection plans", est.cp, "plans"), ("children looked after", est.cla,
                                                                                 "children")):
        a = flow.anchor
        if a.explanation:
            f_rates, f_used = np.exp(z * a.sd_log_rates), np.exp(z * a.sd_log_level)
            rows.append((f"Long-run {label}, from the rates alone", a.rates_level, a.rates_level / f_rates,
                         a.rates_level * f_rates, unit, a.explanation))
            rows.append((f"Long-run {label}, as the forecast takes it", a.level, a.level / f_used,
                         a.level * f_used, unit, ""))
    rows.append(("Child protection plans open on the extract date", float(est.cp.open_now), np.nan, np.nan,
                 "plans", ""))
    rows.append(("Children looked after on the extract date", float(est.cla.open_now), np.nan, np.nan,
                 "children", ""))
    return pd.DataFrame(rows, columns=["estimate", "value", "low_80", "high_80", "unit", "explanation"])
