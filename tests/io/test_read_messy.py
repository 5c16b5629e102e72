"""End to end: messy workbooks (xlsx, CSV folder, ods, xls) give exactly the true counts."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pandas as pd
import pytest
from io_fixtures import EXTRACT, SECRET_NAME, SECRET_POSTCODE, make_lists, messy_rows, messy_workbook, write_csv_folder

from csc_demand.io import format_summary, read_annex_a, validation_summary
from csc_demand.tables import LISTS_BY_TABLE

KEY = b"k" * 32


def _check(annex, expected: dict) -> dict:
    summary = validation_summary(annex)
    assert summary["ok"] is True
    total_not_used = 0
    for table, exp in expected.items():
        got = summary["lists"][table]
        assert got["rows"] == exp["rows"], table
        assert got["children"] == exp["children"], table
        assert got["rows_not_used"] == exp["not_used"], table
        assert got["rows_read"] == exp["rows"] + exp["not_used"], table
        if "open" in exp:
            assert got["open_at_extract"] == exp["open"], table
        if "first" in exp:
            assert got["first_date"] == exp["first"].strftime("%Y-%m-%d")
            assert got["last_date"] == exp["last"].strftime("%Y-%m-%d")
        total_not_used += exp["not_used"]
        frame = annex.tables[table]
        extra = {"referrals": ["source_group"], "looked_after": ["placement_group"]}.get(table, [])
        assert list(frame.columns) == LISTS_BY_TABLE[table].clean_columns + extra
        assert frame["child_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert summary["rows_not_used"] == total_not_used
    return summary


def _clean_dates_match(annex, lists) -> None:
    ref = annex.referrals
    assert sorted(ref["referral_date"]) == sorted(lists["referrals"]["date"])
    assert (ref["birth_month"].dt.day == 1).all()
    assert ref["source"].isin(["2A", "6", "3A", "4"]).sum() == lists["referrals"].shape[0] - ref["source"].isna().sum()
    cp = annex.cp_plans
    assert sorted(cp["start_date"]) == sorted(lists["cp_plans"]["start"])
    assert cp["end_date"].isna().sum() == lists["cp_plans"]["end"].isna().sum()
    la = annex.looked_after
    assert sorted(la["start_date"]) == sorted(lists["looked_after"]["start"])
    assert set(la["legal_status"]) <= {"C2", "C1", "V2", "E1"}


def test_messy_xlsx_counts(tmp_path):
    lists = make_lists(seed=3)
    path = tmp_path / "Annex A 31.12.2020.xlsx"
    expected = messy_workbook(path, lists)
    annex = read_annex_a(path, key=KEY)
    assert annex.extract_date == EXTRACT and annex.extract_date_source == "file name"
    summary = _check(annex, expected)
    _clean_dates_match(annex, lists)
    kinds = {p["kind"] for p in summary["problems"]}
    assert {"duplicate_row", "repeated_header", "missing_id", "unreadable_date", "notes_row", "short_break",
            "missing_column", "extra_column", "list_not_needed", "no_list_found"} <= kinds
    # where each list was found, with the detected header row
    assert summary["sources"]["referrals"] == ["Annex A 31.12.2020.xlsx › Referrals (headers in row 3)"]
    assert summary["sources"]["cp_plans"] == ["Annex A 31.12.2020.xlsx › L7 - CP (headers in row 1)"]
    assert summary["sources"]["looked_after"] == ["Annex A 31.12.2020.xlsx › Children in Care (headers in row 2)"]
    missing = [p for p in summary["problems"] if p["kind"] == "missing_column" and p["sheet"] == "L7 - CP"]
    assert any("Number of Previous Child Protection Plans" in p["message"] for p in missing)
    # the filter row is located as the user sees it in Excel: title, blank, headers (row 3), 5 data rows
    filt = [p for p in summary["problems"] if p["kind"] == "repeated_header"]
    assert [(p["sheet"], p["row"]) for p in filt] == [("Referrals", 9)]
    text = format_summary(summary) + str(summary)
    assert SECRET_NAME not in text and SECRET_POSTCODE not in text


def test_same_lists_as_csv_folder(tmp_path):
    lists = make_lists(seed=3)
    expected = write_csv_folder(tmp_path / "annex_a_2020-12-31", lists)
    annex = read_annex_a(tmp_path / "annex_a_2020-12-31", key=KEY)
    assert annex.extract_date == EXTRACT and annex.extract_date_source == "file name"
    assert len(annex.extracts) == 1  # a folder of one CSV per list is ONE extract
    _check(annex, expected)
    _clean_dates_match(annex, lists)


def test_csv_files_without_dates_form_one_extract(tmp_path):
    lists = make_lists(seed=4)
    expected = write_csv_folder(tmp_path / "lists", lists)
    annex = read_annex_a(sorted((tmp_path / "lists").iterdir()), key=KEY)
    assert len(annex.extracts) == 1 and annex.extract_date_source == "latest event"
    # the latest event: the last referral, plan or care date (not after today)
    latest = max(lists["referrals"]["date"].max(), lists["cp_plans"]["start"].max(), lists["cp_plans"]["end"].max(),
                 lists["looked_after"]["start"].max(), lists["looked_after"]["end"].max())
    assert annex.extract_date == latest
    _check(annex, expected)


def _rows_with_title(table: str, lists) -> list[list[object]]:
    headers, rows, _ = messy_rows(lists)[table]
    return [[f"List: {table}"], headers] + rows


@pytest.mark.skipif(importlib.util.find_spec("odf") is None, reason="odfpy is not installed: cannot write .ods")
def test_same_lists_as_ods(tmp_path):
    lists = make_lists(seed=5)
    path = tmp_path / "annex_a_20201231.ods"
    expected = {t: e for t, (_, _, e) in messy_rows(lists).items()}
    with pd.ExcelWriter(path, engine="odf") as writer:
        for table in expected:
            rows = _rows_with_title(table, lists)
            width = max(len(r) for r in rows)
            frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
            frame.to_excel(writer, sheet_name=table, header=False, index=False)
    annex = read_annex_a(path, key=KEY)
    assert annex.extract_date == EXTRACT
    _check(annex, expected)
    _clean_dates_match(annex, lists)


@pytest.mark.skipif(importlib.util.find_spec("xlwt") is None, reason="xlwt is not installed: cannot write .xls")
def test_same_lists_as_xls(tmp_path):
    import xlwt

    lists = make_lists(seed=6)
    path = tmp_path / "annex_a_Dec_2020.xls"
    expected = {t: e for t, (_, _, e) in messy_rows(lists).items()}
    book = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for table in expected:
        sheet = book.add_sheet(table)
        for i, row in enumerate(_rows_with_title(table, lists)):
            for j, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, dt.datetime):
                    sheet.write(i, j, v, date_style)
                else:
                    sheet.write(i, j, v)
    book.save(str(path))
    annex = read_annex_a(path, key=KEY)
    assert annex.extract_date == EXTRACT  # "Dec 2020" → last day of December
    _check(annex, expected)
    _clean_dates_match(annex, lists)


def test_upload_objects_and_tuples(tmp_path):
    lists = make_lists(seed=3)
    path = tmp_path / "annex_a_2020-12-31.xlsx"
    expected = messy_workbook(path, lists)

    class Upload:
        name = "annex_a_2020-12-31.xlsx"

        def getvalue(self) -> bytes:
            return path.read_bytes()

    for source in (Upload(), ("annex_a_2020-12-31.xlsx", path.read_bytes()), [Upload()]):
        annex = read_annex_a(source, key=KEY)
        assert annex.extract_date == EXTRACT
        _check(annex, expected)
