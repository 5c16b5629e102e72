"""Reading an LA's monthly performance figures (the history beside Annex A) into a
:class:`~csc_demand.tables.MonthlyHistory`.

The file is a CSV (any delimiter, UTF-8 or Windows-1252, as for the lists) or a workbook (the first sheet
holding a month column and at least one figure is read), with one row per month: a ``month`` column and any
of ``referrals``, ``cp_starts``, ``cp_open``, ``cla_starts``, ``cla_open``. Flows are the month's count,
stocks the count open at the month end. Headers may sit under a title row and are recognised whatever their
case, punctuation and word order (:func:`csc_demand.io.headers.normalise_header`, then filler words such as
"number of", "at month end", "open" are ignored): "Number of referrals", "CP plans started", "Open CP plans",
"CP plans open at month end", "Started to be looked after", "Children looked after", "CLA at month end".

Months may be written ``2019-04``, ``Apr 2019``, ``April 2019``, ``Apr-19``, ``04/2019``, ``201904``, or as
any date in the month (``2019-04-01``, ``01/04/2019``, ``30/04/2019``, a date cell or an Excel serial number).

Problem kinds (``Problem.kind``); (*) marks rows not used, each counted once in ``rows_not_used``:
``missing_month`` (*) figures without a month; ``unreadable_month`` (*) a month that cannot be read or lies
before 1950 or after 2100; ``repeated_month`` (*) a month already given in an earlier row (the first is
used); ``total_row`` (*, info) a total or average row; ``notes_row`` (*, info) text without figures;
``bad_number`` a figure that is not a number and ``negative_number`` a negative one (that figure is not used,
the rest of the row is); ``extra_column`` (info) a column that is none of the figures (ignored);
``duplicate_column`` a second column for the same figure (ignored). One bad row never rejects the file; a file
with no month column, or with no figure beside it, is a :class:`~csc_demand.errors.CscDemandError`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io import parse
from csc_demand.io.headers import HEADER_SEARCH_ROWS, normalise_header
from csc_demand.io.sources import RawSheet, collect_inputs, raw_sheets
from csc_demand.tables import HISTORY_MEASURES, MEASURE_LABELS, MonthlyHistory, Problem, QualityReport

#: Months outside these are typos (a year read as an Excel serial number lands in 1905).
MIN_MONTH = pd.Timestamp("1950-01-01")
MAX_MONTH = pd.Timestamp("2100-12-01")

_MONTH_NUMBERS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}

# --- headers ------------------------------------------------------------------------------------------------

#: Words a month column's header may hold; it must hold one of :data:`_MONTH_ANCHORS`.
_MONTH_WORDS = frozenset({"month", "mth", "period", "date", "start", "starting", "beginning", "begin", "commencing",
                          "ending", "end", "of", "the", "year", "calendar", "reporting", "yyyy", "mm", "mmm", "yy",
                          "and", "first", "last", "day", "in"})
_MONTH_ANCHORS = frozenset({"month", "mth", "period", "date"})

#: Phrases rewritten before a figure's header is split into words.
_PHRASES = ((r"\bchild protection\b", "cp"), (r"\bcpp\b", "cp"), (r"\bcare\b", "looked after"),
            (r"\bre referrals?\b", "rereferral"))
#: Words that say a count started in the month.
_START_WORDS = frozenset({"start", "started", "starting", "starts", "new", "began", "begun", "beginning", "commenced",
                          "commencing", "became", "becoming", "become", "entered", "entering", "entry", "entries",
                          "came", "coming", "admitted", "admission", "opened"})
#: Words that say nothing about which figure a column holds.
_FILLER = frozenset({"number", "no", "nos", "num", "count", "total", "of", "the", "a", "an", "at", "in", "into", "on",
                     "to", "be", "by", "during", "as", "for", "who", "which", "that", "were", "was", "have", "has",
                     "had", "month", "monthly", "mth", "end", "ending", "figure", "child", "young", "people",
                     "person", "open", "current", "currently", "ongoing", "active", "subject", "with", "being",
                     "under", "la", "snapshot", "plan", "received", "all", "s"})
#: Each figure as the set of words left once filler is dropped.
_MEASURE_WORDS: dict[frozenset[str], str] = {
    frozenset({"referral"}): "referrals",
    frozenset({"cp", "start"}): "cp_starts",
    frozenset({"cp"}): "cp_open",
    frozenset({"looked", "after", "start"}): "cla_starts",
    frozenset({"looked", "after"}): "cla_open",
}
_VOCABULARY = ("referral", "looked", "after")
#: Real words close to :data:`_VOCABULARY` that are other figures, never typos of it.
_OTHER_WORDS = frozenset({"rereferral", "referrer", "deferral", "locked"})
#: Month cells that mark a total or average row.
_TOTAL = re.compile(r"^(?:grand\s+)?(?:total|sum|average|mean|ytd|year to date|fy total|annual)\b", re.IGNORECASE)


def _word(w: str) -> str:
    if w in ("children", "childs"):
        return "child"
    if w in _START_WORDS:
        return "start"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if len(w) >= 6 and w not in _VOCABULARY and w not in _OTHER_WORDS:  # a typo ("refferals") is forgiven
        close = difflib.get_close_matches(w, _VOCABULARY, n=1, cutoff=0.85)
        if close:
            return close[0]
    return w


def header_kind(cell: object) -> str | None:
    """What a header cell names: ``"month"``, one of :data:`~csc_demand.tables.HISTORY_MEASURES`, or ``None``.

    Compared after :func:`normalise_header` (case, punctuation, ``CLA``/``LAC`` → "looked after"), with
    "child protection" read as "CP" and "care" as "looked after", plurals, filler words ("number of",
    "at month end", "open", "children") and word order ignored, and words such as "started", "new", "became"
    or "entering" read as a start: so "Open CP plans" and "CP plans open at month end" are both ``cp_open``.
    """
    if not isinstance(cell, str):
        return None
    norm = normalise_header(cell)
    if not norm:
        return None
    words = norm.split()
    if set(words) & _MONTH_ANCHORS and set(words) <= _MONTH_WORDS:
        return "month"
    for pattern, repl in _PHRASES:
        norm = re.sub(pattern, repl, norm)
    key = frozenset(_word(w) for w in norm.split()) - _FILLER
    return _MEASURE_WORDS.get(key)


@dataclass(frozen=True)
class _Header:
    """The header row (0-based), the month column, the measure columns and what else the row holds."""

    row: int
    month: int
    measures: dict[str, int]
    text: dict[int, str]
    extra: tuple[int, ...]
    duplicates: tuple[tuple[int, str], ...]


def _find_header(rows: list[list[object]]) -> _Header | None:
    """The first row (of the first :data:`HEADER_SEARCH_ROWS`) with a month column and a figure beside it;
    failing that, the first row with a month column; else ``None``."""
    month_only: _Header | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        kinds = [header_kind(c) for c in row]
        if "month" not in kinds:
            continue
        text = {j: " ".join(str(c).split()) for j, c in enumerate(row) if isinstance(c, str) and c.strip()}
        month = kinds.index("month")
        measures: dict[str, int] = {}
        duplicates: list[tuple[int, str]] = []
        for j, k in enumerate(kinds):
            if k is None or j == month:
                continue
            if k in measures or k == "month":
                duplicates.append((j, k))
            else:
                measures[k] = j
        extra = tuple(j for j in text if kinds[j] is None)
        found = _Header(r, month, measures, text, extra, tuple(duplicates))
        if measures:
            return found
        month_only = month_only or found
    return month_only


# --- cells --------------------------------------------------------------------------------------------------


def _months_any(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Months as written (see :func:`parse_months`), before the plausible range is applied: ``(months, text)``."""
    obj = parse.as_object(values)
    text = parse.cell_text(obj).str.replace(r"\s+", " ", regex=True)
    year = pd.Series(np.nan, index=obj.index)
    month = pd.Series(np.nan, index=obj.index)
    shapes = ((r"^(\d{4}) ?[-/.] ?(\d{1,2})$", 0, 1, False), (r"^(\d{4})(\d{2})$", 0, 1, False),
              (r"^(\d{1,2}) ?[-/.] ?(\d{4})$", 1, 0, False),
              (r"^([A-Za-z]{3,9})\.?[ \-/.,']*(\d{4}|\d{2})$", 1, 0, True),
              (r"^(\d{4})[ \-/.,]*([A-Za-z]{3,9})\.?$", 0, 1, True))
    for pattern, y, m, named in shapes:
        parts = text.str.extract(pattern)
        got = (parts[0].notna() & year.isna()).to_numpy(dtype=bool)
        if not got.any():
            continue
        yy = pd.to_numeric(parts.loc[got, y], errors="coerce")
        two = (parts.loc[got, y].str.len() == 2).to_numpy(dtype=bool)
        yy = yy.where(~two, np.where(yy <= 69, 2000 + yy, 1900 + yy))
        mm = (parts.loc[got, m].str.lower().map(_MONTH_NUMBERS) if named
              else pd.to_numeric(parts.loc[got, m], errors="coerce")).astype("float64")
        ok = (mm.between(1, 12) & yy.notna()).to_numpy(dtype=bool)
        idx = yy.index[ok]
        year[idx] = yy[ok].to_numpy()
        month[idx] = mm[ok].to_numpy()
    out = pd.Series(pd.NaT, index=obj.index, dtype="datetime64[ns]")
    have = (year.notna() & year.between(1000, 9999)).to_numpy(dtype=bool)
    if have.any():
        out[have] = pd.to_datetime(pd.DataFrame({"year": year[have].astype(int), "month": month[have].astype(int),
                                                 "day": 1})).to_numpy()
    rest = (text.notna() & year.isna()).to_numpy(dtype=bool)
    if rest.any():
        dates, _ = parse.parse_dates(obj[rest])
        out[rest] = parse.first_of_month(dates).to_numpy()
    return out, text


