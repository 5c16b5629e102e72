"""Reading an LA's monthly figures (``read_history``): header aliases, month formats, CSV and Excel, and every
row or figure not used explained with its file, row and column (one bad row never rejects the file)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import xlsxwriter

from csc_demand.errors import CscDemandError
from csc_demand.io import read_history
from csc_demand.io.history import header_kind, parse_counts, parse_months
from csc_demand.tables import HISTORY_MEASURES, MonthlyHistory, QualityReport


def _write(path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.mark.parametrize("header, kind", [
    ("month", "month"), ("Month", "month"), ("MONTH (YYYY-MM)", "month"), ("Reporting period", "month"),
    ("Month ending", "month"), ("Date", "month"),
    ("referrals", "referrals"), ("Number of referrals", "referrals"), ("Referrals received", "referrals"),
    ("Refferals", "referrals"),
    ("cp_starts", "cp_starts"), ("CP plans started", "cp_starts"), ("New child protection plans", "cp_starts"),
    ("Number of children who became subject to a CP plan", "cp_starts"),
    ("cp_open", "cp_open"), ("Open CP plans", "cp_open"), ("CP plans open at month end", "cp_open"),
    ("Children on a child protection plan", "cp_open"),
    ("cla_starts", "cla_starts"), ("Started to be looked after", "cla_starts"),
    ("Children entering care", "cla_starts"), ("CLA starts", "cla_starts"),
    ("cla_open", "cla_open"), ("Children looked after", "cla_open"), ("CLA at month end", "cla_open"),
    ("Looked-after children", "cla_open"), ("Children in care", "cla_open"), ("LAC", "cla_open"),
    # other figures of a performance report are never taken for these
    ("Re-referrals", None), ("Referrals NFA", None), ("LAC rate per 10,000", None),
    ("Children who ceased to be looked after", None), ("CP plans ended", None), ("Notes", None),
    ("Contacts", None), ("Year", None), ("", None), (None, None), (2019, None),
])
def test_header_kind_reads_the_aliases_and_nothing_else(header, kind):
    assert header_kind(header) == kind


@pytest.mark.parametrize("cell", ["2019-04", "2019/04", "201904", "04/2019", "4/2019", "Apr 2019", "April 2019",
                                  "apr-19", "Apr-2019", "2019 Apr", "2019-04-01", "01/04/2019", "30/04/2019",
                                  "1 April 2019", 43556, 43585.0, "43556",
                                  dt.datetime(2019, 4, 1), dt.date(2019, 4, 30)])
def test_parse_months_reads_every_way_of_writing_april_2019(cell):
    months, bad = parse_months(pd.Series([cell], dtype=object))
    assert months.iloc[0] == pd.Timestamp("2019-04-01") and not bad.iloc[0]


@pytest.mark.parametrize("cell", ["Aprl 2019", "13/2019", "2019", "2019-13", "Total", "31/04/2019", "1899-04"])
def test_parse_months_flags_what_is_not_a_month(cell):
    months, bad = parse_months(pd.Series([cell], dtype=object))
    assert pd.isna(months.iloc[0]) and bad.iloc[0]


def test_parse_months_leaves_blanks_and_missing_markers_unflagged():
    months, bad = parse_months(pd.Series(["", None, "#N/A", "  "], dtype=object))
    assert months.isna().all() and not bad.any()


def test_parse_counts():
    values, bad, negative = parse_counts(pd.Series(["1,234", "12", 7.0, "-3", "x", "12%", "", "n/a", "1 234"],
                                                   dtype=object))
    np.testing.assert_array_equal(values.to_numpy(), [1234, 12, 7, np.nan, np.nan, np.nan, np.nan, np.nan, 1234])
    assert bad.tolist() == [False, False, False, False, True, True, False, False, False]
    assert negative.tolist() == [False, False, False, True, False, False, False, False, False]


def test_csv_with_aliases_a_title_row_semicolons_and_cp1252(tmp_path):
    text = ("Monthly performance report – children’s services\n"
            "Month;Number of referrals;CP plans started;CP plans open at month end;Started to be looked after;"
            "CLA at month end;Notes\n"
            "Apr 2019;1,234;12;300;5;450;checked – £\n"
            "2019-05;1100;;310;4;455;\n"
            "\n"
            "01/06/2019;1000;11;305;;460;\n")
    h = read_history(_write(tmp_path / "monthly figures.csv", text, "cp1252"))
    assert isinstance(h, MonthlyHistory) and h.source == "monthly figures.csv" and h.sheet is None
    assert h.table.index.name == "month"
    assert list(h.table.index) == list(pd.to_datetime(["2019-04-01", "2019-05-01", "2019-06-01"]))
    assert list(h.table.columns) == list(HISTORY_MEASURES)
    assert all(h.table[c].dtype == np.float64 for c in h.table)
    assert h.table.loc["2019-04-01", "referrals"] == 1234
    assert np.isnan(h.table.loc["2019-05-01", "cp_starts"])          # a blank is allowed: NaN, no problem
    assert np.isnan(h.table.loc["2019-06-01", "cla_starts"])
    assert h.table.loc["2019-06-01", "cla_open"] == 460
    assert h.headers["cp_open"] == "CP plans open at month end" and h.header_row == 2
    assert list(h.rows) == [3, 4, 6]                                   # the blank line is skipped, not counted
    assert h.rows_read == 3 and h.rows_not_used == 0
    assert [p.kind for p in h.problems] == ["extra_column"]           # 'Notes' is ignored, and said so
    assert h.problems[0].column == "Notes" and h.problems[0].severity == "info"


def test_unsorted_months_are_sorted_and_any_subset_of_measures_is_read(tmp_path):
    h = read_history(_write(tmp_path / "h.csv", "cla_open,month\n470,2019-09\n450,2019-04\n"))
    assert list(h.table.columns) == ["cla_open"] and h.measures == ["cla_open"]
    assert list(h.table.index) == [pd.Timestamp("2019-04-01"), pd.Timestamp("2019-09-01")]
    assert h.rows.tolist() == [3, 2]
    assert list(h.months) == [pd.Timestamp("2019-04-01"), pd.Timestamp("2019-09-01")]


def test_every_bad_row_and_figure_is_explained_and_the_rest_is_read(tmp_path):
    text = ("month,referrals,cp_open,cla_open\n"
            "2019-04,100,300,450\n"        # 2
            "2019-05,x,310,-2\n"           # 3 bad number, negative: those figures not used, the row is
            "Aprl 2019,100,300,450\n"      # 4 unreadable month: row not used
            ",100,300,450\n"               # 5 figures without a month: row not used
            "2019-04,999,999,999\n"        # 6 repeated month: row not used (the first is kept)
            "Total,1000,3000,4500\n"       # 7 a total row: not used (info)
            "Source: the case system,,,\n"  # 8 a note: not used (info)
            "1905-07,100,300,450\n"        # 9 a month before 1950: row not used
            "2019-06,120,,460\n")          # 10 a blank figure: allowed
    quality = QualityReport()
    h = read_history(_write(tmp_path / "history.csv", text), quality=quality)
    assert list(h.table.index) == list(pd.to_datetime(["2019-04-01", "2019-05-01", "2019-06-01"]))
    assert h.table.loc["2019-04-01"].tolist() == [100, 300, 450]      # not the repeated row's 999
    assert np.isnan(h.table.loc["2019-05-01", "referrals"]) and np.isnan(h.table.loc["2019-05-01", "cla_open"])
    assert h.table.loc["2019-05-01", "cp_open"] == 310
    found = {(p.kind, p.row, p.column, p.row_not_used, p.severity) for p in h.problems}
    assert found == {
        ("bad_number", 3, "referrals", False, "warning"), ("negative_number", 3, "cla_open", False, "warning"),
        ("unreadable_month", 4, "month", True, "warning"), ("missing_month", 5, "month", True, "warning"),
        ("repeated_month", 6, "month", True, "warning"), ("total_row", 7, "month", True, "info"),
        ("notes_row", 8, None, True, "info"), ("unreadable_month", 9, "month", True, "warning"),
    }
    assert all(p.file == "history.csv" for p in h.problems)
    assert h.rows_read == 9 and h.rows_not_used == 6
    assert quality.problems == list(h.problems) and quality.rows_not_used == 6
    repeated = next(p for p in h.problems if p.kind == "repeated_month")
    assert "Apr 2019" in repeated.message and "row 2" in repeated.message
    for p in h.problems:   # plain messages that say what to do or why, never a value from a cell
        assert "Aprl" not in p.message and "999" not in p.message


def test_excel_first_sheet_holding_a_month_column_with_date_cells_and_serials(tmp_path):
    path = tmp_path / "Performance 2022.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("Read me")
    notes.write_string(0, 0, "Monthly figures for the inspection")
    data = wb.add_worksheet("Monthly")
    date = wb.add_format({"num_format": "mmm-yy"})
    data.write_string(0, 0, "Children's services: monthly figures")
    for j, h in enumerate(["Month", "Referrals", "Open CP plans", "Children looked after"]):
        data.write_string(2, j, h)
    data.write_datetime(3, 0, dt.datetime(2022, 1, 1), date)
    data.write_number(3, 1, 250)
    data.write_number(3, 2, 280)
    data.write_number(3, 3, 470)
    data.write_number(4, 0, 44593)            # an Excel serial number as a plain number: 1 Feb 2022
    data.write_number(4, 1, 260)
    data.write_string(4, 2, "#N/A")
    data.write_number(4, 3, 472)
    data.write_string(5, 0, "Mar 2022")
    data.write_string(5, 1, "lots")
    data.write_number(5, 2, 290)
    data.write_number(5, 3, 475)
    wb.close()
    h = read_history(path)
    assert h.source == "Performance 2022.xlsx" and h.sheet == "Monthly" and h.header_row == 3
    assert list(h.table.index) == list(pd.to_datetime(["2022-01-01", "2022-02-01", "2022-03-01"]))
    assert h.table["cla_open"].tolist() == [470, 472, 475]
    assert np.isnan(h.table.loc["2022-02-01", "cp_open"])             # '#N/A' is a blank, not a problem
    [p] = h.problems
    assert (p.kind, p.file, p.sheet, p.row, p.column) == ("bad_number", "Performance 2022.xlsx", "Monthly", 6,
                                                          "Referrals")


def test_an_upload_is_read(tmp_path):
    class Upload:
        name = "figures.csv"

        def getvalue(self):
            return b"month\treferrals\n2020-01\t10\n"

    assert read_history(Upload()).table["referrals"].tolist() == [10]
    assert read_history(("figures.csv", b"month,referrals\n2020-01,10\n")).table["referrals"].tolist() == [10]


def test_no_month_column_is_a_clear_error(tmp_path):
    with pytest.raises(CscDemandError) as err:
        read_history(_write(tmp_path / "figures.csv", "Period,referrals\nQ1,10\n".replace("Period", "Quarter")))
    msg = str(err.value)
    assert "figures.csv has no month column" in msg and "'month'" in msg and "Transpose" in msg


def test_a_month_column_without_figures_is_a_clear_error(tmp_path):
    with pytest.raises(CscDemandError) as err:
        read_history(_write(tmp_path / "figures.csv", "Title\nMonth,Contacts,Visits\n2020-01,10,3\n"))
    msg = str(err.value)
    assert "figures.csv" in msg and "'Month', row 2" in msg and "'Contacts', 'Visits'" in msg
    assert "'referrals'" in msg and "'cla_open'" in msg


def test_a_folder_or_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CscDemandError, match="folder"):
        read_history(tmp_path)
    with pytest.raises(CscDemandError, match="does not exist"):
        read_history(tmp_path / "nowhere.csv")
    with pytest.raises(CscDemandError, match="empty"):
        read_history(_write(tmp_path / "empty.csv", ""))


def test_a_second_column_for_the_same_figure_is_ignored_and_said_so(tmp_path):
    h = read_history(_write(tmp_path / "h.csv", "month,cla_open,Children looked after\n2020-01,10,99\n"))
    assert h.table["cla_open"].tolist() == [10]
    [p] = h.problems
    assert p.kind == "duplicate_column" and p.column == "Children looked after" and "'cla_open'" in p.message


def test_the_readme_example_and_header_names_are_read(tmp_path):
    """The README's example file and the header names it promises (kept true by this test)."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```\nmonth,referrals", 1)[1].split("```", 1)[0]
    h = read_history(_write(tmp_path / "example.csv", "month,referrals" + example))
    assert list(h.table.columns) == list(HISTORY_MEASURES) and len(h.table) == 2 and not h.problems
    section = readme.split("**Your monthly figures.**", 1)[1].split("What to give", 1)[0]
    promised = section.split("Headers are recognised", 1)[1].split(". A title row", 1)[0]
    names = [n for n in promised.split('"')[1::2]]
    assert len(names) == 7
    assert [header_kind(n) for n in names] == ["referrals", "cp_starts", "cp_open", "cp_open", "cla_starts",
                                               "cla_open", "cla_open"]
