"""One authority's published figures beside its Annex A forecast: the look-up and the table, checked by hand."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import DfePublished, dfe_series, read_dfe
from csc_demand.national import forecast_national
from csc_demand.national.compare import (
    PUBLISHED_COLUMNS,
    find_dfe_la,
    published_beside,
    published_through,
)
from csc_demand.tables import FORECAST_COLUMNS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report"))
from report_factory import make_tiny_forecast

KENT = "E10000016"


@pytest.fixture(scope="module")
def pub() -> DfePublished:
    """The bundled DfE figures cut to England, the regions, Kent and 29 other authorities (fast fits)."""
    full = read_dfe()
    t = full.table
    local = sorted(set(t.loc[t["level"] == "local", "la_code"].unique()) - {KENT})[:29] + [KENT]
    keep = (t["level"] != "local") | t["la_code"].isin(local)
    return DfePublished(table=t[keep].reset_index(drop=True), notes=(), source="test")


@pytest.mark.parametrize("query", ["Kent", "kent", " KENT ", "Kent County Council", KENT, "e10000016", "886"])
def test_kent_by_name_code_or_old_code(query: str) -> None:
    assert find_dfe_la(read_dfe(), query) == (KENT, "Kent")


def test_a_code_that_only_changed_finds_the_code_of_that_year() -> None:
    pub = read_dfe()
    assert find_dfe_la(pub, "North Yorkshire", through=2020) == ("E10000023", "North Yorkshire")
    assert find_dfe_la(pub, "E10000023", through=2025) == ("E06000065", "North Yorkshire")


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(CscDemandError, match=r"'Kentt' is not a local authority.*Did you mean 'Kent' or 'Brent'"):
        find_dfe_la(read_dfe(), "Kentt")


def test_an_authority_that_did_not_exist_yet_says_why() -> None:
    with pytest.raises(CscDemandError, match=r"Cumberland is not among .* 2020\. On 1 April 2023 Cumbria"):
        find_dfe_la(read_dfe(), "Cumberland", through=2020)


def test_england_and_half_a_joint_return_are_plain_errors() -> None:
    pub = read_dfe()
    with pytest.raises(CscDemandError, match="England is not a local authority"):
        find_dfe_la(pub, "England")
    with pytest.raises(CscDemandError, match="Kingston upon Thames or Richmond upon Thames"):
        find_dfe_la(pub, "Richmond")
    assert find_dfe_la(pub, "318") == ("E09000027", "Richmond upon Thames")


@pytest.mark.parametrize(("date", "year"), [("2020-12-31", 2020), ("2020-12-01", 2020), ("2020-11-30", 2019),
                                            ("2020-03-31", 2019), ("2031-06-30", 2025)])
def test_published_through_is_the_last_year_out_by_the_extract_date(date: str, year: int) -> None:
    assert published_through(date, read_dfe()) == year


def test_an_extract_before_three_published_years_is_a_plain_error() -> None:
    with pytest.raises(CscDemandError, match="before the DfE had published enough years"):
        published_through("2011-12-31", read_dfe())


@pytest.fixture(scope="module")
def tiny():
    """The hand-written forecast (extract 31 Dec 2020, Jan–Apr 2021), with the lists' count at 31 March 2020."""
    fc = make_tiny_forecast()
    march = pd.DataFrame([["Actual", "cla_open", "month", "2020-03", pd.Timestamp("2020-03-01"), "total", "All",
                           0.5, 45.0]], columns=list(FORECAST_COLUMNS))
    return dataclasses.replace(fc, actuals=pd.concat([march, fc.actuals], ignore_index=True))


@pytest.fixture(scope="module")
def beside(tiny, pub) -> pd.DataFrame:
    return published_beside(tiny, "Kent", pub=pub, draws=200, seed=3)


def test_the_table_by_hand(beside: pd.DataFrame, tiny, pub) -> None:
    assert list(beside.columns) == list(PUBLISHED_COLUMNS)
    # years: four before the last 31 March on or before the extract date (2020) to the last one forecast (2021)
    assert sorted(beside["year"].unique()) == [2016, 2017, 2018, 2019, 2020, 2021]
    assert set(beside["la_code"]) == {KENT} and set(beside["published_through"]) == {2020}
    cla = beside[beside["measure"] == "cla_at_31_march"].set_index("year")
    # the published figures as the DfE gives them
    np.testing.assert_array_equal(cla["published"], dfe_series(pub, "cla_at_31_march", KENT).loc[2016:2021])
    # the forecast from the published figures: the national forecast's own row for Kent, from 2020 on
    nf = forecast_national(pub, tiny.scenarios, through=2020, years=1, draws=200, seed=3, executor="serial")
    mine = nf.to_frame().query("la_code == @KENT and measure == 'cla_at_31_march'").set_index("year")
    assert cla.loc[2021, ["published_p10", "published_p50", "published_p90"]].tolist() == \
        mine.loc[2021, ["p10", "p50", "p90"]].tolist()
    assert cla.loc[:2020, "published_p50"].isna().all()
    # the Annex A forecast: March 2021's month end (48, 55, 58), not the financial year's row
    assert cla.loc[2021, ["annex_a_p10", "annex_a_p50", "annex_a_p90"]].tolist() == [48.0, 55.0, 58.0]
    assert cla.loc[:2020, "annex_a_p50"].isna().all()
    # the lists' own count at 31 March 2020
    assert cla.loc[2020, "annex_a_actual"] == 45.0 and cla["annex_a_actual"].notna().sum() == 1
    # a flow's financial year 2020-21 began before the extract date: not a whole year forecast, so not shown
    refs = beside[beside["measure"] == "referrals"].set_index("year")
    assert refs["annex_a_p50"].isna().all() and refs.loc[2021, "published_p50"] > 0
    # measures the forecast does not hold (children in need) have the published side only
    assert beside.loc[beside["measure"] == "cin_at_31_march", "annex_a_p50"].isna().all()


def test_only_an_extract_date_gives_the_published_side(pub) -> None:
    t = published_beside("2020-12-31", "886", pub=pub, draws=100, years_before=1, years_after=2)
    assert sorted(t["year"].unique()) == [2019, 2020, 2021, 2022]
    assert t["annex_a_p50"].isna().all() and t.loc[t["year"] == 2022, "published_p50"].notna().all()
