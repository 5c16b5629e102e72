"""The clean tables that pass between the layers (the Ofsted Annex A list definitions are in
:mod:`csc_demand.schema`, re-exported here).

Everything downstream of reading (the model, the reports, the app) sees only the clean tables described
here, never a raw Annex A sheet. The reader (:mod:`csc_demand.io`) turns any of the many shapes of a real
Annex A file into these tables; the synthetic writer (:mod:`csc_demand.synth`) writes the official layout
from the same definitions, so the two can never drift apart.

Clean tables (pandas DataFrames, one row per event or per plan/period):

- dates are ``datetime64[ns]`` at midnight; ``NaT`` means missing (an open plan has ``end_date = NaT``);
- ``child_id`` is the pseudonymised ID (16 hex characters), never the LA's own ID;
- ``birth_month`` is the first day of the month of birth (the day is dropped at ingest);
- ``age_years`` is the age in whole years as reported in the list (``-1`` for an unborn child);
- codes are short upper-case strings (``"2A"``, ``"U4"``, ``"E11"``); booleans are pandas ``boolean``;
- ``extract_date`` is the extract that supplied the row (the newest one wins when extracts overlap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from csc_demand.schema import (  # noqa: F401  (re-exported: the list definitions live in csc_demand.schema)
    ADOPTERS,
    ADOPTION,
    ASSESSMENTS,
    CARE_LEAVERS,
    CHILDREN_IN_NEED,
    CONTACTS,
    CP_PLANS,
    EARLY_HELP,
    LISTS,
    LISTS_BY_TABLE,
    LOOKED_AFTER,
    REFERRALS,
    REQUIRED_TABLES,
    S47,
    USED_TABLES,
    Field,
    FieldKind,
    ListSpec,
)

if TYPE_CHECKING:
    from csc_demand.io.ssda903 import Ssda903

# --- codes -----------------------------------------------------------------------------------------------

#: CIN census referral source codes → the source groups used in breakdowns.
REFERRAL_SOURCE_GROUPS: dict[str, str] = {
    "1A": "Individual", "1B": "Individual", "1C": "Individual", "1D": "Individual",
    "2A": "Schools", "2B": "Education services",
    "3A": "Health", "3B": "Health", "3C": "Health", "3D": "Health", "3E": "Health", "3F": "Health",
    "4": "Housing",
    "5A": "LA services", "5B": "LA services", "5C": "LA services", "5D": "LA services",
    "6": "Police", "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}
#: The referral source groups in breakdown order (each once).
SOURCE_GROUP_ORDER: tuple[str, ...] = tuple(dict.fromkeys(REFERRAL_SOURCE_GROUPS.values()))
#: Letter prefixes of the Ofsted template's referral source codes (``"e) 2A: Schools"``).
REFERRAL_SOURCE_LABELS: dict[str, str] = {
    "1A": "a) 1A: Individual", "1B": "b) 1B: Individual", "1C": "c) 1C: Individual", "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools", "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services", "3B": "h) 3B: Health services", "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services", "3E": "k) 3E: Health services", "3F": "l) 3F: Health services",
    "4": "m) 4: Housing", "5A": "n) 5A: LA services", "5B": "o) 5B: LA services", "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services", "6": "q) 6: Police", "7": "r) 7: Other legal agency", "8": "s) 8: Other",
    "9": "t) 9: Anonymous", "10": "u) 10: Unknown",
}

ABUSE_CATEGORIES = {"a": "neglect", "b": "physical", "c": "sexual", "d": "emotional", "e": "multiple"}

#: SSDA903 placement codes → the placement groups used for costs and breakdowns.
PLACEMENT_GROUPS: dict[str, str] = {
    **{c: "Fostering" for c in ("U1", "U2", "U3", "U4", "U5", "U6")},
    **{c: "Adoption" for c in ("A3", "A4", "A5", "A6")},
    "P1": "Placed with parents",
    **{c: "Residential" for c in ("K1", "K2", "R1", "R2", "R5", "S1")},
    **{c: "Supported accommodation" for c in ("H5", "P2", "P3")},
    **{c: "Other" for c in ("R3", "Z1", "T0", "T1", "T2", "T3", "T4")},
}
PLACEMENT_GROUP_ORDER = ("Fostering", "Residential", "Supported accommodation", "Placed with parents",
                         "Adoption", "Other", "Unknown")

#: Legal statuses that are short breaks: not periods of care for demand purposes.
SHORT_BREAK_LEGAL_STATUSES = ("V3", "V4")

#: Age bands (lower bound inclusive, upper exclusive, in whole years; -1 = unborn counts as under 1).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", -1, 1), ("1 to 4", 1, 5), ("5 to 9", 5, 10), ("10 to 15", 10, 16), ("16 to 17", 16, 18),
)
AGE_BAND_LABELS = tuple(b[0] for b in AGE_BANDS)


def day_label(d) -> str:
    """A date as people write it in reports and messages: ``5 Jan 2021`` (a date or Timestamp)."""
    return f"{d.day} {d.strftime('%b %Y')}"


def age_band(age_years: pd.Series) -> pd.Series:
    """Age band label for ages in whole years (``-1`` unborn → "Under 1"; missing → "Unknown")."""
    bins = [b[1] for b in AGE_BANDS] + [AGE_BANDS[-1][2]]
    out = pd.cut(pd.to_numeric(age_years, errors="coerce"), bins=bins, right=False, labels=list(AGE_BAND_LABELS))
    return out.astype("string").fillna("Unknown")


# --- the containers ----------------------------------------------------------------------------------------

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    """One data-quality finding, located as the user sees it in Excel.

    ``row`` is the 1-based spreadsheet row (or CSV line), ``column`` the header as written in the file.
    ``message`` is plain English and never contains a child-level value (no ID, name, date of birth).
    ``kind`` is a short stable code used for grouping (e.g. ``"bad_date"``, ``"duplicate_row"``).
    """

    severity: Severity
    kind: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    row_not_used: bool = False

    def to_dict(self) -> dict:
        """The JSON form used by ``validate --json``."""
        return {"severity": self.severity, "kind": self.kind, "file": self.file, "sheet": self.sheet,
                "row": self.row, "column": self.column, "message": self.message}


@dataclass
class QualityReport:
    """Everything the reader noticed: where each list was found, and every problem with its location."""

    problems: list[Problem] = field(default_factory=list)
    #: table name → list of "file › sheet (header row N)" locations it was read from
    sources: dict[str, list[str]] = field(default_factory=dict)
    #: table name → rows read from the files (before removing anything)
    rows_read: dict[str, int] = field(default_factory=dict)
    #: table name → rows replaced by the same plan/period/referral from a newer extract (merging extracts)
    rows_replaced: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    @property
    def rows_not_used(self) -> int:
        """Rows read from a list but not used, each explained by one problem."""
        return sum(1 for p in self.problems if p.row_not_used)


#: How far back an Annex A extract's lists reach (Lists 1 and 3–8).
WINDOW_MONTHS = 6


def window_start(extract_date: pd.Timestamp) -> pd.Timestamp:
    """The first day of an extract's window: the extract date minus six calendar months.

    The window is ``[window_start, extract_date]``, both ends included."""
    return pd.Timestamp(extract_date) - pd.DateOffset(months=WINDOW_MONTHS)


@dataclass(frozen=True)
class Extract:
    """One Annex A extract: the date it was taken and the start of its six-month window."""

    extract_date: pd.Timestamp
    window_start: pd.Timestamp
    source: str


#: The monthly figures a history file can hold, in this order: flows (``referrals``, ``cp_starts``,
#: ``cla_starts``) are the month's count; stocks (``cp_open``, ``cla_open``) are counts open at the month end.
HISTORY_MEASURES = ("referrals", "cp_starts", "cp_open", "cla_starts", "cla_open")
#: Plain-English names of the monthly figures in messages (``{month}`` is e.g. ``Mar 2022``).
HISTORY_PHRASES = {
    "referrals": "referrals in {month}", "cp_starts": "child protection plans started in {month}",
    "cp_open": "open child protection plans at the end of {month}",
    "cla_starts": "children starting care in {month}", "cla_open": "children looked after at the end of {month}",
}
#: The name under which the monthly figures appear in :class:`QualityReport` (sources, rows read).
HISTORY_TABLE = "monthly_figures"


@dataclass(frozen=True)
class MonthlyHistory:
    """An LA's monthly performance figures, read from a CSV or a sheet (:func:`csc_demand.io.read_history`).

    Counts only: no child-level value. Attach them to the lists with :func:`csc_demand.model.with_history`.

    Attributes
    ----------
    table
        Index ``month`` (the first day of each month, ``Timestamp``, sorted, unique); columns: any of
        :data:`HISTORY_MEASURES` as float counts (children, plans or referrals), ``NaN`` where the file had no
        usable figure. Flows are the month's count; stocks are counts open at the month end.
    source
        The file name.
    sheet
        The sheet read (``None`` for a CSV).
    headers
        The header as written for ``month`` and each measure.
    rows
        The spreadsheet row (CSV line) of each month, a Series indexed like ``table``.
    header_row
        The row of the headers.
    rows_read
        Non-blank rows under the headers.
    problems
        Everything the reader noticed (each also in the :class:`QualityReport` it was given).

    Examples
    --------
    >>> history = cd.read_history("monthly figures.csv")
    >>> history.measures, history.table["cp_open"].tail(3)
    """

    table: pd.DataFrame
    source: str
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    rows: pd.Series | None = None
    header_row: int | None = None
    rows_read: int = 0
    problems: tuple[Problem, ...] = ()

    @property
    def measures(self) -> list[str]:
        """The measures with at least one figure, in :data:`HISTORY_MEASURES` order."""
        return [m for m in HISTORY_MEASURES if m in self.table and self.table[m].notna().any()]

    @property
    def months(self) -> pd.DatetimeIndex:
        """The months holding at least one figure (first days of the months)."""
        return pd.DatetimeIndex(self.table.index[self.table.notna().any(axis=1).to_numpy()])

    @property
    def rows_not_used(self) -> int:
        """Rows under the headers that were not used, each explained by one problem."""
        return sum(1 for p in self.problems if p.row_not_used)

    @property
    def location(self) -> str:
        """Where the figures were read: ``file › sheet (headers in row N)``."""
        where = f"{self.source} › {self.sheet}" if self.sheet else self.source
        return f"{where} (headers in row {self.header_row})" if self.header_row else where


@dataclass
class AnnexA:
    """The clean, pseudonymised Annex A lists of one LA (one or several extracts merged).

    Made by :func:`csc_demand.read_annex_a`; every table holds pseudonymised IDs, never names, workers or
    postcodes.

    Attributes
    ----------
    tables
        Table names (``referrals``, ``cp_plans``, ``looked_after``, and when present ``contacts``,
        ``assessments``, ``s47``, ``children_in_need``) to clean DataFrames with the columns of
        :attr:`ListSpec.clean_columns` (plus derived columns the reader adds: ``source_group`` for referrals
        and contacts, ``placement_group`` for looked-after children). Dates are ``Timestamp``.
    extract_date
        The newest extract date.
    extract_date_source
        How it was found: ``"user"``, ``"file name"`` or ``"latest event"``.
    extracts
        Every extract merged, oldest first, each with its six-month window, so the model knows which periods
        were observed.
    quality
        Every problem found, with file, sheet, row and column (:class:`QualityReport`).
    history
        The LA's monthly figures when given (:func:`csc_demand.model.with_history`), else ``None``.
    ssda903
        The periods of care read from SSDA903 returns given with the lists
        (:class:`csc_demand.io.ssda903.Ssda903`; its ``periods`` have the columns of :attr:`looked_after`),
        else ``None``.

    Examples
    --------
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> annex.extract_date, len(annex.referrals), annex.quality.rows_not_used
    """

    tables: dict[str, pd.DataFrame]
    extract_date: pd.Timestamp
    extract_date_source: str
    extracts: list[Extract]
    quality: QualityReport
    history: MonthlyHistory | None = None
    ssda903: Ssda903 | None = None

    @property
    def referrals(self) -> pd.DataFrame:
        return self.tables["referrals"]

    @property
    def cp_plans(self) -> pd.DataFrame:
        return self.tables["cp_plans"]

    @property
    def looked_after(self) -> pd.DataFrame:
        return self.tables["looked_after"]

    @property
    def observed_from(self) -> pd.Timestamp:
        """The earliest date covered by any extract's window."""
        return min(e.window_start for e in self.extracts)


