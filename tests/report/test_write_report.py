"""write_report: one entry point that picks the writer from the file name's ending."""

from __future__ import annotations

import openpyxl
import pandas as pd
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


@pytest.mark.parametrize("name", ["report.xls", "report.pdf", "report", "report.txt"])
def test_other_extensions_say_which_work(forecast, tmp_path, name):
    with pytest.raises(CscDemandError) as err:
        write_report(forecast, tmp_path / name)
    message = str(err.value)
    assert name in message and all(s in message for s in REPORT_SUFFIXES)
    assert not (tmp_path / name).exists()


def test_json_report_is_the_json_object(forecast, tmp_path):
    import json

    from csc_demand.report import forecast_json

    path = write_report(forecast, tmp_path / "forecast.json")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(forecast_json(forecast)))


@pytest.mark.parametrize("name", ["report.xlsx", "summary.html", "forecast.csv", "forecast.json"])
def test_a_failed_write_leaves_the_existing_report_as_it_was(forecast, tmp_path, monkeypatch, name):
    # A writer that fails part-way must not touch the report already there, nor leave a partial file behind.
    # Here each writer is handed text no encoder can write (a lone surrogate), which fails only once the file
    # is open (Excel, HTML, CSV), or a value JSON cannot hold.
    import csc_demand.report.csv as csv_writer
    import csc_demand.report.excel as excel_writer
    import csc_demand.report.html as html_writer
    import csc_demand.report.json_view as json_writer

    path = write_report(forecast, tmp_path / name)
    before = path.read_bytes()
    bad = "\udcff"
    monkeypatch.setattr(html_writer, "render_html", lambda fc: "<!DOCTYPE html>" + bad)
    monkeypatch.setattr(csv_writer, "forecast_csv_frame", lambda fc: pd.DataFrame({"scenario": ["a", bad]}))
    monkeypatch.setattr(json_writer, "forecast_json", lambda fc: {"name": object()})
    monkeypatch.setattr(excel_writer.tv, "scenario_names", lambda fc: [bad])
    with pytest.raises(CscDemandError) as err:
        write_report(forecast, path)
    assert path.name in str(err.value) and "left as it was" in str(err.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [name]
