"""Cell parsing: missing markers, dates, codes, booleans, whole numbers and child IDs.

Every function takes a column of raw cells (a pandas Series of Python objects, as read from a workbook,
CSV or pasted text) and works on the whole column at once (no Python loop over rows). Each returns the
parsed column plus a boolean mask of cells that held something but could not be parsed ("bad"), so the
caller can report them with their row numbers. Missing cells are never "bad".
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from csc_demand.tables import (
    ABUSE_CATEGORIES,
    PLACEMENT_GROUPS,
    REFERRAL_SOURCE_GROUPS,
    REFERRAL_SOURCE_LABELS,
)

#: Cell texts (lower-cased, stripped) that mean "no value".
MISSING_MARKERS = frozenset({
    "", "#n/a", "n/a", "na", "#na", "null", "#null!", "-", "--", "nan", "none", "no data", "not recorded",
    "#value!", "#ref!", "#div/0!", "#name?", "#num!", "nat", "<na>",
})

#: Excel's day zero (serial 1 = 1900-01-01 once Excel's 1900 leap-year bug is allowed for).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Plausible dates: anything outside is treated as a typo ("bad").
MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2100-12-31")
_MAX_SERIAL_DAYS = (MAX_DATE - EXCEL_EPOCH).days
_MIN_SERIAL_DAYS = (MIN_DATE - EXCEL_EPOCH).days

# ASCII digits only ("(?a)"): "\d" alone also matches other scripts' digits (٠١/٠١/٢٠٢٠, full-width １２),
# which are not Annex A dates and which the number conversions below cannot read.
_TIME = r"(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = r"(?a)^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME + r"$"
_YMD = r"(?a)^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"$"
_D_MON_Y = r"(?a)^(\d{1,2})(?:st|nd|rd|th)?[ \-/]+([A-Za-z]{3,9})[ \-/,]+(\d{4}|\d{2})" + _TIME + r"$"
_MONTHS = {m.lower(): i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_MONTHS.update({m.lower(): i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)})
_MONTHS["sept"] = 9

_PREFIX = r"^\s*[A-Za-z]\d?\)\s*"  # the template's drop-down prefix: "a) ", "p1) "


def _by_unique(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a column parser on the column's distinct values only, then spread the results back.

    Annex A columns repeat a few hundred dates and a handful of codes over thousands of rows, so this
    makes parsing roughly proportional to the number of distinct values rather than rows.
    """

    @functools.wraps(fn)
    def wrapper(values: pd.Series, *args: Any) -> Any:
        obj = as_object(values)
        if len(obj) < 64:
            return fn(obj, *args)
        try:
            codes, uniques = pd.factorize(obj.to_numpy(), use_na_sentinel=False)
        except TypeError:
            return fn(obj, *args)
        if len(uniques) > len(obj) // 2:
            return fn(obj, *args)
        result = fn(pd.Series(uniques, dtype=object), *args)
        spread = [pd.Series(r.to_numpy()[codes] if not isinstance(r.dtype, pd.api.extensions.ExtensionDtype)
                            else r.take(codes).array, index=obj.index, dtype=r.dtype)
                  for r in (result if isinstance(result, tuple) else (result,))]
        return tuple(spread) if isinstance(result, tuple) else spread[0]

    return wrapper


def as_object(values: pd.Series) -> pd.Series:
    """The column as a Series of Python objects (the form every parser here starts from)."""
    return values.astype(object) if values.dtype != object else values


def cell_text(values: pd.Series) -> pd.Series:
    """Each cell as stripped text (pandas string dtype); missing markers become ``<NA>``."""
    obj = as_object(values)
    text = obj.astype("string").str.strip()
    return text.mask(text.str.lower().isin(MISSING_MARKERS) | obj.isna())


def is_missing(values: pd.Series) -> pd.Series:
    """True where a cell is blank or holds a missing marker (``#N/A``, ``NULL``, ``n/a``, ``-``, ...)."""
    return cell_text(values).isna()


