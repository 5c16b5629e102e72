"""Fitting a past shock: the usual level from the days before it only, and the fit as a scenario shock."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from world import World, annex_from, simulate_world

from csc_demand.errors import CscDemandError
from csc_demand.model import ShockFit, fit_shock
from csc_demand.scenario import Scenario, load_scenario, scenario_to_toml

SHOCK = ("2020-10-01", "2020-11-15")


@pytest.fixture(scope="module")
def events():
    """A simulated LA (120 referrals a week) whose referrals fall by 30% from 1 Oct to 15 Nov 2020."""
    return simulate_world(World(referrals_per_week=120, shock=(*SHOCK, 0.7)), seed=4)


def _with_extra_after(refs: pd.DataFrame, after: str, weekday: int, copies: int) -> pd.DataFrame:
    """The referrals plus ``copies`` extra copies of each referral made on ``weekday`` after ``after``."""
    late = refs[(refs["referral_date"] > pd.Timestamp(after)) & (refs["referral_date"].dt.day_of_week == weekday)]
    extra = [late.assign(child_id=late["child_id"] + f"x{n}") for n in range(copies)]
    return pd.concat([refs, *extra], ignore_index=True)


def _same_fit(a: ShockFit, b: ShockFit) -> None:
    assert a.change_pct == pytest.approx(b.change_pct, rel=1e-12)
    assert (a.low_pct, a.high_pct) == pytest.approx((b.low_pct, b.high_pct), rel=1e-12)
    assert a.by_source_change_pct == b.by_source_change_pct
    assert (a.observed, a.expected) == pytest.approx((b.observed, b.expected), rel=1e-12)


def test_days_after_the_shock_do_not_change_the_fit(events) -> None:
    refs, cp, cla = events
    plain = fit_shock(annex_from(refs, cp, cla, ["2020-12-31"]), *SHOCK)
    # after the shock, referrals on Mondays are five times what they were (e.g. referrals coming back in a rush)
    busy = _with_extra_after(refs, SHOCK[1], weekday=0, copies=4)
    annex = annex_from(busy, cp, cla, ["2020-12-31"])
    assert len(annex.referrals) > len(annex_from(refs, cp, cla, ["2020-12-31"]).referrals) + 300
    _same_fit(fit_shock(annex, *SHOCK), plain)
    assert "expected from 30 Jun 2020 to 30 Sep 2020" in plain.explanation


def test_a_reference_window_is_used_without_the_shock_and_nothing_outside_it(events) -> None:
    refs, cp, cla = events
    window = {"reference_start": "2020-07-06", "reference_end": "2020-10-20"}    # runs into the shock
    plain = fit_shock(annex_from(refs, cp, cla, ["2020-12-31"]), *SHOCK, **window)
    busy = _with_extra_after(refs, SHOCK[1], weekday=2, copies=4)
    busy = pd.concat([busy, busy[busy["referral_date"] < pd.Timestamp("2020-07-06")].assign(
        child_id=lambda d: d["child_id"] + "early")], ignore_index=True)
    _same_fit(fit_shock(annex_from(busy, cp, cla, ["2020-12-31"]), *SHOCK, **window), plain)
    assert "expected from 6 Jul 2020 to 30 Sep 2020" in plain.explanation
    assert plain.change_pct == pytest.approx(-30, abs=6)


def test_four_weeks_before_the_shock_are_needed(events) -> None:
    refs, cp, cla = events
    annex = annex_from(refs, cp, cla, ["2020-12-31"])       # its window starts on 30 Jun 2020
    fit = fit_shock(annex, "2020-07-28", "2020-08-31")      # 30 Jun to 27 Jul: 28 days before
    assert "expected from 30 Jun 2020 to 27 Jul 2020" in fit.explanation
    with pytest.raises(CscDemandError) as err:
        fit_shock(annex, "2020-07-27", "2020-08-31")        # 27 days before: not enough, and no days after used
    msg = str(err.value)
    assert msg.startswith("The loaded extracts do not show enough of the time before the shock")
    assert "they show referrals from 30 Jun 2020 to 31 Dec 2020" in msg
    assert "leaves 27 observed days before 27 Jul 2020, and at least 28 are needed" in msg
    assert "Load an extract dated before 27 Jul 2020" in msg


def test_the_dates_seen_are_named_when_extracts_leave_a_gap(events) -> None:
    refs, cp, cla = events
    annex = annex_from(refs, cp, cla, ["2019-12-31", "2020-12-31"])   # 30 Jun to 31 Dec in 2019 and in 2020
    with pytest.raises(CscDemandError, match="from 30 Jun 2019 to 31 Dec 2019 and 30 Jun 2020 to 31 Dec 2020"):
        fit_shock(annex, "2019-07-10", "2019-08-31")


def test_a_short_reference_window_says_so(events) -> None:
    refs, cp, cla = events
    annex = annex_from(refs, cp, cla, ["2020-12-31"])
    with pytest.raises(CscDemandError, match=r"Only 20 observed days of the reference window lie outside the "
                                             r"shock, and at least 28 are needed"):
        fit_shock(annex, *SHOCK, reference_start="2020-09-11", reference_end="2020-10-20")


def test_to_shock_keeps_the_change_by_source_and_the_interval_and_passes_settings_through() -> None:
    fit = ShockFit(start=dt.date(2020, 3, 23), end=dt.date(2020, 6, 30), change_pct=-35.04, low_pct=-41.26,
                   high_pct=-27.96, observed=650, expected=1000.0,
                   by_source_change_pct={"Schools": -57.3, "Police": -20.1})
    sh = fit.to_shock("Lockdown 1", returns_pct=40.0, return_start=dt.date(2020, 9, 1), return_months=4,
                      return_profile="front-loaded")
    assert (sh.name, sh.start, sh.end) == ("Lockdown 1", dt.date(2020, 3, 23), dt.date(2020, 6, 30))
    assert sh.referrals_change_pct == -35.0
    assert (sh.referrals_change_low_pct, sh.referrals_change_high_pct) == (-41.3, -28.0)
    assert sh.by_source_change_pct == {"Schools": -57.3, "Police": -20.1}
    assert (sh.returns_pct, sh.return_start, sh.return_months, sh.return_profile) == (
        40.0, dt.date(2020, 9, 1), 4, "front-loaded")
    s = Scenario(name="Fitted", shocks=(sh,))
    assert load_scenario(scenario_to_toml(s)) == s, "a fitted shock is a valid scenario shock"
    # settings given win over the fitted ones; a fitted rise beyond what a scenario allows is kept at 500
    assert fit.to_shock("x", by_source_change_pct={}).by_source_change_pct == {}
    big = ShockFit(start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 7), change_pct=612.0, low_pct=480.0,
                   high_pct=790.0, observed=10, expected=1.4).to_shock("x")
    assert (big.referrals_change_low_pct, big.referrals_change_pct, big.referrals_change_high_pct) == (
        480.0, 500.0, 500.0)


def test_a_fit_from_data_becomes_a_shock_with_its_interval_and_sources(events) -> None:
    refs, cp, cla = events
    fit = fit_shock(annex_from(refs, cp, cla, ["2020-12-31"]), *SHOCK)
    sh = fit.to_shock("Fitted", returns_pct=50.0)
    assert set(fit.by_source_change_pct) == set(sh.by_source_change_pct) and len(sh.by_source_change_pct) >= 3
    assert sh.referrals_change_low_pct == round(fit.low_pct, 1) < sh.referrals_change_pct
    assert sh.referrals_change_pct < round(fit.high_pct, 1) == sh.referrals_change_high_pct
    assert np.isclose(sh.referrals_change_pct, round(fit.change_pct, 1)) and sh.returns_pct == 50.0
