"""The DfE's published figures for every local authority in England, read into one tidy table.

:func:`read_dfe` reads the Department for Education's per-authority figures (Explore Education Statistics and
the Local Authority Interactive Tool, Open Government Licence v3.0) into :class:`DfePublished`: one long table
with a row per area, measure and year, and the notes of everything that was not used and why.

The table (``DfePublished.table``) has the columns :data:`TABLE_COLUMNS`:

- ``la_code``: the 9-character code. Local authorities ``E06…``, ``E08…``, ``E09…``, ``E10…``; England
  ``E92000001``; the regions ``E12…`` and Inner and Outer London ``E13000001``/``E13000002``;
- ``level``: ``"national"``, ``"regional"`` or ``"local"``;
- ``la_name``, ``region``: as the DfE writes them (London boroughs are in "Inner London" or "Outer London");
  one name per code. ``region`` is "" for England and the region's own name for a region;
- ``measure``: one of :data:`MEASURES` (below);
- ``year``: the year ending 31 March (2021 is April 2020 to March 2021), an ``int``;
- ``value``: a ``float``; NaN where the DfE suppressed the figure or did not publish it (``c``, ``x``, ``z``,
  ``u``, ``low``, ``.``, and the LAIT's ``-``), never zero.

Measures (children, counts):

========================  ======================================================================================
``referrals``             referrals in the year (``c1``, ``referral_count``)
``cp_starts``             child protection plans started in the year (``d3``, ``CPP_start``)
``cp_at_31_march``        children on a child protection plan at 31 March (``d5``, ``CPP_At31``)
``cin_at_31_march``       children in need at 31 March (``b1``, ``At31_episodes``; England 2024: 399,460)
``cla_at_31_march``       children looked after at 31 March
``cla_starts``            children who started to be looked after in the year
``cla_ceased``            children who ceased to be looked after in the year
``population_0_17``       children aged 0 to 17, ONS mid-year estimate
========================  ======================================================================================

The three looked-after measures come from the first-published releases for 2010–2020
(``cla_2010_to_2020_combined.csv``) and the current release for 2021 on (``cla_number_and_rate_per_10k_children``);
the LAIT's revised figures (``LACnum``, ``LACnum_Start``, ``LACceased``, 2016 on) replace them wherever the LAIT
gives a figure. When two files give the same authority, measure and year, the figure is taken from the preferred
file (LAIT, then the current release, then the first-published one; among downloads of the same file, the one
reaching the later year) and the other is counted in a note.

``population_0_17`` is the ONS estimate at 30 June of the calendar year before the reporting year ends: the
ONS file's ``time_period`` 2024 (mid-2024) is ``year`` 2025 here (April 2024 to March 2025), as the DfE does when
it works out rates per 10,000 children.

Only the total rows are read: the files' breakdowns (by characteristic, time identifier, geographic level below
local authority) are counted in the notes. The England and regional figures are the DfE's own totals, which
include the DfE's estimates for authorities whose figure is suppressed: they are not the sum of the rows below.

Boundary changes (:data:`SUCCESSIONS`): each code keeps only the years it really covers. Authorities that were
merged or split (Bournemouth, Poole and Dorset in 2019; Northamptonshire in 2021; Cumbria in 2023) are never
joined to their successors: a row a file gives for a code in a year when that authority did not exist is not
used (the DfE marks most of them ``z``, not applicable). Authorities that only changed code, with the same area
(Buckinghamshire 2020, North Yorkshire and Somerset 2023), keep each code for its own years (a file that gives
old years under the new code has them moved back) and :func:`dfe_series` and :func:`current_las` continue their
series across the change. Joint returns (one figure for two authorities, codes joined by " / ") are noted and
not used.

The package bundles a copy of the table (``csc_demand/data/dfe_published.csv.gz`` and its notes, built by
``scripts/build_dfe_data.py``): ``read_dfe()`` reads it; ``read_dfe(folder)`` reads a folder of the DfE's files
as downloaded instead (any of them; newer downloads with more years are fine).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.tables import Problem

#: The measures of the table, in this order (a contract: other modules use these names).
MEASURES: tuple[str, ...] = ("referrals", "cp_starts", "cp_at_31_march", "cin_at_31_march", "cla_at_31_march",
                             "cla_starts", "cla_ceased", "population_0_17")
#: The table's columns, in this order.
TABLE_COLUMNS: tuple[str, ...] = ("la_code", "level", "la_name", "region", "measure", "year", "value")
LEVELS: tuple[str, ...] = ("national", "regional", "local")
ENGLAND_CODE = "E92000001"
#: The regions' codes and names as the DfE writes them (Inner and Outer London are the DfE's sub-regions).
REGIONS: dict[str, str] = {
    "E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
    "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
    "E13000001": "Inner London", "E13000002": "Outer London",
}
#: The DfE's symbols for a figure suppressed, not applicable or not available; ``-`` is the LAIT's.
MISSING_SYMBOLS = frozenset({"c", "x", "z", "u", "low", ".", "-", ""})

BUNDLED_TABLE = "dfe_published.csv.gz"
BUNDLED_NOTES = "dfe_published_notes.csv"
NOTE_COLUMNS: tuple[str, ...] = ("severity", "kind", "file", "column", "row", "message")

_LA_CODE = re.compile(r"E(06|08|09|10)\d{6}")


@dataclass(frozen=True)
class Succession:
    """Authorities replaced by others from the reporting year ``first_year`` (the first year ending 31 March
    after the change). ``continues`` is True when the new code covers the same area (a new code only), or all
    but a small transfer, so that its series continues the old one."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    first_year: int
    continues: bool
    what: str


