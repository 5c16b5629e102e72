"""How well the national forecasts would have done: forecast from each past year with the figures up to it only,
and compare with what the DfE published later."""

from __future__ import annotations

import numpy as np
import pandas as pd

from csc_demand.io.dfe import DfePublished

from .fit import ForecastCache, abs_pct_error, fit
from .panel import FORECAST_MEASURES, build_panel

BACKTEST_COLUMNS = ("measure", "horizon_years", "forecasts", "mape_median_pct", "naive_mape_median_pct",
                    "ratio_to_naive", "inside_p10_p90_pct", "bias_median_pct", "methods")


def national_backtest(pub: DfePublished, origins: range = range(2016, 2023), horizons: int = 3) -> pd.DataFrame:
    """Rolling-origin backtest over every local authority: median absolute % error of the middle forecast
    against "same as the last published year", share inside P10–P90, and bias.

    For each origin the method choice and interval use only figures up to the origin (as ``--through``).

    Parameters
    ----------
    pub : DfePublished
        From :func:`csc_demand.io.dfe.read_dfe`.
    origins : range
        The years ending 31 March forecast from (default 2016 to 2022).
    horizons : int
        Years ahead scored (1 to ``horizons``).

    Returns
    -------
    pandas.DataFrame
        One row per measure and horizon, columns :data:`BACKTEST_COLUMNS`: ``forecasts`` scored (authority ×
        origin), ``mape_median_pct`` and ``naive_mape_median_pct`` (%), ``ratio_to_naive`` (below 1 = better),
        ``inside_p10_p90_pct`` (%; 80 is right), ``bias_median_pct`` (median of forecast ÷ actual − 1, %; + =
        too high) and ``methods`` (the methods chosen at the origins).

    Example
    -------
    >>> from csc_demand.io.dfe import read_dfe
    >>> bt = national_backtest(read_dfe(), origins=range(2020, 2022))  # doctest: +SKIP
    """
    panel = build_panel(pub)
    cache = ForecastCache(panel, horizons)
    acc: dict[tuple[str, int], list] = {}
    for origin in origins:
        f = fit(cache, origin)
        col = int(np.searchsorted(panel.years, origin))
        for m in FORECAST_MEASURES:
            naive = cache.at(origin)["naive"][m]
            for h in range(1, horizons + 1):
                if col + h >= len(panel.years):
                    continue
                actual = panel.z[m][:, col + h]
                p = f.point[m][:, h - 1]
                ok = ~np.isnan(actual) & ~np.isnan(p)
                q10, q50, q90 = np.interp([0.1, 0.5, 0.9], np.linspace(0.01, 0.99, 99), f.error_q[m][h - 1])
                e = actual[ok] - p[ok]
                a = acc.setdefault((m, h), [[], [], [], [], []])
                a[0].append(abs_pct_error(p[ok] + q50, actual[ok]))
                a[1].append(abs_pct_error(naive[ok, h - 1], actual[ok]))
                a[2].append((e >= q10) & (e <= q90))
                with np.errstate(divide="ignore", invalid="ignore"):
                    a[3].append(np.expm1(p[ok] + q50) / np.expm1(actual[ok]) * 100 - 100)
                a[4].append(f.method[m][h - 1])
    rows = []
    for (m, h), (ours, naive, inside, bias, methods) in acc.items():
        ours, naive, bias = np.concatenate(ours), np.concatenate(naive), np.concatenate(bias)
        mine, base = float(np.nanmedian(ours)), float(np.nanmedian(naive))
        rows.append({"measure": m, "horizon_years": h, "forecasts": int(np.sum(~np.isnan(ours))),
                     "mape_median_pct": mine, "naive_mape_median_pct": base, "ratio_to_naive": mine / base,
                     "inside_p10_p90_pct": float(np.mean(np.concatenate(inside)) * 100),
                     "bias_median_pct": float(np.nanmedian(bias[np.isfinite(bias)])),
                     "methods": ", ".join(f"{k} ×{methods.count(k)}" for k in dict.fromkeys(methods))})
    return pd.DataFrame(rows, columns=list(BACKTEST_COLUMNS))
