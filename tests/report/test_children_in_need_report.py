"""Children in need and social workers in every output, on the real pipeline: a simulated LA's workbook (with
List 6, and the same workbook with List 6 taken out) → reader → engine → CSV, JSON, Excel and HTML.

The scenarios cover the three sources of the caseload: one sets ``caseload_per_worker = 15``, one names Kent
(its own published caseload) with a target caseload by a date, one sets nothing (England's 15.2)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest

from csc_demand.io import read_annex_a
from csc_demand.model import forecast
from csc_demand.report import forecast_json, write_report
from csc_demand.report import tables_view as tv
from csc_demand.report.html import render_html
from csc_demand.scenario import Scenario
from csc_demand.synth import simulate, write_annex_a
from csc_demand.workforce import Workforce, default_caseload

CIN_ROWS = ("cin_starts", "cin_open", "social_workers")
SCENARIOS = (
    Scenario(name="Caseload 15", caseload_per_worker=15),
    Scenario(name="Kent, target 12", workforce=Workforce(la="Kent", target_caseload=12,
                                                          target_date=dt.date(2026, 3, 31))),
    Scenario(name="England's caseload"),
)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """The simulated LA's Annex A at its last day, and a copy of the workbook without its List 6 sheet."""
    folder = tmp_path_factory.mktemp("annex")
    world = simulate("small", seed=1)
    full = write_annex_a(world, world.end, folder / "annex_a.xlsx")
    wb = openpyxl.load_workbook(full)
    del wb["List_6"]
    without = folder / "annex_a_no_list_6.xlsx"
    wb.save(without)
    return full, without


