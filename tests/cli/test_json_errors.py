"""With --json, stdout holds exactly one JSON object even when the command fails (as validate does)."""

from __future__ import annotations

import json

import pytest

from csc_demand.cli import main


@pytest.mark.parametrize("command", ["forecast", "backtest", "validate"])
def test_error_with_json_is_one_json_object(command, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    path = tmp_path / "annex.xlsx"
    path.write_bytes(b"not a workbook at all")
    assert main([command, str(path), "--json", "--key-file", str(tmp_path / "k.key")]) == 1
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert out.count("\n") == 1 and result["ok"] is False and "annex.xlsx" in result["error"]
    assert err.count("\n") == 1 and "annex.xlsx" in err and "Traceback" not in err


def test_bad_option_with_json_is_one_json_object(tmp_path, capsys):
    assert main(["forecast", str(tmp_path / "x.xlsx"), "--months", "99", "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == {"ok": False, "error": "--months must be a whole number from 1 to 60, got 99."}
    assert "--months" in err


def test_error_without_json_leaves_stdout_empty(tmp_path, capsys):
    assert main(["forecast", str(tmp_path / "x.xlsx"), "--months", "99"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "--months" in err
