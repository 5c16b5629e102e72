"""Scenarios: what the user assumes about the future, as a small TOML file.

A scenario is a human-readable file an analyst can save, send to a colleague in another local authority and
load again. Schema (every key optional except ``name``; dates are TOML dates or ``"YYYY-MM-DD"`` strings;
percentages are numbers such as ``-20`` for a 20% fall)::

    name = "Second lockdown"
    description = "A lockdown next winter; half the missing referrals come back."
    reference_start = 2020-07-01          # window for the referral baseline (default: chosen from the data)
    reference_end = 2020-12-31
    trend_pct_per_year = 0                # steady change in referrals, % per year (default 0)
    caseload_per_worker = 15              # open cases per case-holding social worker (default: the LA's own
                                          # published caseload when [workforce] la is set, else England's)
    quantiles = [0.1, 0.5, 0.9]           # quantiles reported (each between 0 and 1)

    [[shock]]                             # any number of shocks
    name = "Lockdown 2"
    start = 2021-01-05
    end = 2021-03-08                      # inclusive
    referrals_change_pct = -20            # change in referrals during the shock (-100 to 500)
    referrals_change_low_pct = -28        # optional: an 80% interval for that change (give both or neither)
    referrals_change_high_pct = -12
    returns_pct = 40                      # share of the missing referrals that come back later (0 to 100)
    return_start = 2021-03-09             # default: the day after `end`
    return_months = 4                     # whole months over which they come back (0 to 60; 0 = all at once)
    return_profile = "even"               # or "front-loaded" (more come back early, tailing off)
    [shock.by_source_change_pct]          # optional: a different change for some referral source groups
    Schools = -57

    [new_normal]                          # optional: a lasting change in referrals from a date
    from = 2021-07-01
    change_pct = 4

    [overrides]                           # optional: replace an estimate from the data
    referrals_per_week = 65
    cp_starts_per_referral = 0.09
    cla_starts_per_referral = 0.04
    cp_median_duration_weeks = 40
    cla_median_duration_weeks = 80

    [costs]                               # optional: £ per child per week, and inflation
    inflation_pct_per_year = 3
    fostering_gbp_per_week = 900
    residential_gbp_per_week = 6000
    supported_accommodation_gbp_per_week = 1800
    placed_with_parents_gbp_per_week = 300
    adoption_gbp_per_week = 250
    other_gbp_per_week = 1500
    unknown_gbp_per_week = 1000
    cp_plan_gbp_per_week = 250

    [workforce]                           # optional: social workers (shares and rates in %, pay in £ a year)
    la = "Kent"                           # the local authority (name or code) whose published caseload is the default
    case_holder_share_pct = 58.3          # case-holding social workers as a % of all in post (1 to 100)
    agency_rate_pct = 13                  # agency workers as a % of all workers (0 to 100)
    vacancy_rate_pct = 14.2               # vacant posts as a % of all posts (0 to 90)
    salary_gbp_per_year = 42000           # a social worker's salary (illustrative)
    on_costs_pct = 30                     # employer's National Insurance and pension (illustrative)
    agency_premium_pct = 50               # how much more an agency worker costs (illustrative)
    case_holders_fte_now = 120            # optional: case-holding social workers today (FTE)
    target_caseload = 12                  # optional: bring caseloads to 12 cases per case-holding worker...
    target_date = 2027-03-31              # ...by this date (optional: from the start when not given)

Percent changes combine multiplicatively: during a shock that overlaps a new normal, referrals are
``baseline × (1 + shock%) × (1 + new normal%)``. ``referrals_change_pct`` is always the change in ALL
referrals; a ``by_source_change_pct`` entry gives one source group its own change, and the other groups are
scaled so that the total is still ``referrals_change_pct`` (with your usual mix of sources; no group goes
below zero). Missing referrals (the shortfall against what the baseline would have been, counted only for
falls) come back as extra referrals on top of the baseline.

The default unit costs are ILLUSTRATIVE round figures of the right order for England in 2024-25 (they are not
any local authority's costs): set your own. The caseload counts every case a social worker holds, as the DfE's
does: children in need, including those on child protection plans and those looked after. Without
``caseload_per_worker``, it is the named authority's latest published caseload (``[workforce] la``), else
England's (15.2 at 30 September 2025); :func:`csc_demand.workforce.default_caseload` says which. The shares and
rates in ``[workforce]`` default to England's at 30 September 2025 (DfE); salary, on-costs and the agency premium
are illustrative, like the unit costs: set your own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from csc_demand.errors import CscDemandError
from csc_demand.settings import Setting, fmt_number
from csc_demand.tables import SOURCE_GROUP_ORDER, day_label
from csc_demand.workforce import (
    WORKFORCE_SETTINGS,
    Workforce,
    default_caseload,
    find_la,
)

ReturnProfile = Literal["even", "front-loaded"]
RETURN_PROFILES: tuple[str, ...] = ("even", "front-loaded")
#: The referral source groups a shock may change separately.
SOURCE_GROUPS: tuple[str, ...] = SOURCE_GROUP_ORDER
DEFAULT_QUANTILES: tuple[float, ...] = (0.1, 0.5, 0.9)


#: A shock's numeric settings (described once: the type, the file reader and the app take them from here).
SHOCK_SETTINGS: dict[str, Setting] = {
    "referrals_change_pct": Setting(
        -100, 500, "%", "The change in all referrals during the shock (−40 = 40% fewer).",
        "Change in referrals during the shock (%)",
        help="For example -40 for 40% fewer referrals than usual, 10 for 10% more.", step=5),
    "referrals_change_low_pct": Setting(
        -100, 500, "%", "The low end of an 80% interval for that change (optional; give both ends or neither).",
        "Low end of the 80% interval (%, optional)",
        help="How sure you are of the change: a 1 in 10 chance that it is lower than this. For example -41 when "
             "the change is -35. Fill in both ends or leave both empty. A shock fitted from your data fills them "
             "in.", step=5),
    "referrals_change_high_pct": Setting(
        -100, 500, "%", "The high end of that 80% interval.", "High end of the 80% interval (%, optional)",
        help="A 1 in 10 chance that the change is higher than this. For example -28 when the change is -35. It "
             "must not be below the change.", step=5),
    "returns_pct": Setting(
        0, 100, "%", "The share of the missing referrals that come back later.",
        "Share of the missing referrals that come back later (%)",
        help="When referrals fall, some of the children are referred later instead. 0 = none come back; 100 = "
             "all of them do.", step=5),
    "return_months": Setting(
        0, 60, "months", "Over how many months they come back (0: all on one day).",
        "Over how many months they come back", whole=True,
        help="0 means they all come back at once, on the start date."),
}
#: A source group's own change during a shock (``by_source_change_pct``).
BY_SOURCE_SETTING = Setting(
    -100, 500, "%", "The change in referrals from this source group during the shock.",
    "Change in referrals from this source (%)",
    help="The % change in referrals from this source group during the shock. The other groups change so that "
         "the total change in referrals is kept.", step=5)
#: The new normal's change.
NEW_NORMAL_SETTINGS: dict[str, Setting] = {
    "change_pct": Setting(-100, 500, "%", "The lasting change in referrals from the date on.",
                          "Change from the usual level (%)", help="For example 4 for 4% more referrals for good."),
}
#: The estimates a scenario may replace.
OVERRIDE_SETTINGS: dict[str, Setting] = {
    "referrals_per_week": Setting(
        0, 100_000, "referrals a week", "The usual number of referrals a week before any shock.",
        "Usual referrals per week",
        help="The usual number of referrals a week before any shock. Leave unticked to measure it from your "
             "data."),
    "cp_starts_per_referral": Setting(
        0, 1, "starts per referral", "Child protection plans started per referral.",
        "Child protection plans started per referral",
        help="The share of referrals that lead to a child protection plan (0.1 = 1 in 10)."),
    "cla_starts_per_referral": Setting(
        0, 1, "starts per referral", "Children starting care per referral.", "Children starting care per referral",
        help="The share of referrals that lead to a child starting to be looked after (0.05 = 1 in 20)."),
    "cp_median_duration_weeks": Setting(
        1, 1000, "weeks", "The median length of a child protection plan.",
        "Median length of a child protection plan (weeks)",
        help="The median length of a child protection plan: half of plans last longer than this.", fmt="%.0f"),
    "cla_median_duration_weeks": Setting(
        1, 1000, "weeks", "The median length of a period of care.", "Median length of a period of care (weeks)",
        help="The median length of a period of care: half last longer than this (everyone leaves care at 18).",
        fmt="%.0f"),
}
#: Unit costs (£ per child per week, at the prices of the first forecast month) and inflation.
COST_SETTINGS: dict[str, Setting] = {
    **{f"{key}_gbp_per_week": Setting(0, 1_000_000, "£ a week", f"Weekly cost of one {what}, at the prices of the "
                                      "first forecast month.", f"{label} (£ per child per week)", step=50)
       for key, what, label in (
           ("fostering", "child in foster care", "Fostering"),
           ("residential", "child in residential care", "Residential, e.g. children's homes"),
           ("supported_accommodation", "young person in supported accommodation", "Supported accommodation"),
           ("placed_with_parents", "child placed with parents", "Placed with parents"),
           ("adoption", "child placed for adoption", "Placed for adoption"),
           ("other", "child in another placement", "Other placements"),
           ("unknown", "child whose placement is not known", "Placement not known"),
           ("cp_plan", "child on a child protection plan", "Child protection plan"))},
    "inflation_pct_per_year": Setting(-10, 50, "% a year", "How fast unit costs rise each year.",
                                      "Inflation (% a year)", step=0.5),
}
#: The scenario's own numeric settings.
SCENARIO_SETTINGS: dict[str, Setting] = {
    "trend_pct_per_year": Setting(
        -50, 50, "% a year", "A steady change in referrals each year.", "Steady change in referrals (% a year)",
        help="For example 2 for referrals rising by 2% each year; 0 for no trend.", step=0.5),
    "caseload_per_worker": Setting(
        1, 200, "open cases per case-holding social worker", "Open children-in-need cases per case-holding social "
        "worker (default: the published caseload).", "Open cases per case-holding social worker",
        help="Case-holding social workers needed = open children-in-need cases (children on a plan or in care "
             "included) ÷ this number.", step=0.5),
}
#: A quantile to report.
QUANTILE_SETTING = Setting(0.001, 0.999, "a share", "A quantile of the draws to report, e.g. 0.1 for P10.")


def _as_date(value: Any, owner: str, key: str, optional: bool = False) -> dt.date | None:
    """A date from a date, a datetime or ``YYYY-MM-DD`` text (None allowed when ``optional``)."""
    if value is None and optional:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CscDemandError(f"{owner}: {key} must be a date written YYYY-MM-DD, got {value!r}.")


def _check(settings: dict[str, Setting], owner: str, obj: Any, optional: bool = False) -> None:
    """Check each of ``obj``'s settings (``None`` allowed when ``optional``), naming ``owner`` when one is bad."""
    for name, setting in settings.items():
        value = getattr(obj, name)
        if value is None and optional:
            continue
        setting.check(name, value, owner)


