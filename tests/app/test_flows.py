"""The app's flows in Streamlit's AppTest (no browser): demo, upload, paste, edit a shock, compare, download.

The data are a small simulated LA written to a real workbook in a temporary folder. Every test also records
the destination of every socket the app opens, and checks that none leaves this computer.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import pytest
from apphelp import XLSX, go_to, markdown_text, need_app_packages, upload

need_app_packages()

from csc_demand.app import downloads  # noqa: E402
from csc_demand.scenario import scenario_to_toml  # noqa: E402

EXTRACT = "2020-12-31"


@pytest.fixture(scope="module")
def small_workbook(tmp_path_factory):
    """A small simulated LA's Annex A workbook (one extract, shocks of 2020 included) and its true counts."""
    from csc_demand.synth import list_counts, simulate, write_annex_a

    world = simulate("small", seed=3, start="2016-01-01", end="2021-06-30")
    path = write_annex_a(world, EXTRACT, tmp_path_factory.mktemp("wb") / f"annex_a_{EXTRACT}.xlsx")
    return path, list_counts(world, EXTRACT)


def test_first_visit_offers_the_demo_and_guidance(at):
    assert at.title[0].value == "Your data"
    assert at.button(key="demo").label == "Use the demo local authority"
    assert at.sidebar.info[0].value == "No data loaded yet."
    # pages that need data say so, and offer the demo again
    go_to(at, "Forecast")
    assert "Load data first" in at.warning[0].value and at.button(key="demo")
    go_to(at, "How this works")
    text = markdown_text(at)
    assert "What does not fully meet WCAG 2.2 AA" in text and "127.0.0.1" in text


def test_upload_shows_the_quality_summary_before_any_chart(at, small_workbook):
    path, counts = small_workbook
    upload(at, path)
    assert not at.error, [e.value for e in at.error]
    lists = at.dataframe[0].value
    by_list = lists.set_index("List")
    assert by_list.loc["List 3: Referral", "Rows used"] == f"{counts['referrals']['rows']:,}"
    assert by_list.loc["List 3: Referral", "Open at the extract date"] == ""
    assert by_list.loc["List 7: Child Protection", "Open at the extract date"] == \
        f"{counts['cp_plans']['open_at_extract']:,}"
    assert by_list.loc["List 8: Children in Care", "Open at the extract date"] == \
        f"{counts['looked_after']['open_at_extract']:,}"
    # short breaks are not periods of care: counted, explained and located
    kinds = next(d.value for d in at.dataframe if "How many" in d.value.columns)
    short = kinds[kinds["What"].str.contains("Short-break")]
    assert short["How many"].iloc[0] == counts["looked_after"]["short_break_rows"]
    assert "sheet List_8, row " in short["First one at"].iloc[0]
    assert "extract date is **31 Dec 2020**" in markdown_text(at)
    assert not at.get("plotly_chart"), "no chart before the data-quality summary has been read"
    assert "Loaded: your file" in at.sidebar.success[0].value


def test_history_and_trust_pages_explain_in_words_with_tables(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "History")
    text = markdown_text(at)
    assert "referrals a week" in text and "Kaplan" in text     # the estimates' own sentences
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    assert charts[0].proto.alt.startswith("Line charts of referrals per week over ")
    assert "open child protection plans (solid line)" in charts[1].proto.alt
    # the model against actual over the last six months: a chart and a sentence per measure, and one table
    assert "Model against actual (last six months)" in [h.value for h in at.subheader]
    assert charts[2].proto.alt.startswith("Line chart of open child protection plans: the actual number open")
    assert charts[3].proto.alt.startswith("Line chart of children looked after: the actual number open")
    assert "the model's path stays within" in text and "of the actual number of children looked after" in text
    assert len(at.dataframe) == 3          # a table alternative for each chart or pair of charts
    weekly = at.dataframe[0].value
    assert weekly["All referrals"].sum() > 0
    fit = at.dataframe[2].value
    assert list(fit.columns) == ["Date", "Open child protection plans: actual", "Open child protection plans: model",
                                 "Children looked after: actual", "Children looked after: model"]
    go_to(at, "How far to trust this")
    text = markdown_text(at)
    assert "months ahead (1 past date tried): the forecast was typically" in text
    results = at.dataframe[0].value
    assert {"Months ahead", "Typical error of the forecast (%)", "Actual inside the P10–P90 band (%)",
            "Bias of the forecast (%, above 0 = too high)",
            "Scaled error (below 1 = better than 'same as last month')"} <= set(results.columns)
    assert "(scaled error)" in text and ("too high" in text or "too low" in text or "no lean" in text)
    assert any(w.value.startswith("Only 1 cut date: these figures say little") for w in at.warning)