def _year_2digit(year: pd.Series) -> pd.Series:
    """Four-digit years from 2- or 4-digit text: 00–69 → 20xx, 70–99 → 19xx."""
    y = pd.to_numeric(year, errors="coerce").astype("float64")
    two = (year.str.len() == 2).fillna(False).astype(bool)
    return y.where(~two, np.where(y <= 69, 2000 + y, 1900 + y))


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Dates from year, month and day parts; ``NaT`` where they are not a real date within 1900–2100.

    Years outside that range are left out before pandas sees them: a nanosecond timestamp cannot hold
    ``31/12/9999`` or ``01/01/0001`` (the "no date" placeholders of case systems), and converting one
    raises instead of giving ``NaT``.
    """
    parts = pd.DataFrame({"year": pd.to_numeric(year, errors="coerce"),
                          "month": pd.to_numeric(month, errors="coerce"),
                          "day": pd.to_numeric(day, errors="coerce")})
    ok = parts.notna().all(axis=1) & parts["year"].between(MIN_DATE.year, MAX_DATE.year)
    out = pd.Series(pd.NaT, index=year.index, dtype="datetime64[ns]")
    if ok.any():
        # Out-of-range parts (31/02, month 13) become NaT.
        out[ok] = pd.to_datetime(parts[ok].astype("int64"), errors="coerce").astype("datetime64[ns]")
    return out


def _datetime_cells(cells: pd.Series) -> np.ndarray:
    """Date/datetime cell objects → datetime64[ns] (NaT outside 1900–2100 or with a time zone)."""
    try:
        conv = pd.to_datetime(cells, errors="coerce")
        if getattr(conv.dt, "tz", None) is not None:
            raise TypeError("time zone")
        conv = conv.where((conv >= MIN_DATE) & (conv <= MAX_DATE))
        return conv.astype("datetime64[ns]").to_numpy()
    except (TypeError, ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        def one(d: object) -> pd.Timestamp:
            ok = getattr(d, "tzinfo", None) is None and MIN_DATE.year <= d.year <= MAX_DATE.year  # type: ignore[attr-defined]
            return pd.Timestamp(d) if ok else pd.NaT  # type: ignore[arg-type]
        return pd.to_datetime(cells.map(one)).astype("datetime64[ns]").to_numpy()


@_by_unique
def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates as found in Annex A files.

    Accepts date/datetime cells, Excel serial numbers (as numbers or numeric text; day 0 = 1899-12-30),
    text ``dd/mm/yyyy`` and ``d/m/yy`` (two-digit years 00–69 → 20xx), ``dd-mm-yyyy``, ISO ``yyyy-mm-dd``
    (with or without a time), and ``31 Dec 2020``; mixed within the column. Times are dropped (midnight).
    Dates outside 1900–2100 are treated as unreadable.

    Returns ``(dates, bad)``: ``datetime64[ns]`` with ``NaT`` for missing or unreadable cells, and a mask
    of cells that held something that is not a plausible date.
    """
    obj = as_object(values)
    text = cell_text(obj)
    present = text.notna()
    out = pd.Series(pd.NaT, index=obj.index, dtype="datetime64[ns]")
    if not present.any():
        return out, pd.Series(False, index=obj.index)
    arr = obj.to_numpy()
    is_dt = present & pd.Series(np.fromiter((isinstance(x, _dt.date) for x in arr), bool, len(arr)),
                                index=obj.index)
    if is_dt.any():
        out[is_dt] = _datetime_cells(obj[is_dt])
    odd = np.fromiter((isinstance(x, (_dt.time, _dt.timedelta, bool, np.bool_)) for x in arr), bool, len(arr))
    rest = present & ~is_dt & ~odd
    num = pd.to_numeric(text.where(rest), errors="coerce").astype("float64")
    is_serial = num.notna()
    if is_serial.any():
        days = num[is_serial].to_numpy()
        days = np.where((days >= _MIN_SERIAL_DAYS) & (days <= _MAX_SERIAL_DAYS + 1), np.floor(days), np.nan)
        out[is_serial] = (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).to_numpy()
    txt = text.where(rest & ~is_serial)
    if txt.notna().any():
        dmy = txt.str.extract(_DMY)
        got = dmy[0].notna()
        if got.any():
            out[got] = _from_parts(_year_2digit(dmy.loc[got, 2]), dmy.loc[got, 1], dmy.loc[got, 0])
        ymd = txt.str.extract(_YMD)
        got = ymd[0].notna()
        if got.any():
            out[got] = _from_parts(ymd.loc[got, 0], ymd.loc[got, 1], ymd.loc[got, 2])
        mon = txt.str.extract(_D_MON_Y)
        got = mon[0].notna()
        if got.any():
            month = mon.loc[got, 1].str.lower().map(_MONTHS)
            out[got] = _from_parts(_year_2digit(mon.loc[got, 2]), month, mon.loc[got, 0])
    out = out.dt.normalize()
    out = out.where((out >= MIN_DATE) & (out <= MAX_DATE))
    return out, present & out.isna()


