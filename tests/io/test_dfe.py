"""The DfE's published per-authority figures: the bundled table, the boundary rules and reading a folder.

Expected figures are copied by hand from the DfE's files (``grep`` in ``/work/shared/data/dfe``; the line is in
each comment) or worked out by hand from the small files written in the tests.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import (
    MEASURES,
    TABLE_COLUMNS,
    current_las,
    dfe_rate_per_10k,
    dfe_series,
    read_dfe,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED_DFE = ROOT / ".." / "shared" / "data" / "dfe"


@pytest.fixture(scope="module")
def pub():
    return read_dfe()


def value(pub, code: str, measure: str, year: int) -> float:
    rows = pub.table.query("la_code == @code and measure == @measure and year == @year")
    assert len(rows) == 1, (code, measure, year, len(rows))
    return float(rows["value"].iloc[0])


# --- the bundled table -------------------------------------------------------------------------------------

def test_table_contract(pub):
    t = pub.table
    assert tuple(t.columns) == TABLE_COLUMNS
    assert set(t["measure"]) == set(MEASURES)
    assert set(t["level"]) == {"national", "regional", "local"}
    assert t["year"].dtype == "int64" and t["value"].dtype == "float64"
    assert not t.duplicated(["la_code", "measure", "year"]).any()
    local = t[t["level"] == "local"]
    assert local["la_code"].str.fullmatch(r"E(06|08|09|10)\d{6}").all()
    assert set(t.loc[t["level"] == "national", "la_code"]) == {"E92000001"}
    assert t.loc[t["level"] == "regional", "la_code"].str.fullmatch(r"E1[23]\d{6}").all()
    assert (t.groupby("la_code")["la_name"].nunique() == 1).all()
    assert (local["region"] != "").all()
    assert t["value"].dropna().ge(0).all()


def test_hand_checked_figures(pub):
    # c1: 2024,...,E08000025,Birmingham,...,18007
    assert value(pub, "E08000025", "referrals", 2024) == 18007
    # c1 national: 2025 referral_count 632830; 2013 593470
    assert value(pub, "E92000001", "referrals", 2025) == 632830
    assert value(pub, "E92000001", "referrals", 2013) == 593470
    # d3 national 2025 CPP_start 61840; d5 national 2025 CPP_At31 49420
    assert value(pub, "E92000001", "cp_starts", 2025) == 61840
    assert value(pub, "E92000001", "cp_at_31_march", 2025) == 49420
    # b1 national 2024 At31_episodes 399460: the published "about 400,000 children in need"
    assert value(pub, "E92000001", "cin_at_31_march", 2024) == 399460
    cin = dfe_series(pub, "cin_at_31_march", "E92000001")
    assert cin.between(370_000, 410_000).all() and list(cin.index) == list(range(2013, 2026))
    # b1: 2022,...,E06000061,North Northamptonshire,... At31_episodes 2203
    assert value(pub, "E06000061", "cin_at_31_march", 2022) == 2203


def test_children_looked_after_sources(pub):
    # England at 31 March 2020: 80,000 (combined file and LAIT agree)
    assert value(pub, "E92000001", "cla_at_31_march", 2020) == 80000
    # 2016: LAIT's revised 70,410 is preferred to the first-published 70,440
    assert value(pub, "E92000001", "cla_at_31_march", 2016) == 70410
    # Leicester 2016: LAIT "LACnum,...,2016,Leicester,856,E06000016,...,596"; first published 646
    assert value(pub, "E06000016", "cla_at_31_march", 2016) == 596
    # 2010 comes from the first-published release only: England 64,400
    assert value(pub, "E92000001", "cla_at_31_march", 2010) == 64400
    # 2025: LAIT and the current release agree: England starts 32,270, ceased 34,450
    assert value(pub, "E92000001", "cla_starts", 2025) == 32270
    assert value(pub, "E92000001", "cla_ceased", 2025) == 34450
    superseded = {p.file: p.message for p in pub.notes if p.kind == "superseded"}
    assert "2016\u20132020) were not used because lait" in superseded["cla_2010_to_2020_combined.csv"]
    # the current release and the LAIT agree on every figure of 2021-2025
    assert "2021\u20132025) were not used because lait" in superseded["cla_number_and_rate_per_10k_children.csv"]
    assert superseded["cla_number_and_rate_per_10k_children.csv"].endswith("; 0 of them differ.")


def test_suppressed_cells_are_missing_not_zero(pub):
    # c1: "2021,...,E09000012,Hackney,...,x"
    assert math.isnan(value(pub, "E09000012", "referrals", 2021))
    # cla_number "City of London,...,Children looked after on 31 March each year,847,c,c"; LAIT "-"
    assert math.isnan(value(pub, "E09000001", "cla_at_31_march", 2025))
    # Isles of Scilly: a true zero stays zero (LAIT 2016 LACnum 0)
    assert value(pub, "E06000053", "cla_at_31_march", 2016) == 0


def test_population_is_the_previous_mid_year(pub):
    # ONS "2024,...,National,...,Children aged 0 to 17 years,12183016" is reporting year 2025
    assert value(pub, "E92000001", "population_0_17", 2025) == 12183016
    # ONS "2023,...,E06000061,North Northamptonshire,...,81494" is reporting year 2024
    assert value(pub, "E06000061", "population_0_17", 2024) == 81494
    pop = dfe_series(pub, "population_0_17", "E92000001")
    assert (pop.index.min(), pop.index.max()) == (2013, 2025)


def test_rate_per_10k(pub):
    rate = dfe_rate_per_10k(pub, "cla_at_31_march", "E92000001")
    assert rate[2025] == pytest.approx(81770 / 12183016 * 10_000)  # the DfE publishes 67
    assert round(rate[2025]) == 67
    assert math.isnan(rate[2012])  # no population before 2013
    with pytest.raises(CscDemandError):
        dfe_rate_per_10k(pub, "population_0_17", "E92000001")


# --- boundaries ----------------------------------------------------------------------------------------------

def years_of(pub, code: str) -> tuple[int, int]:
    ys = pub.table.loc[pub.table["la_code"] == code, "year"]
    return int(ys.min()), int(ys.max())


def test_each_code_keeps_only_its_years(pub):
    assert years_of(pub, "E10000021")[1] == 2021  # Northamptonshire: nothing after 2021
    for code in ("E06000061", "E06000062"):  # North and West Northamptonshire: from 2022 (year to March 2022)
        assert years_of(pub, code)[0] == 2022
    assert years_of(pub, "E10000006")[1] == 2023  # Cumbria
    for code in ("E06000063", "E06000064"):
        assert years_of(pub, code)[0] == 2024
    for code in ("E06000028", "E06000029", "E10000009"):  # Bournemouth, Poole, old Dorset
        assert years_of(pub, code)[1] == 2019
    for code in ("E06000058", "E06000059"):
        assert years_of(pub, code)[0] == 2020
    # same area, new code: LAIT gives Buckinghamshire as E06000060 for 2016-2020 and North Yorkshire as
    # E10000023 for 2024-2025; each is kept under the code in use that year
    assert years_of(pub, "E10000002")[1] == 2020 and years_of(pub, "E06000060")[0] == 2021
    assert years_of(pub, "E10000023")[1] == 2023 and years_of(pub, "E06000065")[0] == 2024
    # the Dorset population "x" rows of Bournemouth, Poole and old Dorset stay missing, never summed
    assert math.isnan(value(pub, "E10000009", "population_0_17", 2019))


def test_current_las(pub):
    las = current_las(pub, through=2025).set_index("la_code")
    assert len(las) == 153
    assert "E10000021" not in las.index and "E10000006" not in las.index
    assert las.at["E06000061", "first_year"] == 2022 and las.at["E06000061", "previous_codes"] == ""
    assert "Northamptonshire (E10000021)" in las.at["E06000061", "note"]
    assert las.at["E06000063", "first_year"] == 2024
    assert las.at["E06000065", "first_year"] == 2010 and las.at["E06000065", "previous_codes"] == "E10000023"
    assert las.at["E08000025", "note"] == "" and las.at["E08000025", "first_year"] == 2010
    old = current_las(pub, through=2021).set_index("la_code")
    assert "E10000021" in old.index and "E06000061" not in old.index
    with pytest.raises(CscDemandError, match="no local authority in 1990"):
        current_las(pub, through=1990)


def test_series_continue_across_a_new_code_only(pub):
    bucks = dfe_series(pub, "cla_at_31_march", "E06000060")
    # combined "2010,LA,825,E10000002,Buckinghamshire,346"; LAIT 2025 E06000060 522
    assert bucks[2010] == 346 and bucks[2025] == 522 and list(bucks.index) == list(range(2010, 2026))
    north = dfe_series(pub, "cla_at_31_march", "E06000061")
    assert north.index.min() == 2022  # never joined to Northamptonshire
    with pytest.raises(CscDemandError, match="not in the DfE"):
        dfe_series(pub, "referrals", "E99999999")
    with pytest.raises(CscDemandError, match="not one of the DfE measures"):
        dfe_series(pub, "referals", "E92000001")


@pytest.mark.skipif(not SHARED_DFE.is_dir(), reason="the DfE files are not at ../shared/data/dfe")
def test_bundled_copy_equals_reading_the_folder(pub):
    fresh = read_dfe(SHARED_DFE)
    pd.testing.assert_frame_equal(fresh.table, pub.table)
    assert [(p.kind, p.file, p.message) for p in fresh.notes] == [(p.kind, p.file, p.message) for p in pub.notes]
    assert not [p for p in fresh.notes if p.severity == "warning"]


# --- a folder of files -----------------------------------------------------------------------------------------

EES = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
       "old_la_code,new_la_code,la_name")


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def c1_text() -> str:
    rows = [
        "2025,Reporting year,National,E92000001,England,,,,,,Total,\"1,234\"",
        "2025,Reporting year,National,E92000001,England,,,,,,Boys,600",
        "2025,Reporting year,Regional,E92000001,England,E12000004,East Midlands,,,,Total,500",
        "2025,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,940,E06000061,"
        "North Northamptonshire,Total,300",
        "2024,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,940,E06000061,"
        "North Northamptonshire,Total,low",
        "2021,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,940,E06000061,"
        "North Northamptonshire,Total,z",
        "2021,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,928,E10000021,"
        "Northamptonshire,Total,250",
        "2022,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,928,E10000021,"
        "Northamptonshire,Total,x",
        "2025,Reporting year,Local authority district,E92000001,England,E12000004,East Midlands,,E07000150,"
        "Corby,Total,20",
    ]
    return f"{EES},characteristic,referral_count\n" + "\n".join(rows) + "\n"


def test_folder_reads_totals_symbols_and_separators(tmp_path):
    write(tmp_path, "c1_referrals_2013_to_2026.csv", c1_text())
    pub = read_dfe(tmp_path)
    t = pub.table.set_index(["la_code", "year"])["value"]
    assert t[("E92000001", 2025)] == 1234  # "1,234"; the Boys row is a breakdown
    assert t[("E12000004", 2025)] == 500
    assert t[("E06000061", 2025)] == 300
    assert math.isnan(t[("E06000061", 2024)])  # "low"
    assert t[("E10000021", 2021)] == 250
    assert ("E06000061", 2021) not in t.index and ("E10000021", 2022) not in t.index  # did not exist then
    assert len(t) == 5 and set(pub.table["measure"]) == {"referrals"}
    kinds = {p.kind: p.message for p in pub.notes}
    assert "1 rows are breakdowns by 'characteristic'" in kinds["breakdown_rows"]
    assert "1 rows for other geographic levels (Local authority district)" in kinds["other_geography"]
    gone = [p.message for p in pub.notes if p.kind == "not_in_existence"]
    assert len(gone) == 1 and "2 rows for E06000061, E10000021" in gone[0] and "none held a figure" in gone[0]
    assert pub.table.loc[pub.table["la_code"] == "E06000061", "region"].iloc[0] == "East Midlands"


def test_one_broken_file_does_not_stop_the_others(tmp_path):
    write(tmp_path, "c1.csv", c1_text())
    broken = (f"{EES},category,CPP_start\n"
              "2025,Reporting year,National,E92000001,England,,,,,,Plans,61840\n"
              "2025,Reporting year,Local authority,E92000001,England,E12000004,East Midlands,940,E06000061,"
              "North Northamptonshire,Plans,seventy\n")
    write(tmp_path, "d3_cpps.csv", broken)
    write(tmp_path, "d5_no_codes.csv", "time_period,geographic_level,la_name,region_name,CPP_At31\n2025,National,,,5\n")
    write(tmp_path, "notes.csv", "foo,bar\n1,2\n")
    write(tmp_path, "download.xlsx", "not really a workbook")
    write(tmp_path, "b1_by_sex.csv", f"{EES},sex,At31_episodes\n"
          "2025,Reporting year,National,E92000001,England,,,,,,Boys,200000\n"
          "2025,Reporting year,National,E92000001,England,,,,,,Girls,190000\n")
    pub = read_dfe(tmp_path)
    assert set(pub.table["measure"]) == {"referrals", "cp_starts"}  # never Boys + Girls as children in need
    assert value(pub, "E92000001", "cp_starts", 2025) == 61840
    assert not ((pub.table["la_code"] == "E06000061") & (pub.table["measure"] == "cp_starts")).any()
    warnings = {(p.kind, p.file, p.column): p.message for p in pub.notes if p.severity == "warning"}
    assert "1 rows have neither a count" in warnings[("bad_value", "d3_cpps.csv", "cpp_start")]
    assert "first at row 3" in warnings[("bad_value", "d3_cpps.csv", "cpp_start")]
    assert [p.row for p in pub.notes if p.kind == "bad_value"] == [3]
    assert "no column 'new_la_code'" in warnings[("bad_file", "d5_no_codes.csv", "new_la_code")]
    assert "no total rows (values: Boys, Girls)" in warnings[("bad_file", "b1_by_sex.csv", "sex")]
    assert ("unrecognised_file", "notes.csv", None) in warnings
    assert ("not_csv", "download.xlsx", None) in warnings


def test_folder_with_nothing_usable(tmp_path):
    with pytest.raises(CscDemandError, match="was not found"):
        read_dfe(tmp_path / "missing")
    write(tmp_path, "notes.csv", "foo,bar\n1,2\n")
    with pytest.raises(CscDemandError, match="No figure could be read"):
        read_dfe(tmp_path)


def test_children_looked_after_files_together(tmp_path):
    # the first-published file: regions by name (Inner London is coded as London there), a re-coded
    # Buckinghamshire, and 2019 also given by the LAIT (preferred)
    write(tmp_path, "cla_combined.csv",
          "year,level,old_la_code,new_la_code,la_name,cla_at_31_march,cla_started,cla_ceased,"
          "pop_0_17_used_by_dfe,source\n"
          "2015,NATIONAL,999,E92000001,ENGLAND,69540,31070,31100,,s\n"
          "2015,REGION,H,E12000007,INNER LONDON,4220,2000,1900,,s\n"
          "2019,LA,825,E06000060,Buckinghamshire,514,209,171,,s\n"
          "2019,LA,201,E09000001,City of London,20,28,18,,s\n")
    write(tmp_path, "lait.csv",
          "measure_short,measure,year,area_name,old_la_code,new_la_code,region,value\n"
          "LACnum,Number,2019,City of London,201,E09000001,Inner London,21\n"
          "LACnum,Number,2019,London (Inner),987,,NA,4230\n"
          "LACnum,,2024,North Yorkshire,815,E10000023,Yorkshire and The Humber,501\n"
          "LACnum,,2024,\"Kingston upon Thames / Richmond upon Thames\",314,E09000021 / E09000027,Outer London,240\n"
          "Work_Force_NoSW,,2024,North Yorkshire,815,E10000023,Yorkshire and The Humber,311.4\n")
    write(tmp_path, "ons.csv", f"{EES},age_group,population_estimate\n"
          "2023,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,815,E06000065,"
          "North Yorkshire,Children aged 0 to 17 years,\"120,000\"\n")
    pub = read_dfe(tmp_path)
    assert value(pub, "E92000001", "cla_at_31_march", 2015) == 69540
    assert value(pub, "E13000001", "cla_starts", 2015) == 2000  # Inner London, found by name
    assert value(pub, "E13000001", "cla_at_31_march", 2019) == 4230  # "London (Inner)" in the LAIT
    assert value(pub, "E10000002", "cla_at_31_march", 2019) == 514  # E06000060 before 2021 is E10000002
    assert value(pub, "E09000001", "cla_at_31_march", 2019) == 21  # LAIT preferred to the 20 first published
    assert value(pub, "E09000001", "cla_starts", 2019) == 28  # the LAIT does not give it: first published
    assert value(pub, "E06000065", "cla_at_31_march", 2024) == 501  # LAIT's E10000023 in 2024 is E06000065
    assert value(pub, "E06000065", "population_0_17", 2024) == 120000  # mid-2023 is 2024
    rate = dfe_rate_per_10k(pub, "cla_at_31_march", "E06000065")
    assert rate[2024] == pytest.approx(501 / 120000 * 10_000)
    assert not pub.table["la_code"].str.contains("/").any()
    kinds = [p.kind for p in pub.notes]
    assert "joint_return" in kinds and kinds.count("recoded") == 2
    superseded = [p.message for p in pub.notes if p.kind == "superseded"]
    assert len(superseded) == 1 and "1 figures" in superseded[0] and "1 of them differ" in superseded[0]
    other = [p.message for p in pub.notes if p.kind == "other_measures"]
    assert len(other) == 1 and "1 rows of other measures" in other[0] and "Work_Force_NoSW" in other[0]


def test_same_area_follows_changes_of_code_both_ways_never_a_merger_or_split():
    from csc_demand.io.dfe import same_area

    assert same_area("E10000002") == same_area("E06000060") == {"E10000002", "E06000060"}   # Buckinghamshire
    assert same_area("E06000058") == {"E06000058"}      # Bournemouth, Christchurch and Poole: a merger
    assert same_area("E10000021") == {"E10000021"}      # Northamptonshire: a split
    assert same_area("E10000016") == {"E10000016"}      # Kent: never changed