@dataclass(frozen=True)
class Shock:
    """A period when referrals change, and how many of the missing referrals come back later.

    A lockdown, say: referrals change by a % during the shock, and some of those missed (counted only for
    falls) come back later as extra referrals, on top of the usual level. A shock is a
    ``[[shock]]`` section of a scenario file. The limits of the numeric settings are in
    :data:`SHOCK_SETTINGS` (and :data:`BY_SOURCE_SETTING`); each is checked as the shock is made.

    Parameters
    ----------
    name
        The shock's name, unique within its scenario (text).
    start, end
        The shock's first and last days (dates or ``YYYY-MM-DD`` text, both inclusive; ``end`` not before
        ``start``).
    referrals_change_pct
        The change in all referrals during the shock, in % (−40 = 40% fewer).
    by_source_change_pct
        Referral source groups (:data:`SOURCE_GROUPS`, e.g. ``"Schools"``) mapped to their own change, in %;
        the other groups are scaled so that the total change is still ``referrals_change_pct``.
    returns_pct
        The share of the missing referrals that come back later, in % (0 = none, 100 = all).
    return_start
        The day they start coming back (a date after ``start``; default: the day after ``end``).
    return_months
        Over how many whole months they come back (0: all on ``return_start``).
    return_profile
        ``"even"`` or ``"front-loaded"`` (more come back early, tailing off).
    referrals_change_low_pct, referrals_change_high_pct
        An 80% interval for ``referrals_change_pct``, in % (both or neither; the interval must hold the
        change): how sure the user, or a fit to past data (:func:`csc_demand.fit_shock`), is of the change.

    Raises
    ------
    CscDemandError
        When the name is missing, a date cannot be read or comes in the wrong order, a number is outside its
        limits, only one end of the interval is given, a source group is unknown, or the profile is neither
        ``"even"`` nor ``"front-loaded"``; the message names the shock and the setting.

    Examples
    --------
    >>> import datetime as dt
    >>> import csc_demand as cd
    >>> lockdown = cd.Shock("Lockdown", start=dt.date(2025, 11, 1), end=dt.date(2026, 1, 31),
    ...                     referrals_change_pct=-30, by_source_change_pct={"Schools": -60},
    ...                     returns_pct=50, return_months=6)
    >>> lockdown.return_start_date
    datetime.date(2026, 2, 1)
    """

    name: str
    start: dt.date
    end: dt.date
    referrals_change_pct: float = 0.0
    by_source_change_pct: dict[str, float] = field(default_factory=dict)
    returns_pct: float = 0.0
    return_start: dt.date | None = None
    return_months: int = 0
    return_profile: ReturnProfile = "even"
    referrals_change_low_pct: float | None = None
    referrals_change_high_pct: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CscDemandError(f"A shock needs a name (text), got {self.name!r}.")
        owner = f"shock '{self.name}'"
        for key in ("start", "end", "return_start"):
            object.__setattr__(self, key, _as_date(getattr(self, key), owner, key, optional=key == "return_start"))
        if self.end < self.start:
            raise CscDemandError(f"{owner}: end ({self.end.isoformat()}) is before start ({self.start.isoformat()}).")
        _check(SHOCK_SETTINGS, owner, self, optional=True)
        low, high = self.referrals_change_low_pct, self.referrals_change_high_pct
        if (low is None) != (high is None):
            raise CscDemandError(f"{owner}: give both referrals_change_low_pct and referrals_change_high_pct (an 80% "
                                 "interval for referrals_change_pct), or neither.")
        if low is not None and not low <= self.referrals_change_pct <= high:
            raise CscDemandError(f"{owner}: the 80% interval {fmt_number(low)} to {fmt_number(high)} must hold "
                                 f"referrals_change_pct ({fmt_number(self.referrals_change_pct)}).")
        if not isinstance(self.by_source_change_pct, dict):
            raise CscDemandError(f"{owner}: by_source_change_pct must map source groups to % changes, e.g. "
                                 "{'Schools': -57}.")
        for group, value in self.by_source_change_pct.items():
            if group not in SOURCE_GROUPS:
                close = difflib.get_close_matches(str(group), SOURCE_GROUPS, n=1)
                hint = f" Did you mean '{close[0]}'?" if close else f" Source groups: {', '.join(SOURCE_GROUPS)}."
                raise CscDemandError(f"{owner}: by_source_change_pct: unknown referral source group '{group}'.{hint}")
            BY_SOURCE_SETTING.check(f"by_source_change_pct.{group}", value, owner)
        if self.return_start is not None and self.return_start <= self.start:
            raise CscDemandError(f"{owner}: return_start ({self.return_start.isoformat()}) must be after the shock "
                                 f"starts ({self.start.isoformat()}).")
        if self.return_profile not in RETURN_PROFILES:
            raise CscDemandError(f"{owner}: return_profile must be \"even\" or \"front-loaded\", got "
                                 f"{self.return_profile!r}.")

    @property
    def return_start_date(self) -> dt.date:
        """When the missing referrals start coming back (default: the day after the shock ends)."""
        return self.return_start if self.return_start is not None else self.end + dt.timedelta(days=1)

    @property
    def return_end_date(self) -> dt.date:
        """The day after the last day on which missing referrals come back (``return_months`` after the
        start; a single day when ``return_months`` is 0)."""
        start = self.return_start_date
        if not self.return_months:
            return start + dt.timedelta(days=1)
        month0 = start.year * 12 + start.month - 1 + self.return_months
        year, month = divmod(month0, 12)
        last_day = calendar.monthrange(year, month + 1)[1]
        return dt.date(year, month + 1, min(start.day, last_day))