def parse_months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of months → the first day of each month.

    Reads ``2019-04``, ``2019/04``, ``201904``, ``04/2019``, ``Apr 2019``, ``April 2019``, ``Apr-19``,
    ``2019 Apr``, and any date in the month as :func:`csc_demand.io.parse.parse_dates` reads it (date cells,
    Excel serial numbers, ``01/04/2019``, ``2019-04-01``, ``30 Apr 2019``). Months before 1950 or after 2100
    are unreadable. Returns ``(months, bad)``: ``datetime64[ns]`` with ``NaT`` for blank or unreadable cells,
    and a mask of cells that held something that is not a month.
    """
    months, text = _months_any(values)
    months = months.where((months >= MIN_MONTH) & (months <= MAX_MONTH))
    return months, (text.notna() & months.isna()).fillna(False).astype(bool)


def parse_counts(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A column of counts → float (``1,234`` and ``1 234`` read as 1234). Returns ``(counts, bad,
    negative)``: ``NaN`` for blank cells, missing markers (``#N/A``, ``-``) and unusable cells; ``bad`` marks
    cells that are not a number, ``negative`` cells below zero (a count cannot be)."""
    text = parse.cell_text(values)
    clean = text.str.replace(r"(?<=\d)[, ](?=\d{3}(?:\D|$))", "", regex=True)
    num = pd.to_numeric(clean, errors="coerce").astype("float64")
    num = num.where(np.isfinite(num))
    negative = (num < 0).fillna(False).astype(bool)
    bad = (text.notna() & num.isna()).fillna(False).astype(bool)
    return num.where(~negative), bad, negative


