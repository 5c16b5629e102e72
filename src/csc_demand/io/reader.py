"""The reader's entry points: files, folders and uploads (:func:`read_annex_a`) or pasted text
(:func:`read_pasted`) → :class:`~csc_demand.tables.AnnexA`.

Every sheet is first asked whether it is a registered input format (:func:`csc_demand.io.formats.identify`):
SSDA903 tables are set aside for :mod:`csc_demand.io.ssda903` and never parsed as an Annex A list."""

from __future__ import annotations

import secrets

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io.extract_date import OUTLIER_GAP_DAYS, date_from_name, latest_of_bulk, parse_user_date
from csc_demand.io.merge import extract_table, merge_extracts
from csc_demand.io.sheet import ListPart, parse_sheet, place, rows_text
from csc_demand.io.sources import (
    InputFile,
    RawSheet,
    collect_inputs,
    text_rows,
)
from csc_demand.io.ssda903 import RawTable, Ssda903, input_tables, split_sheets, ssda903_from_tables
from csc_demand.tables import (
    LISTS_BY_TABLE,
    REQUIRED_TABLES,
    USED_TABLES,
    AnnexA,
    Extract,
    Problem,
    QualityReport,
    window_start,
)

#: Source recorded when no date could be found anywhere (no user date, none in names, no dated rows).
TODAY = "today"


@dataclass
class _Group:
    """The files of one extract: files sharing a date in their names; or undated files (one workbook or
    CSV per list) when no list appears twice among them; otherwise each undated workbook alone."""

    name_date: pd.Timestamp | None
    files: list[str] = field(default_factory=list)
    parts: list[ListPart] = field(default_factory=list)


def _group_key(f: InputFile, index: int) -> tuple[object, pd.Timestamp | None]:
    d = date_from_name(f.name) or (date_from_name(f.folder) if f.folder else None)
    if d is not None:
        return ("date", d), d
    if f.is_text:
        return ("text", f.folder or ""), None
    return ("file", index), None


def _join_undated(groups: list[_Group]) -> list[_Group]:
    """Files with no date in their names are one extract (e.g. one workbook or CSV per list) unless the
    same list appears in more than one of them, which means they are different extracts."""
    undated = [g for g in groups if g.name_date is None]
    if len(undated) < 2:
        return groups
    tables = [t for g in undated for t in {p.spec.table for p in g.parts}]
    if len(tables) != len(set(tables)):
        return groups
    joined = _Group(None, [f for g in undated for f in g.files], [p for g in undated for p in g.parts])
    return [g for g in groups if g.name_date is not None] + [joined]


def _capital(text: str) -> str:
    """``text`` with its first letter in upper case (file and sheet names left as they are)."""
    return text[:1].upper() + text[1:]


def _read_parts(sheets: list[RawSheet], key: bytes, quality: QualityReport) -> list[ListPart]:
    parts = []
    for raw in sheets:
        try:
            part, problems = parse_sheet(raw, key)
        except Exception as exc:  # one sheet never rejects the others; no traceback (it could hold data)
            quality.add(Problem("warning", "sheet_unreadable",
                                f"{_capital(place(raw.file, raw.sheet))} could not be read ({type(exc).__name__}); "
                                "the other sheets were read. Please report this problem.",
                                file=raw.file, sheet=raw.sheet))
            continue
        for p in problems:
            quality.add(p)
        if part is not None:
            parts.append(part)
            for p in part.problems:
                quality.add(p)
            part.problems = []
    return parts


def _latest_event(parts: list[ListPart], quality: QualityReport) -> pd.Timestamp | None:
    """The extract date inferred from the lists: the latest event date of the bulk of them (see
    :func:`~csc_demand.io.extract_date.latest_of_bulk`). A few dates standing apart after it are not used,
    and each column holding them gets a warning naming their rows."""
    cols = [(part, f.key) for part in parts for f in part.spec.fields
            if f.kind == "date" and f.key not in (None, "birth_month") and f.key in part.frame]
    if not cols:
        return None
    today = pd.Timestamp.now().normalize()
    latest, apart = latest_of_bulk(pd.concat([part.frame[k] for part, k in cols], ignore_index=True), today)
    if not apart or latest is None:
        return latest
    for part, k in cols:
        later = ((part.frame[k] > latest) & (part.frame[k] <= today)).fillna(False).to_numpy(dtype=bool)
        if later.any():
            rows = part.frame["_row"].to_numpy()[later]
            header = part.headers.get(k, k)
            one = len(rows) == 1
            quality.add(Problem(
                "warning", "extract_date_outliers",
                f"'{header}' holds {'a date' if one else 'dates'} more than {OUTLIER_GAP_DAYS} days later than "
                f"the rest of the lists ({rows_text(rows)}), so {'it was' if one else 'they were'} not taken as "
                f"the extract date: check {'it' if one else 'them'} (a mistyped month or year?). The extract date "
                f"was taken as {latest:%d/%m/%Y}, the latest date in the rest of the lists; if the extract was "
                "taken later, give --extract-date.", part.file, part.sheet, int(rows[0]), header))
    return latest