@dataclass(frozen=True)
class NewNormal:
    """A lasting % change in referrals from a date onwards (the scenario file's ``[new_normal]``).

    It combines multiplicatively with any shock and trend. The limits come from :data:`NEW_NORMAL_SETTINGS`.

    Parameters
    ----------
    from_date
        The first day of the new normal (a date or ``YYYY-MM-DD`` text; ``from`` in the file).
    change_pct
        The lasting change in referrals from the usual level, in % (4 = 4% more for good).

    Raises
    ------
    CscDemandError
        When the date cannot be read or the change is outside its limits.

    Examples
    --------
    >>> import datetime as dt
    >>> import csc_demand as cd
    >>> s = cd.Scenario(name="New normal +10%", new_normal=cd.NewNormal(dt.date(2025, 4, 1), change_pct=10))
    """

    from_date: dt.date
    change_pct: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "from_date", _as_date(self.from_date, "new_normal", "from"))
        _check(NEW_NORMAL_SETTINGS, "new_normal", self)


@dataclass(frozen=True)
class Overrides:
    """Estimates the user replaces (``None`` = use the estimate from the data).

    The scenario file's ``[overrides]``, for when you know better than the data: a new front door, say, or
    plans you expect to be shorter. The limits come from :data:`OVERRIDE_SETTINGS`.

    Parameters
    ----------
    referrals_per_week
        The usual number of referrals a week before any shock (referrals a week).
    cp_starts_per_referral
        Child protection plans started per referral (a share, 0.1 = 1 in 10).
    cla_starts_per_referral
        Children starting care per referral (a share, 0.05 = 1 in 20).
    cp_median_duration_weeks
        The median length of a child protection plan (weeks).
    cla_median_duration_weeks
        The median length of a period of care (weeks).

    Raises
    ------
    CscDemandError
        When a value given is outside its limits.

    Examples
    --------
    >>> import csc_demand as cd
    >>> ov = cd.Overrides(referrals_per_week=65, cp_median_duration_weeks=40)
    >>> s = cd.Scenario(name="Shorter plans", overrides=ov)
    >>> ov.is_empty()
    False
    """

    referrals_per_week: float | None = None
    cp_starts_per_referral: float | None = None
    cla_starts_per_referral: float | None = None
    cp_median_duration_weeks: float | None = None
    cla_median_duration_weeks: float | None = None

    def __post_init__(self) -> None:
        _check(OVERRIDE_SETTINGS, "overrides", self, optional=True)

    def is_empty(self) -> bool:
        """True when nothing is overridden."""
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True)
class Costs:
    """Weekly unit costs in £ per child (per placement group, and per child protection plan) and inflation.

    The scenario file's ``[costs]``. The defaults are illustrative round figures of the right order for
    England in 2024-25, not any local authority's costs: set your own. Costs are at the prices of the
    forecast's first month and rise by ``inflation_pct_per_year`` (compounded monthly). The limits come from
    :data:`COST_SETTINGS`.

    Parameters
    ----------
    inflation_pct_per_year
        How fast unit costs rise, in % a year.
    fostering_gbp_per_week, residential_gbp_per_week, supported_accommodation_gbp_per_week
        £ a week for one child in foster care, in residential care (e.g. a children's home) or in supported
        accommodation.
    placed_with_parents_gbp_per_week, adoption_gbp_per_week, other_gbp_per_week, unknown_gbp_per_week
        £ a week for one child placed with parents, placed for adoption, in another placement, or whose
        placement is not known.
    cp_plan_gbp_per_week
        £ a week for one child on a child protection plan.

    Raises
    ------
    CscDemandError
        When a value is outside its limits.

    Examples
    --------
    >>> import csc_demand as cd
    >>> costs = cd.Costs(residential_gbp_per_week=7500, inflation_pct_per_year=4)
    >>> costs.weekly_gbp()["Residential"]
    7500
    >>> s = cd.Scenario(name="Our own costs", costs=costs)
    """

    inflation_pct_per_year: float = 3.0
    fostering_gbp_per_week: float = 900.0
    residential_gbp_per_week: float = 6000.0
    supported_accommodation_gbp_per_week: float = 1800.0
    placed_with_parents_gbp_per_week: float = 300.0
    adoption_gbp_per_week: float = 250.0
    other_gbp_per_week: float = 1500.0
    unknown_gbp_per_week: float = 1000.0
    cp_plan_gbp_per_week: float = 250.0

    def __post_init__(self) -> None:
        _check(COST_SETTINGS, "costs", self)

    def weekly_gbp(self) -> dict[str, float]:
        """£ per child per week by cost group: the placement groups, then "Child protection plans"."""
        return {
            "Fostering": self.fostering_gbp_per_week,
            "Residential": self.residential_gbp_per_week,
            "Supported accommodation": self.supported_accommodation_gbp_per_week,
            "Placed with parents": self.placed_with_parents_gbp_per_week,
            "Adoption": self.adoption_gbp_per_week,
            "Other": self.other_gbp_per_week,
            "Unknown": self.unknown_gbp_per_week,
            "Child protection plans": self.cp_plan_gbp_per_week,
        }