#: Every change of code or boundary among England's children's services authorities since 2010.
SUCCESSIONS: tuple[Succession, ...] = (
    Succession(("E06000048",), ("E06000057",), 2013, True,
               "on 1 April 2013 a small area moved between Gateshead and Northumberland and Northumberland's code "
               "became E06000057 (was E06000048); the DfE's files use the new code from the year ending "
               "31 March 2013"),
    Succession(("E08000020",), ("E08000037",), 2013, True,
               "on 1 April 2013 a small area moved between Gateshead and Northumberland and Gateshead's code "
               "became E08000037 (was E08000020); the DfE's files use the new code from the year ending "
               "31 March 2013"),
    Succession(("E06000028", "E06000029", "E10000009"), ("E06000058", "E06000059"), 2020, False,
               "on 1 April 2019 Bournemouth (E06000028), Poole (E06000029) and Dorset County Council (E10000009) "
               "were replaced by Bournemouth, Christchurch and Poole (E06000058) and Dorset Council (E06000059)"),
    Succession(("E10000002",), ("E06000060",), 2021, True,
               "on 1 April 2020 Buckinghamshire County Council (E10000002) became Buckinghamshire Council "
               "(E06000060), with the same area and a new code"),
    Succession(("E10000021",), ("E06000061", "E06000062"), 2022, False,
               "on 1 April 2021 Northamptonshire (E10000021) was split into North Northamptonshire (E06000061) "
               "and West Northamptonshire (E06000062)"),
    Succession(("E10000006",), ("E06000063", "E06000064"), 2024, False,
               "on 1 April 2023 Cumbria (E10000006) was split into Cumberland (E06000063) and Westmorland and "
               "Furness (E06000064)"),
    Succession(("E10000023",), ("E06000065",), 2024, True,
               "on 1 April 2023 North Yorkshire County Council (E10000023) became North Yorkshire Council "
               "(E06000065), with the same area and a new code"),
    Succession(("E10000027",), ("E06000066",), 2024, True,
               "on 1 April 2023 Somerset County Council (E10000027) became Somerset Council (E06000066), with "
               "the same area and a new code"),
    Succession(("E08000016",), ("E08000038",), 2026, True,
               "on 1 April 2025 a small area moved from Barnsley to Sheffield and Barnsley's code became "
               "E08000038 (was E08000016)"),
    Succession(("E08000019",), ("E08000039",), 2026, True,
               "on 1 April 2025 a small area moved from Barnsley to Sheffield and Sheffield's code became "
               "E08000039 (was E08000019)"),
)


_SUCCESSION_CODES = frozenset(c for s in SUCCESSIONS for c in s.old + s.new)


@dataclass(frozen=True, eq=False)
class DfePublished:
    """The DfE's published figures: the tidy table and the notes of what was not used and why.

    ``table`` has the columns :data:`TABLE_COLUMNS` (see the module's docstring for their meaning);
    ``notes`` are :class:`csc_demand.tables.Problem` s naming the file and column, each counting the rows it is
    about; ``source`` says where the figures were read from ("bundled" or the folder's path).
    """

    table: pd.DataFrame = field(repr=False)
    notes: tuple[Problem, ...] = field(default=(), repr=False)
    source: str = ""


# --- the files this reader knows -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Kind:
    """One of the DfE's files, recognised by its header (lower-case column names)."""

    what: str
    layout: str  # "ees" (Explore Education Statistics), "cla_combined" or "lait"
    signature: frozenset[str]
    columns: Mapping[str, str] = field(default_factory=dict)  # measure -> the column holding its figures
    selector: str = ""  # or: the column saying which measure a row holds ...
    selections: Mapping[str, str] = field(default_factory=dict)  # ... its values (lower case) -> measure ...
    value_column: str = ""  # ... and the column holding the figure
    rank: int = 1  # when two files give the same figure, the lower rank is used
    year_offset: int = 0
    keep: Mapping[str, frozenset[str]] = field(default_factory=dict)  # filter column -> values read
    not_used: str = ""  # why a recognised file gives nothing to this table


_CLA_NUMBER = {"children looked after on 31 march each year": "cla_at_31_march",
               "children starting to be looked after each year": "cla_starts",
               "children ceasing to be looked after each year": "cla_ceased"}

KINDS: tuple[_Kind, ...] = (
    _Kind("the LAIT's revised figures", "lait", frozenset({"measure_short", "value"}),
          selector="measure_short", value_column="value", rank=0,
          selections={"lacnum": "cla_at_31_march", "lacnum_start": "cla_starts", "lacceased": "cla_ceased"}),
    _Kind("children looked after, first-published releases 2010-2020", "cla_combined",
          frozenset({"cla_at_31_march", "cla_started", "cla_ceased"}), rank=2,
          columns={"cla_at_31_march": "cla_at_31_march", "cla_starts": "cla_started", "cla_ceased": "cla_ceased"}),
    _Kind("children looked after, number and rate per 10,000 children", "ees",
          frozenset({"population_type", "children_count"}), selector="population_type", selections=_CLA_NUMBER,
          value_column="children_count"),
    _Kind("children in need, referrals", "ees", frozenset({"referral_count"}),
          columns={"referrals": "referral_count"}),
    _Kind("children in need", "ees", frozenset({"at31_episodes"}),
          columns={"cin_at_31_march": "at31_episodes"}),
    _Kind("child protection plans started", "ees", frozenset({"cpp_start"}), columns={"cp_starts": "cpp_start"}),
    _Kind("child protection plans at 31 March", "ees", frozenset({"cpp_at31"}),
          columns={"cp_at_31_march": "cpp_at31"}),
    _Kind("ONS mid-year population estimates, children aged 0 to 17", "ees",
          frozenset({"population_estimate", "age_group"}), columns={"population_0_17": "population_estimate"},
          year_offset=1, keep={"age_group": frozenset({"children aged 0 to 17 years", "total"})}),
    _Kind("children's social work workforce", "ees", frozenset({"caseload_fte"}),
          not_used="the workforce figures are read by csc_demand.workforce, not by this reader"),
)

