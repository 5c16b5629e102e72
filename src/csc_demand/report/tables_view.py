"""The views of a :class:`~csc_demand.tables.Forecast` that every report shows.

Every output (Excel, HTML, CSV) is a *view* of the forecast's one long table and its actuals: these
functions only select rows and reshape them (long → wide). They never compute a figure of their own, so the
numbers in a workbook, on a web page and in a CSV are always the engine's numbers.

Wide tables have rows per period and a three-level column index ``(scenario, group, quantile)``: the
actuals come first (scenario ``"Actual"``, quantile 0.5), then one column group per scenario in the order
of ``Forecast.scenarios``. Values are in the measure's own unit (counts of children or referrals, £ for
``cost_gbp``, full-time-equivalent workers for ``social_workers``); a missing value is ``NaN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.tables import (
    ACTUAL_SCENARIO,
    FORECAST_COLUMNS,
    LISTS_BY_TABLE,
    MEASURE_LABELS,
    MEASURES,
    Forecast,
    day_label,
    timeline_text,
    window_start,
)

#: The three measures of the headline table (referrals in the year; plans and children open on 31 March).
HEADLINE_MEASURES = ("referrals", "cp_open", "cla_open")
#: Measures that are counts open at the end of a period (the rest are totals over the period).
TOTAL_GROUP = "All"
COLUMN_LEVELS = ("scenario", "group", "quantile")

#: The low, middle and high quantile of the band shown in charts (P10, median, P90).
BAND_QUANTILES = (0.1, 0.5, 0.9)

#: Scenario colours in charts, in scenario order: colour-blind-safe, each at least 3:1 against white (WCAG
#: non-text contrast). The actuals are black.
SCENARIO_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#A6407F", "#6A4C93", "#595959", "#000080", "#8B4513")

#: Plain-English unit of each measure (axis titles, captions).
MEASURE_UNITS = {
    "referrals": "Referrals in the month", "cp_starts": "Plans started in the month",
    "cp_open": "Open plans at the end of the month", "cla_starts": "Children starting care in the month",
    "cla_open": "Children looked after at the end of the month", "cost_gbp": "Cost in the month (£)",
    "cin_starts": "Children in need episodes started in the month",
    "cin_open": "Children in need at the end of the month",
    "social_workers": "Social workers needed (full-time equivalent)",
}


def output_path(path: str | Path) -> Path:
    """``path`` as a Path, after checking that its folder exists (a plain-English error otherwise)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise CscDemandError(f"Cannot write {path.name}: the folder {path.parent} does not exist. Create it or "
                             "choose another folder.")
    return path


_LABELS = {"low_80": "Low (80% interval)", "high_80": "High (80% interval)"}
_WORDS = {"mape": "MAPE", "p10": "P10", "p50": "P50", "p90": "P90", "cp": "CP", "cla": "CLA", "fy": "FY",
          "id": "ID", "se": "SE", "uasc": "UASC", "p10~p90": "P10 to P90"}
_UNITS = {"pct": "(%)", "gbp": "(£)", "weeks": "(weeks)", "days": "(days)", "months": "(months)",
          "per~week": "per week"}


def column_label(name: str) -> str:
    """A table column name for people: ``mape_median_pct`` → ``"MAPE median (%)"``."""
    text = str(name)
    if text in _LABELS:
        return _LABELS[text]
    for key in ("per_week", "p10_p90"):  # keep these pairs together as one word
        text = text.replace(key, key.replace("_", "~"))
    words = [w for w in text.split("_") if w]
    out = []
    for i, w in enumerate(words):
        low = w.lower()
        if low in _UNITS and i == len(words) - 1 and i > 0:
            out.append(_UNITS[low])
        elif low in _WORDS:
            out.append(_WORDS[low])
        else:
            low = low.replace("~", " ")
            out.append(low.capitalize() if not out else low)
    return " ".join(out) if out else str(name)


def quantile_label(q: float) -> str:
    """``0.1`` → ``"P10"``, ``0.5`` → ``"Median"``, ``0.975`` → ``"P97.5"``."""
    if np.isclose(q, 0.5):
        return "Median"
    return f"P{round(float(q) * 100, 1):g}"


def band_quantiles(columns, scenario: str, group: str = "All") -> tuple[float | None, float | None, float | None]:
    """The (low, median, high) quantiles a chart shows for one scenario, as they appear in ``columns``.

    P10 and P90 when the forecast has them, otherwise the lowest and highest quantiles it has on each side
    of the median; ``None`` where there is none.
    """
    qs = sorted({float(c[2]) for c in columns if c[0] == scenario and c[1] == group})
    mid = next((q for q in qs if np.isclose(q, 0.5)), None)
    lows = [q for q in qs if q < 0.5 and not np.isclose(q, 0.5)]
    highs = [q for q in qs if q > 0.5 and not np.isclose(q, 0.5)]
    lo = next((q for q in lows if np.isclose(q, BAND_QUANTILES[0])), lows[0] if lows else None)
    hi = next((q for q in highs if np.isclose(q, BAND_QUANTILES[2])), highs[-1] if highs else None)
    return lo, mid, hi


def fy_end(period_start: pd.Timestamp) -> pd.Timestamp:
    """The last day (31 March) of the financial year that starts on ``period_start`` (1 April)."""
    return pd.Timestamp(year=period_start.year + 1, month=3, day=31)


