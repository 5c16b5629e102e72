"""The monthly figures in the app: uploaded beside the Annex A, summarised with the timeline of what was observed
when on the data page, and used by the estimates and the forecast (``with_history``); a bad file is named."""

from __future__ import annotations

import pandas as pd
import pytest
from apphelp import markdown_text, need_app_packages, upload

need_app_packages()

from csc_demand.app.views.data import history_table, timeline_table  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small simulated LA's extracts on 31 Dec 2019 and 31 Dec 2020 (one workbook each) and its monthly
    figures from Jan 2018 to Dec 2020 with one unreadable row."""
    from csc_demand.synth import simulate, truth_series, write_annex_a

    folder = tmp_path_factory.mktemp("monthly")
    world = simulate("small", seed=3, start="2016-01-01", end="2021-06-30")
    books = [write_annex_a(world, d, folder / f"annex_a_{d}.xlsx") for d in ("2019-12-31", "2020-12-31")]
    truth = truth_series(world).drop(columns=["cin_starts", "cin_open"])
    truth = truth[(truth["month"] >= "2018-01") & (truth["month"] <= "2020-12")]
    monthly = folder / "monthly.csv"
    monthly.write_text(truth.to_csv(index=False) + "Decembre 2020,1,1,1,1,1\n", encoding="utf-8")
    return books, monthly


def _upload_monthly(app, name: str, data: bytes):
    app.file_uploader(key="history_upload").set_value((name, data, "text/csv"))
    app.button(key="read_history").click().run()


def _frame(app, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_monthly_figures_are_summarised_and_used_by_the_forecast(at, files):
    books, monthly = files
    upload(at, *books)
    _upload_monthly(at, monthly.name, monthly.read_bytes())
    assert not at.error, [e.value for e in at.error]
    text = markdown_text(at)
    assert ("2 extracts, observed 30 Jun – 31 Dec 2019 · gap of 6 months (1 Jan – 29 Jun 2020) · 30 Jun – 31 Dec "
            "2020.") in text
    assert "**Monthly figures** from monthly.csv: Jan 2018–Dec 2020 (36 months). 1 row could not be used." in text
    figures = _frame(at, "Figure").set_index("Figure")
    assert figures.loc["Referrals", "Months"] == "36" and figures.loc["Referrals", "First month"] == "Jan 2018"
    observed = _frame(at, "Observed")
    assert list(observed["Observed"]) == ["Extracts' window", "Gap between extracts", "Extracts' window",
                                          "Monthly figures"]
    assert observed["How long"].iloc[-1] == "36 months"
    notes = _frame(at, "How many")
    assert notes["What"].str.contains("is not a month csc-demand can read").any()
    assert "With monthly figures from monthly.csv." in at.sidebar.success[0].value

    # the estimates, forecast and reports use the data with the monthly figures
    from csc_demand.app.pages import FORECAST

    at.sidebar.radio(key="page").set_value(FORECAST).run()
    assert not at.error, [e.value for e in at.error]
    monthly_key = at.session_state["monthly_history_key"]
    cache = at.session_state["cache"]
    assert any(k[0] == "estimates" and k[2] == monthly_key for k in cache)
    fc = next(v for k, v in cache.items() if k[0] == "forecast" and k[2] == monthly_key)
    assert fc.quality.rows_read["monthly_figures"] == 37
    assert [t["kind"] for t in fc.timeline][-1] == "monthly_figures"
    annex = next(v for k, v in cache.items() if k[0] == "with_history")
    assert annex.history.source == "monthly.csv"


def test_a_bad_file_is_named_and_the_lists_stay_loaded(at, files):
    books, _ = files
    upload(at, *books)
    _upload_monthly(at, "figures.csv", b"Quarter,referrals\nQ1,10\n")
    assert any(e.value.startswith("figures.csv has no month column") for e in at.error)
    assert "monthly_history" not in at.session_state
    assert "Monthly figures" not in at.sidebar.success[0].value
    assert _frame(at, "Rows used") is not None                        # the lists' summary is still there


def test_figures_loaded_first_apply_to_lists_loaded_later_and_can_be_removed(at, files):
    books, monthly = files
    _upload_monthly(at, monthly.name, monthly.read_bytes())
    assert any("Monthly figures loaded from monthly.csv: Jan 2018 to Dec 2020." in s.value for s in at.success)
    upload(at, *books[-1:])
    assert "**Monthly figures** from monthly.csv" in markdown_text(at)
    at.button(key="clear_history").click().run()
    assert "**Monthly figures**" not in markdown_text(at)
    assert list(_frame(at, "Observed")["Observed"]) == ["Extracts' window"]
    assert "monthly" not in at.sidebar.success[0].value


def test_the_guidance_explains_what_to_give_and_what_it_buys(at):
    at.sidebar.radio(key="page").set_value("How this works").run()
    assert "Your monthly figures" in [h.value for h in at.header]
    text = markdown_text(at)
    assert "**What to give.**" in text and "`cla_open`" in text
    assert "**What it buys.** The seasons" in text and "starts and numbers open" in text and "heading" in text


def test_timeline_and_history_tables():
    timeline = [
        {"kind": "window", "start": "2021-01-01", "end": "2021-06-30", "days": 181, "extracts": 2},
        {"kind": "gap", "start": "2021-07-01", "end": "2021-07-01", "days": 1},
        {"kind": "monthly_figures", "start": "2019-04-01", "end": "2021-06-30", "months": 27},
        {"kind": "monthly_gap", "start": "2019-01-01", "end": "2019-01-31", "months": 1},
    ]
    table = timeline_table(timeline)
    assert table.to_dict("records") == [
        {"Observed": "Extracts' window", "From": "1 Jan 2021", "To": "30 Jun 2021",
         "How long": "181 days (2 extracts)"},
        {"Observed": "Gap between extracts", "From": "1 Jul 2021", "To": "1 Jul 2021", "How long": "1 day"},
        {"Observed": "Monthly figures", "From": "1 Apr 2019", "To": "30 Jun 2021", "How long": "27 months"},
        {"Observed": "Gap in the monthly figures", "From": "1 Jan 2019", "To": "31 Jan 2019", "How long": "1 month"},
    ]
    h = {"measures": {"cla_open": {"months": 12, "first_month": "2020-01", "last_month": "2020-12"}}}
    assert history_table(h).to_dict("records") == [{"Figure": "Children looked after (end of period)",
                                                    "Months": "12", "First month": "Jan 2020",
                                                    "Last month": "Dec 2020"}]
    assert history_table(None).empty
