"""Parameters of the simulated local authority (every rate, with its unit) and the built-in presets.

All parameters are plain numbers in a frozen dataclass, so any of them can be changed with
:func:`dataclasses.replace`::

    from dataclasses import replace
    from csc_demand.synth import PRESETS
    params = replace(PRESETS["median"], referrals_per_year=4000.0)

Shares are fractions (0–1), not percentages; durations are in days unless the name says otherwise.
The presets are tuned so that the realised figures match DfE 2024 sizes (annex-a.md, "Sizes"): the median
LA has about 3,400 referrals a year, 280 open child protection (CP) plans and 470 children looked after
(CLA); the large preset is Kent-sized.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Age groups used for every age-dependent parameter: index 0 = unborn, 1 = under 1, 2 = 1–4,
#: 3 = 5–9, 4 = 10–15, 5 = 16–17 (age at the event, in whole years).
AGE_GROUPS = ("unborn", "under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17")


@dataclass(frozen=True)
class SynthParams:
    """Every rate of the simulated LA, with its unit. Tuple parameters are per :data:`AGE_GROUPS`."""

    #: Referrals a year with no shocks (events per year, all sources).
    referrals_per_year: float = 3400.0
    #: Share of referrals by source code (fractions summing to 1): police ~29%, schools ~18%, health ~15%,
    #: LA services ~12%, individual ~8%, the rest other, education services, housing, legal, anonymous,
    #: unknown.
    source_shares: tuple[tuple[str, float], ...] = (
        ("6", 0.30), ("2A", 0.215), ("3A", 0.06), ("3B", 0.04), ("3C", 0.03), ("3F", 0.02),
        ("5A", 0.05), ("5B", 0.04), ("5C", 0.03), ("1A", 0.05), ("1B", 0.03), ("2B", 0.03),
        ("4", 0.02), ("7", 0.02), ("8", 0.05), ("9", 0.01), ("10", 0.05),
    )
    #: Share of new children's first referrals by age group (fractions summing to 1).
    first_referral_age_shares: tuple[float, ...] = (0.045, 0.075, 0.21, 0.24, 0.33, 0.10)
    #: Share of referrals that come within 12 months of a previous referral of the same child.
    rereferral_12m_share: float = 0.19
    #: Share of referrals that are re-referrals more than 12 months (1–5 years) after a previous one.
    rereferral_later_share: float = 0.10
    #: Share of referrals with no further action (no assessment, no plan, no care).
    nfa_share: float = 0.06
    #: Weekend referral rate relative to a weekday (ratio).
    weekend_rate_ratio: float = 0.35
    #: Referral rate in August relative to the rest of the year, all sources (ratio; schools also close).
    august_rate_ratio: float = 0.95
    #: Referral rate over the Christmas fortnight (21 Dec – 3 Jan) relative to normal, all sources (ratio).
    christmas_rate_ratio: float = 0.78
    #: School referrals during school holidays relative to term time (ratio; summer, Christmas, Easter).
    school_holiday_ratio: float = 0.05
    #: Contacts (List 1) per referral (ratio; each referral has a contact, the rest lead nowhere).
    contacts_per_referral: float = 2.75
    #: Share of non-NFA referrals that get a continuous assessment (List 4).
    assessment_share: float = 0.90
    #: Median days from assessment start to authorisation.
    assessment_median_days: float = 28.0
    #: Share of authorised assessments (not leading to a plan or care) that find a need for support.
    assessment_needs_support_share: float = 0.55
    #: Share of assessments without a plan that still have a section 47 enquiry (List 5); plans always do.
    extra_s47_share: float = 0.24
    #: Median days a child in need episode stays open after the assessment when support is needed.
    cin_support_median_days: float = 400.0
    #: Child protection plan starts per referral (ratio, before age weighting).
    cp_per_referral: float = 0.116
    #: CP conversion relative to the average, per age group (ratio).
    cp_age_ratio: tuple[float, ...] = (2.2, 1.8, 1.3, 1.0, 0.75, 0.35)
    #: Longest CP plan in days (the log-normal tail is cut here).
    cp_max_days: int = 1461
    #: Share of CP plans (not ended by care or near the 18th birthday) whose child is sent back for another
    #: plan 3 months to a few years later; about a third find no later plan to take over, so about 22% of
    #: plans are second or subsequent plans.
    cp_repeat_share: float = 0.70
    #: Mean days from referral to the initial child protection conference (plan start); mostly 2–8 weeks.
    cp_lag_mean_days: float = 35.0
    #: Share of CP plans ending within about 3 months (the short component of the duration mixture).
    cp_short_share: float = 0.22
    #: Median days of the long component of CP plan durations.
    cp_long_median_days: float = 380.0
    #: Log-scale spread of the long component of CP plan durations (sigma of a log-normal).
    cp_long_sigma: float = 0.5
    #: Care starts per referral (ratio, before age weighting; UASC arrivals come on top).
    cla_per_referral: float = 0.061
    #: Care conversion relative to the average, per age group (ratio).
    cla_age_ratio: tuple[float, ...] = (2.6, 2.2, 0.55, 0.55, 0.85, 1.6)
    #: Share of care starts that are children on a CP plan (the plan ends when care starts).
    cla_via_cp_share: float = 0.35
    #: Share of care starts within a week of the referral (emergency admissions).
    cla_immediate_share: float = 0.30
    #: Mean days from referral to care start for the rest (gamma; most within 6 months).
    cla_lag_mean_days: float = 75.0
    #: Share of periods of care that end quickly (return home; log-normal with median 60 days).
    cla_short_share: float = 0.28
    #: Share of the other periods that last until the 18th birthday, per age group at entry.
    cla_until_18_share: tuple[float, ...] = (0.05, 0.05, 0.10, 0.28, 0.38, 0.65)
    #: Median days of the remaining periods of care (adoption, SGO, return home after a while).
    cla_medium_median_days: float = 700.0
    #: Log-scale spread of those periods (sigma of a log-normal).
    cla_medium_sigma: float = 0.75
    #: Share of new 15–17-year-old children referred who are unaccompanied asylum-seeking children (UASC):
    #: they come into care straight away.
    uasc_share_of_15_17: float = 0.03
    #: Short breaks (legal status V3/V4, not periods of care) per year per referral (ratio).
    short_breaks_per_referral: float = 0.004
    #: Years simulated before ``start`` and then discarded, so stocks start at equilibrium.
    warmup_years: int = 19


def _scaled(referrals_per_year: float, cp_per_referral: float, cla_per_referral: float) -> SynthParams:
    return SynthParams(referrals_per_year=referrals_per_year, cp_per_referral=cp_per_referral,
                       cla_per_referral=cla_per_referral)


#: The built-in LAs. Targets (no shocks): small ~1,200 referrals a year, ~100 open CP plans, ~170 CLA;
#: median ~3,400, ~280, ~470; large (Kent-sized) ~24,000, ~1,200, ~2,000.
PRESETS: dict[str, SynthParams] = {
    "small": _scaled(1200.0, 0.117, 0.060),
    "median": _scaled(3400.0, 0.116, 0.061),
    "large": _scaled(24000.0, 0.0745, 0.0362),
}

#: The realised yearly figures each preset aims at (referrals a year, CP open, CLA open), for tests.
PRESET_TARGETS: dict[str, tuple[float, float, float]] = {
    "small": (1200.0, 100.0, 170.0),
    "median": (3400.0, 280.0, 470.0),
    "large": (24000.0, 1200.0, 2000.0),
}


@dataclass(frozen=True)
class Shock:
    """A change in referrals over a period: the 2020–21 story is four of these.

    ``referral_ratio`` multiplies all referrals from ``start`` to ``end`` (inclusive; ``end=None`` means
    for ever: a new normal). ``source_ratios`` gives some sources their own ratio (e.g. schools ×0.25);
    the other sources are then scaled so that the total is still ``referral_ratio``.
    ``returning_share`` of the missing referrals (expected, not realised) come back evenly on weekdays
    between ``return_start`` and ``return_end``.
    """

    name: str
    start: str
    end: str | None
    referral_ratio: float
    source_ratios: tuple[tuple[str, float], ...] = ()
    returning_share: float = 0.0
    return_start: str | None = None
    return_end: str | None = None

    def to_dict(self) -> dict:
        """A JSON-friendly form (for the truth file)."""
        return {"name": self.name, "start": self.start, "end": self.end, "referral_ratio": self.referral_ratio,
                "source_ratios": dict(self.source_ratios), "returning_share": self.returning_share,
                "return_start": self.return_start, "return_end": self.return_end}

    @property
    def start_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)


#: The 2020–21 story: lockdown 1 (referrals ×0.6, schools ×0.25; half the missing referrals return
#: Sep–Dec 2020), lockdown 2 (×0.8), and a new normal +4% from July 2021.
SHOCKS_2020: tuple[Shock, ...] = (
    Shock("Lockdown 1", "2020-03-23", "2020-06-30", 0.6, (("2A", 0.25),), 0.5, "2020-09-01", "2020-12-31"),
    Shock("Lockdown 2", "2021-01-04", "2021-03-31", 0.8, (("2A", 0.45),)),
    Shock("New normal", "2021-07-01", None, 1.04),
)

__all__ = ["AGE_GROUPS", "PRESETS", "PRESET_TARGETS", "SHOCKS_2020", "Shock", "SynthParams"]