#: Values of a filter column that mean "all of them" (the total rows the reader keeps).
_TOTAL_VALUES = frozenset({"total", "all", "reporting year"})
_EES_LEVELS = {"national": "national", "regional": "regional", "local authority": "local"}
_COMBINED_LEVELS = {"national": "national", "region": "regional", "regional": "regional", "la": "local",
                    "local authority": "local"}
#: Identifier columns (never filters): names and codes of areas, schools, providers.
_IDENTIFIER = re.compile(r"(_code|_name|_id|_urn|_ukprn|_laestab)$")


class _FileNotUsed(Exception):
    """A file that cannot be used at all; the message names the column and says what to do."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


def _name_key(name: str) -> str:
    """A region's name reduced to its sorted words ("London (Inner)" and "INNER LONDON" are the same)."""
    return " ".join(sorted(re.findall(r"[a-z]+", name.lower())))


_AREA_BY_NAME: dict[str, str] = {_name_key(n): c for c, n in REGIONS.items()} | {_name_key("England"): ENGLAND_CODE}


def _area_codes(names: pd.Series) -> pd.Series:
    """England's or a region's code from its name (NaN when the name is neither)."""
    distinct = names.unique()
    return names.map({n: _AREA_BY_NAME.get(_name_key(str(n))) for n in distinct})


def _years_text(years: Iterable[int]) -> str:
    """Years as runs: ``[2011, 2012, 2013, 2016]`` -> ``"2011-2013, 2016"`` (with an en dash)."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in runs)


def _note(notes: list[Problem], kind: str, message: str, file: str | None = None, column: str | None = None,
          severity: str = "info", row: int | None = None) -> None:
    notes.append(Problem(severity=severity, kind=kind, message=message, file=file, column=column, row=row))


# --- reading one file ----------------------------------------------------------------------------------------

def _read_csv(path: Path) -> pd.DataFrame:
    """The file as text cells, headers in lower case; raises :class:`_FileNotUsed` when it is not a CSV."""
    last: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
            raise _FileNotUsed(f"it could not be read as a CSV file ({exc}). Download it again from Explore "
                               "Education Statistics and save it unchanged.") from exc
        df.columns = [str(c).strip().lower() for c in df.columns]
        return df
    raise _FileNotUsed(f"its text could not be read ({last}). Save it as CSV (UTF-8) and try again.")


def _recognise(columns: Iterable[str]) -> _Kind | None:
    cols = set(columns)
    return next((k for k in KINDS if k.signature <= cols), None)


def _require(df: pd.DataFrame, columns: Iterable[str]) -> None:
    for c in columns:
        if c not in df.columns:
            raise _FileNotUsed(f"it has no column '{c}', which this file always has. Download it again from "
                               "Explore Education Statistics and save it unchanged.", column=c)


def _filter_columns(df: pd.DataFrame, kind: _Kind) -> list[str]:
    """The columns that split the rows into breakdowns (text columns other than codes, names and figures)."""
    used = {"time_period", "geographic_level", kind.selector, kind.value_column, *kind.columns.values()}
    out = []
    for c in df.columns:
        if c in kind.keep or c == "time_identifier":
            out.append(c)
            continue
        if c in used or _IDENTIFIER.search(c):
            continue
        filled = df[c].str.strip()
        filled = filled[filled != ""].head(200)  # enough to tell text from figures
        if filled.empty:
            continue
        figure = filled.str.lower().isin(MISSING_SYMBOLS) | _numbers(filled).notna()
        if figure.mean() < 0.5:
            out.append(c)
    return out


def _total_rows(df: pd.DataFrame, kind: _Kind, file: str, notes: list[Problem]) -> pd.Series:
    """Which rows are the totals (True), noting the breakdown rows left out, per filter column."""
    keep = pd.Series(True, index=df.index)
    for c in _filter_columns(df, kind):
        values = df[c].str.strip().str.lower()
        accepted = kind.keep.get(c)
        if accepted is None:
            if values.nunique() <= 1:
                continue
            accepted = _TOTAL_VALUES
        ok = values.isin(accepted)
        if not ok.any():
            shown = ", ".join(sorted(df[c].str.strip().unique())[:4])
            raise _FileNotUsed(f"its column '{c}' has no total rows (values: {shown}). Download the file with "
                               "its 'Total' rows (the whole file, not a filtered table).", column=c)
        dropped = keep & ~ok
        if dropped.any():
            shown = ", ".join(sorted(df.loc[dropped, c].str.strip().unique())[:6])
            _note(notes, "breakdown_rows", f"{file}: {int(dropped.sum()):,} rows are breakdowns by '{c}' "
                  f"({shown}) and were not used; only the total rows are read.", file, c)
        keep &= ok
    return keep


def _ees_places(df: pd.DataFrame, file: str, notes: list[Problem]) -> pd.DataFrame:
    """Level, code, name and region of each row of an Explore Education Statistics file."""
    _require(df, ("time_period", "geographic_level", "new_la_code", "la_name", "region_name"))
    level = df["geographic_level"].str.strip().str.lower().map(_EES_LEVELS)
    other = level.isna()
    if other.any():
        shown = ", ".join(sorted(df.loc[other, "geographic_level"].unique())[:6])
        _note(notes, "other_geography", f"{file}: {int(other.sum()):,} rows for other geographic levels ({shown}) "
              "were not used; this reader keeps England, the regions and the local authorities.", file,
              "geographic_level")
    region_code = df["region_code"].str.strip() if "region_code" in df.columns else pd.Series("", index=df.index)
    region_code = region_code.where(region_code.isin(REGIONS), _area_codes(df["region_name"]))
    local, regional = level == "local", level == "regional"
    return pd.DataFrame({
        "level": level,
        "la_code": df["new_la_code"].str.strip().where(local, region_code.where(regional, ENGLAND_CODE)),
        "la_name": df["la_name"].str.strip().where(local, df["region_name"].where(regional, "England")),
        "region": df["region_name"].str.strip().where(local | regional, ""),
        "year_text": df["time_period"],
    }, index=df.index)


def _combined_places(df: pd.DataFrame, file: str, notes: list[Problem]) -> pd.DataFrame:
    """Level, code, name and region of each row of ``cla_2010_to_2020_combined.csv``.

    Its regions are found by name: their codes in the file are letters that changed between years, and
    Inner and Outer London share London's code in 2011-2017."""
    _require(df, ("year", "level", "new_la_code", "la_name"))
    level = df["level"].str.strip().str.lower().map(_COMBINED_LEVELS)
    other = level.isna()
    if other.any():
        _note(notes, "other_geography", f"{file}: {int(other.sum()):,} rows with another 'level' were not used.",
              file, "level")
    area = _area_codes(df["la_name"])
    return pd.DataFrame({
        "level": level,
        "la_code": np.where(level == "local", df["new_la_code"].str.strip(), area),
        "la_name": df["la_name"].str.strip(),
        "region": "",
        "year_text": df["year"],
    }, index=df.index)


