"""Finding the header row of a sheet, matching headers to Annex A columns, and identifying the list.

Headers are compared after :func:`normalise_header` (case, spaces, curly quotes, punctuation such as
``?`` and ``(Y/N)`` ignored), exactly against each column's official header and aliases from
:mod:`csc_demand.tables`, then fuzzily (difflib ratio >= 0.9) to forgive typos; headers under eight
characters (``DOB``, ``URN``, ``UASC``) match only exactly. A list is identified by
which list has the most matched *distinctive* columns (those not shared by every child list, e.g. its
dates), then the most matched columns overall, then the sheet name; never by the sheet name alone.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from csc_demand.io.formats import identify
from csc_demand.schema import LISTS, Field, ListSpec

#: Rows searched for the header row.
HEADER_SEARCH_ROWS = 20
#: Fuzzy-match threshold (difflib ratio on normalised text).
FUZZY_RATIO = 0.9
#: Headers shorter than this (normalised) match only exactly, on either side: short names such as ``DOB``,
#: ``URN`` or ``UASC`` are one typo away from other words. (SSDA903 tables, whose short column names such as
#: ``DEC`` and ``DECOM`` are one typo apart, are recognised by :mod:`csc_demand.io.formats` before any sheet
#: is matched to a list here, and are never read as a list.)
FUZZY_MIN_CHARS = 8

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "\u00a0": " ",
                         "–": "-", "—": "-"})


def normalise_header(text: object) -> str:
    """Header text reduced for comparison: words split where a database export ran them together
    (``ChildID``), lower case, straight quotes, no column numbering (``6.``), no ``(Y/N)`` or
    ``(DD/MM/YYYY)`` hints, no punctuation, single spaces, ``LAC``/``CLA`` read as ``looked after``."""
    s = str(text).translate(_QUOTES)
    if not re.search(r"\s", s.strip()):  # one run-together word from a database: "ChildID", "CPPlanStartDate"
        s = re.sub(r"([a-z])([A-Z])|([A-Z])([A-Z][a-z])", r"\1\3 \2\4", s)
    s = s.lower()
    s = re.sub(r"^\s*\d{1,2}\s*[.)]\s+", "", s)  # column numbering: "6. Date of referral", "6) ..."
    s = re.sub(r"\(\s*(?:y\s*/\s*n|yes\s*/\s*no|d{1,2}\s*/\s*m{1,2}\s*/\s*y{2,4})\s*\)", " ", s)  # hints
    s = s.replace("&", " and ")
    s = re.sub(r"[^a-z0-9]+", " ", s)
    s = re.sub(r"\b(?:lac|cla)\b", "looked after", s)  # "Date Started to be LAC", "CLA Start Date"
    return " ".join(s.split())


def _names(f: Field) -> list[str]:
    return [normalise_header(n) for n in (f.header, *f.aliases)]


#: Headers found in more than one list (child details, staff): they cannot tell the lists apart.
_COMMON_HEADERS = {h for h, n in Counter(normalise_header(f.header) for s in LISTS for f in s.fields).items()
                   if n > 1}


def _distinctive(f: Field) -> bool:
    return normalise_header(f.header) not in _COMMON_HEADERS


def _build_index() -> dict[int, dict[str, int]]:
    by_list: dict[int, dict[str, int]] = {}
    for spec in LISTS:
        names: dict[str, int] = {}
        for i, f in enumerate(spec.fields):
            for n in _names(f):
                names.setdefault(n, i)
        by_list[spec.number] = names
    return by_list


_BY_LIST = _build_index()
_ALL_NAMES = sorted({n for names in _BY_LIST.values() for n in names})
_FUZZY_NAMES = [n for n in _ALL_NAMES if len(n) >= FUZZY_MIN_CHARS]
_SPECS = {s.number: s for s in LISTS}


@lru_cache(maxsize=4096)
def _fuzzy(norm: str) -> str | None:
    """The known header closest to ``norm`` if its ratio is at least :data:`FUZZY_RATIO`."""
    if len(norm) < FUZZY_MIN_CHARS or len(norm) > 200:
        return None
    best, best_ratio = None, FUZZY_RATIO
    matcher = difflib.SequenceMatcher(None, b=norm, autojunk=False)
    for name in _FUZZY_NAMES:
        if abs(len(name) - len(norm)) > 0.2 * max(len(name), len(norm)):
            continue
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        r = matcher.ratio()
        if r >= best_ratio and (best is None or r > best_ratio):
            best, best_ratio = name, r
    return best


def _canonical(cell: object, fuzzy: bool) -> str | None:
    if cell is None or not isinstance(cell, str):
        return None
    norm = normalise_header(cell)
    if not norm:
        return None
    if norm in _KNOWN:
        return norm
    return _fuzzy(norm) if fuzzy else None


_KNOWN = set(_ALL_NAMES)

_SHEET_HINTS: tuple[tuple[str, int], ...] = (
    (r"contact", 1), (r"early help", 2), (r"referral", 3), (r"assessment", 4), (r"s ?47|section 47", 5),
    (r"\bcin\b|in need", 6), (r"\bcp\b|protection", 7), (r"looked after|in care", 8),
    (r"leaver", 9), (r"adopter", 11), (r"adoption", 10),
)


def sheet_hint(sheet_name: str | None) -> int | None:
    """The list number a sheet's name suggests (``List_3``, ``L7 - CP``, ``Referrals``), if any."""
    if not sheet_name:
        return None
    s = normalise_header(sheet_name)
    m = re.match(r"^(?:list|l)\s*(\d{1,2})(?!\d)", s)
    if m and 1 <= int(m.group(1)) <= 11:
        return int(m.group(1))
    for pattern, number in _SHEET_HINTS:
        if re.search(pattern, s):
            return number
    return None


