"""Build the compact copy of the DfE children's social work workforce file bundled with the package.

Reads the DfE's "Children's social work workforce" indicators (one row per year and area, at 30 September;
``csww_indicators_2017_to_2025.csv`` from Explore Education Statistics, Open Government Licence v3.0) and
writes ``src/csc_demand/data/workforce.csv``: one row per local authority (and England) and year, with only the
columns the tool uses. Figures are copied as published (no rounding, no arithmetic). The DfE's suppression and
"not available" symbols (``c``, ``x``, ``z``, ``u``, ``low``, ``.``) become empty cells (missing), never zero.

Joint returns are kept as the DfE publishes them, one row for both authorities with both codes joined by
" / " (Kingston upon Thames and Richmond upon Thames; North and West Northamptonshire from 2021).

Run from the repository's root after the DfE publishes a new year::

    python scripts/build_workforce_data.py [path/to/csww_indicators.csv]

and commit the new ``src/csc_demand/data/workforce.csv`` (``tests/test_workforce.py`` checks it against the
source when the source is at hand).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "dfe" / "csww_indicators_2017_to_2025.csv"
TARGET = ROOT / "src" / "csc_demand" / "data" / "workforce.csv"

#: The DfE's symbols for a figure that is suppressed, not applicable or not available.
MISSING_SYMBOLS = frozenset({"c", "x", "z", "u", "low", "."})

#: Bundled column ← DfE column. ``year`` is the census date's year (30 September of that year).
COLUMNS: dict[str, str] = {
    "la_code": "new_la_code",
    "old_la_code": "old_la_code",
    "la_name": "la_name",
    "region": "region_name",
    "year": "time_period",
    "caseload_fte": "caseload_fte",
    "cases": "cases",
    "case_holders_fte": "case_holders_fte",
    "inpost_fte": "inpost_fte",
    "agency_rate_pct": "agency_rate_fte",
    "vacancy_rate_pct": "vacancy_rate_fte",
}
NUMERIC = ("caseload_fte", "cases", "case_holders_fte", "inpost_fte", "agency_rate_pct", "vacancy_rate_pct")
ENGLAND_CODE = "E92000001"


def clean_figure(text: str) -> str:
    """A published figure as text, or "" when the DfE marks it missing.

    Parameters
    ----------
    text : str
        The cell as published, e.g. ``"15.2"``, ``"x"`` or ``"low"``.

    Returns
    -------
    str
        The number as published (``"15.2"``), or ``""`` for a suppression or "not available" symbol.

    Raises
    ------
    ValueError
        When the cell is neither a number nor a known symbol (so that a new symbol is never read as a figure).
    """
    t = text.strip()
    if t.lower() in MISSING_SYMBOLS or t == "":
        return ""
    float(t)  # raises ValueError for anything that is not a number
    return t


def compact_rows(source_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """England's and the local authorities' rows in the bundled shape, England first, then by name and year.

    Parameters
    ----------
    source_rows : list of dict
        The DfE file's rows (``csv.DictReader``), all geographic levels.

    Returns
    -------
    list of dict
        One dict per England or local-authority row and year, keyed by the bundled columns (:data:`COLUMNS`).
    """
    out = []
    for r in source_rows:
        level = r["geographic_level"]
        if level not in ("National", "Local authority"):
            continue
        row = {k: r[src].strip() for k, src in COLUMNS.items()}
        if level == "National":
            row.update(la_code=ENGLAND_CODE, old_la_code="", la_name="England", region="")
        for k in NUMERIC:
            row[k] = clean_figure(row[k])
        out.append(row)
    out.sort(key=lambda r: (r["la_code"] != ENGLAND_CODE, r["la_name"].casefold(), r["old_la_code"],
                            int(r["year"])))
    return out


def build_text(source_text: str) -> str:
    """The bundled CSV's text from the DfE file's text (pure: no files read or written)."""
    rows = compact_rows(list(csv.DictReader(io.StringIO(source_text))))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    text = build_text(source.read_text(encoding="utf-8-sig"))
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8", newline="")
    print(f"Wrote {TARGET.relative_to(ROOT)}: {text.count(chr(10)) - 1} rows, {len(text.encode()):,} bytes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
