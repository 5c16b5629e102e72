"""The one place where an input format is registered and recognised by its columns.

Each :class:`TableFormat` names a table and the columns it holds; a sheet, CSV file or XML table is that
format when its header row holds every one of the format's ``required`` columns, whatever the file is
called. :func:`identify` is asked first by the reader, for every sheet: a table it recognises is set aside
for its own reader (the SSDA903 tables go to :mod:`csc_demand.io.ssda903`) and is never read as an Annex A
list. Everything else goes on to the Annex A lists, which are registered in :mod:`csc_demand.schema` and
recognised, header spellings and all, by :func:`csc_demand.io.headers.find_header`.

To register a new input format, add a :class:`TableFormat` to :data:`FORMATS` (its ``reader`` names the
module that reads it).

Column names are compared after :func:`column_key`: upper case, any run of spaces or punctuation as one
``_`` (``"place provider"``, ``" Place-Provider "`` and ``PLACE_PROVIDER`` are the same), and the XML
element names of the SSDA903 return read as their CSV names (``CHILDID`` → ``CHILD``, ``PL`` → ``PLACE``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Rows searched for a header row.
HEADER_SEARCH_ROWS = 20

#: Element names of the SSDA903 XML that differ from the CSV column names.
_KEY_ALIASES = {"CHILDID": "CHILD", "PL": "PLACE"}


@dataclass(frozen=True)
class TableFormat:
    """A table recognised by its columns.

    ``name`` is the short stable name (``"ssda903_episodes"``), ``title`` how messages name it,
    ``columns`` every column the format defines (as :func:`column_key` writes them), ``required`` those
    that must all be present for a table to be this format, ``reader`` the module that reads it and
    ``used`` whether anything in csc-demand uses it (a table that is not used is noted and skipped).
    """

    name: str
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    reader: str
    used: bool = True


def _ssda903(name: str, title: str, columns: str, required: str, used: bool = False) -> TableFormat:
    return TableFormat(f"ssda903_{name}", f"SSDA903 {title}", tuple(columns.split()), tuple(required.split()),
                       "csc_demand.io.ssda903", used)


#: Every registered format, most specific first where two could match the same columns (the DfE's SSDA903
#: guidance names the tables and columns; the ones after ``uasc`` are recognised only to be skipped politely).
FORMATS: tuple[TableFormat, ...] = (
    _ssda903("episodes", "episodes", "CHILD DECOM RNE LS CIN PLACE PLACE_PROVIDER DEC REC REASON_PLACE_CHANGE "
             "HOME_POST PL_POST URN", "CHILD DECOM", used=True),
    _ssda903("uasc", "UASC", "CHILD SEX DOB DUC", "CHILD DUC", used=True),
    _ssda903("header", "header", "CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB", "CHILD SEX DOB ETHNIC",
             used=True),
    _ssda903("reviews", "reviews", "CHILD DOB REVIEW REVIEW_CODE", "CHILD REVIEW REVIEW_CODE"),
    _ssda903("oc2", "OC2 (outcomes)", "CHILD DOB SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK IMMUNISATIONS "
             "TEETH_CHECK HEALTH_ASSESSMENT SUBSTANCE_MISUSE INTERVENTION_RECEIVED INTERVENTION_OFFERED",
             "CHILD HEALTH_CHECK IMMUNISATIONS"),
    _ssda903("oc3", "OC3 (care leavers)", "CHILD DOB IN_TOUCH ACTIV ACCOM", "CHILD IN_TOUCH"),
    _ssda903("ad1", "AD1 (adoptions)", "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR",
             "CHILD DATE_INT"),
    _ssda903("placed_for_adoption", "placed for adoption", "CHILD DOB DATE_PLACED DATE_PLACED_CEASED "
             "REASON_PLACED_CEASED", "CHILD DATE_PLACED"),
    _ssda903("previous_permanence", "previous permanence", "CHILD DOB PREV_PERM LA_PERM DATE_PERM",
             "CHILD PREV_PERM"),
    _ssda903("missing", "missing", "CHILD DOB MISSING MIS_START MIS_END", "CHILD MIS_START"),
)
FORMATS_BY_NAME: dict[str, TableFormat] = {f.name: f for f in FORMATS}


def column_key(text: object) -> str:
    """A column name as formats compare it: ``" Place provider"`` → ``PLACE_PROVIDER``; ``CHILDID`` →
    ``CHILD``; ``""`` for a cell that is not text."""
    if not isinstance(text, str):
        return ""
    key = re.sub(r"[^A-Z0-9]+", "_", text.strip().upper()).strip("_")
    return _KEY_ALIASES.get(key, key)


@dataclass(frozen=True)
class Identified:
    """A table :func:`identify` recognised: its format, the 0-based index of its header row and the
    :func:`column_key` of each cell of that row (``""`` for an empty cell)."""

    format: TableFormat
    header_row: int
    keys: tuple[str, ...]


def match_columns(keys: set[str] | frozenset[str]) -> TableFormat | None:
    """The registered format whose required columns are all in ``keys``, the one with the most of its
    columns present when several are (then the first registered); ``None`` when none is."""
    best: tuple[int, TableFormat] | None = None
    for f in FORMATS:
        if set(f.required) <= keys:
            n = len(keys.intersection(f.columns))
            if best is None or n > best[0]:
                best = (n, f)
    return None if best is None else best[1]


def identify(rows: list[list[object]]) -> Identified | None:
    """The registered format of a sheet's rows (a header row among the first :data:`HEADER_SEARCH_ROWS`
    holding a format's required columns), or ``None`` (then it may be an Annex A list).

    Examples
    --------
    >>> identify([["CHILD", "DECOM", "RNE", "LS"], ["1", "01/04/2020", "S", "C2"]]).format.name
    'ssda903_episodes'
    """
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = tuple(column_key(c) for c in row)
        found = match_columns({k for k in keys if k})
        if found is not None:
            return Identified(found, r, keys)
    return None
