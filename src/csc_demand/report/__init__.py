"""Outputs built from a Forecast: every output is a view of Forecast.table, computing nothing of its own."""

from pathlib import Path

from csc_demand.errors import CscDemandError
from csc_demand.report.json_view import forecast_json
from csc_demand.tables import Forecast

__all__ = ["REPORT_SUFFIXES", "check_report_path", "forecast_json", "write_report"]

#: File name endings :func:`write_report` understands, and what each writes.
REPORT_SUFFIXES = {".xlsx": "an Excel workbook with charts", ".html": "a one-page summary for a web browser",
                   ".csv": "the forecast table for other tools"}


def check_report_path(path: str | Path) -> Path:
    """``path`` as a Path once its ending is one :func:`write_report` understands and its folder exists;
    otherwise a :class:`CscDemandError` that says what to do. Call it before slow work."""
    from csc_demand.report.tables_view import output_path

    path = Path(path)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        kinds = "; ".join(f"{s} for {what}" for s, what in REPORT_SUFFIXES.items())
        raise CscDemandError(f"Cannot write a report called '{path.name}': the name must end with {kinds}.")
    return output_path(path)


def write_report(forecast: Forecast, path: str | Path) -> Path:
    """Write ``forecast`` to ``path`` as the kind of file its name ends with (see :data:`REPORT_SUFFIXES`).

    ``.xlsx``: the Excel report; ``.html``: the one-page summary; ``.csv``: the long table. Returns the path.
    Any other ending raises :class:`CscDemandError` naming the endings that work.
    """
    path = check_report_path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from csc_demand.report.excel import write_excel as writer
    elif suffix == ".html":
        from csc_demand.report.html import write_html as writer
    else:
        from csc_demand.report.csv import write_csv as writer
    return writer(forecast, path)
