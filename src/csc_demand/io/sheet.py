"""One sheet (or CSV file) → one part of a clean list, with every row not used explained.

:func:`parse_sheet` finds the header row, identifies the list, keeps only the columns the model uses
(personal-data columns are never copied out of the raw grid), parses each column with
:mod:`csc_demand.io.parse`, pseudonymises the child ID and records a :class:`~csc_demand.tables.Problem`
for every row not used and every impossible value (warnings are grouped per column and kind, with the
first rows listed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.io import parse
from csc_demand.io.headers import find_header, normalise_header
from csc_demand.io.pseudonymise import pseudonymise
from csc_demand.io.sources import RawSheet
from csc_demand.schema import Field, ListSpec
from csc_demand.tables import SHORT_BREAK_LEGAL_STATUSES, Problem

#: Ages (whole years) outside this range are flagged as impossible.
MIN_AGE_YEARS, MAX_AGE_YEARS = -1, 25
#: A birth date up to this long after a referral / plan / assessment is an unborn child's expected date.
PREGNANCY_DAYS = 280
_SHOWN_ROWS = 5
#: Pairs (earlier, later) of clean date columns checked for order.
DATE_ORDER = (("start_date", "end_date"), ("start_date", "authorised_date"), ("start_date", "icpc_date"))


@dataclass
class ListPart:
    """The rows of one list read from one sheet, before the extract date is known.

    ``frame`` has the clean columns (without ``extract_date``) plus ``_row``, the spreadsheet row number.
    ``dup_keys`` holds each used row's full raw cells (all columns) only to find exact duplicate rows; it
    is discarded after reading. ``headers`` maps clean column names to the header as written.
    """

    spec: ListSpec
    file: str
    sheet: str | None
    header_row: int
    frame: pd.DataFrame
    dup_keys: list[tuple]
    rows_read: int
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    @property
    def location(self) -> str:
        place = f"{self.file} › {self.sheet}" if self.sheet else self.file
        return f"{place} (headers in row {self.header_row})"


def place(file: str, sheet: str | None) -> str:
    """How a sheet is named in messages: ``file › sheet`` or just the file for a CSV."""
    return f"sheet '{sheet}' of {file}" if sheet else file


def rows_text(rows: np.ndarray) -> str:
    """``row 5`` / ``rows 5, 9, 12, 14, 20 and 31 more``."""
    shown = ", ".join(str(int(r)) for r in rows[:_SHOWN_ROWS])
    if len(rows) == 1:
        return f"row {shown}"
    more = f" and {len(rows) - _SHOWN_ROWS} more" if len(rows) > _SHOWN_ROWS else ""
    return f"{len(rows)} rows: {shown}{more}"


_CODE_LIKE = re.compile(r"^(?:[A-Za-z]\d?\)\s*)?([A-Za-z0-9]{1,6})(?:\s*(?::|-|–)\s*[A-Za-z][A-Za-z ,'/()-]*)?$")
_NOT_SHOWN = re.compile(r"\d{5,}|\d{1,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,4}|"
                        r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b")
NOT_SHOWN = "a value that is not shown (it does not look like a code)"


def quote(value: object) -> str:
    """How an unrecognised code value is shown in a message: the code itself (``'XX'``, ``'E99'`` from
    ``"a) E99: Something"``) when it looks like a short code, otherwise :data:`NOT_SHOWN`. Anything that
    looks like an ID, a date or a postcode is never shown, whatever column it came from; nor is a word that
    could be a name (``'Smith'``, ``'Wu'``): a code shown holds a digit or is one or two capital letters."""
    s = " ".join(str(value).split())
    m = _CODE_LIKE.match(s)
    if m is None or _NOT_SHOWN.search(s):
        return NOT_SHOWN
    token = m.group(1)
    if not (any(ch.isdigit() for ch in token) or (token.isupper() and len(token) <= 2)):
        return NOT_SHOWN
    return f"'{m.group(1)}'"


def _short(text: str) -> str:
    """A header shortened for a message."""
    return text if len(text) <= 60 else text[:59] + "…"


class _Collector:
    """Problems for one sheet: rows not used (one per row) and grouped warnings."""

    def __init__(self, file: str, sheet: str | None, spec: ListSpec) -> None:
        self.file, self.sheet, self.spec = file, sheet, spec
        self.problems: list[Problem] = []

    def add(self, severity: str, kind: str, message: str, row: int | None = None,
            column: str | None = None, not_used: bool = False) -> None:
        self.problems.append(Problem(severity, kind, message, self.file, self.sheet, row, column, not_used))  # type: ignore[arg-type]

    def not_used(self, rows: np.ndarray, kind: str, message: str, column: str | None = None,
                 severity: str = "warning") -> None:
        for r in rows:
            self.add(severity, kind, message, int(r), column, True)

    def grouped(self, mask: pd.Series, rows: np.ndarray, kind: str, message: str, column: str | None,
                values: pd.Series | None = None) -> None:
        """One warning per (kind, column[, value]) listing the first rows; values only for code columns."""
        m = mask.fillna(False).to_numpy(dtype=bool)
        if not m.any():
            return
        if values is None:
            r = rows[m]
            self.add("warning", kind, f"{message} ({rows_text(r)}).", int(r[0]), column)
            return
        vals = values.to_numpy(dtype=object)[m]
        r_all = rows[m]
        keys = pd.Series(vals).astype("string").str.strip().map(quote)
        groups = list(keys.groupby(keys, sort=False).indices.items())
        for shown, idx in groups[:20]:
            r = r_all[idx]
            self.add("warning", kind, f"{message}: {shown} ({rows_text(r)}).", int(r[0]), column)
        if len(groups) > 20:
            rest = np.sort(r_all[np.concatenate([idx for _, idx in groups[20:]])])
            self.add("warning", kind, f"{message}: other values ({rows_text(rest)}).", int(rest[0]), column)


def _code_parser(key: str) -> Callable[[pd.Series], tuple[pd.Series, pd.Series]]:
    if key == "gender":
        return parse.parse_gender
    if key == "source":
        return parse.parse_referral_source
    if key in ("initial_category", "latest_category"):
        return parse.parse_abuse
    known = parse.KNOWN_CODES.get(key)
    return lambda s: parse.parse_codes(s, known)


def _grid(rows: list[list[object]], start: int) -> np.ndarray:
    data = rows[start:]
    width = max((len(r) for r in rows), default=0)
    arr = np.empty((len(data), width), dtype=object)
    arr[:] = ""
    for i, r in enumerate(data):
        arr[i, : len(r)] = r
    return arr


def _norm_col(values: np.ndarray) -> pd.Series:
    """Each cell as :func:`normalise_header` sees a header (text cells only; each distinct value once)."""
    s = pd.Series(values, dtype=object)
    u = s.unique()
    return s.map(dict(zip(u, (normalise_header(x) if isinstance(x, str) else "" for x in u), strict=True)))


def parse_sheet(raw: RawSheet, key: bytes) -> tuple[ListPart | None, list[Problem]]:
    """Read one raw sheet. Returns the list part (``None`` when the sheet holds no usable list) and the
    problems found at sheet level (guidance sheet, unneeded list, missing required column)."""
    problems = list(raw.problems)
    if not raw.rows:
        return None, problems
    where = {"file": raw.file, "sheet": raw.sheet}
    label = place(raw.file, raw.sheet)
    match = find_header(raw.rows, raw.sheet)
    if match is None:
        if any(c not in ("", None) for r in raw.rows[:200] for c in r):
            problems.append(Problem("info", "no_list_found",
                                    "No Annex A list headers here (guidance or notes?): skipped.", **where))
        return None, problems
    spec, h = match.spec, match.header_row
    arr = _grid(raw.rows, h + 1)
    empty = (arr == "") | pd.isna(arr)
    few = np.flatnonzero((~empty).sum(axis=1) <= 3)
    for i in few:  # cells holding only spaces count as empty (checked only where a row is nearly empty)
        for j in np.flatnonzero(~empty[i]):
            if isinstance(arr[i, j], str) and not arr[i, j].strip():
                empty[i, j] = True
    nonblank = ~empty.all(axis=1)
    arr, empty = arr[nonblank], empty[nonblank]
    excel_rows = (np.flatnonzero(nonblank) + h + 2).astype(np.int64)
    if not spec.used:
        problems.append(Problem("info", "list_not_needed",
                                f"List {spec.number} ({spec.title}) found "
                                f"({len(arr)} row{'s' if len(arr) != 1 else ''}), not needed by the model, so "
                                "not read.", **where))
        return None, problems
    by_pos = {pos: j for j, pos in match.columns.items()}
    headers = {f.key: match.headers[by_pos[i]] for i, f in enumerate(spec.fields)
               if i in by_pos and f.key is not None}
    for i, f in enumerate(spec.fields):
        if f.required and i not in by_pos:
            alts = "', '".join(f.aliases[:3])
            problems.append(Problem(  # a warning: the list may be found elsewhere (else list_not_found errs)
                "warning", "missing_required_column",
                f"List {spec.number} ({spec.title}) in {label} has no '{f.header}' column (nor '{alts}'), so "
                f"its rows cannot be used: add or rename that column.", row=h + 1, **where))
            return None, problems
    col = _Collector(raw.file, raw.sheet, spec)
    for i, f in enumerate(spec.fields):
        if f.key is not None and f.kind != "drop" and i not in by_pos:
            col.add("warning", "missing_column",
                    f"List {spec.number} ({spec.title}) has no '{f.header}' column; it is treated as not "
                    "recorded.", h + 1,
                    f.header)
    for j in match.unmatched:
        col.add("info", "extra_column", f"Column '{_short(match.headers[j])}' is not an Annex A List "
                                        f"{spec.number} column: ignored.", h + 1, match.headers[j])
    for j in match.duplicates:
        col.add("warning", "duplicate_column", f"Column '{_short(match.headers[j])}' repeats an earlier column "
                                               f"of List {spec.number}: only the first is read.", h + 1,
                match.headers[j])

    n = len(arr)
    used = np.ones(n, dtype=bool)
    id_j = by_pos[next(i for i, f in enumerate(spec.fields) if f.kind == "id")]
    date_i = next(i for i, f in enumerate(spec.fields) if f.key == spec.date_key)
    date_j = by_pos[date_i]
    # Filter rows: the header repeated (as after an Excel filter or a paste of several blocks).
    norm_headers = {j: normalise_header(match.headers[j]) for j in (id_j, date_j)}
    repeated = ((_norm_col(arr[:, id_j]) == norm_headers[id_j]) |
                (_norm_col(arr[:, date_j]) == norm_headers[date_j])).to_numpy(dtype=bool)
    col.not_used(excel_rows[repeated], "repeated_header", "This row repeats the headers (a filter or pasted "
                 "header row): not used.", severity="info")
    used &= ~repeated
    # Notes rows: one cell of free text, e.g. "Data extracted on ..." under the list.
    single = (~empty).sum(axis=1) == 1
    notes = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(single & used):
        cell = arr[i][~empty[i]][0]
        notes[i] = isinstance(cell, str) and any(ch.isalpha() for ch in cell) and " " in cell.strip()
    col.not_used(excel_rows[notes], "notes_row", "A note, not a child's row (text in one cell only): not used.",
                 severity="info")
    used &= ~notes

    values: dict[str, pd.Series] = {}
    kept_fields: list[Field] = [f for f in spec.fields if f.key is not None and f.kind != "drop"]
    for f in kept_fields:
        i = spec.fields.index(f)
        values[f.key] = pd.Series(arr[:, by_pos[i]] if i in by_pos else np.full(n, "", dtype=object),
                                  dtype=object)
    id_header = headers["child_id"]
    ids = parse.normalise_ids(values["child_id"])
    col.grouped(ids.str.fullmatch(r"\d(?:\.\d+)?E\+?\d+").fillna(False) & pd.Series(used), excel_rows,
                "id_in_scientific_notation", f"'{id_header}' holds IDs in scientific notation (like 1.2E+11), which "
                "have lost digits, so different children may look the same; export the IDs as text", id_header)
    no_id = ids.isna().to_numpy() & used
    col.not_used(excel_rows[no_id], "missing_id", f"No child ID in '{id_header}': the row cannot be linked to "
                 "a child, so it is not used.", id_header)
    used &= ~no_id

    out: dict[str, pd.Series] = {}
    for f in kept_fields:
        if f.kind != "date":
            continue
        dates, bad = parse.parse_dates(values[f.key])
        header = headers.get(f.key, f.header)
        # Dates before 1900 or after 2100 are impossible; a far-future end date means "no end date".
        span = parse.out_of_range_dates(values[f.key]) if bad.any() else pd.Series(pd.NA, index=bad.index,
                                                                                      dtype="string")
        late = (span == "late").fillna(False).to_numpy(dtype=bool) & bad.to_numpy()
        early = (span == "early").fillna(False).to_numpy(dtype=bool) & bad.to_numpy()
        if f.key == "end_date" and late.any():
            r = excel_rows[late & used]
            if len(r):
                col.add("info", "open_end_date",
                        f"'{header}' holds a date after 2100 ({rows_text(r)}): case systems write a far-future "
                        "date to mean 'no end date', so these are read as open.", int(r[0]), header)
            bad = bad & ~pd.Series(late, index=bad.index)
            late = np.zeros(n, dtype=bool)
        far = late | early
        # Month/day/year text (12/31/2020) is unreadable and never swapped: the column's order is ambiguous.
        us = (parse.us_order_dates(values[f.key]).to_numpy() & bad.to_numpy() & used if bad.any()
              else np.zeros(n, dtype=bool))
        us_text = f"'{header}' looks like a US date (month/day/year); Annex A dates are day/month/year"
        if us.any():
            r = excel_rows[us]
            col.add("warning", "us_date_order",
                    f"'{header}' has dates in US month/day/year order ({rows_text(r)}), but Annex A uses "
                    "day/month/year. Those dates were not read, and dates in this column that fit both orders "
                    "(such as 03/04/2020) were read as day/month/year, so they may be wrong. Fix the export so "
                    "that every date in this column is day/month/year, then read the file again.",
                    int(r[0]), header)
        if f.key == spec.date_key:
            unusable = dates.isna().to_numpy() & used
            col.not_used(excel_rows[unusable & us], "unreadable_date", f"{us_text}: the row is not used.",
                         header)
            for mask, when in ((late, "after 2100"), (early, "before 1900")):
                col.not_used(excel_rows[unusable & mask], "unreadable_date",
                             f"'{header}' is a date {when}, which cannot be right: the row is not used. "
                             "Correct the date in the file and read it again.", header)
            col.not_used(excel_rows[unusable & bad.to_numpy() & ~us & ~far], "unreadable_date",
                         f"'{header}' is not a readable date: the row is not used.", header)
            col.not_used(excel_rows[unusable & ~bad.to_numpy()], "missing_date",
                         f"'{header}' is blank: the row is not used.", header)
            used &= ~unusable
        else:
            col.grouped(pd.Series(us), excel_rows, "bad_date", f"{us_text} (left blank)", header)
            for mask, when in ((late, "after 2100"), (early, "before 1900")):
                col.grouped(pd.Series(mask & used), excel_rows, "impossible_date",
                            f"'{header}' is a date {when}, which cannot be right (left blank)", header)
            col.grouped(bad & used & ~us & ~far, excel_rows, "bad_date",
                        f"'{header}' is not a readable date (left blank)", header)
        out[f.key] = dates
    dob = out.get("birth_month")
    for f in kept_fields:
        header = headers.get(f.key, f.header)
        if f.kind == "int":
            ints, bad = parse.parse_ints(values[f.key])
            col.grouped(bad & used, excel_rows, "bad_number", f"'{header}' is not a whole number (left blank)",
                        header)
            out[f.key] = ints
        elif f.kind == "bool":
            bools, bad = parse.parse_bools(values[f.key])
            col.grouped(bad & used, excel_rows, "unknown_code", f"'{header}' is not yes/no (left blank)", header,
                        values[f.key])
            out[f.key] = bools
        elif f.kind == "code":
            codes, bad = _code_parser(f.key)(values[f.key])
            if f.key in headers:
                col.grouped(bad & used, excel_rows, "unknown_code", f"'{header}' has a code csc-demand does not "
                            "know", header, values[f.key])
            out[f.key] = codes

    # Impossible values: warnings, the row is kept.
    event = out[spec.date_key]
    if "age_years" in out and "age_years" in headers:
        age = out["age_years"]
        odd = ((age < MIN_AGE_YEARS) | (age > MAX_AGE_YEARS)).fillna(False).to_numpy(dtype=bool) & used
        col.grouped(pd.Series(odd), excel_rows, "age_out_of_range",
                    f"'{headers['age_years']}' is outside {MIN_AGE_YEARS} to {MAX_AGE_YEARS} years",
                    headers["age_years"])
    if dob is not None and "birth_month" in headers:
        # Unborn children are referred and put on plans before birth; they cannot start care before it.
        slack = pd.Timedelta(0) if spec.table == "looked_after" else pd.Timedelta(days=PREGNANCY_DAYS)
        later = (dob > event + slack).fillna(False).to_numpy(dtype=bool) & used
        after = "after" if spec.table == "looked_after" else "more than 40 weeks after"
        col.grouped(pd.Series(later), excel_rows, "birth_after_event",
                    f"'{headers['birth_month']}' is {after} '{headers[spec.date_key]}'", headers["birth_month"])
        out["birth_month"] = parse.first_of_month(dob)
    for a, b in DATE_ORDER:
        if a in out and b in out and a in headers and b in headers:
            wrong = (out[b] < out[a]).fillna(False).to_numpy(dtype=bool) & used
            col.grouped(pd.Series(wrong), excel_rows, "end_before_start",
                        f"'{headers[b]}' is before '{headers[a]}'", headers[b])

    if "legal_status" in out:
        short = out["legal_status"].isin(list(SHORT_BREAK_LEGAL_STATUSES)).fillna(False).to_numpy(dtype=bool) & used
        col.not_used(excel_rows[short], "short_break", "Short-break care (legal status V3/V4) is not a period of "
                     "care for demand purposes: not used.", headers.get("legal_status"), severity="info")
        used &= ~short

    frame = pd.DataFrame({k: out[k] if k != "child_id" else ids for k in
                          [f.key for f in kept_fields]})
    frame = frame.loc[used].reset_index(drop=True)
    frame["child_id"] = pseudonymise(frame["child_id"].astype("string"), key)
    frame["_row"] = excel_rows[used]
    dup_keys = [tuple(r) for r in arr[used]]
    part = ListPart(spec, raw.file, raw.sheet, h + 1, frame, dup_keys, n, headers, col.problems)
    return part, problems
