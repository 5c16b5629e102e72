"""SSDA903 returns in the model: the periods they add to List 8 and the longer view of how long care lasts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from world import World, annex_from, make_annex, simulate_world

from csc_demand.io.ssda903 import Return903, Ssda903
from csc_demand.model import estimate
from csc_demand.model.estimate import care_history


def returns_903(cla: pd.DataFrame, first_year_end: str, extract: str) -> Ssda903:
    """Every period of care open at any time from the first return's year to the extract date, as the returns
    would give them: ends after the extract date open; periods begun before the first return flagged."""
    e = pd.Timestamp(extract)
    ends = pd.date_range(first_year_end, e + pd.offsets.YearEnd(0) + pd.DateOffset(months=3), freq="12MS")
    ends = [d - pd.Timedelta(days=1) for d in ends]
    first_day = ends[0] - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    p = cla[(cla["end_date"] >= first_day) & (cla["start_date"] <= e)].copy()
    p.loc[p["end_date"] > e, "end_date"] = pd.NaT
    p = p.reset_index(drop=True)
    return Ssda903(periods=p, start_seen=p["start_date"] >= first_day, episodes=p.iloc[:0], extract_date=e,
                   returns=tuple(Return903(end, "file name", (), 0) for end in ends), counts={})


def test_beyond_keeps_list8_where_both_hold_a_period():
    """Child a: the same period in both (List 8 wins). Child b: an older period, ended before List 8's window
    (added). Child c: begun before the first return (start not seen: not used). Child d: a period whose dates
    differ a little from List 8's but overlap it (the same period: not added)."""
    list8 = make_annex([("r", "2020-12-01", "Police", 5)],
                       cla=[("a", "2020-03-01", None, "2010-01-01"), ("d", "2020-08-03", None, "2012-01-01")],
                       extract_date="2020-12-31").looked_after
    periods = pd.DataFrame({"child_id": ["a", "b", "c", "d"],
                            "start_date": pd.to_datetime(["2020-03-01", "2018-05-01", "2016-04-01", "2020-08-01"]),
                            "end_date": pd.to_datetime([None, "2019-02-01", "2017-01-01", None]),
                            "birth_month": pd.to_datetime(["2010-01-01", "2011-01-01", "2009-01-01", "2012-01-01"])})
    s = Ssda903(periods=periods, start_seen=pd.Series([True, True, False, True]), episodes=periods.iloc[:0],
                returns=(Return903(pd.Timestamp("2017-03-31"), "file name", (), 0),), counts={},
                extract_date=pd.Timestamp("2020-12-31"))
    assert s.first_day == pd.Timestamp("2016-04-01")
    assert s.beyond(list8).tolist() == [False, True, False, False]


def test_care_history_adds_the_years_the_returns_cover():
    refs, cp, cla = simulate_world(World(), seed=3, end="2021-06-30")
    annex = annex_from(refs, cp, cla, ["2021-06-30"])
    annex.ssda903 = returns_903(cla, "2017-03-31", "2021-06-30")
    table, intervals = care_history(annex, [(pd.Timestamp("2020-12-30"), pd.Timestamp("2021-06-30"))],
                                    pd.Timestamp("2021-06-30"))
    assert intervals == [(pd.Timestamp("2016-04-01"), pd.Timestamp("2021-06-30"))]
    assert len(table) == len(annex.looked_after) + int(annex.ssda903.beyond(annex.looked_after).sum())
    # no period counted twice: each child's periods never overlap
    t = table.sort_values(["child_id", "start_date"])
    same = t["child_id"].to_numpy()[1:] == t["child_id"].to_numpy()[:-1]
    assert not (same & (t["start_date"].to_numpy()[1:] < t["end_date"].fillna(pd.Timestamp("2200-01-01")).to_numpy()[:-1])).any()


