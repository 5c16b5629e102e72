"""``--history FILE`` on ``validate``, ``forecast`` and ``backtest``: the monthly figures are read (before the
Annex A, so a bad file fails fast), compared with the lists, and reported with the timeline of what was
observed when."""

from __future__ import annotations

import json

import pytest

from csc_demand.cli import main
from csc_demand.synth import simulate, truth_series, write_annex_a


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A small simulated LA: extracts on 30 Jun 2020 and 30 Jun 2021 (a six-month gap between their windows)
    and its true monthly figures from Jan 2018 to Jun 2021, with March 2021's children looked after 20% high
    and one unreadable row."""
    folder = tmp_path_factory.mktemp("annex")
    world = simulate("small", 7, start="2018-01-01", end="2021-06-30")
    paths = [write_annex_a(world, d, folder / f"annex_a_{d}.xlsx") for d in ("2020-06-30", "2021-06-30")]
    truth = truth_series(world).drop(columns=["cin_starts", "cin_open"])
    truth = truth[truth["month"] <= "2021-06"].copy()
    truth.loc[truth["month"] == "2021-03", "cla_open"] = (truth.loc[truth["month"] == "2021-03", "cla_open"]
                                                          * 1.2).round()
    text = truth.to_csv(index=False) + "Sept 20021,1,2,3,4,5\n"
    history = folder / "monthly figures.csv"
    history.write_text(text, encoding="utf-8")
    return paths, history, len(truth)


@pytest.fixture()
def key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    return tmp_path / "test.key"


def test_validate_json_reports_the_history_and_the_timeline(data, capsys, key_file):
    paths, history, months = data
    status = main(["validate", *map(str, paths), "--history", str(history), "--json", "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    summary = json.loads(out)
    h = summary["history"]
    assert h["source"] == "monthly figures.csv" and h["sheet"] is None
    assert (h["first_month"], h["last_month"], h["months"]) == ("2018-01", "2021-06", months)
    assert list(h["measures"]) == ["referrals", "cp_starts", "cp_open", "cla_starts", "cla_open"]
    assert h["measures"]["cla_open"] == {"months": months, "first_month": "2018-01", "last_month": "2021-06"}
    assert h["rows_read"] == months + 1 and h["rows_not_used"] == 1
    assert h["differences"] >= 1 and h["problems"] == h["differences"] + 1
    mine = [p for p in summary["problems"] if p["file"] == "monthly figures.csv"]
    assert {p["kind"] for p in mine} == {"unreadable_month", "history_differs"}
    bad = next(p for p in mine if p["kind"] == "unreadable_month")
    assert (bad["row"], bad["column"]) == (months + 2, "month")
    march = [p for p in mine if p["kind"] == "history_differs" and "end of Mar 2021" in p["message"]]
    assert len(march) == 1 and march[0]["column"] == "cla_open" and "children looked after" in march[0]["message"]
    kinds = [t["kind"] for t in summary["timeline"]]
    assert kinds == ["window", "gap", "window", "monthly_figures"]
    assert summary["timeline"][1]["text"] == "gap of 6 months (1 Jul – 29 Dec 2020)"
    assert summary["timeline"][3]["label"] == "Jan 2018–Jun 2021"
    assert summary["rows_not_used"] >= 1


def test_validate_text_shows_the_timeline_and_the_monthly_figures(data, capsys, key_file):
    paths, history, months = data
    status = main(["validate", *map(str, paths), "--history", str(history), "--key-file", str(key_file)])
    out, _ = capsys.readouterr()
    assert status == 0
    assert ("Observed windows: 30 Dec 2019 – 30 Jun 2020 · gap of 6 months (1 Jul – 29 Dec 2020) · "
            "30 Dec 2020 – 30 Jun 2021") in out
    assert f"Monthly figures from monthly figures.csv: Jan 2018–Jun 2021 ({months} months); referrals ({months} " \
           "months)" in out
    assert "1 row not used" in out and "history_differs" in out


def test_validate_without_history_has_the_timeline_only(data, capsys, key_file):
    paths, _, _ = data
    assert main(["validate", str(paths[-1]), "--json", "--key-file", str(key_file)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["history"] is None and [t["kind"] for t in summary["timeline"]] == ["window"]


@pytest.mark.parametrize("command", ["validate", "forecast", "backtest"])
def test_a_bad_history_file_fails_before_the_annex_is_read(command, tmp_path, capsys, key_file):
    bad = tmp_path / "figures.csv"
    bad.write_text("Quarter,referrals\nQ1,10\n", encoding="utf-8")
    status = main([command, str(tmp_path / "no such annex.xlsx"), "--history", str(bad), "--json",
                   "--key-file", str(key_file)])
    out, err = capsys.readouterr()
    assert status == 1
    message = json.loads(out)["error"]
    assert message.startswith("figures.csv has no month column") and "csc-demand: figures.csv" in err


def test_forecast_and_backtest_take_the_annex_with_its_history(data, tmp_path, capsys, key_file):
    paths, history, _ = data
    report = tmp_path / "report.html"
    status = main(["forecast", *map(str, paths), "--history", str(history), "--months", "3", "--draws", "100",
                   "--out", str(report), "--key-file", str(key_file)])
    capsys.readouterr()
    assert status == 0
    html = report.read_text(encoding="utf-8")
    assert "Monthly figures" in html and "history_differs" in html    # the history's rows and its notes
    assert "<dt>Observed windows</dt><dd>30 Dec 2019 – 30 Jun 2020 · gap of 6 months (1 Jul – 29 Dec 2020)" in html
    assert "<dt>Months of monthly figures</dt><dd>Jan 2018–Jun 2021 (42 months)</dd>" in html
    status = main(["backtest", *map(str, paths), "--history", str(history), "--draws", "50", "--json",
                   "--key-file", str(key_file)])
    assert status == 0 and json.loads(capsys.readouterr().out)["results"]
