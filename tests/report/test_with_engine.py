"""The reports on the real pipeline: simulated LA → Annex A workbook → reader → engine → Excel, HTML, CSV."""

from __future__ import annotations

import dataclasses
from html import escape

import openpyxl
import pytest
from report_factory import make_forecast

from csc_demand.io import read_annex_a
from csc_demand.model.estimate import estimate
from csc_demand.report.excel import write_excel
from csc_demand.report.html import render_html
from csc_demand.synth import simulate, write_annex_a


@pytest.fixture(scope="module")
def annex(tmp_path_factory):
    world = simulate("small", seed=1)
    path = write_annex_a(world, world.end, tmp_path_factory.mktemp("annex") / "annex_a.xlsx")
    return read_annex_a(path)


@pytest.fixture(scope="module")
def estimates(annex):
    return estimate(annex)


def test_estimates_sheet_and_section_list_every_estimate(estimates, tmp_path):
    fc = dataclasses.replace(make_forecast(draws=50, months=12), estimates=estimates)
    sentences = estimates.explain()
    assert len(sentences) >= 5
    ws = openpyxl.load_workbook(write_excel(fc, tmp_path / "r.xlsx"))["Estimates"]
    assert ws["A3"].value == "Estimate"
    assert [ws.cell(4 + i, 1).value for i in range(len(sentences))] == sentences
    page = render_html(fc)
    assert 'id="estimates"' in page
    assert all(f"<li>{escape(s)}</li>" in page for s in sentences)