def _forecast(path, tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:   # a throwaway pseudonymisation key, not the user's
        mp.setenv("CSC_DEMAND_KEY_FILE", str(tmp_path_factory.mktemp("key") / "pseudonym.key"))
        annex = read_annex_a(path)
    return forecast(annex, SCENARIOS, months=27, draws=200, seed=2)


@pytest.fixture(scope="module")
def fc(workbooks, tmp_path_factory):
    return _forecast(workbooks[0], tmp_path_factory)


@pytest.fixture(scope="module")
def fc_no_list_6(workbooks, tmp_path_factory):
    return _forecast(workbooks[1], tmp_path_factory)


def _medians(frame: pd.DataFrame, measure: str, scenario: str) -> pd.Series:
    sub = frame.loc[(frame["measure"] == measure) & (frame["scenario"] == scenario) & (frame["period_type"] == "month")
                    & (frame["breakdown"] == "total") & np.isclose(frame["quantile"], 0.5)]
    return pd.Series(sub["value"].to_numpy(dtype=float), index=sub["period"].astype(str).to_numpy())


def test_the_extract_is_at_the_end_of_december(fc):
    # what the partial-year tests below rely on: the forecast starts in January, so 2024-25 is Jan–Mar only
    assert tv.first_forecast_month(fc) == pd.Timestamp("2025-01-01")
    assert tv.fy_labels(fc) == {"2024-25": "2024-25 (Jan–Mar only)", "2025-26": "2025-26", "2026-27": "2026-27"}


def test_csv_carries_children_in_need_and_social_workers(fc, tmp_path):
    back = pd.read_csv(write_report(fc, tmp_path / "f.csv"), encoding="utf-8-sig", converters={"value": float}, dtype={"period": str})
    for measure in CIN_ROWS:
        for s in SCENARIOS:
            rows = back.loc[(back["measure"] == measure) & (back["scenario"] == s.name) & (back["breakdown"] == "total")]
            assert set(rows["period_type"]) == {"month", "fy"}
            assert sorted(set(rows["quantile"])) == [0.1, 0.5, 0.9]
            assert (rows["period_type"] == "month").sum() == 27 * 3
    # the CSV holds the engine's figures unchanged, and the actual children in need of the observed months
    for measure in CIN_ROWS:
        want = fc.table.loc[fc.table["measure"] == measure, "value"].to_numpy()
        got = back.loc[(back["measure"] == measure) & (back["scenario"] != "Actual"), "value"].to_numpy()
        np.testing.assert_array_equal(got, want)
    assert ((back["scenario"] == "Actual") & (back["measure"] == "cin_open")).sum() > 0
    # social workers = children in need ÷ the caseload: the scenario's 15, Kent's published, England's 15.2
    kent = default_caseload("Kent")[0]
    for name, caseload in (("Caseload 15", 15.0), ("Kent, target 12", kent), ("England's caseload", 15.2)):
        workers, cin = _medians(back, "social_workers", name), _medians(back, "cin_open", name)
        np.testing.assert_allclose(workers, cin / caseload, rtol=1e-12)
    assert kent != 15.2


def test_json_has_the_three_series_and_workers_are_children_in_need_over_15(fc, fc_no_list_6):
    j = json.loads(json.dumps(forecast_json(fc)))
    by_name = {s["name"]: s["series"] for s in j["scenarios"]}
    assert list(by_name["Caseload 15"])[-3:] == list(CIN_ROWS)
    for c, w in zip(by_name["Caseload 15"]["cin_open"], by_name["Caseload 15"]["social_workers"], strict=True):
        assert c["month"] == w["month"] and w["p50"] == pytest.approx(c["p50"] / 15, abs=0.1)
    j = forecast_json(fc_no_list_6)
    for s in j["scenarios"]:
        assert not set(CIN_ROWS) & set(s["series"]) and "cla_open" in s["series"]


def test_excel_sheet_from_the_engine(fc, tmp_path):
    wb = openpyxl.load_workbook(write_report(fc, tmp_path / "r.xlsx"))
    ws = wb["CIN and social workers"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Caseload used in Caseload 15: 15 open cases per case-holding social worker, as the scenario sets." in texts
    assert any(t.startswith("Caseload used in Kent, target 12: Kent's own published caseload, 30 September 2025")
               for t in texts)
    assert [c.tagname for c in ws._charts] == ["lineChart", "lineChart"]
    answer = tv.target_answer(fc, "Kent, target 12")
    assert answer in texts and "by 31 Mar 2026" in answer
    assert sum(t.startswith("To bring caseloads") for t in texts) == 1
    # the staffing table's case holders are the engine's median social workers, month by month
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Caseload 15") + 1
    assert ws.cell(top, 3).value == "Case-holding social workers needed (FTE)"
    got = [ws.cell(r, 3).value for r in range(top + 1, top + 28)]
    np.testing.assert_allclose(got, _medians(fc.table, "social_workers", "Caseload 15").to_numpy(), rtol=1e-12)
    # the first, partial financial year is labelled as such, and the costs name their price base
    costs = wb["Costs per year"]
    assert costs.cell(4, 3).value == "2024-25 (Jan–Mar only)" and costs.cell(4, 4).value == "2025-26"
    assert "at prices of January 2025, rising by 3% a year" in costs["A1"].value
    assert "at prices of January 2025, rising by 3% a year" in wb["Costs per month"]["A1"].value
    summary = [c.value for row in wb["Summary"].iter_rows() for c in row]
    assert "2024-25 (Jan–Mar only)" in summary and "2024-25" not in summary


def test_html_section_from_the_engine(fc):
    page = render_html(fc)
    assert '<h2 id="caseload-h">Children in need and social workers</h2>' in page
    assert "Kent&#x27;s own published caseload" in page and "as the scenario sets" in page
    assert "To bring caseloads to 12 cases per case-holding social worker by 31 Mar 2026" in page
    assert "2024-25 (Jan–Mar only)</th>" in page     # the costs tables name the partial year
    assert "Total cost per financial year (£, at prices of January 2025, rising by 3% a year)" in page


def test_without_list_6_every_output_says_so(fc_no_list_6, tmp_path):
    fc = fc_no_list_6
    assert not set(CIN_ROWS) & set(fc.table["measure"])
    assert any("List 6 (children in need) was not found" in n for n in fc.estimates.notes)
    ws = openpyxl.load_workbook(write_report(fc, tmp_path / "r.xlsx"))["CIN and social workers"]
    assert ws["A3"].value == tv.NO_LIST_6 and not ws._charts
    assert tv.NO_LIST_6.replace("'", "&#x27;") in render_html(fc)
    back = pd.read_csv(write_report(fc, tmp_path / "f.csv"), encoding="utf-8-sig", converters={"value": float})
    assert not set(CIN_ROWS) & set(back["measure"])


def test_the_readme_explains_the_caseload_truthfully():
    """The README's caseload paragraph and scenario example, kept true: the figures it quotes are the bundled
    DfE figures and the defaults, and its example scenario file loads with the workforce it describes."""
    import re
    from pathlib import Path

    from csc_demand.scenario import load_scenario
    from csc_demand.workforce import england

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    e, d = england(), Workforce()
    assert f"England's latest, {e.caseload_fte:g} at 30 September {e.year}" in text
    assert f"(England: {e.case_holder_share_pct:.1f}%)" in text and f"England: {e.vacancy_rate_pct:g}%" in text
    assert f"agency workers (England: {e.agency_rate_pct:g}%)" in text
    assert (f"salary (£{d.salary_gbp_per_year:,.0f}), on-costs ({d.on_costs_pct:g}%) and agency premium "
            f"({d.agency_premium_pct:g}%) are illustrative") in text
    assert "counts **every** child in need a social worker holds" in text and '"2024-25 (Jan–Mar only)"' in text
    example = load_scenario(re.search(r"```toml\n(.*?)```", readme, re.S).group(1))
    assert example.workforce.la == "Kent" and example.workforce.target_caseload == 12
    assert example.workforce.target_date == dt.date(2027, 3, 31)