@dataclass(frozen=True)
class Scenario:
    """One set of assumptions about the future (mirrors the TOML file; see the module docstring).

    Made in Python, read from a file (:func:`load_scenario`) or taken from :func:`builtin_scenarios`, and
    checked as it is made. :func:`csc_demand.forecast` forecasts several side by side. The limits of the
    numeric settings come from :data:`SCENARIO_SETTINGS` and :data:`QUANTILE_SETTING`.

    Parameters
    ----------
    name
        The scenario's name (text; not "Actual", which is kept for the actual figures).
    description
        A sentence or two saying what the scenario assumes (text, optional).
    reference_start, reference_end
        The window for the usual level of referrals (dates or ``YYYY-MM-DD`` text, inclusive; default:
        chosen from the data, see :func:`csc_demand.estimate`).
    shocks
        Any number of :class:`Shock`, each with its own name.
    new_normal
        A lasting change in referrals from a date (:class:`NewNormal`, optional).
    trend_pct_per_year
        A steady change in referrals, in % a year (0: no trend).
    overrides
        Estimates replaced by the user (:class:`Overrides`; default: none).
    costs
        Unit costs in £ per child per week, and inflation (:class:`Costs`; default: illustrative figures).
    caseload_per_worker
        Open children-in-need cases per case-holding social worker (cases; default: the published caseload
        of ``workforce.la``, else England's).
    quantiles
        Quantiles of the draws to report (shares between 0 and 1; default 0.1, 0.5 and 0.9), kept sorted.
    workforce
        The social-worker settings (:class:`csc_demand.workforce.Workforce`: shares and rates in %, pay in £
        a year; limits in :data:`csc_demand.workforce.WORKFORCE_SETTINGS`).

    Raises
    ------
    CscDemandError
        When the name is missing or is "Actual", a reference date cannot be read or the window ends before
        it starts, two shocks share a name, or a number is outside its limits.

    Examples
    --------
    >>> import csc_demand as cd
    >>> s = cd.Scenario(name="Steady rise", description="Referrals keep rising, as they have since 2022.",
    ...                 trend_pct_per_year=2, costs=cd.Costs(residential_gbp_per_week=7500))
    >>> s.describe()[:2]
    ['Referrals keep rising, as they have since 2022.', 'Referrals rise steadily by 2% a year.']
    """

    name: str
    description: str = ""
    reference_start: dt.date | None = None
    reference_end: dt.date | None = None
    shocks: tuple[Shock, ...] = ()
    new_normal: NewNormal | None = None
    trend_pct_per_year: float = 0.0
    overrides: Overrides = field(default_factory=Overrides)
    costs: Costs = field(default_factory=Costs)
    caseload_per_worker: float | None = None
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    workforce: Workforce = field(default_factory=Workforce)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CscDemandError(f"A scenario needs a name (text), got {self.name!r}.")
        if self.name.strip().casefold() == "actual":
            raise CscDemandError("A scenario cannot be called 'Actual': that name is kept for the actual figures. "
                                 "Please rename it.")
        owner = f"scenario '{self.name}'"
        for key in ("reference_start", "reference_end"):
            object.__setattr__(self, key, _as_date(getattr(self, key), owner, key, optional=True))
        if self.reference_start and self.reference_end and self.reference_end <= self.reference_start:
            raise CscDemandError(f"{owner}: reference_end ({self.reference_end.isoformat()}) must be after "
                                 f"reference_start ({self.reference_start.isoformat()}).")
        object.__setattr__(self, "shocks", tuple(self.shocks))
        names = [sh.name for sh in self.shocks]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup is not None:
            raise CscDemandError(f"{owner}: two shocks are called '{dup}': give each shock its own name.")
        _check(SCENARIO_SETTINGS, owner, self, optional=True)
        for q in self.quantiles:
            QUANTILE_SETTING.check("quantiles", q, owner)
        object.__setattr__(self, "quantiles", tuple(sorted({float(q) for q in self.quantiles})))

    def describe(self) -> list[str]:
        """The scenario's assumptions as plain-English sentences (for reports and the app)."""
        out: list[str] = []
        if self.description:
            out.append(self.description)
        if self.reference_start or self.reference_end:
            a = day_label(self.reference_start) if self.reference_start else "the start of the data"
            b = day_label(self.reference_end) if self.reference_end else "the extract date"
            out.append(f"The usual level of referrals is measured from {a} to {b}.")
        if not self.shocks and self.new_normal is None and not self.trend_pct_per_year:
            out.append("No further shocks: referrals continue at their usual level.")
        for s in self.shocks:
            change = _fmt_change(s.referrals_change_pct)
            text = f"{s.name}: from {day_label(s.start)} to {day_label(s.end)}, referrals are {change}"
            parts = []
            if s.referrals_change_low_pct is not None and s.referrals_change_high_pct is not None:
                parts.append("80% interval "
                             + _fmt_interval(s.referrals_change_low_pct, s.referrals_change_high_pct))
            parts += [f"from {g}: {_fmt_change(v)}" for g, v in s.by_source_change_pct.items()]
            if parts:
                text += " (" + "; ".join(parts) + ")"
            text += "."
            out.append(text)
            if s.returns_pct > 0:
                when = day_label(s.return_start_date)
                if s.return_months == 0:
                    spread = f"all on {when}"
                else:
                    unit = "month" if s.return_months == 1 else "months"
                    how = "most of them early on" if s.return_profile == "front-loaded" else "evenly"
                    spread = f"over {s.return_months} {unit} from {when}, {how}"
                out.append(f"{fmt_number(s.returns_pct)}% of the referrals missed during {s.name} come back later, "
                           f"{spread}.")
            elif s.referrals_change_pct < 0 or any(v < 0 for v in s.by_source_change_pct.values()):
                out.append(f"None of the referrals missed during {s.name} come back later.")
            out += [f"{s.name}: {p}." for p in _other_phrases(SHOCK_SETTINGS, s, _SHOCK_SENTENCES)]
        if self.new_normal is not None:
            out.append(f"From {day_label(self.new_normal.from_date)}, referrals settle at a new normal "
                       f"{_fmt_change(self.new_normal.change_pct)}.")
            out += [f"The new normal: {p}." for p in _other_phrases(NEW_NORMAL_SETTINGS, self.new_normal,
                                                                    frozenset({"change_pct"}))]
        if self.trend_pct_per_year:
            word = "rise" if self.trend_pct_per_year > 0 else "fall"
            out.append(f"Referrals {word} steadily by {fmt_number(abs(self.trend_pct_per_year))}% a year.")
        out += [f"{p[:1].upper()}{p[1:]}." for p in _other_phrases(SCENARIO_SETTINGS, self, _SCENARIO_SENTENCES)]
        out += [f"Set by the user instead of estimated from the data: {setting.phrase(v)}."
                for key, setting in OVERRIDE_SETTINGS.items() if (v := getattr(self.overrides, key)) is not None]
        if self.costs != Costs():
            out.append("Unit costs are set by the user.")
        else:
            out.append("Unit costs are illustrative defaults, not your authority's costs: set your own.")
        out.append(f"Costs rise by {fmt_number(self.costs.inflation_pct_per_year)}% a year.")
        out += _describe_workforce(self.caseload_per_worker, self.workforce)
        return out


