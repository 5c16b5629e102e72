"""The files a user can download: the forecast report (Excel, HTML, CSV) as bytes.

The report writers write to a path, so the report is written into a private temporary folder that is deleted
at once; this happens only when the user asks for the download.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from csc_demand.report import write_report
from csc_demand.tables import Forecast

#: What each download is called on the button, and its MIME type.
KINDS = {
    "xlsx": ("Excel workbook (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "html": ("One-page summary (.html)", "text/html"),
    "csv": ("Table for other tools (.csv)", "text/csv"),
}


def available_kinds() -> list[str]:
    """The report formats the user can download, in button order."""
    return list(KINDS)


def report_bytes(forecast: Forecast, kind: str) -> bytes:
    """The forecast report as the bytes of a ``kind`` file (``"xlsx"``, ``"html"`` or ``"csv"``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    with tempfile.TemporaryDirectory(prefix="csc-demand-") as tmp:
        path = Path(tmp) / f"forecast.{kind}"
        write_report(forecast, path)
        return path.read_bytes()


def file_name(label: str, extract_date, kind: str) -> str:
    """A safe download name such as ``csc-demand forecast 2020-12-31.xlsx``."""
    stem = re.sub(r"[^A-Za-z0-9 _.-]+", "", f"csc-demand {label} {extract_date:%Y-%m-%d}").strip()
    return f"{stem}.{kind}"