def _lait_places(df: pd.DataFrame, file: str, notes: list[Problem]) -> pd.DataFrame:
    """Level, code, name and region of each row of the LAIT's long file (England and regions have no code)."""
    _require(df, ("measure_short", "year", "area_name", "new_la_code", "value"))
    code = df["new_la_code"].str.strip()
    area = _area_codes(df["area_name"])
    blank = code == ""
    level = np.where(~blank, "local", np.where(area == ENGLAND_CODE, "national",
                                               np.where(area.notna(), "regional", "")))
    unknown = blank & area.isna()
    if unknown.any():
        shown = ", ".join(sorted(df.loc[unknown, "area_name"].str.strip().unique())[:6])
        _note(notes, "other_geography", f"{file}: {int(unknown.sum()):,} rows have no code and an area name that "
              f"is neither England nor a region ({shown}); they were not used.", file, "new_la_code",
              severity="warning")
    region = df["region"].str.strip() if "region" in df.columns else pd.Series("", index=df.index)
    return pd.DataFrame({
        "level": pd.Series(level, index=df.index).replace("", np.nan),
        "la_code": code.where(~blank, area),
        "la_name": df["area_name"].str.strip(),
        "region": region.where(~blank, ""),
        "year_text": df["year"],
    }, index=df.index)