# --- what was observed when -------------------------------------------------------------------------------


def observed_intervals(annex: AnnexA) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The days covered by the extracts' windows, merged into disjoint inclusive intervals, oldest first."""
    spans = [(pd.Timestamp(e.window_start), pd.Timestamp(e.extract_date)) for e in annex.extracts]
    if not spans:
        e = pd.Timestamp(annex.extract_date)
        spans = [(window_start(e), e)]
    return merge_spans(spans)


def merge_spans(spans: list[tuple[pd.Timestamp, pd.Timestamp]]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Inclusive day spans merged into disjoint intervals, oldest first (touching spans join)."""
    spans = sorted(spans)
    out: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    for a, b in spans:
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def month_range_label(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """Months from ``first`` to ``last`` as people write them: ``Mar 2022``, ``Jan–Jun 2021``,
    ``Nov 2020–Apr 2021``."""
    a, b = pd.Timestamp(first), pd.Timestamp(last)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a:%b %Y}"
    if a.year == b.year:
        return f"{a:%b}–{b:%b %Y}"
    return f"{a:%b %Y}–{b:%b %Y}"


def day_range_label(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """Days from ``first`` to ``last``: whole calendar months as :func:`month_range_label` (``Jan–Jun 2021``),
    otherwise ``30 Dec 2020 – 30 Jun 2021`` or ``1 Jul – 29 Dec 2021``; one day as ``5 Jan 2021``."""
    a, b = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if a == b:
        return day_label(a)
    if a.day == 1 and b.is_month_end:
        return month_range_label(a, b)
    if a.year == b.year:
        return f"{a.day} {a:%b} – {day_label(b)}"
    return f"{day_label(a)} – {day_label(b)}"


#: Average days in a month (for gap lengths).
_DAYS_PER_MONTH = 365.25 / 12


def _length(days: int) -> str:
    """A gap's length: ``1 day``, ``45 days``, ``6 months``."""
    if days < 61:
        return f"{days} day{'s' if days != 1 else ''}"
    months = round(days / _DAYS_PER_MONTH)
    return f"{months} months"


def _month_runs(months: pd.DatetimeIndex) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of consecutive months (first days of the months): (first, last) of each run, oldest first."""
    if len(months) == 0:
        return []
    ordinal = np.asarray(months.year) * 12 + np.asarray(months.month)
    breaks = np.flatnonzero(np.diff(ordinal) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks - 1, [len(months) - 1]])
    return [(months[s], months[e]) for s, e in zip(starts, ends, strict=True)]


def _month_span(kind: str, first: pd.Timestamp, last: pd.Timestamp, text: str) -> dict:
    """A timeline entry for the months ``first`` to ``last`` (month starts, both included); ``text`` is
    formatted with ``label`` and ``months`` ("3 months")."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    end = last + pd.offsets.MonthEnd(0)
    label = month_range_label(first, last)
    return {"kind": kind, "start": f"{first:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}", "days": int((end - first).days) + 1,
            "months": n, "label": label, "text": text.format(label=label, months=f"{n} month{'s' if n != 1 else ''}")}


def observed_timeline(annex: AnnexA) -> list[dict]:
    """What was observed when: the extracts' windows and the gaps between them, then (when monthly figures
    were given) the months they cover and the months missing from them, oldest first in each part.

    Each entry is a JSON-ready dict with ``kind`` (``"window"``: days covered by the extracts' windows,
    merged where they overlap; ``"gap"``: days between two windows; ``"monthly_figures"``: a run of
    consecutive months with at least one monthly figure; ``"monthly_gap"``: months missing between two such
    runs), ``start`` and ``end`` (``YYYY-MM-DD``, both included), ``days``, ``label`` (``30 Dec 2020 – 30 Jun
    2021``, ``Jan–Jun 2021``) and ``text`` (how :func:`timeline_text` writes it, e.g. ``gap of 6 months
    (1 Jul – 29 Dec 2021)``). Windows add ``extracts`` (how many extracts' windows they hold); monthly
    entries add ``months`` (a count of months).
    """
    out: list[dict] = []
    intervals = observed_intervals(annex)
    spans = [(pd.Timestamp(e.window_start), pd.Timestamp(e.extract_date)) for e in annex.extracts]
    previous: pd.Timestamp | None = None
    for a, b in intervals:
        if previous is not None:
            g0, g1 = previous + pd.Timedelta(days=1), a - pd.Timedelta(days=1)
            days = int((g1 - g0).days) + 1
            label = day_range_label(g0, g1)
            out.append({"kind": "gap", "start": f"{g0:%Y-%m-%d}", "end": f"{g1:%Y-%m-%d}", "days": days,
                        "label": label, "text": f"gap of {_length(days)} ({label})"})
        n = sum(1 for s, e in spans if a <= s and e <= b) or 1
        label = day_range_label(a, b)
        out.append({"kind": "window", "start": f"{a:%Y-%m-%d}", "end": f"{b:%Y-%m-%d}",
                    "days": int((b - a).days) + 1, "extracts": n, "label": label,
                    "text": label + (f" ({n} extracts)" if n > 1 else "")})
        previous = b
    history = annex.history
    if history is not None:
        last_month: pd.Timestamp | None = None
        for m0, m1 in _month_runs(history.months):
            if last_month is not None:
                out.append(_month_span("monthly_gap", last_month + pd.DateOffset(months=1),
                                       m0 - pd.DateOffset(months=1), "gap of {months} ({label})"))
            out.append(_month_span("monthly_figures", m0, m1, "{label} ({months})"))
            last_month = m1
    return out


def timeline_text(timeline: list[dict], part: Literal["windows", "monthly"] | None = None) -> str:
    """:func:`observed_timeline` as text. ``part="windows"``: the extracts' windows and gaps
    (``30 Dec 2020 – 30 Jun 2021 · gap of 6 months (1 Jul – 29 Dec 2021) · 30 Dec 2021 – 30 Jun 2022``);
    ``part="monthly"``: the monthly figures' months and gaps (``Apr 2017–Mar 2022 (60 months)``); neither:
    both, as ``Extracts: … . Monthly figures: … .`` (the second only when monthly figures were given)."""
    windows = " · ".join(t["text"] for t in timeline if t["kind"] in ("window", "gap"))
    monthly = " · ".join(t["text"] for t in timeline if t["kind"] in ("monthly_figures", "monthly_gap"))
    if part == "windows":
        return windows
    if part == "monthly":
        return monthly
    return " ".join(x for x in (f"Extracts: {windows}." if windows else "",
                                f"Monthly figures: {monthly}." if monthly else "") if x)


# --- the forecast ------------------------------------------------------------------------------------------

#: The measures every forecast holds. Flows (referrals, starts) are counts in the period; stocks (``*_open``)
#: are counts open at its end.
MEASURES = ("referrals", "cp_starts", "cp_open", "cla_starts", "cla_open", "cin_starts", "cin_open")
#: The children-in-need measures: forecast only when List 6 is read (children on a plan or in care included).
CIN_MEASURES = ("cin_starts", "cin_open")
#: Plain-English names for the measures (charts, Excel, the app).
MEASURE_LABELS = {
    "referrals": "Referrals", "cp_starts": "Child protection plans started",
    "cp_open": "Open child protection plans (end of period)", "cla_starts": "Children starting care",
    "cla_open": "Children looked after (end of period)", "cin_starts": "Children in need episodes started",
    "cin_open": "Children in need (end of period)", "cost_gbp": "Cost (£)",
    "social_workers": "Social workers needed",
}

#: Columns of :attr:`Forecast.table` and :attr:`Forecast.actuals`, in order.
FORECAST_COLUMNS = ("scenario", "measure", "period_type", "period", "period_start", "breakdown", "group",
                    "quantile", "value")
ACTUAL_SCENARIO = "Actual"


@dataclass(frozen=True)
class Forecast:
    """A forecast for one or several scenarios: ONE long table, plus the actuals in the same shape.

    Made by :func:`csc_demand.forecast`; it cannot be changed once made. Every output (chart, Excel sheet,
    JSON) is a view of ``table`` and ``actuals``; no output computes anything of its own.

    Attributes
    ----------
    table
        Columns :data:`FORECAST_COLUMNS`: ``scenario`` (the scenario's name); ``measure`` (one of
        :data:`MEASURES`, or ``cost_gbp``: £ in the period at that period's prices, and ``social_workers``:
        full-time equivalents needed at the end of the period); ``period_type`` (``"month"`` or ``"fy"``, the
        financial year April–March); ``period`` (``"2021-01"`` or ``"2021-22"``); ``period_start`` (the
        period's first day); ``breakdown`` / ``group`` (``"total"`` / ``"All"``, or e.g. ``"age_band"`` /
        ``"1 to 4"``, ``"placement_group"`` / ``"Fostering"``, ``"source_group"`` / ``"Police"``,
        ``"cost_group"`` / ``"Residential"``); ``quantile`` (0.1, 0.5, 0.9 and any others asked for; flows are
        summed per draw before the quantile is taken, so a financial year's P90 is the P90 of yearly totals);
        ``value`` (the number).
    actuals
        The same columns with ``scenario = "Actual"`` and ``quantile = 0.5``, over the observed history.
    extract_date
        The extract date the forecast starts from.
    scenarios
        The :class:`~csc_demand.scenario.Scenario` objects, in order.
    estimates
        The :class:`~csc_demand.model.Estimates` used.
    draws
        Monte Carlo draws.
    seed
        The random seed.
    months
        Calendar months forecast after the extract date's month.
    quality
        The data's quality report (``None`` when forecast from Estimates).
    backtest
        The backtest table when asked for (``forecast(..., backtest=True)``), else ``None``.
    la_name
        The local authority's name, when given.
    window_fit
        The model against the actual open plans and children looked after over the latest observed window
        (:func:`csc_demand.model.window_fit`): counts per date only.
    timeline
        What was observed when (:func:`observed_timeline` of the data forecast from), which the reports show.
    published
        When a local authority was named (``forecast(..., la="Kent")``): its published figures, the forecast
        from them and this forecast at each 31 March
        (:func:`csc_demand.national.compare.published_beside`: one row per scenario, measure and year; counts of
        children); ``None`` when no authority was named.

    Examples
    --------
    >>> fc = cd.forecast(annex, [cd.Scenario(name="No further shocks")], months=24)
    >>> fc.to_frame().head()
    >>> fc.write("forecast.xlsx")
    """

    table: pd.DataFrame
    actuals: pd.DataFrame
    extract_date: pd.Timestamp
    scenarios: tuple
    estimates: object
    draws: int
    seed: int
    months: int
    quality: QualityReport | None = None
    backtest: pd.DataFrame | None = None
    la_name: str | None = None
    window_fit: pd.DataFrame | None = None
    timeline: list[dict] | None = None
    published: pd.DataFrame | None = None

    def to_frame(self, series_id: str | None = None) -> pd.DataFrame:
        """The forecast as a tidy long table, one row per scenario, measure, period and breakdown group.

        Parameters
        ----------
        series_id
            A label for this forecast's series, e.g. the LA's name or code, so that the tables of many LAs can
            be stacked (default: :attr:`la_name`, else ``""``).

        Returns
        -------
        pandas.DataFrame
            Columns ``series_id``, ``scenario``, ``measure``, ``period_type``, ``period``, ``period_start``,
            ``breakdown``, ``group``, then one column per quantile: ``p10``, ``p50``, ``p90`` (and any others
            asked for, e.g. ``p2.5``). Counts for flows in the period and stocks at its end; £ for
            ``cost_gbp``; full-time equivalents for ``social_workers``.

        Examples
        --------
        >>> fc.to_frame().query("measure == 'cla_open' and period_type == 'month' and breakdown == 'total'")
        """
        keys = ["scenario", "measure", "period_type", "period", "period_start", "breakdown", "group"]
        wide = self.table.pivot_table(index=keys, columns="quantile", values="value", sort=False, observed=True)
        wide.columns = [f"p{q * 100:g}" for q in wide.columns]
        out = wide.reset_index()
        out.insert(0, "series_id", series_id if series_id is not None else (self.la_name or ""))
        return out

    def write(self, path: str | Path) -> Path:
        """Write the forecast as the kind of file the name ends with: ``.xlsx`` (the Excel report with native
        charts), ``.html`` (a one-page summary), ``.csv`` (the long table) or ``.json``.

        Parameters
        ----------
        path
            Where to write; the folder must exist. The file is written to a temporary file first and moved
            into place only when complete.

        Returns
        -------
        pathlib.Path
            The path written.

        Examples
        --------
        >>> fc.write("forecast.xlsx")
        """
        from csc_demand.report import write_report

        return write_report(self, path)