def scenario_names(forecast: Forecast) -> list[str]:
    """Scenario names in report order: ``Forecast.scenarios`` order, then any others in the table."""
    named = [str(getattr(s, "name", s)) for s in forecast.scenarios]
    in_table = [str(s) for s in pd.unique(forecast.table["scenario"])]
    if ACTUAL_SCENARIO in in_table:
        raise CscDemandError(f"A scenario is called '{ACTUAL_SCENARIO}', the name the reports keep for the observed "
                             "figures. Give the scenario another name and run the forecast again.")
    return [n for n in dict.fromkeys(named + in_table) if n in set(in_table)]


def long_table(forecast: Forecast) -> pd.DataFrame:
    """The actuals followed by the forecast, in :data:`FORECAST_COLUMNS` order (the CSV view)."""
    cols = list(FORECAST_COLUMNS)
    parts = [t[cols] for t in (forecast.actuals, forecast.table) if t is not None and len(t)]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)


def _rows(frame: pd.DataFrame | None, measure: str, period_type: str, breakdowns: tuple[str, ...]) -> pd.DataFrame:
    if frame is None or frame.empty:
        return frame.iloc[0:0] if frame is not None else pd.DataFrame(columns=list(FORECAST_COLUMNS))
    mask = (frame["measure"] == measure) & (frame["period_type"] == period_type) & frame["breakdown"].isin(breakdowns)
    return frame.loc[mask]


def wide_table(forecast: Forecast, measure: str, period_type: str = "month", *,
               breakdowns: tuple[str, ...] = ("total",), actuals: bool = True) -> pd.DataFrame:
    """One measure as a wide table: a row per period, a column per (scenario, group, quantile).

    ``period_type`` is ``"month"`` or ``"fy"``. ``breakdowns`` picks the rows of the long table (``"total"``
    has the single group ``"All"``). The row index has two levels, ``period`` (``"2021-01"`` or
    ``"2021-22"``) and ``period_start`` (Timestamp), sorted by date: actual periods first, then the forecast.
    Columns: ``("Actual", group, 0.5)`` when ``actuals`` and the actuals hold the measure, then each
    scenario's groups (``"All"`` first, then in the engine's order) with their quantiles in increasing order.
    Values are the table's ``value`` unchanged (unit: the measure's own).
    """
    parts = [_rows(forecast.table, measure, period_type, breakdowns)]
    if actuals:
        parts.insert(0, _rows(forecast.actuals, measure, period_type, breakdowns))
    sub = pd.concat([p for p in parts if p is not None and len(p)] or [parts[-1]], ignore_index=True)
    if sub.empty:
        empty_cols = pd.MultiIndex.from_tuples([], names=list(COLUMN_LEVELS))
        empty_idx = pd.MultiIndex.from_tuples([], names=["period", "period_start"])
        return pd.DataFrame(index=empty_idx, columns=empty_cols, dtype=float)
    sub = sub.assign(scenario=sub["scenario"].astype(str), group=sub["group"].astype(str),
                     period=sub["period"].astype(str), period_start=pd.to_datetime(sub["period_start"]),
                     quantile=sub["quantile"].astype(float), value=sub["value"].astype(float))
    wide = sub.set_index(["period", "period_start", *COLUMN_LEVELS])["value"].unstack(list(COLUMN_LEVELS))
    wide = wide.sort_index(level="period_start")

    scen_order = [ACTUAL_SCENARIO] + scenario_names(forecast)
    groups_seen = list(dict.fromkeys(sub["group"]))
    group_order = [TOTAL_GROUP] + [g for g in groups_seen if g != TOTAL_GROUP]
    present = set(wide.columns)
    ordered = [(s, g, q) for s in scen_order for g in group_order
               for q in sorted({c[2] for c in present if c[0] == s and c[1] == g}) if (s, g, q) in present]
    ordered += [c for c in wide.columns if c not in set(ordered)]
    wide = wide[pd.MultiIndex.from_tuples(ordered, names=list(COLUMN_LEVELS))]
    return wide


def monthly_table(forecast: Forecast, measure: str) -> pd.DataFrame:
    """The monthly table of one measure's totals: actuals, then each scenario's quantiles (see :func:`wide_table`)."""
    return wide_table(forecast, measure, "month")


def headline_table(forecast: Forecast, years: int = 3) -> pd.DataFrame:
    """Referrals, open CP plans and children looked after for the next ``years`` financial years.

    The years are the first ``years`` financial years in the forecast whose end (31 March) falls on or after
    the extract date and within the forecast's months (so that the number open at the year end is a
    forecast). Referrals are the total in the year; open plans and children looked after are the numbers
    open at the end of the year (the engine's ``fy`` rows, unchanged). Rows are indexed by ``(measure,
    period, period_start)``; columns by ``(scenario, quantile)``.
    """
    table = forecast.table
    fy = table.loc[(table["period_type"] == "fy") & (table["breakdown"] == "total")
                   & table["measure"].isin(HEADLINE_MEASURES)]
    months = pd.to_datetime(table.loc[table["period_type"] == "month", "period_start"])
    last_month = months.max() if len(months) else pd.NaT
    starts = sorted(pd.to_datetime(pd.unique(fy["period_start"])))
    chosen = [s for s in starts if fy_end(s) >= pd.Timestamp(forecast.extract_date).normalize()
              and (pd.isna(last_month) or fy_end(s) <= last_month + pd.offsets.MonthEnd(0))][:years]
    fy = fy.loc[pd.to_datetime(fy["period_start"]).isin(chosen)]
    fy = fy.assign(scenario=fy["scenario"].astype(str), period=fy["period"].astype(str),
                   measure=fy["measure"].astype(str), period_start=pd.to_datetime(fy["period_start"]),
                   quantile=fy["quantile"].astype(float), value=fy["value"].astype(float))
    wide = fy.set_index(["measure", "period", "period_start", "scenario", "quantile"])["value"].unstack(
        ["scenario", "quantile"])
    present = set(wide.columns)
    cols = [(s, q) for s in scenario_names(forecast) for q in sorted({c[1] for c in present if c[0] == s})]
    wide = wide[pd.MultiIndex.from_tuples(cols, names=["scenario", "quantile"])] if cols else wide
    order = {m: i for i, m in enumerate(HEADLINE_MEASURES)}
    keys = sorted(wide.index, key=lambda k: (order[k[0]], k[2]))
    return wide.loc[keys]


