"""The simulated SSDA903 returns: written as the DfE specifies them, and read back into the World's periods of care."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.io.pseudonymise import pseudonymise
from csc_demand.io.ssda903 import read_ssda903
from csc_demand.synth import build_ssda903, write_ssda903
from csc_demand.synth.ssda903_writer import COLUMNS

KEY = b"k" * 32


def test_tiny_world_returns_by_hand(tiny):
    # 2020 (1/4/2019–31/3/2020): only C4's period (2016 → 30/06/2020), open on 31/03/2020 so no DEC or REC.
    # 2021 (1/4/2020–31/1/2021, the World's end): C4 again (now ended), C3's two placements (moved on
    # 01/10/2020), C2's open period and C1's short break.
    r2020, r2021 = build_ssda903(tiny, 2020), build_ssda903(tiny, 2021)
    for r in (r2020, r2021):
        assert {name: tuple(t.columns) for name, t in r.items()} == COLUMNS
    assert r2020["episodes"][["CHILD", "DECOM", "RNE", "DEC", "REC"]].values.tolist() == [
        ["C4", "01/01/2016", "S", "", ""]]
    assert r2021["episodes"][["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]].values.tolist() == [
        ["C1", "01/08/2020", "S", "V3", "R1", "03/08/2020", "E8"],
        ["C2", "05/01/2021", "S", "C1", "U3", "", ""],
        ["C3", "01/07/2020", "S", "C2", "U4", "01/10/2020", "X1"],
        ["C3", "01/10/2020", "P", "C2", "H5", "15/01/2021", "E5"],
        ["C4", "01/01/2016", "S", "V2", "U1", "30/06/2020", "E4A"]]
    assert r2021["header"][["CHILD", "SEX", "DOB", "ETHNIC"]].values.tolist() == [
        ["C1", "2", "10/03/2015", "WBRI"], ["C2", "1", "01/02/2021", "WBRI"], ["C3", "1", "15/01/2003", "WBRI"],
        ["C4", "2", "05/05/2010", "WBRI"]]
    assert r2021["uasc"].empty


def test_round_trip_of_the_tiny_world(tiny, tmp_path):
    paths = write_ssda903(tiny, [2021, 2020], tmp_path)
    assert [p.name for p in paths] == ["2020-header.csv", "2020-episodes.csv", "2020-uasc.csv", "2021-header.csv",
                                       "2021-episodes.csv", "2021-uasc.csv"]
    assert (tmp_path / "2021-episodes.csv").read_text().splitlines()[4] == \
        "C3,01/10/2020,P,C2,N1,H5,PR5,15/01/2021,E5,CHILD,ZZ99 6,ZZ99 7,SC671609"
    s = read_ssda903(tmp_path, key=KEY)
    # 6 rows: C4's episode is in both returns (the later wins), C1's short break is not care, C3's two episodes
    # are one period: 3 periods of care, 4 episodes used, 1 open.
    assert (s.counts["episodes_read"], s.counts["replaced_by_later_return"], s.counts["episodes"]) == (6, 1, 4)
    assert s.counts["rows_not_used"] == 1 and [p.kind for p in s.problems if p.row_not_used] == ["short_break"]
    got = s.periods[["start_date", "end_date", "gender"]].astype({"gender": object}).values.tolist()
    assert got == [[pd.Timestamp("2016-01-01"), pd.Timestamp("2020-06-30"), "female"],
                   [pd.Timestamp("2020-07-01"), pd.Timestamp("2021-01-15"), "male"],
                   [pd.Timestamp("2021-01-05"), pd.NaT, "male"]]
    assert (s.children, s.open_at_extract) == (3, 1)


def test_a_move_gives_two_episodes_and_one_period(tiny, tmp_path):
    write_ssda903(tiny, [2021], tmp_path)
    s = read_ssda903(tmp_path, key=KEY)
    c3 = pseudonymise(pd.Series(["C3"], dtype="string"), KEY).iloc[0]
    assert len(s.episodes[s.episodes["child_id"] == c3]) == 2
    period = s.periods[s.periods["child_id"] == c3]
    assert len(period) == 1
    assert period[["start_date", "end_date", "placement_type", "reason_ceased"]].values.tolist() == [
        [pd.Timestamp("2020-07-01"), pd.Timestamp("2021-01-15"), "H5", "E5"]]


def test_partial_return_is_cut_at_the_extract_date(tiny):
    # Known on 31/12/2020: C3's second placement still open (its end is blank), C2 not yet looked after.
    eps = build_ssda903(tiny, 2021, "2020-12-31")["episodes"]
    assert eps[["CHILD", "DECOM", "DEC", "REC"]].values.tolist() == [
        ["C1", "01/08/2020", "03/08/2020", "E8"], ["C3", "01/07/2020", "01/10/2020", "X1"],
        ["C3", "01/10/2020", "", ""], ["C4", "01/01/2016", "30/06/2020", "E4A"]]


def test_an_adoption_placement_changes_the_legal_status_too(tiny):
    tiny.care_periods.loc[tiny.care_periods["child_id"] == "C3", "legal_status"] = "E1"
    eps = build_ssda903(tiny, 2021)["episodes"]
    assert eps.loc[eps["CHILD"] == "C3", ["RNE", "LS"]].values.tolist() == [["S", "C2"], ["T", "E1"]]


def test_uasc_table_holds_the_uasc_children(tiny):
    tiny.care_periods.loc[tiny.care_periods["child_id"] == "C3", "uasc"] = True
    uasc = build_ssda903(tiny, 2021)["uasc"]
    assert uasc.values.tolist() == [["C3", "1", "15/01/2003", "15/01/2021"]]


@pytest.mark.parametrize("year", [2018, 2022])
def test_years_outside_the_world_are_refused(tiny, year):
    # The tiny world keeps periods from 01/06/2018 (two years before its start) to 31/01/2021.
    with pytest.raises(CscDemandError, match="outside what the simulated LA knows"):
        build_ssda903(tiny, year)


def test_round_trip_of_a_simulated_la(small_world, tmp_path):
    extract = pd.Timestamp("2021-09-30")
    first_day = pd.Timestamp("2017-04-01")
    write_ssda903(small_world, range(2018, 2023), tmp_path, extract_date=extract)
    s = read_ssda903(tmp_path, extract_date=extract, key=KEY)
    # What the returns can show: every period of care (not short breaks) running at some time from 1 April
    # 2017 (the first return's first day) to the extract date; a period whose first placement ended before
    # then is seen from its second placement (as in real returns), and an end after the extract is open.
    c = small_world.care_periods
    c = c[~c["legal_status"].isin(["V3", "V4"]) & (c["start_date"] <= extract)
          & (c["end_date"].isna() | (c["end_date"] >= first_day))]
    moved = c["placement_start_date"] > c["start_date"]
    start = c["start_date"].where(~moved | (c["placement_start_date"] >= first_day), c["placement_start_date"])
    want = pd.DataFrame({"child_id": pseudonymise(c["child_id"].astype("string"), KEY).to_numpy(),
                         "start_date": start.to_numpy(),
                         "end_date": c["end_date"].where(c["end_date"] <= extract).to_numpy()})
    got = s.periods[["child_id", "start_date", "end_date"]]
    key = ["child_id", "start_date"]
    assert len(got) == len(want) > 200
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True).astype({"child_id": object}),
                                  want.sort_values(key, ignore_index=True).astype({"child_id": object}),
                                  check_dtype=False)
    assert s.open_at_extract == int(want["end_date"].isna().sum())
    # a start is "not seen" only where the returns begin with the second placement (RNE P, not S)
    assert int((~s.start_seen).sum()) == int((start != c["start_date"]).sum()) > 0
    assert s.counts["duplicates"] == s.counts["overlaps"] == s.counts["ended_with_return"] == 0
    assert np.array_equal(np.sort(s.periods["uasc"].to_numpy(dtype=bool)), np.sort(c["uasc"].to_numpy(dtype=bool)))
