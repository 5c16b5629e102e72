"""The true monthly series and the truth file."""

from __future__ import annotations

import json

from csc_demand.synth import truth_json, truth_series


def test_truth_series_by_hand(tiny):
    t = truth_series(tiny).set_index("month")
    assert list(t.index) == ["2020-06", "2020-07", "2020-08", "2020-09", "2020-10", "2020-11", "2020-12", "2021-01"]
    assert t["referrals"].tolist() == [2, 0, 0, 0, 0, 1, 1, 1]
    assert t["cp_starts"].tolist() == [0, 0, 0, 0, 0, 0, 1, 0]
    # 30/06: C3's plan ended that day (not open), C4's the day before; C1's plan is open
    assert t.loc["2020-06", "cp_open"] == 1
    assert t.loc["2020-12", "cp_open"] == 2 and t.loc["2021-01", "cp_open"] == 2
    # C4's care ended on 30/06 (not open then); the short break in August is not care
    assert t["cla_open"].tolist() == [0, 1, 1, 1, 1, 1, 1, 1]
    assert t["cla_starts"].tolist() == [0, 1, 0, 0, 0, 0, 0, 1]


def test_truth_json_is_json_with_params_and_series(small_world):
    out = truth_json(small_world, {"2020-12-31": {"referrals": {"rows": 1, "children": 1}}})
    text = json.dumps(out)
    back = json.loads(text)
    assert back["seed"] == 3 and back["preset"] == "small"
    assert back["params"]["referrals_per_year"] == 1200.0
    assert [s["name"] for s in back["shocks"]] == ["Lockdown 1", "Lockdown 2", "New normal"]
    assert len(back["series"]["month"]) == 36 and back["series"]["month"][0] == "2019-01"
    assert sum(back["series"]["referrals"]) == int(((small_world.referrals["referral_date"] >= "2019-01-01")).sum())
    assert back["extracts"]["2020-12-31"]["referrals"]["rows"] == 1
