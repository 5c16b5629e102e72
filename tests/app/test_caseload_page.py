"""The "Children in need and social workers" page in Streamlit's AppTest (no browser), with and without List 6,
the workforce settings in the scenario editor, and the forecast page's partial year and price base.

The data are a small simulated LA written to a real workbook (with List 6), and the same workbook with its
List 6 sheet taken out. Every test also checks that no connection left this computer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from apphelp import go_to, markdown_text, need_app_packages, upload

need_app_packages()

from csc_demand.report import tables_view as tv  # noqa: E402

EXTRACT = "2020-12-31"
PAGE = "Children in need and social workers"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """A small simulated LA's Annex A workbook (Lists 1 to 8), and a copy without its List 6 sheet."""
    import openpyxl

    from csc_demand.synth import simulate, write_annex_a

    folder = tmp_path_factory.mktemp("wb")
    world = simulate("small", seed=3, start="2016-01-01", end="2021-06-30")
    full = write_annex_a(world, EXTRACT, folder / f"annex_a_{EXTRACT}.xlsx")
    wb = openpyxl.load_workbook(full)
    del wb["List_6"]
    without = folder / f"annex_a_no_list_6_{EXTRACT}.xlsx"
    wb.save(without)
    return full, without


def _figure(chart):
    import json

    import plotly.graph_objects as go

    return go.Figure(json.loads(chart.proto.spec))


def _median(chart, scenario: str) -> np.ndarray:
    import base64

    trace = next(t for t in _figure(chart).data if t.name == f"{scenario} (median)")
    y = trace.y
    if isinstance(y, dict) and "bdata" in y:
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)


WIDGETS = ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider",
           "number_input", "text_input", "text_area", "date_input", "file_uploader", "download_button")


def _unlabelled(app) -> list[str]:
    return [f"{kind} {w.label!r}" for kind in WIDGETS for w in app.get(kind)
            if not (w.label or "").strip() or not (w.help or "").strip()]


def test_caseload_page_with_list_6(at, workbooks):
    upload(at, workbooks[0])
    go_to(at, PAGE)
    assert at.title[0].value == PAGE
    at.multiselect(key="compare").set_value(["No further shocks", "New normal +10%"]).run()
    text = markdown_text(at)
    # what the caseload counts, and which caseload each scenario uses (England's: no LA named, none set)
    assert tv.CASELOAD_MEANING in text and tv.WORKFORCE_MEANING in text
    assert ("**No further shocks**: England's latest published caseload, 30 September 2025: 15.2 cases per "
            "case-holding social worker (DfE), because no local authority was named.") in text
    # two charts with the P10–P90 band: social workers needed, then children in need
    charts = at.get("plotly_chart")
    titles = [_figure(c).layout.title.text for c in charts]
    assert titles == ["Social workers needed: forecast", "Children in need (end of period): actual, then forecast"]
    assert all(c.proto.alt.startswith("Line chart of ") for c in charts)
    names = {t.name for t in _figure(charts[0]).data}
    assert {"No further shocks (median)", "No further shocks: P10 to P90", "New normal +10% (median)"} <= names
    workers, children = _median(charts[0], "No further shocks"), _median(charts[1], "No further shocks")
    np.testing.assert_allclose(workers, children / 15.2, rtol=1e-9)   # the charts' medians, month by month
    # the staffing table of the chosen scenario: case holders ÷ 58.3% = all social workers; posts ÷ (1 − 14.2%)
    staffing = next(d.value for d in at.dataframe if "Posts, filled or vacant (FTE)" in d.value.columns)
    assert list(staffing.columns) == ["Month", "Children in need (median)", "Case-holding social workers needed (FTE)",
                                      "All social workers needed (FTE)", "Posts, filled or vacant (FTE)"]
    assert staffing["Month"].iloc[0] == "Jan 2021" and len(staffing) == 36
    np.testing.assert_allclose(staffing["Case-holding social workers needed (FTE)"], np.round(workers, 1))
    np.testing.assert_allclose(staffing["All social workers needed (FTE)"],
                               np.round(workers / 0.583, 1), atol=0.051)
    assert any("vacancy rate is 14.2% (England's, 30 September 2025 (DfE))" in c.value for c in at.caption)
    # no target yet: the page says where to set one
    assert any("None of the scenarios shown sets a target caseload" in i.value for i in at.info)
    assert not _unlabelled(at), _unlabelled(at)


