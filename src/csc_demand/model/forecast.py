"""The public forecast: scenarios side by side → one long :class:`~csc_demand.tables.Forecast` table.

Monthly rows cover the calendar months after the extract date; financial-year rows (April–March) cover the
complete financial years inside the horizon. Flows are summed per draw before quantiles are taken; stocks are
month ends (for a financial year: 31 March). Breakdowns split each quantile of the total by the central
path's shares for months (so the groups of a quantile add up to it) and are summed per draw for financial
years.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.baseline import SOURCE_GROUP_ORDER
from csc_demand.model.costs import COST_GROUPS, caseload_for, cost_parts, social_workers
from csc_demand.model.estimate import Estimates, estimate
from csc_demand.model.inputs import scenario_inputs
from csc_demand.model.project import Simulation, simulate
from csc_demand.model.timegrid import Grid, make_grid
from csc_demand.scenario import Scenario, builtin_scenarios
from csc_demand.settings import Setting
from csc_demand.tables import (
    AGE_BAND_LABELS,
    FORECAST_COLUMNS,
    PLACEMENT_GROUP_ORDER,
    AnnexA,
    Forecast,
    observed_timeline,
)

MAX_DRAWS = 100_000
#: The forecast's own limits (described once: the API, the command line and the app take them from here).
FORECAST_SETTINGS: dict[str, Setting] = {
    "months": Setting(1, 60, "months", "Calendar months forecast after the extract date's month.",
                      "Months ahead", whole=True),
    "draws": Setting(1, MAX_DRAWS, "draws", "Monte Carlo draws: more give steadier intervals, slower.",
                     "Draws", whole=True),
}


_TEXT_COLUMNS = ("scenario", "measure", "period_type", "period", "breakdown", "group")


class _Rows:
    """Accumulates long-table rows as integer codes and numbers; one DataFrame is built at the end (the text
    columns are made by one ``take`` each, which is much faster than building millions of Python strings)."""

    def __init__(self, scenario: str, grid: Grid, qs: np.ndarray):
        self.scenario = scenario
        self.grid = grid
        self.qs = qs
        self.values: dict[str, dict[str, int]] = {c: {} for c in _TEXT_COLUMNS}
        self.codes: dict[str, list[np.ndarray]] = {c: [] for c in _TEXT_COLUMNS}
        self.numbers: dict[str, list[np.ndarray]] = {"period_start": [], "quantile": [], "value": []}
        self.periods = {"month": (grid.month_labels, np.array(grid.month_starts, dtype="datetime64[ns]")),
                        "fy": (list(grid.fy_labels), np.array(grid.fy_starts, dtype="datetime64[ns]"))}

    def _code(self, column: str, items: Sequence[str]) -> np.ndarray:
        table = self.values[column]
        return np.array([table.setdefault(x, len(table)) for x in items], dtype=np.int64)

    def add(self, measure: str, period_type: str, breakdown: str, groups: Sequence[str], values: np.ndarray) -> None:
        """``values``: (quantiles, periods, groups)."""
        labels, starts = self.periods[period_type]
        n_q, n_p, n_g = values.shape
        if n_p == 0:
            return
        n = n_q * n_p * n_g
        for column, value in (("scenario", self.scenario), ("measure", measure), ("period_type", period_type),
                              ("breakdown", breakdown)):
            self.codes[column].append(np.full(n, self._code(column, [value])[0]))
        self.codes["period"].append(np.tile(np.repeat(self._code("period", labels), n_g), n_q))
        self.codes["group"].append(np.tile(self._code("group", list(groups)), n_q * n_p))
        self.numbers["period_start"].append(np.tile(np.repeat(starts, n_g), n_q))
        self.numbers["quantile"].append(np.repeat(self.qs, n_p * n_g))
        self.numbers["value"].append(values.reshape(-1).astype(float))

    def frame(self) -> pd.DataFrame:
        cols = {}
        for c in FORECAST_COLUMNS:
            if c in self.codes:
                uniques = pd.array(list(self.values[c]), dtype="str")
                cols[c] = uniques.take(np.concatenate(self.codes[c])) if self.codes[c] else uniques[:0]
            else:
                cols[c] = np.concatenate(self.numbers[c]) if self.numbers[c] else np.array([])
        return pd.DataFrame(cols)


def _q(x: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Quantiles over draws (axis 0), linear interpolation (numpy's default), via one sort."""
    n = x.shape[0]
    s = np.sort(np.moveaxis(x, 0, -1), axis=-1)
    pos = qs * (n - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    f = (pos - lo).reshape((-1,) + (1,) * (x.ndim - 1))
    a = np.moveaxis(s[..., lo], -1, 0)
    b = np.moveaxis(s[..., hi], -1, 0)
    return a + (b - a) * f


def _flow(rows: _Rows, measure: str, monthly: np.ndarray, shares: dict[str, tuple[Sequence[str], np.ndarray]]):
    """A flow: per-draw monthly totals (draws, months); shares: breakdown → (groups, shares), the shares either
    the same every month (groups,) or by month (months, groups)."""
    g = rows.grid
    qm = _q(monthly, rows.qs)
    rows.add(measure, "month", "total", ["All"], qm[:, :, None])
    fy = g.per_fy(monthly)
    qf = _q(fy, rows.qs) if fy.shape[1] else None
    if qf is not None:
        rows.add(measure, "fy", "total", ["All"], qf[:, :, None])
    for name, (groups, share) in shares.items():
        if share.ndim == 1:
            rows.add(measure, "month", name, groups, qm[:, :, None] * share[None, None, :])
            if qf is not None:
                rows.add(measure, "fy", name, groups, qf[:, :, None] * share[None, None, :])
            continue
        rows.add(measure, "month", name, groups, qm[:, :, None] * share[None, :, :])
        if qf is not None:
            per_draw = np.einsum("dm,fm,mg->dfg", monthly, g.fy_months, share)
            rows.add(measure, "fy", name, groups, _q(per_draw, rows.qs))


def _stock(rows: _Rows, measure: str, month_end: np.ndarray, shares: dict[str, tuple[Sequence[str], np.ndarray]]):
    """A stock: per-draw month-end values (draws, months); financial years take 31 March."""
    g = rows.grid
    qm = _q(month_end, rows.qs)
    rows.add(measure, "month", "total", ["All"], qm[:, :, None])
    last = g.fy_last_month
    if len(last):
        rows.add(measure, "fy", "total", ["All"], qm[:, last, None])
    for name, (groups, share) in shares.items():
        rows.add(measure, "month", name, groups, qm[:, :, None] * share[None, :, :])
        if len(last):
            rows.add(measure, "fy", name, groups, qm[:, last, None] * share[None, last, :])


def _norm(x: np.ndarray) -> np.ndarray:
    tot = x.sum(axis=-1, keepdims=True)
    return x / np.where(tot > 0, tot, 1.0)


def summarise(sim: Simulation, grid: Grid, qs: np.ndarray) -> pd.DataFrame:
    """The long table for one simulated scenario."""
    rows = _Rows(sim.scenario.name, grid, qs)
    fw, sw = grid.flow_weights, grid.stock_weights
    bands = list(AGE_BAND_LABELS)
    # referrals
    refs_m = grid.per_month(sim.referrals, fw)
    src_share = _norm(fw @ sim.referral_group_share)
    keep = src_share.sum(axis=0) > 0
    age = sim.referral_age_shares
    age_groups = bands + (["Unknown"] if age[-1] > 0 else [])
    age = age[:len(age_groups)]
    _flow(rows, "referrals", refs_m, {
        "source_group": ([g for g, k in zip(SOURCE_GROUP_ORDER, keep) if k], src_share[:, keep]),
        "age_band": (age_groups, _norm(age)),
    })
    # starts and open
    open_m = {k: grid.per_month(o, sw) for k, o in sim.open.items()}
    if "cin" in open_m:        # children on a plan or in care are children in need: never fewer than they
        open_m["cin"] = np.maximum(open_m["cin"], open_m["cp"] + open_m["cla"])
    for key, central in sim.central.items():
        _flow(rows, f"{key}_starts", grid.per_month(sim.starts[key], fw),
              {"age_band": (bands, central.start_band_share)})
        stock_shares = {"age_band": (bands, _norm(sw @ central.open_band_share))}
        if key == "cla":
            stock_shares["placement_group"] = (list(PLACEMENT_GROUP_ORDER), _norm(sw @ sim.placement_share))
        _stock(rows, f"{key}_open", open_m[key], stock_shares)
    # costs: per draw in total; by group, each group's cost is a fixed multiple of a draw's child-weeks
    cla_cw, cp_cw, unit_cla, unit_cp = cost_parts(sim, grid)
    total = cla_cw * unit_cla.sum(axis=1)[None, :] + cp_cw * unit_cp[None, :]
    q_cla, q_cp = _q(cla_cw, qs), _q(cp_cw, qs)
    by_group = np.concatenate([q_cla[:, :, None] * unit_cla[None, :, :], (q_cp * unit_cp[None, :])[:, :, None]],
                              axis=2)
    rows.add("cost_gbp", "month", "total", ["All"], _q(total, qs)[:, :, None])
    rows.add("cost_gbp", "month", "cost_group", COST_GROUPS, by_group)
    if len(grid.fy_labels):
        fm = grid.fy_months
        rows.add("cost_gbp", "fy", "total", ["All"], _q(grid.per_fy(total), qs)[:, :, None])
        fy_groups = np.concatenate([np.einsum("dm,fm,mg->dfg", cla_cw, fm, unit_cla),
                                    grid.per_fy(cp_cw * unit_cp[None, :])[:, :, None]], axis=2)
        rows.add("cost_gbp", "fy", "cost_group", COST_GROUPS, _q(fy_groups, qs))
    if "cin" in open_m:
        qsw = _q(social_workers(open_m["cin"], caseload_for(sim.scenario)[0]), qs)
        rows.add("social_workers", "month", "total", ["All"], qsw[:, :, None])
        if len(grid.fy_last_month):
            rows.add("social_workers", "fy", "total", ["All"], qsw[:, grid.fy_last_month, None])
    return rows.frame()


def forecast(annex_or_estimates: AnnexA | Estimates, scenarios: Sequence[Scenario] | Scenario | None = None, *,
             months: int = 36, draws: int = 1000, seed: int = 1,
             quantiles: Sequence[float] = (0.1, 0.5, 0.9), backtest: bool = False,
             la_name: str | None = None, la: str | None = None) -> Forecast:
    """Forecast every scenario side by side on the same data.

    Every scenario uses the same random numbers (common random numbers), so differences between scenarios come
    from the scenarios, not from chance.

    Parameters
    ----------
    annex_or_estimates
        Loaded data (:func:`csc_demand.read_annex_a`; estimated here), or :class:`Estimates` from
        :func:`estimate` (fast: estimate once, forecast many times).
    scenarios
        One :class:`~csc_demand.scenario.Scenario` or several, each with its own name (default: "No further
        shocks").
    months
        Calendar months forecast after the extract date's month, 1 to 60.
    draws
        Monte Carlo draws (1 to 100,000): more give steadier intervals, slower.
    seed
        The same seed, data and scenarios give the same forecast.
    quantiles
        Quantiles of the draws to report (0 to 1), plus any a scenario lists.
    backtest
        Also check the method on the data's own past (:func:`csc_demand.backtest`, with the first scenario's
        shocks that had begun by each cut date); needs the data, not Estimates.
    la_name
        The local authority's name, carried to the reports and :meth:`Forecast.to_frame` (default: ``la``'s
        name as the DfE writes it).
    la
        The local authority, by name or code ("Kent", "E10000016" or "886"): its published figures and the
        forecast from them (calibrated on every authority; a few seconds more, and needs
        ``pip install 'csc-demand[national]'``) are put beside this forecast at each 31 March, in
        :attr:`Forecast.published` and the reports (:func:`csc_demand.national.compare.published_beside`).

    Returns
    -------
    Forecast
        One long table (:attr:`Forecast.table`) with the actuals in the same shape; ``to_frame()`` and
        ``write(path)`` give it as a tidy table or a report.

    Raises
    ------
    CscDemandError
        When the data cannot support a forecast, two scenarios share a name, or a setting is out of range.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx")
    >>> fc = cd.forecast(annex, [cd.Scenario(name="No further shocks")], months=24)
    >>> fc.to_frame().head()
    """
    if backtest and isinstance(annex_or_estimates, Estimates):
        raise CscDemandError("A backtest needs the data, not only the estimates: pass what read_annex_a returned.")
    est = annex_or_estimates if isinstance(annex_or_estimates, Estimates) else estimate(annex_or_estimates)
    quality = None if isinstance(annex_or_estimates, Estimates) else annex_or_estimates.quality
    if not scenarios:
        scenarios = [builtin_scenarios()["No further shocks"]]
    elif isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    scenarios = list(scenarios)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise CscDemandError(f"Two scenarios are called '{dup}': give each scenario its own name.")
    months = FORECAST_SETTINGS["months"].check("months", months)
    draws = FORECAST_SETTINGS["draws"].check("draws", draws)
    grid = make_grid(est.extract_date, int(months), est.seasonality.by_weekday)
    qs = sorted({float(q) for q in quantiles} | {q for s in scenarios for q in s.quantiles})
    qs_arr = np.array(qs)
    frames = []
    for sc in scenarios:
        inputs = scenario_inputs(est, sc, grid.weeks)
        sim = simulate(est, inputs, grid, int(draws), int(seed))   # common random numbers: fair comparisons
        frames.append(summarise(sim, grid, qs_arr))
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    from csc_demand.model.window_fit import window_fit   # the data's own check, the same for every scenario
    bt = None
    if backtest:
        from csc_demand.model.backtest import backtest as run_backtest
        bt = run_backtest(annex_or_estimates, scenario=scenarios[0])
    fc = Forecast(table=table, actuals=est.actuals, extract_date=est.extract_date, scenarios=tuple(scenarios),
                  estimates=est, draws=int(draws), seed=int(seed), months=int(months), quality=quality,
                  backtest=bt, la_name=la_name,
                  window_fit=est.fit if est.fit is not None else window_fit(est),
                  timeline=None if isinstance(annex_or_estimates, Estimates)
                  else observed_timeline(annex_or_estimates))
    if la is None:
        return fc
    from csc_demand.national.compare import with_published

    return with_published(fc, la, la_name=la_name)
