"""The event simulator: one local authority's children's social care, referral by referral.

The simulation works in whole days (day numbers since 1970-01-01, ``int64``) with vectorised numpy draws from
one seeded :class:`numpy.random.Generator`, so the same seed gives the same world.

How the world is made:

1. **Referrals** arrive as a Poisson process per day and source, with weekday, August, Christmas and Easter
   effects (schools close in their holidays) and the shocks. They start ``warmup_years`` before ``start`` so
   that every stock is at equilibrium on ``start`` (:func:`referral_rates`, :func:`_poisson_events`).
2. **Children**: a referral is either a child's first referral (a new child, its age drawn from the
   age distribution, so children of every age, and the unborn, keep entering) or a re-referral of the child
   of an earlier referral (within 12 months, or 1–5 years later) (:func:`_draw_children`).
3. **Conversions**: non-NFA referrals convert to child protection (CP) plans and to care with
   age-dependent probabilities and lags; some care starts come from children on a plan (the plan ends when
   care starts). A child cannot start a plan while on a plan or in care, nor care while in care. Plans and
   periods of care end at the 18th birthday at the latest (:func:`_draw_outcomes`, :func:`_draw_repeat_plans`,
   :func:`_one_spell_at_a_time`).
4. **Front door**: contacts, assessments, section 47 enquiries and children in need episodes around each
   referral (:func:`_draw_front_door`, :func:`_draw_contacts_only`); then the World's tables, with the LA's
   child IDs (:func:`_draw_tables`).

Only the last two years before ``start`` of the warm-up are kept in the event tables (plus plans and periods
of care still running then), so the lists of any extract taken on or after ``start`` are complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

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
#
# simulate() runs the stages below in turn. Each stage is a function of the stages before it and of the one
# random generator, which it advances by the draws its docstring lists, in that order: moving a draw, or
# running the stages in another order, changes every world made from a seed.

#: Youngest (inclusive) and oldest (exclusive) age in days of a new child, per age group (:data:`AGE_GROUPS`);
#: the unborn are born 7 to 200 days after the event.
_NEW_CHILD_AGE_DAYS_FROM = np.array([-200, 0, 365, 1827, 3653, 5844])
_NEW_CHILD_AGE_DAYS_TO = np.array([-7, 365, 1827, 3653, 5844, 6574])
#: Days before ``start`` from which contacts are kept (the contacts list looks back a year at most).
_CONTACTS_BEFORE_START_DAYS = 366
_NO_DAY_MIN = np.iinfo(np.int64).min
_NO_DAY_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Run:
    """What every stage shares: the parameters, the days simulated (warm-up included) and the referral rates."""

    p: SynthParams
    first_day: int  #: day number of the first day of the warm-up
    start_day: int  #: day number of ``start``
    end_day: int  #: day number of ``end``
    days: np.ndarray  #: every day simulated, ``first_day`` to ``end_day`` (day numbers)
    rates: np.ndarray  #: expected referrals per day and source (days × sources), shocks included
    codes: list[str]  #: the referral source codes, one per column of ``rates``


@dataclass(frozen=True)
class _Referrals:
    """Every referral of the run, warm-up included, in day order (arrays with one value per referral).

    A child is keyed by the index of its first referral (``root``). ``birth_new`` is the birth day drawn for a
    new child at each referral: it is the child's birth day where the referral is the child's first.
    """

    day: np.ndarray  #: referral day (day number)
    source: np.ndarray  #: index into the source codes
    root: np.ndarray  #: the child: index of its first referral
    is_re: np.ndarray  #: a re-referral of the child of an earlier referral
    birth_new: np.ndarray  #: birth day drawn for a new child here (day number)
    birth: np.ndarray  #: the child's birth day (day number)
    birth18: np.ndarray  #: the child's 18th birthday (day number)
    age: np.ndarray  #: the child's age on the referral day (whole years, −1 unborn)
    uasc: np.ndarray  #: an unaccompanied asylum-seeking child arriving (goes straight into care)
    nfa: np.ndarray  #: no further action

    @property
    def non_nfa(self) -> np.ndarray:
        """Referrals that can lead to an assessment, a plan or care (neither NFA nor UASC)."""
        return ~self.nfa & ~self.uasc


@dataclass(frozen=True)
class _Outcomes:
    """Per referral: the child protection plan and the period of care it leads to (days are day numbers).

    Starts and ends are drawn for every referral and mean something only where ``has_cp`` / ``to_care``.
    """

    cp_direct: np.ndarray  #: a plan from the referral that does not lead to care
    via_cp: np.ndarray  #: care that starts from a plan (the plan ends when care starts)
    has_cp: np.ndarray  #: the referral leads to a plan
    cp_start: np.ndarray
    cp_end: np.ndarray
    to_care: np.ndarray  #: the referral leads to care
    cla_start: np.ndarray
    cla_end: np.ndarray
    reached18: np.ndarray  #: the period of care was drawn to last until the 18th birthday (or beyond)


@dataclass(frozen=True)
class _Spells:
    """The plans and periods of care that happen (indices of their referrals), in the lists' window."""

    cp_rows: np.ndarray
    prev_plans: np.ndarray  #: per plan, the number of the child's earlier plans
    care_rows: np.ndarray
    care_prev_end: np.ndarray  #: per period, the end of the child's previous period (int64 min: none)


@dataclass(frozen=True)
class _ShortBreaks:
    """Short breaks (legal status V3/V4, not periods of care): start, end and birth days, and legal status."""

    start: np.ndarray
    end: np.ndarray
    birth: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class _Assessments:
    """Per kept referral: its continuous assessment (days are day numbers)."""

    due: np.ndarray  #: the referral is assessed (the assessment may start after ``end``)
    started: np.ndarray  #: the assessment starts by ``end`` (the ones in the tables)
    start: np.ndarray
    authorised: np.ndarray
    needs: np.ndarray  #: the assessment finds a need for support