# --- the file -----------------------------------------------------------------------------------------------


def _one_file(source: object):
    if isinstance(source, (str, os.PathLike)) and Path(source).is_dir():
        raise CscDemandError(f"{Path(source).name} is a folder: give the one file of monthly figures (a CSV or an "
                             "Excel workbook).")
    inputs = collect_inputs(source)
    if len(inputs) != 1:
        raise CscDemandError(f"Give one file of monthly figures (a CSV or an Excel workbook), not {len(inputs)}.")
    return inputs[0]


_NAMES = "'referrals', 'cp_starts', 'cp_open', 'cla_starts' or 'cla_open'"
_EXAMPLES = "'Number of referrals', 'CP plans started', 'Open CP plans', 'Started to be looked after', " \
            "'Children looked after'"


def _no_month(name: str) -> CscDemandError:
    return CscDemandError(
        f"{name} has no month column, so its monthly figures cannot be read. Give one row per month with the "
        f"month in a column headed 'month' (written 2019-04, Apr 2019 or 01/04/2019) beside columns such as "
        f"{_NAMES}. If the months run across the columns, turn them into rows first (in Excel: Copy, then "
        "Paste Special > Transpose).")


def _no_measure(raw: RawSheet, h: _Header) -> CscDemandError:
    others = [f"'{t}'" for j, t in h.text.items() if j != h.month]
    found = f" The other headers in that row are {', '.join(others[:10])}." if others else ""
    where = f"Sheet '{raw.sheet}' of {raw.file}" if raw.sheet else raw.file
    return CscDemandError(
        f"{where} has a month column "
        f"('{h.text.get(h.month, 'month')}', row {h.row + 1}) but none of the monthly figures csc-demand reads. "
        f"Head the columns {_NAMES} (or, for example, {_EXAMPLES}) and read the file again.{found}")


