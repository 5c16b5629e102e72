"""The model against the actual stocks over the latest observed window: hand-computed, properties, simulated LA."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from world import make_annex

from csc_demand.model import estimate, window_fit
from csc_demand.model.conversion import LAG_WEEKS
from csc_demand.model.durations import (
    AGE_OUT_WEEKS,
    GRID_WEEKS,
    DurationEstimate,
    Survival,
    survival_given_open,
)
from csc_demand.model.timegrid import observed_intervals
from csc_demand.model.window_fit import WindowCohort, observed_window, stock_path, window_dates
from csc_demand.tables import day_label

FIRST_DAY = pd.Timestamp("2020-06-30")   # six months before the extract date 31 Dec 2020
HAZARD = 0.02                            # exits a week, constant


def _durations(values: np.ndarray, tail_hazard: float = HAZARD) -> DurationEstimate:
    """A duration estimate whose every curve (all ages and each band) is the given one."""
    s = Survival(values=np.asarray(values, dtype=float), tail_from_weeks=0.0, tail_hazard_per_week=tail_hazard,
                 events=10, plans=10)
    empty = np.zeros(0)
    return DurationEstimate(pooled=s, by_band=(s,) * 5, band_pooled=(True,) * 5, hazard_se_log=0.1,
                            explanation="", cohort_duration_weeks=empty, cohort_age_weeks=empty,
                            cohort_band=empty.astype(int), start_age_weeks=empty, start_band=empty.astype(int))


def _constant(hazard: float = HAZARD) -> DurationEstimate:
    return _durations(np.exp(-hazard * np.arange(GRID_WEEKS + 1)), hazard)


# --- hand-computed ---------------------------------------------------------------------------------------

def test_survival_given_open_conditions_on_time_already_open() -> None:
    # S(t) = 1 / (1 + t/10): the hazard falls with time open, so a plan 10 weeks in is more likely to last
    d = _durations(1.0 / (1.0 + np.arange(GRID_WEEKS + 1) / 10.0))
    s = survival_given_open(d, np.array([0.0, 10.0, 3.0]), np.array([100.0, 100.0, AGE_OUT_WEEKS - 2.0]),
                            np.array([0, 2, -1]), np.array([0.0, 4.0]))
    assert s[:, 0] == pytest.approx([1.0, 1.0, 1.0])
    assert s[0, 1] == pytest.approx(1 / 1.4)              # S(4)
    assert s[1, 1] == pytest.approx((1 / 2.4) / (1 / 2.0))  # S(14) / S(10)
    assert s[2, 1] == 0.0                                   # 18 two weeks in: ended at the 18th birthday


def test_stock_path_by_hand_follows_time_already_open() -> None:
    # S(t) = 1 / (1 + t/10); two open on the first day, one just started and one open 10 weeks; two starts in
    # each of the first two weeks, each half as likely to be open a week later as at its first week end
    d = _durations(1.0 / (1.0 + np.arange(GRID_WEEKS + 1) / 10.0))
    cohort = WindowCohort(duration_weeks=np.array([0.0, 10.0]), age_weeks=np.array([np.nan, 300.0]),
                          start_band=np.array([-1, 1]))
    kernel = np.array([0.8, 0.4, 0.2])
    path = stock_path(d, cohort, kernel, np.array([2.0, 2.0]), np.array([0.0, 1.0, 1.5, 2.0]))
    at_1 = 1 / 1.1 + (1 / 2.1) / (1 / 2.0) + 2 * 0.8
    at_2 = 1 / 1.2 + (1 / 2.2) / (1 / 2.0) + 2 * 0.8 + 2 * 0.4
    assert path[0] == pytest.approx(2.0)
    assert path[1] == pytest.approx(at_1)
    assert path[3] == pytest.approx(at_2)
    # half-way through week 2: the curves are tabulated weekly (linear in between), so is the starts' part
    s_15, s_115 = (1 / 1.1 + 1 / 1.2) / 2, (1 / 2.1 + 1 / 2.2) / 2
    assert path[2] == pytest.approx(s_15 + s_115 / (1 / 2.0) + (2 * 0.8 + 2 * 0.8 + 2 * 0.4) / 2)


@pytest.fixture(scope="module")
def three_plans():
    """Three child protection plans, a constant hazard of 0.02 a week, and 24 referrals in the window.

    A: open since 1 Jan 2020, the child 18 in mid-October 2020; B: 1 May to 15 Sep 2020; C: from the window's
    first day (30 Jun 2020). Ages come from the birth month (taken as the 15th)."""
    refs = [(f"R{i}", FIRST_DAY + pd.Timedelta(days=7 * i + 1), "Police", 8) for i in range(24)]
    cp = [("A", "2020-01-01", None, "2002-10-01"), ("B", "2020-05-01", "2020-09-15", "2010-01-01"),
          ("C", "2020-06-30", None, "2015-01-01")]
    cla = [("D", "2019-03-01", None, "2008-05-01")]
    annex = make_annex(refs, cp, cla)
    return annex, estimate(annex)


def _with_cp(est, *, per_referral: float):
    """The estimates with constant-hazard child protection curves, no lag, and the given starts per referral."""
    flow = est.cp
    conv = dataclasses.replace(flow.conversion, per_referral=per_referral, lag_pmf=np.eye(LAG_WEEKS)[0])
    kernel = np.exp(-HAZARD * (np.arange(300) + 0.5))   # a start is half a week in at its first week end
    return dataclasses.replace(est, cp=dataclasses.replace(flow, durations=_constant(), conversion=conv,
                                                           kernel=kernel))


def test_window_and_actual_counts_by_hand(three_plans) -> None:
    annex, est = three_plans
    fit = window_fit(est)
    cp = fit[fit["measure"] == "cp_open"].set_index("date")
    # week ends from 30 Jun 2020 (26 of them after it) and the extract date, which is not a week end
    assert list(cp.index[:3]) == list(pd.to_datetime(["2020-06-30", "2020-07-07", "2020-07-14"]))
    assert len(cp) == 28 and cp.index[-2] == pd.Timestamp("2020-12-29") and cp.index[-1] == pd.Timestamp("2020-12-31")
    assert cp.loc["2020-06-30", "actual"] == 3
    assert cp.loc["2020-09-08", "actual"] == 3
    assert cp.loc["2020-09-15", "actual"] == 2   # B ended that day: not open at its end
    assert cp.loc["2020-12-31", "actual"] == 2
    assert (fit.loc[fit["measure"] == "cla_open", "actual"] == 1).all()
    assert set(fit.columns) == {"measure", "date", "actual", "model"}


def test_model_path_by_hand_without_starts(three_plans) -> None:
    _, est = three_plans
    fit = window_fit(_with_cp(est, per_referral=0.0))
    cp = fit[fit["measure"] == "cp_open"].set_index("date")["model"]
    # constant hazard: each plan open on 30 Jun is still open t weeks later with chance exp(-0.02 t), whatever
    # its time open so far; A's child turns 18 in mid-October 2020 and the plan ends then
    assert cp["2020-06-30"] == pytest.approx(3.0)
    assert cp["2020-07-28"] == pytest.approx(3 * math.exp(-HAZARD * 4))
    assert cp["2020-10-06"] == pytest.approx(3 * math.exp(-HAZARD * 14))
    assert cp["2020-10-27"] == pytest.approx(2 * math.exp(-HAZARD * 17))
    # between whole weeks the curves are interpolated linearly (tabulated weekly): equal to 1 in 10,000
    assert cp["2020-12-31"] == pytest.approx(2 * math.exp(-HAZARD * 184 / 7), rel=1e-4)


def test_model_path_by_hand_with_starts(three_plans) -> None:
    _, est = three_plans
    p = 0.5
    fit = window_fit(_with_cp(est, per_referral=p))
    cp = fit[fit["measure"] == "cp_open"].set_index("date")["model"]
    # no lag, and the usual referrals a week (no monthly pattern with half a year of data; the day-of-the-week
    # pattern averages 1 over a week): p × referrals a week starts in each week after 30 Jun
    starts = p * est.baseline.per_week
    assert starts > 0
    new_4 = starts * sum(math.exp(-HAZARD * (u + 0.5)) for u in range(4))   # at the 4th week end
    assert cp["2020-07-28"] == pytest.approx(3 * math.exp(-HAZARD * 4) + new_4)
    assert cp["2020-06-30"] == pytest.approx(3.0)


# --- properties ------------------------------------------------------------------------------------------

_DAY0 = pd.Timestamp("2019-01-01")


@st.composite
def _plans(draw):
    n = draw(st.integers(0, 12))
    rows = []
    for i in range(n):
        start = _DAY0 + pd.Timedelta(days=draw(st.integers(0, 729)))
        length = draw(st.one_of(st.none(), st.integers(0, 400)))
        end = None if length is None else start + pd.Timedelta(days=length)
        birth = draw(st.one_of(st.none(), st.integers(0, 18 * 365 + 200)))
        bm = None if birth is None else (start - pd.Timedelta(days=birth)).replace(day=1)
        rows.append((f"P{i}", start, end, bm))
    return rows


@settings(max_examples=40, deadline=None)
@given(plans=_plans(), hazards=st.lists(st.floats(0.0, 0.3), min_size=1, max_size=6),
       starts=st.lists(st.floats(0.0, 50.0), min_size=27, max_size=27),
       kernel_hazard=st.floats(0.0, 0.5))
def test_model_path_never_negative_and_starts_at_the_actual_count(plans, hazards, starts, kernel_hazard) -> None:
    annex = make_annex([("R1", "2020-07-01", "Police", 5)], plans, plans)
    e = pd.Timestamp(annex.extract_date)
    w = observed_window(annex, observed_intervals(annex), e)
    assert w.start == FIRST_DAY and list(w.dates) == list(window_dates(FIRST_DAY, e))
    # any decreasing curve: piecewise-constant hazards
    h = np.repeat(np.asarray(hazards), -(-(GRID_WEEKS + 1) // len(hazards)))[:GRID_WEEKS + 1]
    d = _durations(np.exp(-np.concatenate([[0.0], np.cumsum(h[:-1])])), float(h[-1]))
    kernel = np.exp(-kernel_hazard * (np.arange(27) + 0.5))
    t = np.asarray((w.dates - w.start).days, dtype=float) / 7.0
    for m in ("cp_open", "cla_open"):
        path = stock_path(d, w.cohorts[m], kernel, np.asarray(starts), t)
        assert np.all(path >= 0.0)
        assert path[0] == pytest.approx(w.actual[m][0], abs=1e-9)
        assert len(w.cohorts[m].duration_weeks) == w.actual[m][0]


# --- the simulated local authority -----------------------------------------------------------------------

def test_model_follows_the_simulated_la_within_15_percent(world_estimates) -> None:
    fit = window_fit(world_estimates)
    assert set(fit["measure"]) == {"cp_open", "cla_open"}
    for m, sub in fit.groupby("measure"):
        assert sub["actual"].iloc[0] > 100
        assert sub["model"].iloc[0] == pytest.approx(sub["actual"].iloc[0])
        gap = (sub["model"] - sub["actual"]).abs() / sub["actual"]
        assert gap.max() < 0.15, f"{m}: largest gap {gap.max():.1%}"
        assert (sub["model"] >= 0).all()
    assert fit["date"].min() == pd.Timestamp("2020-06-30") and fit["date"].max() == pd.Timestamp("2020-12-31")


def test_a_wrong_rate_shows_as_a_gap(world_estimates) -> None:
    est = world_estimates
    wrong = dataclasses.replace(est, cla=dataclasses.replace(
        est.cla, conversion=dataclasses.replace(est.cla.conversion, per_referral=3 * est.cla.conversion.per_referral)))
    sub = window_fit(wrong).query("measure == 'cla_open'")
    assert ((sub["model"] - sub["actual"]) / sub["actual"]).max() > 0.15


def test_summary_sentences_state_the_largest_gap(world_estimates) -> None:
    fit = window_fit(world_estimates)
    summary = fit.attrs["summary"]
    assert set(summary) == {"cp_open", "cla_open"}
    for m, what, unit in (("cp_open", "open child protection plans", "plans"),
                          ("cla_open", "children looked after", "children")):
        sub = fit[fit["measure"] == m].reset_index(drop=True)
        gap = (sub["model"] - sub["actual"]).abs()
        pct = math.ceil((gap / sub["actual"]).max() * 100)
        i = int(gap.idxmax())
        side = "above" if sub["model"][i] > sub["actual"][i] else "below"
        assert summary[m] == (f"Over the last six months the model's path stays within {pct}% of the actual number "
                              f"of {what} (largest gap {round(gap[i])} {unit} on {day_label(sub['date'][i])}, "
                              f"the model {side} the actual).")
        assert not re.search(r"\d\.\d", summary[m])   # whole numbers only


def test_no_window_gives_an_empty_table(world_estimates) -> None:
    fit = window_fit(dataclasses.replace(world_estimates, window=None))
    assert fit.empty and list(fit.columns) == ["measure", "date", "actual", "model"]
    assert fit.attrs["summary"] == {}


def test_estimates_never_print_the_window(world_estimates) -> None:
    assert "window" not in repr(world_estimates) and "duration_weeks" not in repr(world_estimates)
