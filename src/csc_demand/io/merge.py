"""Assembling list parts into clean tables: exact duplicates within an extract, then several extracts
merged on the list's keys with the newest extract winning."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_demand.io import parse
from csc_demand.io.sheet import ListPart, rows_text
from csc_demand.schema import ListSpec
from csc_demand.tables import Problem, QualityReport, window_start


def _empty_column(kind: str, n: int) -> pd.Series:
    return pd.Series([pd.NA] * n, dtype={"date": "datetime64[ns]", "int": "Int64", "bool": "boolean"}.get(
        kind, "string"))


def _typed(frame: pd.DataFrame, spec: ListSpec) -> pd.DataFrame:
    out = {}
    for f in spec.fields:
        if f.key is None or f.kind == "drop":
            continue
        if f.key in frame:
            s = frame[f.key]
            dtype = {"date": "datetime64[ns]", "int": "Int64", "bool": "boolean"}.get(f.kind, "string")
            out[f.key] = s.astype(dtype)
        else:
            out[f.key] = _empty_column(f.kind, len(frame))
    out["extract_date"] = frame["extract_date"].astype("datetime64[ns]")
    clean = pd.DataFrame(out, index=frame.index)[spec.clean_columns]
    if spec.table in ("referrals", "contacts"):
        clean["source_group"] = parse.source_groups(clean["source"])
    if spec.table == "looked_after":
        clean["placement_group"] = parse.placement_groups(clean["placement_type"])
    return clean.reset_index(drop=True)


#: No child's referral, plan or period of care in an extract starts this many years before the extract date.
EARLIEST_EVENT_YEARS = 25


def _drop_too_early(part: ListPart, frame: pd.DataFrame, extract_date: pd.Timestamp,
                    quality: QualityReport) -> pd.DataFrame:
    """Rows whose main date is more than :data:`EARLIEST_EVENT_YEARS` before the extract date are not a
    child's record (typically a total row whose count, e.g. 5, reads as the Excel date 5 Jan 1900): each is
    not used and explained."""
    key = part.spec.date_key
    early = (frame[key] < extract_date - pd.DateOffset(years=EARLIEST_EVENT_YEARS)).to_numpy(dtype=bool)
    if not early.any():
        return frame
    header = part.headers.get(key, key)
    for r in frame["_row"].to_numpy()[early]:
        quality.add(Problem("warning", "date_too_early",
                            f"'{header}' is more than {EARLIEST_EVENT_YEARS} years before the extract date "
                            f"{extract_date:%d/%m/%Y}, which no child's record can be (a total row, or a number "
                            "that is not a date?): not used.", part.file, part.sheet, int(r), header, True))
    return frame.loc[~early]


#: Lists whose rows the model reads only inside the extracts' six-month windows (by the list's main date).
WINDOW_ONLY_TABLES = frozenset({"referrals"})


def _drop_before_window(part: ListPart, frame: pd.DataFrame, extract_date: pd.Timestamp,
                        quality: QualityReport) -> pd.DataFrame:
    """Referrals dated before their extract's six-month window: the model reads referrals only inside the
    windows of the extracts loaded, so each is not used and explained (an older extract, if loaded, holds
    them inside its own window)."""
    if part.spec.table not in WINDOW_ONLY_TABLES:
        return frame
    key = part.spec.date_key
    start = window_start(extract_date)
    before = (frame[key] < start).to_numpy(dtype=bool)
    if not before.any():
        return frame
    header = part.headers.get(key, key)
    for r in frame["_row"].to_numpy()[before]:
        quality.add(Problem("info", "before_window",
                            f"'{header}' is before this extract's six-month window (from {start:%d/%m/%Y} to "
                            f"{extract_date:%d/%m/%Y}); the forecast reads referrals inside the windows of the "
                            "extracts loaded only, so this row is not used. To use earlier referrals, load the "
                            "older extracts that hold them.", part.file, part.sheet, int(r), header, True))
    return frame.loc[~before]


def extract_table(parts: list[ListPart], extract_date: pd.Timestamp, quality: QualityReport) -> pd.DataFrame:
    """One extract's rows of one list from all its parts: exact duplicate rows removed (one problem per
    duplicate, located), events after the extract date flagged, ``extract_date`` added."""
    frames = []
    seen: set[tuple] = set()
    for part in parts:
        dup = np.zeros(len(part.frame), dtype=bool)
        for i, k in enumerate(part.dup_keys):
            if k in seen:
                dup[i] = True
            else:
                seen.add(k)
        rows = part.frame["_row"].to_numpy()
        for r in rows[dup]:
            quality.add(Problem("info", "duplicate_row", "Exact copy of an earlier row of this list: not used.",
                                part.file, part.sheet, int(r), None, True))
        frame = part.frame.loc[~dup]
        frame = _drop_too_early(part, frame, extract_date, quality)
        frame = _drop_before_window(part, frame, extract_date, quality)
        for f in part.spec.fields:
            if f.kind == "date" and f.key in frame and f.key != "birth_month" and f.key in part.headers:
                late = (frame[f.key] > extract_date).to_numpy(dtype=bool)
                if late.any():
                    header = part.headers[f.key]
                    r = frame["_row"].to_numpy()[late]
                    quality.add(Problem(
                        "warning", "after_extract_date",
                        f"'{header}' is after the extract date {extract_date:%d/%m/%Y} ({rows_text(r)}).",
                        part.file, part.sheet, int(r[0]), header))
        frames.append(frame.drop(columns="_row").assign(extract_date=extract_date))
        part.dup_keys = []  # the raw cells are not kept
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def merge_extracts(frames: list[pd.DataFrame], spec: ListSpec, quality: QualityReport) -> pd.DataFrame:
    """The clean table from one or more extracts of the same list, oldest extract first.

    Where the same referral / plan / period of care (``spec.dedupe_keys``) appears in several extracts,
    the row from the newest extract is kept; the others are counted in ``quality.rows_replaced`` with one
    info problem per list.
    """
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame.sort_values("extract_date", kind="stable", ignore_index=True)
    replaced = 0
    if frame["extract_date"].nunique() > 1 and spec.dedupe_keys:
        keep = ~frame.duplicated(list(spec.dedupe_keys), keep="last")
        replaced = int((~keep).sum())
        frame = frame.loc[keep]
        if replaced:
            quality.add(Problem(
                "info", "replaced_by_newer_extract",
                f"List {spec.number} ({spec.title}): {replaced} rows also appear in a newer extract; the newer "
                "row is used."))
    quality.rows_replaced[spec.table] = replaced
    clean = _typed(frame, spec)
    if "end_date" in clean and spec.table != "referrals":
        clean = close_stale_spells(clean, spec, quality)
    return clean


def close_stale_spells(frame: pd.DataFrame, spec: ListSpec, quality: QualityReport) -> pd.DataFrame:
    """End dates for plans / periods of care that merged extracts show must have ended, unrecorded.

    Lists 6–8 hold only each child's most recent spell, so after merging several extracts:

    - a spell followed by a later spell of the same child ended by the later one's start (an older
      extract still showed it open, or the dates overlap);
    - a spell still open in its newest extract but absent from the next extract of this list (and not
      followed by another spell) has ended between the two: it is given the midpoint of the interval in
      which it must have ended (up to the next extract's window start, or up to the next extract when the
      windows overlap and the record simply disappeared).

    Each kind of change is counted in one info problem; no row is dropped.
    """
    if frame.empty:
        return frame
    order = frame.sort_values(["child_id", "start_date"], kind="stable").index
    f = frame.loc[order]
    next_start = f.groupby("child_id", sort=False)["start_date"].shift(-1)
    superseded = next_start.notna() & (f["end_date"].isna() | (f["end_date"] > next_start))
    dates = np.sort(f["extract_date"].dropna().unique())
    end = f["end_date"].copy()
    end[superseded] = next_start[superseded]
    vanished = pd.Series(False, index=f.index)
    if len(dates) > 1:
        pos = np.searchsorted(dates, f["extract_date"].to_numpy(), side="right")
        has_next = pos < len(dates)
        vanished = pd.Series(has_next, index=f.index) & f["end_date"].isna() & ~superseded
        if vanished.any():
            seen = f.loc[vanished, "extract_date"]
            nxt = pd.to_datetime(dates[pos[vanished.to_numpy()]])
            nxt = pd.Series(nxt, index=seen.index)
            upper = nxt.map(window_start)
            upper = upper.where(upper > seen, nxt)
            end[vanished] = (seen + (upper - seen) / 2).dt.normalize()
    for mask, kind, text in (
            (superseded, "closed_by_later_spell",
             "{n} rows were still open (or overlapped) when the same child's next one started; they are "
             "taken to have ended on the day the next one started."),
            (vanished, "ended_between_extracts",
             "{n} rows open in one extract were missing from the next extract, so they ended in between; "
             "the end date is taken as the midpoint of that interval.")):
        n = int(mask.sum())
        if n:
            quality.add(Problem("info", kind, f"List {spec.number} ({spec.title}): " + text.format(n=n)))
    out = frame.copy()
    out.loc[order, "end_date"] = end.to_numpy()
    return out
