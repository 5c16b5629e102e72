"""A scenario's referral changes as a factor for each year ending 31 March, and their effect on each measure.

The rule (kept simple on purpose):

- **Referrals.** For the year ending 31 March ``Y`` (1 April ``Y-1`` to 31 March ``Y``), each shock adds
  ``referrals_change_pct`` × the share of the year's days inside the shock; the referrals that come back
  (``returns_pct`` of those missed) are spread evenly over the return months and counted in the years those
  days fall in (a front-loaded return is treated as even; changes by referral source are not used, only the
  total change); a new normal adds ``change_pct`` × the share of the year's days on or after its date; the
  trend multiplies by ``(1 + trend_pct_per_year/100) ** (h - 0.5)`` in the ``h``-th year of the forecast (the
  middle of the year).
- **Starts** (CP plans and children looked after starting in the year) change in proportion with referrals
  in the same year (elasticity 1).
- **Stocks at 31 March** (CP plans, children in need, children looked after) respond half within the year
  and fully a year later: their factor is the mean of this year's and last year's referral factors (the year
  before the forecast counts as 1).

A scenario with no shock, no new normal and no trend gives factor 1 everywhere: the plain forecast.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from csc_demand.scenario import Scenario

STOCKS = frozenset({"cp_at_31_march", "cin_at_31_march", "cla_at_31_march"})


def _overlap_days(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> int:
    """Days in both [a0, a1) and [b0, b1)."""
    return max(0, (min(a1, b1) - max(a0, b0)).days)


def referral_factors(scenario: Scenario, through: int, years: int) -> np.ndarray:
    """The scenario's referrals ÷ the plain forecast's, for each year ending 31 March after ``through``.

    Parameters
    ----------
    scenario : Scenario
        From :func:`csc_demand.scenario.load_scenario`.
    through : int
        The last year of published figures; the forecast years are ``through + 1 .. through + years``.
    years : int
        How many years.

    Returns
    -------
    numpy.ndarray
        ``years`` factors (1 = no change), never below 0.

    Example
    -------
    >>> from csc_demand.scenario import NewNormal
    >>> s = Scenario(name="x", new_normal=NewNormal(dt.date(2025, 10, 1), 10.0))
    >>> [round(f, 3) for f in referral_factors(s, 2025, 2)]
    [1.05, 1.1]
    """
    out = np.ones(years)
    for i in range(years):
        y = through + 1 + i
        y0, y1 = dt.date(y - 1, 4, 1), dt.date(y, 4, 1)
        n = (y1 - y0).days
        change = 0.0
        for s in scenario.shocks:
            end = s.end + dt.timedelta(days=1)
            change += s.referrals_change_pct / 100 * _overlap_days(s.start, end, y0, y1) / n
            missed_share_days = -s.referrals_change_pct / 100 * (end - s.start).days * s.returns_pct / 100
            r0, r1 = s.return_start_date, s.return_end_date
            change += missed_share_days * _overlap_days(r0, r1, y0, y1) / max((r1 - r0).days, 1) / n
        if scenario.new_normal is not None:
            nn = scenario.new_normal
            change += nn.change_pct / 100 * _overlap_days(nn.from_date, dt.date.max, y0, y1) / n
        trend = (1 + scenario.trend_pct_per_year / 100) ** (i + 0.5)
        out[i] = max(0.0, (1 + change) * trend)
    return out


def measure_factors(scenario: Scenario, through: int, years: int, measures: tuple[str, ...]) -> np.ndarray:
    """Each measure's factor (measures × years) under the rule in this module's docstring."""
    r = referral_factors(scenario, through, years)
    stock = (r + np.concatenate([[1.0], r[:-1]])) / 2
    return np.array([stock if m in STOCKS else r for m in measures])
