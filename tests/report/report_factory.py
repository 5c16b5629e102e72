"""Build realistic :class:`~csc_demand.tables.Forecast` objects by hand for the report tests and benchmark.

The numbers come from a small seeded Monte Carlo written here (Poisson referrals, binomial conversions, a
stock that loses a fixed share each month), reduced to quantiles exactly as the Forecast contract says:
flows are summed per draw before a financial year's quantile is taken, stocks take the year's last month.
It is not the engine: it only has to produce a table of the right shape with plausible, ordered numbers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from csc_demand.scenario import Scenario, builtin_scenarios
from csc_demand.tables import ACTUAL_SCENARIO, FORECAST_COLUMNS, Forecast, Problem, QualityReport

EXTRACT_DATE = pd.Timestamp("2020-12-31")
QUANTILES = (0.1, 0.5, 0.9)
SOURCE_SHARES = {"Police": 0.3, "Schools": 0.2, "Health": 0.15, "Individual": 0.1, "Other": 0.25}
PLACEMENT_SHARES = {"Fostering": 0.7, "Residential": 0.1, "Supported accommodation": 0.05,
                    "Placed with parents": 0.1, "Other": 0.05}
GBP_PER_WEEK = {"Fostering": 900.0, "Residential": 6000.0, "Supported accommodation": 1800.0,
                "Placed with parents": 300.0, "Other": 1500.0, "Child protection plans": 250.0}
HOSTILE_NAME = '=HYPERLINK("http://x","y")'
FLOWS = ("referrals", "cp_starts", "cla_starts", "cin_starts", "cost_gbp")
#: England's published caseload at 30 September 2025: the built-in scenarios' default (no LA named).
CASELOAD = 15.2


def _fy(start: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(year=start.year if start.month >= 4 else start.year - 1, month=4, day=1)


def _series(rng: np.random.Generator, months: int, draws: int, multiplier: np.ndarray) -> dict:
    """Draws (draws, months) of every series: key (measure, breakdown, group)."""
    season = 1 + 0.08 * np.cos(2 * np.pi * (np.arange(months) - 0.5) / 12)
    lam = 300.0 * season * multiplier
    ref = rng.poisson(lam, size=(draws, months)).astype(float)
    cp_starts = rng.binomial(ref.astype(np.int64), 0.08).astype(float)
    cla_starts = rng.binomial(ref.astype(np.int64), 0.03).astype(float)
    cin_starts = rng.binomial(ref.astype(np.int64), 0.3).astype(float)
    cp_open = np.empty_like(ref)
    cla_open = np.empty_like(ref)
    cin_open = np.empty_like(ref)
    cp_prev, cla_prev, cin_prev = np.full(draws, 280.0), np.full(draws, 470.0), np.full(draws, 1200.0)
    for t in range(months):
        cp_prev = cp_prev * 0.93 + cp_starts[:, t]
        cla_prev = cla_prev * 0.98 + cla_starts[:, t]
        cin_prev = np.maximum(cin_prev * 0.92 + cin_starts[:, t], cp_prev + cla_prev)  # plans and care included
        cp_open[:, t], cla_open[:, t], cin_open[:, t] = cp_prev, cla_prev, cin_prev
    out = {("referrals", "total", "All"): ref, ("cp_starts", "total", "All"): cp_starts,
           ("cp_open", "total", "All"): cp_open, ("cla_starts", "total", "All"): cla_starts,
           ("cla_open", "total", "All"): cla_open, ("cin_starts", "total", "All"): cin_starts,
           ("cin_open", "total", "All"): cin_open}
    for g, share in SOURCE_SHARES.items():
        out[("referrals", "source_group", g)] = ref * share
    for g, share in PLACEMENT_SHARES.items():
        out[("cla_open", "placement_group", g)] = cla_open * share
    weeks = 52.0 / 12.0
    cost_total = np.zeros_like(ref)
    for g, gbp in GBP_PER_WEEK.items():
        stock = cp_open if g == "Child protection plans" else cla_open * PLACEMENT_SHARES[g]
        cost = stock * gbp * weeks
        out[("cost_gbp", "cost_group", g)] = cost
        cost_total = cost_total + cost
    out[("cost_gbp", "total", "All")] = cost_total
    out[("social_workers", "total", "All")] = cin_open / CASELOAD
    return out


def _long(series: dict, month_starts: pd.DatetimeIndex, scenario: str, quantiles) -> pd.DataFrame:
    fy_starts = pd.DatetimeIndex([_fy(m) for m in month_starts])
    fys = list(dict.fromkeys(fy_starts))
    frames = []
    for (measure, breakdown, group), draws in series.items():
        month_q = np.quantile(draws, quantiles, axis=0)  # (q, months)
        per_fy = []
        for fy in fys:
            cols = np.flatnonzero(fy_starts == fy)
            year = draws[:, cols].sum(axis=1) if measure in FLOWS else draws[:, cols[-1]]
            per_fy.append(np.quantile(year, quantiles))
        fy_q = np.array(per_fy).T  # (q, fys)
        for ptype, starts, values, labels in (
                ("month", month_starts, month_q, [m.strftime("%Y-%m") for m in month_starts]),
                ("fy", pd.DatetimeIndex(fys), fy_q, [f"{f.year}-{(f.year + 1) % 100:02d}" for f in fys])):
            nq, nt = values.shape
            frames.append(pd.DataFrame({
                "scenario": scenario, "measure": measure, "period_type": ptype,
                "period": np.tile(labels, nq), "period_start": np.tile(starts.values, nq),
                "breakdown": breakdown, "group": group, "quantile": np.repeat(quantiles, nt),
                "value": values.reshape(-1)}))
    return pd.concat(frames, ignore_index=True)[list(FORECAST_COLUMNS)]


def make_quality() -> QualityReport:
    q = QualityReport(sources={"referrals": ["annex_a.xlsx › List_3 (header row 2)"],
                               "cp_plans": ["annex_a.xlsx › List_7 (header row 2)"],
                               "looked_after": ["annex_a.xlsx › List_8 (header row 2)"]},
                      rows_read={"referrals": 1712, "cp_plans": 451, "looked_after": 566})
    q.add(Problem("warning", "bad_date", "The date could not be read; the row was not used.", "annex_a.xlsx",
                  "List_3", 17, "Date of referral", row_not_used=True))
    q.add(Problem("info", "duplicate_row", "This row repeats row 40 exactly; it was counted once.",
                  "annex_a.xlsx", "List_7", 41, None, row_not_used=True))
    q.add(Problem("error", "missing_column", "=SUM(A1) the column 'Placement Type' was not found.",
                  "annex_a.xlsx", "List_8", None, "Placement Type"))
    return q


def make_backtest() -> pd.DataFrame:
    return pd.DataFrame({
        "measure": ["cp_open", "cp_open", "cla_open", "cla_open"],
        "cutoff": pd.to_datetime(["2019-12-31"] * 4),
        "horizon_months": [3, 6, 3, 6],
        "mape_median_pct": [4.2, 6.9, 2.1, 3.3],
        "coverage_p10_p90_pct": [83.0, 79.0, 81.0, 77.0],
        "mape_naive_last_pct": [6.0, 9.5, 2.8, 4.9],
    })


def make_forecast(*, draws: int = 200, months: int = 36, seed: int = 1, scenario_names=None,
                  actual_months: int = 24, extract_date: pd.Timestamp = EXTRACT_DATE) -> Forecast:
    """A Forecast with three built-in scenarios, ``months`` of forecast and ``actual_months`` of actuals."""
    rng = np.random.default_rng(seed)
    scenarios = list(builtin_scenarios(extract_date.date()).values())
    if scenario_names is not None:
        scenarios = [dataclasses.replace(s, name=n) for s, n in zip(scenarios, scenario_names, strict=False)]
    first = (extract_date + pd.offsets.MonthBegin(1)).normalize()
    month_starts = pd.date_range(first, periods=months, freq="MS")
    multipliers = [np.ones(months), np.where((np.arange(months) >= 0) & (np.arange(months) < 3), 0.8, 1.0),
                   np.where(np.arange(months) >= 6, 1.1, 1.0)]
    table = pd.concat([_long(_series(rng, months, draws, mult), month_starts, s.name, QUANTILES)
                       for s, mult in zip(scenarios, multipliers, strict=False)], ignore_index=True)
    past = pd.date_range(first - pd.DateOffset(months=actual_months), periods=actual_months, freq="MS")
    hist = _series(rng, actual_months, 1, np.ones(actual_months))
    hist = {k: v for k, v in hist.items() if k[0] not in ("cost_gbp", "social_workers")}
    actuals = _long(hist, past, ACTUAL_SCENARIO, (0.5,))
    return Forecast(table=table, actuals=actuals, extract_date=extract_date, scenarios=tuple(scenarios),
                    estimates=None, draws=draws, seed=seed, months=months, quality=make_quality(),
                    backtest=make_backtest(), la_name="Exampleshire")


def _rows(scenario, measure, period_type, period, start, quantiles_values, breakdown="total", group="All"):
    return [(scenario, measure, period_type, period, pd.Timestamp(start), breakdown, group, q, v)
            for q, v in quantiles_values]


def make_tiny_forecast(name: str = "Steady") -> Forecast:
    """Two months of actuals (Nov, Dec 2020) and four forecast months of one scenario called ``name``,
    written out by hand."""
    actual = []
    for period, start, ref, cla in (("2020-11", "2020-11-01", 30.0, 50.0), ("2020-12", "2020-12-01", 20.0, 52.0)):
        actual += _rows("Actual", "referrals", "month", period, start, [(0.5, ref)])
        actual += _rows("Actual", "cla_open", "month", period, start, [(0.5, cla)])
    table = []
    months = (("2021-01", "2021-01-01"), ("2021-02", "2021-02-01"), ("2021-03", "2021-03-01"),
              ("2021-04", "2021-04-01"))
    for i, (period, start) in enumerate(months):
        table += _rows(name, "referrals", "month", period, start,
                       [(0.9, 40.0 + i), (0.1, 20.0 + i), (0.5, 30.0 + i)])
        table += _rows(name, "cla_open", "month", period, start, [(0.1, 48.0), (0.5, 53.0 + i), (0.9, 58.0)])
    table += _rows(name, "referrals", "fy", "2020-21", "2020-04-01", [(0.1, 70.0), (0.5, 93.0), (0.9, 110.0)])
    table += _rows(name, "referrals", "fy", "2021-22", "2021-04-01", [(0.1, 300.0), (0.5, 360.0), (0.9, 420.0)])
    table += _rows(name, "cla_open", "fy", "2020-21", "2020-04-01", [(0.1, 48.0), (0.5, 55.0), (0.9, 58.0)])
    table += _rows(name, "cla_open", "fy", "2021-22", "2021-04-01", [(0.1, 40.0), (0.5, 60.0), (0.9, 80.0)])
    cols = list(FORECAST_COLUMNS)
    return Forecast(table=pd.DataFrame(table, columns=cols), actuals=pd.DataFrame(actual, columns=cols),
                    extract_date=pd.Timestamp("2020-12-31"), scenarios=(Scenario(name=name),),
                    estimates=None, draws=10, seed=1, months=4)
