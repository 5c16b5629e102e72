"""``csc-demand synth``: workbooks and truth file; the workbook round-trips through ``validate --json``."""

from __future__ import annotations

import json

import pytest

from csc_demand.cli import main

ARGS = ["synth", "--preset", "small", "--seed", "4", "--start", "2019-06-01", "--end", "2021-06-30"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))


def test_round_trip_counts_match_the_truth_file(tmp_path, capsys):
    book, truth = tmp_path / "la.xlsx", tmp_path / "truth.json"
    assert main(ARGS + ["--extract-date", "2020-12-31", "--out", str(book), "--truth", str(truth)]) == 0
    capsys.readouterr()
    expected = json.loads(truth.read_text(encoding="utf-8"))["extracts"]["2020-12-31"]
    assert main(["validate", str(book), "--json", "--extract-date", "2020-12-31"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"]
    assert set(summary["lists"]) == set(expected)
    for table, counts in expected.items():
        got = summary["lists"][table]
        for key in ("rows", "children", "open_at_extract"):
            if key in counts:
                assert got[key] == counts[key], (table, key)
    # the only rows not used are short breaks (and no row is lost without a reason)
    kinds = {p["kind"] for p in summary["problems"] if p["kind"] in ("duplicate_row", "missing_date",
                                                                      "unreadable_date", "missing_id")}
    assert not kinds
    assert summary["rows_not_used"] == expected["looked_after"]["short_break_rows"]


def test_truth_file_holds_parameters_and_series(tmp_path, capsys):
    truth = tmp_path / "t.json"
    assert main(ARGS + ["--no-shocks", "--out", str(tmp_path / "a.xlsx"), "--truth", str(truth)]) == 0
    out = capsys.readouterr().out
    assert "written" in out and str(truth) in out
    data = json.loads(truth.read_text(encoding="utf-8"))
    assert data["shocks"] == [] and data["seed"] == 4 and data["params"]["referrals_per_year"] == 1200.0
    assert set(data["series"]) == {"month", "referrals", "cp_starts", "cp_open", "cla_starts", "cla_open", "cin_starts",
                                   "cin_open"}
    assert data["series"]["month"][0] == "2019-06" and data["series"]["month"][-1] == "2021-06"


def test_monthly_extracts_in_a_folder(tmp_path, capsys):
    folder, truth = tmp_path / "books", tmp_path / "t.json"
    status = main(ARGS + ["--extract-date", "2020-12-31", "--extracts-every-month-from", "2020-10-01",
                          "--out", str(folder), "--truth", str(truth), "--json"])
    assert status == 0
    printed = json.loads(capsys.readouterr().out)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["annex_a_2020-10-31.xlsx", "annex_a_2020-11-30.xlsx", "annex_a_2020-12-31.xlsx"]
    assert len(printed["workbooks"]) == 3
    assert sorted(json.loads(truth.read_text(encoding="utf-8"))["extracts"]) == ["2020-10-31", "2020-11-30",
                                                                                  "2020-12-31"]


def test_same_seed_same_bytes(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(ARGS + ["--out", str(tmp_path / f"{name}.xlsx"), "--truth", str(tmp_path / f"{name}.json")]) == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_plain_errors(tmp_path, capsys):
    assert main(ARGS + ["--extract-date", "31st December", "--out", str(tmp_path / "a.xlsx")]) == 1
    assert "write it as YYYY-MM-DD" in capsys.readouterr().err
    assert main(ARGS + ["--extracts-every-month-from", "2020-10-01", "--out", str(tmp_path / "a.xlsx")]) == 1
    assert "must be a folder" in capsys.readouterr().err
    assert main(ARGS + ["--extract-date", "2023-01-31", "--out", str(tmp_path / "a.xlsx")]) == 1
    assert "outside the simulated period" in capsys.readouterr().err
    assert main(["synth", "--preset", "huge", "--out", str(tmp_path / "a.xlsx")]) == 1
    assert "Unknown preset" in capsys.readouterr().err
