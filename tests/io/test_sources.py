"""Files that are not readable workbooks get one plain sentence (CscDemandError), never a traceback; and
the reader raises nothing but CscDemandError on any bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_fixtures import make_lists, messy_workbook

from csc_demand.errors import CscDemandError
from csc_demand.io import read_annex_a

KEY = b"s" * 32


def _small_workbook() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("List_3")
    ws.write_row(0, 0, ["Child Unique ID", "Date of referral", "Referral Source"])
    ws.write_row(1, 0, [1, "01/10/2020", "e) 2A: Schools"])
    wb.close()
    return buf.getvalue()


def _message(tmp_path: Path, name: str, data: bytes) -> str:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CscDemandError) as info:
        read_annex_a(tmp_path / name, key=KEY)
    msg = str(info.value)
    assert "\n" not in msg and name in msg
    return msg


def test_empty_file(tmp_path):
    assert "empty" in _message(tmp_path, "a.xlsx", b"")
    assert "empty" in _message(tmp_path, "b.csv", b"  \n")


def test_not_a_spreadsheet(tmp_path):
    assert "not a spreadsheet" in _message(tmp_path, "a.xlsx", b"%PDF-1.4 this is a PDF")
    assert "web page" in _message(tmp_path, "b.xls", b"<html><table><tr><td>1</td></tr></table></html>")
    assert "not a file type" in _message(tmp_path, "c.pdf", b"%PDF-1.4")


def test_zip_that_is_not_a_workbook(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert "not an Excel" in _message(tmp_path, "a.xlsx", buf.getvalue())


def test_encrypted_workbook(tmp_path):
    # Excel saves a password-protected .xlsx as an OLE2 (CFB) container
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000
    assert "password" in _message(tmp_path, "locked.xlsx", ole)
    assert "password" in _message(tmp_path, "locked.xlsm", ole)


def test_truncated_workbook(tmp_path):
    data = _small_workbook()
    assert "damaged" in _message(tmp_path, "cut.xlsx", data[: len(data) // 2])


def test_zip_bomb_refused_before_opening(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * 50_000_000)  # 50 MB of zeros: ratio ~1000
    assert len(buf.getvalue()) < 1_000_000
    assert "zip bomb" in _message(tmp_path, "bomb.xlsx", buf.getvalue())


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CscDemandError, match="does not exist"):
        read_annex_a(tmp_path / "nope.xlsx", key=KEY)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CscDemandError, match="no spreadsheet"):
        read_annex_a(tmp_path / "empty", key=KEY)


def test_bad_file_in_folder_does_not_reject_the_others(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    messy_workbook(folder / "annex_a_2020-12-31.xlsx", make_lists(seed=2))
    (folder / "broken.xlsx").write_bytes(b"junk")
    (folder / "~$annex_a_2020-12-31.xlsx").write_bytes(b"lock file")
    annex = read_annex_a(folder, key=KEY)
    assert {"referrals", "cp_plans", "looked_after"} <= set(annex.tables)
    bad = [p for p in annex.quality.problems if p.kind == "file_unreadable"]
    assert len(bad) == 1 and bad[0].file == "broken.xlsx"


_NAMES = st.sampled_from(["a.xlsx", "a.xlsm", "a.xls", "a.ods", "a.csv", "a.txt", "a.tsv"])


def _read_or_user_error(name: str, data: bytes) -> None:
    try:
        read_annex_a([(name, data)], key=KEY)
    except CscDemandError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NAMES, st.binary(max_size=3000))
def test_random_bytes_only_raise_csc_demand_error(name, data):
    _read_or_user_error(name, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NAMES, st.text(max_size=2000))
def test_random_text_only_raises_csc_demand_error(name, text):
    _read_or_user_error(name, text.encode("utf-8"))


_VALID: dict[str, bytes] = {}


def _valid_workbook() -> bytes:
    if "x" not in _VALID:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "w.xlsx"
            messy_workbook(p, make_lists(seed=9, n_children=8))
            _VALID["x"] = p.read_bytes()
    return _VALID["x"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=20),
       st.one_of(st.none(), st.integers(0, 10**9)))
def test_mutated_workbooks_only_raise_csc_demand_error(flips, cut):
    data = bytearray(_valid_workbook())
    for pos, value in flips:
        data[pos % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    _read_or_user_error("annex.xlsx", bytes(data))


def test_one_bad_sheet_never_rejects_the_others(tmp_path):
    good = tmp_path / "good.xlsx"
    messy_workbook(good, make_lists(seed=2))
    bad = tmp_path / "annex_a_2020-12-31.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":  # the third sheet: "L7 - CP"
                data = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99999</v></c></row><row"
            zout.writestr(info, data)
    annex = read_annex_a(bad, key=KEY)
    assert "referrals" in annex.tables and "looked_after" in annex.tables and "cp_plans" not in annex.tables
    problems = [p for p in annex.quality.problems if p.kind == "sheet_unreadable"]
    assert len(problems) == 1 and problems[0].sheet == "L7 - CP"


_CELL = st.one_of(
    st.sampled_from(["", "#N/A", "NULL", "-", "n/a", "No data", "01/10/2020", "2020-10-01", "1/10/20", "44105",
                     "31/13/2020", "e) 2A: Schools", "q) 6: Police", "Schools", "b) Female", "F", "a) Yes", "N",
                     "00123", "123.0", "123", "Child Unique ID", "Date of referral", "Data extracted on 1/1/2021"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\r\n\"\x00"),
            max_size=12),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_CELL, min_size=0, max_size=8), max_size=25), st.sampled_from([0, 1, 3]))
def test_any_cells_under_list_3_headers_are_counted_exactly(rows, title_rows):
    from csc_demand.io import read_pasted, validation_summary
    from csc_demand.tables import REFERRALS

    headers = "\t".join(REFERRALS.headers[:8])
    lines = ["List 3: Referral"] * title_rows + [headers] + ["\t".join(r) for r in rows]
    try:
        annex = read_pasted({"List 3": "\n".join(lines)}, extract_date="2020-12-31", key=KEY)
    except CscDemandError:
        return
    s = validation_summary(annex)
    ref = s["lists"]["referrals"]
    assert ref["rows_read"] == ref["rows"] + ref["rows_not_used"]
    assert s["rows_not_used"] == ref["rows_not_used"]
    nonblank = sum(any(c.strip() for c in r) for r in rows)
    assert ref["rows_read"] == nonblank
    assert annex.referrals["referral_date"].notna().all() and annex.referrals["child_id"].notna().all()


def _non_utf8(folder: Path, raw: bytes) -> Path:
    """A path whose name holds bytes that are not UTF-8 (possible on Linux), as Python sees it."""
    import os
    import sys

    if sys.platform in ("win32", "darwin"):
        pytest.skip("file names are always Unicode here")
    path = Path(os.fsdecode(os.fsencode(folder) + b"/" + raw))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def test_file_names_that_are_not_utf8_are_shown_readably(tmp_path):
    folder = _non_utf8(tmp_path, b"extracts_\xe9t\xe9")
    folder.unlink()
    folder.mkdir()
    book = _non_utf8(folder, b"annex_\xff_2020-12-31.xlsx")
    book.write_bytes(_small_workbook())
    _non_utf8(folder, b"notes_\xfe.txt").write_text("Read me first.\n")
    for given in (folder, book):
        annex = read_annex_a(given, key=KEY)
        assert annex.extract_date == pd.Timestamp("2020-12-31")  # the date in the name is still read
        names = [p.file for p in annex.quality.problems if p.file] + [s for v in annex.quality.sources.values()
                                                                      for s in v]
        assert names and any("annex_\ufffd_2020-12-31.xlsx" in n for n in names)
        for text in names + [p.message for p in annex.quality.problems]:
            text.encode("utf-8")  # no lone surrogates: every writer can write them


def _xls_bytes() -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("List_3")
    for j, h in enumerate(["Child Unique ID", "Date of referral", "Referral Source"]):
        sheet.write(0, j, h)
    for i, (child, day) in enumerate([(1, "01/10/2020"), (2, "02/10/2020")], start=1):
        sheet.write(i, 0, child)
        sheet.write(i, 1, day)
        sheet.write(i, 2, "e) 2A: Schools")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name", ["annex_a_2020-12-31.xlsx", "annex_a_2020-12-31.xlsm"])
def test_a_real_xls_with_an_xlsx_name_is_read_as_xls(tmp_path, name):
    (tmp_path / name).write_bytes(_xls_bytes())
    annex = read_annex_a(tmp_path / name, key=KEY)
    assert len(annex.referrals) == 2 and annex.extract_date == pd.Timestamp("2020-12-31")
    note = [p for p in annex.quality.problems if p.kind == "xls_renamed"]
    assert len(note) == 1 and note[0].severity == "info" and name in note[0].message and ".xls" in note[0].message


def test_an_encrypted_workbook_is_still_called_password_protected(tmp_path):
    # The OLE2 container Excel writes for a password-protected .xlsx holds an "EncryptedPackage" stream
    ole = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptionInfo".encode("utf-16-le")
           + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 2000)
    assert "password" in _message(tmp_path, "locked.xlsx", ole)


def _with_cells(sheet_data: bytes) -> bytes:
    """The small List 3 workbook with ``sheet_data`` (raw ``<row>`` XML) added at the end of its sheet."""
    src = zipfile.ZipFile(io.BytesIO(_small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                end = data.index(b"</sheetData>")
                data = data[:end] + sheet_data + data[end:]
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_a_sheet_longer_than_excel_allows_is_refused_before_it_is_loaded(tmp_path):
    # one value in row 2,000,000 makes the sheet two million rows long (it once read as 3.8 million rows)
    long = _with_cells(b'<row r="2000000"><c r="A2000000"><v>1</v></c></row>')
    (tmp_path / "long_2020-12-31.xlsx").write_bytes(long)
    (tmp_path / "ok.csv").write_text("Child Unique ID,Child Protection Plan Start Date\n1,01/10/2020\n")
    annex = read_annex_a([tmp_path / "long_2020-12-31.xlsx", tmp_path / "ok.csv"], key=KEY)
    big = [p for p in annex.quality.problems if p.kind == "sheet_too_large"]
    assert len(big) == 1 and big[0].file == "long_2020-12-31.xlsx" and big[0].sheet == "List_3"
    assert "2,000,000 rows" in big[0].message and "1,048,576" in big[0].message
    assert "referrals" not in annex.tables and len(annex.cp_plans) == 1  # the other file is read


def test_a_sheet_spanning_too_many_cells_is_refused_before_it_is_loaded(tmp_path):
    # two values far apart make calamine hold the whole rectangle between them: 17 billion cells
    from csc_demand.io.sources import InputFile, raw_sheets

    data = _with_cells(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    sheets = raw_sheets(InputFile("wide.xlsx", data))
    assert len(sheets) == 1 and sheets[0].rows == []
    problem = sheets[0].problems[0]
    assert problem.kind == "sheet_too_large" and problem.sheet == "List_3" and "cells" in problem.message
    (tmp_path / "wide.xlsx").write_bytes(data)
    with pytest.raises(CscDemandError) as err:  # the only sheet: the error says why it was not read
        read_annex_a(tmp_path / "wide.xlsx", key=KEY)
    assert str(err.value).startswith("Sheet 'List_3' of wide.xlsx spans") and "wide.xlsx" in str(err.value)


def test_a_csv_longer_than_excel_allows_is_refused(tmp_path):
    lines = "Child Unique ID,Date of referral\n" + "1,01/10/2020\n" * 1_048_576
    assert "more than Excel's maximum" in _message(tmp_path, "list3.csv", lines.encode())


def test_a_workbook_whose_sheets_together_span_too_many_cells_is_refused(tmp_path, monkeypatch):
    # the real limits need hundreds of MB of XML; the same rule with small limits
    from csc_demand.io import sources

    monkeypatch.setattr(sources, "MAX_SHEET_CELLS", 30)
    monkeypatch.setattr(sources, "MAX_WORKBOOK_CELLS", 40)
    wb = xlsxwriter.Workbook(tmp_path / "many.xlsx")
    for name in ("List_3", "List_7", "List_8"):
        ws = wb.add_worksheet(name)
        for i in range(5):
            ws.write_row(i, 0, [1, 2, 3])  # 15 cells a sheet: each is within the sheet limit
    wb.close()
    data = (tmp_path / "many.xlsx").read_bytes()
    assert "far more than any Annex A workbook" in _message(tmp_path, "many.xlsx", data)
