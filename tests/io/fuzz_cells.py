"""Workbooks of Lists 3, 7 and 8 with hostile or unlucky cells, and what reading one must never do.

Shared by the hypothesis test (``test_fuzz_cells.py``, in CI) and the longer run
(``benchmarks/fuzz_read.py``). A workbook is a dict ``{"List_3": rows, "List_7": rows, "List_8": rows}`` of
data rows under the official headers; a cell is a Python value (text, number, bool, date/datetime/time),
``None`` (empty) or a :class:`Formula` (with its cached value). :func:`check_read` reads one and raises
``AssertionError`` when reading breaks a promise: any exception but ``CscDemandError`` (and even that: the
lists here are always there), a list lost, rows not accounted for, or a child-level value in a message.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

import xlsxwriter

from csc_demand.errors import CscDemandError
from csc_demand.io import read_annex_a, validation_summary
from csc_demand.tables import CP_PLANS, LOOKED_AFTER, REFERRALS

KEY = b"f" * 32
LISTS = {"List_3": REFERRALS, "List_7": CP_PLANS, "List_8": LOOKED_AFTER}
TABLES = {"List_3": "referrals", "List_7": "cp_plans", "List_8": "looked_after"}
#: Personal data planted in cells: never to appear in a message.
SECRETS = ("Smith", "ZZ9 9ZQ", "SW1A 1AA", "Zebedee")


@dataclass(frozen=True)
class Formula:
    """A formula cell and the value Excel saved with it (``None``: saved without one)."""

    formula: str
    cached: object = None


#: Hostile and unlucky values seen in, or imagined for, Annex A exports: placeholders and impossible dates,
#: missing markers, numbers at the edges, codes half right, spreadsheet and web injection, odd Unicode.
NASTY: tuple[object, ...] = (
    "", " ", " \t ", "#N/A", "#n/a", "N/A", "NULL", "null", "None", "nan", "NaN", "NaT", "-", "--", "—", "?",
    "0", "-0", "00", "1", "-1", "1.5", "1e5", "1E+11", "1.2E+11", "9" * 20, "inf", "-inf", "Infinity", "true",
    "FALSE", "yes", "Y", "n",
    "31/12/9999", "01/01/0001", "00/00/0000", "31/02/2020", "29/02/2021", "29/02/2020", "12/31/2020",
    "2020-13-01", "2020-12-31", "2020/12/31", "31.12.2020", "31-12-20", "1/1/1", "31 Dec 2020",
    "31st December 2020", "Dec 2020", "2020", "1899-12-31", "1900-01-00", "31/12/2262", "01/01/1677",
    "2262-04-12", "1677-09-21", "9999-12-31T23:59:59", "2020-12-31 25:61:00", "2020-12-31T00:00:00+05:00",
    "44196", "44196.5", "-44196", "2958466", "99999999", "31/12/99999", "31 Smarch 2020",
    "a)", "z) 99: Unknown", "e) 2A: Schools", "2A", "p1) 5D", "Q) 6: POLICE", "V3", "V4", "v4", "E4A", "E99",
    "X1", "U4", "a) Neglect", "f) Other", "Male", "F", "b) Female", "unborn", "3",
    "=1+1", "+1", "-1+1", "@SUM(A1)", '=HYPERLINK("http://x","y")', "<script>alert(1)</script>",
    "'; DROP TABLE x;--", "{{7*7}}", "${jndi:ldap://x}", "%s%s%s", "\\", '"', "'", "''",
    "\u202e\u202d", "\ufeff", "Zoë", "𝟙𝟚𝟛", "😀", "١٢٣", "１２３", "٠١/٠١/٢٠٢٠", "\u00a0", "\u2028", "ſ", "İ", "ß",
    "\x01", "\x0b", "\x1f", "x" * 5000, "1" * 40, "0" * 40, " 123 ", "123.0", "0123", "1,234", "£5", "5%", "(5)",
    "Smith", "ZZ9 9ZQ", "SW1A 1AA",
    0, -1, 0.5, 1e15, 1e308, -1e308, 2958465, 2958466, 60, 1e-300, 10**20, True, False,
    dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31), dt.datetime(2020, 12, 31, 23, 59, 59), dt.date(1900, 1, 1),
    dt.time(12, 0), dt.datetime(2021, 3, 31),
    Formula("=1/0", "#DIV/0!"), Formula("=NA()", "#N/A"), Formula('="a"', "a"), Formula("=1+1", 2),
    Formula('=""', ""), Formula("=TODAY()", None), Formula('="C"&ROW()', None),
)

_CODES = {
    "gender": ["a) Male", "b) Female", "c) Not stated/recorded (or unborn)", "F", "M"],
    "source": ["e) 2A: Schools", "q) 6: Police", "g) 3A: Health services", "m) 4: Housing", "a) 1A: Individual"],
    "initial_category": ["a) Neglect", "d) Emotional abuse", "e) Multiple"],
    "latest_category": ["a) Neglect", "b) Physical abuse", "c) Sexual abuse"],
    "category_of_need": ["N1", "N2", "N4", "N8"],
    "legal_status": ["C2", "C1", "E1", "V2", "L1", "J1"],
    "reason_ceased": ["", "E11", "E4A", "E13", "E8"],
    "placement_type": ["U4", "U1", "K2", "P1", "H5", "R1"],
}


def valid_cell(rng: random.Random, spec_field, list_name: str) -> object:
    """A plausible value for a column, in one of the forms real exports use."""
    kind, key = spec_field.kind, spec_field.key
    if kind == "id":
        n = rng.randrange(100_000, 99_999_999)
        return rng.choice([n, float(n), f"00{n}", str(n)])
    if kind == "date":
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365 + 1))
        if key == "referral_date" or (key == "start_date" and list_name != "List_8"):
            day = dt.date(2020, 7, 1) + dt.timedelta(days=rng.randrange(0, 180))
        if key == "end_date" and rng.random() < 0.6:
            return None
        return rng.choice([dt.datetime(day.year, day.month, day.day), day.strftime("%d/%m/%Y"),
                           float((day - dt.date(1899, 12, 30)).days), day.isoformat()])
    if kind == "code":
        return rng.choice(_CODES.get(key, ["x"]))
    if kind == "bool":
        return rng.choice(["a) Yes", "b) No", "Y", "N", None])
    if kind == "int":
        return rng.randrange(0, 20)
    return rng.choice(["Team North", "Smith", "ZZ9 9ZQ", "a) WBRI", None])


def valid_rows(rng: random.Random, list_name: str, n: int) -> list[list[object]]:
    spec = LISTS[list_name]
    return [[valid_cell(rng, f, list_name) for f in spec.fields] for _ in range(n)]


def workbook_bytes(rows_by_list: dict[str, list[list[object]]]) -> bytes:
    """The workbook, with each list under its official headers in row 1 (cells written as their types)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False, "nan_inf_to_errors": True})
    date_format = wb.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in rows_by_list.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, LISTS[name].headers)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, Formula):
                    ws.write_formula(i, j, v.formula, None, v.cached if v.cached is not None else "")
                elif isinstance(v, bool):
                    ws.write_boolean(i, j, v)
                elif isinstance(v, (int, float)):
                    ws.write_number(i, j, float(v))
                elif isinstance(v, (dt.datetime, dt.date, dt.time)):
                    ws.write_datetime(i, j, v, date_format)
                else:
                    ws.write_string(i, j, str(v))
    wb.close()
    return buf.getvalue()


