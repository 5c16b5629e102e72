"""The data-quality summary of an :class:`~csc_demand.tables.AnnexA`: the JSON object of
``csc-demand validate --json`` and the readable text ``validate`` prints."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from csc_demand.io.ssda903 import Ssda903
from csc_demand.tables import (
    LISTS_BY_TABLE,
    MEASURE_LABELS,
    REQUIRED_TABLES,
    USED_TABLES,
    AnnexA,
    observed_timeline,
    timeline_text,
)

#: Problems shown per kind in the readable text (all are in the JSON).
SHOWN_PER_KIND = 3
_STOCK_TABLES = ("cp_plans", "looked_after", "children_in_need")


def _day(ts: object) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%d")


def open_at(frame: pd.DataFrame, date: pd.Timestamp) -> int:
    """Plans / periods open at ``date``: start on or before it and end missing or after it."""
    start, end = frame["start_date"], frame["end_date"]
    return int(((start <= date) & (end.isna() | (end > date))).sum())


def _month(ts: object) -> str:
    return pd.Timestamp(ts).strftime("%Y-%m")


def history_summary(annex: AnnexA) -> dict | None:
    """The monthly figures given with the lists (``None`` when none were): ``source``, ``sheet``,
    ``first_month`` / ``last_month`` (``YYYY-MM``), ``months`` (months with at least one figure),
    ``measures`` (per figure given: ``months``, ``first_month``, ``last_month``), ``rows_read``,
    ``rows_not_used``, ``problems`` (how many; each is in the summary's problems) and ``differences``
    (months where the lists and the monthly figures differ by more than 5%)."""
    h = annex.history
    if h is None:
        return None
    months = h.months
    measures = {}
    for m in h.measures:
        got = h.table.index[h.table[m].notna().to_numpy()]
        measures[m] = {"months": int(len(got)), "first_month": _month(got.min()), "last_month": _month(got.max())}
    mine = [p for p in annex.quality.problems if p.file == h.source]
    return {
        "source": h.source, "sheet": h.sheet,
        "first_month": _month(months.min()) if len(months) else None,
        "last_month": _month(months.max()) if len(months) else None,
        "months": int(len(months)), "measures": measures, "rows_read": int(h.rows_read),
        "rows_not_used": int(h.rows_not_used), "problems": len(mine),
        "differences": sum(p.kind == "history_differs" for p in mine),
    }


def return_label(end: pd.Timestamp) -> str:
    """A return as people name it: ``2017-18`` for the year ending 31 March 2018, else ``to 2021-12-31``."""
    end = pd.Timestamp(end)
    return f"{end.year - 1}-{end.year % 100:02d}" if (end.month, end.day) == (3, 31) else f"to {_day(end)}"


def ssda903_summary(s: Ssda903 | None) -> dict | None:
    """The SSDA903 returns read (``None`` when none were): ``extract_date`` (what everything was cut to),
    ``returns`` (each: ``end``, ``year`` as ``2017-18``, ``how`` its year was found, ``sources``,
    ``episodes_read``), ``years``, ``episodes_read`` (rows of the episodes tables), ``episodes`` (used),
    ``periods``, ``children``, ``open_at_extract``, ``first_start`` / ``last_start`` of the periods, what was
    merged (``replaced_by_later_return``: the same episode in an earlier return; ``overlaps`` ended when the
    child's next episode started; ``ended_with_return``: open episodes missing from later returns;
    ``made_open``: ending after the extract date) and not used (``rows_not_used``, ``not_used`` per problem
    kind, e.g. ``duplicate_episode``, ``short_break``, ``after_extract_date``), and ``ignored`` (903 tables
    found but not needed) and ``people_sources`` (where the header and UASC tables were read). Counts and
    dates only: no child-level value."""
    if s is None:
        return None
    c = s.counts
    starts = s.periods["start_date"]
    return {
        "extract_date": _day(s.extract_date),
        "returns": [{"end": _day(r.end), "year": return_label(r.end), "how": r.how, "sources": list(r.sources),
                     "episodes_read": int(r.episodes_read)} for r in s.returns],
        "years": [return_label(r.end) for r in s.returns],
        "episodes_read": int(c["episodes_read"]), "episodes": int(c["episodes"]), "periods": int(c["periods"]),
        "children": s.children, "open_at_extract": s.open_at_extract,
        "first_start": _day(starts.min()) if len(starts) else None,
        "last_start": _day(starts.max()) if len(starts) else None,
        **{k: int(c[k]) for k in ("replaced_by_later_return", "overlaps", "ended_with_return", "made_open")},
        "rows_not_used": int(c["rows_not_used"]),
        "not_used": dict(Counter(p.kind for p in s.problems if p.row_not_used)),
        "people_sources": list(s.people_sources),
        "ignored": list(s.ignored),
    }


def validation_summary(annex: AnnexA) -> dict:
    """The validate summary as a JSON-ready dict.

    Keys: ``extract_date``, ``extract_date_source``, ``extracts`` (each with ``extract_date``,
    ``window_start``, ``source``), ``lists`` (per table found: ``rows`` = rows used, ``children``,
    ``first_date`` / ``last_date`` of the list's main date, ``open_at_extract`` for plans, periods of care
    and CIN episodes, ``rows_read``, ``rows_not_used``, ``rows_replaced`` = rows superseded by a newer
    extract; ``rows_read = rows + rows_not_used + rows_replaced``), ``missing_lists`` (required lists not
    found), ``unusable_lists`` (required lists found with rows, none of them usable), ``rows_not_used``,
    ``sources`` (where each list was found), ``ok`` (all required lists read, none of them unusable),
    ``problems`` (each with ``severity``, ``kind``, ``file``, ``sheet``, ``row``, ``column``,
    ``message``), ``timeline`` (the observed windows and the gaps between them, then the months of the
    monthly figures: :func:`~csc_demand.tables.observed_timeline`; empty when no list was read),
    ``history`` (the monthly figures, :func:`history_summary`, or ``None``) and ``ssda903`` (the SSDA903
    returns, :func:`ssda903_summary`, or ``None``). Contains no child-level value.
    """
    q = annex.quality
    lists: dict[str, dict] = {}
    for t, frame in annex.tables.items():
        spec = LISTS_BY_TABLE[t]
        entry: dict[str, object] = {"rows": int(len(frame)), "children": int(frame["child_id"].nunique())}
        dates = frame[spec.date_key]
        entry["first_date"] = _day(dates.min()) if len(frame) else None
        entry["last_date"] = _day(dates.max()) if len(frame) else None
        if t in _STOCK_TABLES:
            entry["open_at_extract"] = open_at(frame, annex.extract_date)
        entry["rows_read"] = int(q.rows_read.get(t, 0))
        entry["rows_replaced"] = int(q.rows_replaced.get(t, 0))
        entry["rows_not_used"] = entry["rows_read"] - entry["rows"] - entry["rows_replaced"]
        lists[t] = entry
    missing = [t for t in REQUIRED_TABLES if t not in annex.tables]
    # Rows read but none usable, or formulas saved without their values (their rows read as blank): not
    # ready. A blank template (no rows at all) is still read as it is.
    uncalculated = any(p.kind == "formulas_without_values" for p in q.problems)
    unusable = [t for t in REQUIRED_TABLES if t in lists and lists[t]["rows"] == 0
                and (lists[t]["rows_read"] > 0 or uncalculated)]
    return {
        "extract_date": _day(annex.extract_date),
        "extract_date_source": annex.extract_date_source,
        "extracts": [{"extract_date": _day(e.extract_date), "window_start": _day(e.window_start),
                      "source": e.source} for e in annex.extracts],
        "lists": lists,
        "missing_lists": missing,
        "unusable_lists": unusable,
        "rows_not_used": int(q.rows_not_used),
        "sources": {t: list(locs) for t, locs in q.sources.items()},
        "ok": not missing and not unusable,
        "problems": [p.to_dict() for p in q.problems],
        "timeline": observed_timeline(annex) if annex.extracts else [],
        "history": history_summary(annex),
        "ssda903": ssda903_summary(annex.ssda903),
    }


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _where(p: dict) -> str:
    bits = [p.get("file") or "", f"sheet '{p['sheet']}'" if p.get("sheet") else "",
            f"row {p['row']}" if p.get("row") else "", f"column '{p['column']}'" if p.get("column") else ""]
    return ", ".join(b for b in bits if b)


def format_summary(summary: dict) -> str:
    """The readable text of a :func:`validation_summary` (what ``csc-demand validate`` prints)."""
    out: list[str] = []
    src = {"user": "given by you", "file name": "from the file name", "latest event": "the latest date in the lists",
           "today": "today's date, as no date was found", "ssda903": "the end of the SSDA903 returns read"}
    how = src.get(summary["extract_date_source"], summary["extract_date_source"])
    out.append(f"Extract date: {summary['extract_date']} ({how})")
    if len(summary["extracts"]) > 1:
        out.append(f"Extracts merged: {len(summary['extracts'])} ("
                   + ", ".join(e["extract_date"] for e in summary["extracts"]) + "); the newest wins")
    timeline = summary.get("timeline") or []
    if timeline:
        out.append("Observed windows: " + timeline_text(timeline, "windows"))
    h = summary.get("history")
    if h:
        where = f"{h['source']}, sheet '{h['sheet']}'" if h.get("sheet") else h["source"]
        months = timeline_text(timeline, "monthly") or "no month with a figure"
        names = ", ".join(f"{MEASURE_LABELS[m].split(' (')[0].lower()} ({_n(e['months'], 'month')})"
                          for m, e in h["measures"].items())
        line = f"Monthly figures from {where}: {months}; {names or 'no figures'}"
        if h["rows_not_used"]:
            line += f"; {_n(h['rows_not_used'], 'row')} not used"
        if h["differences"]:
            verb = "differs" if h["differences"] == 1 else "differ"
            line += f"; {_n(h['differences'], 'figure')} {verb} from the lists by more than 5% (history_differs below)"
        out.append(line)
    if summary.get("ssda903"):
        out.append("")
        out.extend(_ssda903_lines(summary["ssda903"]))
    out.append("")
    out.append("Lists found:")
    for t in USED_TABLES:
        spec = LISTS_BY_TABLE[t]
        e = summary["lists"].get(t)
        name = f"  List {spec.number} {spec.title}"
        if e is None:
            out.append(f"{name}: not found" + (" (NEEDED)" if t in REQUIRED_TABLES else ""))
            continue
        line = f"{name}: {_n(e['rows'], 'row')}, {_n(e['children'], 'child', 'children')}"
        if e.get("first_date"):
            line += f", {e['first_date']} to {e['last_date']}"
        if "open_at_extract" in e:
            line += f", {e['open_at_extract']:,} open at the extract date"
        if e["rows_not_used"]:
            line += f"; {_n(e['rows_not_used'], 'row')} not used"
        if e["rows_replaced"]:
            line += f"; {_n(e['rows_replaced'], 'row')} replaced by a newer extract"
        out.append(line)
        locs = summary["sources"].get(t, [])
        if len(locs) <= SHOWN_PER_KIND:
            out.extend(f"      from {loc}" for loc in locs)
        else:
            out.append(f"      from {len(locs)} places: {locs[0]} … {locs[-1]}")
    out.append("")
    problems = summary["problems"]
    out.append(f"Rows not used: {summary['rows_not_used']:,}.  Problems: {len(problems):,}")
    groups: dict[tuple[str, str], list[dict]] = {}
    for p in problems:
        groups.setdefault((p["severity"], p["kind"]), []).append(p)
    order = {"error": 0, "warning": 1, "info": 2}
    for (severity, kind), items in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 3), kv[0][1])):
        out.append(f"  {severity.upper()} {kind} ({len(items):,}):")
        for p in items[:SHOWN_PER_KIND]:
            where = _where(p)
            out.append(f"    - {where + ': ' if where else ''}{p['message']}")
        if len(items) > SHOWN_PER_KIND:
            out.append(f"    … and {len(items) - SHOWN_PER_KIND:,} more (see --json for all)")
    out.append("")
    if summary["missing_lists"]:
        names = ", ".join(f"List {LISTS_BY_TABLE[t].number} ({LISTS_BY_TABLE[t].title})"
                          for t in summary["missing_lists"])
        out.append(f"NOT READY: the model needs {names}; see the errors above for the headers expected.")
    elif summary.get("unusable_lists"):
        out.append(f"NOT READY: {unusable_text(summary)}")
    else:
        empty = [t for t in REQUIRED_TABLES if summary["lists"][t]["rows"] == 0]
        out.append("Ready: Lists 3, 7 and 8 were read." if not empty else
                   "Lists 3, 7 and 8 were found, but " + " and ".join(
                       f"List {LISTS_BY_TABLE[t].number}" for t in empty) + (" hold" if len(empty) > 1 else " holds")
                   + " no rows.")
    return "\n".join(out)


def _ssda903_lines(s: dict) -> list[str]:
    """The SSDA903 part of the readable summary."""
    years = ", ".join(s["years"])
    out = [f"SSDA903 returns: {_n(len(s['returns']), 'return')} ({years}), read to {s['extract_date']}",
           f"  {_n(s['periods'], 'period')} of care, {_n(s['children'], 'child', 'children')}"
           + (f", starting {s['first_start']} to {s['last_start']}" if s["first_start"] else "")
           + f", {s['open_at_extract']:,} open at {s['extract_date']}"]
    merged = [f"{_n(s['episodes_read'], 'episode row')} read, {_n(s['episodes'], 'episode')} used"]
    if s["replaced_by_later_return"]:
        merged.append(f"{_n(s['replaced_by_later_return'], 'episode')} also in a later return (the later one used)")
    if s["overlaps"]:
        merged.append(f"{_n(s['overlaps'], 'overlapping episode')} ended when the next one started")
    if s["ended_with_return"]:
        merged.append(f"{_n(s['ended_with_return'], 'open episode')} missing from later returns ended with "
                      "their return")
    if s["made_open"]:
        merged.append(f"{_n(s['made_open'], 'episode')} ending after {s['extract_date']} read as open")
    if s["rows_not_used"]:
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(s["not_used"].items()))
        merged.append(f"{_n(s['rows_not_used'], 'row')} not used ({kinds})")
    out.append("  " + "; ".join(merged))
    for r in s["returns"]:
        how = "" if r["how"] == "file name" else f", year from the {r['how']}"
        out.append(f"      {r['year']} (to {r['end']}{how}): {_n(r['episodes_read'], 'episode row')} from "
                   + ", ".join(r["sources"]))
    people = s["people_sources"]
    if people:
        shown = ", ".join(people) if len(people) <= SHOWN_PER_KIND else f"{people[0]} … {people[-1]}"
        out.append(f"  Sex, date of birth and UASC from {_n(len(people), 'header or UASC table')}: {shown}")
    if s["ignored"]:
        out.append("  Not needed, not read: " + "; ".join(s["ignored"]))
    return out


def unusable_text(summary: dict) -> str:
    """The sentence for required lists whose rows were all unusable (see ``unusable_lists``)."""
    names = [f"List {LISTS_BY_TABLE[t].number} ({LISTS_BY_TABLE[t].title})" for t in summary["unusable_lists"]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (f"{listed} {'was' if len(names) == 1 else 'were'} found, but with no usable rows: every row was "
            "left out; see the problems above for why.")
