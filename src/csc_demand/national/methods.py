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
- ``blend``: the mean of ``theta`` and ``pooled``;
- ``global``: one model shared by every authority per measure and horizon (:func:`global_features`): the
  change over ``h`` years regressed on the gaps to the authority's own 3- and 5-year means, last year's
  change, the **cross-sectional gaps** (log of the authority's rate per child ÷ the median authority's rate,
  in England and in its region: rates tend to converge) and the related measures' last change, gap to
  their 5-year mean and log ratio (:data:`RELATED`), fitted on every earlier origin whose outcome is at or
  before the origin with a Huber loss and a little ridge shrinkage (:func:`robust_ridge`). No intercept and
  no national change: both follow the last few years' national movement, which did not carry on, and made the
  backtest worse;
- ``global_blend``: the mean of ``global`` and ``pooled`` (a combination of two pooled models).

A figure suppressed at the origin is carried from the last published one; an authority with fewer than
:data:`MIN_THETA_POINTS` figures gets the naive forecast from ``theta``.
"""

from __future__ import annotations

import numpy as np

from csc_demand.errors import CscDemandError

from .panel import Panel

METHODS: tuple[str, ...] = ("naive", "theta", "pooled", "blend", "global", "global_blend")
MEAN_YEARS = 5
SHORT_MEAN_YEARS = 3
MIN_MEAN_POINTS = 2
MIN_THETA_POINTS = 4
#: Per measure, the related measures whose movement feeds its global model (the flow into it, or from it).
RELATED: dict[str, tuple[str, ...]] = {
    "referrals": ("cin_at_31_march",), "cp_starts": ("referrals",), "cp_at_31_march": ("cp_starts", "referrals"),
    "cin_at_31_march": ("referrals",), "cla_at_31_march": ("cla_starts",),
    "cla_starts": ("cp_at_31_march", "cp_starts"),
}
#: The global model's ridge penalty (× the number of pairs) and Huber threshold (× the residuals' robust scale).
RIDGE = 0.01
HUBER_K = 1.345


def _last(z: np.ndarray) -> np.ndarray:
    """Each row's last non-missing value (NaN for an empty row)."""
    if z.shape[1] == 0:
        return np.full(z.shape[0], np.nan)
    ok = ~np.isnan(z)
    idx = np.where(ok.any(axis=1), z.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1), 0)
    out = z[np.arange(z.shape[0]), idx]
    return np.where(ok.any(axis=1), out, np.nan)


def recent_gap(z: np.ndarray, col: int, years: int = MEAN_YEARS) -> np.ndarray:
    """Each row's gap to its own recent mean at column ``col``: the mean of the published values of the last
    ``years`` columns up to ``col`` (at least :data:`MIN_MEAN_POINTS`) minus the last published value."""
    window = z[:, max(0, col - years + 1):col + 1]
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


