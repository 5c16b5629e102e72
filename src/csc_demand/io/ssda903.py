"""SSDA903 returns (the children looked after return every LA sends the DfE) → periods of care.

A 903 return holds every episode of care in a year (an episode is a spell in one placement under one
legal status), so a few years of returns give every period of care of those years, start to end. The
reader takes the return's ``header``, ``episodes`` and ``uasc`` tables, for one or many years, as CSV files
or sheets (as the DfE specifies them and as LAs export them: ``dd/mm/yyyy`` or ISO dates, extra columns,
header case and spacing varying) or as the 903 XML (``CHILD`` elements holding a ``HEADER`` and
``EPISODE`` elements, as in the ``EXPSSDA903`` files LAs submit, or ``Message/Children/Child`` with
``Header`` and ``Episodes/Episode``). Tables are recognised by their columns (:mod:`csc_demand.io.formats`)
whatever the files are called; the other 903 tables (reviews, missing, OC2, OC3, AD1...) are noted and
skipped.

How the returns become periods of care:

- **the return's year**: from the file, sheet or folder name (``2019-episodes.csv``, ``2018-19``, or a full
  date such as ``episodes 2021-12-31.csv`` for an in-year extract), else from its latest dates. A return
  runs to 31 March of its year; when a single year's dates run on to the next March (``2017`` holding April
  2017 to March 2018), the name is read as the year that starts then, and a note says so;
- **the same episode in two returns** (same child and start date) is counted once, from the later return;
- **duplicates** within a return (same child and start date) keep one row: the one with the latest end
  date; each other is a row not used;
- **overlaps**: an episode still open, or ending after the same child's next episode starts, is taken to end
  the day the next one starts; an episode still open at the end of its return but absent from every later
  return is taken to end on the last day of its return;
- **short breaks** (legal status V3/V4) are not periods of care for demand purposes: not used, as for List 8;
- **periods of care**: a child's episodes run together while each starts the day the previous one ended and
  its ``RNE`` (reason for new episode) is not ``S`` (started to be looked after); ``RNE == "S"`` or a gap
  starts a new period;
- **the extract date** (``extract_date``, default the end of the latest return) cuts everything: episodes
  starting after it are not used, and those ending after it are open.

Each period has the columns of :attr:`csc_demand.tables.AnnexA.looked_after` (List 8), so the model can
use it directly: pseudonymised ``child_id`` (the same keyed hash as the Annex A lists), ``start_date``,
``end_date`` (``NaT`` when open at the extract date), ``reason_ceased`` of the last episode, ``legal_status``
at the start, ``placement_type`` and ``category_of_need`` of the latest episode with ``placement_group``,
``uasc`` from the UASC table (or a header's ``UASC``/``DUC`` fields), ``gender``, ``birth_month`` and
``age_years`` at the row's ``extract_date`` from the header. Names, postcodes (``HOME_POST``, ``PL_POST``),
``UPN``, ``URN``, ethnicity and exact dates of birth are never copied out of the files.

Problem kinds (``Problem.kind``, located by file, sheet, row (an XML element's line) and column where they
concern a row); (*) marks rows not used: ``missing_id`` (*), ``missing_date`` (*) / ``unreadable_date`` (*)
(``DECOM``), ``end_before_start`` (*), ``short_break`` (*, info), ``repeated_header`` (*, info),
``duplicate_episode`` (*), ``after_extract_date`` (*, info); ``overlapping_episodes`` and
``open_episode_not_in_later_return`` (warnings: the end date was set as said); ``bad_date``,
``unknown_code``, ``missing_column``, ``after_return_end`` (warnings, the rows kept); notes (info):
``return_year`` (a year in a name read as the year starting then), ``partial_return``,
``open_at_extract_date``, ``episode_gap``, ``period_start_not_seen``, ``table_not_needed``,
``extra_column``. The Annex A reader adds ``ssda903_only`` (error: returns without the lists) and
``ssda903_unusable`` (warning: returns that could not be read beside lists that could).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.parsers import expat

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io import parse
from csc_demand.io.extract_date import date_from_name, latest_of_bulk, parse_user_date
from csc_demand.io.formats import FORMATS_BY_NAME, Identified, TableFormat, column_key, identify
from csc_demand.io.merge import _typed
from csc_demand.io.pseudonymise import pseudonymise
from csc_demand.io.sheet import _Collector, rows_text
from csc_demand.io.sources import InputFile, RawSheet, collect_inputs, raw_sheets
from csc_demand.schema import LOOKED_AFTER
from csc_demand.tables import SHORT_BREAK_LEGAL_STATUSES, Problem, QualityReport

#: The only columns copied out of a 903 table (everything else, postcodes, UPN and URN included, is left in
#: the file).
KEPT_COLUMNS = frozenset({"CHILD", "DECOM", "DEC", "RNE", "LS", "CIN", "PLACE", "REC", "SEX", "DOB", "UASC", "DUC"})
#: Reasons for a new episode (``RNE``): S started to be looked after; L legal status changed; P placement
#: changed; T, U, B both changed.
RNE_CODES = frozenset({"S", "L", "P", "T", "U", "B"})
#: ``RNE`` codes that start a new placement.
PLACEMENT_RNE = ("S", "P", "T", "U", "B")
#: ``REC`` for an episode that ended while the child stayed looked after.
REC_CONTINUES = "X1"
#: A return's dates may run past its end by this share (typos, synthetic noise) before the next year is tried.
LATE_SHARE = 0.01

_EPISODES, _HEADER, _UASC = "ssda903_episodes", "ssda903_header", "ssda903_uasc"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:[-_ /]?(\d{2}))?(?!\d)")
_XML_HEAD = re.compile(rb"^\s*(?:<\?xml|<!--|<[A-Za-z])")


# --- the tables as found ------------------------------------------------------------------------------------


@dataclass
class RawTable:
    """One SSDA903 table as found in a file: only the columns csc-demand reads (:data:`KEPT_COLUMNS`).

    ``cells`` maps a column key to its cells (one per data row), ``headers`` a column key to the header as
    written, ``rows`` holds the spreadsheet row (CSV or XML line) of each data row, ``header_row`` the
    row of the headers (``None`` for XML), ``extra`` the headers of columns that are not the format's and
    ``reference_date`` the collection's reference date an XML file states (if any).
    """

    format: TableFormat
    file: str
    sheet: str | None
    folder: str | None
    cells: dict[str, np.ndarray]
    headers: dict[str, str]
    rows: np.ndarray
    header_row: int | None = None
    extra: tuple[str, ...] = ()
    reference_date: pd.Timestamp | None = None

    @property
    def location(self) -> str:
        """``file › sheet (headers in row N)``, or ``file (XML)``."""
        where = f"{self.file} › {self.sheet}" if self.sheet else self.file
        return f"{where} (headers in row {self.header_row})" if self.header_row else f"{where} (XML)"

    def column(self, key: str) -> pd.Series:
        """The cells of a column as objects (empty text where the table has no such column)."""
        values = self.cells.get(key)
        return pd.Series(values if values is not None else np.full(len(self.rows), "", dtype=object), dtype=object)

    def names(self) -> list[tuple[str, str]]:
        """Where the return's year may be written: ``(what, text)`` for the sheet, file and folder names."""
        return [(w, n) for w, n in (("sheet name", self.sheet), ("file name", self.file),
                                    ("folder name", self.folder)) if n]