def _assemble(groups: list[_Group], user_date: pd.Timestamp | None, quality: QualityReport) -> AnnexA:
    if user_date is not None and len(groups) > 1:
        quality.add(Problem("warning", "one_extract_date_for_several_files",
                            f"One extract date ({user_date:%d/%m/%Y}) was given for {len(groups)} separate "
                            "extracts, so all are treated as one extract taken on that date. Load them without "
                            "--extract-date (dates in the file names are used) to merge them as separate extracts."))
        merged = _Group(user_date, [f for g in groups for f in g.files], [p for g in groups for p in g.parts])
        groups = [merged]
    dated: list[tuple[pd.Timestamp, str, _Group]] = []
    for g in groups:
        if user_date is not None:
            dated.append((user_date, "user", g))
        elif g.name_date is not None:
            dated.append((g.name_date, "file name", g))
        else:
            latest = _latest_event(g.parts, quality)
            if latest is None:
                today = pd.Timestamp.now().normalize()
                quality.add(Problem("warning", "no_extract_date",
                                    f"No extract date was given, none is in the file name and the lists hold no "
                                    f"dates, so today ({today:%d/%m/%Y}) is used. Give --extract-date.",
                                    file=", ".join(g.files)))
                dated.append((today, TODAY, g))
            else:
                dated.append((latest, "latest event", g))
    dated.sort(key=lambda t: t[0])

    per_table: dict[str, list[pd.DataFrame]] = {}
    for date, _, g in dated:
        by_table: dict[str, list[ListPart]] = {}
        for part in g.parts:
            by_table.setdefault(part.spec.table, []).append(part)
        for table, parts in by_table.items():
            per_table.setdefault(table, []).append(extract_table(parts, date, quality))
            quality.rows_read[table] = quality.rows_read.get(table, 0) + sum(p.rows_read for p in parts)
            for p in parts:
                quality.sources.setdefault(table, []).append(p.location)

    tables = {t: merge_extracts(per_table[t], LISTS_BY_TABLE[t], quality) for t in USED_TABLES if t in per_table}
    _lists_not_found(tables, quality)

    extracts: list[Extract] = []
    for date, source, _ in dated:
        if not extracts or extracts[-1].extract_date != date:
            extracts.append(Extract(date, window_start(date), source))
    newest = extracts[-1]
    return AnnexA(tables, newest.extract_date, newest.source, extracts, quality)


def _lists_not_found(tables: Mapping[str, object], quality: QualityReport) -> None:
    """A problem for each list not found: an error for the lists the model needs, a note for the others."""
    for t in USED_TABLES:
        if t not in tables:
            spec = LISTS_BY_TABLE[t]
            required = t in REQUIRED_TABLES
            date_header = next(f.header for f in spec.fields if f.key == spec.date_key)
            expected = "', '".join(f.header for f in spec.fields if f.key is not None and f.kind != "drop")
            quality.add(Problem(
                "error" if required else "info", "list_not_found",
                f"List {spec.number} ({spec.title}) was not found" + (
                    f": the model needs it. Expected a sheet or CSV with the headers '{expected}' (at least "
                    f"'{spec.fields[0].header}' and '{date_header}')." if required else
                    " (optional; read when present).")))


#: ``AnnexA.extract_date_source`` when only SSDA903 returns were read (the date is theirs).
SSDA903_ONLY = "ssda903"


