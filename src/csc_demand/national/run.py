"""Forecasts for every local authority × scenario, as independent tasks on local processes or a Dask cluster."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import DfePublished, current_las
from csc_demand.scenario import Scenario

from .fit import LEVELS, Fit, ForecastCache, fit
from .panel import FORECAST_MEASURES, Panel, build_panel
from .scenarios import measure_factors

PLAIN = "No further shocks"
OUTPUT_COLUMNS = ("scenario", "series_id", "la_code", "la_name", "region", "measure", "year", "p10", "p50", "p90")


@dataclass(frozen=True)
class Task:
    """One authority under one scenario: everything its draws need (small, so cheap to send to a worker)."""

    la_code: str
    scenario: str
    point_z: np.ndarray      # measures × years, log(1 + count)
    factors: np.ndarray      # measures × years
    error_q: np.ndarray      # measures × years × LEVELS
    draws: int
    seed: int


def task_rng(la_code: str, scenario: str, seed: int) -> np.random.Generator:
    """The random generator of one task, from the authority's code, the scenario's name and the seed only (so
    the numbers are the same whichever worker runs it)."""
    digest = hashlib.sha256(f"{la_code}\x1f{scenario}".encode()).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest[:8], "little")])


def run_task(task: Task) -> np.ndarray:
    """P10, P50 and P90 (3 × measures × years, counts of children) from ``task.draws`` draws of the calibrated
    error: one uniform per draw and measure, shared by the years (a path runs high or low throughout)."""
    rng = task_rng(task.la_code, task.scenario, task.seed)
    u = rng.random((task.draws, task.point_z.shape[0]))
    n_m, n_y = task.point_z.shape
    errors = np.empty((task.draws, n_m, n_y))
    for m in range(n_m):
        for y in range(n_y):
            errors[:, m, y] = np.interp(u[:, m], LEVELS, task.error_q[m, y])
    counts = np.maximum(np.expm1(task.point_z[None] + errors), 0.0) * task.factors[None]
    return np.quantile(counts, [0.1, 0.5, 0.9], axis=0)


def run_tasks(fn: Callable, tasks: Sequence, executor: str = "processes") -> list:
    """``fn`` over ``tasks``, in order: ``"serial"`` here, ``"processes"`` on local processes, or
    ``"dask://HOST:PORT"`` on the Dask scheduler there (needs ``pip install csc-demand[dask]``)."""
    if executor == "serial" or len(tasks) == 0:
        return [fn(t) for t in tasks]
    if executor == "processes":
        from concurrent.futures import ProcessPoolExecutor

        workers = max(1, min(os.cpu_count() or 1, 8))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(fn, tasks, chunksize=max(1, len(tasks) // (4 * workers))))
    if executor.startswith("dask://"):
        address = executor[len("dask://"):]
        address = address if "://" in address else f"tcp://{address}"
        try:
            from distributed import Client
        except ImportError:
            raise CscDemandError("The Dask executor needs Dask: pip install 'csc-demand[dask]'.") from None
        try:
            client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise CscDemandError(f"Could not reach the Dask scheduler at {address} ({exc}). Check that it is "
                                 "running and the address is HOST:PORT.") from None
        with client:
            return client.gather(client.map(fn, list(tasks), pure=False))
    raise CscDemandError(f"Unknown executor '{executor}': use 'processes' or 'dask://HOST:PORT'.")


@dataclass(frozen=True, eq=False)
class NationalForecast:
    """Forecasts for every local authority: P10/P50/P90 by scenario, authority, measure and year ending 31 March.

    ``method`` and ``n_errors`` say, per measure and horizon, which method the backtest chose and on how many
    past errors its interval was calibrated."""

    through: int
    years: tuple[int, ...]
    scenarios: tuple[str, ...]
    table: pd.DataFrame = field(repr=False)
    method: dict[str, tuple[str, ...]] = field(repr=False)
    n_errors: dict[str, tuple[int, ...]] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The forecasts as a tidy long table (:data:`OUTPUT_COLUMNS`; ``series_id`` is the ``la_code``)."""
        return self.table.copy()


def _check(pub: DfePublished, through: int | None, years: int, draws: int) -> int:
    local_years = pub.table.loc[pub.table["level"] == "local", "year"]
    last = int(local_years.max())
    through = last if through is None else int(through)
    if not int(local_years.min()) + 3 <= through <= last:
        raise CscDemandError(f"--through {through} is outside the published figures: use a year from "
                             f"{int(local_years.min()) + 3} to {last} (years ending 31 March).")
    if not 1 <= years <= 10:
        raise CscDemandError(f"--years {years}: give a number of years from 1 to 10.")
    if not 1 <= draws <= 100_000:
        raise CscDemandError(f"--draws {draws}: give a number of draws from 1 to 100000.")
    return through