#: Excel's largest date serial number (31/12/9999).
_MAX_EXCEL_SERIAL = 2_958_465


@_by_unique
def out_of_range_dates(values: pd.Series) -> pd.Series:
    """Which cells are real dates outside the plausible 1900–2100 range: ``"late"`` (after 2100, e.g. the
    ``31/12/9999`` that case systems write for "no end date"), ``"early"`` (before 1900, e.g.
    ``01/01/0001``), ``<NA>`` otherwise (plausible dates, missing cells, text that is not a date at all).

    Reads the same shapes as :func:`parse_dates`: date cells, Excel serial numbers (up to Excel's last day,
    31/12/9999), ``dd/mm/yyyy``, ISO ``yyyy-mm-dd`` and ``31 Dec 9999``. Only four-digit years can be out of
    range. :func:`parse_dates` treats all of these as unreadable; this says why, so the reader can explain
    each row (and read a far-future end date as "no end date").
    """
    obj = as_object(values)
    text = cell_text(obj)
    arr = obj.to_numpy()
    year = pd.Series(np.nan, index=obj.index)
    is_dt = text.notna() & pd.Series(np.fromiter((isinstance(x, _dt.date) for x in arr), bool, len(arr)),
                                     index=obj.index)
    if is_dt.any():
        year[is_dt] = [x.year for x in arr[is_dt.to_numpy()]]
    odd = np.fromiter((isinstance(x, (_dt.time, _dt.timedelta, bool, np.bool_)) for x in arr), bool, len(arr))
    rest = text.notna() & ~is_dt & ~odd
    num = pd.to_numeric(text.where(rest), errors="coerce").astype("float64")
    serial_late = (num > _MAX_SERIAL_DAYS + 1) & (num <= _MAX_EXCEL_SERIAL)
    year[serial_late] = MAX_DATE.year + 1
    txt = text.where(rest & num.isna())
    for pattern, y, m, d in ((_DMY, 2, 1, 0), (_YMD, 0, 1, 2), (_D_MON_Y, 2, 1, 0)):
        parts = txt.str.extract(pattern)
        four = (parts[y].str.len() == 4).fillna(False).astype(bool)
        if not four.any():
            continue
        month = (parts[m].str.lower().map(_MONTHS) if pattern == _D_MON_Y
                 else pd.to_numeric(parts[m], errors="coerce"))
        day = pd.to_numeric(parts[d], errors="coerce")
        real = (four & month.between(1, 12).fillna(False) & day.between(1, 31).fillna(False)).astype(bool)
        year[real] = pd.to_numeric(parts.loc[real, y], errors="coerce")
    out = pd.Series(pd.NA, index=obj.index, dtype="string")
    out[(year > MAX_DATE.year).to_numpy()] = "late"
    out[(year < MIN_DATE.year).to_numpy()] = "early"
    return out


@_by_unique
def us_order_dates(values: pd.Series) -> pd.Series:
    """True where a cell is text that only makes sense as a US month/day/year date (``12/31/2020``: first
    number 1–12, second 13–31, and a real date once the two are swapped).

    Such cells are unreadable to :func:`parse_dates` (Annex A dates are day/month/year) and are never
    reinterpreted: in a column holding them, a date like ``03/04/2020`` could be either order.
    """
    text = cell_text(values)
    parts = text.str.extract(_DMY)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    shape = ((first >= 1) & (first <= 12) & (second >= 13) & (second <= 31)).fillna(False).astype(bool)
    out = pd.Series(False, index=text.index)
    if shape.any():
        swapped = _from_parts(_year_2digit(parts.loc[shape, 2]), parts.loc[shape, 0], parts.loc[shape, 1])
        out[shape] = ((swapped >= MIN_DATE) & (swapped <= MAX_DATE)).to_numpy()
    return out


