"""Conversion: plan (or care) starts per referral, and the lag from referral to start.

The rate is estimated from referrals followed forward, which stays right when referrals were unusual just
before the window (a lockdown, then returning referrals): count the starts that follow the referrals of the
reference window (each start once, for the child's most recent referral, within 26 weeks), and divide by the
number of those referrals weighted by the share of starts that could already have come for each, given how
long before the extract date it was made (from the lag below: a referral made a week before the extract date
counts only for the few starts that come that soon). Events ÷ exposure; its uncertainty is a Beta posterior
(Jeffreys prior). When too few children can be linked, the FLOW RATIO is used instead: starts on the reference days ÷
referrals on those days (events ÷ exposure, never a mean of ratios). The projection takes the ages of new
starts from the observed age mix at start (see :mod:`csc_demand.model.durations`), not from per-band rates.

The lag comes from children linked across lists (the same pseudonymised child in List 3 and List 7/8): for
each start, the most recent referral of that child up to 26 weeks before it. Only starts whose lag week was
observable can show that lag (the referral must fall inside an observed window), so the share at lag ``l``
is (starts linked at lag l) ÷ (starts that could have shown lag l), then normalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from csc_demand.model.baseline import SOURCE_GROUP_ORDER, Z80, source_group_codes
from csc_demand.model.timegrid import day_mask
from csc_demand.tables import day_label

LAG_WEEKS = 26
MIN_LINKED = 20
#: Pseudo-starts (at the overall rate) added to each source group, pulling small groups to the overall rate.
SOURCE_PRIOR_STARTS = 10.0
#: A source group's rate is described in words only with at least this many linked starts.
MIN_STARTS_TO_DESCRIBE = 20
MIN_AT_RISK_FOR_LAG = 10


@dataclass(frozen=True)
class Conversion:
    """Starts per referral (a share) with its uncertainty, and the lag.

    Per draw the rate is drawn from ``Beta(alpha, beta)``. ``lag_pmf[l]``: share of starts that
    come ``l`` whole weeks after the referral (l = 0..25). ``method``: "followed up" or "flow ratio".
    """

    per_referral: float
    low: float
    high: float
    alpha: float
    beta: float
    starts: int
    referrals: int
    lag_pmf: np.ndarray
    explanation: str
    lag_explanation: str
    method: str = "flow ratio"
    #: Relative rate of each referral source group (SOURCE_GROUP_ORDER; 1 = the overall rate; see
    #: :func:`source_rates`); all ones when no starts could be linked to a referral.
    by_source: np.ndarray = field(default_factory=lambda: np.ones(len(SOURCE_GROUP_ORDER)), repr=False)
    by_source_explanation: str = ""
    #: Standard error of the mean lag (weeks), from the linked starts (0 when too few were linked).
    lag_se_weeks: float = 0.0

    @property
    def var_log(self) -> float:
        """Variance of the log of the rate per referral (its Beta distribution, by the delta method)."""
        a, b = self.alpha, self.beta
        return float(b / (a * (a + b + 1)))


def _beta_interval(a: float, b: float) -> tuple[float, float]:
    m = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return max(0.0, m - Z80 * sd), min(1.0, m + Z80 * sd)


def with_earlier_starts(c: Conversion, starts: int, referrals: float, period: str, plural: str,
                        referrals_from: str = "at the usual level") -> Conversion:
    """The conversion with the starts of an earlier period whose referrals are not in the lists (from SSDA903
    returns or the monthly figures), over that period's referrals (the usual level's, or the monthly figures'
    count: ``referrals_from`` says which, for the explanation): ``Beta(α + starts, β + referrals − starts)``.
    Unchanged when that period has no referrals."""
    if referrals <= 0:
        return c
    a, b = c.alpha + starts, c.beta + max(referrals - starts, 0.0)
    lo, hi = _beta_interval(a, b)
    p = a / (a + b)
    text = (f"{c.explanation} With the {starts:,} {plural} that started {period} (against about {referrals:,.0f} "
            f"referrals {referrals_from}), {p:.3f} per referral (80% interval {lo:.3f} to {hi:.3f}).")
    return replace(c, per_referral=p, low=lo, high=hi, alpha=a, beta=b, starts=c.starts + int(starts),
                   referrals=c.referrals + int(round(referrals)), explanation=text)


def fit_conversion(referrals: pd.DataFrame, starts: pd.DataFrame, ref_days: pd.DatetimeIndex,
                   intervals: list[tuple[pd.Timestamp, pd.Timestamp]], extract_date: pd.Timestamp,
                   what: str, plural: str) -> Conversion:
    """Estimate starts per referral over the reference days (``ref_days``) and the referral-to-start lag."""
    ref_dates = pd.to_datetime(referrals["referral_date"])
    st_dates = pd.to_datetime(starts["start_date"])
    days_set = pd.DatetimeIndex(ref_days)
    in_ref_r = ref_dates.isin(days_set).to_numpy()
    in_ref_s = st_dates.isin(days_set).to_numpy()
    n_ref, n_st = int(in_ref_r.sum()), int(in_ref_s.sum())
    a, b = n_st + 0.5, max(n_ref - n_st, 0) + 0.5
    p = n_st / n_ref if n_ref else 0.0
    lo, hi = _beta_interval(a, b)
    lag, linked, lag_text, links, rates = fit_lag(referrals, starts, intervals, plural)
    method = "flow ratio"
    if n_ref:
        basis = (f"{n_st:,} {plural} started and {n_ref:,} referrals from {day_label(days_set[0])} to "
                 f"{day_label(days_set[-1])}")
    followed = _followed_up(ref_dates, days_set, links, rates, extract_date) if linked >= MIN_LINKED else None
    if followed is not None:
        k, exposure, n_followed, c0, c1 = followed
        a, b = k + 0.5, max(exposure - k, 0.0) + 0.5
        method = "followed up"
        p = k / exposure
        lo, hi = _beta_interval(a, b)
        basis = (f"{k:,} {plural} followed the {n_followed:,} referrals from {day_label(c0)} to {day_label(c1)}, allowing for "
                 "those still to come after the extract date")
    observed_refs = day_mask(pd.DatetimeIndex(ref_dates.fillna(pd.Timestamp(0))), intervals)
    rho = source_rates(links["g"].to_numpy(dtype=np.int64), source_group_codes(referrals)[observed_refs])
    rho_text = _source_text(rho, np.bincount(links["g"].to_numpy(dtype=np.int64),
                                             minlength=len(SOURCE_GROUP_ORDER)), plural)
    if n_ref:
        ratio = round(1 / p) if p > 0 else None
        one_in = f"1 in {ratio:,}" if ratio and p < 0.5 else f"{p * 100:.0f}%"
        text = (f"{one_in} referrals led to a {what} ({p * 100:.1f} per 100, 80% interval {lo * 100:.1f} to "
                f"{hi * 100:.1f}): {basis}.")
    else:
        text = f"No referrals in the reference window, so {plural} per referral cannot be estimated."
    return Conversion(per_referral=p, low=lo, high=hi, alpha=a, beta=b, starts=n_st, referrals=n_ref,
                      lag_pmf=lag, explanation=text,
                      lag_explanation=lag_text, method=method, by_source=rho, by_source_explanation=rho_text,
                      lag_se_weeks=lag_standard_error(links["lag_days"].to_numpy(dtype=float), linked))


def lag_standard_error(lag_days: np.ndarray, linked: int) -> float:
    """Standard error of the mean lag in weeks (sd ÷ sqrt(n)) over the linked starts; 0 with fewer than
    :data:`MIN_LINKED` (no lag is then measured at all)."""
    if linked < MIN_LINKED or len(lag_days) < 2:
        return 0.0
    return float(np.std(lag_days / 7.0, ddof=1) / np.sqrt(len(lag_days)))


def source_rates(link_groups: np.ndarray, referral_groups: np.ndarray) -> np.ndarray:
    """Relative conversion of each referral source group (1 = the overall rate).

    Parameters
    ----------
    link_groups
        Source group (index in SOURCE_GROUP_ORDER) of the referral each linked start followed.
    referral_groups
        Source group of every referral on the observed days.

    Returns
    -------
    numpy.ndarray
        Per group: ``(starts from it + κ) ÷ (starts expected from it at the overall rate + κ)``, where the
        expected starts are all linked starts × the group's share of referrals and ``κ`` is
        :data:`SOURCE_PRIOR_STARTS` (so small groups stay near the overall rate), scaled so that the mean
        weighted by the referral mix is 1.
    """
    n_g = len(SOURCE_GROUP_ORDER)
    refs = np.bincount(referral_groups, minlength=n_g).astype(float)
    if refs.sum() <= 0:
        return np.ones(n_g)
    mix = refs / refs.sum()
    starts = np.bincount(link_groups, minlength=n_g).astype(float)
    rho = (starts + SOURCE_PRIOR_STARTS) / (starts.sum() * mix + SOURCE_PRIOR_STARTS)
    return rho / float(np.sum(mix * rho))


def _source_text(rho: np.ndarray, linked: np.ndarray, plural: str) -> str:
    """The most and least likely referral sources to lead to a start, in words (groups with enough starts)."""
    ok = [i for i in range(len(rho)) if linked[i] >= MIN_STARTS_TO_DESCRIBE and SOURCE_GROUP_ORDER[i] != "Unknown"]
    if len(ok) < 2:
        return ""
    hi = max(ok, key=lambda i: rho[i])
    lo = min(ok, key=lambda i: rho[i])
    return (f"By referral source, {plural} follow referrals from {SOURCE_GROUP_ORDER[hi]} most often "
            f"({rho[hi]:.1f} times the average) and from {SOURCE_GROUP_ORDER[lo]} least often "
            f"({rho[lo]:.1f} times); so a change in one source moves {plural} by its own share.")


def _followed_up(ref_dates: pd.Series, days: pd.DatetimeIndex, links: pd.DataFrame, rates: np.ndarray,
                 extract_date: pd.Timestamp):
    """(starts linked to referrals on the reference days, their expected share if every referral converted:
    Σ over those referrals of P(lag ≤ its follow-up time), referrals, first day, last day); None if impossible.

    P(lag ≤ f) comes from the weekly lag rates (spread evenly within a week), so a referral made a week before
    the extract date counts for the small share of starts that come that soon."""
    if rates.sum() <= 0:
        return None
    in_days = ref_dates.isin(days).to_numpy()
    n = int(in_days.sum())
    if n == 0:
        return None
    follow = (pd.Timestamp(extract_date) - ref_dates[in_days]).dt.days.to_numpy(dtype=float)
    # G(f): share of starts whose lag is at most f days (week l covers lags 7l .. 7l + 6)
    lags = np.arange(len(rates))
    part = np.clip((follow[:, None] - 7 * lags[None, :] + 1) / 7.0, 0.0, 1.0)
    exposure = float((part * rates[None, :]).sum())
    k = int(links["ref"].isin(days).sum())
    if exposure <= 0:
        return None
    return k, exposure, n, days[0], days[-1]


def fit_lag(referrals: pd.DataFrame, starts: pd.DataFrame, intervals: list[tuple[pd.Timestamp, pd.Timestamp]],
            plural: str) -> tuple[np.ndarray, int, str, pd.DataFrame, np.ndarray]:
    """Weekly lag distribution from referral to start for children in both lists (see the module docstring).

    Returns (pmf, starts linked, sentence, links (each linked start's referral date ``ref``, ``lag_days`` and
    the referral's source group ``g``, an index in SOURCE_GROUP_ORDER), rates (share of all starts whose most recent referral is at lag l))."""
    r = pd.DataFrame({"child_id": referrals["child_id"].astype("string"),
                      "t": pd.to_datetime(referrals["referral_date"]),
                      "g": source_group_codes(referrals)}).dropna()
    s = pd.DataFrame({"child_id": starts["child_id"].astype("string"),
                      "t": pd.to_datetime(starts["start_date"])}).dropna()
    s = s[day_mask(pd.DatetimeIndex(s["t"]), intervals)]
    fallback = np.zeros(LAG_WEEKS)
    fallback[0] = 1.0
    if len(s) == 0 or len(r) == 0:
        return (fallback, 0, f"No {plural} could be linked to a referral, so no delay between them is assumed.",
                pd.DataFrame({"ref": pd.Series(dtype="datetime64[ns]"), "lag_days": pd.Series(dtype=float),
                              "g": pd.Series(dtype=np.int64)}),
                np.zeros(LAG_WEEKS))
    r = r.sort_values("t").rename(columns={"t": "ref"})
    s = s.sort_values("t").reset_index(drop=True)
    s["row"] = np.arange(len(s))
    m = pd.merge_asof(s, r, left_on="t", right_on="ref", by="child_id", direction="backward",
                      tolerance=pd.Timedelta(days=7 * LAG_WEEKS - 1))
    lag_days = (m["t"] - m["ref"]).dt.days.to_numpy(dtype=float, na_value=np.nan)
    linked = ~np.isnan(lag_days)
    # starts that could show lag l: the whole of week l before the start lies in the start's observed stretch
    iv_start = np.array([np.datetime64(a) for a, _ in intervals])
    iv_end = np.array([np.datetime64(b) for _, b in intervals])
    st = s["t"].to_numpy()
    k = np.clip(np.searchsorted(iv_end, st, side="left"), 0, len(intervals) - 1)
    room_days = (st - iv_start[k]) / np.timedelta64(1, "D")
    room_w = np.floor((room_days + 1) / 7 - 1).astype(int)   # largest l with 7(l+1) - 1 days before the start
    at_risk = np.array([(room_w >= l).sum() for l in range(LAG_WEEKS)], dtype=float)
    # count a lag only for starts that could have shown it (its whole week observable)
    lag_all = np.where(linked, np.floor(np.nan_to_num(lag_days, nan=-7) / 7), -1).astype(int)
    seen = linked & (lag_all <= room_w)
    n_l = np.bincount(lag_all[seen], minlength=LAG_WEEKS)[:LAG_WEEKS].astype(float)
    rate = np.where(at_risk >= MIN_AT_RISK_FOR_LAG, n_l / np.maximum(at_risk, 1), 0.0)
    n_linked = int(linked.sum())
    links = pd.DataFrame({"ref": m["ref"][linked].to_numpy(), "lag_days": lag_days[linked],
                          "g": m["g"][linked].to_numpy(dtype=np.int64)})
    if n_linked < MIN_LINKED or rate.sum() <= 0:
        return fallback, n_linked, (f"Only {n_linked} {plural} could be linked to an earlier referral of the same "
                                    "child, too few to measure the delay: none is assumed."), links, rate
    pmf = rate / rate.sum()
    cdf = np.cumsum(pmf)
    med = int(np.searchsorted(cdf, 0.5))
    p90 = int(np.searchsorted(cdf, 0.9))
    text = (f"Of {n_linked:,} {plural} linked to an earlier referral of the same child, half started within "
            f"{med + 1} weeks of the referral and 9 in 10 within {p90 + 1} weeks (allowing for referrals "
            "before the data begin).")
    return pmf, n_linked, text, links, rate




def fit_episode_conversion(referrals: pd.DataFrame, episodes: pd.DataFrame, ref_days: pd.DatetimeIndex,
                           plural: str) -> Conversion:
    """Children in need episodes started per referral, from Lists 3 and 6.

    Every referral starts an episode unless the child's episode was already open (the DfE's counting), and
    List 6 holds only each child's most recent episode, so starts on List 6 undercount them. Instead: the share
    of referrals on the reference days (``ref_days``) that did not fall inside the same child's listed episode
    (started before the referral, and still open or ended after it). Events ÷ exposure with a Beta posterior
    (Jeffreys prior); the episode starts on the day of the referral (no lag).

    Parameters
    ----------
    referrals, episodes
        The clean List 3 and List 6 tables.
    ref_days
        The reference days.
    plural
        e.g. "children in need episodes", for the explanation.

    Returns
    -------
    Conversion
    """
    r = pd.DataFrame({"child_id": referrals["child_id"].astype("string"),
                      "t": pd.to_datetime(referrals["referral_date"])})
    r = r[r["t"].isin(pd.DatetimeIndex(ref_days)).to_numpy()]
    ep = pd.DataFrame({"child_id": episodes["child_id"].astype("string"),
                       "start": pd.to_datetime(episodes["start_date"]),
                       "end": pd.to_datetime(episodes["end_date"])}).dropna(subset=["child_id", "start"])
    ep = ep.sort_values("start").drop_duplicates("child_id", keep="last")
    m = r.merge(ep, on="child_id", how="left")
    inside = (m["start"] < m["t"]) & (m["end"].isna() | (m["end"] > m["t"])) & m["start"].notna()
    n = len(m)
    k = int(n - inside.sum())
    a, b = k + 0.5, (n - k) + 0.5
    p = k / n if n else 0.0
    lo, hi = _beta_interval(a, b)
    lag = np.zeros(LAG_WEEKS)
    lag[0] = 1.0
    text = (f"{p * 100:.0f}% of referrals started a new child in need episode (80% interval {lo * 100:.0f}% to "
            f"{hi * 100:.0f}%); the others came while the child's episode was still open: {k:,} of {n:,} "
            "referrals" + (f" from {day_label(ref_days[0])} to {day_label(ref_days[-1])}." if n else "."))
    return Conversion(per_referral=p, low=lo, high=hi, alpha=a, beta=b, starts=k, referrals=n, lag_pmf=lag,
                      explanation=text, lag_explanation="", method="each referral")
