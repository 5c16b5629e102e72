"""Extracts with gaps between their windows: durations, the backtest's cut dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csc_demand.model import estimate
from csc_demand.model.backtest import default_cutoffs, truncate
from csc_demand.model.durations import at_risk_segments

from world import World, annex_from, open_at, simulate_world


@pytest.fixture(scope="module")
def gap_world():
    """Two extracts a year apart (windows Jan–Jun 2020 and Jan–Jun 2021): a six-month gap between them."""
    refs, cp, cla = simulate_world(World(referrals_per_week=120), seed=21, end="2022-12-31")
    return (refs, cp, cla), annex_from(refs, cp, cla, ["2020-06-30", "2021-06-30"])


def test_segments_by_hand():
    """Windows 1–10 Jan and 21–31 Jan (day numbers as dates). Plan A starts 5 Jan, ends 25 Jan: at risk 5→10
    Jan (censored) and again 21→25 Jan (ended). Plan B starts 2 Jan and ends 15 Jan, in the gap: censored at
    10 Jan, never seen again. Plan C starts 12 Jan (in the gap) and is still open on 31 Jan: from 21 Jan."""
    d = lambda x: np.datetime64(f"2021-01-{x:02d}")
    start = np.array([d(5), d(2), d(12)])
    exit_ = np.array([d(25), d(10), d(31)])          # B was last seen on 10 Jan (its extract date)
    event = np.array([True, False, False])
    plan, entry, out, ended = at_risk_segments(start, exit_, event, np.array([d(1), d(21)]),
                                               np.array([d(10), d(31)]))
    assert list(plan) == [0, 0, 1, 2]
    assert entry * 7 == pytest.approx([0, 16, 0, 9])
    assert out * 7 == pytest.approx([5, 20, 8, 19])
    assert list(ended) == [False, True, False, False]


def test_durations_from_extracts_with_a_gap_are_not_too_long(gap_world):
    """True durations are exponential with means 40 and 100 weeks (medians 27.7 and 69.3, fewer at 18); one
    at-risk segment per window keeps both extracts' estimate near the truth, like the latest extract's alone."""
    (refs, cp, cla), both = gap_world
    latest = annex_from(refs, cp, cla, ["2021-06-30"])
    for annex in (both, latest):
        est = estimate(annex)
        assert est.cp.durations.median_weeks == pytest.approx(40 * np.log(2), rel=0.2)
        assert est.cla.durations.median_weeks == pytest.approx(100 * np.log(2), rel=0.3)


def test_a_cut_in_the_gap_knows_what_the_earlier_extract_showed(gap_world):
    (refs, cp, cla), both = gap_world
    cut = truncate(both, pd.Timestamp("2020-09-30"))
    assert cut.extract_date == pd.Timestamp("2020-06-30")           # the later extract did not exist yet
    est = estimate(cut)
    assert est.cp.open_now == open_at(cp, pd.Timestamp("2020-06-30"))
    assert est.cla.open_now == open_at(cla, pd.Timestamp("2020-06-30"))
    # nothing the later extract alone showed: no plan started after the earlier extract date
    assert pd.to_datetime(cut.cp_plans["start_date"]).max() <= pd.Timestamp("2020-06-30")


def test_a_cut_early_in_a_window_does_not_make_a_sliver_of_window(gap_world):
    _, both = gap_world
    cut = truncate(both, pd.Timestamp("2021-01-15"))
    assert [e.extract_date for e in cut.extracts] == [pd.Timestamp("2020-06-30")]
    later = truncate(both, pd.Timestamp("2021-03-31"))
    assert later.extract_date == pd.Timestamp("2021-03-31")
    est = estimate(later)
    assert est.baseline.days >= 61 and est.cp.conversion.per_referral > 0.05


def test_default_cut_dates_never_fall_in_a_gap(gap_world):
    _, both = gap_world
    cuts = default_cutoffs(both)
    assert cuts
    for c in cuts:
        assert any(e.window_start + pd.Timedelta(days=61) <= c <= e.extract_date for e in both.extracts)


def test_a_cut_keeps_only_the_monthly_figures_known_then(gap_world):
    from csc_demand.model import with_history
    from csc_demand.tables import MonthlyHistory
    _, both = gap_world
    months = pd.date_range("2019-01-01", "2021-06-01", freq="MS")
    table = pd.DataFrame({"referrals": 500.0}, index=pd.DatetimeIndex(months, name="month"))
    annex = with_history(both, MonthlyHistory(table=table, source="monthly.csv"))
    cut = truncate(annex, pd.Timestamp("2021-03-31"))
    assert cut.history.table.index.max() == pd.Timestamp("2021-03-01")
    assert truncate(annex, pd.Timestamp("2021-03-30")).history.table.index.max() == pd.Timestamp("2021-02-01")