def _measure_rows(df: pd.DataFrame, places: pd.DataFrame, kind: _Kind, file: str,
                  notes: list[Problem]) -> pd.DataFrame:
    """One row per place, year and measure, with the figure's text (``value_text``) and its ``column``."""
    df = df.loc[places.index]
    if not kind.selector:
        return pd.concat([places.assign(measure=m, value_text=df[c], column=c) for m, c in kind.columns.items()])
    _require(df, (kind.selector, kind.value_column))
    measure = df[kind.selector].str.strip().str.lower().map(kind.selections)
    other = measure.isna()
    if other.any():
        shown = ", ".join(sorted(df.loc[other, kind.selector].str.strip().unique()))
        _note(notes, "other_measures", f"{file}: {int(other.sum()):,} rows of other measures were not used "
              f"({shown}); rates are worked out from the counts, and the workforce figures are read by "
              "csc_demand.workforce.", file, kind.selector)
    return places[~other].assign(measure=measure[~other], value_text=df.loc[~other, kind.value_column],
                                 column=kind.value_column)


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers from text, with thousands separators ("12,345"); NaN for anything else (or not finite)."""
    t = text.str.strip()
    t = t.where(~t.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?"), t.str.replace(",", "", regex=False))
    out = pd.to_numeric(t, errors="coerce").astype(float)
    return out.where(np.isfinite(out))


def _years(text: pd.Series) -> pd.Series:
    """The year ending 31 March from ``time_period``: ``2021``, or ``202021`` (2020/21) -> 2021; NaN if neither."""
    t = text.str.strip()
    out = pd.Series(np.nan, index=t.index)
    four, six = t.str.fullmatch(r"\d{4}"), t.str.fullmatch(r"\d{6}")
    out[four] = t[four].astype(int)
    out[six] = t[six].str[:4].astype(int) + 1
    return out


def _drop_bad(rows: pd.DataFrame, bad: pd.Series, columns: pd.Series | str, what: str, file: str,
              notes: list[Problem]) -> pd.DataFrame:
    """``rows`` without the ``bad`` ones, with a warning per column (``columns``: the file's column each row's
    problem is in) saying how many and where the first is."""
    where = pd.Series(columns, index=rows.index)
    for column, part in rows[bad].groupby(where[bad], sort=True):
        first = int(part["row"].min())
        _note(notes, "bad_value", f"{file}, column '{column}': {len(part):,} rows have {what} (first at row "
              f"{first}) and were not used. Check those cells or download the file again.",
              file, column, severity="warning", row=first)
    return rows[~bad]


def _check_places(rows: pd.DataFrame, file: str, notes: list[Problem]) -> pd.DataFrame:
    """Rows whose area is England, a region or a local authority with a 9-character code; the others noted."""
    code = rows["la_code"].fillna("").astype(str)
    joint = code.str.contains("/")
    for c, part in rows[joint].groupby("la_code"):
        _note(notes, "joint_return", f"{file}: {len(part):,} rows are a joint return for {c} "
              f"({part['la_name'].iloc[0]}), one figure for two authorities; they were not used (the figure "
              "cannot be split).", file, "new_la_code", severity="warning")
    bad = ~joint & ((rows["level"] == "local") & ~code.str.fullmatch(_LA_CODE.pattern)
                    | (rows["level"] == "regional") & ~code.isin(REGIONS))
    columns = pd.Series(np.where(rows["level"] == "local", "new_la_code", "region_name"), index=rows.index)
    return _drop_bad(rows[~joint], bad[~joint], columns[~joint], "no code of a local authority or region that "
                     "this reader knows", file, notes)


def _follow_successions(rows: pd.DataFrame, file: str, notes: list[Problem]) -> pd.DataFrame:
    """Each code kept to the years it covers: same-area codes moved to the year's code, others not used."""
    code = rows["la_code"].copy()
    keep = pd.Series(True, index=rows.index)
    changed = rows[rows["la_code"].isin(_SUCCESSION_CODES)]
    for s in SUCCESSIONS:
        late = changed["la_code"].isin(s.old) & (changed["year"] >= s.first_year)
        early = changed["la_code"].isin(s.new) & (changed["year"] < s.first_year)
        late, early = late[late].index, early[early].index
        if s.continues:
            for moved, wrong, right in ((late, s.old[0], s.new[0]), (early, s.new[0], s.old[0])):
                if len(moved):
                    code[moved] = right
                    _note(notes, "recoded", f"{file}: {len(moved):,} rows give {wrong} for "
                          f"{_years_text(rows.loc[moved, 'year'])}, when the authority's code was {right}; they "
                          f"are kept under {right} ({s.what}).", file, "new_la_code")
            continue
        gone = late.union(early)
        if len(gone):
            figures = int(rows.loc[gone, "value"].notna().sum())
            held = (f"{figures:,} of them held a figure, not used because figures are never moved between "
                    "areas with different boundaries" if figures else "none held a figure (the DfE marks "
                    "them not applicable)")
            _note(notes, "not_in_existence", f"{file}: {len(gone):,} rows for "
                  f"{', '.join(sorted(rows.loc[gone, 'la_code'].unique()))} are for years when that authority "
                  f"did not exist ({_years_text(rows.loc[gone, 'year'])}) and were not used: {s.what}; "
                  f"{held}.", file, "new_la_code")
            keep[gone] = False
    return rows.assign(la_code=code)[keep]


def _read_one(path: Path, notes: list[Problem]) -> pd.DataFrame | None:
    """One file's figures (the table's columns and ``file``, ``rank``, ``name_rank``), or None with a note."""
    file = path.name
    try:
        df = _read_csv(path)
        rows_read = len(df)
        kind = _recognise(df.columns)
        if kind is None:
            _note(notes, "unrecognised_file", f"{file} is not one of the DfE files this reader knows (by its "
                  "columns) and was skipped.", file, severity="warning")
            return None
        if kind.not_used:
            _note(notes, "file_not_used", f"{file} ({kind.what}) was not used: {kind.not_used}.", file)
            return None
        if kind.layout == "ees":
            df = df[_total_rows(df, kind, file, notes)]
        places = {"ees": _ees_places, "cla_combined": _combined_places, "lait": _lait_places}[kind.layout]
        places = places(df, file, notes)
        rows = _measure_rows(df, places[places["level"].notna()], kind, file, notes)
    except _FileNotUsed as exc:
        _note(notes, "bad_file", f"{file} was not used: {exc}", file, exc.column, severity="warning")
        return None
    rows = rows.assign(row=rows.index + 2).reset_index(drop=True)  # the spreadsheet row: the header is row 1
    rows = rows.assign(year=_years(rows["year_text"]) + kind.year_offset)
    rows = _drop_bad(rows, rows["year"].isna(), "time_period" if kind.layout == "ees" else "year",
                     "no year (a year such as 2021 was expected)", file, notes)
    value = _numbers(rows["value_text"])
    symbol = rows["value_text"].str.strip().str.lower().isin(MISSING_SYMBOLS)
    rows = _drop_bad(rows.assign(value=value.where(~symbol)), (value.isna() & ~symbol) | (value < 0),
                     rows["column"], "neither a count nor one of the DfE's symbols for a missing figure (c, x, "
                     "z, u, low, .)", file, notes)
    rows = _follow_successions(_check_places(rows, file, notes), file, notes)
    twice = rows.duplicated(["la_code", "measure", "year"])
    if twice.any():
        _note(notes, "duplicate_row", f"{file}: {int(twice.sum()):,} rows repeat an area, measure and year given "
              "earlier in the file and were not used (the first is read).", file, severity="warning")
        rows = rows[~twice]
    if rows.empty:
        _note(notes, "no_figures", f"{file} ({kind.what}) gave no figure.", file, severity="warning")
        return None
    used = "; ".join(f"{m} {_years_text(g['year'])}" for m, g in rows.groupby("measure", sort=False))
    _note(notes, "file_read", f"{file} ({kind.what}): {rows_read:,} rows read; figures used: {used}.", file)
    name_rank = {"ees": 0, "lait": 1, "cla_combined": 2}[kind.layout]
    return rows.assign(year=rows["year"].astype(int), file=file, rank=kind.rank, name_rank=name_rank)