def first_of_month(dates: pd.Series) -> pd.Series:
    """The first day of each date's month (``NaT`` stays ``NaT``)."""
    return (dates - pd.to_timedelta(dates.dt.day - 1, unit="D")).astype("datetime64[ns]")


@_by_unique
def parse_ints(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``3``, ``3.0``, ``"3"``) as nullable ``Int64``; anything else is bad."""
    text = cell_text(values)
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    whole = num.notna() & (np.floor(num.fillna(0)) == num.fillna(0)) & (num.abs() < 1e9)
    out = num.where(whole).astype("Int64")
    return out, text.notna() & ~whole


_TRUE = {"yes", "y", "true", "1", "t"}
_FALSE = {"no", "n", "false", "0", "f"}
_UNKNOWN = {"unknown", "u", "not known", "not stated", "not recorded", "c"}


@_by_unique
def parse_bools(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells (``a) Yes``, ``Yes``, ``Y``, ``b) No``, ``N``, ``1``/``0``) as pandas ``boolean``.

    ``c) Unknown`` and similar are missing, not bad.
    """
    text = cell_text(values)
    low = text.str.replace(_PREFIX, "", regex=True).str.strip().str.lower()
    low = low.str.replace(r"\.0$", "", regex=True)
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[low.isin(_TRUE).fillna(False)] = True
    out[low.isin(_FALSE).fillna(False)] = False
    known = low.isin(_TRUE | _FALSE | _UNKNOWN).fillna(False)
    return out, text.notna() & ~known


_GENDER_WORDS = {
    "male": "male", "m": "male", "1": "male", "boy": "male",
    "female": "female", "f": "female", "2": "female", "girl": "female",
    "not stated/recorded (or unborn)": "unknown", "not stated/recorded": "unknown", "not stated": "unknown",
    "unknown": "unknown", "u": "unknown", "0": "unknown", "9": "unknown", "unborn": "unknown",
    "not known": "unknown", "indeterminate": "neither", "neither": "neither", "3": "neither",
    "other": "neither", "n": "neither",
}


@_by_unique
def parse_gender(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Gender as ``male`` / ``female`` / ``unknown`` / ``neither`` (from ``b) Female``, ``Female``, ``F``,
    ``2``...). Missing cells become ``unknown``; unrecognised text is bad (and ``unknown``)."""
    text = cell_text(values)
    low = text.str.replace(_PREFIX, "", regex=True).str.strip().str.lower().str.replace(r"\.0$", "", regex=True)
    out = low.map(_GENDER_WORDS).astype("string")
    bad = text.notna() & out.isna()
    return out.fillna("unknown"), bad


_ABUSE_WORDS = {
    "neglect": "neglect", "neg": "neglect", "n": "neglect",
    "physical": "physical", "physical abuse": "physical", "phy": "physical", "p": "physical",
    "sexual": "sexual", "sexual abuse": "sexual", "sab": "sexual", "s": "sexual",
    "emotional": "emotional", "emotional abuse": "emotional", "emo": "emotional",
    "multiple": "multiple", "mul": "multiple", "multiple/not recommended": "multiple",
    **{k: v for k, v in ABUSE_CATEGORIES.items()},
}


@_by_unique
def parse_abuse(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Category of abuse as ``neglect`` / ``physical`` / ``sexual`` / ``emotional`` / ``multiple``."""
    text = cell_text(values)
    low = text.str.lower().str.strip()
    letter = low.str.extract(r"^([a-e])\)\s*$")[0]
    body = low.str.replace(_PREFIX, "", regex=True).str.strip()
    out = body.map(_ABUSE_WORDS).astype("string")
    out = out.fillna(letter.map(ABUSE_CATEGORIES).astype("string"))
    return out, text.notna() & out.isna()


def _source_by_label() -> dict[str, str]:
    by_label: dict[str, str] = {}
    for code, label in REFERRAL_SOURCE_LABELS.items():
        words = label.split(":", 1)[1].strip().lower()
        by_label.setdefault(words, code)  # ambiguous labels ("Individual") → the first code of the group
    by_label.update({"school": "2A", "health": "3A", "la services": "5A", "local authority services": "5A",
                     "legal agency": "7", "other legal agency": "7", "police": "6", "unknown": "10"})
    return by_label


_SOURCE_BY_LABEL = _source_by_label()


