"""The reader finds exactly what the simulator wrote (the official template layout at one extract date)."""

from __future__ import annotations

import pandas as pd
import pytest

from csc_demand.io import read_annex_a, validation_summary

synth = pytest.importorskip("csc_demand.synth")


def test_simulated_workbook_counts_equal_truth(tmp_path):
    from csc_demand.synth.annex_writer import list_counts

    world = synth.simulate("median", seed=3)
    e = pd.Timestamp("2020-12-31")
    path = synth.write_annex_a(world, e, tmp_path / "annex.xlsx")
    truth = list_counts(world, e)
    s = validation_summary(read_annex_a(path, extract_date="2020-12-31", key=b"t" * 32))
    assert s["ok"]
    for table, expected in truth.items():
        got = s["lists"][table]
        assert got["rows"] == expected["rows"], table
        assert got["children"] == expected["children"], table
        if "open_at_extract" in expected:
            assert got["open_at_extract"] == expected["open_at_extract"], table
    assert s["rows_not_used"] == truth["looked_after"].get("short_break_rows", 0)