# --- putting the files together ------------------------------------------------------------------------------

def _prefer(rows: pd.DataFrame, notes: list[Problem]) -> pd.DataFrame:
    """One figure per area, measure and year: a figure before a missing one, then the lower rank, then the
    download reaching the later year; the others counted in notes."""
    last_year = rows.groupby("file")["year"].transform("max")
    rows = rows.assign(_missing=rows["value"].isna(), _newer=-last_year).sort_values(
        ["la_code", "measure", "year", "_missing", "rank", "_newer", "file"], kind="stable")
    key = ["la_code", "measure", "year"]
    lost = rows.duplicated(key, keep="first")
    if lost.any():
        winners = rows[~lost][key + ["file", "value"]]
        losers = rows[lost].merge(winners, on=key, suffixes=("", "_used"))
        differ = (losers["value"] != losers["value_used"]) & ~(losers["value"].isna() & losers["value_used"].isna())
        for (loser, winner), part in losers.assign(differ=differ).groupby(["file", "file_used"]):
            measures = ", ".join(sorted(part["measure"].unique()))
            _note(notes, "superseded", f"{loser}: {len(part):,} figures ({measures}; {_years_text(part['year'])}) "
                  f"were not used because {winner} gives the same areas and years and is preferred; "
                  f"{int(part['differ'].sum()):,} of them differ.", loser)
    return rows[~lost].drop(columns=["_missing", "_newer"])


