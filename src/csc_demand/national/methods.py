"""Point forecasts made at an origin year from the figures up to it, on the log scale of :mod:`.panel`.

Methods (each forecasts ``z = log(1 + count)`` 1..H years after the origin, from figures up to the origin only):

- ``naive``: the last published figure ("same as last year");
- ``theta``: statsforecast's Theta method for each authority's own series (the M4 competition's strong
  yearly method);
- ``pooled``: a pooled regression over every authority of the change over ``h`` years on the gap to the
  authority's own recent mean: ``z[o+h] - z[o] = b_h * (mean(z[o-4..o]) - z[o])`` (least squares through
  the origin, one ``b_h`` per measure and horizon: the share of the gap closed in ``h`` years), fitted on the
  pairs whose outcome is at or before the origin. No intercept: a national drift fitted on past years made
  the backtest worse;
- ``blend``: the mean of ``theta`` and ``pooled``.

A figure suppressed at the origin is carried from the last published one; an authority with fewer than
:data:`MIN_THETA_POINTS` figures gets the naive forecast from ``theta``.
"""

from __future__ import annotations

import numpy as np

from .panel import Panel

METHODS: tuple[str, ...] = ("naive", "theta", "pooled", "blend")
MEAN_YEARS = 5
MIN_MEAN_POINTS = 2
MIN_THETA_POINTS = 4


def _last(z: np.ndarray) -> np.ndarray:
    """Each row's last non-missing value (NaN for an empty row)."""
    if z.shape[1] == 0:
        return np.full(z.shape[0], np.nan)
    ok = ~np.isnan(z)
    idx = np.where(ok.any(axis=1), z.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), 0)
    out = z[np.arange(z.shape[0]), idx]
    return np.where(ok.any(axis=1), out, np.nan)


def recent_gap(z: np.ndarray, col: int) -> np.ndarray:
    """Each row's gap to its own recent mean at column ``col``: the mean of the last :data:`MEAN_YEARS`
    published values up to ``col`` (at least :data:`MIN_MEAN_POINTS`) minus the last published value."""
    window = z[:, max(0, col - MEAN_YEARS + 1):col + 1]
    n = np.sum(~np.isnan(window), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n >= MIN_MEAN_POINTS, np.nansum(window, axis=1) / np.maximum(n, 1), np.nan)
    return mean - _last(z[:, :col + 1])


def pooled_coefficient(z: np.ndarray, origin_col: int, h: int) -> tuple[float, int]:
    """The pooled regression ``z[o+h] - z[o] = b * gap(o)`` over every authority and every earlier origin
    ``o`` with ``o + h <= origin_col`` (least squares through the origin: ``b = Σ gap·change / Σ gap²``).

    Parameters
    ----------
    z : numpy.ndarray
        log(1 + count), authorities × years.
    origin_col : int
        The column of the origin: no value after it is used.
    h : int
        Years ahead.

    Returns
    -------
    tuple
        ``(b, n)``: the share of the gap closed in ``h`` years and the number of pairs; ``(0.0, n)`` when no
        pair has a gap.

    Example
    -------
    >>> z = np.log1p(np.array([[100, 120, 100.0], [200, 180, 200.0]]))
    >>> b, n = pooled_coefficient(z, 2, 1)
    >>> n, round(b, 2)
    (2, 2.0)
    """
    xs, ys = [], []
    for o in range(origin_col - h + 1):
        x = recent_gap(z, o)
        y = z[:, o + h] - _last(z[:, :o + 1])
        ok = ~np.isnan(x) & ~np.isnan(y)
        xs.append(x[ok])
        ys.append(y[ok])
    x = np.concatenate(xs) if xs else np.array([])
    y = np.concatenate(ys) if ys else np.array([])
    sxx = float(np.sum(x * x))
    return (float(np.sum(x * y)) / sxx if sxx > 0 else 0.0), len(x)


def _theta(z: np.ndarray, horizons: int) -> np.ndarray:
    from statsforecast.models import Theta

    last = _last(z)
    out = np.repeat(last[:, None], horizons, axis=1)
    for i in range(z.shape[0]):
        y = z[i][~np.isnan(z[i])]
        if len(y) >= MIN_THETA_POINTS and np.ptp(y) > 0:
            out[i] = Theta(season_length=1).forecast(y=y, h=horizons)["mean"]
    return out


def origin_forecasts(panel: Panel, origin: int, horizons: int) -> dict[str, dict[str, np.ndarray]]:
    """Every method's forecast of every measure for every authority, 1..``horizons`` years after ``origin``.

    Parameters
    ----------
    panel : Panel
        The published figures (figures after ``origin`` are not used).
    origin : int
        The year ending 31 March the forecasts are made from.
    horizons : int
        How many years ahead.

    Returns
    -------
    dict
        ``method -> measure -> array (authorities, horizons)`` of log(1 + count); NaN for an authority with
        no figure up to the origin.
    """
    col = int(np.searchsorted(panel.years, origin))
    out: dict[str, dict[str, np.ndarray]] = {m: {} for m in METHODS}
    for measure, z_all in panel.z.items():
        z = z_all[:, :col + 1]
        last = _last(z)
        naive = np.repeat(last[:, None], horizons, axis=1)
        gap = recent_gap(z, col)
        pooled = naive.copy()
        for h in range(1, horizons + 1):
            b, _n = pooled_coefficient(z, col, h)
            pooled[:, h - 1] = last + b * np.nan_to_num(gap)
        theta = _theta(z, horizons)
        out["naive"][measure] = naive
        out["pooled"][measure] = pooled
        out["theta"][measure] = theta
        out["blend"][measure] = (theta + pooled) / 2
    return out