@_by_unique
def parse_referral_source(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Referral/contact source as the CIN census code (``"2A"``, ``"4"``, ``"10"``).

    Reads ``e) 2A: Schools``, ``2A``, ``2a``, ``Schools`` (a label shared by several codes, such as
    ``Individual``, gives the first code of its group, so the source group is still right).
    """
    text = cell_text(values)
    body = text.str.replace(_PREFIX, "", regex=True).str.strip()
    code = body.str.extract(r"^(\d{1,2}[A-Fa-f]?)(?:$|[\s:\-–.)])")[0].str.upper()
    code = code.str.replace(r"^0+(\d)", r"\1", regex=True)
    code = code.where(code.isin(list(REFERRAL_SOURCE_GROUPS)))
    label = body.str.lower().str.replace(r"^\d{1,2}[a-f]?\s*[:\-–]\s*", "", regex=True).str.strip()
    code = code.fillna(label.map(_SOURCE_BY_LABEL).astype("string"))
    return code.astype("string"), text.notna() & code.isna()


def source_groups(codes: pd.Series) -> pd.Series:
    """Source group of each referral source code (missing or unknown → ``"Unknown"``)."""
    return codes.map(REFERRAL_SOURCE_GROUPS).astype("string").fillna("Unknown")


def placement_groups(codes: pd.Series) -> pd.Series:
    """Placement group of each SSDA903 placement code (missing or unknown → ``"Unknown"``)."""
    return codes.map(PLACEMENT_GROUPS).astype("string").fillna("Unknown")


#: Known codes per clean column (a code outside these is kept but flagged).
KNOWN_CODES: dict[str, frozenset[str]] = {
    "legal_status": frozenset({"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"}),
    "placement_type": frozenset(PLACEMENT_GROUPS),
    "reason_ceased": frozenset({"E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B",
                                "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9"}),
    "category_of_need": frozenset({f"N{i}" for i in range(1, 10)}),
    "primary_need": frozenset({f"N{i}" for i in range(0, 10)}),
    "closure_reason": frozenset({f"RC{i}" for i in range(1, 10)}),
}


@_by_unique
def parse_codes(values: pd.Series, known: frozenset[str] | None = None) -> tuple[pd.Series, pd.Series]:
    """A short upper-case code (``"C2"``, ``"U4"``, ``"E11"``) from ``a) E11: Adopted - ...``, ``E11`` or
    ``e11``. With ``known``, a code outside the set is kept (if it looks like a code) but flagged bad."""
    text = cell_text(values)
    body = text.str.replace(_PREFIX, "", regex=True).str.strip().str.upper()
    code = body.str.extract(r"^([A-Z]{0,3}\d{1,3}[A-Z]?)(?:$|[\s:\-–.),])")[0]
    short = body.where(body.str.fullmatch(r"[A-Z0-9]{1,6}").fillna(False))
    code = code.fillna(short).astype("string")
    bad = text.notna() & code.isna()
    if known is not None:
        bad = bad | (code.notna() & ~code.isin(list(known)).fillna(False))
    return code, bad


@_by_unique
def normalise_ids(values: pd.Series) -> pd.Series:
    """The LA's child ID as canonical text, so that the same child matches across lists and extracts.

    The ID is treated as text: surrounding spaces are removed, a trailing ``.0`` (a number that went
    through Excel as a float) is dropped, letters are upper-cased, and **leading zeros are removed**, so
    ``00123``, ``123`` and ``123.0`` are the same child (LA systems that export IDs as numbers lose leading
    zeros anyway; two different children whose IDs differ only in leading zeros are not expected).
    Missing cells are ``<NA>``.
    """
    obj = as_object(values)
    is_float = pd.Series(np.fromiter((isinstance(x, float) for x in obj.to_numpy()), bool, len(obj)),
                         index=obj.index)
    if is_float.any():
        f = pd.to_numeric(obj[is_float], errors="coerce")
        whole = f.notna() & (np.floor(f.fillna(0.5)) == f) & (f.abs() < 9e15)
        obj = obj.copy()
        obj[whole[whole].index] = f[whole].astype("int64").astype(str)
    text = cell_text(obj)
    text = text.str.replace(r"\.0+$", "", regex=True).str.upper().str.replace(r"^0+(.)", r"\1", regex=True)
    return text.mask(text == "")