def forecast_months_in_fy(forecast: Forecast, period_start: pd.Timestamp) -> int:
    """How many months of the financial year starting ``period_start`` the forecast covers (0 to 12)."""
    table = forecast.table
    months = pd.to_datetime(pd.unique(table.loc[table["period_type"] == "month", "period_start"]))
    end = fy_end(period_start)
    return int(((months >= period_start) & (months <= end)).sum())


def headline_notes(forecast: Forecast, headline: pd.DataFrame) -> list[str]:
    """Plain-English notes for the headline table: which years' referral totals cover only part of the year."""
    notes = []
    for period, start in dict.fromkeys((p, s) for m, p, s in headline.index if m == "referrals"):
        n = forecast_months_in_fy(forecast, start)
        if 0 < n < 12:
            notes.append(f"Referrals for {period} are for the {n} forecast month{'s' if n != 1 else ''} of that "
                         f"year only (to 31 March {start.year + 1}).")
    return notes


def measures_present(forecast: Forecast) -> list[str]:
    """The measures of :data:`MEASURES` that the forecast holds, in that order."""
    have = set(forecast.table["measure"].astype(str))
    return [m for m in MEASURES if m in have]


def costs_table(forecast: Forecast, period_type: str = "month") -> pd.DataFrame:
    """``cost_gbp`` (£ in the period, at that period's prices) per cost group and in total, per scenario."""
    return wide_table(forecast, "cost_gbp", period_type, breakdowns=("total", "cost_group"))


def costs_by_year(forecast: Forecast) -> pd.DataFrame:
    """Costs per financial year laid out for reading: a row per (scenario, cost group), total first;
    columns ``(quantile, period)`` with the median block first, then the other quantiles (£ in the year)."""
    wide = costs_table(forecast, "fy")
    if wide.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["scenario", "group"]),
                            columns=pd.MultiIndex.from_tuples([], names=["quantile", "period"]), dtype=float)
    flipped = wide.droplevel("period_start").T  # rows (scenario, group, quantile), columns period
    out = flipped.unstack("quantile")  # columns (period, quantile)
    out = out.reorder_levels(["quantile", "period"], axis=1)
    rows = list(dict.fromkeys((c[0], c[1]) for c in wide.columns))
    quantiles = sorted({c[2] for c in wide.columns}, key=lambda q: (not np.isclose(q, 0.5), q))
    periods = list(wide.index.get_level_values("period"))
    cols = [(q, p) for q in quantiles for p in periods if (q, p) in set(out.columns)]
    return out.loc[rows, pd.MultiIndex.from_tuples(cols, names=["quantile", "period"])]


def costs_by_month(forecast: Forecast) -> pd.DataFrame:
    """Monthly costs (£) for reading: per scenario the total's quantiles, then each cost group's median."""
    wide = costs_table(forecast, "month")
    keep = [c for c in wide.columns if c[1] == TOTAL_GROUP or np.isclose(c[2], 0.5)]
    return wide.loc[:, keep]


BREAKDOWN_LABELS = {"age_band": "Age band", "placement_group": "Placement group", "source_group": "Referral source",
                    "cost_group": "Cost group"}


def breakdowns_by_year(forecast: Forecast, quantile: float = 0.5) -> pd.DataFrame:
    """Each measure's breakdowns (age band, placement group, referral source…) per financial year.

    Rows ``(measure, breakdown, group)`` in the engine's order; columns ``(scenario, period)``; values are the
    ``quantile`` (default the median) of the engine's ``fy`` rows. Medians of groups need not add up to the
    median of the total. Costs are left out (they have their own view).
    """
    t = forecast.table
    sub = t.loc[(t["period_type"] == "fy") & (t["breakdown"] != "total") & t["measure"].isin(MEASURES)
                & np.isclose(t["quantile"].astype(float), quantile)]
    if sub.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["measure", "breakdown", "group"]),
                            columns=pd.MultiIndex.from_tuples([], names=["scenario", "period"]), dtype=float)
    sub = sub.assign(**{c: sub[c].astype(str) for c in ("measure", "breakdown", "group", "scenario", "period")})
    wide = sub.set_index(["measure", "breakdown", "group", "scenario", "period"])["value"].astype(float).unstack(
        ["scenario", "period"])
    rows = list(dict.fromkeys(zip(sub["measure"], sub["breakdown"], sub["group"], strict=True)))
    order = {m: i for i, m in enumerate(MEASURES)}
    rows.sort(key=lambda k: order[k[0]])  # stable: keeps the engine's order within a measure
    periods = sorted(set(sub["period"]))
    cols = [(s, p) for s in scenario_names(forecast) for p in periods if (s, p) in set(wide.columns)]
    return wide.loc[rows, pd.MultiIndex.from_tuples(cols, names=["scenario", "period"])]


