"""Kaplan–Meier with left truncation and right censoring, hand-computed on tiny fixtures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from world import make_annex
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_demand.model.durations import (
    AGE_OUT_WEEKS,
    band_index,
    cohort_survivors,
    episodes,
    fit_durations,
    fit_survival,
    kaplan_meier,
    start_kernel,
)
from csc_demand.model.timegrid import observed_intervals


def test_kaplan_meier_hand_computed() -> None:
    # five plans: (entry, exit, ended?) in weeks
    entry = np.array([0, 0, 0, 2, 3.0])
    exit_ = np.array([1, 2, 4, 5, 6.0])
    ended = np.array([True, False, True, True, False])
    times, surv, at_risk, events = kaplan_meier(entry, exit_, ended)
    # t=1: at risk = plans entered before 1 and not yet gone = 3 (the 4th enters at 2) -> 1 - 1/3
    # t=4: at risk = plans 3, 4, 5 -> x (1 - 1/3); t=5: plans 4, 5 -> x (1 - 1/2)
    assert times.tolist() == [1, 4, 5]
    assert at_risk.tolist() == [3, 3, 2]
    assert events.tolist() == [1, 1, 1]
    assert surv == pytest.approx([2 / 3, 4 / 9, 2 / 9])


def test_ignoring_left_truncation_gives_a_different_answer() -> None:
    # Two plans started long before the window (entry 50 weeks in) and ended soon after; two started in
    # the window and ended at 2 and 4 weeks.
    entry = np.array([50.0, 50.0, 0.0, 0.0])
    exit_ = np.array([52.0, 60.0, 2.0, 4.0])
    ended = np.ones(4, dtype=bool)
    _, s_trunc, risk_trunc, _ = kaplan_meier(entry, exit_, ended)
    _, s_naive, risk_naive, _ = kaplan_meier(np.zeros(4), exit_, ended)
    # with truncation the long plans are not at risk at weeks 2 and 4: S(2) = 1/2, S(4) = 0 ...
    assert risk_trunc.tolist() == [2, 1, 2, 1]
    assert s_trunc[:2] == pytest.approx([0.5, 0.0])
    # ... ignoring it they are (4 at risk at week 2): S(2) = 3/4, S(4) = 1/2: durations look longer
    assert risk_naive.tolist() == [4, 3, 2, 1]
    assert s_naive[:2] == pytest.approx([0.75, 0.5])


def test_episodes_truncate_at_window_start_and_censor_at_extract() -> None:
    annex = make_annex(
        [("r1", "2020-10-01", "Police", 5)],
        cp=[("a", "2019-12-31", None, "2010-01-01"),          # started a year before: entry 182 days in, open
            ("b", "2020-08-01", "2020-09-01", "2010-01-01"),  # inside the window: entry 0, 31 days, ended
            ("c", "2020-01-01", "2020-07-15", "2002-08-01")],  # ended 2 weeks after the 18th birthday: censored
    )
    ep = episodes(annex.cp_plans, observed_intervals(annex), annex.extract_date)
    ws = pd.Timestamp("2020-06-30")
    assert ep.entry_weeks[0] == pytest.approx((ws - pd.Timestamp("2019-12-31")).days / 7)
    assert ep.exit_weeks[0] == pytest.approx(366 / 7)
    assert not ep.event[0] and ep.open_at_extract[0]
    assert ep.entry_weeks[1] == 0 and ep.exit_weeks[1] == pytest.approx(31 / 7) and ep.event[1]
    assert not ep.event[2] and not ep.open_at_extract[2]


def test_tail_is_a_constant_hazard_fitted_beyond_the_80th_percentile() -> None:
    rng = np.random.default_rng(3)
    x = rng.exponential(20.0, 4000)
    s = fit_survival(np.zeros_like(x), x, np.ones_like(x, dtype=bool))
    assert s.tail_hazard_per_week == pytest.approx(1 / 20, rel=0.15)
    assert s.median_weeks == pytest.approx(20 * np.log(2), rel=0.08)
    assert s.at(200.0) == pytest.approx(np.exp(-200 / 20), rel=0.8)
    assert np.all(np.diff(s.values) <= 0)


def test_theta_for_median_rescales_the_curve() -> None:
    x = np.random.default_rng(1).exponential(30.0, 3000)
    s = fit_survival(np.zeros_like(x), x, np.ones_like(x, dtype=bool))
    theta = s.theta_for_median(10.0)
    assert s.scaled(theta).median_weeks == pytest.approx(10.0, abs=0.6)


def test_cohort_leaves_at_18_and_conditions_on_time_open() -> None:
    annex = make_annex(
        [("r1", "2020-10-01", "Police", 5)],
        cla=[("a", "2020-01-01", None, "2003-03-01"),   # 17 years 10 months at E: leaves within ~2 months
             ("b", "2015-01-01", None, "2010-01-01")],  # open six years, aged 11
    )
    ep = episodes(annex.looked_after, observed_intervals(annex), annex.extract_date)
    d = fit_durations(ep, "periods of care")
    total, by_band = cohort_survivors(d, weeks=60)
    assert total[0] == 2
    gone = int(np.ceil(AGE_OUT_WEEKS - max(d.cohort_age_weeks)))
    assert 0 < gone < 12
    assert total[gone + 1] <= 1.0 + 1e-9      # the older child has left at 18
    assert by_band[gone + 1, 4] == pytest.approx(0.0)
    assert np.allclose(by_band.sum(axis=1), total)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50), st.floats(0.1, 100), st.booleans()), min_size=1, max_size=40))
def test_kaplan_meier_properties(rows) -> None:
    entry = np.array([r[0] for r in rows])
    exit_ = entry + np.array([r[1] for r in rows])
    ended = np.array([r[2] for r in rows])
    times, surv, at_risk, events = kaplan_meier(entry, exit_, ended)
    assert np.all((surv >= 0) & (surv <= 1))
    assert np.all(np.diff(surv) <= 1e-12)
    assert np.all(at_risk >= events) and events.sum() == ended.sum()
    if not ended.any():
        assert len(times) == 0


def _kernel_start_by_start(d, weeks: int, theta: float):
    """The new-start kernel the long way: one row per start (its band's curve, ended at 18), summed by current
    age band (an unknown age counts in its start band, an unknown band evenly in all)."""
    age, band = d.start_age_weeks, d.start_band
    u = np.arange(weeks + 1) + 0.5
    s = np.stack([d.curve(int(b)).scaled(theta).at(u) for b in band])
    known = ~np.isnan(age)
    age_t = np.where(known[:, None], age[:, None] + u[None, :], 0.0)
    s = np.where(known[:, None] & (age_t >= AGE_OUT_WEEKS), 0.0, s)
    cur = np.where(known[:, None], band_index(age_t), -1)
    cb = np.where(cur < 0, band[:, None], cur)
    by = np.stack([np.where(cb == c, s, 0.0).sum(axis=0) for c in range(5)], axis=1)
    by += (np.where(cb < 0, s, 0.0).sum(axis=0) / 5)[:, None]
    return s.mean(axis=0), by / len(age)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.floats(-30, 20 * 52.2)), st.integers(-1, 4)), min_size=1,
                max_size=60),
       st.floats(0.3, 3.0))
def test_start_kernel_counts_equal_the_start_by_start_mixture(world_estimates, starts, theta) -> None:
    """The kernel counted from sorted ages equals the mean of every start's own curve (ended at its 18th
    birthday), in total and by current age band, for any ages (unborn, near 18, unknown) and bands."""
    import dataclasses
    age = np.array([np.nan if a is None else a for a, _ in starts])
    band = np.array([b if a is None else int(band_index(np.array([a]))[0]) for a, b in starts])
    d = dataclasses.replace(world_estimates.cla.durations, start_age_weeks=age, start_band=band)
    total, by_band, _ = start_kernel(d, weeks=400, theta=theta)
    ref_total, ref_by_band = _kernel_start_by_start(d, 400, theta)
    assert np.allclose(total, ref_total, atol=1e-12) and np.allclose(by_band, ref_by_band, atol=1e-12)
