"""write_report: one entry point that picks the writer from the file name's ending."""

from __future__ import annotations

import openpyxl
import pytest

from csc_demand.errors import CscDemandError
from csc_demand.report import REPORT_SUFFIXES, write_report


@pytest.mark.parametrize("name", ["report.xlsx", "REPORT.XLSX", "summary.html", "forecast.csv"])
def test_dispatch_by_extension(forecast, tmp_path, name):
    path = write_report(forecast, tmp_path / name)
    assert path == tmp_path / name and path.stat().st_size > 0
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        assert data[:2] == b"PK" and "Summary" in openpyxl.load_workbook(path).sheetnames
    elif suffix == ".html":
        assert data.startswith(b"<!DOCTYPE html>")
    else:
        assert data.startswith(b"\xef\xbb\xbfscenario,measure,period_type")


@pytest.mark.parametrize("name", ["report.xls", "report.pdf", "report", "report.json"])
def test_other_extensions_say_which_work(forecast, tmp_path, name):
    with pytest.raises(CscDemandError) as err:
        write_report(forecast, tmp_path / name)
    message = str(err.value)
    assert name in message and all(s in message for s in REPORT_SUFFIXES)
    assert not (tmp_path / name).exists()