def _grid(rows: list[list[object]], start: int, width: int) -> np.ndarray:
    data = rows[start:]
    arr = np.empty((len(data), width), dtype=object)
    arr[:] = ""
    for i, r in enumerate(data):
        arr[i, : min(len(r), width)] = r[:width]
    return arr


def _label(measure: str) -> str:
    return MEASURE_LABELS[measure].split(" (")[0].lower()


def read_history(source: object, *, quality: QualityReport | None = None) -> MonthlyHistory:
    """Read an LA's monthly figures (one row per month) from a CSV or a workbook; see the module docstring.

    The file has a ``month`` column and any of ``referrals``, ``cp_starts``, ``cp_open``, ``cla_starts``
    and ``cla_open`` (headers are recognised however they are worded). Every row or figure not used is
    explained by a :class:`~csc_demand.tables.Problem` naming the file, sheet, row and column; one bad row
    never rejects the file.

    Parameters
    ----------
    source
        One file: a path (``.csv``/``.tsv``/``.txt`` or a workbook), an upload (``.name`` and
        ``.getvalue()``) or a ``(name, bytes)`` tuple. Flows are counts in the month, stocks counts open at
        the month end.
    quality
        A data-quality report (such as ``annex.quality``) to add the problems to as well (optional).

    Returns
    -------
    MonthlyHistory
        ``table``: one row per month (indexed by its first day) and one column per figure found (counts;
        ``NaN`` where no usable figure), with where it was read from and the ``problems`` noticed. Pass it
        to :func:`csc_demand.with_history` to use it beside the lists.

    Raises
    ------
    CscDemandError
        (and nothing else) When the file cannot be read, is a folder or more than one file, or has no month
        column or no figure beside it.

    Examples
    --------
    >>> import csc_demand as cd
    >>> history = cd.read_history("Monthly figures 2024-03.xlsx")
    >>> history.measures, history.rows_not_used
    >>> annex = cd.with_history(cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key()), history)
    """
    f = _one_file(source)
    sheets = raw_sheets(f)
    chosen: tuple[RawSheet, _Header] | None = None
    month_only: tuple[RawSheet, _Header] | None = None
    for raw in sheets:
        h = _find_header(raw.rows) if raw.rows else None
        if h is None:
            continue
        if h.measures:
            chosen = (raw, h)
            break
        month_only = month_only or (raw, h)
    if chosen is None:
        if month_only is not None:
            raise _no_measure(*month_only)
        raise _no_month(f.name)
    raw, h = chosen
    try:
        history = _read_sheet(raw, h)
    except CscDemandError:
        raise
    except Exception as exc:  # a bug must not show a traceback that could hold data; say where it happened
        raise CscDemandError(f"{f.name} could not be read as monthly figures ({type(exc).__name__}). Please "
                             "report this problem; meanwhile, try saving the file again from Excel.") from None
    if quality is not None:
        for p in history.problems:
            quality.add(p)
    return history


def _column(arr: np.ndarray, j: int) -> pd.Series:
    return pd.Series(arr[:, j] if len(arr) else [], dtype=object)


