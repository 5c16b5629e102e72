"""The bundled DfE workforce figures, looking authorities up, the default caseload and the staffing arithmetic.

Expected figures are copied by hand from the DfE's file (``csww_indicators_2017_to_2025.csv``) or worked out by
hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.workforce import (
    WORKFORCE_COLUMNS,
    Workforce,
    caseload_path,
    cost_per_fte_gbp_per_year,
    default_caseload,
    describe_target,
    england,
    find_la,
    name_key,
    staffing,
    workforce_table,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_workforce_data.py"
BUNDLED = ROOT / "src" / "csc_demand" / "data" / "workforce.csv"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_workforce_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the bundled file ------------------------------------------------------------------------------------------

def test_england_2025_as_published() -> None:
    t = workforce_table()
    assert tuple(t.columns) == WORKFORCE_COLUMNS
    row = t[(t["la_code"] == "E92000001") & (t["year"] == 2025)].iloc[0]
    assert row["la_name"] == "England"
    assert (row["caseload_fte"], row["cases"], row["case_holders_fte"], row["inpost_fte"]) == (
        15.2, 321661, 21105.4, 36186.3)
    assert (row["agency_rate_pct"], row["vacancy_rate_pct"]) == (13.0, 14.2)


@pytest.mark.parametrize(("la_code", "year", "expected"), [
    # (caseload, cases, case holders, in post, agency %, vacancy %) copied from the DfE file
    ("E10000016", 2025, (17.0, 8359, 491.0, 765.3, 13.2, 14.4)),                 # Kent
    ("E06000001", 2017, (16.2, 1152, 71.2, 108.8, 8.4, 6.8)),                    # Hartlepool
    ("E09000021 / E09000027", 2025, (13.9, 1679, 120.7, 137.4, 14.9, 14.9)),     # Kingston / Richmond (joint)
])
def test_bundled_rows_match_the_source(la_code, year, expected) -> None:
    t = workforce_table()
    row = t[(t["la_code"] == la_code) & (t["year"] == year)].iloc[0]
    got = tuple(row[c] for c in ("caseload_fte", "cases", "case_holders_fte", "inpost_fte", "agency_rate_pct",
                                 "vacancy_rate_pct"))
    assert got == expected


def test_suppressed_figures_are_missing_never_zero() -> None:
    t = workforce_table().set_index(["la_name", "year"])
    # Kensington and Chelsea 2025: every figure 'x'; Birmingham 2024: caseload 'u'; Sunderland 2025: agency 'low'
    assert t.loc[("Kensington and Chelsea", 2025), ["caseload_fte", "inpost_fte", "vacancy_rate_pct"]].isna().all()
    assert np.isnan(t.loc[("Birmingham", 2024), "caseload_fte"]) and t.loc[("Birmingham", 2024), "inpost_fte"] == 766.2
    assert np.isnan(t.loc[("Sunderland", 2025), "agency_rate_pct"])
    assert (t[["caseload_fte", "case_holders_fte"]].fillna(1) > 0).all().all()
    # a published zero stays zero: the Isles of Scilly had no social worker in post in 2025, all agency
    assert tuple(t.loc[("Isles of Scilly", 2025), ["inpost_fte", "agency_rate_pct"]]) == (0.0, 100.0)


def test_one_row_per_authority_and_year_and_small() -> None:
    t = workforce_table()
    assert not t.duplicated(["la_code", "old_la_code", "year"]).any()
    assert set(t["year"]) == set(range(2017, 2026))
    assert (t["la_code"] == "E92000001").sum() == 9
    assert BUNDLED.stat().st_size < 120_000


def test_clean_figure_reads_symbols_as_missing_and_refuses_anything_else() -> None:
    build = _build_module()
    assert [build.clean_figure(x) for x in ("15.2", " 7 ", "x", "c", "z", "u", "low", ".", "")] == [
        "15.2", "7", "", "", "", "", "", "", ""]
    with pytest.raises(ValueError):
        build.clean_figure("n/a")


def test_build_from_a_small_source() -> None:
    build = _build_module()
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,inpost_fte,agency_rate_fte,vacancy_rate_fte,case_holders_fte,cases,"
              "caseload_fte")
    text = "\n".join([
        header,
        "2025,Reporting year,Local authority,E92000001,England,E12000008,South East,886,E10000016,Kent,"
        "765.3,13.2,14.4,491,8359,17",
        "2025,Reporting year,Regional,E92000001,England,E12000008,South East,,,,1,1,1,1,1,1",
        "2025,Reporting year,National,E92000001,England,,,,,,36186.3,13,14.2,21105.4,321661,15.2",
        "2024,Reporting year,Local authority,E92000001,England,E13000001,Inner London,207,E09000020,"
        "Kensington and Chelsea,182.9,x,2.7,52.2,569,10.9",
    ]) + "\n"
    assert build.build_text(text).splitlines() == [
        ",".join(build.COLUMNS),
        "E92000001,,England,,2025,15.2,321661,21105.4,36186.3,13,14.2",
        "E09000020,207,Kensington and Chelsea,Inner London,2024,10.9,569,52.2,182.9,,2.7",
        "E10000016,886,Kent,South East,2025,17,8359,491,765.3,13.2,14.4",
    ]


def test_bundled_file_is_the_build_of_the_source() -> None:
    build = _build_module()
    if not build.DEFAULT_SOURCE.exists():
        pytest.skip("the DfE source file is not at hand")
    assert build.build_text(build.DEFAULT_SOURCE.read_text(encoding="utf-8-sig")) == BUNDLED.read_text(
        encoding="utf-8")


# --- looking up ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Kent", "KENT", " kent ", "Kent County Council", "E10000016", "e10000016", "886"])
def test_find_kent_by_name_or_code(query: str) -> None:
    w = find_la(query)
    assert (w.la_name, w.la_code, w.old_la_code, w.region) == ("Kent", "E10000016", "886", "South East")
    assert (w.year, w.date, w.caseload_fte, w.case_holders_fte, w.inpost_fte) == (
        2025, dt.date(2025, 9, 30), 17.0, 491.0, 765.3)
    assert w.note == ""


@pytest.mark.parametrize(("query", "name"), [
    ("Hull", "Kingston upon Hull, City of"),
    ("City of Kingston upon Hull", "Kingston upon Hull, City of"),
    ("bristol city council", "Bristol, City of"),
    ("Royal Borough of Kensington & Chelsea", "Kensington and Chelsea"),
    ("London Borough of Barnet", "Barnet"),
    ("Saint Helens", "St. Helens"),
    ("Durham", "County Durham"),
    ("Southend on Sea", "Southend-on-Sea"),
    ("City of London", "City of London"),
    ("E08000016", "Barnsley"),            # Barnsley's code before 2025 finds its 2025 figures (E08000038)
])
def test_find_by_the_names_people_use(query: str, name: str) -> None:
    assert find_la(query).la_name == name


def test_barnsley_by_its_old_new_code_gives_the_latest_year() -> None:
    w = find_la("E08000016")
    assert (w.la_code, w.year) == ("E08000038", 2025)


@pytest.mark.parametrize("query", ["Richmond upon Thames", "Kingston upon Thames", "E09000027", "318", "Richmond"])
def test_either_half_of_a_joint_return_finds_the_joint_figures(query: str) -> None:
    w = find_la(query)
    assert w.la_code == "E09000021 / E09000027" and w.joint_return
    assert w.caseload_fte == 13.9 and "joint return" in w.note
    assert w.display_name == "Kingston upon Thames and Richmond upon Thames"


def test_a_latest_year_not_published_falls_back_with_a_note() -> None:
    w = find_la("Kensington and Chelsea")              # 2025 suppressed ('x'): 2024 is the latest
    assert (w.year, w.caseload_fte, w.agency_rate_pct) == (2024, 10.9, None)
    assert "did not publish a caseload for Kensington and Chelsea for 30 September 2025" in w.note


def test_authorities_that_were_replaced() -> None:
    dorset = find_la("Dorset")                         # the old county (835, to 2018) and the new council (838)
    assert (dorset.old_la_code, dorset.year, dorset.caseload_fte) == ("838", 2025, 13.4)
    old = find_la("E10000009")
    assert (old.la_name, old.year, old.caseload_fte) == ("Dorset", 2018, 18.0)
    northants = find_la("Northamptonshire")
    assert northants.year == 2020 and "North Northamptonshire and West Northamptonshire" in northants.note
    assert "after 30 September 2022" in find_la("Cumbria").note


def test_england() -> None:
    e = england()
    assert (e.la_name, e.year, e.caseload_fte, e.case_holders_fte, e.inpost_fte) == (
        "England", 2025, 15.2, 21105.4, 36186.3)
    assert e.case_holder_share_pct == pytest.approx(58.32, abs=0.01)      # 21,105.4 ÷ 36,186.3
    assert find_la("england") == e == find_la("E92000001")


@pytest.mark.parametrize(("query", "message"), [
    ("Kentt", "'Kentt' is not a local authority in the DfE's workforce figures. Did you mean 'Kent'"),
    ("Lancs", "Did you mean 'Lancashire'?"),
    ("Manchestre", "Did you mean 'Manchester'"),
    ("Atlantis", "Give the name as the DfE spells it"),
    ("Kingston", "'Kingston' could be Kingston upon Hull, City of or Kingston upon Thames: give more of the name"),
    ("E99999999", "is not a local authority"),
])
def test_not_found_says_what_might_be_meant(query: str, message: str) -> None:
    with pytest.raises(CscDemandError) as err:
        find_la(query)
    assert message in str(err.value)


def test_name_key() -> None:
    assert name_key("Kingston upon Hull, City of") == name_key("City of Kingston-upon-Hull") == "kingston upon hull"
    assert name_key("Hull City Council ") == "hull"
    assert name_key("Brighton & Hove") == "brighton and hove"
    assert name_key("City of London") == "city london"


# --- the default caseload ------------------------------------------------------------------------------------

def test_default_caseload_sentences() -> None:
    assert default_caseload(None) == (15.2, "England's latest published caseload, 30 September 2025: 15.2 cases "
                                            "per case-holding social worker (DfE), because no local authority "
                                            "was named.")
    assert default_caseload("  ") == default_caseload(None)
    assert default_caseload("Kent") == (17.0, "Kent's own published caseload, 30 September 2025: 17 cases per "
                                              "case-holding social worker (DfE).")
    assert default_caseload("Hull")[1].startswith("City of Kingston upon Hull's own published caseload")
    caseload, text = default_caseload("Richmond")
    assert caseload == 13.9
    assert text == ("The published caseload of Kingston upon Thames and Richmond upon Thames, who make a joint "
                    "return, 30 September 2025: 13.9 cases per case-holding social worker (DfE).")
    caseload, text = default_caseload("Bournemouth")
    assert caseload == 19.5 and "30 September 2018" in text and "Bournemouth, Christchurch and Poole" in text
    with pytest.raises(CscDemandError, match="Did you mean 'Kent'"):
        default_caseload("Kentt")


# --- the arithmetic ----------------------------------------------------------------------------------------------

def test_default_settings_are_englands_2025() -> None:
    w, e = Workforce(), england()
    assert w.case_holder_share_pct == pytest.approx(e.case_holder_share_pct, abs=0.05)
    assert (w.agency_rate_pct, w.vacancy_rate_pct) == (e.agency_rate_pct, e.vacancy_rate_pct)


def test_cost_per_fte_by_hand() -> None:
    # 42,000 × 1.3 = 54,600 for an employed worker; 13% of workers are agency at +50%: × 1.065 = 58,149
    assert cost_per_fte_gbp_per_year(Workforce()) == pytest.approx(58_149.0)
    assert cost_per_fte_gbp_per_year(Workforce(agency_rate_pct=0)) == pytest.approx(54_600.0)


def _months(n: int, start: str = "2026-01-31") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="ME")


def test_staffing_without_a_target_by_hand() -> None:
    cases = pd.Series([300.0, 330.0], index=_months(2))
    t = staffing(cases, 15.0, Workforce(case_holder_share_pct=58.0, vacancy_rate_pct=20.0))
    assert list(t.columns) == ["cin_open", "case_holders_fte_needed", "total_fte_needed", "posts_fte"]
    assert t.index.name == "month" and t.index[0] == pd.Timestamp("2026-01-31")
    assert t["case_holders_fte_needed"].tolist() == pytest.approx([20.0, 22.0])        # 300 ÷ 15, 330 ÷ 15
    assert t["total_fte_needed"].tolist() == pytest.approx([20 / 0.58, 22 / 0.58])      # 34.48, 37.93
    assert t["posts_fte"].tolist() == pytest.approx([20 / 0.58 / 0.8, 22 / 0.58 / 0.8])  # 20% of posts vacant


def test_staffing_to_a_target_by_hand() -> None:
    # 300 open cases at 15 a worker: 20 case-holding FTE today; at 12 a worker, 25: 5 more, 5 ÷ 0.58 = 8.62 FTE
    # in all; each costs 42,000 × 1.3 × (1 + 0.13 × 0.5) = 58,149 a year: 5 × 58,149 = 290,745
    settings = Workforce(case_holder_share_pct=58.0)
    t = staffing(np.array([300.0, 300.0]), 15.0, settings, target_caseload=12.0)
    last = t.iloc[-1]
    assert last["caseload_planned"] == 12.0
    assert last["case_holders_fte_planned"] == pytest.approx(25.0)
    assert last["extra_case_holders_fte"] == pytest.approx(5.0)
    assert last["extra_total_fte"] == pytest.approx(5 / 0.58)
    assert last["extra_case_holders_cost_gbp_per_year"] == pytest.approx(290_745.0)
    assert last["extra_total_cost_gbp_per_year"] == pytest.approx(5 / 0.58 * 58_149.0)
    # told that 22 hold cases today: 3 more
    t22 = staffing(np.array([300.0]), 15.0, settings, case_holders_fte_now=22.0, target_caseload=12.0)
    assert t22["extra_case_holders_fte"].iloc[0] == pytest.approx(3.0)
    assert t22.attrs["case_holders_fte_now"] == 22.0


def test_target_date_draws_a_straight_line() -> None:
    months = _months(5)                                  # 31 Jan .. 31 May 2026; target on 31 Mar 2026
    path = caseload_path(months, 15.0, 12.0, dt.date(2026, 3, 31))
    # 59 days from 31 Jan to 31 Mar; 28 days to 28 Feb: 15 − 3 × 28/59
    assert path == pytest.approx([15.0, 15 - 3 * 28 / 59, 12.0, 12.0, 12.0])
    assert caseload_path(months, 15.0, 12.0, None) == pytest.approx([12.0] * 5)
    assert caseload_path(months, 15.0, 12.0, dt.date(2025, 1, 1)) == pytest.approx([12.0] * 5)
    t = staffing(pd.Series([300.0] * 5, index=months), 15.0, Workforce(target_caseload=12.0,
                                                                       target_date=dt.date(2026, 3, 31)))
    assert t["caseload_planned"].tolist() == pytest.approx(path)
    assert t["extra_case_holders_fte"].iloc[0] == 0.0 and t["extra_case_holders_fte"].iloc[2] == pytest.approx(5.0)


def test_keywords_win_over_the_settings() -> None:
    settings = Workforce(target_caseload=10.0, case_holders_fte_now=18.0)
    t = staffing(np.array([300.0]), 15.0, settings, target_caseload=12.0)
    assert t["case_holders_fte_planned"].iloc[0] == pytest.approx(25.0)
    assert t["extra_case_holders_fte"].iloc[0] == pytest.approx(7.0)


def test_staffing_per_draw() -> None:
    draws = np.array([[300.0, 330.0], [150.0, 165.0], [0.0, 15.0]])
    t = staffing(draws, 15.0, months=_months(2), target_caseload=12.0)
    assert t.index.names == ["draw", "month"] and len(t) == 6
    assert t.loc[(1, pd.Timestamp("2026-02-28")), "case_holders_fte_needed"] == pytest.approx(11.0)
    # each draw against its own first month: draw 1 has 10 workers today and needs 165 ÷ 12 = 13.75
    assert t.loc[(1, pd.Timestamp("2026-02-28")), "extra_case_holders_fte"] == pytest.approx(3.75)
    med = t["case_holders_fte_needed"].groupby(level="month").median()
    assert med.tolist() == pytest.approx([10.0, 11.0])


def test_fewer_cases_mean_fewer_workers_and_a_saving() -> None:
    t = staffing(np.array([300.0, 240.0]), 15.0, Workforce(agency_rate_pct=0), target_caseload=15.0)
    assert t["extra_case_holders_fte"].iloc[1] == pytest.approx(-4.0)
    assert t["extra_case_holders_cost_gbp_per_year"].iloc[1] == pytest.approx(-4 * 54_600.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"caseload": 0.0}, "caseload must be above 0"),
    ({"caseload": 15.0, "target_caseload": 0.0}, "target_caseload must be above 0"),
    ({"caseload": 15.0, "target_caseload": 12.0, "target_date": dt.date(2026, 6, 30)}, "needs the months' dates"),
    ({"caseload": 15.0, "months": _months(3)}, "3 months given for 2 months"),
])
def test_staffing_refuses_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        staffing(np.array([300.0, 300.0]), **kwargs)


def test_describe_target() -> None:
    settings = Workforce(case_holder_share_pct=58.0, target_caseload=12.0, target_date=dt.date(2026, 2, 15))
    t = staffing(pd.Series([300.0, 300.0, 300.0], index=_months(3)), 15.0, settings)
    text = describe_target(t, settings)
    assert text.startswith("To bring caseloads to 12 cases per case-holding social worker by 15 Feb 2026 would "
                           "take about 25.0 case-holding social workers (FTE), 5.0 more than the 20.0 today "
                           "(8.6 more FTE in all")
    assert "costing about £290,745 a year for the case holders (illustrative pay: salary £42,000 a year" in text
    with pytest.raises(ValueError, match="with a target"):
        describe_target(staffing(np.array([300.0]), 15.0))
