"""Referral baseline, seasonality, conversions (flow ratios) and lags against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from world import make_annex

from csc_demand.errors import CscDemandError
from csc_demand.model import estimate
from csc_demand.model.baseline import fit_seasonality, referral_history
from csc_demand.model.conversion import fit_lag
from csc_demand.model.timegrid import observed_intervals


def _days(start: str, n: int, per_day: int) -> list[tuple]:
    d0 = pd.Timestamp(start)
    return [(f"{i:04d}{k:012x}", d0 + pd.Timedelta(days=i), "Police" if k % 2 else "Schools", 8)
            for i in range(n) for k in range(per_day)]


def test_baseline_and_conversion_are_flow_ratios() -> None:
    # window 30 Jun – 31 Dec 2020 = 185 days; 2 referrals a day -> 370 referrals, 14 a week
    refs = _days("2020-06-30", 185, 2)
    cp = [(f"c{i}", "2020-08-01", None, "2012-05-01") for i in range(37)]          # 37 starts: 1 in 10
    cp += [(f"o{i}", "2019-01-01", None, "2012-05-01") for i in range(5)]          # started before: not a flow
    annex = make_annex(refs, cp=cp, cla=[("k1", "2020-09-01", None, "2015-01-01")])
    est = estimate(annex)
    assert est.baseline.per_week == pytest.approx(14.0)
    assert est.baseline.referrals == 370 and est.baseline.days == 185
    assert est.cp.conversion.per_referral == pytest.approx(37 / 370)
    assert est.cp.conversion.low < 0.1 < est.cp.conversion.high
    assert est.cla.conversion.per_referral == pytest.approx(1 / 370)
    assert est.cp.open_now == 42 and est.cla.open_now == 1
    assert "1 in 10 referrals led to a child protection plan" in est.cp.conversion.explanation
    assert est.seasonality.by_month is None and "No seasonal pattern" in est.seasonality.explanation
    assert est.dispersion == pytest.approx(1.0)   # exactly two a day: no extra variation
    assert est.recent_weekly_referrals.tolist() == [14.0] * 26
    # the reference window changes the baseline: only August (31 days, 62 referrals)
    est2 = estimate(annex, reference_start=pd.Timestamp("2020-08-01").date(),
                    reference_end=pd.Timestamp("2020-08-31").date())
    assert est2.baseline.referrals == 62 and est2.baseline.per_week == pytest.approx(14.0)


def test_thin_data_is_said_plainly() -> None:
    from csc_demand.model.estimate import thin_data_notes

    assert thin_data_notes(300, 20, 20) == []
    notes = thin_data_notes(299, 20, 19)
    assert len(notes) == 2 and "only 299 referrals" in notes[0] and "Only 19 periods of care" in notes[1]
    # the tiny fixture above: 370 referrals, 37 plan starts, 1 care start -> one warning, in the sentences
    refs = _days("2020-06-30", 185, 2)
    cp = [(f"c{i}", "2020-08-01", None, "2012-05-01") for i in range(37)]
    est = estimate(make_annex(refs, cp=cp, cla=[("k1", "2020-09-01", None, "2015-01-01")]))
    assert [n for n in est.notes if "uncertain" in n] == [thin_data_notes(370, 37, 1)[0]]
    # one six-month extract: late care starts cannot be seen, and the note says so
    assert any("cover 185 days" in n and "older extracts" in n for n in est.notes)
    assert est.notes[0] in est.explain()


def test_no_referrals_is_a_plain_error() -> None:
    annex = make_annex([("r1", "2019-01-01", "Police", 3)])
    with pytest.raises(CscDemandError, match="no referrals"):
        estimate(annex)


def test_seasonality_needs_two_years_and_is_normalised() -> None:
    # six-monthly extracts -> two contiguous years; more referrals in even months
    days = pd.date_range("2018-12-31", "2020-12-31")
    rows = [(f"{i:016x}", d, "Police", 5) for i, d in enumerate(np.repeat(days, np.where(days.month % 2 == 0, 3, 1)))]
    annex = make_annex(rows, extracts=["2019-06-30", "2019-12-31", "2020-06-30", "2020-12-31"])
    h = referral_history(annex.referrals, observed_intervals(annex), annex.extract_date)
    s = fit_seasonality(h)
    assert s.by_month is not None
    # three times as many in even months; shrunk a little towards 1 (about 1/90 of the spread is chance)
    assert 2.8 < s.by_month[1] / s.by_month[0] < 3.0
    dim = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    assert np.sum(s.by_month * dim) / dim.sum() == pytest.approx(1.0)


def test_lag_corrects_for_referrals_before_the_window() -> None:
    # 40 starts on 30 Oct 2020 (lags up to 17 weeks observable) linked at 1 week; 40 starts on 30 Jul 2020
    # (only lags up to 3 weeks observable) also linked at 1 week; 20 starts on 30 Oct linked at 10 weeks.
    refs, starts = [], []
    for i in range(40):
        refs.append((f"a{i}", "2020-10-23", "Police", 5)); starts.append((f"a{i}", "2020-10-30", None, "2015-01-01"))
        refs.append((f"b{i}", "2020-07-23", "Police", 5)); starts.append((f"b{i}", "2020-07-30", None, "2015-01-01"))
    for i in range(20):
        refs.append((f"c{i}", "2020-08-21", "Police", 5)); starts.append((f"c{i}", "2020-10-30", None, "2015-01-01"))
    annex = make_annex(refs, cp=starts)
    pmf, linked, _, _, _ = fit_lag(annex.referrals, annex.cp_plans, observed_intervals(annex), "plans")
    assert linked == 100
    # lag 1: 80 of 100 starts could show it; lag 10: 20 of the 60 Oct starts could show it
    assert pmf[1] / pmf[10] == pytest.approx((80 / 100) / (20 / 60))
    assert pmf.sum() == pytest.approx(1.0)


def test_seasonality_with_months_only_seen_in_a_shock():
    # two years of data with twice the referrals in December; April and May 2020 are left out (a shock), so
    # April and May are seen in one year only: they get no adjustment, the other months still show December
    days = pd.date_range("2018-12-31", "2020-12-31")
    rows = [(f"{i:016x}", d, "Police", 5) for i, d in enumerate(np.repeat(days, np.where(days.month == 12, 2, 1)))]
    annex = make_annex(rows, extracts=["2019-06-30", "2019-12-31", "2020-06-30", "2020-12-31"])
    h = referral_history(annex.referrals, observed_intervals(annex), annex.extract_date)
    use = ~np.asarray((h.days >= "2020-04-01") & (h.days <= "2020-05-31"))
    s = fit_seasonality(h, use=use)
    assert s.by_month is not None
    assert 1.6 < s.by_month[11] / s.by_month[0] < 2.0     # shrunk a little: ~30 referrals a month is noisy
    assert s.by_month[3] == pytest.approx(1.0, abs=0.01)   # April: no adjustment (the yearly average)


def test_a_lockdown_in_the_only_april_seen_is_not_taken_for_a_season():
    # a year and a half of data (each of Jul–Dec seen twice, Jan–Jun once) with referrals 40% down in Apr–Jun
    # 2020: no monthly pattern is used, rather than one that makes every future spring 40% lower
    days = pd.date_range("2019-06-30", "2020-12-31")
    per_day = np.where((days >= "2020-04-01") & (days <= "2020-06-30"), 3, 5)
    rows = [(f"{i:016x}", d, "Police", 5) for i, d in enumerate(np.repeat(days, per_day))]
    annex = make_annex(rows, extracts=["2019-12-31", "2020-06-30", "2020-12-31"])
    h = referral_history(annex.referrals, observed_intervals(annex), annex.extract_date)
    s = fit_seasonality(h)
    assert s.by_month is None and "two different years" in s.explanation


def test_trend_is_measured_with_a_year_of_data():
    # referrals rise steadily: 1 a day in mid-2019 to about 1.2 a day at the end of 2020 (+12% a year)
    days = pd.date_range("2019-06-30", "2020-12-31")
    years = (days - days[-1]).days / 365.25
    per_day = np.rint(20 * 1.12 ** years).astype(int)
    rows = [(f"{i:016x}", d, "Police", 5) for i, d in enumerate(np.repeat(days, per_day))]
    est = estimate(make_annex(rows, extracts=["2019-12-31", "2020-06-30", "2020-12-31"]))
    assert est.trend.pct_per_year == pytest.approx(12.0, abs=1.5)
    assert est.trend.low < est.trend.pct_per_year < est.trend.high
    assert "the forecast uses no trend unless the scenario sets one" in est.trend.explanation
    short = estimate(make_annex(_days("2020-06-30", 185, 2)))
    assert short.trend.pct_per_year is None and "needs a year" in short.trend.explanation