def test_paste_lists_from_excel(at):
    list3 = "Child Unique ID\tDate of referral\tReferral Source\n" + "\n".join(
        f"C{i:04d}\t{d:02d}/{m:02d}/2020\te) 2A: Schools" for i, (d, m) in enumerate(
            [(10, 7), (14, 7), (21, 8), (2, 9), (15, 9), (1, 10), (20, 11), (3, 12)], start=1))
    list7 = ("Child Unique ID\tChild Protection Plan Start Date\tChild Protection Plan End Date\n"
             "C0001\t01/08/2020\t\nC0002\t01/09/2020\t01/11/2020\n")
    list8 = "Child Unique ID\tDate Started to be Looked After\tDate Ceased to be Looked After\nC0003\t01/10/2020\t\n"
    at.date_input(key="extract_date").set_value(pd.Timestamp(EXTRACT).date())
    at.text_area(key="paste_List 3").input(list3)
    at.text_area(key="paste_List 7").input(list7)
    at.text_area(key="paste_List 8").input(list8)
    at.button(key="read_pasted").click().run()
    by_list = at.dataframe[0].value.set_index("List")
    assert by_list.loc["List 3: Referral", "Rows used"] == "8"
    assert by_list.loc["List 7: Child Protection", "Open at the extract date"] == "1"
    assert by_list.loc["List 8: Children in Care", "Rows used"] == "1"
    assert "the lists you pasted" in at.sidebar.success[0].value


def test_a_missing_list_is_named_in_plain_english(at):
    at.text_area(key="paste_List 3").input("Child Unique ID\tDate of referral\nC1\t01/12/2020\n")
    at.button(key="read_pasted").click().run()
    assert any("Not found: List 7 (Child Protection); List 8 (Children in Care)" in e.value for e in at.error)
    go_to(at, "Forecast")
    assert "Load data first" in at.warning[0].value


def test_demo_in_one_click_shows_a_forecast(at):
    at.button(key="demo").click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Forecast"
    assert "demo local authority" in at.sidebar.success[0].value
    charts = at.get("plotly_chart")
    assert len(charts) >= 5   # referrals, CP plans, CLA, costs, social workers
    assert all(c.proto.alt.startswith("Line chart of ") for c in charts), "every chart has a text description"
    assert at.multiselect(key="compare").value == ["No further shocks", "Second lockdown next winter",
                                                   "New normal +10%"]