def forecast_national(pub: DfePublished, scenarios: Iterable[Scenario] | None = None, *, through: int | None = None,
                      years: int = 3, draws: int = 1000, seed: int = 0, executor: str = "processes",
                      panel: Panel | None = None, cache: ForecastCache | None = None) -> NationalForecast:
    """Forecast every current local authority's referrals, CP starts and plans, children in need and children
    looked after (and starting to be), 1..``years`` years after ``through``, under each scenario.

    Each measure's method (same as last year, Theta, the pooled return to the recent mean, the global model
    shared by every authority, or a mean of two) is chosen and its P10–P90 calibrated by a rolling-origin
    backtest over every authority using figures up to ``through``
    only (see :mod:`csc_demand.national.fit`); the scenarios scale it as in :mod:`csc_demand.national.scenarios`.

    Parameters
    ----------
    pub : DfePublished
        From :func:`csc_demand.io.dfe.read_dfe`.
    scenarios : iterable of Scenario, optional
        Default: one, "No further shocks" (the plain forecast).
    through : int, optional
        The last year ending 31 March whose figures are used (default: the latest published).
    years : int
        Years ahead (1 to 10).
    draws : int
        Draws per authority and scenario.
    seed : int
        With the authority's code and the scenario's name, seeds each task: the same numbers whatever runs it.
    executor : str
        ``"processes"`` (default), ``"serial"``, or ``"dask://HOST:PORT"``.
    panel, cache : optional
        A panel and forecast cache to reuse (the backtest passes them).

    Returns
    -------
    NationalForecast
        ``to_frame()``: one row per scenario, authority, measure and year; ``p10``, ``p50``, ``p90`` count children.

    Example
    -------
    >>> from csc_demand.io.dfe import read_dfe
    >>> nf = forecast_national(read_dfe(), through=2024, years=2, draws=200, executor="serial")  # doctest: +SKIP
    >>> nf.to_frame().query("la_code == 'E08000025' and measure == 'cla_at_31_march'")  # doctest: +SKIP
    """
    through = _check(pub, through, years, draws)
    scenarios = tuple(scenarios) if scenarios else (Scenario(name=PLAIN),)
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise CscDemandError("Two scenarios have the same name: give each scenario file its own name.")
    panel = panel if panel is not None else build_panel(pub)
    if cache is None or cache.horizons < years:
        cache = ForecastCache(panel.upto(through), years)
    f: Fit = fit(cache, through)
    las = current_las(pub, through=through)
    rows = [panel.row(c) for c in las["la_code"]]
    measures = FORECAST_MEASURES
    point = np.stack([f.point[m][:, :years] for m in measures], axis=1)  # LAs × measures × years
    error_q = np.stack([f.error_q[m][:years] for m in measures])
    factors = {s.name: measure_factors(s, through, years, measures) for s in scenarios}
    tasks = [Task(code, s.name, point[r], factors[s.name], error_q, draws, seed)
             for s in scenarios for code, r in zip(las["la_code"], rows, strict=True)]
    results = run_tasks(run_task, tasks, executor)
    return NationalForecast(through=through, years=tuple(range(through + 1, through + 1 + years)),
                            scenarios=tuple(names), table=_table(tasks, results, las, measures, through),
                            method={m: f.method[m][:years] for m in measures},
                            n_errors={m: f.n_errors[m][:years] for m in measures})


def _table(tasks: list[Task], results: list[np.ndarray], las: pd.DataFrame, measures: tuple[str, ...],
           through: int) -> pd.DataFrame:
    n_m, n_y = tasks[0].point_z.shape
    q = np.stack(results)  # tasks × 3 × measures × years
    info = las.set_index("la_code")
    codes = np.repeat([t.la_code for t in tasks], n_m * n_y)
    out = pd.DataFrame({
        "scenario": np.repeat([t.scenario for t in tasks], n_m * n_y),
        "series_id": codes, "la_code": codes,
        "la_name": info.loc[codes, "la_name"].to_numpy(), "region": info.loc[codes, "region"].to_numpy(),
        "measure": np.tile(np.repeat(measures, n_y), len(tasks)),
        "year": np.tile(np.arange(through + 1, through + 1 + n_y), len(tasks) * n_m),
        "p10": q[:, 0].reshape(-1), "p50": q[:, 1].reshape(-1), "p90": q[:, 2].reshape(-1),
    })
    return out
