"""Choose each measure's method and calibrate its interval by a rolling-origin backtest over every authority.

For a forecast from ``through``, every origin ``o`` from the panel's third year to ``through - 1`` is forecast
from the figures up to ``o`` only, and compared with the published figure ``h`` years later where
``o + h <= through`` (never a figure after ``through``). Pooled over every authority and origin, for each
measure and horizon:

- the method (of :data:`~.methods.METHODS`) with the smallest median absolute % error is chosen;
- the log errors ``log(1 + actual) - log(1 + forecast)`` of the chosen method give the calibrated error
  distribution: its quantiles at :data:`LEVELS` (empirical, as in split conformal prediction), centred on
  their median (moving the middle by the past median error made the backtest's bias and error worse). A horizon with
  no error yet takes the longest horizon's quantiles × sqrt(h / that horizon).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .methods import METHODS, origin_forecasts
from .panel import Panel

#: The quantile levels kept of each error distribution (draws interpolate between them).
LEVELS = np.linspace(0.01, 0.99, 99)


@dataclass(frozen=True, eq=False)
class Fit:
    """What the backtest up to ``through`` chose: ``method[measure][h-1]`` and the error quantiles
    ``error_q[measure]`` (horizons × :data:`LEVELS`, log scale), and the forecasts from ``through``
    (``point[measure]``: authorities × horizons, log(1 + count))."""

    through: int
    method: dict[str, tuple[str, ...]]
    error_q: dict[str, np.ndarray]
    point: dict[str, np.ndarray]
    n_errors: dict[str, tuple[int, ...]]


class ForecastCache:
    """Every method's forecasts from each origin, computed once (a forecast from ``o`` uses figures up to
    ``o`` only, so the same one serves every later ``through``; so do the global model's features at ``o``)."""

    def __init__(self, panel: Panel, horizons: int) -> None:
        self.panel = panel
        self.horizons = horizons
        self._by_origin: dict[int, dict[str, dict[str, np.ndarray]]] = {}
        self._features: dict[tuple[str, int], np.ndarray] = {}  # the global model's, by (measure, column)

    def at(self, origin: int) -> dict[str, dict[str, np.ndarray]]:
        """The forecasts from ``origin`` (made from ``panel.upto(origin)``)."""
        if origin not in self._by_origin:
            self._by_origin[origin] = origin_forecasts(self.panel.upto(origin), origin, self.horizons,
                                                       self._features)
        return self._by_origin[origin]


def abs_pct_error(forecast_z: np.ndarray, actual_z: np.ndarray) -> np.ndarray:
    """Absolute % error of a forecast count against the published one (both given as log(1 + count));
    NaN where the published count is 0 or missing."""
    actual = np.expm1(actual_z)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(actual > 0, np.abs(np.expm1(forecast_z) / actual - 1) * 100, np.nan)


def fit(cache: ForecastCache, through: int) -> Fit:
    """Choose and calibrate each measure's method on the origins before ``through``; forecast from ``through``.

    Parameters
    ----------
    cache : ForecastCache
        Its panel may hold later figures: none after ``through`` is used.
    through : int
        The last year ending 31 March whose figures are used.

    Returns
    -------
    Fit
    """
    panel, horizons = cache.panel, cache.horizons
    first = int(panel.years[0]) + 2
    method: dict[str, tuple[str, ...]] = {}
    error_q: dict[str, np.ndarray] = {}
    n_errors: dict[str, tuple[int, ...]] = {}
    for measure in panel.z:
        chosen, quants, counts = [], [], []
        for h in range(1, horizons + 1):
            errs: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
            for o in range(first, through - h + 1):
                col = int(np.searchsorted(panel.years, o + h))
                actual = panel.z[measure][:, col]
                fc = cache.at(o)
                for m in METHODS:
                    f = fc[m][measure][:, h - 1]
                    ok = ~np.isnan(f) & ~np.isnan(actual)
                    errs[m].append(np.column_stack([actual[ok] - f[ok], abs_pct_error(f[ok], actual[ok])]))
            pooled = {m: np.concatenate(v) if v else np.empty((0, 2)) for m, v in errs.items()}
            if len(pooled["naive"]) < 20:
                break
            scores = {m: float(np.nanmedian(e[:, 1])) for m, e in pooled.items()}
            best = min(METHODS, key=lambda m: (scores[m], METHODS.index(m)))
            chosen.append(best)
            q = np.quantile(pooled[best][:, 0], LEVELS)
            quants.append(q - q[LEVELS.size // 2])  # centred: the method's forecast stays the middle
            counts.append(len(pooled[best]))
        if not chosen:
            chosen, quants = ["naive"], [np.zeros_like(LEVELS)]
        while len(chosen) < horizons:  # beyond the horizons measured: widen the longest one's by sqrt(h)
            k = len(quants)
            chosen.append(chosen[-1])
            quants.append(quants[k - 1] * np.sqrt((k + 1) / k))
            counts.append(0)
        method[measure], error_q[measure], n_errors[measure] = tuple(chosen), np.array(quants), tuple(counts)
    fc = cache.at(through)
    point = {m: np.column_stack([fc[method[m][h]][m][:, h] for h in range(horizons)]) for m in panel.z}
    return Fit(through=through, method=method, error_q=error_q, point=point, n_errors=n_errors)