def test_a_target_set_in_the_editor_is_answered_on_the_page(at, workbooks):
    upload(at, workbooks[0])
    go_to(at, "Scenarios")
    k = f"s0v{at.session_state['edit_version']}_"
    # the workforce settings follow the caseload in the editor, with their bounds and help
    assert at.number_input(key=f"{k}wf_case_holder_share_pct").value == 58.3
    assert at.number_input(key=f"{k}wf_salary_gbp_per_year").value == 42_000.0
    assert "illustrative" in at.number_input(key=f"{k}wf_salary_gbp_per_year").label
    at.text_input(key=f"{k}la").input("Kent").run()
    at.number_input(key=f"{k}wf_salary_gbp_per_year").set_value(45_000.0).run()
    at.number_input(key=f"{k}wf_vacancy_rate_pct").set_value(10.0).run()
    at.checkbox(key=f"{k}wf_now_on").check().run()
    at.number_input(key=f"{k}wf_now").set_value(60.0).run()
    at.checkbox(key=f"{k}wf_target_on").check().run()
    at.number_input(key=f"{k}wf_target").set_value(12.0).run()
    at.checkbox(key=f"{k}wf_by_on").check().run()
    at.date_input(key=f"{k}wf_by").set_value(dt.date(2022, 3, 31)).run()
    assert not at.error, [e.value for e in at.error]
    described = markdown_text(at)
    assert ("Target: caseloads of 12 cases per case-holding social worker by 31 Mar 2022, from 60 case-holding "
            "social workers (FTE) today.") in described
    assert "Social workers' pay is set by the user: salary £45,000 a year" in described
    assert not _unlabelled(at), _unlabelled(at)
    scenario = at.session_state["scenarios"][0]
    assert scenario.workforce.la == "Kent" and scenario.workforce.target_date == dt.date(2022, 3, 31)

    go_to(at, PAGE)
    at.multiselect(key="compare").set_value(["No further shocks"]).run()
    answers = [s.value for s in at.main.success]
    assert len(answers) == 1
    assert answers[0].startswith("**No further shocks**: To bring caseloads to 12 cases per case-holding social "
                                 "worker by 31 Mar 2022 would take about ")
    assert "more than the 60.0 today" in answers[0] and "the scenario's pay: salary £45,000 a year" in answers[0]
    assert answers[0].endswith("The cost is at prices of January 2021 (pay not raised for inflation).")
    assert "Kent's own published caseload, 30 September 2025" in markdown_text(at)
    staffing = next(d.value for d in at.dataframe if "Posts, filled or vacant (FTE)" in d.value.columns)
    assert "Cost of the extra case holders (£ a year)" in staffing.columns
    march = staffing.set_index("Month").loc["Mar 2022"]
    assert march["Caseload planned (cases per case holder)"] == 12.0
    assert march["More case-holding social workers than today (FTE)"] == pytest.approx(
        march["Case-holding social workers at the planned caseload (FTE)"] - 60, abs=0.11)
    assert any("vacancy rate is 10% (set in the scenario)" in c.value
               and c.value.endswith("Costs are at prices of January 2021 (pay not raised for inflation).")
               for c in at.caption)


def test_without_list_6_the_page_says_why_and_what_to_load(at, workbooks):
    upload(at, workbooks[1])
    go_to(at, PAGE)
    assert not at.error, [e.value for e in at.error]
    assert [w.value for w in at.warning] == [tv.NO_LIST_6]
    assert not at.get("plotly_chart") and not at.dataframe
    assert not _unlabelled(at), _unlabelled(at)
    at.button(key="caseload_load").click().run()
    assert at.title[0].value == "Your data"
    # the forecast page says the same where the social workers would be
    go_to(at, "Forecast")
    assert tv.NO_LIST_6 in [i.value for i in at.info]
    assert not any(_figure(c).layout.title.text.startswith("Social workers") for c in at.get("plotly_chart"))


def test_forecast_page_names_the_partial_year_and_the_price_base(at, workbooks):
    upload(at, workbooks[0])
    go_to(at, "Forecast")
    head = at.dataframe[0].value
    assert list(dict.fromkeys(head["Financial year"])) == ["2020-21 (Jan–Mar only)", "2021-22", "2022-23"]
    text = markdown_text(at)
    assert "at prices of January 2021, rising by 3% a year" in text
    assert "**Total cost by financial year (£, at prices of January 2021, rising by 3% a year)**" in text
    costs = next(d.value for d in at.dataframe if "Cost group" in d.value.columns)
    assert costs["Period"].iloc[0] == "2020-21 (Jan–Mar only)"
    assert "2021-22 (April to March)" in set(costs["Period"])


def test_guidance_explains_the_caseload(at):
    go_to(at, "How this works")
    assert "Children in need and social workers" in [h.value for h in at.header]
    text = " ".join(markdown_text(at).split())
    assert "**case-holding social workers needed = children in need at the month end ÷ the caseload**" in text
    assert "otherwise England's latest (15.2 at 30 September 2025)" in text
    assert "The salary, on-costs and premium are **illustrative**" in text
    assert "Without List 6" in text and '"2024-25 (Jan–Mar only)"' in text