def test_five_years_of_returns_measure_how_long_care_lasts_better():
    """Exponential periods of care with a mean of 100 weeks (median 69.3): six months of List 8 against List 8
    plus the returns since April 2016, over several worlds."""
    truth = 100 * np.log(2)
    alone, with_903, se_alone, se_903 = [], [], [], []
    for seed in range(4):
        refs, cp, cla = simulate_world(World(), seed=seed, end="2021-06-30")
        annex = annex_from(refs, cp, cla, ["2021-06-30"])
        a = estimate(annex).cla.durations
        annex.ssda903 = returns_903(cla, "2017-03-31", "2021-06-30")
        b = estimate(annex).cla.durations
        alone.append(a.median_weeks)
        with_903.append(b.median_weeks)
        se_alone.append(a.hazard_se_log)
        se_903.append(b.hazard_se_log)
    assert np.mean(np.abs(np.array(with_903) / truth - 1)) < 0.08
    assert np.mean(np.abs(np.array(with_903) / truth - 1)) < np.mean(np.abs(np.array(alone) / truth - 1))
    assert np.mean(se_903) < 0.6 * np.mean(se_alone)


def test_the_same_children_are_open_with_or_without_the_returns():
    refs, cp, cla = simulate_world(World(), seed=5, end="2021-06-30")
    annex = annex_from(refs, cp, cla, ["2021-06-30"])
    before = estimate(annex).cla.open_now
    annex.ssda903 = returns_903(cla, "2017-03-31", "2021-06-30")
    assert estimate(annex).cla.open_now == before
    assert before == pytest.approx(int(((cla["start_date"] <= "2021-06-30") & (cla["end_date"] > "2021-06-30")).sum()),
                                   abs=0)


def test_care_months_by_hand():
    """Three periods: Jan 10 – Mar 5, Feb 1 – open, Mar 31 – Apr 2. Whole months from 15 Dec to 30 Apr:
    January to March (April's end is after the last day). Starts 1, 1, 1; open at the month ends 1, 2, 2."""
    from csc_demand.model.estimate import care_months
    t = pd.DataFrame({"start_date": pd.to_datetime(["2021-01-10", "2021-02-01", "2021-03-31"]),
                      "end_date": pd.to_datetime(["2021-03-05", None, "2021-04-02"])})
    m = care_months(t, pd.Timestamp("2020-12-15"), pd.Timestamp("2021-04-29"))
    assert list(m.index) == list(pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01"]))
    assert m["cla_starts"].tolist() == [1.0, 1.0, 1.0] and m["cla_open"].tolist() == [1.0, 2.0, 2.0]


def test_the_returns_years_give_the_flow_balance_of_children_looked_after():
    refs, cp, cla = simulate_world(World(), seed=7, end="2021-06-30")
    annex = annex_from(refs, cp, cla, ["2021-06-30"])
    annex.ssda903 = returns_903(cla, "2017-03-31", "2021-06-30")
    anchor = estimate(annex).cla.anchor
    assert "The SSDA903 returns from Jul 2020 to Jun 2021" in anchor.explanation


def test_earlier_starts_update_the_conversion_by_hand():
    """Beta(10.5, 90.5) (10 starts in 100 referrals) with 6 starts over about 50 referrals before: Beta(16.5,
    134.5), mean 16.5 / 151 = 0.1093."""
    from csc_demand.model.conversion import Conversion, with_earlier_starts
    c = Conversion(per_referral=0.1, low=0.06, high=0.14, alpha=10.5, beta=90.5, starts=10, referrals=100,
                   lag_pmf=np.ones(1), explanation="Ten in a hundred.", lag_explanation="")
    d = with_earlier_starts(c, 6, 50.0, "from 1 January to 30 June 2020", "periods of care")
    assert (d.alpha, d.beta, d.starts, d.referrals) == (16.5, 134.5, 16, 150)
    assert d.per_referral == pytest.approx(16.5 / 151) and d.var_log < c.var_log
    assert "6 periods of care that started from 1 January to 30 June 2020" in d.explanation
    assert with_earlier_starts(c, 3, 0.0, "never", "periods of care") is c


def test_the_returns_starts_before_the_window_count_towards_starts_per_referral():
    refs, cp, cla = simulate_world(World(), seed=9, end="2021-06-30")
    annex = annex_from(refs, cp, cla, ["2021-06-30"])
    alone = estimate(annex).cla.conversion
    annex.ssda903 = returns_903(cla, "2017-03-31", "2021-06-30")
    both = estimate(annex).cla.conversion
    assert both.starts > alone.starts + 20 and both.var_log < 0.7 * alone.var_log
    assert both.per_referral == pytest.approx(0.05, rel=0.15)      # the world's true rate
