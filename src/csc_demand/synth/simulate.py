"""The event simulator: one local authority's children's social care, referral by referral.

The simulation works in whole days (day numbers since 1970-01-01, ``int64``) with vectorised numpy draws from
one seeded :class:`numpy.random.Generator`, so the same seed gives the same world.

How the world is made:

1. **Referrals** arrive as a Poisson process per day and source, with weekday, August, Christmas and Easter
   effects (schools close in their holidays) and the shocks. They start ``warmup_years`` before ``start`` so
   that every stock is at equilibrium on ``start``.
2. **Children**: a referral is either a child's first referral (a new child, its age drawn from the
   age distribution, so children of every age, and the unborn, keep entering) or a re-referral of the child
   of an earlier referral (within 12 months, or 1–5 years later).
3. **Conversions**: non-NFA referrals convert to child protection (CP) plans and to care with
   age-dependent probabilities and lags; some care starts come from children on a plan (the plan ends when
   care starts). A child cannot start a plan while on a plan or in care, nor care while in care. Plans and
   periods of care end at the 18th birthday at the latest.
4. **Front door**: contacts, assessments, section 47 enquiries and children in need episodes around each
   referral.

Only the last two years before ``start`` of the warm-up are kept in the event tables (plus plans and periods
of care still running then), so the lists of any extract taken on or after ``start`` are complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError

from .params import AGE_GROUPS, PRESETS, SHOCKS_2020, Shock, SynthParams

_EPOCH = np.datetime64("1970-01-01", "D")
#: Days of the warm-up kept in the event tables before ``start``.
_KEEP_BEFORE_START_DAYS = 731

ETHNICITY_CODES: tuple[tuple[str, float], ...] = (
    ("a) WBRI", 0.66), ("b) WIRI", 0.005), ("c) WIRT", 0.004), ("d) WOTH", 0.05), ("e) WROM", 0.006),
    ("f) MWBC", 0.03), ("g) MWBA", 0.01), ("h) MWAS", 0.015), ("i) MOTH", 0.03), ("j) AIND", 0.015),
    ("k) APKN", 0.03), ("l) ABAN", 0.01), ("m) AOTH", 0.015), ("n) BCRB", 0.01), ("o) BAFR", 0.04),
    ("p) BOTH", 0.01), ("q) CHNE", 0.002), ("r) OOTH", 0.02), ("s) REFU", 0.008), ("t) NOBT", 0.031),
)
_ABUSE = (("a", 0.50), ("b", 0.07), ("c", 0.04), ("d", 0.36), ("e", 0.03))
_CIN_NEED = (("N1", 0.55), ("N2", 0.09), ("N3", 0.03), ("N4", 0.08), ("N5", 0.14), ("N6", 0.02),
             ("N7", 0.005), ("N8", 0.015), ("N9", 0.07))
_CLA_NEED = (("N1", 0.66), ("N2", 0.03), ("N3", 0.03), ("N4", 0.07), ("N5", 0.13), ("N6", 0.01),
             ("N7", 0.003), ("N8", 0.067))


@dataclass
class World:
    """The event-level truth of one simulated LA, with the LA's own (not pseudonymised) child IDs.

    Tables (pandas DataFrames; dates ``datetime64[ns]``, ``NaT`` = still open at ``end``; ages in whole
    years at the event, −1 unborn):

    - ``children``: child_id ("C0000123"), birth_date, gender ("male"/"female"/"unknown"), ethnicity
      ("a) WBRI");
    - ``contacts``: child_id, contact_date, source (CIN census code);
    - ``referrals``: child_id, referral_date, source, nfa (bool), age, uasc (bool);
    - ``assessments``: child_id, start_date, authorised_date, needs_support (bool);
    - ``s47``: child_id, start_date, icpc_date (NaT: conference not needed), icpc_plan (bool);
    - ``cin``: child_id, start_date, end_date, primary_need (N1–N9), closure_reason (RC1–RC9);
    - ``cp_plans``: child_id, start_date, end_date, initial_category, latest_category (a–e),
      previous_plans (count of the child's earlier plans);
    - ``care_periods``: child_id, start_date, end_date, reason_ceased, legal_status, category_of_need,
      first_placement_type, placement_type, placement_start_date (the latest placement), uasc (bool),
      subsequent_period_12m (bool). Short breaks have legal status V3/V4 and are not periods of care.

    ``shocks`` holds the shocks used (empty without shocks). Events before ``start`` are warm-up: they are
    kept only as far back as the lists of an extract taken on ``start`` need them.
    """

    params: SynthParams
    seed: int
    shocks: tuple[Shock, ...]
    start: pd.Timestamp
    end: pd.Timestamp
    children: pd.DataFrame
    contacts: pd.DataFrame
    referrals: pd.DataFrame
    assessments: pd.DataFrame
    s47: pd.DataFrame
    cin: pd.DataFrame
    cp_plans: pd.DataFrame
    care_periods: pd.DataFrame
    preset: str | None = None


# --- dates in day numbers ----------------------------------------------------------------------------------

def _day(value: str | pd.Timestamp) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return int((np.datetime64(pd.Timestamp(value).date(), "D") - _EPOCH).astype(np.int64))


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1–12) and day of month of day numbers."""
    d = days.astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    return (years.astype(np.int64) + 1970, (months - years.astype("datetime64[M]")).astype(np.int64) + 1,
            (d - months.astype("datetime64[D]")).astype(np.int64) + 1)


def age_years(birth_days: np.ndarray, on_days: np.ndarray) -> np.ndarray:
    """Age in whole years (age at last birthday) on a date, −1 when not yet born. Inputs are day numbers."""
    by, bm, bd = _ymd(np.asarray(birth_days))
    oy, om, od = _ymd(np.asarray(on_days))
    age = oy - by - ((om < bm) | ((om == bm) & (od < bd))).astype(np.int64)
    return np.where(np.asarray(on_days) < np.asarray(birth_days), -1, age)


def birthday_days(birth_days: np.ndarray, years: int) -> np.ndarray:
    """Day number of the given birthday (29 February birthdays fall on 1 March in other years)."""
    by, bm, bd = _ymd(np.asarray(birth_days))
    month_start = ((by + years - 1970) * 12 + bm - 1).astype("datetime64[M]").astype("datetime64[D]")
    return (month_start - _EPOCH).astype(np.int64) + bd - 1


def _to_datetime(days: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Day numbers → ``datetime64[ns]`` (``NaT`` where ``missing``)."""
    out = (np.asarray(days, dtype=np.int64).astype("datetime64[D]")).astype("datetime64[ns]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


def _easter_days(years: np.ndarray) -> np.ndarray:
    """Day numbers of Easter Sunday (anonymous Gregorian algorithm), vectorised over years."""
    y = years
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    day = (h + ll - 7 * m + 114) % 31 + 1
    first = ((y - 1970) * 12 + month - 1).astype("datetime64[M]").astype("datetime64[D]")
    return (first - _EPOCH).astype(np.int64) + day - 1


# --- referral rates --------------------------------------------------------------------------------------

def _seasonal_factors(days: np.ndarray, p: SynthParams) -> tuple[np.ndarray, np.ndarray]:
    """Per-day rate ratios: (all sources, extra for schools). Weekday, August, Christmas, school holidays."""
    year, month, dom = _ymd(days)
    weekday = (days + 3) % 7  # 0 = Monday
    general = np.where(weekday >= 5, p.weekend_rate_ratio, 1.0)
    general = general * np.where(month == 8, p.august_rate_ratio, 1.0)
    christmas = ((month == 12) & (dom >= 21)) | ((month == 1) & (dom <= 3))
    general = general * np.where(christmas, p.christmas_rate_ratio, 1.0)
    easter = _easter_days(year)
    easter_hols = (days >= easter - 9) & (days <= easter + 8)
    summer_hols = ((month == 7) & (dom >= 22)) | (month == 8) | ((month == 9) & (dom <= 3))
    school = np.where(christmas | easter_hols | summer_hols, p.school_holiday_ratio, 1.0)
    return general, school


def referral_rates(days: np.ndarray, p: SynthParams, shocks: Sequence[Shock]) -> tuple[np.ndarray, list[str]]:
    """Expected referrals per day and source (array days × sources) and the source codes, shocks included."""
    codes = [c for c, _ in p.source_shares]
    shares = np.array([s for _, s in p.source_shares], dtype=float)
    shares = shares / shares.sum()
    general, school = _seasonal_factors(days, p)
    is_school = np.array([c == "2A" for c in codes])
    base = general[:, None] * shares[None, :] * np.where(is_school[None, :], school[:, None], 1.0)
    scale = p.referrals_per_year / 365.25 / base.sum(axis=1).mean()
    base = base * scale
    rates = base.copy()
    for shock in shocks:
        lo = _day(shock.start)
        hi = _day(shock.end) if shock.end else int(days[-1])
        in_shock = (days >= lo) & (days <= hi)
        if not in_shock.any():
            continue
        special = dict(shock.source_ratios)
        ratio = np.array([special.get(c, np.nan) for c in codes])
        taken = ~np.isnan(ratio)
        block = rates[in_shock]
        before = block.sum()
        # the other sources take whatever keeps the day's total at referral_ratio (per day, as school
        # holidays change the mix)
        other = ((shock.referral_ratio * block.sum(axis=1) - (block[:, taken] * ratio[taken]).sum(axis=1))
                 / np.maximum(block[:, ~taken].sum(axis=1), 1e-12))
        factor = np.where(taken[None, :], np.nan_to_num(ratio)[None, :], np.maximum(other, 0.0)[:, None])
        rates[in_shock] = block * factor
        missing = before - rates[in_shock].sum()
        if shock.returning_share > 0 and shock.return_start and shock.return_end and missing > 0:
            back = (days >= _day(shock.return_start)) & (days <= _day(shock.return_end))
            weight = np.where((days[back] + 3) % 7 >= 5, p.weekend_rate_ratio, 1.0)
            extra = shock.returning_share * missing * weight / weight.sum()
            rates[back] = rates[back] + extra[:, None] * shares[None, :]
    return rates, codes


# --- helpers ---------------------------------------------------------------------------------------------

def _choice(rng: np.random.Generator, options: Sequence[tuple[str, float]], n: int) -> np.ndarray:
    """``n`` codes drawn with the given probabilities (normalised)."""
    codes = np.array([c for c, _ in options], dtype=object)
    probs = np.array([w for _, w in options], dtype=float)
    return codes[rng.choice(len(codes), size=n, p=probs / probs.sum())]


def _pick(u: np.ndarray, options: Sequence[tuple[str, float]]) -> np.ndarray:
    """Codes for uniform draws ``u`` by cumulative probabilities (so one draw can serve several lists)."""
    codes = np.array([c for c, _ in options], dtype=object)
    cum = np.cumsum([w for _, w in options])
    return codes[np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(codes) - 1)]


def _age_group(age: np.ndarray) -> np.ndarray:
    """Index into :data:`AGE_GROUPS` of ages in whole years."""
    return np.select([age < 0, age < 1, age < 5, age < 10, age < 16], [0, 1, 2, 3, 4], 5)


def _keep_first_per_child(child: np.ndarray, start: np.ndarray, end: np.ndarray,
                          blocked_until: np.ndarray | None = None) -> np.ndarray:
    """Mask of spells kept when a child cannot start a spell while the previous kept one is running.

    Spells are processed per child in start order; a spell starting before the end of the previous kept
    spell is dropped. Vectorised: each pass settles every spell whose predecessor is already settled.
    """
    n = len(child)
    order = np.lexsort((start, child))
    c, s, e = child[order], start[order], end[order]
    state = np.zeros(n, dtype=np.int8)  # 0 unknown, 1 kept, 2 dropped
    first = np.ones(n, dtype=bool)
    first[1:] = c[1:] != c[:-1]
    state[first] = 1
    prev_end = np.full(n, np.iinfo(np.int64).min)
    while (state == 0).any():
        # the end of the nearest kept predecessor, for spells whose predecessor is settled
        kept_end = np.where(state == 1, e, np.iinfo(np.int64).min)
        settled = state != 0
        # running max of kept ends within a child, restarting at each child's first spell
        group = np.cumsum(first)
        run = pd.Series(kept_end).groupby(group).cummax().to_numpy()
        prev_end[1:] = run[:-1]
        prev_end[first] = np.iinfo(np.int64).min
        # a spell can be settled when all earlier spells of the child are settled
        unsettled_before = pd.Series(~settled).groupby(group).cumsum().to_numpy() - (~settled)
        ready = (state == 0) & (unsettled_before == 0)
        state[ready & (s >= prev_end)] = 1
        state[ready & (s < prev_end)] = 2
    keep = np.empty(n, dtype=bool)
    keep[order] = state == 1
    return keep


def _previous_per_child(child: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For spells that do not overlap: the number of earlier spells of the child and the previous end."""
    order = np.lexsort((start, child))
    c = child[order]
    first = np.ones(len(c), dtype=bool)
    first[1:] = c[1:] != c[:-1]
    count = pd.Series(c).groupby(c).cumcount().to_numpy()
    prev_end = np.full(len(c), np.iinfo(np.int64).min)
    prev_end[1:] = end[order][:-1]
    prev_end[first] = np.iinfo(np.int64).min
    out_count = np.empty(len(c), dtype=np.int64)
    out_prev = np.empty(len(c), dtype=np.int64)
    out_count[order] = count
    out_prev[order] = prev_end
    return out_count, out_prev


def _in_spell(child_a: np.ndarray, day_a: np.ndarray, child_b: np.ndarray, start_b: np.ndarray,
              end_b: np.ndarray) -> np.ndarray:
    """Mask of events (child_a, day_a) that fall in a spell [start_b, end_b) of the same child (non-overlapping)."""
    if len(child_b) == 0 or len(child_a) == 0:
        return np.zeros(len(child_a), dtype=bool)
    order_b = np.lexsort((start_b, child_b))
    keys_b = child_b[order_b].astype(np.int64) * (1 << 24) + start_b[order_b]
    keys_a = child_a.astype(np.int64) * (1 << 24) + day_a
    pos = np.searchsorted(keys_b, keys_a, side="right") - 1
    ok = pos >= 0
    posc = np.clip(pos, 0, None)
    same = ok & (child_b[order_b][posc] == child_a)
    return same & (day_a < end_b[order_b][posc]) & (day_a >= start_b[order_b][posc])


# --- the simulation ------------------------------------------------------------------------------------------

def simulate(preset: str | SynthParams = "median", seed: int = 7, *, start: str | pd.Timestamp = "2014-01-01",
             end: str | pd.Timestamp = "2024-12-31", shocks: bool | Sequence[Shock] = True) -> World:
    """Simulate one LA's children's social care from ``start`` to ``end`` (inclusive).

    ``preset`` is a name in :data:`PRESETS` or a :class:`SynthParams`. ``shocks=True`` applies the
    2020–21 story (:data:`SHOCKS_2020`), ``False`` none; a sequence of :class:`Shock` applies those.
    The same arguments always give the same world. Stocks are at equilibrium on ``start`` (a warm-up of
    ``params.warmup_years`` is simulated and discarded).
    """
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise CscDemandError(f"Unknown preset '{preset}'. Choose one of: {', '.join(PRESETS)}.")
        params, preset_name = PRESETS[preset], preset
    else:
        params, preset_name = preset, None
    shock_list: tuple[Shock, ...] = SHOCKS_2020 if shocks is True else (() if shocks is False else tuple(shocks))
    start_ts, end_ts = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end_ts <= start_ts:
        raise CscDemandError("The end of the simulation must come after its start.")
    p = params
    rng = np.random.default_rng(seed)
    d_start, d_end = _day(start_ts), _day(end_ts)
    d0 = _day(start_ts - pd.DateOffset(years=p.warmup_years))
    days = np.arange(d0, d_end + 1, dtype=np.int64)

    # 1. referrals: Poisson per day and source
    rates, codes = referral_rates(days, p, shock_list)
    counts = rng.poisson(rates)
    flat = counts.ravel()
    ref_day = np.repeat(np.repeat(days, len(codes)), flat)
    ref_src = np.repeat(np.tile(np.arange(len(codes)), len(days)), flat)
    n = len(ref_day)
    idx = np.arange(n)

    # 2. children: first referral or re-referral
    u_kind = rng.random(n)
    gap = np.where(u_kind < p.rereferral_12m_share, np.minimum(7 + rng.gamma(1.1, 100.0, n), 365),
                   rng.integers(366, 1826, n)).astype(np.int64)
    is_re = u_kind < p.rereferral_12m_share + p.rereferral_later_share
    prev = np.searchsorted(ref_day, ref_day - gap, side="right") - 1
    is_re &= prev >= 0
    age_group_new = rng.choice(len(AGE_GROUPS), size=n, p=np.array(p.first_referral_age_shares) /
                               sum(p.first_referral_age_shares))
    lo = np.array([-200, 0, 365, 1827, 3653, 5844])
    hi = np.array([-7, 365, 1827, 3653, 5844, 6574])
    age_days_new = rng.integers(lo[age_group_new], hi[age_group_new])
    birth_new = ref_day - age_days_new
    birth18_new = birthday_days(birth_new, 18)
    while True:
        root = np.where(is_re, prev, idx)
        while True:
            nxt = root[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        too_old = is_re & (ref_day >= birth18_new[root])
        if not too_old.any():
            break
        is_re &= ~too_old
    birth = birth_new[root]
    birth18 = birth18_new[root]
    age = age_years(birth, ref_day)
    group = _age_group(age)
    u_extra = rng.random(n)
    uasc = (~is_re) & (age >= 15) & (u_extra < p.uasc_share_of_15_17)
    nfa = (rng.random(n) < p.nfa_share) & ~uasc

    # 3. conversions
    non_nfa = ~nfa & ~uasc
    nn = max(non_nfa.sum(), 1)
    cp_ratio = np.array(p.cp_age_ratio)[group]
    cla_ratio = np.array(p.cla_age_ratio)[group]
    p_cla = p.cla_per_referral * cla_ratio / cla_ratio[non_nfa].mean() * n / nn
    direct_cp_rate = max(p.cp_per_referral - p.cla_per_referral * p.cla_via_cp_share, 0.0)
    p_cp = direct_cp_rate * cp_ratio / cp_ratio[non_nfa].mean() * n / nn
    u_cp, u_cla, u_via = rng.random(n), rng.random(n), rng.random(n)
    to_care = non_nfa & (u_cla < p_cla)
    via_cp = to_care & (u_via < p.cla_via_cp_share)
    cp_direct = non_nfa & ~to_care & (u_cp < p_cp)
    has_cp = cp_direct | via_cp

    # CP timing
    cp_lag = np.minimum(10 + rng.gamma(2.0, max(p.cp_lag_mean_days - 10, 1) / 2.0, n), 120).astype(np.int64)
    cp_start = ref_day + cp_lag
    short = rng.random(n) < p.cp_short_share
    cp_dur = np.where(short, rng.integers(14, 92, n),
                      np.exp(np.log(p.cp_long_median_days) + p.cp_long_sigma * rng.standard_normal(n)))
    cp_end = cp_start + np.clip(cp_dur, 1, p.cp_max_days).astype(np.int64)

    # care timing
    immediate = rng.random(n) < p.cla_immediate_share
    cla_lag = np.where(immediate, rng.integers(0, 8, n),
                       np.minimum(rng.gamma(2.0, p.cla_lag_mean_days / 2.0, n), 365)).astype(np.int64)
    cla_start = np.where(via_cp, cp_start + np.minimum(rng.gamma(2.0, 60.0, n), 540).astype(np.int64),
                         ref_day + cla_lag)
    cla_start = np.where(uasc, ref_day + rng.integers(0, 3, n), cla_start)
    cla_start = np.maximum(cla_start, birth)  # no care before birth
    to_care = (to_care | uasc) & (cla_start < birth18)
    cp_end = np.where(via_cp & to_care, np.minimum(cp_end, cla_start), cp_end)
    has_cp &= cp_start < birth18
    cp_end = np.minimum(cp_end, birth18)

    # care durations by age at entry
    entry_age = age_years(birth, cla_start)
    entry_group = _age_group(entry_age)
    u_dur = rng.random(n)
    until18 = (u_dur >= p.cla_short_share) & (
        rng.random(n) < np.where(uasc, 0.85, np.array(p.cla_until_18_share)[entry_group]))
    cla_dur = np.where(u_dur < p.cla_short_share,
                       np.exp(np.log(60.0) + 0.9 * rng.standard_normal(n)),
                       np.exp(np.log(p.cla_medium_median_days) + p.cla_medium_sigma * rng.standard_normal(n)))
    cla_end = np.where(until18, birth18, cla_start + np.maximum(cla_dur, 1).astype(np.int64))
    reached18 = cla_end >= birth18
    cla_end = np.minimum(cla_end, birth18)

    # repeat plans: some children whose plan ended come back later and start another plan; they take the
    # place of a new child's plan-starting referral a few months to three years later (same totals)
    single = np.bincount(root, minlength=n) == 1
    cand = np.flatnonzero(cp_direct & single & ~is_re & (cp_start < birth18))
    ended = np.flatnonzero(has_cp & ~(via_cp & to_care) & (cp_end < birth18 - 365))
    ended = ended[rng.random(len(ended)) < p.cp_repeat_share]
    target = cp_end[ended] + (90 + rng.gamma(1.5, 300.0, len(ended))).astype(np.int64)
    pos = np.searchsorted(ref_day[cand], target)
    ok = pos < len(cand)
    ended, pos = ended[ok], pos[ok]
    b_rows = cand[pos]
    ok = (ref_day[b_rows] - target[ok] < 60) & (ref_day[b_rows] < birth18[ended] - 30)
    ended, b_rows = ended[ok], b_rows[ok]
    b_rows, first_use = np.unique(b_rows, return_index=True)
    ended = ended[first_use]
    root[b_rows] = root[ended]
    birth[b_rows], birth18[b_rows] = birth[ended], birth18[ended]
    age[b_rows] = age_years(birth[b_rows], ref_day[b_rows])
    cla_start = np.maximum(cla_start, birth)
    has_cp &= cp_start < birth18
    to_care &= cla_start < birth18
    cp_end = np.minimum(cp_end, birth18)
    cla_end = np.minimum(cla_end, birth18)

    # one spell at a time per child
    care_rows = np.flatnonzero(to_care)
    keep_care = _keep_first_per_child(root[care_rows], cla_start[care_rows], cla_end[care_rows])
    care_rows = care_rows[keep_care]
    cp_rows = np.flatnonzero(has_cp)
    in_care = _in_spell(root[cp_rows], cp_start[cp_rows], root[care_rows], cla_start[care_rows],
                        cla_end[care_rows])
    cp_rows = cp_rows[~in_care]
    cp_rows = cp_rows[_keep_first_per_child(root[cp_rows], cp_start[cp_rows], cp_end[cp_rows])]
    # a care start that was meant to follow a plan dropped above still happens (straight from the referral)
    prev_plans, _ = _previous_per_child(root[cp_rows], cp_start[cp_rows], cp_end[cp_rows])
    _, care_prev_end = _previous_per_child(root[care_rows], cla_start[care_rows], cla_end[care_rows])

    # short breaks: separate children (disabled, 5–17), a few days each
    years_total = len(days) / 365.25
    n_sb = rng.poisson(p.short_breaks_per_referral * p.referrals_per_year * years_total)
    sb_start = rng.integers(d0, d_end + 1, n_sb)
    sb_birth = sb_start - rng.integers(5 * 366, 17 * 365, n_sb)
    sb_end = sb_start + rng.integers(1, 6, n_sb)
    sb_status = np.where(rng.random(n_sb) < 0.6, "V3", "V4")

    # --- keep what the lists can need ----------------------------------------------------------------------
    keep_from = d_start - _KEEP_BEFORE_START_DAYS
    ref_keep = ref_day >= keep_from
    cp_keep = (cp_end[cp_rows] >= keep_from) & (cp_start[cp_rows] <= d_end)
    cp_rows, prev_plans = cp_rows[cp_keep], prev_plans[cp_keep]
    care_keep = (cla_end[care_rows] >= keep_from) & (cla_start[care_rows] <= d_end)
    care_rows, care_prev_end = care_rows[care_keep], care_prev_end[care_keep]
    sb_keep = (sb_end >= keep_from) & (sb_start <= d_end)
    sb_start, sb_birth, sb_end, sb_status = sb_start[sb_keep], sb_birth[sb_keep], sb_end[sb_keep], sb_status[sb_keep]

    # 4. front door, for kept referrals
    r = np.flatnonzero(ref_keep)
    m = len(r)
    r_day, r_root = ref_day[r], root[r]
    assessed = (non_nfa[r] & (rng.random(m) < p.assessment_share)) | has_cp[r] | to_care[r]
    a_start = r_day + rng.integers(0, 4, m)
    a_auth = a_start + np.minimum(np.exp(np.log(p.assessment_median_days) + 0.5 * rng.standard_normal(m)),
                                  90).astype(np.int64)
    serious = has_cp[r] | to_care[r]
    needs = serious | (rng.random(m) < p.assessment_needs_support_share)
    s47_any = serious & ~uasc[r] | (assessed & (rng.random(m) < p.extra_s47_share))
    s47_start = np.where(has_cp[r], np.minimum(r_day + rng.integers(0, 6, m), cp_start[r] - 5),
                         a_start + rng.integers(0, 10, m))
    icpc_happens = has_cp[r] | (rng.random(m) < 0.4)
    assessed &= a_start <= d_end  # nothing after the end of the simulation
    s47_any &= s47_start <= d_end
    icpc_day = np.where(has_cp[r], cp_start[r], s47_start + 10 + rng.integers(0, 15, m))
    # children in need episode: from the referral until the support ends
    support_end = np.where(has_cp[r], cp_end[r], np.where(to_care[r], cla_end[r],
                           a_auth + np.exp(np.log(p.cin_support_median_days) + 0.7 * rng.standard_normal(m))
                           .astype(np.int64)))
    cin_end = np.where(nfa[r], r_day, np.where(~assessed, r_day + rng.integers(1, 30, m),
                                               np.where(needs, support_end, a_auth)))
    next_same = np.full(m, np.iinfo(np.int64).max)
    order = np.lexsort((r_day, r_root))
    rc, rd = r_root[order], r_day[order]
    nxt = np.full(m, np.iinfo(np.int64).max)
    same_next = np.zeros(m, dtype=bool)
    same_next[:-1] = rc[1:] == rc[:-1]
    nxt[:-1] = np.where(same_next[:-1], rd[1:], np.iinfo(np.int64).max)
    next_same[order] = nxt
    cin_end = np.minimum(np.minimum(cin_end, next_same), birth18[r])
    cin_end = np.maximum(cin_end, r_day)
    closure = np.where(nfa[r] | (assessed & ~needs), "RC8", np.where(rng.random(m) < 0.15, "RC9", "RC7"))

    # contacts: one for each referral, the rest lead nowhere (known children or new ones)
    c_keep_from = d_start - 366
    rc_mask = r_day >= c_keep_from
    extra_rates = rates[days >= c_keep_from] * max(p.contacts_per_referral - 1.0, 0.0)
    extra_counts = rng.poisson(extra_rates).ravel()
    c_days = days[days >= c_keep_from]
    x_day = np.repeat(np.repeat(c_days, len(codes)), extra_counts)
    x_src = np.repeat(np.tile(np.arange(len(codes)), len(c_days)), extra_counts)
    nx = len(x_day)
    pick = np.searchsorted(ref_day, x_day - rng.integers(1, 1096, nx), side="right") - 1
    known = (rng.random(nx) < 0.4) & (pick >= 0)
    pickc = np.clip(pick, 0, None)
    known &= x_day < birth18[root[pickc]]
    x_group = rng.choice(len(AGE_GROUPS), size=nx, p=np.array(p.first_referral_age_shares) /
                         sum(p.first_referral_age_shares))
    x_birth = x_day - rng.integers(lo[x_group], hi[x_group])

    # --- children and IDs ----------------------------------------------------------------------------------
    # child keys: referral roots (0..n-1), contact-only children (n..n+nx-1), short breaks after
    x_child = np.where(known, root[pickc], n + np.arange(nx))
    sb_child = n + nx + np.arange(len(sb_start))
    used = np.unique(np.concatenate([r_root, root[cp_rows], root[care_rows], x_child, sb_child]))
    birth_all = np.concatenate([birth_new, x_birth, sb_birth])
    child_birth = birth_all[used]
    n_children = len(used)
    ids = np.char.add("C", np.char.zfill(np.arange(1, n_children + 1).astype(str), 7)).astype(object)

    def cid(keys: np.ndarray) -> np.ndarray:
        return ids[np.searchsorted(used, keys)]

    gender = np.where(rng.random(n_children) < 0.5, "male", "female").astype(object)
    gender[rng.random(n_children) < 0.01] = "unknown"
    children = pd.DataFrame({
        "child_id": pd.array(ids, dtype="string"),
        "birth_date": _to_datetime(child_birth),
        "gender": pd.array(gender, dtype="string"),
        "ethnicity": pd.array(_choice(rng, ETHNICITY_CODES, n_children), dtype="string"),
    })

    src_codes = np.array(codes, dtype=object)
    referrals = pd.DataFrame({
        "child_id": pd.array(cid(r_root), dtype="string"),
        "referral_date": _to_datetime(r_day),
        "source": pd.array(src_codes[ref_src[r]], dtype="string"),
        "nfa": nfa[r],
        "age": age[r],
        "uasc": uasc[r],
    })
    rc_idx = np.flatnonzero(rc_mask)
    contacts = pd.DataFrame({
        "child_id": np.concatenate([cid(r_root[rc_idx]), cid(x_child)]),
        "contact_date": np.concatenate([r_day[rc_idx] - rng.integers(0, 3, len(rc_idx)), x_day]),
        "source": np.concatenate([src_codes[ref_src[r[rc_idx]]], src_codes[x_src]]),
    }).sort_values(["contact_date", "child_id"], kind="stable").reset_index(drop=True)
    contacts["contact_date"] = _to_datetime(contacts["contact_date"].to_numpy())
    contacts["child_id"] = contacts["child_id"].astype("string")
    contacts["source"] = contacts["source"].astype("string")

    auth_missing = a_auth > d_end
    assessments = pd.DataFrame({
        "child_id": pd.array(cid(r_root[assessed]), dtype="string"),
        "start_date": _to_datetime(a_start[assessed]),
        "authorised_date": _to_datetime(a_auth[assessed], auth_missing[assessed]),
        "needs_support": np.where(auth_missing, False, needs)[assessed],
    })
    s47 = pd.DataFrame({
        "child_id": pd.array(cid(r_root[s47_any]), dtype="string"),
        "start_date": _to_datetime(s47_start[s47_any]),
        "icpc_date": _to_datetime(icpc_day[s47_any], (~icpc_happens | (icpc_day > d_end))[s47_any]),
        "icpc_plan": has_cp[r][s47_any],
    })
    cin_open = cin_end > d_end
    cin = pd.DataFrame({
        "child_id": pd.array(cid(r_root), dtype="string"),
        "start_date": _to_datetime(r_day),
        "end_date": _to_datetime(cin_end, cin_open),
        "primary_need": pd.array(_choice(rng, _CIN_NEED, m), dtype="string"),
        "closure_reason": pd.array(np.where(cin_open, None, closure), dtype="string"),
    })

    k = len(cp_rows)
    initial = _choice(rng, _ABUSE, k)
    latest = np.where(rng.random(k) < 0.9, initial, _choice(rng, _ABUSE, k))
    cp_open = cp_end[cp_rows] > d_end
    cp_plans = pd.DataFrame({
        "child_id": pd.array(cid(root[cp_rows]), dtype="string"),
        "start_date": _to_datetime(cp_start[cp_rows]),
        "end_date": _to_datetime(cp_end[cp_rows], cp_open),
        "initial_category": pd.array(initial, dtype="string"),
        "latest_category": pd.array(latest, dtype="string"),
        "previous_plans": prev_plans,
    }).sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)

    care_periods = _care_table(rng, p, care_rows, root, birth, cla_start, cla_end, reached18, uasc,
                               care_prev_end, d_end, cid, sb_child, sb_start, sb_birth, sb_end, sb_status)
    referrals = referrals.sort_values(["referral_date", "child_id"], kind="stable").reset_index(drop=True)
    # one event per child, date (and source) as an LA system would hold it
    contacts = contacts.drop_duplicates(["child_id", "contact_date", "source"]).reset_index(drop=True)
    referrals = referrals.drop_duplicates(["child_id", "referral_date", "source"]).reset_index(drop=True)
    assessments = assessments.drop_duplicates(["child_id", "start_date"]).reset_index(drop=True)
    s47 = s47.drop_duplicates(["child_id", "start_date"]).reset_index(drop=True)
    cin = cin.drop_duplicates(["child_id", "start_date"]).reset_index(drop=True)
    return World(params=p, seed=seed, shocks=shock_list, start=start_ts, end=end_ts, children=children,
                 contacts=contacts, referrals=referrals, assessments=assessments, s47=s47, cin=cin,
                 cp_plans=cp_plans, care_periods=care_periods, preset=preset_name)


def _care_table(rng: np.random.Generator, p: SynthParams, rows: np.ndarray, root: np.ndarray, birth: np.ndarray,
                start: np.ndarray, end: np.ndarray, reached18: np.ndarray, uasc: np.ndarray,
                prev_end: np.ndarray, d_end: int, cid, sb_child: np.ndarray, sb_start: np.ndarray,
                sb_birth: np.ndarray, sb_end: np.ndarray, sb_status: np.ndarray) -> pd.DataFrame:
    """The periods of care (and short breaks): reasons, legal status, need and placements by age."""
    k = len(rows)
    s, e, b = start[rows], end[rows], birth[rows]
    at18 = reached18[rows] | (e >= birthday_days(b, 18))
    is_uasc = uasc[rows]
    age_end = age_years(b, e)
    dur = e - s
    u = rng.random(k)
    young = age_end < 6
    short_reason = _pick(u, (("E4A", 0.75), ("E4B", 0.10), ("E13", 0.08), ("E8", 0.07)))
    young_reason = _pick(u, (("E11", 0.30), ("E12", 0.10), ("E45", 0.12), ("E46", 0.05), ("E47", 0.05),
                             ("E48", 0.03), ("E41", 0.03), ("E4A", 0.27), ("E8", 0.05)))
    older_reason = _pick(u, (("E4A", 0.45), ("E13", 0.10), ("E45", 0.10), ("E9", 0.07), ("E14", 0.08),
                             ("E3", 0.05), ("E16", 0.05), ("E8", 0.10)))
    reason = np.where(dur < 200, short_reason, np.where(young, young_reason, older_reason))
    reason18 = _pick(u, (("E5", 0.45), ("E6", 0.15), ("E17", 0.30), ("E7", 0.05), ("E8", 0.05)))
    reason = np.where(at18, reason18, reason).astype(object)
    adopted = np.isin(reason, ["E11", "E12"])
    u2 = rng.random(k)
    legal = np.where(adopted, "E1", np.where(is_uasc, "V2", np.where(u2 < 0.6, "C2", np.where(
        u2 < 0.85, "V2", np.where(u2 < 0.95, "C1", np.where(u2 < 0.98, "J2", "D1"))))))
    need = np.where(is_uasc, "N8", _choice(rng, _CLA_NEED, k))
    # placements: the first at the start; a later one for about half the periods lasting over 3 months
    age_start = age_years(b, s)
    first_type = _placement_by_age(rng, age_start, is_uasc)
    moved = (dur > 90) & (rng.random(k) < 0.55)
    move_day = s + (rng.random(k) * np.maximum(dur, 1)).astype(np.int64)
    age_move = age_years(b, move_day)
    later_type = np.where(adopted, np.array(["A3", "A4", "A5", "A6"], dtype=object)[rng.integers(0, 4, k)],
                          _placement_by_age(rng, age_move, is_uasc))
    placement_type = np.where(moved, later_type, first_type)
    placement_start = np.where(moved, move_day, s)
    open_ = e > d_end
    subsequent = (prev_end > np.iinfo(np.int64).min) & (s - np.maximum(prev_end, s - 10**6) <= 365)
    care = pd.DataFrame({
        "child_id": cid(root[rows]), "start_date": s, "end_date": e, "open": open_,
        "reason_ceased": np.where(open_, None, reason), "legal_status": legal, "category_of_need": need,
        "first_placement_type": first_type, "placement_type": placement_type,
        "placement_start_date": placement_start, "uasc": is_uasc, "subsequent_period_12m": subsequent,
    })
    n_sb = len(sb_start)
    breaks = pd.DataFrame({
        "child_id": cid(sb_child), "start_date": sb_start, "end_date": sb_end, "open": sb_end > d_end,
        "reason_ceased": np.where(sb_end > d_end, None, "E8"), "legal_status": sb_status,
        "category_of_need": np.full(n_sb, "N2", dtype=object),
        "first_placement_type": np.full(n_sb, "R1", dtype=object),
        "placement_type": np.full(n_sb, "R1", dtype=object), "placement_start_date": sb_start,
        "uasc": np.zeros(n_sb, dtype=bool), "subsequent_period_12m": np.zeros(n_sb, dtype=bool),
    })
    out = pd.concat([care, breaks], ignore_index=True)
    open_all = out.pop("open").to_numpy(dtype=bool)
    for col in ("start_date", "end_date", "placement_start_date"):
        out[col] = _to_datetime(out[col].to_numpy(dtype=np.int64), open_all if col == "end_date" else None)
    for col in ("child_id", "reason_ceased", "legal_status", "category_of_need", "first_placement_type",
                "placement_type"):
        out[col] = out[col].astype("string")
    out["uasc"] = out["uasc"].astype(bool)
    out["subsequent_period_12m"] = out["subsequent_period_12m"].astype(bool)
    return out.sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)


_PLACEMENTS_BY_AGE: dict[str, tuple[tuple[str, float], ...]] = {
    "young": (("U1", 0.10), ("U2", 0.08), ("U3", 0.18), ("U4", 0.22), ("U5", 0.07), ("U6", 0.15),
              ("P1", 0.10), ("R3", 0.05), ("Z1", 0.05)),
    "child": (("U1", 0.10), ("U2", 0.06), ("U3", 0.20), ("U4", 0.20), ("U5", 0.08), ("U6", 0.18),
              ("P1", 0.08), ("K2", 0.06), ("Z1", 0.04)),
    "teen": (("U1", 0.06), ("U3", 0.12), ("U4", 0.12), ("U5", 0.05), ("U6", 0.20), ("K2", 0.22),
             ("K1", 0.02), ("R5", 0.03), ("P1", 0.06), ("H5", 0.06), ("S1", 0.02), ("Z1", 0.04)),
    "older": (("U3", 0.06), ("U4", 0.08), ("U6", 0.16), ("K2", 0.14), ("H5", 0.40), ("P2", 0.08),
              ("R5", 0.03), ("P1", 0.03), ("Z1", 0.02)),
    "uasc": (("U4", 0.10), ("U6", 0.20), ("K2", 0.05), ("H5", 0.60), ("P2", 0.05)),
}


def _placement_by_age(rng: np.random.Generator, age: np.ndarray, uasc: np.ndarray) -> np.ndarray:
    """Placement types drawn by age (fostering for most; children's homes for teens; H5 for 16–17)."""
    band = np.where(uasc, "uasc", np.where(age < 5, "young", np.where(age < 12, "child",
                    np.where(age < 16, "teen", "older"))))
    out = np.empty(len(age), dtype=object)
    for name, options in _PLACEMENTS_BY_AGE.items():
        mask = band == name
        if mask.any():
            out[mask] = _choice(rng, options, int(mask.sum()))
    return out
