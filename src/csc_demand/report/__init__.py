"""Outputs built from a Forecast: every output is a view of Forecast.table, computing nothing of its own."""

import os
import secrets
from pathlib import Path

from csc_demand.errors import CscDemandError
from csc_demand.report.json_view import forecast_json
from csc_demand.tables import Forecast

__all__ = ["REPORT_SUFFIXES", "check_report_path", "forecast_json", "write_report"]

#: File name endings :func:`write_report` understands, and what each writes.
REPORT_SUFFIXES = {".xlsx": "an Excel workbook with charts", ".html": "a one-page summary for a web browser",
                   ".csv": "the forecast table for other tools", ".json": "the forecast as JSON for pipelines"}


def check_report_path(path: str | Path) -> Path:
    """``path`` as a Path once its ending is one :func:`write_report` understands and its folder exists;
    otherwise a :class:`CscDemandError` that says what to do. Call it before slow work."""
    from csc_demand.report.tables_view import output_path

    path = Path(path)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        kinds = "; ".join(f"{s} for {what}" for s, what in REPORT_SUFFIXES.items())
        raise CscDemandError(f"Cannot write a report called '{path.name}': the name must end with {kinds}.")
    return output_path(path)


def _partial_path(path: Path) -> Path:
    """A new, empty, hidden file next to ``path`` to write the report into (``.name.1a2b3c4d.partial.xlsx``:
    the same folder, so moving it into place is one rename; the same ending, for the writers)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(4)}.partial{path.suffix}")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise CscDemandError(f"Cannot write {path.name} in the folder {path.parent} ({exc.strerror}). Choose "
                                 "a folder you can write to.") from None
        return tmp
    raise CscDemandError(f"Cannot write {path.name}: no temporary file could be made in {path.parent}.")


def write_report(forecast: Forecast, path: str | Path) -> Path:
    """Write ``forecast`` to ``path`` as the kind of file its name ends with (see :data:`REPORT_SUFFIXES`).

    ``.xlsx``: the Excel report; ``.html``: the one-page summary; ``.csv``: the long table; ``.json``: the
    object ``forecast --json`` prints. Returns the path. Any other ending raises :class:`CscDemandError`
    naming the endings that work.

    Every report is written to a temporary file in the same folder and moved into place (one rename) only
    once it is complete, so a failure never leaves a half-written report nor harms the one already there.
    """
    path = check_report_path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from csc_demand.report.excel import write_excel as writer
    elif suffix == ".html":
        from csc_demand.report.html import write_html as writer
    elif suffix == ".json":
        from csc_demand.report.json_view import write_json as writer
    else:
        from csc_demand.report.csv import write_csv as writer
    kept = f"{path.name} was left as it was." if path.exists() else "Nothing was written."
    tmp = _partial_path(path)
    try:
        writer(forecast, tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        cause = exc.__cause__ if isinstance(exc, CscDemandError) else exc
        if isinstance(cause, OSError):  # the writers' own messages would name the temporary file
            raise CscDemandError(f"Could not write the report {path.name} in {path.parent} "
                                 f"({cause.strerror or type(cause).__name__}). {kept} If it is open in Excel or "
                                 "another program, close it and try again; otherwise choose another folder.") from exc
        if isinstance(exc, CscDemandError | KeyboardInterrupt | SystemExit):
            raise
        raise CscDemandError(f"The report {path.name} could not be written ({type(cause).__name__}). {kept} "
                             "Please report this problem.") from exc
    return path
