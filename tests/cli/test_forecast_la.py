"""``csc-demand forecast --la``: the demo LA's forecast beside the published figures of a real LA (Kent)."""

from __future__ import annotations

import json

import pytest

from csc_demand.cli import main
from csc_demand.synth import demo


@pytest.fixture()
def demo_book(tmp_path, monkeypatch):
    """The demo data (small LA, two extracts; settings in a temporary home): its latest workbook, 31 Dec 2020."""
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(demo, "DEMO_PRESET", "small")
    monkeypatch.setattr(demo, "DEMO_EARLIER_MONTHS", 1)
    return demo.demo_data() / "annex_a_2020-12-31.xlsx"


def test_la_by_old_code_prints_the_published_lines_and_writes_the_report(demo_book, tmp_path, capsys) -> None:
    out_html = tmp_path / "kent.html"
    status = main(["forecast", str(demo_book), "--la", "886", "--months", "16", "--draws", "200",
                   "--out", str(out_html)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "Published figures: Kent (E10000016) as the DfE published it" in out
    assert "up to the year ending 31 March 2020" in out
    # the forecast reaches April 2022: 31 March 2021 and 2022 for the stocks, the year to March 2022 for flows
    assert "  Open child protection plans at 31 March 2021: forecast from the published figures " in out
    assert "  Children looked after at 31 March 2022: forecast from the published figures " in out
    assert "  Referrals in the year to 31 March 2022: " in out
    assert "Referrals in the year to 31 March 2021" not in out   # April–December 2020 was observed, not forecast
    assert "every local authority's forecast from the published figures took" in out
    assert "add --la" not in err
    page = out_html.read_text(encoding="utf-8")
    assert '<section id="published"' in page and "Published figures: Kent" in page


def test_the_scenarios_workforce_la_and_the_json_key(demo_book, tmp_path, capsys) -> None:
    scenario = tmp_path / "kent.toml"
    scenario.write_text('name = "Kent steady"\n[workforce]\nla = "kent"\n', encoding="utf-8")
    status = main(["forecast", str(demo_book), "--scenario", str(scenario), "--months", "4", "--draws", "100",
                   "--json"])
    out, err = capsys.readouterr()
    assert status == 0, err
    p = json.loads(out)["published"]
    assert (p["la_code"], p["la_name"], p["through"]) == ("E10000016", "Kent", 2020)
    march = next(r for r in p["rows"] if r["measure"] == "cla_at_31_march" and r["year"] == 2021)
    assert march["scenario"] == "Kent steady"
    assert march["published_p10"] <= march["published_p50"] <= march["published_p90"]
    assert march["annex_a_p10"] <= march["annex_a_p50"] <= march["annex_a_p90"]
    assert march["published"] == 1662   # the DfE's figure for Kent at 31 March 2021


def test_unknown_la_is_a_plain_error_with_close_names(demo_book, capsys) -> None:
    status = main(["forecast", str(demo_book), "--la", "Kentt"])
    _, err = capsys.readouterr()
    assert status == 1
    assert "'Kentt' is not a local authority" in err and "Did you mean 'Kent' or 'Brent'?" in err
    assert "Traceback" not in err


def test_at_a_terminal_without_la_it_asks_which_authority(demo_book, tmp_path) -> None:
    """A real process whose input is a terminal (a pseudo-terminal): a mistyped name is explained and asked
    again; the answer brings the published figures, as --la would."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        os.write(leader, b"Kentt\n886\n")
        done = subprocess.run([sys.executable, "-m", "csc_demand", "forecast", str(demo_book), "--months", "4",
                               "--draws", "100"], stdin=follower, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "CSC_DEMAND_HOME": str(tmp_path / "home")})
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Which local authority are these data from?") == 2
    assert "'Kentt' is not a local authority" in done.stderr
    assert "Published figures: Kent (E10000016)" in done.stdout
    assert "add --la" not in done.stdout + done.stderr


def test_without_a_terminal_it_never_asks(demo_book, tmp_path) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "csc_demand", "forecast", str(demo_book), "--months", "4",
                           "--draws", "100"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CSC_DEMAND_HOME": str(tmp_path / "home")})
    assert done.returncode == 0, done.stderr
    assert "Which local authority" not in done.stderr and "add --la" in done.stdout