@dataclass(frozen=True)
class HeaderMatch:
    """The header row of a sheet and the list it holds.

    ``header_row`` is the 0-based index into the sheet's rows; ``columns`` maps a sheet column index to
    the position of the matched field in ``spec.fields``; ``headers`` holds the header text as written
    (for messages); ``unmatched`` the sheet columns with a header that matched nothing in this list.
    """

    spec: ListSpec
    header_row: int
    columns: dict[int, int]
    headers: dict[int, str]
    unmatched: tuple[int, ...]
    duplicates: tuple[int, ...]


def _score(canon: list[str | None], number: int) -> tuple[int, int]:
    names = _BY_LIST[number]
    spec = _SPECS[number]
    seen: set[int] = set()
    distinctive = 0
    for c in canon:
        if c is None or c not in names:
            continue
        pos = names[c]
        if pos in seen:
            continue
        seen.add(pos)
        distinctive += _distinctive(spec.fields[pos])
    return distinctive, len(seen)


def _best_list(canon: list[str | None], hint: int | None) -> tuple[int, int, int] | None:
    """(list number, distinctive matches, all matches) of the best list for a row, or None."""
    best = None
    for number in _BY_LIST:
        d, n = _score(canon, number)
        if d == 0:
            continue
        key = (d, n, number == hint)
        if best is None or key > best[0]:
            best = (key, number)
    if best is None:
        return None
    (d, n, _), number = best
    return number, d, n


def _row_matches(row: list[object], fuzzy: bool) -> list[str | None]:
    return [_canonical(c, fuzzy) for c in row]


def find_header(rows: list[list[object]], sheet_name: str | None = None) -> HeaderMatch | None:
    """Detect the header row among the first :data:`HEADER_SEARCH_ROWS` rows and identify the list.

    The header row is the first row where at least two non-empty cells match known headers (exact match
    first; if no row qualifies, fuzzy matching is tried). Returns ``None`` when no row looks like Annex A
    headers (a guidance or notes sheet), and for a table of another registered input format (an SSDA903
    table, :func:`csc_demand.io.formats.identify`), which is never an Annex A list.
    """
    if identify(rows) is not None:
        return None
    hint = sheet_hint(sheet_name)
    top = rows[:HEADER_SEARCH_ROWS]
    for fuzzy in (False, True):
        for r, row in enumerate(top):
            canon = _row_matches(row, fuzzy)
            if sum(c is not None for c in canon) < 2:
                continue
            best = _best_list(canon, hint)
            if best is None:
                continue
            if not fuzzy:
                canon = _row_matches(row, True)  # forgive typos in the other headers of this row
                best = _best_list(canon, hint) or best
            return _mapping(_SPECS[best[0]], r, row, canon)
    return None


def _mapping(spec: ListSpec, r: int, row: list[object], canon: list[str | None]) -> HeaderMatch:
    names = _BY_LIST[spec.number]
    columns: dict[int, int] = {}
    headers: dict[int, str] = {}
    unmatched: list[int] = []
    duplicates: list[int] = []
    claimed: set[int] = set()
    for j, (cell, c) in enumerate(zip(row, canon)):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        headers[j] = " ".join(text.split())
        if c is None or c not in names:
            unmatched.append(j)
            continue
        pos = names[c]
        if pos in claimed:
            duplicates.append(j)
            continue
        claimed.add(pos)
        columns[j] = pos
    return HeaderMatch(spec, r, columns, headers, tuple(unmatched), tuple(duplicates))