def _only_ssda903(ssda903: Ssda903, quality: QualityReport) -> AnnexA:
    """What the reader returns for SSDA903 returns without Annex A lists: no list, the 903 periods of care,
    and an error saying a forecast also needs the lists (``validate`` still summarises the returns)."""
    quality.add(Problem("error", "ssda903_only",
                        "Only SSDA903 returns were found. They give the history of every period of care, but a "
                        "forecast also needs the Annex A lists (at least Lists 3, 7 and 8): give the Annex A "
                        "workbook (or its folder) together with the returns."))
    _lists_not_found({}, quality)
    return AnnexA({}, ssda903.extract_date, SSDA903_ONLY, [], quality, ssda903=ssda903)


def _finish(groups: list[_Group], set_aside: list[RawTable], key: bytes, user_date: pd.Timestamp | None,
            quality: QualityReport) -> AnnexA:
    """The lists of the extracts' groups, and the SSDA903 returns set aside read into periods of care (cut to
    the extract date the user gave, else to the end of the latest return). Needs a group or a 903 table."""
    annex = _assemble(groups, user_date, quality) if groups else None
    ssda903 = None
    cut = user_date if user_date is not None or annex is None else annex.extract_date
    try:
        if set_aside:
            ssda903 = ssda903_from_tables(set_aside, key, extract_date=cut, quality=quality)
    except CscDemandError as exc:
        if annex is None:
            raise
        quality.add(Problem("warning", "ssda903_unusable", f"{exc} The Annex A lists were read."))
    except Exception as exc:  # a bug must not show a traceback with data in it
        raise CscDemandError(f"The SSDA903 returns could not be read ({type(exc).__name__}). Please report this "
                             "problem; meanwhile, read the Annex A lists without them.") from None
    if annex is None:
        assert ssda903 is not None
        return _only_ssda903(ssda903, quality)
    annex.ssda903 = ssda903
    if ssda903 is not None and "looked_after" in annex.tables:
        added = ssda903.beyond(annex.looked_after)
        quality.add(Problem(
            "info", "ssda903_with_list8",
            f"The SSDA903 returns hold {len(added):,} periods of care from {ssda903.first_day:%d/%m/%Y}. Where a "
            "period is also in List 8, List 8 (the newer extract) is used; the returns add the "
            f"{int(added.sum()):,} periods List 8 does not hold, for how long care lasts. Periods that began "
            "before the earliest return are not used for that (their start is not known)."))
    return annex


def _key_or_one_off(key: bytes | None, quality: QualityReport) -> bytes:
    """The key given, or a one-off key kept only in memory (nothing is written anywhere), said in a note."""
    if key is not None:
        return key
    quality.add(Problem("info", "one_off_key",
                        "Child IDs were pseudonymised with a one-off key, as none was given, so the same child "
                        "will have another pseudonym in another run. To keep them the same, pass "
                        "key=load_or_create_key() (a key kept in your csc-demand settings folder)."))
    return secrets.token_bytes(32)


