"""csc-demand: model demand for children's social care from Ofsted Annex A lists.

One import gives everything a notebook needs (loaded when first used, so ``import csc_demand`` stays fast)::

    import csc_demand as cd

    annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    fc = cd.forecast(annex, [cd.builtin_scenarios()["No further shocks"],
                             cd.Scenario(name="Lockdown", shocks=(cd.Shock("Lockdown", ...),))])
    fc.to_frame()                 # the tidy long table: scenario, measure, month, p10, p50, p90, …
    fc.write("forecast.xlsx")     # or .html, .csv, .json

See docs/python.md for a worked example. The package is layered; data flows one way:

    files → io (AnnexA: clean tables + quality report) → model (Estimates → Forecast) → report / cli / app

The core (``io``, ``tables``, ``synth``, ``model``, ``scenario``, ``report``) never imports the CLI or the app.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: The public API: name → the module that defines it.
_API = {
    "read_annex_a": "csc_demand.io", "read_history": "csc_demand.io", "load_or_create_key": "csc_demand.io",
    "estimate": "csc_demand.model", "forecast": "csc_demand.model", "backtest": "csc_demand.model",
    "fit_shock": "csc_demand.model", "with_history": "csc_demand.model", "without_uasc": "csc_demand.model",
    "Scenario": "csc_demand.scenario", "Shock": "csc_demand.scenario", "NewNormal": "csc_demand.scenario",
    "Overrides": "csc_demand.scenario", "Costs": "csc_demand.scenario", "load_scenario": "csc_demand.scenario",
    "builtin_scenarios": "csc_demand.scenario", "scenario_to_toml": "csc_demand.scenario",
    "AnnexA": "csc_demand.tables", "Forecast": "csc_demand.tables", "MonthlyHistory": "csc_demand.tables",
    "CscDemandError": "csc_demand.errors",
}

__all__ = sorted(_API) + ["__version__"]

if TYPE_CHECKING:  # for type checkers and editors; at run time each name is imported when first used
    from csc_demand.errors import CscDemandError
    from csc_demand.io import load_or_create_key, read_annex_a, read_history
    from csc_demand.model import backtest, estimate, fit_shock, forecast, with_history, without_uasc
    from csc_demand.scenario import (
        Costs,
        NewNormal,
        Overrides,
        Scenario,
        Shock,
        builtin_scenarios,
        load_scenario,
        scenario_to_toml,
    )
    from csc_demand.tables import AnnexA, Forecast, MonthlyHistory


def __getattr__(name: str) -> Any:
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'csc_demand' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