def workforce_table(forecast: Forecast, period_type: str = "month") -> pd.DataFrame:
    """``social_workers`` (full-time equivalents needed at the end of the period): every breakdown held."""
    rows = forecast.table.loc[forecast.table["measure"] == "social_workers", "breakdown"]
    breakdowns = tuple(dict.fromkeys(["total", *map(str, pd.unique(rows))]))
    return wide_table(forecast, "social_workers", period_type, breakdowns=breakdowns)


# --- financial years that the forecast covers only in part, and the price base of the costs -------------------

def _forecast_months(forecast: Forecast) -> pd.DatetimeIndex:
    table = forecast.table
    return pd.DatetimeIndex(sorted(pd.to_datetime(pd.unique(table.loc[table["period_type"] == "month",
                                                                       "period_start"]))))


def first_forecast_month(forecast: Forecast) -> pd.Timestamp | None:
    """The first month of the forecast (its first day), or ``None`` when the forecast holds no months."""
    months = _forecast_months(forecast)
    return months[0] if len(months) else None


def fy_labels(forecast: Forecast) -> dict[str, str]:
    """Each financial year of the forecast's table, labelled for people: ``"2024-25"`` for a year the forecast
    covers from April to March, ``"2024-25 (Jan–Mar only)"`` for the first year when the forecast starts after
    April (its flows and costs are for those months only; numbers open are still at 31 March), and likewise
    for a year cut short by the end of the forecast, should a table hold one."""
    table = forecast.table
    fy = table.loc[table["period_type"] == "fy", ["period", "period_start"]].drop_duplicates("period")
    months = _forecast_months(forecast)
    out: dict[str, str] = {}
    for period, start in zip(fy["period"].astype(str), pd.to_datetime(fy["period_start"]), strict=True):
        inside = months[(months >= start) & (months <= fy_end(start))]
        if 0 < len(inside) < 12:
            first, last = inside[0], inside[-1]
            span = f"{first:%b}" if first == last else f"{first:%b}–{last:%b}"
            out[period] = f"{period} ({span} only)"
        else:
            out[period] = period
    return out


def fy_label(forecast: Forecast, period: str, labels: dict[str, str] | None = None) -> str:
    """One financial year's label for people (see :func:`fy_labels`); ``labels``: that dict if already made."""
    labels = fy_labels(forecast) if labels is None else labels
    return labels.get(str(period), str(period))


def _pct(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4g}"


def price_base(forecast: Forecast, scenario: str | None = None) -> str:
    """The prices costs are at, in words: "prices of January 2025, rising by 3% a year" (the unit costs are
    those of the forecast's first month and rise with the scenario's inflation, compounded monthly). Without
    ``scenario``, every scenario's inflation is named when they differ ("rising by 3% a year in No further
    shocks and 5% a year in Dearer care")."""
    first = first_forecast_month(forecast)
    when = f"prices of {first:%B %Y}" if first is not None else "prices of the first forecast month"
    rates: dict[str, float] = {}
    for s in forecast.scenarios:
        name = str(getattr(s, "name", s))
        rate = getattr(getattr(s, "costs", None), "inflation_pct_per_year", None)
        if rate is not None and (scenario is None or name == scenario):
            rates[name] = float(rate)
    if not rates:
        return f"{when}, rising with the scenario's inflation"
    if len(set(rates.values())) == 1:
        return f"{when}, rising by {_pct(next(iter(rates.values())))}% a year"
    parts = [f"{_pct(r)}% a year in {n}" for n, r in rates.items()]
    return f"{when}, rising by " + ", ".join(parts[:-1]) + " and " + parts[-1]


def pay_price_base(forecast: Forecast) -> str:
    """The prices of the social workers' pay: "prices of January 2025 (pay not raised for inflation)"."""
    first = first_forecast_month(forecast)
    when = f"{first:%B %Y}" if first is not None else "the first forecast month"
    return f"prices of {when} (pay not raised for inflation)"


# --- children in need and social workers ------------------------------------------------------------------------

#: What the DfE's caseload counts, for every output that shows social workers.
CASELOAD_MEANING = (
    "The DfE's caseload is the number of cases held ÷ the case-holding social workers (full-time equivalents, "
    "FTE), counting every child in need a social worker holds: children on a child protection plan and children "
    "looked after are children in need, and are counted in it. So case-holding social workers needed = children "
    "in need at the month end ÷ the caseload.")
#: What the workforce figures mean.
WORKFORCE_MEANING = (
    "All social workers (FTE) = case-holding FTE ÷ the share of social workers in post who hold cases (England, "
    "30 September 2025: 58.3%). Posts, filled or vacant = all FTE ÷ (1 − the vacancy rate). The default shares "
    "and rates are England's (DfE); the salary, on-costs and agency premium are illustrative, not any "
    "authority's: set your own in the scenario.")
#: Why there are no children-in-need or social-worker figures without List 6.
NO_LIST_6 = (
    "List 6 (children in need) was not in the data loaded, so there are no figures for children in need or for "
    "social workers. The DfE's caseload counts every child in need a social worker holds, including those on a "
    "plan or in care, so open plans and children looked after alone would undercount the work by about two "
    "thirds. Load List 6 with the other lists to add children in need and social workers.")


def has_children_in_need(forecast: Forecast) -> bool:
    """True when the forecast holds children in need (``cin_open``: List 6 was read)."""
    return bool((forecast.table["measure"] == "cin_open").any())