def cross_gap(log_rate: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Each authority's log rate minus the median authority's (within its group when ``groups`` is given):
    log(rate ÷ the typical rate). NaN where the rate is missing or the group has no rate."""
    groups = np.zeros(len(log_rate), dtype=int) if groups is None else np.asarray(groups)
    out = np.full(len(log_rate), np.nan)
    for g in np.unique(groups):
        k = (groups == g) & ~np.isnan(log_rate)
        if k.any():
            out[k] = log_rate[k] - np.median(log_rate[k])
    return out


def global_features(panel: Panel, measure: str, col: int) -> np.ndarray:
    """The global model's features for every authority at column ``col`` (figures up to it only), NaN as 0.

    Parameters
    ----------
    panel : Panel
        The published figures, log(1 + count).
    measure : str
        The measure forecast.
    col : int
        The origin's column.

    Returns
    -------
    numpy.ndarray
        Authorities × features, log scale: the gaps to the 5- and 3-year means (:func:`recent_gap`), last
        year's change (the last published figure less the one before it), the gaps of the log rate per child to
        the median authority's in England and in the region (:func:`cross_gap`), then for each related measure
        (:data:`RELATED`, those in the panel) its last change, its gap to its 5-year mean and the log ratio of
        the measure to it less the median authority's. A feature that cannot be computed is 0 (no move).

    Example
    -------
    >>> from csc_demand.io.dfe import read_dfe
    >>> from csc_demand.national.panel import build_panel
    >>> global_features(build_panel(read_dfe()), "referrals", 10).shape[1]
    8
    """
    z = panel.z[measure][:, :col + 1]
    last = _last(z)
    children = panel.children if panel.children is not None else np.full_like(panel.z[measure], np.nan)
    log_rate = last - _last(children[:, :col + 1])
    region = np.asarray(panel.region) if len(panel.region) == len(last) else None
    cols = [recent_gap(z, col), recent_gap(z, col, SHORT_MEAN_YEARS), last - _last(z[:, :col]),
            cross_gap(log_rate), cross_gap(log_rate, region)]
    for other in RELATED.get(measure, ()):
        if other in panel.z:
            zr = panel.z[other][:, :col + 1]
            last_r = _last(zr)
            cols += [last_r - _last(zr[:, :col]), recent_gap(zr, col), cross_gap(last - last_r)]
    return np.nan_to_num(np.column_stack(cols))


def robust_ridge(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE, k: float = HUBER_K,
                 iterations: int = 30) -> np.ndarray:
    """Coefficients ``b`` of ``y ≈ x @ b`` (no intercept) minimising the Huber loss plus ``ridge · n · |b|²``.

    Iteratively reweighted least squares from the ridge least-squares fit: each pair's weight is
    ``min(1, k·s / |residual|)`` with ``s`` the residuals' median absolute value ÷ 0.6745 (a robust standard
    deviation), so a pair far off the line counts in proportion to its distance, not its square.

    Parameters
    ----------
    x : numpy.ndarray
        Pairs × features.
    y : numpy.ndarray
        The outcome per pair (here the change in log(1 + count) over h years).
    ridge : float
        Shrinkage towards 0, per pair.
    k : float
        The Huber threshold in robust standard deviations (1.345: 95% efficient for normal errors).
    iterations : int
        Reweighting steps.

    Returns
    -------
    numpy.ndarray
        One coefficient per feature (zeros when there is no pair).

    Example
    -------
    >>> x = np.array([[1.0], [1.0], [2.0], [2.0]])
    >>> robust_ridge(x, np.array([1.5, 0.5, 2.5, 1.5]), ridge=0.0).round(6)
    array([1.])
    """
    n, p = x.shape
    if n == 0:
        return np.zeros(p)
    penalty = ridge * n * np.eye(p)
    w, b = np.ones(n), np.zeros(p)
    for _ in range(iterations + 1):
        xw = x * w[:, None]
        b_new = np.linalg.solve(x.T @ xw + penalty + 1e-12 * np.eye(p), xw.T @ y)
        converged = np.allclose(b_new, b, rtol=0, atol=1e-9)
        b = b_new
        r = np.abs(y - x @ b)
        s = np.median(r) / 0.6745
        if converged or s <= 0:
            break
        w = np.minimum(1.0, k * s / np.maximum(r, 1e-12))
    return b


def _theta(z: np.ndarray, horizons: int) -> np.ndarray:
    try:
        from statsforecast.models import Theta
    except ImportError:
        raise CscDemandError("The forecasts for every local authority need statsforecast: install them with "
                             "python -m pip install \"csc-demand[national]\" (or \".[national]\" in a copy of "
                             "the repository).") from None

    last = _last(z)
    out = np.repeat(last[:, None], horizons, axis=1)
    for i in range(z.shape[0]):
        y = z[i][~np.isnan(z[i])]
        if len(y) >= MIN_THETA_POINTS and np.ptp(y) > 0:
            out[i] = Theta(season_length=1).forecast(y=y, h=horizons)["mean"]
    return out


def global_forecast(panel: Panel, measure: str, col: int, horizons: int,
                    memo: dict[tuple[str, int], np.ndarray] | None = None) -> np.ndarray:
    """The global model's forecasts (authorities × horizons, log(1 + count)) from column ``col``: for each
    horizon ``h``, :func:`robust_ridge` fitted on every earlier origin ``o`` with ``o + h <= col`` (features
    from figures up to ``o``, the outcome ``z[o+h] - last(z[..o])``), applied to the features at ``col``.
    The naive forecast where there is no pair yet. ``memo`` keeps the features by (measure, column) between
    calls (those at ``o`` use figures up to ``o`` only, so they serve every later origin of the same panel)."""
    z = panel.z[measure]
    memo = {} if memo is None else memo
    features = []
    for o in range(col + 1):
        if (measure, o) not in memo:
            memo[measure, o] = global_features(panel, measure, o)
        features.append(memo[measure, o])
    lasts = [_last(z[:, :o + 1]) for o in range(col + 1)]
    out = np.repeat(lasts[col][:, None], horizons, axis=1)
    for h in range(1, horizons + 1):
        xs, ys = [], []
        for o in range(col - h + 1):
            y = z[:, o + h] - lasts[o]
            ok = ~np.isnan(y)
            xs.append(features[o][ok])
            ys.append(y[ok])
        x = np.concatenate(xs) if xs else np.empty((0, features[col].shape[1]))
        if len(x):
            out[:, h - 1] += features[col] @ robust_ridge(x, np.concatenate(ys))
    return out


def origin_forecasts(panel: Panel, origin: int, horizons: int,
                     memo: dict[tuple[str, int], np.ndarray] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Every method's forecast of every measure for every authority, 1..``horizons`` years after ``origin``.

    Parameters
    ----------
    panel : Panel
        The published figures (figures after ``origin`` are not used).
    origin : int
        The year ending 31 March the forecasts are made from.
    horizons : int
        How many years ahead.
    memo : dict, optional
        The global model's features by (measure, column), shared between origins of the same panel.

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
        out["global"][measure] = global_forecast(panel, measure, col, horizons, memo)
        theta = _theta(z, horizons)
        out["naive"][measure] = naive
        out["pooled"][measure] = pooled
        out["theta"][measure] = theta
        out["blend"][measure] = (theta + pooled) / 2
        out["global_blend"][measure] = (out["global"][measure] + pooled) / 2
    return out