#: The settings that describe() puts in their own sentences; any other setting of a shock or of the scenario is
#: described from its Setting (``Setting.phrase``) when it differs from its default.
_SHOCK_SENTENCES = frozenset({"referrals_change_pct", "referrals_change_low_pct", "referrals_change_high_pct",
                              "returns_pct", "return_months"})
_SCENARIO_SENTENCES = frozenset({"trend_pct_per_year", "caseload_per_worker"})


def _other_phrases(settings: dict[str, Setting], obj: Any, described: frozenset[str]) -> list[str]:
    """``obj``'s settings with no sentence of their own, in words, where set to other than their default."""
    default = {f.name: f.default for f in fields(obj)}
    return [setting.phrase(v) for key, setting in settings.items()
            if key not in described and (v := getattr(obj, key)) is not None and v != default.get(key)]


def _describe_workforce(caseload_per_worker: float | None, w: Workforce) -> list[str]:
    """The caseload and the ``[workforce]`` settings as sentences (which caseload applies, and why)."""
    if caseload_per_worker is not None:
        out = [f"Social workers needed assume {fmt_number(caseload_per_worker)} open cases per worker holding cases "
               "(children in need, including those on child protection plans and in care), as this scenario sets."]
    else:
        try:
            _, where = default_caseload(w.la)
        except CscDemandError as exc:
            where = str(exc)  # a Scenario built in code with an unknown la; loading a file refuses it
        if where.startswith("The "):
            where = "t" + where[1:]
        out = [f"Social workers needed assume the default caseload (open cases per worker holding cases, children "
               f"on plans and in care included): {where}"]
    rates = (f"case holders are {fmt_number(w.case_holder_share_pct)}% of social workers in post, the agency rate "
             f"is {fmt_number(w.agency_rate_pct)}% and the vacancy rate {fmt_number(w.vacancy_rate_pct)}%")
    out.append(f"All social workers: {rates}"
               + (" (England, 30 September 2025, DfE)." if w.rates_are_default() else ", as this scenario sets."))
    pay = (f"salary £{fmt_number(w.salary_gbp_per_year)} a year, on-costs {fmt_number(w.on_costs_pct)}%, agency "
           f"workers {fmt_number(w.agency_premium_pct)}% dearer")
    out.append(f"Social workers' pay is illustrative, not your authority's ({pay}): set your own."
               if w.pay_is_default() else f"Social workers' pay is set by the user: {pay}.")
    if w.target_caseload is not None:
        by = f"by {day_label(w.target_date)}" if w.target_date is not None else "from the start of the forecast"
        now = (f", from {fmt_number(w.case_holders_fte_now)} case-holding social workers (FTE) today"
               if w.case_holders_fte_now is not None else "")
        out.append(f"Target: caseloads of {fmt_number(w.target_caseload)} cases per case-holding social worker "
                   f"{by}{now}.")
    elif w.case_holders_fte_now is not None:
        out.append(f"Case-holding social workers today: {fmt_number(w.case_holders_fte_now)} (FTE).")
    return out


# --- formatting helpers for describe() ----------------------------------------------------------------------



def _fmt_change(pct: float) -> str:
    if pct == 0:
        return "at the usual level"
    word = "above" if pct > 0 else "below"
    return f"{fmt_number(abs(pct))}% {word} the usual level"