def test_edit_a_shock_changes_the_numbers_and_scenarios_compare(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Forecast")
    at.multiselect(key="compare").set_value(["No further shocks"]).run()
    before = _referrals_median(at, "No further shocks")

    go_to(at, "Scenarios")
    assert at.selectbox(key="scenario_selected").value == 0
    version = at.session_state["edit_version"]
    at.button(key=f"s0v{version}_add_shock").click().run()
    version = at.session_state["edit_version"]
    k = f"s0v{version}_sh0_"
    assert at.text_input(key=f"{k}name").value == "New shock"
    at.number_input(key=f"{k}change").set_value(-60.0).run()
    at.number_input(key=f"{k}returns").set_value(0.0).run()
    assert not at.error, [e.value for e in at.error]
    described = markdown_text(at)
    assert "referrals are 60% below the usual level" in described
    assert "None of the referrals missed during New shock come back later." in described

    go_to(at, "Forecast")
    after = _referrals_median(at, "No further shocks")
    # the new shock runs from 1 Feb to 30 Apr 2021 (it starts the month after next from the extract date)
    ratio = after / before
    in_shock = pd.to_datetime(["2021-02-01", "2021-03-01", "2021-04-01"])
    assert list(ratio.index[ratio < 0.6]) == list(in_shock)
    assert ((ratio[in_shock] - 0.4).abs() < 0.08).all(), "referrals are about 60% down during the shock"
    outside = ratio.drop(in_shock)
    assert ((outside - 1).abs() < 0.1).all(), "and about the same as before outside it (none come back)"

    # two scenarios on the same chart and table
    at.multiselect(key="compare").set_value(["No further shocks", "New normal +10%"]).run()
    names = {t.name for chart in at.get("plotly_chart") for t in _figure(chart).data}
    assert {"No further shocks (median)", "New normal +10% (median)", "Actual"} <= names
    head = at.dataframe[0].value
    assert {"No further shocks: Median", "New normal +10%: Median"} <= set(head.columns)
    nn = _referrals_median(at, "New normal +10%")
    later = nn.index[-12:]
    assert (nn[later] > after[later]).all()


def _figure(chart):
    import json

    import plotly.graph_objects as go

    return go.Figure(json.loads(chart.proto.spec))


def _array(values) -> np.ndarray:
    """A trace's values as sent to the browser (Plotly sends numeric arrays base64-encoded)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
    return np.asarray(values)


def _referrals_median(app, scenario: str) -> pd.Series:
    """The monthly median referrals of a scenario, read from the referrals chart's data."""
    chart = next(c for c in app.get("plotly_chart") if _figure(c).layout.title.text.startswith("Referrals:"))
    trace = next(t for t in _figure(chart).data if t.name == f"{scenario} (median)")
    return pd.Series(_array(trace.y), index=pd.to_datetime(_array(trace.x)))


def test_scenario_file_upload_and_the_downloads(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Scenarios")
    from csc_demand.scenario import load_scenario

    s = load_scenario('name = "From a colleague"\n[[shock]]\nname = "Strike"\nstart = 2021-05-01\n'
                      'end = 2021-05-31\nreferrals_change_pct = -30\nreturns_pct = 100\nreturn_months = 2\n')
    at.file_uploader(key="scenario_upload").set_value(("colleague.toml", scenario_to_toml(s).encode(),
                                                       "application/toml"))
    at.button(key="load_scenario").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "From a colleague" in at.selectbox(key="scenario_selected").options
    assert "Strike: from 1 May 2021 to 31 May 2021, referrals are 30% below the usual level." in markdown_text(at)
    # a broken scenario file is refused with the file's name and the bad field
    at.file_uploader(key="scenario_upload").set_value(("bad.toml", b'name = "X"\ncaseload_per_worker = "many"\n',
                                                       "application/toml"))
    at.button(key="load_scenario").click().run()
    assert any("bad.toml" in e.value and "caseload_per_worker" in e.value for e in at.error)

    go_to(at, "Forecast")
    labels = [b.label for b in at.get("download_button")]
    assert "Excel workbook (.xlsx)" in labels and "Table for other tools (.csv)" in labels
    assert "Download the scenario file for 'From a colleague' (.toml)" in labels

    # the app shows exactly the engine's numbers for the same data, scenarios, draws and seed
    from csc_demand.app.views.forecast import headline_flat
    from csc_demand.io import read_annex_a
    from csc_demand.model import estimate, forecast

    scenarios = at.session_state["scenarios"]
    fc = forecast(estimate(read_annex_a(path)), scenarios, months=36, draws=500, seed=1)
    shown = at.dataframe[0].value
    expected = headline_flat(fc)
    assert list(shown.columns) == list(expected.columns)
    numeric = [c for c in expected.columns if ":" in c]
    assert ((shown[numeric] - expected[numeric].round(0)).abs() < 1e-9).all().all()

    table = pd.read_csv(io.BytesIO(downloads.report_bytes(fc, "csv")))
    assert set(table["scenario"]) >= {"Actual", "From a colleague"}
    if "xlsx" in downloads.available_kinds():
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(downloads.report_bytes(fc, "xlsx")))
        assert len(wb.sheetnames) >= 3


def test_the_forecast_beside_the_published_figures(at, small_workbook):
    """The Forecast page puts the named authority's published figures, the forecast from them and this forecast
    side by side at each 31 March; an unknown name is explained; off, nothing is forecast from them."""
    from csc_demand.io.dfe import dfe_series, read_dfe

    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Forecast")
    assert at.toggle(key="published_on").disabled   # no authority named yet
    before = len(at.get("plotly_chart"))
    at.text_input(key="published_la").input("Kentt").run()
    at.toggle(key="published_on").set_value(True).run()
    assert any("'Kentt' is not a local authority" in e.value and "Kent" in e.value for e in at.error)
    at.text_input(key="published_la").input("886").run()
    assert not at.error, [e.value for e in at.error]
    text = markdown_text(at)
    assert "Kent (E10000016) as the DfE published it" in text
    assert "Children looked after at 31 March 2021: forecast from the published figures " in text
    titles = [_figure(c).layout.title.text for c in at.get("plotly_chart")]
    assert len(titles) == before + 3 and "Open child protection plans at 31 March" in titles
    table = next(d.value for d in at.dataframe if "From published: P50" in d.value.columns)
    cla = table[(table["Measure"] == "Children looked after at 31 March")
                & (table["Scenario"] == table["Scenario"].iloc[0])].set_index("31 March")
    published = dfe_series(read_dfe(), "cla_at_31_march", "E10000016")
    assert cla.loc[pd.Timestamp("2020-03-31"), "Published"] == published.loc[2020]
    ahead = cla.dropna(subset=["From published: P50"])
    assert list(ahead.index.year) == [2021, 2022, 2023]   # forecast from the figures up to March 2020
    assert (ahead["From published: P10"] <= ahead["From published: P50"]).all()
    assert (ahead["From published: P50"] <= ahead["From published: P90"]).all()
    at.toggle(key="published_on").set_value(False).run()
    assert len(at.get("plotly_chart")) == before


def _forecast_median(app, title_start: str, scenario: str) -> pd.Series:
    chart = next(c for c in app.get("plotly_chart") if _figure(c).layout.title.text.startswith(title_start))
    trace = next(t for t in _figure(chart).data if t.name == f"{scenario} (median)")
    return pd.Series(_array(trace.y), index=pd.to_datetime(_array(trace.x)))


def test_overrides_costs_caseload_and_a_fitted_shock(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Forecast")
    at.multiselect(key="compare").set_value(["No further shocks"]).run()
    cost_before = _forecast_median(at, "Cost (£)", "No further shocks")
    workers_before = _forecast_median(at, "Social workers needed", "No further shocks")

    go_to(at, "Scenarios")
    k = f"s0v{at.session_state['edit_version']}_"
    # the estimate from the data is offered as the starting value of each override (1 in 20 or so)
    assert at.number_input(key=f"{k}ov_cla_starts_per_referral").disabled
    assert 0.01 < at.number_input(key=f"{k}ov_cla_starts_per_referral").value < 0.2
    at.checkbox(key=f"{k}ov_cla_starts_per_referral_on").check().run()
    at.number_input(key=f"{k}ov_cla_starts_per_referral").set_value(0.0).run()
    at.number_input(key=f"{k}cost_residential_gbp_per_week").set_value(12000.0).run()
    # the published caseload (England's 15.2 here) is used until the user sets their own
    assert at.checkbox(key=f"{k}published").value
    at.checkbox(key=f"{k}published").uncheck().run()
    at.number_input(key=f"{k}caseload").set_value(7.6).run()
    assert not at.error, [e.value for e in at.error]
    text = markdown_text(at)
    assert "children starting care per referral = 0." in text
    assert "assume 7.6 open cases per worker" in text and "Unit costs are set by the user." in text

    go_to(at, "Forecast")
    assert not any(_figure(c).layout.title.text.startswith("Children starting care") for c in at.get("plotly_chart"))
    at.toggle(key="show_starts").set_value(True).run()
    starts = _forecast_median(at, "Children starting care", "No further shocks")
    assert (starts == 0).all(), "no child starts care when care starts per referral is set to 0"
    cost_after = _forecast_median(at, "Cost (£)", "No further shocks")
    assert (cost_after.iloc[:3] > cost_before.iloc[:3] * 1.05).all(), "dearer residential care costs more"
    workers_after = _forecast_median(at, "Social workers needed", "No further shocks")
    assert (workers_after.iloc[:3] > workers_before.iloc[:3] * 1.8).all(), "half the caseload, twice the workers"

    # "fit this period from my data": the 2020 lockdown is in this workbook's window only partly, so fit
    # the last quarter offered by default and add it as a shock
    go_to(at, "Scenarios")
    at.button(key="fit").click().run()
    assert any("referrals were" in s.value and "usual level" in s.value for s in at.success)
    n_before = sum(1 for w in at.text_input if w.key and w.key.endswith("name") and "_sh" in w.key)
    at.button(key="fit_add").click().run()
    names = [w.value for w in at.text_input if w.key and "_sh" in w.key and w.key.endswith("name")]
    assert len(names) == n_before + 1 and names[-1] == "Fitted from data"
    # the measured 80% interval comes with it, around the measured change
    k = f"s0v{at.session_state['edit_version']}_sh{len(names) - 1}_"
    low, change, high = (at.number_input(key=f"{k}{x}").value for x in ("change_low", "change", "change_high"))
    assert low is not None and high is not None and low < change < high
    assert "80% interval" in markdown_text(at)


def test_the_interval_of_a_shock_is_two_optional_boxes(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Scenarios")
    at.button(key=f"s0v{at.session_state['edit_version']}_add_shock").click().run()
    k = f"s0v{at.session_state['edit_version']}_sh0_"
    assert at.number_input(key=f"{k}change").value == -20.0
    assert at.number_input(key=f"{k}change_low").value is None and at.number_input(key=f"{k}change_high").value is None
    at.number_input(key=f"{k}change_low").set_value(-30.0).run()
    errors = [e.value for e in at.error]
    assert any("referrals_change_low_pct is given but referrals_change_high_pct is missing" in m
               for m in errors), errors
    at.number_input(key=f"{k}change_high").set_value(-12.0).run()
    assert not at.error, [e.value for e in at.error]
    assert "referrals are 20% below the usual level (80% interval 12% to 30% below)" in markdown_text(at)


def test_every_number_box_in_the_editor_is_drawn_from_its_setting(at, small_workbook):
    """Each number box's label, limits, step, format and help are its Setting's, and every setting has a box."""
    from csc_demand.scenario import (BY_SOURCE_SETTING, COST_SETTINGS, NEW_NORMAL_SETTINGS, OVERRIDE_SETTINGS,
                                     SCENARIO_SETTINGS, SHOCK_SETTINGS)
    from csc_demand.workforce import WORKFORCE_SETTINGS

    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Scenarios")
    at.button(key=f"s0v{at.session_state['edit_version']}_add_shock").click().run()
    k = f"s0v{at.session_state['edit_version']}_"
    # bring out every box: a source's own change, the new normal, an own caseload, workers today and a target
    at.multiselect(key=f"{k}sh0_groups").set_value(["Schools"]).run()
    for box in ("nn_on", "wf_now_on", "wf_target_on"):
        at.checkbox(key=f"{k}{box}").check().run()
    at.checkbox(key=f"{k}published").uncheck().run()
    assert not at.error, [e.value for e in at.error]
    shock = {"change": "referrals_change_pct", "change_low": "referrals_change_low_pct",
             "change_high": "referrals_change_high_pct", "returns": "returns_pct", "ret_months": "return_months"}
    expected = {**{f"sh0_{key}": SHOCK_SETTINGS[name] for key, name in shock.items()},
                "sh0_src_Schools": BY_SOURCE_SETTING,
                "trend": SCENARIO_SETTINGS["trend_pct_per_year"], "caseload": SCENARIO_SETTINGS["caseload_per_worker"],
                "nn_change": NEW_NORMAL_SETTINGS["change_pct"],
                **{f"ov_{name}": s for name, s in OVERRIDE_SETTINGS.items()},
                **{f"cost_{name}": s for name, s in COST_SETTINGS.items()},
                **{f"wf_{name}": s for name, s in WORKFORCE_SETTINGS.items()
                   if name not in ("case_holders_fte_now", "target_caseload")},
                "wf_now": WORKFORCE_SETTINGS["case_holders_fte_now"], "wf_target": WORKFORCE_SETTINGS["target_caseload"]}
    assert len(expected) == len(SHOCK_SETTINGS) + 1 + len(NEW_NORMAL_SETTINGS) + len(OVERRIDE_SETTINGS) \
        + len(COST_SETTINGS) + len(SCENARIO_SETTINGS) + len(WORKFORCE_SETTINGS)
    boxes = {w.key: w for w in at.number_input}
    assert sorted(boxes) == sorted(f"{k}{key}" for key in expected)
    for key, s in expected.items():
        box = boxes[f"{k}{key}"]
        label = f"Schools: {s.label}" if key == "sh0_src_Schools" else s.label
        assert (box.label, box.min, box.max, box.step, box.proto.format) == (label, s.low, s.high, s.step, s.fmt), key
        assert box.help == s.help or box.help.startswith(f"{s.help} From your data: "), key


def test_fitting_a_period_with_too_little_data_before_it_says_what_to_load(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Scenarios")
    start = next(w for w in at.date_input if w.key and w.key.startswith("fit_start_"))
    start.set_value(pd.Timestamp("2020-07-10").date()).run()
    at.button(key="fit").click().run()
    errors = [e.value for e in at.error]
    assert any(m.startswith("The loaded extracts do not show enough of the time before the shock")
               and "Load an extract dated before 10 Jul 2020" in m for m in errors), errors
    assert not [b for b in at.button if b.key == "fit_add"], "nothing to add after a failed fit"


def test_leaving_out_uasc_and_choices_kept_across_pages(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    go_to(at, "Forecast")
    at.multiselect(key="compare").set_value(["New normal +10%"]).run()
    at.select_slider(key="months").set_value(24).run()
    with_uasc = _forecast_median(at, "Children looked after", "New normal +10%")
    assert len(with_uasc) == 24

    go_to(at, "Your data")
    at.toggle(key="exclude_uasc").set_value(True).run()
    go_to(at, "History")
    assert "Unaccompanied asylum-seeking children left out." in at.sidebar.success[0].value
    go_to(at, "Forecast")
    # the choices made on the Forecast page were kept while other pages were shown
    assert at.multiselect(key="compare").value == ["New normal +10%"]
    assert at.select_slider(key="months").value == 24
    without = _forecast_median(at, "Children looked after", "New normal +10%")
    assert (without < with_uasc).all(), "fewer children looked after without UASC"
    go_to(at, "Your data")
    assert at.toggle(key="exclude_uasc").value is True


WIDGETS = ("button", "checkbox", "toggle", "radio", "selectbox", "multiselect", "slider", "select_slider",
           "number_input", "text_input", "text_area", "date_input", "file_uploader", "download_button")


def test_every_control_has_a_label_and_help_text(at, small_workbook):
    path, _ = small_workbook
    upload(at, path)
    missing = []
    for page in ("Your data", "History", "Scenarios", "Forecast", "Children in need and social workers",
                 "How far to trust this", "How this works"):
        go_to(at, page)
        if page == "Scenarios":
            at.button(key=f"s0v{at.session_state['edit_version']}_add_shock").click().run()
        seen = 0
        for kind in WIDGETS:
            for w in at.get(kind):
                seen += 1
                if not (w.label or "").strip() or not (w.help or "").strip():
                    missing.append(f"{page}: {kind} {w.label!r}")
        assert seen or page in ("History", "How far to trust this", "How this works")
    assert not missing, missing


def test_a_file_that_is_not_a_workbook_is_refused_in_plain_english(at):
    at.file_uploader(key="uploads").set_value(("notes.xlsx", b"these are not the lists", XLSX))
    at.button(key="read_files").click().run()
    assert at.error and "notes.xlsx" in at.error[0].value
    assert "Traceback" not in at.error[0].value
    assert at.sidebar.info[0].value == "No data loaded yet."