def read_annex_a(sources: object, *, extract_date: str | pd.Timestamp | None = None,
                 key: bytes | None = None) -> AnnexA:
    """Read Annex A lists from files, folders or uploads into clean, pseudonymised tables.

    Parameters
    ----------
    sources
        A path or a sequence of paths (a workbook ``.xlsx``/``.xlsm``/``.xls``/``.ods``, a ``.csv``/``.tsv``/
        ``.txt`` file, or a folder of such files) and/or uploads (objects with ``.name`` and ``.getvalue()``,
        or ``(name, bytes)`` tuples). Files whose names hold different dates (or separate workbooks) are
        separate extracts, merged with the newest winning; a folder of one CSV per list is one extract.
        SSDA903 returns among them (CSV files or sheets with the return's columns, or the 903 XML) are
        recognised by their columns, never read as a list, and read into periods of care
        (:func:`csc_demand.io.ssda903.read_ssda903`).
    extract_date
        ``YYYY-MM-DD``: overrides the extract date for all files (default: a date in the file name, else the
        bulk of the latest event dates).
    key
        The pseudonymisation key (32 bytes): pass :func:`load_or_create_key` to keep the same pseudonyms from
        run to run (the command line and the app do, and say so); without one, a one-off key is used and
        nothing is written anywhere.

    Returns
    -------
    AnnexA
        The clean tables (IDs pseudonymised, names, workers and postcodes dropped, birth dates to the month),
        the extracts and the quality report (every row not used, with its file, sheet, row and column). A
        list that is not found is absent from ``tables`` (with an error problem if the model needs it).
        ``ssda903`` holds the SSDA903 periods of care when returns were given (cut to ``extract_date`` when
        given, else to the end of the latest return); given alone, they are read, no list is, and an error
        problem says a forecast also needs the Annex A lists.

    Raises
    ------
    CscDemandError
        (and nothing else) for a file that cannot be read.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> annex.extract_date, len(annex.referrals)
    """
    user_date = parse_user_date(extract_date)
    inputs = collect_inputs(sources)
    quality = QualityReport()
    key = _key_or_one_off(key, quality)
    groups: dict[object, _Group] = {}
    listless: list[str] = []
    unreadable: list[str] = []
    set_aside: list[RawTable] = []  # SSDA903 tables, recognised by their columns: never read as a list
    for index, f in enumerate(inputs):
        try:
            sheets, found = input_tables(f)
        except CscDemandError as exc:
            if f.folder is None or len(inputs) == 1:
                raise
            unreadable.append(str(exc))
            quality.add(Problem("warning", "file_unreadable", f"{exc} The other files were read.", file=f.name))
            continue
        try:
            parts = _read_parts(sheets, key, quality)
        except CscDemandError:
            raise
        except Exception as exc:  # a bug must not show a traceback with data in it; say where it happened
            raise CscDemandError(f"{f.name} could not be read ({type(exc).__name__}). Please report this "
                                 "problem; meanwhile, try saving the file again from Excel.") from None
        set_aside += found
        if not parts and found:  # an SSDA903 return: no extract
            continue
        if not parts:  # a README or notes file: it holds no list, so it is no extract and dates nothing
            listless.append(f.name)
            quality.add(Problem("info", "file_skipped",
                                f"{f.name} holds none of the Annex A lists csc-demand reads, so it was skipped.",
                                file=f.name))
            continue
        gkey, name_date = _group_key(f, index)
        g = groups.setdefault(gkey, _Group(name_date))
        g.files.append(f.name)
        g.parts.extend(parts)
    if not groups and not set_aside:
        reasons = [p.message for p in quality.problems  # a sheet refused or damaged: say why, not only "no list"
                   if p.file in listless and p.kind in ("sheet_too_large", "sheet_unreadable")]
        if reasons:
            raise CscDemandError(" ".join(dict.fromkeys(reasons)) + f" No Annex A list could be read from "
                                 f"{', '.join(listless)}.")
        if listless:
            raise CscDemandError(
                f"No Annex A list was found in {', '.join(listless)}. csc-demand looks for sheets or CSV files "
                "with the lists' column headers (such as 'Child Unique ID' and 'Date of referral'): check that "
                "you chose the Annex A workbook or the folder of its lists.")
        raise CscDemandError("None of the files could be read: " + " ".join(unreadable))
    return _finish(_join_undated(list(groups.values())), set_aside, key, user_date, quality)


def read_pasted(texts: Mapping[str, str], *, extract_date: str | pd.Timestamp | None = None,
                key: bytes | None = None) -> AnnexA:
    """Read lists pasted from Excel: tab-separated text with a header row, one text per list.

    The mapping's keys are labels (e.g. ``"List 3"``) used in messages; each list is identified by its
    headers. All texts form one extract; its date is ``extract_date`` or else the latest event.
    """
    user_date = parse_user_date(extract_date)
    quality = QualityReport()
    key = _key_or_one_off(key, quality)
    group = _Group(None)
    set_aside: list[RawTable] = []
    for label, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            continue
        rows = text_rows(text, "\t" if "\t" in text else None)
        group.files.append(str(label))
        sheets, found = split_sheets([RawSheet("pasted text", str(label), rows)])
        set_aside += found
        try:
            group.parts.extend(_read_parts(sheets, key, quality))
        except CscDemandError:
            raise
        except Exception as exc:
            raise CscDemandError(f"The text pasted as {label} could not be read ({type(exc).__name__}).") from None
    if not group.files:
        raise CscDemandError("Nothing was pasted: copy a list from Excel, including its header row.")
    return _finish([] if set_aside and not group.parts else [group], set_aside, key, user_date, quality)


__all__ = ["read_annex_a", "read_pasted"]
