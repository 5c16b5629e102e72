"""``csc-demand demo``: makes the demo LA once, reuses it, validates it and says what to do next."""

from __future__ import annotations

import sys

import pytest

from csc_demand.cli import main
from csc_demand.synth import demo


@pytest.fixture()
def small_demo(tmp_path, monkeypatch):
    """The demo with a small LA and two extracts, so the test is quick; settings in a temporary home."""
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(demo, "DEMO_PRESET", "small")
    monkeypatch.setattr(demo, "DEMO_EARLIER_MONTHS", 1)
    return tmp_path / "home" / "demo"


def test_demo_makes_validates_and_reuses(small_demo, capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    books = small_demo / "annex_a"
    assert sorted(p.name for p in books.iterdir()) == ["annex_a_2020-11-30.xlsx", "annex_a_2020-12-31.xlsx"]
    assert (small_demo / "truth.json").exists()
    assert "Ready: Lists 3, 7 and 8 were read." in out
    assert str(books) in out and "csc-demand validate path\\to\\annex_a.xlsx" in out
    assert "Extracts merged: 2" in out
    reports = small_demo / "outputs"
    assert sorted(p.name for p in reports.iterdir()) == ["demo_forecast.html", "demo_forecast.xlsx"]
    assert str(reports / "demo_forecast.xlsx") in out and "No further shocks:" in out
    assert "child protection plans" in out and "children looked after" in out
    before = {p.name: p.stat().st_mtime_ns for p in books.iterdir()}
    assert main(["demo"]) == 0  # reused: nothing rewritten
    assert {p.name: p.stat().st_mtime_ns for p in books.iterdir()} == before


def test_demo_remade_when_settings_change(small_demo, monkeypatch, capsys):
    assert demo.demo_data() == small_demo / "annex_a"
    monkeypatch.setattr(demo, "DEMO_EARLIER_MONTHS", 0)
    demo.demo_data()
    assert (small_demo / "demo.json").read_text(encoding="utf-8").count("2020-") == 1


def test_demo_out_folder(tmp_path, small_demo, capsys):
    assert main(["demo", "--out", str(tmp_path / "mine"), "--draws", "50"]) == 0
    assert (tmp_path / "mine" / "annex_a" / "annex_a_2020-12-31.xlsx").exists()
    assert not small_demo.exists()


def test_demo_folder_locations(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "h"))
    assert demo.demo_folder() == tmp_path / "h" / "demo"
    monkeypatch.delenv("CSC_DEMAND_HOME")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert demo.demo_folder() == tmp_path / "cache" / "csc-demand" / "demo"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert demo.demo_folder() == tmp_path / "local" / "csc-demand" / "demo"