def _fmt_interval(low_pct: float, high_pct: float) -> str:
    """An interval of % changes in words: "28% to 41% below", "5% to 12% above", "10% below to 5% above"."""
    if high_pct <= 0 and low_pct < 0:
        return f"{fmt_number(abs(high_pct))}% to {fmt_number(abs(low_pct))}% below"
    if low_pct >= 0 and high_pct > 0:
        return f"{fmt_number(low_pct)}% to {fmt_number(high_pct)}% above"
    if low_pct < 0 < high_pct:
        return f"{fmt_number(abs(low_pct))}% below to {fmt_number(high_pct)}% above"
    return "0% (no change)"


# --- loading and validation ----------------------------------------------------------------------------------

# The file's keys: the settings that are not numbers, then those described in the Setting tables.
_TOP_KEYS = ("name", "description", "reference_start", "reference_end", "shock", "new_normal", "overrides",
             "costs", "quantiles", "workforce", *SCENARIO_SETTINGS)
_SHOCK_KEYS = ("name", "start", "end", "by_source_change_pct", "return_start", "return_profile", *SHOCK_SETTINGS)
_NEW_NORMAL_KEYS = ("from", *NEW_NORMAL_SETTINGS)
_CHANGE_INTERVAL_KEYS = ("referrals_change_low_pct", "referrals_change_high_pct")
_OVERRIDE_KEYS = tuple(OVERRIDE_SETTINGS)
_COST_KEYS = tuple(COST_SETTINGS)
_WORKFORCE_KEYS = tuple(f.name for f in fields(Workforce))


class _Ctx:
    """Builds error messages that name the file and the field."""

    def __init__(self, source: str | None):
        self.source = source

    def fail(self, where: str, message: str) -> CscDemandError:
        prefix = f"Scenario file '{self.source}': " if self.source else "Scenario: "
        loc = f"{where}: " if where else ""
        return CscDemandError(f"{prefix}{loc}{message}")