def _names(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """One name and one region per code: the Explore Education Statistics files' latest, then the LAIT's."""
    ordered = rows.sort_values(["name_rank", "year"], ascending=[True, False], kind="stable")
    named = ordered[ordered["la_name"].fillna("") != ""].drop_duplicates("la_code").set_index("la_code")
    placed = ordered[ordered["region"].fillna("") != ""].drop_duplicates("la_code").set_index("la_code")
    names = named["la_name"].astype(str).to_dict() | REGIONS | {ENGLAND_CODE: "England"}
    regions = placed["region"].astype(str).to_dict() | REGIONS | {ENGLAND_CODE: ""}
    for s in SUCCESSIONS:  # an old code only in files with no region (2010-2017): its successor's region
        if s.continues and s.old[0] not in regions and s.new[0] in regions:
            regions[s.old[0]] = regions[s.new[0]]
    return rows["la_code"].map(names).fillna(""), rows["la_code"].map(regions).fillna("")


def _gap_notes(table: pd.DataFrame, notes: list[Problem]) -> None:
    """Per measure: local authorities with no row for a year inside their life, and figures suppressed."""
    local = table[table["level"] == "local"]
    life = local.groupby("la_code")["year"].agg(["min", "max"])
    names = local.drop_duplicates("la_code").set_index("la_code")["la_name"]
    for measure, part in local.groupby("measure", sort=False):
        start = life["min"].clip(lower=part["year"].min())
        end = life["max"].clip(upper=part["year"].max())
        count = part.groupby("la_code")["year"].size().reindex(life.index, fill_value=0)
        absent = []
        for code in life.index[(count < end - start + 1) & (end >= start)]:
            years = set(range(start[code], end[code] + 1)) - set(part.loc[part["la_code"] == code, "year"])
            absent.append(f"{names[code]} ({code}) {_years_text(years)}")
        if absent:
            _note(notes, "years_absent", f"{measure}: no figure at all (no row in the files) for "
                  f"{'; '.join(absent)}. Nothing is filled in.", column=measure)
        suppressed = part[part["value"].isna()]
        if not suppressed.empty:
            shown = "; ".join(f"{names[code]} ({code}) {_years_text(g['year'])}"
                              for code, g in suppressed.groupby("la_code"))
            _note(notes, "figures_missing", f"{measure}: {len(suppressed):,} figures are suppressed or not "
                  f"published (NaN): {shown}.", column=measure)


def _break_notes(table: pd.DataFrame, notes: list[Problem]) -> None:
    codes = set(table["la_code"])
    for s in SUCCESSIONS:
        if codes & set(s.old + s.new):
            how = ("its series continues under the new code" if s.continues
                   else "the old and new authorities' figures are kept apart")
            _note(notes, "boundary_change", f"From {s.first_year} (the year ending 31 March {s.first_year}): "
                  f"{s.what}; {how}.", column="la_code")


def _read_folder(folder: Path) -> DfePublished:
    if folder.is_file():
        raise CscDemandError(f"{folder} is a file: give the folder that holds it and the DfE's other CSV files.")
    if not folder.is_dir():
        raise CscDemandError(f"The folder {folder} was not found. Give the folder that holds the DfE's CSV files "
                             "(as downloaded from Explore Education Statistics), or no folder for the bundled copy.")
    notes: list[Problem] = []
    frames = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir() or path.name.lower().startswith("readme"):
            continue
        if path.suffix.lower() != ".csv":
            _note(notes, "not_csv", f"{path.name} is not a CSV file and was skipped; download the CSV version "
                  "from Explore Education Statistics.", path.name, severity="warning")
            continue
        frame = _read_one(path, notes)
        if frame is not None:
            frames.append(frame)
    if not frames:
        said = " ".join(p.message for p in notes if p.severity == "warning")[:600]
        raise CscDemandError(f"No figure could be read from the DfE files in {folder}. {said} Download the "
                             "children in need, looked after children and population CSV files from Explore "
                             "Education Statistics into that folder.")
    rows = _prefer(pd.concat(frames, ignore_index=True), notes)
    name, region = _names(rows)
    table = pd.DataFrame({
        "la_code": rows["la_code"].astype(str), "level": rows["level"].astype(str), "la_name": name,
        "region": region, "measure": rows["measure"].astype(str), "year": rows["year"].astype("int64"),
        "value": rows["value"].astype("float64"),
    })
    table = _sorted(table)
    _break_notes(table, notes)
    _gap_notes(table, notes)
    return DfePublished(table=table, notes=tuple(notes), source=str(folder))


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    """The table's order: England, regions, local authorities; by code; measures in :data:`MEASURES`'s order."""
    order = table.assign(_level=table["level"].map(LEVELS.index), _measure=table["measure"].map(MEASURES.index))
    order = order.sort_values(["_level", "la_code", "_measure", "year"], kind="stable")
    out = order.loc[:, list(TABLE_COLUMNS)].reset_index(drop=True)
    return out.astype({c: "str" for c in TABLE_COLUMNS[:5]})


def _read_bundled() -> DfePublished:
    data = resources.files("csc_demand").joinpath("data")
    with data.joinpath(BUNDLED_TABLE).open("rb") as fh:
        table = pd.read_csv(fh, compression="gzip", dtype={c: "str" for c in TABLE_COLUMNS[:5]} | {"year": "int64"},
                            keep_default_na=False, na_values={"value": [""]})
    table["value"] = table["value"].astype("float64")
    with data.joinpath(BUNDLED_NOTES).open("r", encoding="utf-8") as fh:
        raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
    notes = tuple(Problem(severity=r.severity, kind=r.kind, message=r.message, file=r.file or None,
                          column=r.column or None, row=int(r.row) if r.row else None)
                  for r in raw.itertuples(index=False))
    return DfePublished(table=table, notes=notes, source="bundled")


# --- public API ----------------------------------------------------------------------------------------------

def read_dfe(folder: str | Path | None = None) -> DfePublished:
    """The DfE's published figures for England, its regions and every local authority, as one tidy table.

    Parameters
    ----------
    folder : str or Path, optional
        A folder of the DfE's CSV files as downloaded (any of: ``c1``, ``b1``, ``d3``, ``d5``,
        ``cla_number_and_rate_per_10k_children``, ``cla_2010_to_2020_combined``, the LAIT's long file, the ONS
        population estimates; newer downloads with more years are fine). Files are recognised by their columns,
        not their names. ``None`` (the default) reads the copy bundled with the package.

    Returns
    -------
    DfePublished
        ``table``: one row per area, measure and year with the columns :data:`TABLE_COLUMNS`; ``year`` is the
        year ending 31 March; ``value`` counts children (NaN where suppressed). ``population_0_17`` is the ONS
        mid-year estimate for 30 June of the year before: mid-2024 is ``year`` 2025. ``notes``: what was not used
        and why (rows counted, file and column named), the boundary changes, and the gaps.

    Raises
    ------
    CscDemandError
        When the folder does not exist or none of its files gives a figure. A bad or unrecognised file among
        others is skipped with a note; the other files are still read.

    Example
    -------
    >>> pub = read_dfe()
    >>> england = pub.table.query("la_code == 'E92000001' and measure == 'cla_at_31_march' and year == 2020")
    >>> float(england["value"].iloc[0])
    80000.0
    """
    if folder is None:
        return _read_bundled()
    return _read_folder(Path(folder))


def write_bundle(pub: DfePublished, target: str | Path) -> tuple[Path, Path]:
    """Write ``pub`` as the bundled copy (the table as gzip CSV and its notes) into the folder ``target``.

    Parameters
    ----------
    pub : DfePublished
        Usually ``read_dfe(folder)`` of the DfE's files.
    target : str or Path
        The folder to write :data:`BUNDLED_TABLE` and :data:`BUNDLED_NOTES` into (the package's ``data``).

    Returns
    -------
    tuple of Path
        The table's and the notes' paths. The gzip header holds no time, so the same figures give the same bytes.

    Example
    -------
    >>> write_bundle(read_dfe("../shared/data/dfe"), "src/csc_demand/data")  # doctest: +SKIP
    """
    target = Path(target)
    table_path, notes_path = target / BUNDLED_TABLE, target / BUNDLED_NOTES
    pub.table.to_csv(table_path, index=False, lineterminator="\n", compression={"method": "gzip", "mtime": 0})
    notes = pd.DataFrame([{c: "" if getattr(p, c) is None else getattr(p, c) for c in NOTE_COLUMNS}
                          for p in pub.notes], columns=NOTE_COLUMNS)
    notes.to_csv(notes_path, index=False, lineterminator="\n")
    return table_path, notes_path


def _chain(code: str) -> list[str]:
    """``code`` and the codes its series continues (same area, earlier code), newest first."""
    out = [code]
    while True:
        earlier = [s.old[0] for s in SUCCESSIONS if s.continues and s.new == (out[-1],)]
        if not earlier:
            return out
        out.append(earlier[0])


def same_area(code: str) -> set[str]:
    """``code`` and every code of the same area before or after a change of code (never across a merger or
    split): the newest code's :func:`_chain`."""
    newest = code
    while later := [s.new[0] for s in SUCCESSIONS if s.continues and s.old == (newest,)]:
        newest = later[0]
    return set(_chain(newest))


def dfe_series(pub: DfePublished, measure: str, la_code: str) -> pd.Series:
    """One area's published figures for one measure, by year.

    The series continues across a change of code with the same area (Buckinghamshire's E06000060 includes
    E10000002's years; North Yorkshire's E06000065 those of E10000023; Somerset's E06000066 those of
    E10000027), never across a merger or split.

    Parameters
    ----------
    pub : DfePublished
        From :func:`read_dfe`.
    measure : str
        One of :data:`MEASURES`.
    la_code : str
        A code in the table: a local authority (``E06…``, ``E08…``, ``E09…``, ``E10…``), a region (``E12…``,
        ``E13…``) or England (``E92000001``).

    Returns
    -------
    pandas.Series
        Float counts of children indexed by ``year`` (the year ending 31 March), oldest first; NaN where the DfE
        suppressed the figure; years with no row are absent (nothing is filled in). Named ``measure``.

    Raises
    ------
    CscDemandError
        When the measure or the code is not in the table.

    Example
    -------
    >>> s = dfe_series(read_dfe(), "cla_at_31_march", "E92000001")
    >>> float(s[2020])
    80000.0
    """
    if measure not in MEASURES:
        raise CscDemandError(f"'{measure}' is not one of the DfE measures; use one of: {', '.join(MEASURES)}.")
    table = pub.table
    codes = _chain(la_code)
    if not table["la_code"].isin(codes[:1]).any():
        raise CscDemandError(f"The code '{la_code}' is not in the DfE's figures. Use the 9-character code "
                             "(such as E08000025); current_las() lists the local authorities.")
    rows = table[(table["measure"] == measure) & table["la_code"].isin(codes)]
    return pd.Series(rows["value"].to_numpy(dtype=float), index=pd.Index(rows["year"].to_numpy(), name="year"),
                     name=measure).sort_index()


def dfe_rate_per_10k(pub: DfePublished, measure: str, la_code: str) -> pd.Series:
    """One area's figures per 10,000 children aged 0 to 17, by year, as the DfE works out its rates.

    Rate = measure ÷ ``population_0_17`` × 10,000, where the population of ``year`` Y is the ONS estimate for
    mid-(Y − 1) (e.g. England's children looked after at 31 March 2025: 81,770 ÷ 12,183,016 × 10,000 = 67.1;
    the DfE publishes 67).

    Parameters
    ----------
    pub : DfePublished
        From :func:`read_dfe`.
    measure : str
        One of :data:`MEASURES` other than ``population_0_17``.
    la_code : str
        As in :func:`dfe_series`.

    Returns
    -------
    pandas.Series
        Children per 10,000 children aged 0 to 17, indexed by ``year`` (the years of the measure); NaN where the
        figure or the population is missing. Named ``f"{measure}_per_10k"``.

    Example
    -------
    >>> round(float(dfe_rate_per_10k(read_dfe(), "cla_at_31_march", "E92000001")[2025]), 1)
    67.1
    """
    if measure == "population_0_17":
        raise CscDemandError("A rate per 10,000 children needs a measure other than population_0_17.")
    figures = dfe_series(pub, measure, la_code)
    population = dfe_series(pub, "population_0_17", la_code).reindex(figures.index)
    return (figures / population * 10_000).rename(f"{measure}_per_10k")


def current_las(pub: DfePublished, through: int | None = None) -> pd.DataFrame:
    """The local authorities that exist in a year, with the first year of their comparable series.

    Parameters
    ----------
    pub : DfePublished
        From :func:`read_dfe`.
    through : int, optional
        The year ending 31 March (e.g. 2025); an authority exists in it when the table has a row for it that
        year (any measure). Default: the latest year with local figures.

    Returns
    -------
    pandas.DataFrame
        One row per authority, by code: ``la_code``, ``la_name``, ``region``, ``first_year`` (the first year of
        the series :func:`dfe_series` gives for it: its own code's first year, or its predecessor's when only
        the code changed), ``previous_codes`` (the earlier codes of the same area, " / "-joined; "" when none)
        and ``note`` (the boundary or code change that began its series, in plain English; "" when none).

    Raises
    ------
    CscDemandError
        When the table has no local authority in that year.

    Example
    -------
    >>> las = current_las(read_dfe(), through=2025)
    >>> int(las.set_index("la_code").at["E06000061", "first_year"])
    2022
    """
    local = pub.table[pub.table["level"] == "local"]
    through = int(local["year"].max()) if through is None else int(through)
    now = local[local["year"] == through].drop_duplicates("la_code")
    if now.empty:
        raise CscDemandError(f"The DfE's figures have no local authority in {through}; they cover "
                             f"{_years_text(local['year'])}.")
    first = local.groupby("la_code")["year"].min()
    out = []
    for code, name, region in now[["la_code", "la_name", "region"]].itertuples(index=False):
        chain = _chain(code)
        notes = [f"Continues the series of {s.old[0]}: {s.what}." if s.continues else
                 f"A new authority from {s.first_year}: {s.what}; its figures are not comparable with the "
                 "earlier authorities'." for s in SUCCESSIONS if code in s.new]
        out.append({"la_code": code, "la_name": name, "region": region,
                    "first_year": int(min(first.get(c, through) for c in chain)),
                    "previous_codes": " / ".join(chain[1:]), "note": " ".join(notes)})
    return pd.DataFrame(out, columns=["la_code", "la_name", "region", "first_year", "previous_codes", "note"])