def scenario_objects(forecast: Forecast) -> dict[str, object]:
    """The forecast's Scenario objects by name, in report order."""
    return {str(getattr(s, "name", s)): s for s in forecast.scenarios}


def caseloads(forecast: Forecast) -> list[tuple[str, float, str]]:
    """(scenario, caseload, where it comes from) per scenario: :func:`csc_demand.model.costs.caseload_for`,
    the caseload the forecast's ``social_workers`` were divided by (the scenario's ``caseload_per_worker``, else
    the named authority's or England's latest published one). Scenarios that are not Scenario objects are left
    out."""
    from csc_demand.model.costs import caseload_for
    from csc_demand.scenario import Scenario

    out = []
    for name, s in scenario_objects(forecast).items():
        if isinstance(s, Scenario):
            caseload, sentence = caseload_for(s)
            out.append((name, caseload, sentence))
    return out


def caseload_sentences(forecast: Forecast) -> list[str]:
    """The caseload of each scenario in a sentence: "No further shocks: England's latest published caseload,
    …"; one sentence without the name when every scenario uses the same caseload for the same reason."""
    rows = caseloads(forecast)
    if not rows:
        return []
    if len({(c, t) for _, c, t in rows}) == 1:
        return [f"Caseload used: {rows[0][2]}"]
    return [f"Caseload used in {name}: {sentence}" for name, _, sentence in rows]


#: Column names of :func:`staffing_table` for people, by :func:`csc_demand.workforce.staffing`'s column.
STAFFING_LABELS = {
    "cin_open": "Children in need (median)",
    "case_holders_fte_needed": "Case-holding social workers needed (FTE)",
    "total_fte_needed": "All social workers needed (FTE)",
    "posts_fte": "Posts, filled or vacant (FTE)",
    "caseload_planned": "Caseload planned (cases per case holder)",
    "case_holders_fte_planned": "Case-holding social workers at the planned caseload (FTE)",
    "total_fte_planned": "All social workers at the planned caseload (FTE)",
    "extra_case_holders_fte": "More case-holding social workers than today (FTE)",
    "extra_total_fte": "More social workers in all than today (FTE)",
    "extra_case_holders_cost_gbp_per_year": "Cost of the extra case holders (£ a year)",
    "extra_total_cost_gbp_per_year": "Cost of the extra social workers in all (£ a year)",
}


def staffing(forecast: Forecast, scenario: str) -> pd.DataFrame | None:
    """:func:`csc_demand.workforce.staffing` for one scenario: its median children in need at each month end
    (``cin_open``, P50), its caseload (:func:`caseloads`) and its ``[workforce]`` settings (shares, rates, pay,
    workers today, target). One row per month, indexed by the month's last day; ``None`` when the forecast holds
    no children in need or the scenario is not a Scenario object. The case-holding FTE needed equal the
    forecast's ``social_workers`` median."""
    from csc_demand.model.costs import caseload_for
    from csc_demand.scenario import Scenario
    from csc_demand.workforce import staffing as workforce_staffing

    s = scenario_objects(forecast).get(scenario)
    if not isinstance(s, Scenario):
        return None
    t = forecast.table
    rows = t.loc[(t["measure"] == "cin_open") & (t["period_type"] == "month") & (t["breakdown"] == "total")
                 & (t["scenario"] == scenario) & np.isclose(t["quantile"].astype(float), 0.5)]
    if rows.empty:
        return None
    rows = rows.sort_values("period_start")
    ends = pd.DatetimeIndex(pd.to_datetime(rows["period_start"])) + pd.offsets.MonthEnd(0)
    cases = pd.Series(rows["value"].to_numpy(dtype=float), index=ends)
    return workforce_staffing(cases, caseload_for(s)[0], s.workforce)


def staffing_table(forecast: Forecast, scenario: str) -> pd.DataFrame | None:
    """:func:`staffing` for people: a ``Month`` column (the month's first day, as in the other monthly tables)
    and the columns named by :data:`STAFFING_LABELS`; ``None`` as :func:`staffing`."""
    table = staffing(forecast, scenario)
    if table is None:
        return None
    out = table.rename(columns=STAFFING_LABELS).reset_index(drop=True)
    out.insert(0, "Month", pd.DatetimeIndex(table.index).to_period("M").to_timestamp())
    out.attrs = {}   # the figures only (staffing's settings are in the scenario)
    return out


def target_answer(forecast: Forecast, scenario: str) -> str | None:
    """The answer to "to bring caseloads to N by a date, how many more social workers, and what do they cost"
    for a scenario that sets a target caseload (:func:`csc_demand.workforce.describe_target`), with the prices
    of the pay named; ``None`` when the scenario sets no target or the forecast holds no children in need."""
    from csc_demand.workforce import describe_target

    table = staffing(forecast, scenario)
    if table is None or table.attrs.get("target_caseload") is None:
        return None
    s = scenario_objects(forecast)[scenario]
    return f"{describe_target(table, s.workforce)} The cost is at {pay_price_base(forecast)}."


