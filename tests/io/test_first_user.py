"""Workbooks laid out the way LA analysts' own exports are (found in acceptance testing), with exact counts."""

from __future__ import annotations

import openpyxl
import pandas as pd

from csc_demand.io import read_annex_a, validation_summary
from csc_demand.tables import CP_PLANS, LOOKED_AFTER, REFERRALS

KEY = b"q" * 32
E = pd.Timestamp("2021-03-31")


def _sheet(wb, name, title, headers, rows):
    """Title merged across the columns in row 1, a merged note in row 2, headers in row 3, an autofilter."""
    ws = wb.create_sheet(name)
    ws["A1"] = title
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A2"] = "OFFICIAL SENSITIVE - extract run 31/03/2021"
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    for j, h in enumerate(headers, 1):
        ws.cell(3, j, h)
    ws.auto_filter.ref = f"A3:D{3 + len(rows)}"
    for r, row in enumerate(rows, 4):
        for j, v in enumerate(row, 1):
            if v is not None and v != "":
                ws.cell(r, j, v)


def test_la_export_headers_in_row_three_lac_headers_text_dates_with_times(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Contents"
    wb.active["A1"] = "Annex A return"
    ref_h = ["Child ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Referral Date", "Referral Source",
             "Referral NFA?", "Allocated Worker"]
    ref = [["0012345", "b) Female", "#N/A", "01/02/2015 00:00", 6, "01/10/2020 00:00", "q) 6: Police", "#N/A", "W"],
           [12345.0, "b) Female", "#N/A", "42036", 6, "44200", "e) 2A: Schools", "b) No", "W"],      # same child
           [777, "a) Male", "#N/A", "", -1, "2021-02-01 00:00:00", "g) 3A: Health services", "b) No", "W"],  # unborn
           ref_h,                                                                                     # filter row
           [777, "a) Male", "#N/A", "", -1, "2021-02-01 00:00:00", "g) 3A: Health services", "b) No", "W"],  # copy
           ["0000042", "a) Male", "#N/A", "03/03/2010", 11, "15/03/2021 00:00", "#N/A", "#N/A", "W"],
           [], ["Source: case management system, run 31/03/2021"]]
    _sheet(wb, "L3 - Referrals", "List 3: Referral", ref_h, ref)
    cp_h = ["Child ID", "DOB", "Age", "CP Plan Start Date", "CP Plan End Date", "Allocated Worker"]
    cp = [[12345, "01/02/2015", 6, "44105", "#N/A", "W"],                          # open
          ["42.0", "03/03/2010", 11, "01/01/2020 00:00", "01/11/2020 00:00", "W"],  # ended in the window
          [777, "", -1, "20/03/2021 00:00", "", "W"]]                               # unborn, open
    _sheet(wb, "L7 - Child Protection", "List 7: Child Protection", cp_h, cp)
    la_h = ["Child ID", "Age", "Date Started to be LAC", "Legal Status", "Date Ceased to be LAC", "Placement Type",
            "Placement Postcode"]
    la = [["0000042", 11, "01/12/2020", "C2", "#N/A", "U4", "ZZ9 9ZZ"],
          ["0055", 4, "01/06/2019", "C1", "31/03/2021 00:00", "K2", "ZZ9 9ZZ"],     # ended on the extract date
          ["0056", 4, "01/03/2021", "V3", "", "U1", "ZZ9 9ZZ"],                     # short break: not used
          ["Notes: V3 = short break"]]
    _sheet(wb, "Children in Care", "List 8: Children Looked After", la_h, la)
    path = tmp_path / "annex_a.xlsx"
    wb.save(path)
    annex = read_annex_a(path, extract_date="2021-03-31", key=KEY)
    s = validation_summary(annex)
    assert s["ok"] and s["extract_date"] == "2021-03-31"
    r, c, k = s["lists"]["referrals"], s["lists"]["cp_plans"], s["lists"]["looked_after"]
    assert (r["rows"], r["children"], r["rows_not_used"]) == (4, 3, 3)   # filter row, exact copy, note
    assert (r["first_date"], r["last_date"]) == ("2020-10-01", "2021-03-15")
    assert (c["rows"], c["children"], c["open_at_extract"], c["rows_not_used"]) == (3, 3, 2, 0)
    assert (k["rows"], k["open_at_extract"], k["rows_not_used"]) == (2, 1, 2)  # short break, note
    assert sorted(annex.cp_plans["start_date"]) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-10-01"),
                                                   pd.Timestamp("2021-03-20")]
    assert annex.referrals.groupby("child_id").size().sort_values().tolist() == [1, 1, 2]
    text = str(s)
    for secret in ("12345", "0000042", "ZZ9", "777"):
        assert secret not in text


def test_total_row_with_a_count_in_the_date_column_is_not_a_referral(tmp_path):
    # an Excel table's total row: "Total" under the ID, a count (5) under the date, read as serial 5 = 1900
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List_3"
    ws.append(REFERRALS.headers)
    for i in range(5):
        ws.append([100 + i, "b) Female", "", "01/01/2015", 5, f"0{i + 1}/11/2020", "q) 6: Police", "b) No"])
    ws.append(["Total", None, None, None, None, 5])
    wb.create_sheet("List_7").append(CP_PLANS.headers)
    wb.create_sheet("List_8").append(LOOKED_AFTER.headers)
    wb.save(tmp_path / "annex_2020-12-31.xlsx")
    s = validation_summary(read_annex_a(tmp_path / "annex_2020-12-31.xlsx", key=KEY))
    r = s["lists"]["referrals"]
    assert (r["rows"], r["children"], r["first_date"], r["rows_not_used"]) == (5, 5, "2020-11-01", 1)
    early = [p for p in s["problems"] if p["kind"] == "date_too_early"]
    assert len(early) == 1 and early[0]["row"] == 7 and early[0]["column"] == "Date of referral"


def test_names_in_code_columns_are_never_shown(tmp_path):
    # columns shifted by an inserted column put staff surnames under code headers; short ones looked like codes
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List_3"
    ws.append(REFERRALS.headers)
    ws.append([1, "Ali", "", "01/01/2015", 5, "03/11/2020", "Jones", "Smith"])
    ws.append([2, "Amy-Lee", "", "01/01/2015", 5, "03/11/2020", "XX", "b) No"])
    wb.create_sheet("List_7").append(CP_PLANS.headers)
    la = [""] * len(LOOKED_AFTER.headers)
    la[0], la[7], la[11], la[20], la[22] = 3, "01/10/2020", "Khan", "Wu", "E99"
    w8 = wb.create_sheet("List_8")
    w8.append(LOOKED_AFTER.headers)
    w8.append(la)
    wb.save(tmp_path / "annex_2020-12-31.xlsx")
    s = validation_summary(read_annex_a(tmp_path / "annex_2020-12-31.xlsx", key=KEY))
    msgs = " ".join(p["message"] for p in s["problems"] if p["kind"] == "unknown_code")
    for name in ("Ali", "Amy", "Jones", "Smith", "Khan", "Wu"):
        assert name not in msgs
    assert "'XX' (row 3)" in msgs and "'E99' (row 2)" in msgs and "not shown" in msgs
