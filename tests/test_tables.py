"""The timeline of what was observed when (``observed_timeline``, ``timeline_text``) and the date labels."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_demand.tables import (
    AnnexA,
    Extract,
    MonthlyHistory,
    QualityReport,
    day_range_label,
    month_range_label,
    observed_intervals,
    observed_timeline,
    timeline_text,
    window_start,
)


def _annex(*extract_dates: str, history: MonthlyHistory | None = None) -> AnnexA:
    ex = [Extract(pd.Timestamp(d), window_start(pd.Timestamp(d)), "file name") for d in extract_dates]
    return AnnexA(tables={}, extract_date=ex[-1].extract_date, extract_date_source="file name", extracts=ex,
                  quality=QualityReport(), history=history)


def _history(months: list[str], blank: list[str] = ()) -> MonthlyHistory:
    index = pd.DatetimeIndex(pd.to_datetime([*months, *blank]), name="month")
    table = pd.DataFrame({"referrals": [100.0] * len(months) + [float("nan")] * len(blank)}, index=index)
    return MonthlyHistory(table=table.sort_index(), source="history.csv")


@pytest.mark.parametrize("a, b, text", [
    ("2021-01-01", "2021-06-30", "Jan–Jun 2021"), ("2020-11-01", "2021-04-30", "Nov 2020–Apr 2021"),
    ("2021-07-01", "2021-12-29", "1 Jul – 29 Dec 2021"), ("2020-12-30", "2021-06-30", "30 Dec 2020 – 30 Jun 2021"),
    ("2021-03-01", "2021-03-31", "Mar 2021"), ("2021-03-05", "2021-03-05", "5 Mar 2021"),
])
def test_day_range_label(a, b, text):
    assert day_range_label(pd.Timestamp(a), pd.Timestamp(b)) == text


def test_month_range_label():
    assert month_range_label(pd.Timestamp("2017-04-01"), pd.Timestamp("2022-03-01")) == "Apr 2017–Mar 2022"


def test_two_extracts_a_year_apart_leave_a_named_gap():
    annex = _annex("2021-06-30", "2022-06-30")
    timeline = observed_timeline(annex)
    assert [t["kind"] for t in timeline] == ["window", "gap", "window"]
    gap = timeline[1]
    assert (gap["start"], gap["end"], gap["days"]) == ("2021-07-01", "2021-12-29", 182)
    assert gap["text"] == "gap of 6 months (1 Jul – 29 Dec 2021)"
    assert timeline[0]["label"] == "30 Dec 2020 – 30 Jun 2021" and timeline[0]["extracts"] == 1
    assert timeline_text(timeline) == ("Extracts: 30 Dec 2020 – 30 Jun 2021 · gap of 6 months (1 Jul – 29 Dec "
                                       "2021) · 30 Dec 2021 – 30 Jun 2022.")
    # the windows agree with the intervals the model uses
    assert [(t["start"], t["end"]) for t in timeline if t["kind"] == "window"] == [
        (f"{a:%Y-%m-%d}", f"{b:%Y-%m-%d}") for a, b in observed_intervals(annex)]


def test_overlapping_monthly_extracts_are_one_window_and_a_short_gap_is_in_days():
    timeline = observed_timeline(_annex("2021-01-31", "2021-02-28", "2021-03-31", "2021-11-15"))
    assert [t["kind"] for t in timeline] == ["window", "gap", "window"]
    assert timeline[0]["extracts"] == 3 and timeline[0]["text"].endswith("(3 extracts)")
    assert timeline[0]["end"] == "2021-03-31" and timeline[2]["start"] == "2021-05-15"
    assert timeline[1]["text"] == "gap of 44 days (1 Apr – 14 May 2021)"


def test_monthly_figures_and_their_gaps_follow_the_windows():
    months = [f"2019-{m:02d}-01" for m in range(1, 8)] + [f"2019-{m:02d}-01" for m in (10, 11, 12)]
    history = _history(months, blank=["2019-08-01"])          # a row without figures is a gap too
    timeline = observed_timeline(_annex("2019-12-31", history=history))
    assert [t["kind"] for t in timeline] == ["window", "monthly_figures", "monthly_gap", "monthly_figures"]
    assert timeline[1]["text"] == "Jan–Jul 2019 (7 months)"
    gap = timeline[2]
    assert (gap["start"], gap["end"], gap["months"], gap["text"]) == ("2019-08-01", "2019-09-30", 2,
                                                                      "gap of 2 months (Aug–Sep 2019)")
    assert timeline[3]["end"] == "2019-12-31"
    assert timeline_text(timeline, "monthly") == ("Jan–Jul 2019 (7 months) · gap of 2 months (Aug–Sep 2019) · "
                                                  "Oct–Dec 2019 (3 months)")
    assert timeline_text(timeline, "windows") == "30 Jun – 31 Dec 2019"
    assert timeline_text(timeline).startswith("Extracts: 30 Jun – 31 Dec 2019. Monthly figures: Jan–Jul 2019")


def test_no_monthly_entries_without_history():
    assert all(t["kind"] in ("window", "gap") for t in observed_timeline(_annex("2021-06-30")))
    assert "Monthly figures" not in timeline_text(observed_timeline(_annex("2021-06-30")))
