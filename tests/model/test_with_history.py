"""``with_history``: the monthly figures attached to the data, and every month where they and the lists differ
by more than 5% explained (naming the measure, the month and both figures), never silently resolved."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from csc_demand.io import read_history
from csc_demand.model import actuals, with_history, without_uasc
from csc_demand.model.history import compare_with_lists
from csc_demand.tables import QualityReport


@pytest.fixture(scope="module")
def two_extracts(world_events):
    """Extracts on 30 Jun 2021 and 30 Jun 2022 of the simulated LA (a six-month gap between the windows)."""
    from world import annex_from

    refs, cp, cla = world_events
    return annex_from(refs, cp, cla, ["2021-06-30", "2022-06-30"])


def _lists_wide(annex) -> pd.DataFrame:
    a = actuals(annex)
    a = a[(a["period_type"] == "month") & (a["breakdown"] == "total")]
    return a.pivot(index="period", columns="measure", values="value")


def _history_csv(tmp_path, wide: pd.DataFrame, name: str = "history.csv"):
    out = wide.reset_index().rename(columns={"period": "Month", "cla_open": "CLA at month end",
                                             "cp_open": "Open CP plans"})
    path = tmp_path / name
    out.to_csv(path, index=False)
    return path


def test_one_warning_per_month_and_measure_more_than_5_percent_apart(tmp_path, two_extracts):
    wide = _lists_wide(two_extracts)
    truth_cla = wide.loc["2022-03", "cla_open"]
    truth_ref = wide.loc["2021-02", "referrals"]
    wide.loc["2022-03", "cla_open"] = round(truth_cla * 1.1)         # 9% apart: explained
    wide.loc["2021-02", "referrals"] = round(truth_ref * 0.8)        # 20% apart: explained
    wide.loc["2022-04", "cp_open"] = wide.loc["2022-04", "cp_open"] * 1.04   # 4%: within the tolerance
    history = read_history(_history_csv(tmp_path, wide))
    before = list(two_extracts.quality.problems)
    out = with_history(two_extracts, history)

    assert out.history is history and two_extracts.history is None
    assert two_extracts.quality.problems == before                      # the original is not changed
    notes = [p for p in out.quality.problems if p.kind == "history_differs"]
    assert len(notes) == 2
    ref, cla = notes                                                    # in month order
    assert ref.message.startswith(f"Monthly figures (history.csv): referrals in Feb 2021 are "
                                  f"{round(truth_ref * 0.8):,.0f} in the monthly figures and {truth_ref:,.0f} in "
                                  "the lists (20% apart)")
    assert cla.message == (
        f"Monthly figures (history.csv): children looked after at the end of Mar 2022 are "
        f"{round(truth_cla * 1.1):,.0f} in the monthly figures and {truth_cla:,.0f} in the lists "
        f"({100 * (round(truth_cla * 1.1) - truth_cla) / round(truth_cla * 1.1):.1f}% apart); the forecast uses "
        "both (the monthly figures for the seasons and the last year's flows) — check which is right.")
    assert all(p.severity == "warning" and p.file == "history.csv" for p in notes)
    month_rows = history.rows
    assert cla.row == int(month_rows[pd.Timestamp("2022-03-01")]) and cla.column == "CLA at month end"
    assert ref.row == int(month_rows[pd.Timestamp("2021-02-01")]) and ref.column == "referrals"
    assert out.quality.sources["monthly_figures"] == ["history.csv (headers in row 1)"]
    assert out.quality.rows_read["monthly_figures"] == len(wide)


def test_months_outside_the_windows_are_not_compared(tmp_path, two_extracts):
    wide = _lists_wide(two_extracts)
    extra = pd.DataFrame({"referrals": [1.0, 10_000.0]}, index=pd.Index(["2019-05", "2021-09"], name="period"))
    history = read_history(_history_csv(tmp_path, pd.concat([wide, extra])))
    both = compare_with_lists(two_extracts, history)
    months = set(both["month"].dt.strftime("%Y-%m"))
    assert "2019-05" not in months and "2021-09" not in months         # before the data, and in the gap
    assert (both["share_apart"] == 0).all()                            # the rest are the lists' own counts
    assert not [p for p in with_history(two_extracts, history).quality.problems if p.kind == "history_differs"]


def test_the_reading_problems_join_the_quality_report_once(tmp_path, two_extracts):
    path = tmp_path / "h.csv"
    path.write_text("month,referrals\n2019-04,10\nAprl 2019,12\n")
    fresh = read_history(path)
    out = with_history(two_extracts, fresh)
    assert [p.kind for p in out.quality.problems] == ["unreadable_month"]
    assert out.quality.rows_not_used == two_extracts.quality.rows_not_used + 1
    q = QualityReport(problems=list(two_extracts.quality.problems))
    already = read_history(path, quality=q)                             # the CLI's way: problems already added
    out = with_history(dataclasses.replace(two_extracts, quality=q), already)
    assert [p.kind for p in out.quality.problems] == ["unreadable_month"]


def test_a_new_history_replaces_the_old_one_and_its_notes(tmp_path, two_extracts):
    wide = _lists_wide(two_extracts)
    wide.loc["2022-03", "cla_open"] = wide.loc["2022-03", "cla_open"] * 2
    first = with_history(two_extracts, read_history(_history_csv(tmp_path, wide, "old.csv")))
    assert any(p.kind == "history_differs" for p in first.quality.problems)
    second = with_history(first, read_history(_history_csv(tmp_path, _lists_wide(two_extracts), "new.csv")))
    assert second.history.source == "new.csv"
    assert not [p for p in second.quality.problems if p.file == "old.csv"]


def test_without_uasc_keeps_the_monthly_figures(tmp_path, two_extracts):
    history = read_history(_history_csv(tmp_path, _lists_wide(two_extracts)))
    annex = with_history(two_extracts, history)
    annex = dataclasses.replace(annex, tables={**annex.tables,
                                               "looked_after": annex.looked_after.assign(uasc=False)})
    assert without_uasc(annex).history is history


def test_no_comparison_without_the_lists(tmp_path, two_extracts):
    history = read_history(_history_csv(tmp_path, _lists_wide(two_extracts)))
    partial = dataclasses.replace(two_extracts, tables={"referrals": two_extracts.referrals})
    assert compare_with_lists(partial, history).empty
    assert with_history(partial, history).history is history
