"""The CSV output: the forecast's long table (actuals first, then the forecast) for pipelines.

Columns are :data:`csc_demand.tables.FORECAST_COLUMNS`; ``period_start`` is an ISO date (``2021-01-01``),
``value`` a plain decimal number. The file is UTF-8 with a byte-order mark so that Excel shows "£" and
accented scenario names correctly when the file is double-clicked.

Text cells that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (possible only in a
scenario name) get a leading apostrophe, so that a spreadsheet never runs them as a formula (the OWASP
advice on CSV injection); no other value is changed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.report.tables_view import long_table, output_path
from csc_demand.tables import Forecast

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_COLUMNS = ("scenario", "measure", "period_type", "period", "breakdown", "group")


def defuse_formula_text(values: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text that a spreadsheet would read as a formula; leave the rest unchanged."""
    text = values.astype("string")
    risky = text.str.startswith(_FORMULA_STARTS).fillna(False)
    return text.mask(risky, "'" + text)


def forecast_csv_frame(forecast: Forecast) -> pd.DataFrame:
    """The long table exactly as written to CSV (text columns defused, ``period_start`` as an ISO date)."""
    frame = long_table(forecast)
    out = frame.assign(**{c: defuse_formula_text(frame[c]) for c in TEXT_COLUMNS})
    return out.assign(period_start=pd.to_datetime(out["period_start"]).dt.strftime("%Y-%m-%d"))


def write_csv(forecast: Forecast, path: str | Path) -> Path:
    """Write the long table (actuals + forecast) of ``forecast`` to ``path`` as CSV and return the path."""
    path = output_path(path)
    try:
        forecast_csv_frame(forecast).to_csv(path, index=False, encoding="utf-8-sig",
                                            lineterminator="\n")
    except OSError as exc:
        raise CscDemandError(f"Could not write the CSV file {path}: {exc}. If it is open in Excel, close it "
                             "and try again; otherwise choose another folder.") from exc
    return path
