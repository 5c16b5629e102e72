"""Extract dates, merging extracts, pseudonymisation, the blank template, pasted text and impossible
values, on tiny hand-computed fixtures."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest
import xlsxwriter
from io_fixtures import SheetWriter, blank_template, make_lists, messy_workbook

from csc_demand.errors import CscDemandError
from csc_demand.io import load_or_create_key, read_annex_a, read_pasted, validation_summary
from csc_demand.io.extract_date import date_from_name, latest_event, parse_user_date
from csc_demand.tables import CP_PLANS, LOOKED_AFTER, REFERRALS

KEY = b"r" * 32
T = pd.Timestamp


def workbook(path, sheets: dict[str, list[list[object]]]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        s = SheetWriter(wb, name)
        for r in rows:
            s.write(r)
    wb.close()


def ref_row(child, date, source="e) 2A: Schools", dob="01/02/2015", age=5):
    return [child, "b) Female", "", dob, age, date, source, "b) No", 1, "", ""]


def cp_row(child, start, end=""):
    return [child, "b) Female", "", "01/02/2015", 5, "", start, "a) Neglect", "a) Neglect", "", "", "", end, "", 0,
            "", ""]


def la_row(child, start, end="", legal="C2", placement="U4"):
    row = [""] * len(LOOKED_AFTER.headers)
    row[0], row[7], row[11], row[19], row[22] = child, start, legal, end, placement
    return row


# --- extract dates ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("annex_a_2020-12-31.xlsx", "2020-12-31"), ("AnnexA 20201231.xlsx", "2020-12-31"),
    ("Annex A 31-12-2020.xlsx", "2020-12-31"), ("Annex A 31.12.2020.xlsx", "2020-12-31"),
    ("Annex A Dec 2020.xlsx", "2020-12-31"), ("Annex A December 2020.xlsx", "2020-12-31"),
    ("annex a february-2021.xlsx", "2021-02-28"), ("annex_a_30_June_2020.xlsx", "2020-06-30"),
    ("annex_a.xlsx", None), ("list 3.csv", None), ("v2 123456.xlsx", None),
])
def test_date_from_name(name, expected):
    got = date_from_name(name)
    assert (got is None and expected is None) or got == T(expected)


def test_user_date_parsing():
    assert parse_user_date("2020-12-31") == T("2020-12-31")
    assert parse_user_date("31/12/2020") == T("2020-12-31")
    with pytest.raises(CscDemandError, match="YYYY-MM-DD"):
        parse_user_date("last tuesday")


def test_latest_event_ignores_dates_after_today():
    s = pd.Series([T("2020-11-03"), T("2099-01-01"), pd.NaT], dtype="datetime64[ns]")
    assert latest_event([s], today=T("2021-01-01")) == T("2020-11-03")
    assert latest_event([s[2:]], today=T("2021-01-01")) is None


def test_extract_date_precedence(tmp_path):
    sheets = {"List_3": [REFERRALS.headers, ref_row(1, "03/11/2020"), ref_row(2, "01/01/2099")],
              "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020", "12/11/2020")],
              "List_8": [LOOKED_AFTER.headers, la_row(2, "01/06/2020")]}
    workbook(tmp_path / "annex.xlsx", sheets)
    workbook(tmp_path / "annex_2020-11-30.xlsx", sheets)
    a = read_annex_a(tmp_path / "annex.xlsx", key=KEY)
    assert (a.extract_date, a.extract_date_source) == (T("2020-11-12"), "latest event")  # 2099 typo ignored
    assert a.extracts[0].window_start == T("2020-05-12")
    after = [p for p in a.quality.problems if p.kind == "after_extract_date"]
    assert len(after) == 1 and after[0].row == 3 and after[0].sheet == "List_3"
    b = read_annex_a(tmp_path / "annex_2020-11-30.xlsx", key=KEY)
    assert (b.extract_date, b.extract_date_source) == (T("2020-11-30"), "file name")
    c = read_annex_a(tmp_path / "annex_2020-11-30.xlsx", extract_date="2020-12-31", key=KEY)
    assert (c.extract_date, c.extract_date_source) == (T("2020-12-31"), "user")


def test_one_user_date_for_several_files_warns(tmp_path):
    for d in ("2020-06-30", "2020-12-31"):
        workbook(tmp_path / f"annex_{d}.xlsx", {"L3": [REFERRALS.headers, ref_row(1, "03/09/2020")]})
    a = read_annex_a(sorted(tmp_path.iterdir()), extract_date="2020-12-31", key=KEY)
    assert len(a.extracts) == 1 and a.extract_date_source == "user"
    assert any(p.kind == "one_extract_date_for_several_files" for p in a.quality.problems)
    # the two files are one extract: the identical row is an exact duplicate
    assert len(a.referrals) == 1 and a.quality.rows_not_used == 1


# --- merging extracts ---------------------------------------------------------------------------------------

def test_plan_superseded_by_a_later_plan_is_closed(tmp_path):
    june = {"List_3": [REFERRALS.headers, ref_row(1, "03/06/2020")],
            "List_7": [CP_PLANS.headers, cp_row(1, "01/02/2020")],
            "List_8": [LOOKED_AFTER.headers, la_row(3, "01/04/2020")]}
    dec = {"List_3": [REFERRALS.headers, ref_row(1, "03/09/2020")],
           "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020")],
           "List_8": [LOOKED_AFTER.headers, la_row(3, "01/04/2020")]}
    workbook(tmp_path / "annex_a_2020-06-30.xlsx", june)
    workbook(tmp_path / "annex_a_2020-12-31.xlsx", dec)
    a = read_annex_a(tmp_path, key=KEY)
    cp = a.cp_plans.sort_values("start_date")
    assert cp["end_date"].tolist()[0] == T("2020-10-01") and pd.isna(cp["end_date"].tolist()[1])
    assert validation_summary(a)["lists"]["cp_plans"]["open_at_extract"] == 1
    assert [p.kind for p in a.quality.problems if p.kind.startswith(("closed_by", "ended_between"))] == [
        "closed_by_later_spell"]


def test_several_extracts_merged_newest_wins(tmp_path):
    # 30/06/2020 is in both extracts' windows (a referral is read only inside its own extract's window)
    june = {"List_3": [REFERRALS.headers, ref_row(1, "03/01/2020"), ref_row(2, "30/06/2020"),
                       ref_row(3, "30/06/2020")],
            "List_7": [CP_PLANS.headers, cp_row(1, "01/02/2020"), cp_row(2, "01/03/2020")],
            "List_8": [LOOKED_AFTER.headers, la_row(3, "01/04/2020")]}
    dec = {"List_3": [REFERRALS.headers, ref_row(2, "30/06/2020", source="q) 6: Police"),
                      ref_row(3, "30/06/2020"), ref_row(4, "01/12/2020")],
           "List_7": [CP_PLANS.headers, cp_row(1, "01/02/2020", "15/09/2020"), cp_row(4, "02/12/2020")],
           "List_8": [LOOKED_AFTER.headers, la_row(3, "01/04/2020", "20/11/2020", placement="K2")]}
    workbook(tmp_path / "annex_a_2020-06-30.xlsx", june)
    workbook(tmp_path / "annex_a_2020-12-31.xlsx", dec)
    a = read_annex_a(tmp_path, key=KEY)
    assert [e.extract_date for e in a.extracts] == [T("2020-06-30"), T("2020-12-31")]
    assert a.extract_date == T("2020-12-31")
    s = validation_summary(a)
    # referrals: child 2's source differs, so (child, date, source) differs → both kept; child 3 replaced
    assert s["lists"]["referrals"]["rows"] == 5 and s["lists"]["referrals"]["rows_replaced"] == 1
    assert s["lists"]["referrals"]["rows_read"] == 6
    cp = a.cp_plans.sort_values("start_date")
    assert len(cp) == 3 and s["lists"]["cp_plans"]["rows_replaced"] == 1
    assert cp["end_date"].iloc[0] == T("2020-09-15")  # the newer extract's end date won
    assert cp["extract_date"].tolist() == [T("2020-12-31"), T("2020-06-30"), T("2020-12-31")]
    # child 2's plan was open in June but is missing from December: it ended in between (midpoint)
    assert s["lists"]["cp_plans"]["open_at_extract"] == 1
    assert cp["end_date"].iloc[1] == T("2020-09-30")
    assert any(p.kind == "ended_between_extracts" for p in a.quality.problems)
    la = a.looked_after
    assert len(la) == 1 and la["placement_group"].iloc[0] == "Residential"
    assert s["lists"]["looked_after"]["open_at_extract"] == 0
    assert s["rows_not_used"] == 0


# --- pseudonymisation ----------------------------------------------------------------------------------

def test_same_child_same_pseudonym_across_lists_and_forms(tmp_path):
    sheets = {"List_3": [REFERRALS.headers, ref_row("00123", "03/11/2020"), ref_row(123.0, "04/11/2020")],
              "List_7": [CP_PLANS.headers, cp_row("123", "01/12/2020")],
              "List_8": [LOOKED_AFTER.headers, la_row(" 123.0 ", "01/12/2020"), la_row(124, "01/12/2020")]}
    workbook(tmp_path / "a_2020-12-31.xlsx", sheets)
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    ids = set(a.referrals["child_id"]) | set(a.cp_plans["child_id"]) | set(a.looked_after["child_id"])
    assert len(ids) == 2
    assert a.referrals["child_id"].nunique() == 1
    b = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=b"another key, another pseudonym!!")
    assert set(b.referrals["child_id"]).isdisjoint(set(a.referrals["child_id"]))


def test_key_file_created_once_with_private_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("CSC_DEMAND_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CSC_DEMAND_KEY_FILE", raising=False)
    k1 = load_or_create_key()
    k2 = load_or_create_key()
    path = tmp_path / "home" / "pseudonym.key"
    assert k1 == k2 and len(k1) == 32 and path.read_bytes() == k1
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setenv("CSC_DEMAND_KEY_FILE", str(tmp_path / "other.key"))
    assert load_or_create_key() != k1
    assert load_or_create_key(tmp_path / "home" / "pseudonym.key") == k1


# --- the blank template, pasted text, impossible values -------------------------------------------------

def test_blank_ofsted_template_reads_with_zero_rows(tmp_path):
    blank_template(tmp_path / "Annex_A_template.xlsx")
    a = read_annex_a(tmp_path / "Annex_A_template.xlsx", key=KEY)
    s = validation_summary(a)
    assert s["ok"] is True
    assert set(s["lists"]) == {"contacts", "referrals", "assessments", "s47", "children_in_need", "cp_plans",
                               "looked_after"}
    assert all(e["rows"] == 0 and e["rows_not_used"] == 0 for e in s["lists"].values())
    kinds = [p["kind"] for p in s["problems"]]
    assert kinds.count("list_not_needed") == 4 and kinds.count("no_list_found") == 1
    assert s["sources"]["referrals"] == ["Annex_A_template.xlsx › List_3 (headers in row 2)"]
    assert a.referrals["referral_date"].dtype == "datetime64[ns]"


def test_pasted_text():
    ref = "\t".join(REFERRALS.headers) + "\n" + "\n".join(
        "\t".join(str(v) for v in ref_row(c, d)) for c, d in [(1, "03/11/2020"), (2, "2020-11-04"), (2, "44139")])
    cp = "\t".join(CP_PLANS.headers[:8]) + "\n" + "\t".join(str(v) for v in cp_row(1, "01/12/2020")[:8])
    a = read_pasted({"List 3": ref, "my CP list": cp}, key=KEY)
    assert sorted(a.referrals["referral_date"]) == [T("2020-11-03"), T("2020-11-04"), T("2020-11-04")]
    assert a.extract_date == T("2020-12-01") and a.extract_date_source == "latest event"
    s = validation_summary(a)
    assert s["ok"] is False and s["missing_lists"] == ["looked_after"]
    err = [p for p in s["problems"] if p["kind"] == "list_not_found" and p["severity"] == "error"]
    assert len(err) == 1 and "Date Started to be Looked After" in err[0]["message"]
    assert s["sources"]["cp_plans"] == ["pasted text › my CP list (headers in row 1)"]


def test_impossible_values_are_located_warnings_and_rows_kept(tmp_path):
    sheets = {"List_3": [["List 3: Referral"], REFERRALS.headers,
                         ref_row(1, "03/11/2020", dob="01/09/2021", age=5),     # born 10 months after
                         ref_row(2, "03/11/2020", dob="01/02/2021", age=-1),    # unborn: fine
                         ref_row(3, "03/11/2020", age=31)],                      # age out of range
              "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020", "01/09/2020")],   # ends before it starts
              "List_8": [LOOKED_AFTER.headers, la_row(2, "01/10/2020", legal="V4"),
                         la_row(3, "01/10/2020", legal="c2")]}
    workbook(tmp_path / "a_2020-12-31.xlsx", sheets)
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    by_kind = {p.kind: p for p in a.quality.problems}
    assert (by_kind["birth_after_event"].sheet, by_kind["birth_after_event"].row) == ("List_3", 3)
    assert by_kind["birth_after_event"].column == "Date of Birth"
    assert by_kind["age_out_of_range"].row == 5
    assert (by_kind["end_before_start"].sheet, by_kind["end_before_start"].row) == ("List_7", 2)
    assert by_kind["short_break"].row == 2 and by_kind["short_break"].row_not_used
    assert len(a.referrals) == 3 and len(a.cp_plans) == 1 and len(a.looked_after) == 1
    assert a.looked_after["legal_status"].tolist() == ["C2"]
    assert a.referrals["birth_month"].tolist()[:2] == [T("2021-09-01"), T("2021-02-01")]
    la_birth = [p for p in a.quality.problems if p.kind == "birth_after_event" and p.sheet == "List_8"]
    assert la_birth == []
    # messages never quote a date
    assert not any("2021" in p.message or "/02/" in p.message for p in a.quality.problems)


def test_missing_required_column_and_missing_list(tmp_path):
    headers = [h for h in REFERRALS.headers if h != "Date of referral"]
    workbook(tmp_path / "a.xlsx", {"List_3": [headers, [1, "b) Female"]],
                                   "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020")]})
    a = read_annex_a(tmp_path / "a.xlsx", key=KEY)
    assert "referrals" not in a.tables and "looked_after" not in a.tables
    s = validation_summary(a)
    assert s["missing_lists"] == ["referrals", "looked_after"] and s["ok"] is False
    req = [p for p in a.quality.problems if p.kind == "missing_required_column"]
    assert len(req) == 1 and "Date of referral" in req[0].message and req[0].sheet == "List_3"


def test_messy_workbook_summary_is_stable(tmp_path):
    lists = make_lists(seed=11)
    messy_workbook(tmp_path / "annex_a_2020-12-31.xlsx", lists)
    s1 = validation_summary(read_annex_a(tmp_path / "annex_a_2020-12-31.xlsx", key=KEY))
    s2 = validation_summary(read_annex_a(tmp_path / "annex_a_2020-12-31.xlsx", key=KEY))
    assert s1 == s2


def test_unborn_child_cannot_start_care_before_birth(tmp_path):
    row = la_row(9, "01/10/2020")
    row[3], row[4] = "05/11/2020", 0
    workbook(tmp_path / "a_2020-12-31.xlsx", {"List_8": [LOOKED_AFTER.headers, row]})
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    birth = [p for p in a.quality.problems if p.kind == "birth_after_event"]
    assert len(birth) == 1 and birth[0].row == 2 and len(a.looked_after) == 1


def test_csv_semicolons_windows_encoding_and_typos(tmp_path):
    folder = tmp_path / "Annex A Dec 2020"
    folder.mkdir()
    text = ("Child Unique ID;Gender;Date of Referal;Referral Source;Referral NFA?\r\n"
            "123;b) Female;03/11/2020;e) 2A: Schools;b) No\r\n"
            "124;a) Male;04/11/2020;Police;a) Yes\r\n")
    (folder / "list 3 – référrals.csv").write_bytes(text.encode("cp1252"))
    cp = "Child ID,CP Plan Start Date,CP Plan End Date\n123,01/12/2020,\n"
    (folder / "L7.csv").write_text(cp)
    la = "Child ID\tDate Started to be Looked After\tChild’s Legal Status\n124\t2020-12-01\tC2\n"
    (folder / "L8.tsv").write_bytes(la.encode("utf-8-sig"))
    a = read_annex_a(folder, key=KEY)
    assert a.extract_date == T("2020-12-31") and a.extract_date_source == "file name"
    assert a.referrals["referral_date"].tolist() == [T("2020-11-03"), T("2020-11-04")]
    assert a.referrals["source_group"].tolist() == ["Schools", "Police"]
    assert a.referrals["nfa"].tolist() == [False, True]
    assert len(a.cp_plans) == 1 and a.looked_after["legal_status"].tolist() == ["C2"]
    assert validation_summary(a)["lists"]["cp_plans"]["open_at_extract"] == 1


def test_rows_of_spaces_are_blank(tmp_path):
    workbook(tmp_path / "a_2020-12-31.xlsx", {"List_3": [REFERRALS.headers, ref_row(1, "03/11/2020"),
                                                           ["  ", "", " "], ref_row(2, "04/11/2020")]})
    s = validation_summary(read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY))
    assert s["lists"]["referrals"]["rows_read"] == 2 and s["rows_not_used"] == 0


def test_ids_in_scientific_notation_are_warned(tmp_path):
    workbook(tmp_path / "a_2020-12-31.xlsx", {"List_3": [REFERRALS.headers, ref_row("1.23457E+11", "03/11/2020"),
                                                           ref_row("1.23457E+11", "04/11/2020"),
                                                           ref_row("123", "04/11/2020")]})
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    sci = [p for p in a.quality.problems if p.kind == "id_in_scientific_notation"]
    assert len(sci) == 1 and sci[0].row == 2 and "rows: 2, 3" in sci[0].message
    assert "1.23457" not in sci[0].message and len(a.referrals) == 3


def test_undated_workbooks_one_per_list_are_one_extract(tmp_path):
    workbook(tmp_path / "referrals.xlsx", {"Referrals": [REFERRALS.headers, ref_row(1, "30/12/2020")]})
    workbook(tmp_path / "cp.xlsx", {"CP": [CP_PLANS.headers, cp_row(1, "01/12/2020")]})
    workbook(tmp_path / "cla.xlsx", {"CLA": [LOOKED_AFTER.headers, la_row(1, "18/12/2020")]})
    a = read_annex_a(sorted(tmp_path.iterdir()), key=KEY)
    assert len(a.extracts) == 1 and a.extract_date == T("2020-12-30")
    assert set(a.cp_plans["extract_date"]) == {T("2020-12-30")}
    # the same list in two undated workbooks: two extracts, newest wins
    workbook(tmp_path / "referrals_old.xlsx", {"Referrals": [REFERRALS.headers, ref_row(1, "30/06/2020")]})
    b = read_annex_a(sorted(tmp_path.iterdir()), key=KEY)
    assert [e.extract_date for e in b.extracts][-1] == T("2020-12-30") and len(b.extracts) == 4


def test_unknown_code_values_are_shown_only_when_they_look_like_codes(tmp_path):
    rows = [LOOKED_AFTER.headers, la_row(1, "01/10/2020", placement="XX"),
            la_row(2, "01/10/2020", placement="ZZ9 9ZQ"), la_row(3, "01/10/2020", placement="Zebedee Quuxworth"),
            la_row(4, "01/10/2020", placement="a) Q9: Some label")]
    workbook(tmp_path / "a_2020-12-31.xlsx", {"List_8": rows})
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    msgs = sorted(p.message for p in a.quality.problems if p.kind == "unknown_code")
    assert len(msgs) == 3
    assert any("'XX' (row 2)" in m for m in msgs) and any("'Q9' (row 5)" in m for m in msgs)
    assert any("not shown" in m and "2 rows: 3, 4" in m for m in msgs)
    assert not any("ZZ9" in m or "Zebedee" in m for m in msgs)
    assert a.looked_after["placement_group"].tolist() == ["Unknown"] * 4


def test_same_file_given_twice_is_read_once(tmp_path):
    workbook(tmp_path / "a.xlsx", {"List_3": [REFERRALS.headers, ref_row(1, "03/11/2020")]})
    a = read_annex_a([tmp_path / "a.xlsx", tmp_path / "a.xlsx", tmp_path], key=KEY)
    assert len(a.referrals) == 1 and a.quality.rows_read["referrals"] == 1 and len(a.extracts) == 1


def test_us_order_dates_are_explained_and_not_reinterpreted(tmp_path):
    sheets = {"List_3": [REFERRALS.headers, ref_row(1, "11/13/2020"), ref_row(2, "11/14/2020"),
                         ref_row(3, "03/11/2020"), ref_row(4, "nonsense date"),
                         ref_row(5, "04/11/2020", dob="12/25/2015")]}
    workbook(tmp_path / "a_2020-12-31.xlsx", sheets)
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    # nothing swapped: the two month-first dates are not used, 03/11/2020 is 3 November as Annex A says
    assert a.referrals["referral_date"].tolist() == [T("2020-11-03"), T("2020-11-04")]
    assert a.referrals["birth_month"].isna().tolist() == [False, True]
    unreadable = {p.row: p.message for p in a.quality.problems if p.kind == "unreadable_date"}
    assert sorted(unreadable) == [2, 3, 5]
    for r in (2, 3):
        assert "US date (month/day/year)" in unreadable[r] and "day/month/year" in unreadable[r]
    assert "US" not in unreadable[5]
    us = sorted((p for p in a.quality.problems if p.kind == "us_date_order"), key=lambda p: p.row)
    assert [(p.column, p.row) for p in us] == [("Date of referral", 2), ("Date of Birth", 6)]
    assert "(2 rows: 2, 3)" in us[0].message and "(row 6)" in us[1].message
    assert all("day/month/year" in p.message and "Fix the export" in p.message for p in us)
    dob = [p for p in a.quality.problems if p.kind == "bad_date"]
    assert len(dob) == 1 and "US date" in dob[0].message and dob[0].row == 6
    assert not any(s in p.message for p in a.quality.problems for s in ("/13/", "/14/", "12/25", "2015"))
    assert validation_summary(a)["rows_not_used"] == 3


def test_ssda903_short_headers_in_an_la_sheet_are_read_as_903_episodes(tmp_path):
    # a sheet with the 903 episode columns is read as SSDA903 episodes, never as List 8
    headers = ["CHILD", "SEX", "DOB", "DECOM", "LS", "PLACE", "DEC", "REC"]
    rows = [headers, ["A1", "2", "15/03/2012", "01/10/2020", "C2", "U4", "", ""],
            ["A2", "1", "02/07/2009", "01/02/2019", "E1", "K2", "30/11/2020", "E4A"]]
    workbook(tmp_path / "a_2020-12-31.xlsx", {"903 extract": rows})
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    assert "looked_after" not in a.tables and a.ssda903 is not None
    assert any(p.kind == "ssda903_only" and p.severity == "error" for p in a.quality.problems)
    la = a.ssda903.periods.sort_values("start_date", ascending=False, ignore_index=True)
    assert la["gender"].tolist() == ["female", "male"]
    assert la["birth_month"].tolist() == [T("2012-03-01"), T("2009-07-01")]
    assert la["start_date"].tolist() == [T("2020-10-01"), T("2019-02-01")]
    assert la["legal_status"].tolist() == ["C2", "E1"] and la["placement_type"].tolist() == ["U4", "K2"]
    assert la["end_date"].isna().tolist() == [True, False] and la["end_date"][1] == T("2020-11-30")
    assert la["reason_ceased"].tolist()[1] == "E4A" and la["placement_group"].tolist() == ["Fostering",
                                                                                           "Residential"]
    assert validation_summary(a)["ssda903"]["open_at_extract"] == 1
    assert not [p for p in a.quality.problems if p.kind in ("extra_column", "unknown_code", "bad_date")]


def test_a_repeated_run_together_header_row_is_a_filter_row_not_a_bad_date():
    text = ("ChildID\tReferralDate\tReferralSource\n"
            "101\t03/11/2020\tq) 6: Police\n"
            "ChildID\tReferralDate\tReferralSource\n"
            "102\t04/11/2020\te) 2A: Schools\n")
    a = read_pasted({"List 3": text}, extract_date="2020-12-31", key=KEY)
    kinds = [p.kind for p in a.quality.problems if p.row_not_used]
    assert len(a.referrals) == 2 and kinds == ["repeated_header"]


def test_placeholder_and_impossible_dates_never_drop_a_list(tmp_path):
    # 31/12/9999 is the usual "no end date" placeholder; 01/01/0001 an impossible date
    sheets = {"List_3": [REFERRALS.headers, ref_row(1, "03/11/2020"), ref_row(2, "04/11/2020", dob="01/01/0001"),
                         ref_row(3, "31/12/9999"), ref_row(4, "01/01/0001")],
              "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020", "31/12/9999"), cp_row(2, "01/10/2020", ""),
                         cp_row(3, "01/09/2020", "9999-12-31"), cp_row(4, "0001-01-01", "")],
              "List_8": [LOOKED_AFTER.headers, la_row(2, "01/10/2020", "31/12/9999"),
                         la_row(3, "01/10/2020", "15/11/2020")]}
    workbook(tmp_path / "a_2020-12-31.xlsx", sheets)
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    assert not [p for p in a.quality.problems if p.kind in ("sheet_unreadable", "list_not_found")
                and p.severity != "info"]
    # far-future end dates: open, with a note naming the rows
    assert a.cp_plans["end_date"].isna().tolist() == [True, True, True]
    assert a.looked_after["end_date"].isna().tolist() == [True, False]
    notes = {(p.sheet, p.column): p for p in a.quality.problems if p.kind == "open_end_date"}
    assert set(notes) == {("List_7", "Child Protection Plan End Date"), ("List_8", "Date Ceased to be Looked After")}
    assert "(2 rows: 2, 4)" in notes["List_7", "Child Protection Plan End Date"].message
    assert "(row 2)" in notes["List_8", "Date Ceased to be Looked After"].message
    assert all(p.severity == "info" and "open" in p.message and not p.row_not_used for p in notes.values())
    # impossible main dates: the row is not used, explained per row; other columns left blank, rows kept
    not_used = {(p.sheet, p.row): p.message for p in a.quality.problems if p.row_not_used}
    assert set(not_used) == {("List_3", 4), ("List_3", 5), ("List_7", 5)}
    assert "after 2100" in not_used["List_3", 4] and "before 1900" in not_used["List_3", 5]
    assert "before 1900" in not_used["List_7", 5]
    assert len(a.referrals) == 2 and a.referrals["birth_month"].isna().tolist() == [False, True]
    dob = [p for p in a.quality.problems if p.kind == "impossible_date"]
    assert len(dob) == 1 and dob[0].row == 3 and dob[0].column == "Date of Birth" and "before 1900" in dob[0].message
    s = validation_summary(a)
    assert s["ok"] and s["rows_not_used"] == 3
    assert not any(t in p.message for p in a.quality.problems for t in ("9999", "0001", "/12/", "/01/"))


def test_a_file_with_no_list_is_skipped_and_never_makes_an_extract(tmp_path):
    sheets = {"List_3": [REFERRALS.headers, ref_row(1, "03/11/2020")],
              "List_7": [CP_PLANS.headers, cp_row(1, "01/10/2020")],
              "List_8": [LOOKED_AFTER.headers, la_row(2, "01/06/2020")]}
    folder = tmp_path / "extracts"
    folder.mkdir()
    workbook(folder / "annex_a_2020-11-30.xlsx", sheets)
    workbook(folder / "annex_a_2020-12-31.xlsx", sheets)
    (folder / "README.txt").write_text("Monthly Annex A extracts.\nAsk the data team before sharing.\n")
    workbook(folder / "notes.xlsx", {"Notes": [["Extracts are taken on the last day of each month."]],
                                     "List_9": [["List 9: Care Leavers"], ["Child Unique ID", "Gender"]]})
    a = read_annex_a(folder, key=KEY)
    assert [e.extract_date for e in a.extracts] == [T("2020-11-30"), T("2020-12-31")]
    assert (a.extract_date, a.extract_date_source) == (T("2020-12-31"), "file name")
    skipped = {p.file: p for p in a.quality.problems if p.kind == "file_skipped"}
    assert set(skipped) == {"README.txt", "notes.xlsx"}
    assert all("skipped" in p.message and p.file in p.message for p in skipped.values())
    assert not [p for p in a.quality.problems if p.kind == "no_extract_date"]
    # undated workbooks (one per list) are still one extract; the README does not join them
    for t, rows in sheets.items():
        workbook(tmp_path / f"{t}.xlsx", {t: rows})
    b = read_annex_a([tmp_path / "List_3.xlsx", tmp_path / "List_7.xlsx", tmp_path / "List_8.xlsx",
                      folder / "README.txt"], key=KEY)
    assert len(b.extracts) == 1 and b.extract_date_source == "latest event" and b.extract_date == T("2020-11-03")
    # nothing but files with no list: one plain error naming them
    with pytest.raises(CscDemandError, match=r"README\.txt.*notes\.xlsx|notes\.xlsx.*README\.txt"):
        read_annex_a([folder / "README.txt", folder / "notes.xlsx"], key=KEY)


def test_latest_of_bulk_leaves_out_a_few_dates_standing_apart():
    from csc_demand.io.extract_date import latest_of_bulk

    bulk = pd.Series(pd.date_range("2020-07-01", "2020-12-31", freq="D"))  # 184 days of events
    today = T("2030-01-01")
    assert latest_of_bulk(bulk, today) == (T("2020-12-31"), 0)
    typo = pd.concat([bulk, pd.Series([T("2021-03-31")])], ignore_index=True)
    assert latest_of_bulk(typo, today) == (T("2020-12-31"), 1)
    two = pd.concat([typo, pd.Series([T("2022-12-31")])], ignore_index=True)
    assert latest_of_bulk(two, today) == (T("2020-12-31"), 2)  # the deepest gap: both typos found
    assert latest_of_bulk(pd.concat([bulk, pd.Series([T("2021-01-06")])]), today) == (T("2021-01-06"), 0)
    assert latest_of_bulk(two, T("2021-01-01")) == (T("2020-12-31"), 0)  # after today: never events
    few = pd.Series([T("2020-11-03"), T("2020-11-04"), T("2020-12-01")])  # too few dates to call one apart
    assert latest_of_bulk(few, today) == (T("2020-12-01"), 0)
    assert latest_of_bulk(pd.Series([], dtype="datetime64[ns]"), today) == (None, 0)


def test_one_mistyped_date_does_not_move_the_inferred_extract_date(tmp_path):
    # One List 7 end date typed 31/03/2021 in a workbook extracted on 31/12/2020 (no date in its name)
    days = pd.date_range("2020-07-01", "2020-12-31", freq="3D")
    refs = [ref_row(i, d.strftime("%d/%m/%Y")) for i, d in enumerate(days, start=1)]
    plans = [cp_row(i, d.strftime("%d/%m/%Y")) for i, d in enumerate(days[::4], start=1)]
    plans[3][12] = "31/03/2021"
    care = [la_row(i, d.strftime("%d/%m/%Y")) for i, d in enumerate(days[::5], start=1)]
    workbook(tmp_path / "annex.xlsx", {"List_3": [REFERRALS.headers, *refs], "List_7": [CP_PLANS.headers, *plans],
                                       "List_8": [LOOKED_AFTER.headers, *care]})
    a = read_annex_a(tmp_path / "annex.xlsx", key=KEY)
    assert (a.extract_date, a.extract_date_source) == (days[-1], "latest event")
    flagged = [p for p in a.quality.problems if p.kind == "extract_date_outliers"]
    assert len(flagged) == 1 and (flagged[0].sheet, flagged[0].row) == ("List_7", 5)
    assert flagged[0].column == "Child Protection Plan End Date" and "(row 5)" in flagged[0].message
    assert "--extract-date" in flagged[0].message and "2021" not in flagged[0].message


def test_referrals_before_the_window_are_said_to_be_not_used(tmp_path):
    # a List 3 exported for a year: the model reads referrals inside the extracts' six-month windows only
    sheets = {"List_3": [REFERRALS.headers, ref_row(1, "15/02/2020"), ref_row(2, "29/06/2020"),
                         ref_row(3, "30/06/2020"), ref_row(4, "03/11/2020")]}
    workbook(tmp_path / "a_2020-12-31.xlsx", sheets)
    a = read_annex_a(tmp_path / "a_2020-12-31.xlsx", key=KEY)
    assert a.referrals["referral_date"].tolist() == [T("2020-06-30"), T("2020-11-03")]  # the window: 30 Jun on
    before = [p for p in a.quality.problems if p.kind == "before_window"]
    assert [(p.sheet, p.row, p.column) for p in before] == [("List_3", 2, "Date of referral"),
                                                            ("List_3", 3, "Date of referral")]
    assert all(p.row_not_used and "30/06/2020" in p.message and "older extracts" in p.message for p in before)
    s = validation_summary(a)
    assert s["lists"]["referrals"]["rows"] == 2 and s["lists"]["referrals"]["rows_not_used"] == 2
    # an older extract whose window holds one of them: read from there
    workbook(tmp_path / "a_2020-06-30.xlsx", {"List_3": [REFERRALS.headers, ref_row(2, "29/06/2020")]})
    b = read_annex_a([tmp_path / "a_2020-06-30.xlsx", tmp_path / "a_2020-12-31.xlsx"], key=KEY)
    assert b.referrals["referral_date"].tolist() == [T("2020-06-29"), T("2020-06-30"), T("2020-11-03")]
