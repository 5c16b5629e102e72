"""Costs and workforce from the simulated caseloads.

Cost in a month = child-weeks open in the month × the weekly unit cost of the child's group × inflation.
Children looked after are split into placement groups by the central path's mix (the mix of each age band on
the extract date, weighted by the projected age bands); child protection plans have one unit cost. Prices
are those of the forecast's first month and rise by ``inflation_pct_per_year`` compounded monthly.
Case-holding social workers needed at a month end = open children-in-need cases (children on a plan or in care
included, as the DfE's caseload counts them) ÷ open cases per case-holding worker (:func:`caseload_for`).
"""

from __future__ import annotations

import numpy as np

from csc_demand.model.project import Simulation
from csc_demand.model.timegrid import Grid
from csc_demand.scenario import Scenario
from csc_demand.tables import PLACEMENT_GROUP_ORDER

CP_COST_GROUP = "Child protection plans"
COST_GROUPS: tuple[str, ...] = tuple(PLACEMENT_GROUP_ORDER) + (CP_COST_GROUP,)


def child_weeks(open_: np.ndarray, grid: Grid) -> np.ndarray:
    """Child-weeks open in each month per draw: (draws, months), from stocks at week ends (draws, weeks+1)."""
    mid = (open_[:, :-1] + open_[:, 1:]) * 0.5
    return grid.per_month(mid, grid.day_weights)


def inflation_factor(grid: Grid, pct_per_year: float) -> np.ndarray:
    """Price index of each month relative to the first (compounded monthly)."""
    m = np.arange(len(grid.months), dtype=float)
    return (1.0 + pct_per_year / 100.0) ** (m / 12.0)


def monthly_placement_share(sim: Simulation, grid: Grid) -> np.ndarray:
    """Share of each placement group of the child-weeks in each month: (months, placement groups)."""
    ps = (sim.placement_share[:-1] + sim.placement_share[1:]) * 0.5
    out = grid.day_weights @ ps
    tot = out.sum(axis=1, keepdims=True)
    return out / np.where(tot > 0, tot, 1.0)


def cost_parts(sim: Simulation, grid: Grid) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pieces of the cost: child-weeks of care and of child protection plans per draw and month
    (draws, months), £ per child-week of care by month and placement group (months, groups: the placement
    mix × unit cost × inflation) and £ per plan-week by month (months,)."""
    unit = sim.scenario.costs.weekly_gbp()
    infl = inflation_factor(grid, sim.scenario.costs.inflation_pct_per_year)
    price = np.array([unit[g] for g in PLACEMENT_GROUP_ORDER])
    unit_cla = monthly_placement_share(sim, grid) * price[None, :] * infl[:, None]
    unit_cp = unit[CP_COST_GROUP] * infl
    return child_weeks(sim.cla_open, grid), child_weeks(sim.cp_open, grid), unit_cla, unit_cp


def caseload_for(scenario: Scenario) -> tuple[float, str]:
    """Open cases per case-holding social worker for a scenario, and where it comes from: the scenario's
    ``caseload_per_worker`` when set, else the named LA's latest published caseload, else England's
    (:func:`csc_demand.workforce.default_caseload`)."""
    if scenario.caseload_per_worker is not None:
        return float(scenario.caseload_per_worker), (
            f"{scenario.caseload_per_worker:g} open cases per case-holding social worker, as the scenario sets.")
    from csc_demand.workforce import default_caseload
    workforce = getattr(scenario, "workforce", None)
    return default_caseload(getattr(workforce, "la", None))


def social_workers(cin_open_month_end: np.ndarray, caseload: float) -> np.ndarray:
    """Case-holding social workers (full-time equivalents) needed: open children-in-need cases (children on a
    plan or in care included, as the DfE counts them) ÷ open cases per case-holding worker."""
    return cin_open_month_end / caseload
