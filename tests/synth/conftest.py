"""Fixtures for the synth tests: a tiny hand-made world whose lists and series are known by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csc_demand.synth import PRESETS, World

NaT = pd.NaT


def _frame(columns: dict[str, list], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    out = pd.DataFrame(columns)
    for c in dates:
        out[c] = pd.to_datetime(pd.Series(columns[c], dtype=object)).astype("datetime64[ns]")
    return out


def tiny_world() -> World:
    """Four children around the extract date 31/12/2020 (window from 30/06/2020), see test_annex_writer.py."""
    children = _frame({
        "child_id": ["C1", "C2", "C3", "C4"],
        "birth_date": ["2015-03-10", "2021-02-01", "2003-01-15", "2010-05-05"],
        "gender": ["female", "male", "male", "female"],
        "ethnicity": ["a) WBRI"] * 4,
    }, ("birth_date",))
    referrals = _frame({
        "child_id": ["C1", "C1", "C2", "C1", "C3"],
        "referral_date": ["2020-06-29", "2020-06-30", "2020-11-01", "2020-12-31", "2021-01-02"],
        "source": ["6", "2A", "3A", "6", "10"],
        "nfa": [False, False, False, True, False],
        "age": [5, 5, -1, 5, 17],
        "uasc": [False] * 5,
    }, ("referral_date",))
    contacts = _frame({"child_id": ["C1", "C1"], "contact_date": ["2020-06-29", "2020-06-30"],
                       "source": ["6", "2A"]}, ("contact_date",))
    assessments = _frame({"child_id": ["C1", "C1"], "start_date": ["2020-04-01", "2020-05-01"],
                          "authorised_date": ["2020-05-01", None], "needs_support": [True, False]},
                         ("start_date", "authorised_date"))
    s47 = _frame({"child_id": ["C2"], "start_date": ["2020-12-01"], "icpc_date": ["2021-01-10"],
                  "icpc_plan": [True]}, ("start_date", "icpc_date"))
    cin = _frame({"child_id": ["C1"], "start_date": ["2020-06-30"], "end_date": [None],
                  "primary_need": ["N1"], "closure_reason": [None]}, ("start_date", "end_date"))
    cp_plans = _frame({
        "child_id": ["C1", "C1", "C3", "C4", "C2"],
        "start_date": ["2018-01-01", "2020-03-01", "2019-01-01", "2019-01-01", "2020-12-31"],
        "end_date": ["2018-06-01", "2021-02-01", "2020-06-30", "2020-06-29", None],
        "initial_category": ["a", "d", "b", "a", "a"],
        "latest_category": ["a", "d", "b", "a", "e"],
        "previous_plans": [0, 1, 0, 0, 0],
    }, ("start_date", "end_date"))
    care = _frame({
        "child_id": ["C3", "C4", "C1", "C2"],
        "start_date": ["2020-07-01", "2016-01-01", "2020-08-01", "2021-01-05"],
        "end_date": ["2021-01-15", "2020-06-30", "2020-08-03", None],
        "reason_ceased": ["E5", "E4A", "E8", None],
        "legal_status": ["C2", "V2", "V3", "C1"],
        "category_of_need": ["N1", "N5", "N2", "N1"],
        "first_placement_type": ["U4", "U1", "R1", "U3"],
        "placement_type": ["H5", "U1", "R1", "U3"],
        "placement_start_date": ["2020-10-01", "2016-01-01", "2020-08-01", "2021-01-05"],
        "uasc": [False] * 4,
        "subsequent_period_12m": [False] * 4,
    }, ("start_date", "end_date", "placement_start_date"))
    for frame in (children, referrals, contacts, assessments, s47, cin, cp_plans, care):
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].astype("string")
    cp_plans["previous_plans"] = cp_plans["previous_plans"].astype(np.int64)
    return World(params=PRESETS["small"], seed=1, shocks=(), start=pd.Timestamp("2020-06-01"),
                 end=pd.Timestamp("2021-01-31"), children=children, contacts=contacts, referrals=referrals,
                 assessments=assessments, s47=s47, cin=cin, cp_plans=cp_plans, care_periods=care)


@pytest.fixture
def tiny() -> World:
    return tiny_world()


@pytest.fixture(scope="session")
def small_world() -> World:
    """The small preset over a short span with the 2020–21 shocks (seed 3)."""
    from csc_demand.synth import simulate
    return simulate("small", 3, start="2019-01-01", end="2021-12-31")
