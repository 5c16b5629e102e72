"""The extract date: from the user, else from a file or folder name, else the latest event in the lists."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTH_WORD = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
               r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ymd", r"(?<!\d)(\d{4})[-_.](\d{1,2})[-_.](\d{1,2})(?!\d)"),
    ("ymd", r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
    ("dmy", r"(?<!\d)(\d{1,2})[-_.](\d{1,2})[-_.](\d{4})(?!\d)"),
    ("dmony", r"(?<![\d])(\d{1,2})[ _\-.]?" + _MONTH_WORD + r"[ _\-.,]*((?:19|20)\d{2})(?!\d)"),
    ("mony", r"(?<![a-z])" + _MONTH_WORD + r"[ _\-.,]*((?:19|20)\d{2})(?!\d)"),
)


def _valid(year: int, month: int, day: int) -> pd.Timestamp | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return pd.Timestamp(year=year, month=month, day=day)
    except ValueError:
        return None


def date_from_name(name: str) -> pd.Timestamp | None:
    """The extract date a file or folder name holds, if any.

    Reads ``2020-12-31``, ``20201231``, ``31-12-2020``, ``31.12.2020``, ``31 Dec 2020``, and ``Dec 2020`` /
    ``December 2020`` (→ the last day of that month).
    """
    s = name.lower()
    for kind, pattern in _PATTERNS:
        for m in re.finditer(pattern, s):
            g = m.groups()
            if kind == "ymd":
                d = _valid(int(g[0]), int(g[1]), int(g[2]))
            elif kind == "dmy":
                d = _valid(int(g[2]), int(g[1]), int(g[0]))
            elif kind == "dmony":
                d = _valid(int(g[2]), _MONTHS[g[1][:3]], int(g[0]))
            else:
                first = _valid(int(g[1]), _MONTHS[g[0][:3]], 1)
                d = None if first is None else first + pd.offsets.MonthEnd(0)
            if d is not None:
                return d
    return None


def parse_user_date(text: str | pd.Timestamp | None) -> pd.Timestamp | None:
    """The user's ``--extract-date`` (``YYYY-MM-DD``, or ``DD/MM/YYYY``) as a Timestamp at midnight."""
    if text is None:
        return None
    if isinstance(text, pd.Timestamp):
        return text.normalize()
    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s) or None
    d = None
    if m:
        d = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s)
        if m:
            d = _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if d is None:
        raise CscDemandError(f"The extract date '{s}' is not a date: write it as YYYY-MM-DD, e.g. 2020-12-31.")
    return d


def latest_event(dates: list[pd.Series], today: pd.Timestamp | None = None) -> pd.Timestamp | None:
    """The latest date in the given columns that is not after today (later dates are typos or
    expected dates, not events)."""
    today = (today or pd.Timestamp.now()).normalize()
    best = None
    for s in dates:
        s = s[s <= today]
        if len(s) and s.notna().any():
            m = s.max()
            best = m if best is None or m > best else best
    return best


#: A latest date that stands this far (days) after the rest of the lists' dates, held by only a few cells,
#: is not the extract date: a typo (31/03/2021 for 31/12/2020) would otherwise move the whole forecast.
OUTLIER_GAP_DAYS = 14
#: "Only a few cells": at most this many (or one in a thousand dated cells, if more) ...
OUTLIER_MAX_CELLS = 5
#: ... and the bulk before the gap at least this many times as many cells.
BULK_PER_OUTLIER = 20


def latest_of_bulk(dates: pd.Series, today: pd.Timestamp | None = None) -> tuple[pd.Timestamp | None, int]:
    """The latest event date of the bulk of the lists, and how many later dates stand apart from it.

    Dates after today are left out (they are typos or expected dates, not events). Going back from the
    latest date, a gap of more than :data:`OUTLIER_GAP_DAYS` days with only a few cells after it
    (:data:`OUTLIER_MAX_CELLS`, or one in a thousand) and at least :data:`BULK_PER_OUTLIER` times as many
    before it marks those few as outliers; the deepest such gap is used, so several typos are all found.
    Returns ``(None, 0)`` when no date is left.
    """
    today = (today or pd.Timestamp.now()).normalize()
    d = pd.to_datetime(dates, errors="coerce").to_numpy(dtype="datetime64[ns]")
    d = np.sort(d[~np.isnat(d) & (d <= np.datetime64(today))])[::-1]
    if not len(d):
        return None, 0
    limit = max(OUTLIER_MAX_CELLS, len(d) // 1000)
    top = d[: limit + 1]
    gaps = (top[:-1] - top[1:]) / np.timedelta64(1, "D")
    apart = np.flatnonzero(gaps > OUTLIER_GAP_DAYS)  # position i: top[i] is OUTLIER_GAP_DAYS after top[i + 1]
    apart = apart[len(d) - (apart + 1) >= BULK_PER_OUTLIER * (apart + 1)]
    if not len(apart):
        return pd.Timestamp(d[0]), 0
    n = int(apart[-1]) + 1
    return pd.Timestamp(d[n]), n