def staffing_at_year_ends(forecast: Forecast) -> pd.DataFrame:
    """A compact staffing table: per scenario, the median children in need, case-holding FTE needed (the
    forecast's P10, median and P90 of ``social_workers``), all FTE and posts (from the median) at each 31 March in
    the forecast (the last month when it reaches no 31 March). Columns: ``Scenario``, ``Date`` (the month end),
    then the figures."""
    rows = []
    sw = wide_table(forecast, "social_workers", "month", actuals=False)
    for name in scenario_names(forecast):
        table = staffing(forecast, name)
        if table is None:
            continue
        marches = [d for d in table.index if d.month == 3] or [table.index[-1]]
        lo, mid, hi = band_quantiles(sw.columns, name)
        for d in marches:
            start = d.to_period("M").to_timestamp()
            at = sw.xs(start, level="period_start") if start in set(sw.index.get_level_values("period_start")) \
                else None
            row = {"Scenario": name, "Date": d, STAFFING_LABELS["cin_open"]: table.at[d, "cin_open"]}
            for q, label in ((lo, "P10"), (hi, "P90")):
                if q is not None and at is not None:
                    row[f"Case-holding social workers needed: {label} (FTE)"] = float(at[(name, TOTAL_GROUP, q)].iloc[0])
            row["Case-holding social workers needed: median (FTE)"] = table.at[d, "case_holders_fte_needed"]
            row[STAFFING_LABELS["total_fte_needed"]] = table.at[d, "total_fte_needed"]
            row[STAFFING_LABELS["posts_fte"]] = table.at[d, "posts_fte"]
            rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    band = [f"Case-holding social workers needed: {x} (FTE)" for x in ("P10", "median", "P90")]
    return frame[[*frame.columns[:3], *(c for c in band if c in frame.columns),
                  *(c for c in frame.columns[3:] if c not in band)]]


@dataclass(frozen=True)
class DataUsed:
    """What the forecast was built from: counts and date ranges only (never a child-level value)."""

    #: (list name, rows read, rows replaced by a newer extract, where it was read from) per list read
    lists: list[tuple[str, int | None, int, str]]
    #: rows read but not used (each explained on the data-quality sheet)
    rows_not_used: int | None
    #: (measure label, first month, last month) of the actual figures
    actual_ranges: list[tuple[str, pd.Timestamp, pd.Timestamp]]


def data_used(forecast: Forecast) -> DataUsed:
    """Summarise the data behind the forecast from its quality report and its actuals."""
    lists: list[tuple[str, int | None, int, str]] = []
    q = forecast.quality
    if q is not None:
        for table in dict.fromkeys([*q.rows_read, *q.sources]):
            where = "; ".join(q.sources.get(table, []))
            spec = LISTS_BY_TABLE.get(table)
            name = f"List {spec.number}: {spec.title}" if spec else table.replace("_", " ").capitalize()
            lists.append((name, q.rows_read.get(table), int(q.rows_replaced.get(table, 0)), where))
    ranges = []
    act = forecast.actuals
    if act is not None and len(act):
        months = act.loc[(act["period_type"] == "month") & (act["breakdown"] == "total")]
        for m in dict.fromkeys(months["measure"].astype(str)):
            starts = pd.to_datetime(months.loc[months["measure"] == m, "period_start"])
            ranges.append((MEASURE_LABELS.get(m, m), starts.min(), starts.max()))
    return DataUsed(lists=lists, rows_not_used=None if q is None else q.rows_not_used, actual_ranges=ranges)


def timeline_facts(forecast: Forecast) -> list[tuple[str, str]]:
    """What was observed when, as (label, text) pairs for the reports: the extracts' windows with the gaps
    between them named, then the months of the monthly figures when given (from ``Forecast.timeline``, made by
    :func:`~csc_demand.tables.observed_timeline`; empty when the forecast carries none)."""
    timeline = forecast.timeline or []
    out = []
    for label, part in (("Observed windows", "windows"), ("Months of monthly figures", "monthly")):
        text = timeline_text(timeline, part)  # type: ignore[arg-type]
        if text:
            out.append((label, text))
    return out


def quality_table(forecast: Forecast) -> pd.DataFrame:
    """The data-quality problems, one row each: severity, file, sheet, row, column, message (and kind)."""
    cols = ["severity", "file", "sheet", "row", "column", "message", "kind"]
    problems = [] if forecast.quality is None else forecast.quality.problems
    frame = pd.DataFrame([[p.severity, p.file, p.sheet, p.row, p.column, p.message, p.kind] for p in problems],
                         columns=cols)
    return frame.astype({"row": "Int64"})


def quality_summary(forecast: Forecast) -> pd.DataFrame:
    """Number of problems by severity and kind (for the one-page summary)."""
    table = quality_table(forecast)
    if table.empty:
        return pd.DataFrame({"severity": [], "kind": [], "problems": []}).astype({"problems": "int64"})
    out = table.groupby(["severity", "kind"], sort=False).size().rename("problems").reset_index()
    rank = {"error": 0, "warning": 1, "info": 2}
    return out.sort_values(["severity", "problems"], key=lambda s: s.map(rank) if s.name == "severity" else -s,
                           ignore_index=True)


def estimates_frame(forecast: Forecast) -> pd.DataFrame | None:
    """Every estimate the forecast used, as a table (``None`` when the forecast carries no estimates).

    Uses the engine's own table when it offers one (``csc_demand.model.estimates_table(estimates)`` or
    ``estimates.table()``: each rate and duration with its source window and uncertainty); otherwise the
    engine's plain-English sentences (``estimates.explain()``), one per row, which state the same.
    """
    est = forecast.estimates
    if est is None:
        return None
    if isinstance(est, pd.DataFrame):
        return est
    try:
        from csc_demand import model
    except ImportError:
        model = None
    maker = getattr(model, "estimates_table", None)
    if callable(maker):
        return maker(est)
    if callable(getattr(est, "table", None)):
        return est.table()
    if callable(getattr(est, "explain", None)):
        sentences = [str(x) for x in est.explain() if x]
        return pd.DataFrame({"estimate": sentences})
    return None