def _read_sheet(raw: RawSheet, h: _Header) -> MonthlyHistory:
    problems: list[Problem] = list(raw.problems)
    file, sheet = raw.file, raw.sheet

    def add(severity: str, kind: str, message: str, row: int | None = None, column: str | None = None,
            not_used: bool = False) -> None:
        problems.append(Problem(severity, kind, message, file, sheet, row, column, not_used))  # type: ignore[arg-type]

    month_header = h.text.get(h.month, "month")
    for j in h.extra:
        add("info", "extra_column", f"'{h.text[j]}' is not one of the monthly figures csc-demand reads (month, "
            f"{_NAMES.replace(' or ', ', ')}): the column is ignored.", h.row + 1, h.text[j])
    for j, k in h.duplicates:
        first = month_header if k == "month" else h.text[h.measures[k]]
        what = "the month" if k == "month" else _label(k)
        add("warning", "duplicate_column", f"'{h.text.get(j, '')}' is a second column for {what} (the first is "
            f"'{first}'): it is ignored. Remove one of the two.", h.row + 1, h.text.get(j))

    width = max((len(r) for r in raw.rows), default=0)
    arr = _grid(raw.rows, h.row + 1, width)
    present = np.column_stack([parse.cell_text(_column(arr, j)).notna().to_numpy() for j in range(width)]) \
        if len(arr) else np.zeros((0, width), dtype=bool)
    nonblank = present.any(axis=1)
    arr, present = arr[nonblank], present[nonblank]
    excel_rows = (np.flatnonzero(nonblank) + h.row + 2).astype(np.int64)
    n = len(arr)

    months, month_text = _months_any(_column(arr, h.month))
    text_month = month_text.notna().to_numpy(dtype=bool)
    parsed = months.notna().to_numpy(dtype=bool)
    in_range = ((months >= MIN_MONTH) & (months <= MAX_MONTH)).to_numpy(dtype=bool)
    figures = present[:, list(h.measures.values())].any(axis=1)
    total = month_text.str.match(_TOTAL).fillna(False).to_numpy(dtype=bool) & ~parsed

    def not_used(mask: np.ndarray, kind: str, message: str, severity: str = "warning",
                 column: str | None = month_header) -> None:
        for r in excel_rows[mask]:
            add(severity, kind, message, int(r), column, True)

    not_used(total, "total_row", "A total or average row, not a month: not used (csc-demand adds up the months "
             "itself).", "info")
    not_used(~in_range & ~total & ~figures, "notes_row", "Text without monthly figures (a note?): not used.",
             "info", None)
    not_used(parsed & ~in_range & figures, "unreadable_month", f"'{month_header}' is a month before 1950 or after "
             "2100, which cannot be right: the row is not used. Correct the month and read the file again.")
    not_used(text_month & ~parsed & ~total & figures, "unreadable_month",
             f"'{month_header}' is not a month csc-demand can read: the row is not used. Write the month as "
             "2019-04, Apr 2019 or 01/04/2019.")
    not_used(~text_month & figures, "missing_month",
             f"'{month_header}' is blank but the row holds figures: the row is not used. Fill in the month.")
    used = in_range.copy()
    repeated = used & months.duplicated(keep="first").to_numpy(dtype=bool)
    first_row = pd.Series(excel_rows[used], index=months[used].to_numpy()).groupby(level=0).first()
    for i in np.flatnonzero(repeated):
        m = months.iloc[i]
        add("warning", "repeated_month", f"{m:%b %Y} is given again (first in row {int(first_row[m])}): this row "
            "is not used. Keep one row per month.", int(excel_rows[i]), month_header, True)
    used &= ~repeated

    table = pd.DataFrame(index=pd.DatetimeIndex(months[used].to_numpy(), name="month"))
    for k in HISTORY_MEASURES:
        if k not in h.measures:
            continue
        cells = _column(arr, h.measures[k])
        values, bad, negative = parse_counts(cells)
        header = h.text[h.measures[k]]
        for r in excel_rows[bad.to_numpy(dtype=bool) & used]:
            add("warning", "bad_number", f"'{header}' is not a number: this figure is not used (the rest of the row "
                "is). Write the count as a plain number.", int(r), header)
        for r in excel_rows[negative.to_numpy(dtype=bool) & used]:
            add("warning", "negative_number", f"'{header}' is negative, which a count cannot be: this figure is not "
                "used (the rest of the row is). Correct it and read the file again.", int(r), header)
        table[k] = values[used].to_numpy(dtype=float)
    order = np.argsort(table.index.to_numpy(), kind="stable")
    table = table.iloc[order]
    rows = pd.Series(excel_rows[used][order], index=table.index, name="row")
    headers = {"month": month_header, **{k: h.text[j] for k, j in h.measures.items()}}
    problems.sort(key=lambda p: p.row or 0)  # in the order of the rows (headers first)
    return MonthlyHistory(table=table, source=file, sheet=sheet, headers=headers, rows=rows, header_row=h.row + 1,
                          rows_read=n, problems=tuple(problems))


__all__ = ["read_history", "parse_months", "parse_counts", "header_kind"]
