"""The "Your data" page: the demo in one click, upload files or paste lists, then the data-quality summary."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from csc_demand.app import MAX_UPLOAD_MB, state
from csc_demand.app.pages import FORECAST, HISTORY, go_to
from csc_demand.errors import CscDemandError
from csc_demand.tables import LISTS_BY_TABLE, MEASURE_LABELS, day_label, timeline_text

TITLE = "Your data"
FILE_TYPES = ["xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt"]
PASTE_LISTS = (("List 3", "referrals"), ("List 7", "child protection plans"), ("List 8", "children looked after"))


DEMO_REQUESTED = "demo_requested"


def _use_demo() -> None:
    st.session_state[DEMO_REQUESTED] = True


def load_demo_if_requested() -> None:
    """Load the demo after its button was clicked (called before the page chooser is drawn), then show the
    forecast. Done in the page body rather than in the button's callback so that a spinner can show."""
    if not st.session_state.pop(DEMO_REQUESTED, False):
        return
    with st.spinner("Loading the demo local authority (the first time takes up to a minute: the tool makes "
                    "its made-up Annex A workbooks and reads them)…"):
        try:
            state.load_demo()
        except CscDemandError as exc:
            st.session_state["load_error"] = str(exc)
            return
    if state.ready():
        go_to(FORECAST)


def render_start_buttons() -> None:
    """The one-click demo button (shown wherever there is no data yet)."""
    st.button("Use the demo local authority", type="primary", key="demo", on_click=_use_demo,
              help="Loads a made-up local authority (synthetic data: no real child) and shows its forecast, "
                   "so you can see what the tool does before using your own lists.")


def _fmt_date(value: object) -> str:
    if value in (None, "") or (isinstance(value, float) and pd.isna(value)):
        return ""
    return day_label(pd.Timestamp(value))


def _count(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else f"{int(value):,}"


def lists_table(summary: dict) -> pd.DataFrame:
    """The lists found, as a table for people (one row per list; counts as text, blank where not applicable)."""
    rows = []
    for table, info in summary.get("lists", {}).items():
        spec = LISTS_BY_TABLE.get(table)
        name = f"List {spec.number}: {spec.title}" if spec else table
        rows.append({
            "List": name,
            "Rows used": _count(info.get("rows")),
            "Children": _count(info.get("children")),
            "First date": _fmt_date(info.get("first_date")),
            "Last date": _fmt_date(info.get("last_date")),
            "Open at the extract date": _count(info.get("open_at_extract")),
        })
    return pd.DataFrame(rows)


_TIMELINE_WORDS = {"window": "Extracts' window", "gap": "Gap between extracts", "monthly_figures": "Monthly figures",
                   "monthly_gap": "Gap in the monthly figures"}


def timeline_table(timeline: list[dict]) -> pd.DataFrame:
    """What was observed when (:func:`csc_demand.tables.observed_timeline`), one row per window, gap or run of
    monthly figures, for people: what, from, to, and how long (days, months or extracts)."""
    rows = []
    for t in timeline:
        if t["kind"] in ("monthly_figures", "monthly_gap"):
            length = f"{t['months']} month{'s' if t['months'] != 1 else ''}"
        else:
            length = f"{t['days']:,} day{'s' if t['days'] != 1 else ''}"
            if t["kind"] == "window" and t.get("extracts", 1) > 1:
                length += f" ({t['extracts']} extracts)"
        rows.append({"Observed": _TIMELINE_WORDS.get(t["kind"], t["kind"]), "From": _fmt_date(t["start"]),
                     "To": _fmt_date(t["end"]), "How long": length})
    return pd.DataFrame(rows, columns=["Observed", "From", "To", "How long"])


def history_table(history: dict | None) -> pd.DataFrame:
    """The monthly figures loaded (the ``history`` part of :func:`csc_demand.io.validation_summary`): one row
    per figure with the months it covers."""
    rows = []
    for m, e in (history or {}).get("measures", {}).items():
        rows.append({"Figure": MEASURE_LABELS[m], "Months": f"{e['months']:,}",
                     "First month": pd.Timestamp(e["first_month"]).strftime("%b %Y"),
                     "Last month": pd.Timestamp(e["last_month"]).strftime("%b %Y")})
    return pd.DataFrame(rows, columns=["Figure", "Months", "First month", "Last month"])


def problems_table(problems: list[dict]) -> pd.DataFrame:
    """Every problem the reader found, with where to find it in the file."""
    cols = {"severity": "Severity", "file": "File", "sheet": "Sheet", "row": "Row", "column": "Column",
            "message": "What to do"}
    df = pd.DataFrame(problems, columns=list(cols))
    df["row"] = pd.array(df["row"], dtype="Int64")
    return df.rename(columns=cols)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "For information"}