def _from_sheet(raw: RawSheet, found: Identified, folder: str | None) -> RawTable:
    """The kept columns of a sheet holding a 903 table (blank rows left out)."""
    data = raw.rows[found.header_row + 1:]
    width = len(found.keys)
    grid = np.empty((len(data), width), dtype=object)
    grid[:] = ""
    for i, r in enumerate(data):
        grid[i, : min(len(r), width)] = r[:width]
    blank = ((grid == "") | pd.isna(grid)).all(axis=1) if len(grid) else np.zeros(0, dtype=bool)
    header = raw.rows[found.header_row]
    cells: dict[str, np.ndarray] = {}
    headers: dict[str, str] = {}
    extra: list[str] = []
    for j, k in enumerate(found.keys):
        if not k:
            continue
        if k in KEPT_COLUMNS and k not in cells:
            cells[k] = grid[~blank, j]
            headers[k] = " ".join(str(header[j]).split())
        elif k not in found.format.columns and k not in KEPT_COLUMNS:
            extra.append(" ".join(str(header[j]).split()))
    rows = (np.flatnonzero(~blank) + found.header_row + 2).astype(np.int64)
    return RawTable(found.format, raw.file, raw.sheet, folder, cells, headers, rows, found.header_row + 1,
                    tuple(extra))


def split_sheets(sheets: list[RawSheet], folder: str | None = None) -> tuple[list[RawSheet], list[RawTable]]:
    """The sheets that are not 903 tables (for the Annex A reader), and the 903 tables among them."""
    others: list[RawSheet] = []
    tables: list[RawTable] = []
    for raw in sheets:
        found = identify(raw.rows) if raw.rows else None
        if found is None:
            others.append(raw)
        else:
            tables.append(_from_sheet(raw, found, folder))
    return others, tables


def is_xml(f: InputFile) -> bool:
    """Whether an input file is XML (by its name, or by its first bytes for a file with another name)."""
    return f.suffix == ".xml" or (f.is_text and bool(_XML_HEAD.match(f.data[:200].lstrip(b"\xef\xbb\xbf"))))


def input_tables(f: InputFile) -> tuple[list[RawSheet], list[RawTable]]:
    """One input file's sheets for the Annex A reader, and its 903 tables (an XML file is only the latter).

    Raises :class:`CscDemandError` for a file that cannot be read."""
    if is_xml(f):
        return [], xml_tables(f)
    return split_sheets(raw_sheets(f), f.folder)


# --- XML ----------------------------------------------------------------------------------------------------


class _Node:
    """An element being read: its tag (as :func:`column_key` writes it), line, text, leaf values and, for a
    child's record, its episodes."""

    __slots__ = ("tag", "line", "text", "leaves", "episodes", "has_children")

    def __init__(self, tag: str, line: int) -> None:
        self.tag, self.line = tag, line
        self.text: list[str] = []
        self.leaves: dict[str, str] = {}
        self.episodes: list[tuple[int, dict[str, str]]] = []
        self.has_children = False


class _Refused(Exception):
    """A document type declaration (entities could expand without bound): not read."""


def _local(tag: str) -> str:
    return column_key(tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1])


