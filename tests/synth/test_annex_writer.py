"""The lists at an extract date (windows, one row per child, blanks after E) and the workbook layout."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.synth import build_lists, list_counts, window_start, write_annex_a, write_extracts
from csc_demand.tables import LISTS

E = "2020-12-31"


def test_window_start_is_six_calendar_months_before():
    assert window_start(pd.Timestamp("2020-12-31")) == pd.Timestamp("2020-06-30")
    assert window_start(pd.Timestamp("2021-08-31")) == pd.Timestamp("2021-02-28")


def test_list3_window_is_inclusive_and_counts_last_12_months(tiny):
    l3 = build_lists(tiny, E)[3]
    assert l3["Date of referral"].dt.strftime("%Y-%m-%d").tolist() == ["2020-06-30", "2020-11-01", "2020-12-31"]
    assert l3["Child Unique ID"].tolist() == ["C1", "C2", "C1"]
    # C1: 29/06, 30/06 and 31/12/2020 are all within 12 months of its latest referral (31/12/2020)
    assert l3["Number of Referrals in Last 12 Months"].tolist() == [3, 1, 3]
    assert l3["Referral Source"].tolist() == ["e) 2A: Schools", "g) 3A: Health services", "q) 6: Police"]
    assert l3["Referral NFA?"].tolist() == ["b) No", "b) No", "a) Yes"]
    # age at the extract date: C1 born 10/03/2015 is 5; C2 unborn (-1, gender not stated)
    assert l3["Age of Child (Years)"].tolist() == [5, -1, 5]
    assert l3["Gender"].tolist() == ["b) Female", "c) Not stated/recorded (or unborn)", "b) Female"]


def test_list7_most_recent_plan_open_or_ended_in_window(tiny):
    l7 = build_lists(tiny, E)[7].set_index("Child Unique ID")
    # C4's plan ended 29/06/2020, the day before the window: absent; C3's ended on the window start: present
    assert sorted(l7.index) == ["C1", "C2", "C3"]
    assert l7.loc["C1", "Child Protection Plan Start Date"] == pd.Timestamp("2020-03-01")
    assert pd.isna(l7.loc["C1", "Child Protection Plan End Date"])  # ends 01/02/2021: not known at E
    assert l7.loc["C1", "Number of Previous Child Protection Plans"] == 1
    assert l7.loc["C3", "Child Protection Plan End Date"] == pd.Timestamp("2020-06-30")
    assert l7.loc["C2", "Child Protection Plan Start Date"] == pd.Timestamp(E)  # started on E: included
    assert l7.loc["C2", "Latest Category of Abuse"] == "e) Multiple"
    assert l7.loc["C1", "Initial Category of Abuse"] == "d) Emotional abuse"


def test_list8_most_recent_period_and_counts(tiny):
    l8 = build_lists(tiny, E)[8].set_index("Child Unique ID")
    assert sorted(l8.index) == ["C1", "C3", "C4"]  # C2's care starts after E
    assert pd.isna(l8.loc["C3", "Date Ceased to be Looked After"])
    assert pd.isna(l8.loc["C3", "Reason Ceased to be Looked After"])
    assert l8.loc["C3", "Placement Type"] == "H5"  # the move on 01/10/2020 is known at E
    assert l8.loc["C4", "Reason Ceased to be Looked After"].startswith("e) E4A: Returned home")
    assert l8.loc["C1", "Child's Legal Status"] == "V3"
    counts = list_counts(tiny, E)
    assert counts["looked_after"] == {"rows": 2, "children": 2, "open_at_extract": 1, "short_break_rows": 1}
    assert counts["cp_plans"] == {"rows": 3, "children": 3, "open_at_extract": 2}
    assert counts["referrals"] == {"rows": 3, "children": 2}
    assert counts["contacts"] == {"rows": 1, "children": 1}
    # List 4: the open assessment started before the window is included, the authorised one is not
    assert counts["assessments"] == {"rows": 1, "children": 1}
    assert counts["s47"] == {"rows": 1, "children": 1}
    assert counts["children_in_need"] == {"rows": 1, "children": 1, "open_at_extract": 1}


def test_dates_after_extract_are_blank(tiny):
    l5 = build_lists(tiny, E)[5]
    assert pd.isna(l5["Date of Initial Child Protection Conference"].iloc[0])  # ICPC 10/01/2021
    assert l5["Did the Initial Child Protection Conference Result in a Child Protection Plan"].iloc[0] is None
    l8 = build_lists(tiny, "2020-09-30")[8].set_index("Child Unique ID")
    assert l8.loc["C3", "Placement Type"] == "U4"  # before the move: the first placement
    assert l8.loc["C3", "Start Date of Most Recent Placement"] == pd.Timestamp("2020-07-01")


def test_extract_outside_simulation_is_a_plain_error(tiny):
    with pytest.raises(CscDemandError, match="outside the simulated period"):
        build_lists(tiny, "2019-01-01")


def test_workbook_layout(tiny, tmp_path):
    path = write_annex_a(tiny, E, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Guidance"] + [f"List_{s.number}" for s in LISTS]
    for spec in LISTS:
        ws = wb[f"List_{spec.number}"]
        assert ws.cell(1, 1).value == f"List {spec.number}: {spec.title}"
        assert [c.value for c in ws[2]] == spec.headers
    ws = wb["List_3"]
    headers = [c.value for c in ws[2]]
    cell = ws.cell(3, headers.index("Date of referral") + 1)
    assert cell.value == dt.datetime(2020, 6, 30) and cell.number_format == "dd/mm/yyyy"
    assert ws.cell(3, headers.index("Age of Child (Years)") + 1).value == 5
    assert ws.max_row == 2 + 3


def test_same_world_same_bytes(small_world, tmp_path):
    a = write_annex_a(small_world, "2020-12-31", tmp_path / "a.xlsx").read_bytes()
    b = write_annex_a(small_world, "2020-12-31", tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_write_extracts_names_and_counts(small_world, tmp_path):
    counts: dict = {}
    paths = write_extracts(small_world, ["2020-11-30", "2020-12-31"], tmp_path, counts=counts)
    assert [p.name for p in paths] == ["annex_a_2020-11-30.xlsx", "annex_a_2020-12-31.xlsx"]
    assert counts["2020-12-31"] == list_counts(small_world, "2020-12-31")


def test_lists_of_a_simulated_world_follow_the_rules(small_world):
    e = pd.Timestamp("2021-03-31")
    ws = window_start(e)
    lists = build_lists(small_world, e)
    for number in (6, 7, 8):
        assert lists[number]["Child Unique ID"].is_unique
    for number, col in ((1, "Date of Contact"), (3, "Date of referral")):
        d = lists[number][col]
        assert d.min() >= ws and d.max() <= e
    l7 = lists[7]
    end = l7["Child Protection Plan End Date"]
    assert ((end >= ws) & (end <= e) | end.isna()).all()
    assert (l7["Child Protection Plan Start Date"] <= e).all()
    ids = lists[3]["Child Unique ID"]
    assert ids.str.fullmatch(r"C\d{7}").all()
    # age at the extract date: a 17-year-old referred in the window may be 18 by then
    assert (lists[3]["Age of Child (Years)"].between(-1, 18)).all()