def _check_keys(ctx: _Ctx, where: str, table: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(table, dict):
        raise ctx.fail(where, "must be a table of settings (a [section] in the file).")
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else f" Allowed settings: {', '.join(allowed)}."
            raise ctx.fail(where, f"unknown setting '{key}'.{hint}")


def _date(ctx: _Ctx, where: str, key: str, value: Any) -> dt.date:
    try:
        return _as_date(value, where, key)
    except CscDemandError:
        raise ctx.fail(where, f"{key} must be a date written YYYY-MM-DD, got {value!r}.") from None


def _number(ctx: _Ctx, where: str, key: str, value: Any, setting: Setting) -> float:
    """The value checked against its setting's description, the error naming the file and the field."""
    try:
        return setting.check(key, value)
    except CscDemandError as exc:
        raise ctx.fail(where, str(exc)) from None


def _text(ctx: _Ctx, where: str, key: str, value: Any, *, required: bool = False) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise ctx.fail(where, f"{key} must be {'non-empty ' if required else ''}text in quotes, got {value!r}.")
    return value.strip() if required else value


def _change_interval(ctx: _Ctx, label: str, raw: dict[str, Any],
                     change_pct: float) -> tuple[float | None, float | None]:
    """The shock's 80% interval for ``referrals_change_pct``: both ends or neither, around the change."""
    keys = _CHANGE_INTERVAL_KEYS
    given = [k for k in keys if k in raw]
    if not given:
        return None, None
    if len(given) == 1:
        missing = keys[1] if given[0] == keys[0] else keys[0]
        raise ctx.fail(label, f"{given[0]} is given but {missing} is missing: give both ends of the 80% "
                              "interval for referrals_change_pct, or neither.")
    low = _number(ctx, label, keys[0], raw[keys[0]], SHOCK_SETTINGS[keys[0]])
    high = _number(ctx, label, keys[1], raw[keys[1]], SHOCK_SETTINGS[keys[1]])
    if low > change_pct:
        raise ctx.fail(label, f"referrals_change_low_pct ({fmt_number(low)}) is above referrals_change_pct "
                              f"({fmt_number(change_pct)}): the interval's low end must not be above the change.")
    if high < change_pct:
        raise ctx.fail(label, f"referrals_change_high_pct ({fmt_number(high)}) is below referrals_change_pct "
                              f"({fmt_number(change_pct)}): the interval's high end must not be below the change.")
    return low, high


def _shock(ctx: _Ctx, i: int, raw: Any) -> Shock:
    label = f"shock {i}"
    if isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw["name"].strip():
        label = f"shock {i} ('{raw['name'].strip()}')"
    _check_keys(ctx, label, raw, _SHOCK_KEYS)
    if "name" not in raw:
        raise ctx.fail(label, "name is missing: give each shock a name, e.g. name = \"Lockdown 2\".")
    name = _text(ctx, label, "name", raw["name"], required=True)
    for key in ("start", "end"):
        if key not in raw:
            raise ctx.fail(label, f"{key} is missing: give the {key} date as YYYY-MM-DD.")
    start = _date(ctx, label, "start", raw["start"])
    end = _date(ctx, label, "end", raw["end"])
    if end < start:
        raise ctx.fail(label, f"end ({end.isoformat()}) is before start ({start.isoformat()}).")
    default = {f.name: f.default for f in fields(Shock)}
    numbers = {key: _number(ctx, label, key, raw.get(key, default[key]), setting)
               for key, setting in SHOCK_SETTINGS.items() if key not in _CHANGE_INTERVAL_KEYS}
    low, high = _change_interval(ctx, label, raw, numbers["referrals_change_pct"])
    by_source_raw = raw.get("by_source_change_pct", {})
    if not isinstance(by_source_raw, dict):
        raise ctx.fail(label, "by_source_change_pct must be a table such as { Schools = -57 }.")
    by_source: dict[str, float] = {}
    for group, v in by_source_raw.items():
        if group not in SOURCE_GROUPS:
            close = difflib.get_close_matches(group, SOURCE_GROUPS, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else f" Source groups: {', '.join(SOURCE_GROUPS)}."
            raise ctx.fail(label, f"by_source_change_pct: unknown referral source group '{group}'.{hint}")
        by_source[group] = _number(ctx, label, f"by_source_change_pct.{group}", v, BY_SOURCE_SETTING)
    return_start = _date(ctx, label, "return_start", raw["return_start"]) if "return_start" in raw else None
    if return_start is not None and return_start <= start:
        raise ctx.fail(label, f"return_start ({return_start.isoformat()}) must be after the shock starts "
                              f"({start.isoformat()}).")
    profile = raw.get("return_profile", "even")
    if profile not in RETURN_PROFILES:
        raise ctx.fail(label, f"return_profile must be \"even\" or \"front-loaded\", got {profile!r}.")
    return Shock(name=name, start=start, end=end, by_source_change_pct=by_source, return_start=return_start,
                 return_profile=profile, referrals_change_low_pct=low, referrals_change_high_pct=high, **numbers)


def scenario_from_dict(data: dict[str, Any], *, source: str | None = None) -> Scenario:
    """Validate a parsed TOML document and build the :class:`Scenario`.

    Raises :class:`CscDemandError` naming the file and the bad field.
    """
    ctx = _Ctx(source)
    _check_keys(ctx, "", data, _TOP_KEYS)
    if "name" not in data:
        raise ctx.fail("", "name is missing: add a line such as name = \"Second lockdown\".")
    name = _text(ctx, "", "name", data["name"], required=True)
    if name.casefold() == "actual":
        raise ctx.fail("", "name cannot be \"Actual\": that name is kept for the actual figures. Please rename "
                           "the scenario.")
    description = _text(ctx, "", "description", data.get("description", ""))
    ref_start = _date(ctx, "", "reference_start", data["reference_start"]) if "reference_start" in data else None
    ref_end = _date(ctx, "", "reference_end", data["reference_end"]) if "reference_end" in data else None
    if ref_start and ref_end and ref_end <= ref_start:
        raise ctx.fail("", f"reference_end ({ref_end.isoformat()}) must be after reference_start "
                           f"({ref_start.isoformat()}).")
    raw_shocks = data.get("shock", [])
    if isinstance(raw_shocks, dict):
        raw_shocks = [raw_shocks]
    if not isinstance(raw_shocks, list):
        raise ctx.fail("", "shock must be written as [[shock]] sections.")
    shocks = tuple(_shock(ctx, i, raw) for i, raw in enumerate(raw_shocks, start=1))
    names = [s.name for s in shocks]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ctx.fail("", f"two shocks are called '{dup}': give each shock its own name.")
    new_normal = None
    if "new_normal" in data:
        raw = data["new_normal"]
        _check_keys(ctx, "new_normal", raw, _NEW_NORMAL_KEYS)
        for key in _NEW_NORMAL_KEYS:
            if key not in raw:
                raise ctx.fail("new_normal", f"{key} is missing.")
        new_normal = NewNormal(from_date=_date(ctx, "new_normal", "from", raw["from"]),
                               **{k: _number(ctx, "new_normal", k, raw[k], setting)
                                  for k, setting in NEW_NORMAL_SETTINGS.items()})
    # None (possible in a dict from an editor, never in TOML) means "not set", as a missing key does
    numbers = {k: _number(ctx, "", k, data[k], setting)
               for k, setting in SCENARIO_SETTINGS.items() if data.get(k) is not None}
    overrides = Overrides()
    if "overrides" in data:
        raw = data["overrides"]
        _check_keys(ctx, "overrides", raw, _OVERRIDE_KEYS)
        overrides = Overrides(**{k: _number(ctx, "overrides", k, v, OVERRIDE_SETTINGS[k]) for k, v in raw.items()})
    costs = Costs()
    if "costs" in data:
        raw = data["costs"]
        _check_keys(ctx, "costs", raw, _COST_KEYS)
        vals = {k: _number(ctx, "costs", k, v, COST_SETTINGS[k]) for k, v in raw.items()}
        costs = Costs(**vals)
    workforce = _workforce(ctx, data["workforce"]) if "workforce" in data else Workforce()
    quantiles = DEFAULT_QUANTILES
    if "quantiles" in data:
        raw = data["quantiles"]
        if not isinstance(raw, list) or not raw:
            raise ctx.fail("", "quantiles must be a list such as [0.1, 0.5, 0.9].")
        qs = [_number(ctx, "", "quantiles", q, QUANTILE_SETTING) for q in raw]
        quantiles = tuple(sorted(set(qs)))
    return Scenario(name=name, description=description, reference_start=ref_start, reference_end=ref_end,
                    shocks=shocks, new_normal=new_normal, overrides=overrides, costs=costs, quantiles=quantiles,
                    workforce=workforce, **numbers)


def _workforce(ctx: _Ctx, raw: Any) -> Workforce:
    """The ``[workforce]`` table, validated: ``la`` must be found in the DfE's figures, numbers within
    :data:`~csc_demand.workforce.WORKFORCE_SETTINGS`' bounds, ``target_date`` only with ``target_caseload``.
    A value of None (from an editor's dict) leaves the setting at its default."""
    _check_keys(ctx, "workforce", raw, _WORKFORCE_KEYS)
    vals: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key == "la":
            la = _text(ctx, "workforce", "la", value, required=True)
            try:
                find_la(la)
            except CscDemandError as exc:
                raise ctx.fail("workforce", f"la: {exc}") from None
            vals["la"] = la
        elif key == "target_date":
            vals["target_date"] = _date(ctx, "workforce", "target_date", value)
        else:
            vals[key] = _number(ctx, "workforce", key, value, WORKFORCE_SETTINGS[key])
    if "target_date" in vals and "target_caseload" not in vals:
        raise ctx.fail("workforce", "target_date is given but target_caseload is missing: say which caseload to "
                                    "reach by that date, e.g. target_caseload = 12.")
    return Workforce(**vals)


def load_scenario(path_or_text: str | Path) -> Scenario:
    """Load a scenario from a ``.toml`` file path or from TOML text.

    The file's schema is in this module's docstring; :func:`scenario_to_toml` writes one. Every setting is
    checked against its limits (the Setting tables such as :data:`SHOCK_SETTINGS`) as it is read.

    Parameters
    ----------
    path_or_text
        A :class:`~pathlib.Path`, or a string ending in ``.toml`` with no line break, is read as a file
        (UTF-8); anything else is parsed as TOML text.

    Returns
    -------
    Scenario

    Raises
    ------
    CscDemandError
        When the file cannot be found or read, is not valid TOML, or a setting is missing, unknown or out of
        range; the message names the file and the bad field.

    Examples
    --------
    >>> import csc_demand as cd
    >>> lockdown = cd.load_scenario("Second lockdown.toml")
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> fc = cd.forecast(annex, [cd.builtin_scenarios()["No further shocks"], lockdown])
    """
    source: str | None = None
    if isinstance(path_or_text, Path) or ("\n" not in path_or_text and path_or_text.strip().lower().endswith(".toml")):
        path = Path(path_or_text)
        source = path.name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CscDemandError(f"Scenario file '{path}' was not found: check the path.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CscDemandError(f"Scenario file '{path}' could not be read ({exc.__class__.__name__}): "
                                 "save it as UTF-8 text and try again.") from None
    else:
        text = str(path_or_text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = f"Scenario file '{source}'" if source else "Scenario"
        raise CscDemandError(f"{where} is not valid TOML ({exc}). Check quotes around text and that dates "
                             "are written YYYY-MM-DD.") from None
    return scenario_from_dict(data, source=source)


# --- writing ---------------------------------------------------------------------------------------------------

def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, str):
        out = v.replace("\\", "\\\\").replace('"', '\\"')
        out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        out = "".join(c if ord(c) >= 0x20 and ord(c) != 0x7F else f"\\u{ord(c):04x}" for c in out)
        return f'"{out}"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _toml_key(k: str) -> str:
    if k and all(c.isascii() and (c.isalnum() or c in "_-") for c in k):
        return k
    return _toml_value(k)


def _toml_settings(settings: dict[str, Setting], obj: Any) -> list[str]:
    """``key = value`` lines for ``obj``'s settings in the table's order, leaving out those not set (None)."""
    return [f"{key} = {_toml_value(v)}" for key in settings if (v := getattr(obj, key)) is not None]


def scenario_to_toml(s: Scenario) -> str:
    """The scenario as TOML text that :func:`load_scenario` reads back to an equal :class:`Scenario`.

    Save it to send to a colleague in another local authority. Settings left at their defaults are written
    too for costs and the workforce (so a colleague sees the figures used), and omitted elsewhere.

    Parameters
    ----------
    s
        The scenario (percentages in %, costs in £ per child per week, as in the file).

    Returns
    -------
    str
        The TOML text, ending with a line break.

    Examples
    --------
    >>> from pathlib import Path
    >>> import csc_demand as cd
    >>> text = cd.scenario_to_toml(cd.builtin_scenarios()["Second lockdown next winter"])
    >>> path = Path("Second lockdown.toml")
    >>> _ = path.write_text(text, encoding="utf-8")
    >>> cd.load_scenario(path) == cd.builtin_scenarios()["Second lockdown next winter"]
    True
    """
    lines = [f"name = {_toml_value(s.name)}"]
    if s.description:
        lines.append(f"description = {_toml_value(s.description)}")
    if s.reference_start:
        lines.append(f"reference_start = {_toml_value(s.reference_start)}")
    if s.reference_end:
        lines.append(f"reference_end = {_toml_value(s.reference_end)}")
    lines += _toml_settings(SCENARIO_SETTINGS, s)
    lines.append(f"quantiles = {_toml_value(list(s.quantiles))}")
    for sh in s.shocks:
        lines += ["", "[[shock]]", f"name = {_toml_value(sh.name)}", f"start = {_toml_value(sh.start)}",
                  f"end = {_toml_value(sh.end)}", *_toml_settings(SHOCK_SETTINGS, sh)]
        if sh.return_start is not None:
            lines.append(f"return_start = {_toml_value(sh.return_start)}")
        lines.append(f"return_profile = {_toml_value(sh.return_profile)}")
        if sh.by_source_change_pct:
            lines.append("[shock.by_source_change_pct]")
            lines += [f"{_toml_key(g)} = {_toml_value(v)}" for g, v in sh.by_source_change_pct.items()]
    if s.new_normal is not None:
        lines += ["", "[new_normal]", f"from = {_toml_value(s.new_normal.from_date)}",
                  *_toml_settings(NEW_NORMAL_SETTINGS, s.new_normal)]
    if not s.overrides.is_empty():
        lines += ["", "[overrides]", *_toml_settings(OVERRIDE_SETTINGS, s.overrides)]
    lines += ["", "[costs]  # £ per child per week", *_toml_settings(COST_SETTINGS, s.costs)]
    lines += ["", "[workforce]  # shares and rates in %, pay in £ a year (the pay defaults are illustrative)"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in workforce_to_dict(s.workforce).items()]
    return "\n".join(lines) + "\n"


def workforce_to_dict(w: Workforce) -> dict[str, Any]:
    """The ``[workforce]`` table as a dict in the file's shape (settings that are not set are left out), for
    :func:`scenario_to_toml` and for editors that rebuild a scenario with :func:`scenario_from_dict`."""
    return {f.name: getattr(w, f.name) for f in fields(Workforce) if getattr(w, f.name) is not None}


# --- built-in examples -------------------------------------------------------------------------------------------

BUILTIN_FILES: tuple[str, ...] = ("no_further_shocks.toml", "second_lockdown.toml", "new_normal_plus_10.toml")


def _shift_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def shift_scenario_years(s: Scenario, years: int) -> Scenario:
    """The same scenario with every date moved by whole years (so seasons stay where they were)."""
    if years == 0:
        return s
    sy = lambda d: None if d is None else _shift_years(d, years)
    shocks = tuple(replace(sh, start=sy(sh.start), end=sy(sh.end), return_start=sy(sh.return_start))
                   for sh in s.shocks)
    nn = None if s.new_normal is None else replace(s.new_normal, from_date=sy(s.new_normal.from_date))
    return replace(s, reference_start=sy(s.reference_start), reference_end=sy(s.reference_end), shocks=shocks,
                   new_normal=nn)


def _future_dates(s: Scenario) -> list[dt.date]:
    out = [sh.start for sh in s.shocks]
    if s.new_normal is not None:
        out.append(s.new_normal.from_date)
    return out


def builtin_scenarios(extract_date: dt.date | None = None) -> dict[str, Scenario]:
    """The built-in example scenarios, by name.

    "No further shocks", "Second lockdown next winter" and "New normal +10%", in that order. They are package
    data (``csc_demand/scenarios/*.toml``) written for data extracted on 31 Dec 2020.

    Parameters
    ----------
    extract_date
        When given, each scenario is moved by whole years so that its first shock or new normal starts after
        it (a lockdown "next winter" stays in winter).

    Returns
    -------
    dict of str to Scenario

    Examples
    --------
    >>> import csc_demand as cd
    >>> lockdown = cd.builtin_scenarios(annex.extract_date.date())["Second lockdown next winter"]
    """
    out = {}
    for fname in BUILTIN_FILES:
        text = resources.files("csc_demand").joinpath("scenarios", fname).read_text(encoding="utf-8")
        s = load_scenario(text)
        if extract_date is not None:
            dates = _future_dates(s)
            if dates:
                first = min(dates)
                years = extract_date.year - first.year
                while _shift_years(first, years) <= extract_date:
                    years += 1
                while _shift_years(first, years - 1) > extract_date:
                    years -= 1
                s = shift_scenario_years(s, years)
        out[s.name] = s
    return out