@dataclass(frozen=True)
class _S47s:
    """Per kept referral: its section 47 enquiry and initial child protection conference (day numbers)."""

    happens: np.ndarray  #: an enquiry starts by ``end``
    start: np.ndarray
    icpc_happens: np.ndarray  #: a conference is held (it may fall after ``end``)
    icpc_day: np.ndarray


@dataclass(frozen=True)
class _FrontDoor:
    """What happens at the front door for each referral kept in the tables (``rows``)."""

    rows: np.ndarray  #: indices of the referrals kept
    assessments: _Assessments
    s47: _S47s
    cin_end: np.ndarray  #: end of the children in need episode (day number)
    closure: np.ndarray  #: its closure reason (RC7–RC9)


@dataclass(frozen=True)
class _ContactsOnly:
    """Contacts that lead nowhere: day (day number), source index, child key, birth day if a new child."""

    day: np.ndarray
    source: np.ndarray
    child: np.ndarray
    birth_new: np.ndarray


@dataclass(frozen=True)
class _ChildIds:
    """The keys of the children in the tables (sorted) and their LA child IDs ("C0000001"...), in that order."""

    keys: np.ndarray
    ids: np.ndarray

    def of(self, keys: np.ndarray) -> np.ndarray:
        """The child IDs of child keys."""
        return self.ids[np.searchsorted(self.keys, keys)]


def simulate(preset: str | SynthParams = "median", seed: int = 7, *, start: str | pd.Timestamp = "2014-01-01",
             end: str | pd.Timestamp = "2024-12-31", shocks: bool | Sequence[Shock] = True) -> World:
    """Simulate one LA's children's social care from ``start`` to ``end`` (inclusive).

    The same arguments always give the same world. Stocks are at equilibrium on ``start`` (a warm-up of
    ``params.warmup_years`` is simulated and discarded).

    Parameters
    ----------
    preset
        A name in :data:`PRESETS` or a :class:`SynthParams`.
    seed
        Seed of the random generator.
    start, end
        First and last day of the simulation (dates).
    shocks
        ``True`` applies the 2020–21 story (:data:`SHOCKS_2020`), ``False`` none; a sequence of
        :class:`Shock` applies those.

    Returns
    -------
    World
        The event tables of the simulated LA.

    Raises
    ------
    CscDemandError
        For an unknown preset, or an ``end`` not after ``start``.

    Example
    -------
    >>> world = simulate("small", seed=1, start="2019-01-01", end="2019-12-31", shocks=False)
    >>> list(world.cp_plans.columns[:3])
    ['child_id', 'start_date', 'end_date']
    """
    p, preset_name, shock_list, start_ts, end_ts = _arguments(preset, start, end, shocks)
    rng = np.random.default_rng(seed)
    run = _run(p, start_ts, end_ts, shock_list)
    ref = _draw_children(rng, p, *_poisson_events(rng, run.days, run.rates))
    outcomes = _draw_outcomes(rng, p, ref)
    ref, outcomes = _hand_over(ref, outcomes, *_draw_repeat_plans(rng, p, ref, outcomes))
    spells = _one_spell_at_a_time(ref, outcomes)
    breaks = _draw_short_breaks(rng, run)
    spells, breaks = _keep_recent(run, outcomes, spells, breaks)
    door = _draw_front_door(rng, run, ref, outcomes)
    contacts = _draw_contacts_only(rng, run, ref)
    tables = _draw_tables(rng, run, ref, outcomes, spells, door, contacts, breaks)
    return World(params=p, seed=seed, shocks=shock_list, start=start_ts, end=end_ts, preset=preset_name, **tables)


def _arguments(preset: str | SynthParams, start: str | pd.Timestamp, end: str | pd.Timestamp,
               shocks: bool | Sequence[Shock]
               ) -> tuple[SynthParams, str | None, tuple[Shock, ...], pd.Timestamp, pd.Timestamp]:
    """The arguments of :func:`simulate` checked: parameters, preset name, shocks, start and end (midnight)."""
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
    return params, preset_name, shock_list, start_ts, end_ts


def _run(p: SynthParams, start: pd.Timestamp, end: pd.Timestamp, shocks: Sequence[Shock]) -> _Run:
    """The days simulated, from ``warmup_years`` before ``start`` to ``end``, and their referral rates."""
    d_start, d_end = _day(start), _day(end)
    d0 = _day(start - pd.DateOffset(years=p.warmup_years))
    days = np.arange(d0, d_end + 1, dtype=np.int64)
    rates, codes = referral_rates(days, p, shocks)
    return _Run(p=p, first_day=d0, start_day=d_start, end_day=d_end, days=days, rates=rates, codes=codes)


# --- stage 1: referrals and their children ---------------------------------------------------------------------