def _xml_records(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[tuple[int, dict[str, str]]],
                                        Counter[str], dict[str, str]]:
    """The children's header values and episodes of a 903 XML document, with their line numbers; the other
    groups of values inside a child's record (reviews, missing episodes, OC2...) counted by tag; and the
    values outside any child's record (the collection's details)."""
    parser = expat.ParserCreate()
    stack: list[_Node] = []
    children: list[tuple[int, dict[str, str]]] = []
    episodes: list[tuple[int, dict[str, str]]] = []
    ignored: Counter[str] = Counter()
    meta: dict[str, str] = {}

    def refuse(*_: object) -> None:
        raise _Refused

    def start(tag: str, _attrs: object) -> None:
        if stack:
            stack[-1].has_children = True
        stack.append(_Node(_local(tag), parser.CurrentLineNumber))

    def chars(text: str) -> None:
        if stack:
            stack[-1].text.append(text)

    def end(_tag: str) -> None:
        node = stack.pop()
        if not node.has_children:
            if stack:
                stack[-1].leaves.setdefault(node.tag, "".join(node.text).strip())
            return
        record = next((n for n in reversed(stack) if n.tag == "CHILD"), None)
        if node.tag == "EPISODE" and record is not None:
            record.episodes.append((node.line, node.leaves))
        elif node.tag in ("HEADER", "UASC") and record is not None:
            for k, v in node.leaves.items():
                record.leaves.setdefault(k, v)
            if node.tag == "UASC":
                record.leaves.setdefault("UASC", "1")
        elif node.tag == "CHILD" and record is None:
            children.append((node.line, node.leaves))
            child = node.leaves.get("CHILD", "")
            episodes.extend((line, {**leaves, "CHILD": child}) for line, leaves in node.episodes)
        elif record is not None:
            if node.leaves:
                ignored[node.tag] += 1
        else:
            meta.update(node.leaves)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.Parse(data, True)
    return children, episodes, ignored, meta


def _xml_table(fmt: TableFormat, f: InputFile, records: list[tuple[int, dict[str, str]]],
               reference: pd.Timestamp | None) -> RawTable:
    keys = [k for k in sorted(KEPT_COLUMNS) if any(k in leaves for _, leaves in records)]
    cells = {k: np.array([leaves.get(k, "") for _, leaves in records], dtype=object) for k in keys}
    rows = np.array([line for line, _ in records], dtype=np.int64)
    return RawTable(fmt, f.name, None, f.folder, cells, {k: k for k in keys}, rows, None, (), reference)


def xml_tables(f: InputFile) -> list[RawTable]:
    """The header and episodes tables of a 903 XML file (row numbers are the elements' line numbers);
    an empty list for XML that holds no 903 return. Raises :class:`CscDemandError` for a file that is not
    well-formed XML or declares a document type."""
    try:
        children, episodes, ignored, meta = _xml_records(f.data)
    except _Refused:
        raise CscDemandError(f"{f.name} declares a document type (DTD), which csc-demand does not read, for "
                             "safety. Export the return again as plain XML (or as CSV files).") from None
    except expat.ExpatError as exc:
        raise CscDemandError(f"{f.name} is not well-formed XML (line {exc.lineno}): it may be incomplete. "
                             "Export the return again.") from None
    if not any(leaves.get("CHILD") for _, leaves in children):
        return []
    reference, _ = parse.parse_dates(pd.Series([meta.get("REFERENCEDATE", "")], dtype=object))
    ref = None if pd.isna(reference.iloc[0]) else pd.Timestamp(reference.iloc[0])
    tables = [_xml_table(FORMATS_BY_NAME[_HEADER], f, children, ref)]
    if episodes:
        tables.append(_xml_table(FORMATS_BY_NAME[_EPISODES], f, episodes, ref))
    if ignored:
        tables[0].extra = tuple(f"{tag} ({n:,})" for tag, n in sorted(ignored.items()))
    return tables


# --- the result ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Return903:
    """One year's return (or an in-year extract): the day it runs to, how that was found (``"file name"``,
    ``"folder name"``, ``"sheet name"``, ``"XML reference date"`` or ``"latest dates"``), where its episodes
    were read and how many rows they had."""

    end: pd.Timestamp
    how: str
    sources: tuple[str, ...]
    episodes_read: int


@dataclass
class Ssda903:
    """SSDA903 returns read into periods of care (:func:`read_ssda903`).

    ``periods``: one row per period of care with the columns of :attr:`AnnexA.looked_after
    <csc_demand.tables.AnnexA.looked_after>` (List 8's clean columns and ``placement_group``), oldest start
    first; ``start_seen`` (aligned with ``periods``) is False where the period's first episode seen does not
    start a period (``RNE`` not ``S``): it began before the earliest return read, so its start date is the
    first one seen. ``episodes``: the clean episodes used (``child_id``, ``start_date``, ``end_date``, ``rne``,
    ``legal_status``, ``category_of_need``, ``placement_type``, ``reason_ceased``, ``return_end``,
    ``period_start`` linking each to its period). ``returns``: the returns read, oldest first.
    ``extract_date``: the date everything was cut to. ``counts``: rows read, used and set aside (see
    :func:`read_ssda903`). ``people_sources``: where the header and UASC tables were read (sex, date of
    birth, UASC). ``ignored``: the 903 tables (and XML groups) found but not needed. ``problems``:
    everything the reader noticed (each also in the :class:`~csc_demand.tables.QualityReport` it was
    given). No child-level value appears in any message.
    """

    periods: pd.DataFrame
    start_seen: pd.Series
    episodes: pd.DataFrame
    returns: tuple[Return903, ...]
    extract_date: pd.Timestamp
    counts: dict[str, int]
    people_sources: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def children(self) -> int:
        """Children with at least one period of care."""
        return int(self.periods["child_id"].nunique())

    @property
    def first_day(self) -> pd.Timestamp:
        """The first day the returns cover: the day after the end of the year before the earliest return."""
        return self.returns[0].end - pd.DateOffset(years=1) + pd.Timedelta(days=1)

    def beyond(self, looked_after: pd.DataFrame) -> np.ndarray:
        """Which periods of care add to List 8 (``looked_after``): their start was seen in the returns and no
        List 8 period of the same child overlaps them. Where both describe a period, List 8 (the newer
        extract) is used: one rule, stated in the quality report by the reader. Booleans aligned with
        :attr:`periods`."""
        p = self.periods
        own = p[["child_id", "start_date", "end_date"]].assign(_i=np.arange(len(p)))
        other = looked_after[["child_id", "start_date", "end_date"]]
        pairs = own.merge(other, on="child_id", suffixes=("", "_8"))
        far = pd.Timestamp("2200-01-01")   # open: later than any date read
        overlap = (pairs["start_date"] <= pairs["end_date_8"].fillna(far)) & \
            (pairs["start_date_8"] <= pairs["end_date"].fillna(far))
        in_list8 = np.zeros(len(p), dtype=bool)
        in_list8[pairs.loc[overlap.to_numpy(dtype=bool), "_i"].to_numpy()] = True
        return self.start_seen.to_numpy(dtype=bool) & ~in_list8

    @property
    def open_at_extract(self) -> int:
        """Periods of care open at the extract date."""
        p = self.periods
        return int(((p["start_date"] <= self.extract_date) & p["end_date"].isna()).sum())