def estimates_notes(forecast: Forecast, table: pd.DataFrame | None = None) -> list[str]:
    """The engine's plain-English sentences about its estimates (``estimates.explain()``) that the estimates
    table does not already hold in its ``explanation`` column (e.g. seasonality, lags, over-dispersion)."""
    est = forecast.estimates
    if est is None or not callable(getattr(est, "explain", None)):
        return []
    table = estimates_frame(forecast) if table is None else table
    shown = set()
    if table is not None:
        for col in ("explanation", "estimate"):
            if col in table.columns:
                shown |= set(table[col].dropna().astype(str))
    return [str(x) for x in est.explain() if x and str(x) not in shown]


def backtest_view(forecast: Forecast) -> pd.DataFrame | None:
    """The engine's backtest table as shown to people: measure codes replaced by their plain-English names."""
    bt = forecast.backtest
    if bt is None or "measure" not in bt.columns:
        return bt
    return bt.assign(measure=bt["measure"].map(lambda m: MEASURE_LABELS.get(m, m)))


#: What each backtest figure means, for the notes under the backtest table (only for columns present).
BACKTEST_MEANINGS = {
    "mape_median_pct": "MAPE: the mean absolute percentage error over the cut dates, how far off a forecast was "
                       "whichever way.",
    "bias_median_pct": "Bias median: the mean signed percentage error of the median ((forecast − actual) ÷ actual "
                       "× 100): above 0, the forecast ran too high; below 0, too low.",
    "scaled_error": "Scaled error: the median's mean absolute error divided by that of 'last value' (the same as "
                    "at the cut date) at the same horizon and cut dates: below 1, the forecast did better than "
                    "'same as now'; above 1, worse.",
    "mape_same_month_last_year_pct": "MAPE same month last year: the error of using the figure for the same month "
                                     "a year before (the month-end figure for open plans and children looked "
                                     "after); blank until the data hold a year before the months forecast.",
}


def backtest_caution(forecast: Forecast) -> str | None:
    """The backtest's plain-English caution (too few cut dates to say much), or None."""
    bt = forecast.backtest
    text = None if bt is None else bt.attrs.get("caution")
    return str(text) if text else None


def backtest_notes(forecast: Forecast) -> list[str]:
    """Sentences for under the backtest table: the scenario's past shocks applied, and what the figures mean."""
    bt = forecast.backtest
    if bt is None or bt.empty:
        return []
    out = []
    shocks = bt.attrs.get("past_shocks") or []
    if shocks:
        out.append("Shocks from the first scenario applied to the forecasts made after they had begun: "
                   + ", ".join(map(str, shocks)) + ".")
    return out + [text for col, text in BACKTEST_MEANINGS.items() if col in bt.columns]


#: The stocks of the model-against-actual check (the latest observed window), as people name them.
WINDOW_FIT_LABELS = {"cp_open": "Open child protection plans", "cla_open": "Children looked after"}


def window_fit_heading(fit: pd.DataFrame) -> str:
    """"Model against actual (last six months)", or with the window's own dates when it is not six months."""
    start, end = fit.attrs.get("start"), fit.attrs.get("end")
    if start is None or end is None or pd.Timestamp(start) == window_start(pd.Timestamp(end)).normalize():
        return "Model against actual (last six months)"
    return f"Model against actual ({day_label(pd.Timestamp(start))} to {day_label(pd.Timestamp(end))})"


def window_fit_measures(fit: pd.DataFrame | None) -> list[str]:
    """The measures of a model-against-actual table (:func:`csc_demand.model.window_fit`), in order."""
    if fit is None or fit.empty:
        return []
    present = set(fit["measure"])
    return [m for m in WINDOW_FIT_LABELS if m in present]


def window_fit_table(fit: pd.DataFrame) -> pd.DataFrame:
    """The model against actual for people: a ``Date`` column, then per measure ``<label>: actual`` and
    ``<label>: model`` (numbers open at the end of that day; the model's are expected values, not whole)."""
    measures = window_fit_measures(fit)
    if not measures:
        return pd.DataFrame({"Date": pd.Series(dtype="datetime64[ns]")})
    wide = fit.pivot(index="date", columns="measure", values=["actual", "model"])
    out = pd.DataFrame({"Date": pd.DatetimeIndex(wide.index)})
    for m in measures:
        out[f"{WINDOW_FIT_LABELS[m]}: actual"] = wide[("actual", m)].to_numpy(dtype=float)
        out[f"{WINDOW_FIT_LABELS[m]}: model"] = wide[("model", m)].to_numpy(dtype=float)
    return out


#: The published measures beside the forecast (:data:`csc_demand.national.compare.MATCHED_MEASURES`), as people
#: name them, in the order shown; ``{year}`` is the year ending 31 March.
PUBLISHED_LABELS = {
    "cp_at_31_march": "Open child protection plans at 31 March {year}",
    "cla_at_31_march": "Children looked after at 31 March {year}",
    "cin_at_31_march": "Children in need at 31 March {year}",
    "referrals": "Referrals in the year to 31 March {year}",
    "cp_starts": "Child protection plans started in the year to 31 March {year}",
    "cla_starts": "Children starting to be looked after in the year to 31 March {year}",
}
#: The stocks of the published figures, charted one each.
PUBLISHED_STOCKS = ("cp_at_31_march", "cla_at_31_march", "cin_at_31_march")
#: The columns of :func:`published_table`, after ``Scenario``, ``Measure`` and ``31 March``: the table's own.
PUBLISHED_TABLE_COLUMNS = {
    "published": "Published", "published_p10": "From published: P10", "published_p50": "From published: P50",
    "published_p90": "From published: P90", "annex_a_actual": "Your lists", "annex_a_p10": "This forecast: P10",
    "annex_a_p50": "This forecast: P50", "annex_a_p90": "This forecast: P90",
}


