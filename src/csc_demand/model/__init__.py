"""The forecast engine: estimation, scenarios, projection with uncertainty, backtests, costs.

Public API::

    est = estimate(annex)                                  # once per data load
    fc = forecast(est, [scenario, ...], months=36, draws=1000, seed=1)   # on every change: milliseconds
    fit = fit_shock(annex, "2020-03-23", "2020-06-30")     # a past shock's change, with an interval
    bt = backtest(annex)                                   # how well the method did on this LA's own past
    obs = actuals(annex)                                   # the observed monthly series
    est = estimate(without_uasc(annex))                    # leave out unaccompanied asylum-seeking children
    fit = window_fit(est)                                  # the model against the last six months' stocks
    annex = with_history(annex, history)                   # monthly figures (csc_demand.io.read_history)

Pure numpy/pandas; no UI imports.
"""

from csc_demand.model.actuals import actuals, without_uasc
from csc_demand.model.backtest import backtest
from csc_demand.model.estimate import Estimates, estimate, estimates_table
from csc_demand.model.forecast import forecast
from csc_demand.model.history import with_history
from csc_demand.model.shock_fit import ShockFit, fit_shock
from csc_demand.model.window_fit import window_fit

__all__ = ["Estimates", "ShockFit", "actuals", "backtest", "estimate", "estimates_table", "fit_shock", "forecast",
           "window_fit", "with_history", "without_uasc"]