# --- the return's year --------------------------------------------------------------------------------------


def _name_year(text: str) -> tuple[int, bool] | None:
    """The year a name holds: ``(2018, True)`` for ``2017-18`` or ``201718`` (the year ending March 2018);
    ``(2019, False)`` for ``2019`` alone (the year ending or starting then, as the dates say)."""
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        if m.group(2) is not None and int(m.group(2)) == (y + 1) % 100:
            return y + 1, True
        return y, False
    return None


def _march(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=3, day=31)


def _late_share(dates: np.ndarray, end: pd.Timestamp) -> float:
    return float((dates > np.datetime64(end)).mean()) if len(dates) else 0.0


def return_end(table: RawTable, dates: pd.Series) -> tuple[pd.Timestamp, str, str | None]:
    """The day an episodes table's return runs to, how it was found, and a note when a year in a name was
    read as the year starting then (see the module's docstring).

    ``dates`` are the table's start and end dates."""
    d = pd.to_datetime(dates).dropna().to_numpy(dtype="datetime64[ns]")
    if table.reference_date is not None:
        return table.reference_date, "XML reference date", None
    for what, name in table.names():
        when = date_from_name(name)
        if when is not None:
            return when, what, None
        year = _name_year(name)
        if year is None:
            continue
        y, certain = year
        if certain or _late_share(d, _march(y)) <= LATE_SHARE:
            return _march(y), what, None
        note = (f"The dates in {table.location} run to March {y + 1}, so '{y}' in its {what} was read as the "
                f"year from April {y} to 31 March {y + 1}. If it is the year ending March {y}, check the dates.")
        return _march(y + 1), what, note
    latest, _ = latest_of_bulk(pd.Series(d))
    if latest is None:
        raise CscDemandError(f"{table.location} has no readable dates and no year in its name, so the year of "
                             "the return is unknown: put the year in the file name (e.g. 2021-episodes.csv).")
    y = latest.year + (latest > _march(latest.year))
    return _march(y), "latest dates", None


# --- reading the tables -------------------------------------------------------------------------------------


_KNOWN = {"LS": parse.KNOWN_CODES["legal_status"], "PLACE": parse.KNOWN_CODES["placement_type"],
          "REC": parse.KNOWN_CODES["reason_ceased"] | {REC_CONTINUES}, "CIN": parse.KNOWN_CODES["category_of_need"]}
_CLEAN = {"LS": "legal_status", "PLACE": "placement_type", "REC": "reason_ceased", "CIN": "category_of_need"}


def _text(values: pd.Series) -> tuple[pd.Series]:
    return (parse.cell_text(values).str.upper(),)