def _blank(v: object) -> bool:
    if isinstance(v, Formula):
        v = v.cached
    return v is None or (isinstance(v, str) and not v.strip())


def check_read(rows_by_list: dict[str, list[list[object]]], name: str = "annex_a_2020-12-31.xlsx") -> None:
    """Read the workbook and check every promise (raises ``AssertionError`` naming the one broken)."""
    data = workbook_bytes(rows_by_list)
    try:
        annex = read_annex_a((name, data), key=KEY)
    except CscDemandError as exc:  # the lists are all there: nothing here is a reason to refuse the file
        raise AssertionError(f"the workbook was refused: {exc}") from None
    summary = validation_summary(annex)
    kinds = {p.kind for p in annex.quality.problems}
    assert "sheet_unreadable" not in kinds, [p.message for p in annex.quality.problems if p.kind == "sheet_unreadable"]
    for list_name, rows in rows_by_list.items():
        table = TABLES[list_name]
        assert table in annex.tables, f"{list_name} was lost"
        entry = summary["lists"][table]
        assert entry["rows_read"] == entry["rows"] + entry["rows_not_used"] + entry["rows_replaced"]
        written = sum(1 for r in rows if not all(_blank(v) for v in r))
        assert entry["rows_read"] <= written, (list_name, entry, written)
        frame = annex.tables[table]
        key = LISTS[list_name].date_key
        assert frame["child_id"].notna().all() and frame[key].notna().all()
    assert summary["rows_not_used"] == sum(e["rows_not_used"] for e in summary["lists"].values())
    ids = {str(int(v)) for rows in rows_by_list.values() for r in rows for v in r[:1]
           if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e15 and abs(v) >= 100_000}
    for p in annex.quality.problems:
        for secret in (*SECRETS, *ids):
            assert secret not in p.message, (p.kind, secret)