def _where(p: dict) -> str:
    parts = [p.get("file"), f"sheet {p['sheet']}" if p.get("sheet") else None,
             f"row {p['row']}" if p.get("row") is not None else None,
             f"column '{p['column']}'" if p.get("column") else None]
    return ", ".join(x for x in parts if x)


def problems_by_kind(problems: list[dict]) -> pd.DataFrame:
    """Problems grouped by what they are: how many, the first message, and where the first one is."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for p in problems:
        groups.setdefault((p.get("severity", "info"), p.get("kind", "")), []).append(p)
    rows = [{"Severity": SEVERITY_WORDS.get(sev, sev), "How many": len(items), "What": items[0].get("message", ""),
             "First one at": _where(items[0]), "_order": SEVERITY_ORDER.get(sev, 3)}
            for (sev, _kind), items in groups.items()]
    out = pd.DataFrame(rows, columns=["Severity", "How many", "What", "First one at", "_order"])
    out = out.sort_values(["_order", "How many"], ascending=[True, False], kind="stable")
    return out.drop(columns="_order").reset_index(drop=True)


def render_summary() -> None:
    """The data-quality summary of the loaded data, in plain English (shown before any chart)."""
    from csc_demand.io import validation_summary

    a = state.annex_with_history()
    summary = state.cached("validation_summary", None, lambda: validation_summary(a), uasc=False)
    source = {"user": "you gave it", "file name": "taken from the file name",
              "latest event": "the latest date in the lists"}.get(a.extract_date_source, a.extract_date_source)
    st.subheader("What was found")
    extracts = len(a.extracts)
    timeline = summary["timeline"]
    windows = timeline_text(timeline, "windows")
    st.markdown(
        f"Loaded **{state.data_label()}**. The extract date is **{_fmt_date(a.extract_date)}** ({source}). "
        f"{extracts} extract{'s' if extracts != 1 else ''}, observed {windows}.")
    st.dataframe(lists_table(summary), hide_index=True, width="stretch")
    h = summary.get("history")
    if h:
        where = f"{h['source']} (sheet {h['sheet']})" if h.get("sheet") else h["source"]
        months = timeline_text(timeline, "monthly") or "no month with a figure"
        differ = (f" In {h['differences']} place{'s' if h['differences'] != 1 else ''} they differ from the lists "
                  "by more than 5%: see the notes below." if h["differences"] else "")
        not_used = (f" {h['rows_not_used']} row{'s' if h['rows_not_used'] != 1 else ''} could not be used."
                    if h["rows_not_used"] else "")
        st.markdown(f"**Monthly figures** from {where}: {months}.{not_used}{differ}")
        st.dataframe(history_table(h), hide_index=True, width="stretch")
    st.markdown("**What was observed when** (the estimates use only the days and months observed):")
    st.dataframe(timeline_table(timeline), hide_index=True, width="stretch")
    missing = state.missing_lists()
    if missing:
        names = "; ".join(f"List {LISTS_BY_TABLE[t].number} ({LISTS_BY_TABLE[t].title})" for t in missing)
        st.error(f"The model needs Lists 3, 7 and 8. Not found: {names}. Check that the file holds these "
                 "lists with their column headers (for example 'Child Unique ID' and 'Date of referral'), "
                 "or paste them below.")
    problems = summary.get("problems", [])
    not_used = summary.get("rows_not_used", 0)
    n_err = sum(p.get("severity") == "error" for p in problems)
    n_warn = sum(p.get("severity") == "warning" for p in problems)
    if problems:
        n_info = len(problems) - n_err - n_warn
        st.markdown(f"**{len(problems)} note{'s' if len(problems) != 1 else ''} from reading the files**: "
                    f"{n_err} error{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''}, "
                    f"{n_info} for information. {not_used} row{'s' if not_used != 1 else ''} could not be used. "
                    "Each note names the file, sheet, row and column, so you can fix it in Excel and load the "
                    "file again.")
        st.dataframe(problems_by_kind(problems), hide_index=True, width="stretch")
        with st.expander("Show every note with its location", expanded=False):
            st.dataframe(problems_table(problems), hide_index=True, width="stretch")
    else:
        st.markdown("No problems found: every row was used.")


def _read_files() -> None:
    files = st.session_state.get("uploads") or []
    if not files:
        st.session_state["load_error"] = "Choose one or more files first."
        return
    try:
        state.load_files(files, st.session_state.get("extract_date"))
    except CscDemandError as exc:
        st.session_state["load_error"] = str(exc)


def _read_history() -> None:
    upload = st.session_state.get("history_upload")
    if upload is None:
        st.session_state["history_error"] = "Choose the file of monthly figures first."
        return
    try:
        state.load_history(upload)
    except CscDemandError as exc:
        st.session_state["history_error"] = str(exc)


def render_history_upload() -> None:
    """The upload of the monthly figures (optional), beside the Annex A upload."""
    st.markdown("**Monthly figures (optional)**")
    st.markdown("Your monthly performance figures, as far back as you have them: a CSV or Excel sheet with a "
                "`month` column and any of `referrals`, `cp_starts`, `cp_open`, `cla_starts`, `cla_open`. They "
                "give the forecast the seasons, the drift and the stocks' own path. If they span the 2020–21 "
                "lockdowns, add those to your scenario as past shocks: their months are then left out of the "
                "seasons.")
    error = st.session_state.pop("history_error", None)
    if error:
        st.error(error)
    st.file_uploader(
        f"Monthly figures: one CSV or Excel file (up to {MAX_UPLOAD_MB} MB)", type=FILE_TYPES, key="history_upload",
        help="One row per month: the month (2019-04, Apr 2019 or 01/04/2019) and any of referrals, CP plans "
             "started, open CP plans (at the month end), children starting care and children looked after (at the "
             "month end). Headers such as 'Open CP plans' or 'CLA at month end' are recognised; blank cells are "
             "allowed.")
    st.button("Read the monthly figures", key="read_history", on_click=_read_history,
              help="Reads the file in this session's memory; the estimates and the forecast then use it.")
    h = state.history()
    if h is not None:
        st.button("Remove the monthly figures", key="clear_history", on_click=state.clear_history,
                  help="Forecast from the Annex A lists alone again.")
        months = h.months
        span = (f"{months.min():%b %Y} to {months.max():%b %Y}" if len(months) else "no month with a figure")
        st.success(f"Monthly figures loaded from {h.source}: {span}.")


def _read_pasted() -> None:
    texts = {label: st.session_state.get(f"paste_{label}", "") for label, _ in PASTE_LISTS}
    if not any(t.strip() for t in texts.values()):
        st.session_state["load_error"] = "Paste at least one list first (with its header row)."
        return
    try:
        state.load_pasted(texts, st.session_state.get("extract_date"))
    except CscDemandError as exc:
        st.session_state["load_error"] = str(exc)


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    if state.annex() is None:
        st.markdown("See a working forecast at once with a made-up local authority, or load your own Ofsted "
                    "Annex A lists (Lists 3, 7 and 8 at least) below.")
        render_start_buttons()
    error = st.session_state.pop("load_error", None)
    if error:
        st.error(error)
    if state.annex() is not None:
        render_summary()
        if state.ready():
            st.session_state.setdefault(state.EXCLUDE_UASC, False)
            st.toggle("Leave out unaccompanied asylum-seeking children (UASC)", key=state.EXCLUDE_UASC,
                      help="Their arrivals follow national policy rather than local demand. When on, the history, "
                           "estimates, forecast and backtest are for the other children looked after (List 8 rows "
                           "flagged UASC are left out).")
            c1, c2 = st.columns(2)
            c1.button("Next: the history", on_click=go_to, args=(HISTORY,), key="to_history",
                      help="Charts of the referrals, plans and care in your data, and what the tool measured.")
            c2.button("Go to the forecast", on_click=go_to, args=(FORECAST,), key="to_forecast",
                      help="The forecast for the example scenarios; change them on the Scenarios page.")
        st.divider()
        st.subheader("Load other data")
        if state.data_key() != "demo":
            render_start_buttons()

    st.date_input("Extract date (optional)", value=None, key="extract_date", format="DD/MM/YYYY",
                  help="The date the Annex A lists were taken. Leave it blank and the tool takes it from a "
                       "date in the file name, or else from the latest date in the lists.")
    lists_col, history_col = st.columns([3, 2])
    with lists_col:
        _render_lists_inputs()
    with history_col:
        render_history_upload()


def _render_lists_inputs() -> None:
    """Upload or paste the Annex A lists."""
    upload, paste = st.tabs(["Upload files", "Paste from Excel"])
    with upload:
        st.file_uploader(
            f"Annex A workbooks or CSV files (up to {MAX_UPLOAD_MB} MB each)", type=FILE_TYPES,
            accept_multiple_files=True, key="uploads",
            help="One workbook with the lists on separate sheets, one CSV per list, or several extracts taken "
                 "at different dates (they are merged; the newest wins). Files stay in this session's memory "
                 f"only. A file over {MAX_UPLOAD_MB} MB is refused: save only Lists 3, 7 and 8 to make it "
                 "smaller.")
        st.button("Read the files", key="read_files", on_click=_read_files, type="primary",
                  help="Reads the chosen files in this session's memory and shows what was found.")
    with paste:
        st.markdown("In Excel, select a whole list including its header row, copy, and paste it into the box.")
        for label, what in PASTE_LISTS:
            st.text_area(f"{label}: {what}", key=f"paste_{label}", height=120,
                         help=f"Paste {label} ({what}) from Excel, header row first. The list is recognised by "
                              "its column headers.")
        st.button("Read the pasted lists", key="read_pasted", on_click=_read_pasted, type="primary",
                  help="Reads the pasted lists and shows what was found.")