def _poisson_events(rng: np.random.Generator, days: np.ndarray, rates: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Events drawn as a Poisson count per day and source: their day numbers and source indices, in day order.

    Draws: a Poisson count per day and source (``rates`` is days × sources, in events per day).
    """
    n_sources = rates.shape[1]
    counts = rng.poisson(rates).ravel()
    day = np.repeat(np.repeat(days, n_sources), counts)
    source = np.repeat(np.tile(np.arange(n_sources), len(days)), counts)
    return day, source


def _draw_new_birth_days(rng: np.random.Generator, p: SynthParams, on_days: np.ndarray) -> np.ndarray:
    """Birth days (day numbers) of new children first seen on ``on_days``, by the first-referral age shares.

    Draws: an age group per child, then an age in days within the group.
    """
    group = rng.choice(len(AGE_GROUPS), size=len(on_days), p=np.array(p.first_referral_age_shares) /
                       sum(p.first_referral_age_shares))
    return on_days - rng.integers(_NEW_CHILD_AGE_DAYS_FROM[group], _NEW_CHILD_AGE_DAYS_TO[group])


def _draw_children(rng: np.random.Generator, p: SynthParams, day: np.ndarray, source: np.ndarray) -> _Referrals:
    """Whose referral each one is: a new child's first referral, or a re-referral of an earlier referral's child.

    Re-referrals come within 12 months (7 days or more) or 1–5 years after the earlier referral.
    Draws: the kind of referral, the gap back within 12 months, the gap back of 1–5 years, a new child's
    birth day (:func:`_draw_new_birth_days`), then whether a UASC and whether NFA.
    """
    n = len(day)
    u_kind = rng.random(n)
    gap = np.where(u_kind < p.rereferral_12m_share, np.minimum(7 + rng.gamma(1.1, 100.0, n), 365),
                   rng.integers(366, 1826, n)).astype(np.int64)
    is_re = u_kind < p.rereferral_12m_share + p.rereferral_later_share
    prev = np.searchsorted(day, day - gap, side="right") - 1
    is_re &= prev >= 0
    birth_new = _draw_new_birth_days(rng, p, day)
    birth18_new = birthday_days(birth_new, 18)
    root, is_re = _roots(prev, is_re, day, birth18_new)
    birth, birth18 = birth_new[root], birth18_new[root]
    age = age_years(birth, day)
    uasc = (~is_re) & (age >= 15) & (rng.random(n) < p.uasc_share_of_15_17)
    nfa = (rng.random(n) < p.nfa_share) & ~uasc
    return _Referrals(day=day, source=source, root=root, is_re=is_re, birth_new=birth_new, birth=birth,
                      birth18=birth18, age=age, uasc=uasc, nfa=nfa)


def _roots(prev: np.ndarray, is_re: np.ndarray, day: np.ndarray, birth18_new: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Each referral's child (the index of its first referral, following re-referrals back) and the re-referrals.

    ``prev`` is the earlier referral a re-referral (``is_re``) refers again. A re-referral on or after its
    child's 18th birthday (``birth18_new`` of the first referral, a day number) becomes a new child's first
    referral instead, until none is left. No draws.
    """
    idx = np.arange(len(day))
    while True:
        root = np.where(is_re, prev, idx)
        while True:
            nxt = root[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        too_old = is_re & (day >= birth18_new[root])
        if not too_old.any():
            return root, is_re
        is_re = is_re & ~too_old


# --- stage 2: child protection plans and care --------------------------------------------------------------

def _draw_outcomes(rng: np.random.Generator, p: SynthParams, ref: _Referrals) -> _Outcomes:
    """The CP plan and the period of care each referral leads to, none starting on or after the 18th birthday.

    A plan ends when care from it starts; plans and periods of care end at the 18th birthday at the latest.
    Draws: :func:`_draw_conversions`, :func:`_draw_plan_days`, :func:`_draw_care_start_days`, then
    :func:`_draw_care_end_days`.
    """
    cp_direct, via_cp, to_care = _draw_conversions(rng, p, ref)
    cp_start, cp_end = _draw_plan_days(rng, p, ref.day)
    cla_start = _draw_care_start_days(rng, p, ref, cp_start, via_cp)
    to_care = (to_care | ref.uasc) & (cla_start < ref.birth18)
    cp_end = np.where(via_cp & to_care, np.minimum(cp_end, cla_start), cp_end)
    has_cp = (cp_direct | via_cp) & (cp_start < ref.birth18)
    cp_end = np.minimum(cp_end, ref.birth18)
    cla_end, reached18 = _draw_care_end_days(rng, p, ref, cla_start)
    return _Outcomes(cp_direct=cp_direct, via_cp=via_cp, has_cp=has_cp, cp_start=cp_start, cp_end=cp_end,
                     to_care=to_care, cla_start=cla_start, cla_end=cla_end, reached18=reached18)


def _draw_conversions(rng: np.random.Generator, p: SynthParams, ref: _Referrals
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which non-NFA referrals lead to a plan only, to care from a plan, and to care (age-dependent).

    The probabilities are scaled so that all referrals give ``cp_per_referral`` plans and
    ``cla_per_referral`` care starts on average. Draws: a uniform each for the plan, care and care from a plan.
    """
    n = len(ref.day)
    non_nfa = ref.non_nfa
    nn = max(non_nfa.sum(), 1)
    group = _age_group(ref.age)
    cp_ratio = np.array(p.cp_age_ratio)[group]
    cla_ratio = np.array(p.cla_age_ratio)[group]
    p_cla = p.cla_per_referral * cla_ratio / cla_ratio[non_nfa].mean() * n / nn
    direct_cp_rate = max(p.cp_per_referral - p.cla_per_referral * p.cla_via_cp_share, 0.0)
    p_cp = direct_cp_rate * cp_ratio / cp_ratio[non_nfa].mean() * n / nn
    u_cp, u_cla, u_via = rng.random(n), rng.random(n), rng.random(n)
    to_care = non_nfa & (u_cla < p_cla)
    via_cp = to_care & (u_via < p.cla_via_cp_share)
    cp_direct = non_nfa & ~to_care & (u_cp < p_cp)
    return cp_direct, via_cp, to_care


def _draw_plan_days(rng: np.random.Generator, p: SynthParams, ref_day: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (day numbers) of a plan from each referral: 10 to 120 days on, then short or log-normal.

    Draws: the lag, whether a short plan, a short plan's length (14–91 days), then a long plan's length.
    """
    n = len(ref_day)
    cp_lag = np.minimum(10 + rng.gamma(2.0, max(p.cp_lag_mean_days - 10, 1) / 2.0, n), 120).astype(np.int64)
    cp_start = ref_day + cp_lag
    short = rng.random(n) < p.cp_short_share
    cp_dur = np.where(short, rng.integers(14, 92, n),
                      np.exp(np.log(p.cp_long_median_days) + p.cp_long_sigma * rng.standard_normal(n)))
    return cp_start, cp_start + np.clip(cp_dur, 1, p.cp_max_days).astype(np.int64)


def _draw_care_start_days(rng: np.random.Generator, p: SynthParams, ref: _Referrals, cp_start: np.ndarray,
                          via_cp: np.ndarray) -> np.ndarray:
    """Day number care would start from each referral: at once or within a year, after a plan, or for a UASC.

    Care never starts before birth. Draws: whether at once, the lag if at once (0–7 days), the lag if not
    (gamma, at most a year), the time on the plan before care (at most 540 days), then a UASC's lag (0–2 days).
    """
    n = len(ref.day)
    immediate = rng.random(n) < p.cla_immediate_share
    cla_lag = np.where(immediate, rng.integers(0, 8, n),
                       np.minimum(rng.gamma(2.0, p.cla_lag_mean_days / 2.0, n), 365)).astype(np.int64)
    cla_start = np.where(via_cp, cp_start + np.minimum(rng.gamma(2.0, 60.0, n), 540).astype(np.int64),
                         ref.day + cla_lag)
    cla_start = np.where(ref.uasc, ref.day + rng.integers(0, 3, n), cla_start)
    return np.maximum(cla_start, ref.birth)


def _draw_care_end_days(rng: np.random.Generator, p: SynthParams, ref: _Referrals, cla_start: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """End (day number, at the 18th birthday at the latest) of care from each referral, and whether it was
    drawn to last until the 18th birthday.

    Durations depend on the age at entry. Draws: whether a short period, whether until 18, a short period's
    length (log-normal, median 60 days), then a medium one's.
    """
    n = len(cla_start)
    entry_group = _age_group(age_years(ref.birth, cla_start))
    u_dur = rng.random(n)
    until18 = (u_dur >= p.cla_short_share) & (
        rng.random(n) < np.where(ref.uasc, 0.85, np.array(p.cla_until_18_share)[entry_group]))
    cla_dur = np.where(u_dur < p.cla_short_share,
                       np.exp(np.log(60.0) + 0.9 * rng.standard_normal(n)),
                       np.exp(np.log(p.cla_medium_median_days) + p.cla_medium_sigma * rng.standard_normal(n)))
    cla_end = np.where(until18, ref.birth18, cla_start + np.maximum(cla_dur, 1).astype(np.int64))
    return np.minimum(cla_end, ref.birth18), cla_end >= ref.birth18


def _draw_repeat_plans(rng: np.random.Generator, p: SynthParams, ref: _Referrals, outcomes: _Outcomes
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Repeat plans: pairs (ended, taken) of referral indices.

    Some children whose plan ended (not by care, and over a year before 18) come back 3 months to a few years
    later for another plan: the child of ``ended`` takes the place of the child of ``taken``, a new child's
    plan-starting referral within 60 days after that, so the totals do not change.
    Draws: which ended plans come back, then how long after.
    """
    single = np.bincount(ref.root, minlength=len(ref.day)) == 1
    o = outcomes
    cand = np.flatnonzero(o.cp_direct & single & ~ref.is_re & (o.cp_start < ref.birth18))
    ended = np.flatnonzero(o.has_cp & ~(o.via_cp & o.to_care) & (o.cp_end < ref.birth18 - 365))
    ended = ended[rng.random(len(ended)) < p.cp_repeat_share]
    target = o.cp_end[ended] + (90 + rng.gamma(1.5, 300.0, len(ended))).astype(np.int64)
    pos = np.searchsorted(ref.day[cand], target)
    ok = pos < len(cand)
    ended, pos = ended[ok], pos[ok]
    taken = cand[pos]
    ok = (ref.day[taken] - target[ok] < 60) & (ref.day[taken] < ref.birth18[ended] - 30)
    ended, taken = ended[ok], taken[ok]
    taken, first_use = np.unique(taken, return_index=True)
    return ended[first_use], taken


def _hand_over(ref: _Referrals, outcomes: _Outcomes, ended: np.ndarray, taken: np.ndarray
               ) -> tuple[_Referrals, _Outcomes]:
    """The referrals ``taken`` become referrals of the child of ``ended`` (key, birth and age), and plans and
    care are cut again at each child's 18th birthday. No draws."""
    root, birth, birth18, age = ref.root.copy(), ref.birth.copy(), ref.birth18.copy(), ref.age.copy()
    root[taken] = root[ended]
    birth[taken], birth18[taken] = birth[ended], birth18[ended]
    age[taken] = age_years(birth[taken], ref.day[taken])
    cla_start = np.maximum(outcomes.cla_start, birth)
    return (replace(ref, root=root, birth=birth, birth18=birth18, age=age),
            replace(outcomes, has_cp=outcomes.has_cp & (outcomes.cp_start < birth18),
                    to_care=outcomes.to_care & (cla_start < birth18), cla_start=cla_start,
                    cp_end=np.minimum(outcomes.cp_end, birth18), cla_end=np.minimum(outcomes.cla_end, birth18)))


def _one_spell_at_a_time(ref: _Referrals, outcomes: _Outcomes) -> _Spells:
    """The plans and periods of care that happen: a child cannot start care while in care, nor a plan while on
    a plan or in care.

    A care start that was meant to follow a plan dropped here still happens (straight from the referral).
    No draws.
    """
    root, o = ref.root, outcomes
    care_rows = np.flatnonzero(o.to_care)
    care_rows = care_rows[_keep_first_per_child(root[care_rows], o.cla_start[care_rows], o.cla_end[care_rows])]
    cp_rows = np.flatnonzero(o.has_cp)
    in_care = _in_spell(root[cp_rows], o.cp_start[cp_rows], root[care_rows], o.cla_start[care_rows],
                        o.cla_end[care_rows])
    cp_rows = cp_rows[~in_care]
    cp_rows = cp_rows[_keep_first_per_child(root[cp_rows], o.cp_start[cp_rows], o.cp_end[cp_rows])]
    prev_plans, _ = _previous_per_child(root[cp_rows], o.cp_start[cp_rows], o.cp_end[cp_rows])
    _, care_prev_end = _previous_per_child(root[care_rows], o.cla_start[care_rows], o.cla_end[care_rows])
    return _Spells(cp_rows=cp_rows, prev_plans=prev_plans, care_rows=care_rows, care_prev_end=care_prev_end)


def _draw_short_breaks(rng: np.random.Generator, run: _Run) -> _ShortBreaks:
    """Short breaks over the whole run: separate children (disabled, aged 5–17), a few days each.

    Draws: how many, their start days, the children's ages in days, the lengths (1–5 days), then V3 or V4.
    """
    p = run.p
    years_total = len(run.days) / 365.25
    n_sb = rng.poisson(p.short_breaks_per_referral * p.referrals_per_year * years_total)
    start = rng.integers(run.first_day, run.end_day + 1, n_sb)
    birth = start - rng.integers(5 * 366, 17 * 365, n_sb)
    end = start + rng.integers(1, 6, n_sb)
    status = np.where(rng.random(n_sb) < 0.6, "V3", "V4")
    return _ShortBreaks(start=start, end=end, birth=birth, status=status)


def _keep_from_day(run: _Run) -> int:
    """Day number from which events are kept in the tables (what the lists of an extract on ``start`` need)."""
    return run.start_day - _KEEP_BEFORE_START_DAYS


def _keep_recent(run: _Run, outcomes: _Outcomes, spells: _Spells, breaks: _ShortBreaks
                 ) -> tuple[_Spells, _ShortBreaks]:
    """The plans, periods of care and short breaks running at some time from the keep-from day to ``end``."""
    keep_from, end_day = _keep_from_day(run), run.end_day
    cp, care = spells.cp_rows, spells.care_rows
    cp_keep = (outcomes.cp_end[cp] >= keep_from) & (outcomes.cp_start[cp] <= end_day)
    care_keep = (outcomes.cla_end[care] >= keep_from) & (outcomes.cla_start[care] <= end_day)
    sb_keep = (breaks.end >= keep_from) & (breaks.start <= end_day)
    return (_Spells(cp_rows=cp[cp_keep], prev_plans=spells.prev_plans[cp_keep], care_rows=care[care_keep],
                    care_prev_end=spells.care_prev_end[care_keep]),
            _ShortBreaks(start=breaks.start[sb_keep], end=breaks.end[sb_keep], birth=breaks.birth[sb_keep],
                         status=breaks.status[sb_keep]))


# --- stage 3: the front door ---------------------------------------------------------------------------------

def _draw_front_door(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes) -> _FrontDoor:
    """Assessments, section 47 enquiries and children in need episodes of the referrals kept in the tables.

    Nothing starts after ``end``. Draws: :func:`_draw_assessments`, :func:`_draw_s47s`, then
    :func:`_draw_cin_ends`.
    """
    rows = np.flatnonzero(ref.day >= _keep_from_day(run))
    assessments = _draw_assessments(rng, run, ref, outcomes, rows)
    s47 = _draw_s47s(rng, run, ref, outcomes, rows, assessments)
    cin_end, closure = _draw_cin_ends(rng, run.p, ref, outcomes, rows, assessments)
    return _FrontDoor(rows=rows, assessments=assessments, s47=s47, cin_end=cin_end, closure=closure)


def _draw_assessments(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes,
                      rows: np.ndarray) -> _Assessments:
    """The assessment of each referral ``rows``: every referral leading to a plan or care, and a share of the
    other non-NFA ones; it starts 0–3 days after the referral.

    Draws: whether assessed, the start lag, the days to authorisation (log-normal, at most 90), then whether
    a need for support is found.
    """
    p, m = run.p, len(rows)
    serious = outcomes.has_cp[rows] | outcomes.to_care[rows]
    due = (ref.non_nfa[rows] & (rng.random(m) < p.assessment_share)) | serious
    start = ref.day[rows] + rng.integers(0, 4, m)
    authorised = start + np.minimum(np.exp(np.log(p.assessment_median_days) + 0.5 * rng.standard_normal(m)),
                                    90).astype(np.int64)
    needs = serious | (rng.random(m) < p.assessment_needs_support_share)
    return _Assessments(due=due, started=due & (start <= run.end_day), start=start, authorised=authorised,
                        needs=needs)


def _draw_s47s(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes, rows: np.ndarray,
               assessments: _Assessments) -> _S47s:
    """The section 47 enquiry of each referral ``rows``: every plan and care start (but UASC), and a share of
    the other assessed referrals; and its initial conference (on the plan's start day when a plan follows).

    Draws: whether an extra enquiry, the start lag before a plan, the start lag after the assessment,
    whether a conference without a plan, then its lag.
    """
    m, day = len(rows), ref.day[rows]
    has_cp, cp_start = outcomes.has_cp[rows], outcomes.cp_start[rows]
    serious = has_cp | outcomes.to_care[rows]
    happens = serious & ~ref.uasc[rows] | (assessments.due & (rng.random(m) < run.p.extra_s47_share))
    start = np.where(has_cp, np.minimum(day + rng.integers(0, 6, m), cp_start - 5),
                     assessments.start + rng.integers(0, 10, m))
    icpc_happens = has_cp | (rng.random(m) < 0.4)
    icpc_day = np.where(has_cp, cp_start, start + 10 + rng.integers(0, 15, m))
    return _S47s(happens=happens & (start <= run.end_day), start=start, icpc_happens=icpc_happens,
                 icpc_day=icpc_day)


def _draw_cin_ends(rng: np.random.Generator, p: SynthParams, ref: _Referrals, outcomes: _Outcomes,
                   rows: np.ndarray, assessments: _Assessments) -> tuple[np.ndarray, np.ndarray]:
    """End (day number) and closure reason of the children in need episode from each referral ``rows``.

    The episode runs from the referral until the support ends: the plan's or care's end, or a log-normal time
    after the assessment; at once for NFA, within a month without an assessment, and at authorisation when
    no need is found. It ends by the child's next referral and 18th birthday.
    Draws: the support time, the days to close without an assessment, then RC9 or RC7 (RC8: no need).
    """
    m, day, a = len(rows), ref.day[rows], assessments
    has_cp, to_care, nfa = outcomes.has_cp[rows], outcomes.to_care[rows], ref.nfa[rows]
    support_end = np.where(has_cp, outcomes.cp_end[rows], np.where(to_care, outcomes.cla_end[rows],
                           a.authorised + np.exp(np.log(p.cin_support_median_days) + 0.7 * rng.standard_normal(m))
                           .astype(np.int64)))
    cin_end = np.where(nfa, day, np.where(~a.started, day + rng.integers(1, 30, m),
                                          np.where(a.needs, support_end, a.authorised)))
    cin_end = np.minimum(np.minimum(cin_end, _next_referral_day(ref.root[rows], day)), ref.birth18[rows])
    cin_end = np.maximum(cin_end, day)
    closure = np.where(nfa | (a.started & ~a.needs), "RC8", np.where(rng.random(m) < 0.15, "RC9", "RC7"))
    return cin_end, closure


def _next_referral_day(child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Day number of the same child's next referral (int64 max for the last), per referral."""
    order = np.lexsort((day, child))
    c, d = child[order], day[order]
    nxt = np.full(len(day), _NO_DAY_MAX)
    nxt[:-1] = np.where(c[1:] == c[:-1], d[1:], _NO_DAY_MAX)
    out = np.empty(len(day), dtype=np.int64)
    out[order] = nxt
    return out


def _draw_contacts_only(rng: np.random.Generator, run: _Run, ref: _Referrals) -> _ContactsOnly:
    """Contacts that lead nowhere, from a year before ``start``: ``contacts_per_referral`` − 1 per referral, at
    the referral rates; 40% are about a child referred in the 3 years before (if still under 18), the rest
    about new children (keyed after the referrals).

    Draws: :func:`_poisson_events`, the look-back, whether a known child, then a new child's birth day.
    """
    p, n = run.p, len(ref.day)
    recent = run.days >= run.start_day - _CONTACTS_BEFORE_START_DAYS
    day, source = _poisson_events(rng, run.days[recent],
                                  run.rates[recent] * max(p.contacts_per_referral - 1.0, 0.0))
    nx = len(day)
    pick = np.searchsorted(ref.day, day - rng.integers(1, 1096, nx), side="right") - 1
    known = (rng.random(nx) < 0.4) & (pick >= 0)
    pick = np.clip(pick, 0, None)
    known &= day < ref.birth18[ref.root[pick]]
    birth_new = _draw_new_birth_days(rng, p, day)
    child = np.where(known, ref.root[pick], n + np.arange(nx))
    return _ContactsOnly(day=day, source=source, child=child, birth_new=birth_new)


# --- stage 4: the World's tables -----------------------------------------------------------------------------

def _draw_tables(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes, spells: _Spells,
                 door: _FrontDoor, contacts: _ContactsOnly, breaks: _ShortBreaks) -> dict[str, pd.DataFrame]:
    """The World's tables, by field name, with LA child IDs numbered in the order of the children's keys.

    Children are keyed by their first referral's index, then come contact-only children, then short breaks.
    Draws, in this order: :func:`_children_table`, :func:`_contacts_table`, :func:`_cin_table`,
    :func:`_cp_table`, then :func:`_care_table`.
    """
    rows = door.rows
    sb_child = len(ref.day) + len(contacts.day) + np.arange(len(breaks.start))
    used = np.unique(np.concatenate([ref.root[rows], ref.root[spells.cp_rows], ref.root[spells.care_rows],
                                     contacts.child, sb_child]))
    ids = _ChildIds(keys=used, ids=_la_child_ids(len(used)))
    birth = np.concatenate([ref.birth_new, contacts.birth_new, breaks.birth])[used]
    children = _children_table(rng, ids, birth)
    contacts_table = _contacts_table(rng, run, ref, rows, contacts, ids)
    cin = _cin_table(rng, run, ref, door, ids)
    cp_plans = _cp_table(rng, run, ref, outcomes, spells, ids)
    care_periods = _care_table(rng, run, ref, outcomes, spells, ids, breaks, sb_child)
    return {"children": children, "contacts": contacts_table, "referrals": _referrals_table(run, ref, rows, ids),
            "assessments": _assessments_table(run, ref, door, ids),
            "s47": _s47_table(run, ref, outcomes, door, ids), "cin": cin, "cp_plans": cp_plans,
            "care_periods": care_periods}


def _la_child_ids(n_children: int) -> np.ndarray:
    """LA child IDs "C0000001", "C0000002"... (object array)."""
    return np.char.add("C", np.char.zfill(np.arange(1, n_children + 1).astype(str), 7)).astype(object)


def _one_event_per_child(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One event per child and date (and source) as an LA system would hold it: the first of each kept."""
    return table.drop_duplicates(columns).reset_index(drop=True)


def _children_table(rng: np.random.Generator, ids: _ChildIds, birth: np.ndarray) -> pd.DataFrame:
    """The children: ID, birth date (from day numbers), gender and ethnicity.

    Draws: male or female, whether gender unknown (1%), then the ethnicity.
    """
    n_children = len(ids.ids)
    gender = np.where(rng.random(n_children) < 0.5, "male", "female").astype(object)
    gender[rng.random(n_children) < 0.01] = "unknown"
    return pd.DataFrame({
        "child_id": pd.array(ids.ids, dtype="string"),
        "birth_date": _to_datetime(birth),
        "gender": pd.array(gender, dtype="string"),
        "ethnicity": pd.array(_choice(rng, ETHNICITY_CODES, n_children), dtype="string"),
    })


def _referrals_table(run: _Run, ref: _Referrals, rows: np.ndarray, ids: _ChildIds) -> pd.DataFrame:
    """The referrals ``rows``, in date order. No draws."""
    referrals = pd.DataFrame({
        "child_id": pd.array(ids.of(ref.root[rows]), dtype="string"),
        "referral_date": _to_datetime(ref.day[rows]),
        "source": pd.array(np.array(run.codes, dtype=object)[ref.source[rows]], dtype="string"),
        "nfa": ref.nfa[rows],
        "age": ref.age[rows],
        "uasc": ref.uasc[rows],
    }).sort_values(["referral_date", "child_id"], kind="stable").reset_index(drop=True)
    return _one_event_per_child(referrals, ["child_id", "referral_date", "source"])


def _contacts_table(rng: np.random.Generator, run: _Run, ref: _Referrals, rows: np.ndarray,
                    contacts: _ContactsOnly, ids: _ChildIds) -> pd.DataFrame:
    """The contacts from a year before ``start``: one 0–2 days before each referral ``rows``, and the contacts
    that lead nowhere; in date order. Draws: the days from each referral's contact to the referral.
    """
    src_codes = np.array(run.codes, dtype=object)
    with_contact = rows[ref.day[rows] >= run.start_day - _CONTACTS_BEFORE_START_DAYS]
    table = pd.DataFrame({
        "child_id": np.concatenate([ids.of(ref.root[with_contact]), ids.of(contacts.child)]),
        "contact_date": np.concatenate([ref.day[with_contact] - rng.integers(0, 3, len(with_contact)),
                                        contacts.day]),
        "source": np.concatenate([src_codes[ref.source[with_contact]], src_codes[contacts.source]]),
    }).sort_values(["contact_date", "child_id"], kind="stable").reset_index(drop=True)
    table["contact_date"] = _to_datetime(table["contact_date"].to_numpy())
    table["child_id"] = table["child_id"].astype("string")
    table["source"] = table["source"].astype("string")
    return _one_event_per_child(table, ["child_id", "contact_date", "source"])


def _assessments_table(run: _Run, ref: _Referrals, door: _FrontDoor, ids: _ChildIds) -> pd.DataFrame:
    """The assessments started by ``end`` (not yet authorised: no date, no need found). No draws."""
    a, rows = door.assessments, door.rows
    auth_missing = a.authorised > run.end_day
    return _one_event_per_child(pd.DataFrame({
        "child_id": pd.array(ids.of(ref.root[rows][a.started]), dtype="string"),
        "start_date": _to_datetime(a.start[a.started]),
        "authorised_date": _to_datetime(a.authorised[a.started], auth_missing[a.started]),
        "needs_support": np.where(auth_missing, False, a.needs)[a.started],
    }), ["child_id", "start_date"])


def _s47_table(run: _Run, ref: _Referrals, outcomes: _Outcomes, door: _FrontDoor, ids: _ChildIds
               ) -> pd.DataFrame:
    """The section 47 enquiries started by ``end`` (conference date only if held by ``end``). No draws."""
    s, rows = door.s47, door.rows
    return _one_event_per_child(pd.DataFrame({
        "child_id": pd.array(ids.of(ref.root[rows][s.happens]), dtype="string"),
        "start_date": _to_datetime(s.start[s.happens]),
        "icpc_date": _to_datetime(s.icpc_day[s.happens],
                                  (~s.icpc_happens | (s.icpc_day > run.end_day))[s.happens]),
        "icpc_plan": outcomes.has_cp[rows][s.happens],
    }), ["child_id", "start_date"])


def _cin_table(rng: np.random.Generator, run: _Run, ref: _Referrals, door: _FrontDoor, ids: _ChildIds
               ) -> pd.DataFrame:
    """The children in need episodes, one per kept referral (open ones: no end, no closure reason).

    Draws: the primary need.
    """
    rows = door.rows
    cin_open = door.cin_end > run.end_day
    return _one_event_per_child(pd.DataFrame({
        "child_id": pd.array(ids.of(ref.root[rows]), dtype="string"),
        "start_date": _to_datetime(ref.day[rows]),
        "end_date": _to_datetime(door.cin_end, cin_open),
        "primary_need": pd.array(_choice(rng, _CIN_NEED, len(rows)), dtype="string"),
        "closure_reason": pd.array(np.where(cin_open, None, door.closure), dtype="string"),
    }), ["child_id", "start_date"])


def _cp_table(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes, spells: _Spells,
              ids: _ChildIds) -> pd.DataFrame:
    """The child protection plans in date order (open ones: no end), with their categories of abuse.

    Draws: the initial category, whether the latest is the same (90%), then the latest category otherwise.
    """
    rows, k = spells.cp_rows, len(spells.cp_rows)
    initial = _choice(rng, _ABUSE, k)
    latest = np.where(rng.random(k) < 0.9, initial, _choice(rng, _ABUSE, k))
    cp_open = outcomes.cp_end[rows] > run.end_day
    return pd.DataFrame({
        "child_id": pd.array(ids.of(ref.root[rows]), dtype="string"),
        "start_date": _to_datetime(outcomes.cp_start[rows]),
        "end_date": _to_datetime(outcomes.cp_end[rows], cp_open),
        "initial_category": pd.array(initial, dtype="string"),
        "latest_category": pd.array(latest, dtype="string"),
        "previous_plans": spells.prev_plans,
    }).sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)


def _care_table(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes, spells: _Spells,
                ids: _ChildIds, breaks: _ShortBreaks, sb_child: np.ndarray) -> pd.DataFrame:
    """The periods of care and short breaks (children keyed ``sb_child``), in date order (open ones: no end,
    no reason ceased). Draws: :func:`_periods_of_care`.
    """
    care = _periods_of_care(rng, run, ref, outcomes, spells, ids)
    n_sb = len(breaks.start)
    sb_open = breaks.end > run.end_day
    short_breaks = pd.DataFrame({
        "child_id": ids.of(sb_child), "start_date": breaks.start, "end_date": breaks.end, "open": sb_open,
        "reason_ceased": np.where(sb_open, None, "E8"), "legal_status": breaks.status,
        "category_of_need": np.full(n_sb, "N2", dtype=object),
        "first_placement_type": np.full(n_sb, "R1", dtype=object),
        "placement_type": np.full(n_sb, "R1", dtype=object), "placement_start_date": breaks.start,
        "uasc": np.zeros(n_sb, dtype=bool), "subsequent_period_12m": np.zeros(n_sb, dtype=bool),
    })
    out = pd.concat([care, short_breaks], ignore_index=True)
    open_all = out.pop("open").to_numpy(dtype=bool)
    for col in ("start_date", "end_date", "placement_start_date"):
        out[col] = _to_datetime(out[col].to_numpy(dtype=np.int64), open_all if col == "end_date" else None)
    for col in ("child_id", "reason_ceased", "legal_status", "category_of_need", "first_placement_type",
                "placement_type"):
        out[col] = out[col].astype("string")
    out["uasc"] = out["uasc"].astype(bool)
    out["subsequent_period_12m"] = out["subsequent_period_12m"].astype(bool)
    return out.sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)


def _periods_of_care(rng: np.random.Generator, run: _Run, ref: _Referrals, outcomes: _Outcomes, spells: _Spells,
                     ids: _ChildIds) -> pd.DataFrame:
    """The periods of care (days as day numbers, ``open`` at ``end``): reasons, legal status, need, placements.

    Draws: :func:`_draw_reasons_ceased`, the legal status, the category of need, then :func:`_draw_placements`.
    """
    rows = spells.care_rows
    k = len(rows)
    s, e, b = outcomes.cla_start[rows], outcomes.cla_end[rows], ref.birth[rows]
    is_uasc = ref.uasc[rows]
    at18 = outcomes.reached18[rows] | (e >= birthday_days(b, 18))
    reason = _draw_reasons_ceased(rng, age_years(b, e), e - s, at18)
    adopted = np.isin(reason, ["E11", "E12"])
    u2 = rng.random(k)
    legal = np.where(adopted, "E1", np.where(is_uasc, "V2", np.where(u2 < 0.6, "C2", np.where(
        u2 < 0.85, "V2", np.where(u2 < 0.95, "C1", np.where(u2 < 0.98, "J2", "D1"))))))
    need = np.where(is_uasc, "N8", _choice(rng, _CLA_NEED, k))
    first_type, placement_type, placement_start = _draw_placements(rng, b, s, e - s, adopted, is_uasc)
    open_ = e > run.end_day
    prev_end = spells.care_prev_end
    subsequent = (prev_end > _NO_DAY_MIN) & (s - np.maximum(prev_end, s - 10**6) <= 365)
    return pd.DataFrame({
        "child_id": ids.of(ref.root[rows]), "start_date": s, "end_date": e, "open": open_,
        "reason_ceased": np.where(open_, None, reason), "legal_status": legal, "category_of_need": need,
        "first_placement_type": first_type, "placement_type": placement_type,
        "placement_start_date": placement_start, "uasc": is_uasc, "subsequent_period_12m": subsequent,
    })


def _draw_reasons_ceased(rng: np.random.Generator, age_end: np.ndarray, dur_days: np.ndarray,
                         at18: np.ndarray) -> np.ndarray:
    """Reasons periods of care ended, by length (under 200 days), age at the end (under 6) and the 18th birthday.

    Draws: one uniform per period (shared by the lists of reasons).
    """
    u = rng.random(len(age_end))
    short_reason = _pick(u, (("E4A", 0.75), ("E4B", 0.10), ("E13", 0.08), ("E8", 0.07)))
    young_reason = _pick(u, (("E11", 0.30), ("E12", 0.10), ("E45", 0.12), ("E46", 0.05), ("E47", 0.05),
                             ("E48", 0.03), ("E41", 0.03), ("E4A", 0.27), ("E8", 0.05)))
    older_reason = _pick(u, (("E4A", 0.45), ("E13", 0.10), ("E45", 0.10), ("E9", 0.07), ("E14", 0.08),
                             ("E3", 0.05), ("E16", 0.05), ("E8", 0.10)))
    reason = np.where(dur_days < 200, short_reason, np.where(age_end < 6, young_reason, older_reason))
    reason18 = _pick(u, (("E5", 0.45), ("E6", 0.15), ("E17", 0.30), ("E7", 0.05), ("E8", 0.05)))
    return np.where(at18, reason18, reason).astype(object)


def _draw_placements(rng: np.random.Generator, birth: np.ndarray, start: np.ndarray, dur_days: np.ndarray,
                     adopted: np.ndarray, uasc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first placement type, the latest placement type and its start day (day number) of periods of care.

    The first is at the start; a later one for about half the periods lasting over 3 months (an adoption
    placement, A3–A6, for adopted children). Draws: the first placement, whether a move, the day of the
    move, an adoption placement, then a later placement by age.
    """
    k = len(start)
    first_type = _placement_by_age(rng, age_years(birth, start), uasc)
    moved = (dur_days > 90) & (rng.random(k) < 0.55)
    move_day = start + (rng.random(k) * np.maximum(dur_days, 1)).astype(np.int64)
    later_type = np.where(adopted, np.array(["A3", "A4", "A5", "A6"], dtype=object)[rng.integers(0, 4, k)],
                          _placement_by_age(rng, age_years(birth, move_day), uasc))
    return first_type, np.where(moved, later_type, first_type), np.where(moved, move_day, start)


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