def _ids(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return parse.normalise_ids(values), parse.cell_text(values).str.upper()


#: How each kept column is parsed: columns with the same parser are parsed together, all tables at once.
_PARSERS = {"CHILD": _ids, "DECOM": parse.parse_dates, "DEC": parse.parse_dates, "DOB": parse.parse_dates,
            "SEX": parse.parse_gender, "UASC": parse.parse_bools, "RNE": _text, "DUC": _text,
            **{k: (lambda values, known=known: parse.parse_codes(values, known)) for k, known in _KNOWN.items()}}

Parsed = dict[str, tuple[pd.Series, ...]]


def _parse_all(tables: list[RawTable]) -> list[Parsed]:
    """Every kept column of every table, parsed (as :mod:`csc_demand.io.parse` returns it: the values, and
    for most the mask of cells that held something unreadable), with one call per parser: the parsers'
    cost is mostly per call, and a few years of returns make dozens of columns."""
    out: list[Parsed] = [{} for _ in tables]
    by_parser: dict[object, list[str]] = {}
    for k, fn in _PARSERS.items():
        by_parser.setdefault(fn, []).append(k)
    for fn, keys in by_parser.items():
        parts = [(i, k, t.column(k)) for i, t in enumerate(tables) for k in keys if t.format.used]
        if not parts:
            continue
        result = fn(pd.concat([p for _, _, p in parts], ignore_index=True))  # type: ignore[operator]
        start = 0
        for i, k, p in parts:
            out[i][k] = tuple(r.iloc[start:start + len(p)].reset_index(drop=True) for r in result)
            start += len(p)
    return out


def _start_table(t: RawTable, p: Parsed, col: _Collector) -> np.ndarray:
    """Rows with a child ID that are not a repeat of the headers; each other row explained."""
    ids, text = p["CHILD"]
    repeated = (text == "CHILD").fillna(False).to_numpy(dtype=bool)
    col.not_used(t.rows[repeated], "repeated_header", "This row repeats the headers: not used.", severity="info")
    header = t.headers.get("CHILD", "CHILD")
    no_id = ids.isna().to_numpy() & ~repeated
    col.not_used(t.rows[no_id], "missing_id", f"No child ID in '{header}' of the {t.format.title} table: the row "
                 "cannot be linked to a child, so it is not used.", header)
    return ~repeated & ~no_id


def _episodes(t: RawTable, p: Parsed, key: bytes, col: _Collector) -> pd.DataFrame:
    """The usable episodes of one table (pseudonymised), each unusable row explained."""
    used = _start_table(t, p, col)
    start, bad = p["DECOM"]
    header = t.headers.get("DECOM", "DECOM")
    unusable = start.isna().to_numpy() & used
    col.not_used(t.rows[unusable & bad.to_numpy()], "unreadable_date",
                 f"'{header}' is not a readable date: the episode is not used.", header)
    col.not_used(t.rows[unusable & ~bad.to_numpy()], "missing_date", f"'{header}' is blank: the episode is not "
                 "used.", header)
    used &= ~unusable
    end, bad = p["DEC"]
    if "DEC" in t.headers:
        col.grouped(bad & pd.Series(used), t.rows, "bad_date", f"'{t.headers['DEC']}' is not a readable date "
                    "(read as blank: the episode is taken to be open unless the child's next episode ends it)",
                    t.headers["DEC"])
        before = (end < start).fillna(False).to_numpy(dtype=bool) & used
        col.not_used(t.rows[before], "end_before_start", f"'{t.headers['DEC']}' is before '{header}': the "
                     "episode is not used.", t.headers["DEC"])
        used &= ~before
    else:
        col.add("warning", "missing_column", "The episodes have no 'DEC' column: every episode is taken to be "
                "open until the child's next one starts.", t.header_row, "DEC")
    (rne,) = p["RNE"]
    if "RNE" in t.headers:
        col.grouped(rne.notna() & ~rne.isin(list(RNE_CODES)).fillna(False) & pd.Series(used), t.rows,
                    "unknown_code", f"'{t.headers['RNE']}' has a code csc-demand does not know",
                    t.headers["RNE"], t.column("RNE"))
    else:
        col.add("warning", "missing_column", "The episodes have no 'RNE' column: an episode that starts the day "
                "the child's previous one ended is taken to continue the same period of care.", t.header_row,
                "RNE")
    codes = {}
    for k, clean in _CLEAN.items():
        codes[clean], bad = p[k]
        if k in t.headers:
            col.grouped(bad & pd.Series(used), t.rows, "unknown_code", f"'{t.headers[k]}' has a code "
                        "csc-demand does not know", t.headers[k], t.column(k))
    short = codes["legal_status"].isin(list(SHORT_BREAK_LEGAL_STATUSES)).fillna(False).to_numpy(dtype=bool) & used
    col.not_used(t.rows[short], "short_break", "Short-break care (legal status V3/V4) is not a period of care "
                 "for demand purposes: not used.", t.headers.get("LS"), severity="info")
    used &= ~short
    frame = pd.DataFrame({"child_id": p["CHILD"][0], "start_date": start, "end_date": end,
                          "rne": rne.astype("string"), **codes, "_row": t.rows})
    frame = frame.loc[used].reset_index(drop=True)
    frame["child_id"] = pseudonymise(frame["child_id"].astype("string"), key)
    return frame


def _people(t: RawTable, p: Parsed, key: bytes, col: _Collector) -> pd.DataFrame:
    """What a table says about each child: ``gender``, ``dob`` and ``uasc`` (True for every child of a UASC
    table; from a ``UASC`` or ``DUC`` column otherwise), pseudonymised."""
    if t.format.name == _EPISODES:  # its rows were explained with the episodes
        used = p["CHILD"][0].notna().to_numpy()
    else:
        used = _start_table(t, p, col)
    n = len(t.rows)
    gender = p["SEX"][0] if "SEX" in t.headers else pd.Series(pd.NA, index=range(n), dtype="string")
    dob, bad = p["DOB"]
    if "DOB" in t.headers:
        col.grouped(bad & pd.Series(used), t.rows, "bad_date", f"'{t.headers['DOB']}' is not a readable date "
                    "(left blank)", t.headers["DOB"])
    uasc = pd.Series(pd.NA, index=range(n), dtype="boolean")
    if t.format.name == _UASC:
        uasc[:] = True
    else:
        if "UASC" in t.headers:
            uasc = p["UASC"][0].astype("boolean")
        if "DUC" in t.headers:
            uasc = uasc.mask(p["DUC"][0].notna().to_numpy(), True)
    frame = pd.DataFrame({"child_id": p["CHILD"][0], "gender": gender, "dob": dob, "uasc": uasc}).loc[used]
    frame["child_id"] = pseudonymise(frame["child_id"].astype("string"), key)
    return frame.reset_index(drop=True)


def _name_end(t: RawTable) -> pd.Timestamp:
    """The end of the year a table's names give (for which header wins), else ``NaT``."""
    for _, name in t.names():
        when = date_from_name(name)
        if when is not None:
            return when
        year = _name_year(name)
        if year is not None:
            return _march(year[0])
    return pd.NaT


def _one_row_per_child(people: list[pd.DataFrame], uasc_table: bool = False) -> pd.DataFrame:
    """``gender``, ``dob`` and ``uasc`` per child (index ``child_id``): the latest return wins, and within a
    return the header table; a child is UASC when any table says so (``uasc`` is missing for everyone when no
    table says anything and no UASC table was read: an empty UASC table says that no child is UASC)."""
    if not people:
        return pd.DataFrame({"gender": pd.Series(dtype="string"), "dob": pd.Series(dtype="datetime64[ns]"),
                             "uasc": pd.Series(dtype="boolean")}, index=pd.Index([], dtype="string", name="child_id"))
    who = pd.concat(people, ignore_index=True).sort_values(["_when", "_header"], na_position="first", kind="stable")
    one = who.groupby("child_id", sort=False)[["gender", "dob"]].last()
    if uasc_table or who["uasc"].notna().any():
        flagged = who["uasc"].fillna(False).astype(bool).groupby(who["child_id"], sort=False).any()
        one["uasc"] = flagged.reindex(one.index).astype("boolean")
    else:
        one["uasc"] = pd.Series(pd.NA, index=one.index, dtype="boolean")
    return one


# --- episodes → periods of care -----------------------------------------------------------------------------


def _located(kind: str, severity: str, message: str, frame: pd.DataFrame, mask: np.ndarray,
             tables: list[RawTable], column: str, not_used: bool) -> list[Problem]:
    """One problem per row of ``frame`` under ``mask``, located by its table and row."""
    out = []
    for ti, row in zip(frame["_table"].to_numpy()[mask], frame["_row"].to_numpy()[mask], strict=True):
        t = tables[int(ti)]
        out.append(Problem(severity, kind, message, t.file, t.sheet, int(row), t.headers.get(column, column),  # type: ignore[arg-type]
                           not_used))
    return out


def _merge(eps: pd.DataFrame, tables: list[RawTable], ends: list[pd.Timestamp],
           problems: list[Problem], counts: dict[str, int]) -> pd.DataFrame:
    """One row per episode: a later return wins, then the latest end date within a return, then the first row
    read; overlaps end the day the next episode starts; an open episode missing from every later return ends
    with its return."""
    eps = eps.sort_values(["child_id", "start_date", "return_end", "end_date", "_table", "_row"],
                          ascending=[True, True, True, True, False, False], na_position="first", kind="stable",
                          ignore_index=True)  # the last of each child and start date wins: see the docstring
    later = eps.duplicated(["child_id", "start_date"], keep="last").to_numpy()
    same_return = later & eps.duplicated(["child_id", "start_date", "return_end"], keep="last").to_numpy()
    problems += _located("duplicate_episode", "warning", "The same child has another episode starting on the same "
                         "date in this return: the one with the latest end date is used, this row is not.",
                         eps, same_return, tables, "DECOM", True)
    counts["duplicates"] = int(same_return.sum())
    counts["replaced_by_later_return"] = int((later & ~same_return).sum())
    eps = eps.loc[~later].reset_index(drop=True)

    next_start = eps.groupby("child_id", sort=False)["start_date"].shift(-1)
    open_then = eps["end_date"].isna() & next_start.notna()
    overlap = next_start.notna() & (eps["end_date"] > next_start).fillna(False)
    problems += _located("overlapping_episodes", "warning", "This episode is still open when the same child's "
                         "next episode starts: it is taken to end the day the next one starts.",
                         eps, open_then.to_numpy(), tables, "DEC", False)
    problems += _located("overlapping_episodes", "warning", "This episode ends after the same child's next "
                         "episode starts: it is taken to end the day the next one starts.",
                         eps, overlap.to_numpy(), tables, "DEC", False)
    counts["overlaps"] = int((open_then | overlap).sum())
    fix = (open_then | overlap).to_numpy()
    eps.loc[fix, "end_date"] = next_start[fix]

    last_end = max(ends)
    vanished = (eps["end_date"].isna() & next_start.isna() & (eps["return_end"] < last_end)).to_numpy()
    problems += _located("open_episode_not_in_later_return", "warning", "This episode is open at the end of its "
                         "return but missing from the later returns, which would repeat it had it still been "
                         "open: it is taken to end on the last day of its return.", eps, vanished, tables, "DEC",
                         False)
    counts["ended_with_return"] = int(vanished.sum())
    eps.loc[vanished, "end_date"] = eps.loc[vanished, "return_end"]
    return eps


def _cut(eps: pd.DataFrame, extract: pd.Timestamp, tables: list[RawTable], problems: list[Problem],
         counts: dict[str, int]) -> pd.DataFrame:
    """Episodes starting after the extract date are not used; those ending after it are open."""
    after = (eps["start_date"] > extract).to_numpy()
    problems += _located("after_extract_date", "info", f"The episode starts after the extract date "
                         f"{extract:%d/%m/%Y}: not used.", eps, after, tables, "DECOM", True)
    counts["after_extract_date"] = int(after.sum())
    eps = eps.loc[~after].reset_index(drop=True)
    late = (eps["end_date"] > extract).to_numpy()
    counts["made_open"] = int(late.sum())
    if late.any():
        problems.append(Problem("info", "open_at_extract_date", f"{counts['made_open']:,} episodes end after the "
                                f"extract date {extract:%d/%m/%Y}: they are read as open on that date."))
    eps.loc[late, ["end_date", "reason_ceased"]] = [pd.NaT, pd.NA]
    eps["return_end"] = eps["return_end"].clip(upper=extract)
    return eps


def _age_years(dob: pd.Series, when: pd.Series) -> pd.Series:
    """Whole years of age at ``when`` (age at the last birthday; -1 before birth)."""
    years = when.dt.year - dob.dt.year - ((when.dt.month * 100 + when.dt.day) < (dob.dt.month * 100 + dob.dt.day))
    return years.where(dob <= when, -1).where(dob.notna()).astype("Int64")


def periods_of_care(eps: pd.DataFrame, people: pd.DataFrame, first_day: pd.Timestamp,
                    problems: list[Problem]) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Clean, merged episodes (sorted by child and start) → periods of care with List 8's columns, whether
    each period's start was seen, and each episode's period start. ``people``: one row per child
    (``gender``, ``dob``, ``uasc``), indexed by ``child_id``; ``first_day``: the first day the returns cover."""
    prev_end = eps.groupby("child_id", sort=False)["end_date"].shift(1)
    continues = (prev_end.notna() & (eps["start_date"] == prev_end)).to_numpy(dtype=bool)
    new = ~continues | (eps["rne"] == "S").fillna(False).to_numpy(dtype=bool)
    gap = (prev_end.notna() & (eps["start_date"] > prev_end) & eps["rne"].isin(list(RNE_CODES - {"S"}))
           .fillna(False)).to_numpy()
    if gap.any():
        problems.append(Problem("info", "episode_gap", f"{int(gap.sum()):,} episodes have an 'RNE' saying they "
                                "continue a period of care but start after the child's previous episode ended: "
                                "each starts a new period of care."))
    period = np.cumsum(new)
    g = eps.groupby(period, sort=False)
    first, last = g.head(1).reset_index(drop=True), g.tail(1).reset_index(drop=True)
    placed = eps["start_date"].where(eps["rne"].isin(list(PLACEMENT_RNE)).fillna(False))
    placement_start = placed.groupby(period, sort=False).max().to_numpy()
    closed = last["end_date"].notna()
    out = pd.DataFrame({"child_id": first["child_id"], "start_date": first["start_date"],
                        "end_date": last["end_date"],
                        "reason_ceased": last["reason_ceased"].where(closed & (last["reason_ceased"] != REC_CONTINUES)),
                        "legal_status": last["legal_status"], "category_of_need": last["category_of_need"],
                        "placement_type": last["placement_type"],
                        "placement_start_date": pd.Series(placement_start).fillna(first["start_date"]),
                        "extract_date": last["return_end"]})
    prev_period_end = out.groupby("child_id", sort=False)["end_date"].shift(1)
    within = prev_period_end >= out["start_date"] - pd.DateOffset(months=12)
    known = within | (out["start_date"] - pd.DateOffset(months=12) >= first_day)
    out["subsequent_period_12m"] = within.astype("boolean").where(known)
    who = people.reindex(out["child_id"])
    out["gender"] = who["gender"].fillna("unknown").astype("string").to_numpy()
    dob = pd.to_datetime(who["dob"]).reset_index(drop=True)
    out["birth_month"] = parse.first_of_month(dob)
    out["age_years"] = _age_years(dob, out["extract_date"])
    uasc = who["uasc"].astype("boolean")
    out["uasc"] = (uasc.fillna(False) if people["uasc"].notna().any() else uasc).to_numpy()
    out["placements_12m"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out = _typed(out, LOOKED_AFTER)  # List 8's clean columns and types, and placement_group
    start_seen = (first["rne"] == "S").fillna(False).astype(bool) | (first["start_date"] > first_day)
    return out, start_seen, pd.Series(out["start_date"].to_numpy()[period - 1], index=eps.index)


# --- putting it together ------------------------------------------------------------------------------------


def ssda903_from_tables(tables: list[RawTable], key: bytes, *, extract_date: pd.Timestamp | None = None,
                        quality: QualityReport | None = None) -> Ssda903:
    """Periods of care from the 903 tables found (:func:`split_sheets`, :func:`xml_tables`); every problem
    is also added to ``quality``. Raises :class:`CscDemandError` when no episodes table was found."""
    problems: list[Problem] = []
    used = [t for t in tables if t.format.used]
    ignored = [f"{t.format.title} ({t.location})" for t in tables if not t.format.used]
    ignored += [f"XML {x} in {t.file}" for t in used for x in t.extra if t.header_row is None]
    for t in tables:
        if not t.format.used:
            problems.append(Problem("info", "table_not_needed", f"{t.format.title} table found "
                                    f"({len(t.rows):,} rows), not needed for periods of care, so not read.", t.file,
                                    t.sheet))
        elif t.header_row is None and t.extra:
            problems.append(Problem("info", "table_not_needed", f"The XML also holds {', '.join(t.extra)}, not "
                                    "needed for periods of care, so not read.", t.file))
        else:
            problems += [Problem("info", "extra_column", f"Column '{h}' is not an {t.format.title} column: ignored.",
                                 t.file, t.sheet, t.header_row, h) for h in t.extra]
    episode_tables = [t for t in used if t.format.name == _EPISODES]
    if not episode_tables:
        raise CscDemandError("No SSDA903 episodes table was found (a CSV file or sheet with the columns CHILD, "
                             "DECOM, RNE, LS, PLACE, DEC, REC...), so no period of care can be read. Add the "
                             "episodes file of each return.")
    frames: list[pd.DataFrame] = []
    people: list[pd.DataFrame] = []
    returns: dict[pd.Timestamp, tuple[str, list[str], list[int]]] = {}
    parsed = _parse_all(tables)
    for i, (t, p) in enumerate(zip(tables, parsed, strict=True)):
        if not t.format.used:
            continue
        col = _Collector(t.file, t.sheet, None)  # type: ignore[arg-type]
        when = _name_end(t)
        if t.format.name == _EPISODES:
            eps = _episodes(t, p, key, col)
            when, how, note = return_end(t, pd.concat([eps["start_date"], eps["end_date"]]))
            if note:
                col.add("info", "return_year", note)
            late = ((eps["start_date"] > when) | (eps["end_date"] > when)).to_numpy()
            if late.any():
                r = eps["_row"].to_numpy()[late]
                col.add("warning", "after_return_end", f"Dates after the end of the return ({when:%d/%m/%Y}) "
                        f"({rows_text(r)}): kept as they are.", int(r[0]))
            frames.append(eps.assign(return_end=when, _table=i))
            _, sources, rows = returns.setdefault(when, (how, [], []))
            sources.append(t.location)
            rows.append(len(t.rows))
        if t.format.name != _EPISODES or {"SEX", "DOB", "UASC", "DUC"} & set(t.headers):
            people.append(_people(t, p, key, col).assign(_when=when, _header=t.format.name == _HEADER))
        problems += col.problems
    ends = sorted(returns)
    first_day = ends[0] - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    extract = extract_date if extract_date is not None else ends[-1]
    problems += [Problem("info", "partial_return", f"The return running to {end:%d/%m/%Y} goes past the extract "
                         f"date {extract:%d/%m/%Y}: it is read up to the extract date.") for end in ends if end > extract]
    counts = {"episodes_read": sum(sum(rows) for _, _, rows in returns.values())}
    eps = _merge(pd.concat(frames, ignore_index=True), tables, ends, problems, counts)
    eps = _cut(eps, extract, tables, problems, counts)
    eps = eps.sort_values(["child_id", "start_date"], kind="stable", ignore_index=True)
    uasc_table = any(t.format.name == _UASC for t in used)
    periods, start_seen, period_start = periods_of_care(eps, _one_row_per_child(people, uasc_table), first_day,
                                                        problems)
    not_seen = int((~start_seen).sum())
    if not_seen:
        problems.append(Problem("info", "period_start_not_seen", f"{not_seen:,} periods of care began before the "
                                "earliest return read (their first episode seen does not start a period): their "
                                "start date is the first one seen. Add older returns to see when they began."))
    episodes = eps.assign(period_start=period_start)[
        ["child_id", "start_date", "end_date", "rne", "legal_status", "category_of_need", "placement_type",
         "reason_ceased", "return_end", "period_start"]]
    order = periods.sort_values(["start_date", "child_id"], kind="stable").index
    periods, start_seen = periods.loc[order].reset_index(drop=True), start_seen.loc[order].reset_index(drop=True)
    counts.update(episodes=len(episodes), periods=len(periods),
                  rows_not_used=sum(1 for p in problems if p.row_not_used))
    if quality is not None:
        for p in problems:
            quality.add(p)
    rets = tuple(Return903(end, how, tuple(srcs), sum(n)) for end, (how, srcs, n) in sorted(returns.items()))
    people_sources = tuple(t.location for t in used if t.format.name != _EPISODES)
    return Ssda903(periods, start_seen, episodes, rets, pd.Timestamp(extract), counts, people_sources,
                   tuple(ignored), tuple(problems))


def read_ssda903(sources: object, *, extract_date: str | pd.Timestamp | None = None,
                 key: bytes | None = None) -> Ssda903:
    """Read SSDA903 returns (one or many years) into periods of care.

    Parameters
    ----------
    sources
        A path or paths (CSV files, workbooks, 903 XML files, or folders of CSV files and workbooks) and/or
        uploads, as for :func:`csc_demand.io.read_annex_a`. The header, episodes and UASC tables are found by
        their columns; the year of each return from its file, sheet or folder name, else its latest dates.
    extract_date
        ``YYYY-MM-DD``: cut everything to this date (episodes starting after it are not used, those ending
        after it are open). Default: the end of the latest return.
    key
        The pseudonymisation key (as for :func:`~csc_demand.io.read_annex_a`; without one, a one-off key).

    Returns
    -------
    Ssda903
        The periods of care (List 8's columns), the clean episodes, the returns read and what was merged or
        not used. ``counts``: ``episodes_read`` (rows of the episodes tables), ``duplicates`` (rows not used:
        another episode of the same child starting the same day in the same return),
        ``replaced_by_later_return`` (the same episode in an earlier return), ``overlaps`` (episodes ended
        when the next one started), ``ended_with_return`` (open episodes missing from later returns),
        ``after_extract_date`` (episodes not used), ``made_open`` (ends after the extract date),
        ``rows_not_used``, ``episodes`` (used), ``periods``.

    Raises
    ------
    CscDemandError
        When a file cannot be read or no episodes table is found.

    Examples
    --------
    >>> import csc_demand as cd
    >>> from csc_demand.io.ssda903 import read_ssda903
    >>> s = read_ssda903("ssda903/", key=cd.load_or_create_key())
    >>> len(s.periods), s.children, s.open_at_extract
    """
    import secrets

    user_date = parse_user_date(extract_date)
    quality = QualityReport()
    tables: list[RawTable] = []
    for f in collect_inputs(sources):
        tables += input_tables(f)[1]
    if not tables:
        raise CscDemandError("No SSDA903 table was found: csc-demand looks for CSV files, sheets or XML with "
                             "the return's columns (CHILD, DECOM, RNE, LS, PLACE, DEC, REC...).")
    return ssda903_from_tables(tables, key if key is not None else secrets.token_bytes(32),
                               extract_date=user_date, quality=quality)


__all__ = ["Ssda903", "Return903", "RawTable", "read_ssda903", "ssda903_from_tables", "input_tables",
           "split_sheets", "xml_tables", "periods_of_care", "return_end"]
