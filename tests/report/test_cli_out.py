"""`csc-demand forecast … --out FILE` writes the report through write_report (in-process CLI run)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from csc_demand.cli import main
from csc_demand.synth import simulate, write_annex_a


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    world = simulate("small", seed=2)
    return write_annex_a(world, world.end, tmp_path_factory.mktemp("cli") / "annex_a.xlsx")


def _run(workbook, tmp_path, out, capsys, *extra):
    args = ["forecast", str(workbook), "--months", "15", "--draws", "100", "--key-file",
            str(tmp_path / "pseudonym.key"), "--out", str(out), *extra]
    status = main(args)
    return status, capsys.readouterr()


def test_out_xlsx_and_html(workbook, tmp_path, capsys):
    status, captured = _run(workbook, tmp_path, tmp_path / "report.xlsx", capsys, "--json")
    assert status == 0
    json.loads(captured.out)  # stdout stays one JSON object; the "Wrote …" line goes to stderr
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert {"Summary", "Referrals", "Backtest", "Data quality"} <= set(wb.sheetnames)
    assert wb["Backtest"]["A4"].value  # the CLI attaches a backtest for the report
    status, _ = _run(workbook, tmp_path, tmp_path / "report.html", capsys)
    assert status == 0 and (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_out_with_an_unknown_ending_is_a_plain_error(workbook, tmp_path, capsys):
    status, captured = _run(workbook, tmp_path, tmp_path / "report.pdf", capsys)
    assert status == 1
    assert "report.pdf" in captured.err and ".xlsx" in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "report.pdf").exists()


def test_out_is_checked_before_the_data_are_read(tmp_path, capsys):
    # the input does not exist: a bad --out must be reported first (no slow read before a certain failure)
    for out, words in ((tmp_path / "report.pdf", ".xlsx"), (tmp_path / "missing" / "report.xlsx", "does not exist")):
        status = main(["forecast", str(tmp_path / "no_such_annex_a.xlsx"), "--out", str(out)])
        err = capsys.readouterr().err
        assert status == 1 and words in err and "no_such_annex_a" not in err