def published_measure(measure: str, year: int | None = None) -> str:
    """A published measure as people name it: "Children looked after at 31 March" (with the year when given)."""
    text = PUBLISHED_LABELS.get(measure, measure)
    return text.format(year=year) if year is not None else text.replace(" {year}", "")


def published_intro(forecast: Forecast) -> str | None:
    """What the published-figures table is, in a sentence or two; None when no authority was named."""
    p = forecast.published
    if p is None or p.empty:
        return None
    first = p.iloc[0]
    return (f"{first['la_name']} ({first['la_code']}) as the DfE published it, beside a forecast from the figures "
            f"published before the extract date (up to the year ending 31 March {int(first['published_through'])}),"
            " made for every local authority in England with its 80% interval checked against their past years, "
            "and this forecast from your Annex A lists. Stocks are at 31 March; flows are for the year to 31 March, "
            "shown for this forecast only where it covers the whole year. The DfE counts children in need and "
            "referrals in its own way (the census's rules), so a steady gap between the two can be a difference of "
            "definition rather than of forecast.")


def published_sentences(forecast: Forecast) -> list[str]:
    """Plain-English lines: per scenario and measure, each 31 March this forecast covers, the forecast from the
    published figures and this forecast (middle estimate, 80% interval in brackets), and the published figure
    when it is out. Empty when no authority was named."""
    p = forecast.published
    if p is None or p.empty:
        return []
    p = p[p["annex_a_p50"].notna()]
    many = p["scenario"].nunique() > 1
    out = []
    for (scenario, measure), rows in p.groupby(["scenario", "measure"], sort=False):
        for r in rows.itertuples(index=False):
            parts = []
            if not np.isnan(r.published_p50):
                parts.append(f"forecast from the published figures {r.published_p50:,.0f} ({r.published_p10:,.0f} "
                             f"to {r.published_p90:,.0f})")
            parts.append(f"this forecast {r.annex_a_p50:,.0f} ({r.annex_a_p10:,.0f} to {r.annex_a_p90:,.0f})")
            if not np.isnan(r.published):
                parts.append(f"published {r.published:,.0f}")
            lead = f"{scenario}: " if many else ""
            out.append(f"{lead}{published_measure(measure, int(r.year))}: " + "; ".join(parts) + ".")
    return out


def published_table(forecast: Forecast) -> pd.DataFrame | None:
    """The published figures beside the forecast for people: ``Scenario``, ``Measure``, ``31 March`` (the date),
    then :data:`PUBLISHED_TABLE_COLUMNS` (counts of children); None when no authority was named."""
    p = forecast.published
    if p is None or p.empty:
        return None
    out = pd.DataFrame({"Scenario": p["scenario"].astype(str),
                        "Measure": p["measure"].map(published_measure), "31 March": pd.to_datetime(p["date"])})
    for col, label in PUBLISHED_TABLE_COLUMNS.items():
        out[label] = p[col].to_numpy(dtype=float)
    return out.reset_index(drop=True)


def published_chart_text(wide: pd.DataFrame, measure: str) -> str:
    """What a chart of :func:`published_wide` shows, for screen readers (the app's and the HTML page's)."""
    years = wide.index.get_level_values("period")
    label = published_measure(measure)
    return (f"Line chart of {label[:1].lower()}{label[1:]}, {years[0]} to {years[-1]}: the figures the DfE "
            "published (black line), the forecast from them and this forecast (each a median line with its P10 to "
            "P90 band). The figures are in the table below.")


#: The two forecasts of :func:`published_wide`, as its "scenarios" (column names).
PUBLISHED_SERIES = ("From the published figures", "This forecast")


def published_wide(forecast: Forecast, measure: str, scenario: str) -> pd.DataFrame:
    """One published measure of one scenario as a wide table for the charts: rows ``(period, period_start)`` =
    (the year ending 31 March as text, that 31 March); columns ``(scenario, group, quantile)`` with the published
    figures as ``("Actual", "All", 0.5)`` and :data:`PUBLISHED_SERIES` at 0.1, 0.5 and 0.9 (counts of children)."""
    p = forecast.published
    p = p[(p["measure"] == measure) & (p["scenario"] == scenario)].sort_values("year")
    index = pd.MultiIndex.from_arrays([p["year"].astype(str).to_numpy(), pd.DatetimeIndex(p["date"])],
                                      names=["period", "period_start"])
    columns = {(ACTUAL_SCENARIO, TOTAL_GROUP, 0.5): p["published"]}
    for name, prefix in zip(PUBLISHED_SERIES, ("published", "annex_a"), strict=True):
        for q in BAND_QUANTILES:
            columns[(name, TOTAL_GROUP, q)] = p[f"{prefix}_p{q * 100:g}"]
    wide = pd.DataFrame({k: v.to_numpy(dtype=float) for k, v in columns.items()}, index=index)
    wide.columns = pd.MultiIndex.from_tuples(list(columns), names=list(COLUMN_LEVELS))
    return wide
