"""docs/python.md is a worked example: its code blocks run, in order, exactly as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "python.md"


def test_the_python_guide_runs_as_written(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    out = capsys.readouterr().out
    assert "referrals_change_pct must be a number from -100 to 500, got -300" in out
    for name in ("forecast.xlsx", "forecast.html", "forecast.csv"):
        assert (tmp_path / name).stat().st_size > 1000
    fc = namespace["fc"]
    with pytest.raises(AttributeError):
        fc.months = 12
    df = namespace["df"]
    assert {"series_id", "scenario", "measure", "period", "p10", "p50", "p90"} <= set(df.columns)
    assert set(df["series_id"]) == {"Made-up LA"}
