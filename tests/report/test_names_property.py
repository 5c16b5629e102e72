"""Property: whatever a scenario is called, the workbook and the page show exactly that text, as text."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_factory import make_tiny_forecast

from csc_demand.report.excel import write_excel
from csc_demand.report.html import render_html

# Any printable text, including formula starters, quotes, markup, non-Latin scripts and inner spaces.
NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s != "Actual")
PREFIXED = st.builds(lambda p, s: p + s, st.sampled_from(["=", "+", "-", "@", "=HYPERLINK(", "<", "&"]), NAMES)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(NAMES, PREFIXED))
def test_any_scenario_name_is_kept_as_plain_text(name):
    fc = make_tiny_forecast(name)
    with tempfile.TemporaryDirectory() as d:
        wb = openpyxl.load_workbook(write_excel(fc, Path(d) / "r.xlsx"))
    cell = wb["Referrals"]["C1"]
    assert cell.value == name and cell.data_type == "s"
    summary = [c for row in wb["Summary"].iter_rows() for c in row if c.value == name]
    assert summary and all(c.data_type == "s" for c in summary)
    assert f"Median: {name}" in [s.tx.v for s in wb["Referrals"]._charts[0].series]
    page = render_html(fc)
    assert f"<h3>{html.escape(name)}</h3>" in page
