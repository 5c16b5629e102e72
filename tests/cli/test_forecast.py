"""``csc-demand forecast`` and ``backtest``: one JSON object with the issue's keys, files, plain errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from csc_demand.cli import main
from csc_demand.synth import simulate, write_annex_a
from csc_demand.tables import MEASURES


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """A small simulated LA's Annex A workbook at 31 Dec 2020 (the real writer, read by the real reader)."""
    folder = tmp_path_factory.mktemp("annex")
    world = simulate("small", 5, start="2019-01-01", end="2021-12-31")
    path = folder / "annex_a_2020-12-31.xlsx"
    write_annex_a(world, "2020-12-31", path)
    return path, world


@pytest.fixture()
def key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    return tmp_path / "test.key"


def test_forecast_json_is_the_issue_object(workbook, capsys, key_file):
    path, world = workbook
    status = main(["forecast", str(path), "--json", "--months", "4", "--draws", "200", "--key-file", str(key_file)])
    out, err = capsys.readouterr()
    assert status == 0
    j = json.loads(out)    # exactly one JSON object
    assert j["extract_date"] == "2020-12-31"
    (sc,) = j["scenarios"]
    assert sc["name"] == "No further shocks"
    # the simulated workbook holds List 6: children in need and the social workers they need are there too
    assert list(sc["series"]) == [*MEASURES, "social_workers"]
    for series in sc["series"].values():
        assert [r["month"] for r in series] == ["2021-01", "2021-02", "2021-03", "2021-04"]
        assert all(set(r) == {"month", "p10", "p50", "p90"} and r["p10"] <= r["p50"] <= r["p90"] for r in series)
    # social workers (case-holding FTE) = children in need ÷ England's 15.2 (no caseload set, no LA named)
    cin, workers = sc["series"]["cin_open"], sc["series"]["social_workers"]
    for c, w in zip(cin, workers, strict=True):
        assert w["p50"] == pytest.approx(c["p50"] / 15.2, abs=0.1)
        assert isinstance(w["p50"], float) and isinstance(c["p50"], int)
    assert all(c["p50"] >= 1 for c in cin)
    # no child-level value anywhere in the output
    for cid in world.children["child_id"].head(200):
        assert cid not in out and cid not in err


def test_forecast_scenarios_side_by_side_and_csv_out(workbook, tmp_path, capsys, key_file):
    path, _ = workbook
    sc = tmp_path / "lock.toml"
    sc.write_text('name = "Lockdown"\n[[shock]]\nname = "L"\nstart = 2021-01-05\nend = 2021-03-31\n'
                  'referrals_change_pct = -30\n', encoding="utf-8")
    out_csv = tmp_path / "forecast.csv"
    status = main(["forecast", str(path), "--scenario", str(sc), "--months", "6", "--draws", "200",
                   "--out", str(out_csv), "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "Lockdown:" in out and "children looked after" in out
    table = pd.read_csv(out_csv, encoding="utf-8-sig")
    assert {"Lockdown", "Actual"} <= set(table["scenario"])


def test_bad_scenario_is_a_plain_error(workbook, tmp_path, capsys, key_file):
    path, _ = workbook
    sc = tmp_path / "bad.toml"
    sc.write_text('name = "x"\n[[shock]]\nname = "L"\nstart = 2021-01-05\nend = 2021-03-31\nreturn_months = "six"\n',
                  encoding="utf-8")
    status = main(["forecast", str(path), "--scenario", str(sc), "--key-file", str(key_file)])
    _, err = capsys.readouterr()
    assert status == 1
    assert "bad.toml" in err and "return_months must be a whole number from 0 to 60, got 'six'" in err
    assert "Traceback" not in err
    assert main(["forecast", str(path), "--months", "61"]) == 1
    assert "--months must be a whole number from 1 to 60" in capsys.readouterr().err


def test_backtest_json(workbook, capsys, key_file):
    path, _ = workbook
    status = main(["backtest", str(path), "--json", "--draws", "100", "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    j = json.loads(out)
    assert j["cutoffs"] == ["2020-09-30"]
    rows = {(r["measure"], r["horizon_months"]): r for r in j["results"]}
    assert rows[("cla_open", 3)]["cutoffs"] == 1 and rows[("cla_open", 3)]["mape_median_pct"] is not None
    assert rows[("cla_open", 12)]["cutoffs"] == 0 and rows[("cla_open", 12)]["note"].startswith("Not possible")
    assert rows[("referrals", 3)]["bias_median_pct"] is not None and rows[("referrals", 3)]["scaled_error"] is not None
    assert rows[("referrals", 3)]["mape_same_month_last_year_pct"] is None     # no year of history
    assert j["caution"].startswith("Only 1 cut date: these figures say little") and j["past_shocks"] == []


def test_backtest_text_with_a_scenario_applies_its_past_shocks(workbook, tmp_path, capsys, key_file):
    path, _ = workbook
    sc = tmp_path / "lock.toml"
    sc.write_text('name = "Lockdowns"\n[[shock]]\nname = "Autumn"\nstart = 2020-09-01\nend = 2020-12-31\n'
                  'referrals_change_pct = -30\n[[shock]]\nname = "Winter"\nstart = 2020-11-01\n'
                  'end = 2021-02-28\nreferrals_change_pct = -30\n', encoding="utf-8")
    status = main(["backtest", str(path), "--draws", "100", "--scenario", str(sc), "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "Caution: Only 1 cut date" in out
    assert "Past shocks applied from the scenario where they had begun by the cutoff: Autumn." in out  # not Winter
    assert "bias " in out and "scaled error " in out and "same month last year n/a" in out


def test_the_summary_names_children_in_need_and_social_workers(workbook, capsys, key_file):
    path, _ = workbook
    assert main(["forecast", str(path), "--months", "4", "--draws", "200", "--key-file", str(key_file)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("end of"))
    assert "child protection plans" in line and "children looked after" in line
    assert "children in need" in line and "case-holding social workers" in line
