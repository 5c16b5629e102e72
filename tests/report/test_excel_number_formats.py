"""Whole numbers never show a stray decimal point in Excel (the format '#,##0.###' shows 3 as '3.')."""

from __future__ import annotations

import openpyxl
import pytest

from csc_demand.report.excel import write_excel


@pytest.fixture(scope="module")
def book(forecast, tmp_path_factory):
    return openpyxl.load_workbook(write_excel(forecast, tmp_path_factory.mktemp("fmt") / "report.xlsx"))


def _shows_trailing_point(value: float, number_format: str) -> bool:
    """True when Excel would display the whole number ``value`` followed by a bare decimal point."""
    decimals = number_format.split(".", 1)[1] if "." in number_format else ""
    return float(value).is_integer() and decimals[:1] == "#"


def test_no_whole_number_shows_a_trailing_decimal_point(book):
    bad = [(ws.title, c.coordinate, c.value, c.number_format) for ws in book.worksheets for row in ws.iter_rows()
           for c in row if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
           and _shows_trailing_point(c.value, c.number_format)]
    assert not bad, bad[:5]


def test_data_quality_rows_are_whole_numbers(book):
    ws = book["Data quality"]
    rows = [c for c in ws["D"][3:] if isinstance(c.value, (int, float))]
    assert rows and all(c.number_format == "#,##0" for c in rows)
