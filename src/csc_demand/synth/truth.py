"""The true monthly series of a simulated world, for comparing forecasts with what really happened."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from csc_demand.tables import SHORT_BREAK_LEGAL_STATUSES

from .simulate import World


def _monthly_flow(dates: pd.Series, months: pd.PeriodIndex) -> np.ndarray:
    """Events per calendar month."""
    counts = dates.dt.to_period("M").value_counts()
    return counts.reindex(months, fill_value=0).to_numpy(dtype=np.int64)


def open_at(start: pd.Series, end: pd.Series, on: pd.DatetimeIndex) -> np.ndarray:
    """Number of spells open at each date: start <= D and (end missing or end > D). Vectorised."""
    s = np.sort(start.to_numpy(dtype="datetime64[ns]"))
    e = end.to_numpy(dtype="datetime64[ns]")
    e = np.sort(e[~np.isnat(e)])
    d = on.to_numpy(dtype="datetime64[ns]")
    return np.searchsorted(s, d, side="right") - np.searchsorted(e, d, side="right")


def care_periods_only(world: World) -> pd.DataFrame:
    """The periods of care, without short breaks (legal status V3/V4)."""
    cp = world.care_periods
    return cp[~cp["legal_status"].isin(SHORT_BREAK_LEGAL_STATUSES).to_numpy(dtype=bool)]


def truth_series(world: World) -> pd.DataFrame:
    """The true monthly series from ``world.start`` to ``world.end`` (whole calendar months).

    Columns: ``month`` ("YYYY-MM"), ``referrals`` (received in the month), ``cp_starts``, ``cp_open``
    (plans open on the last day of the month), ``cla_starts`` and ``cla_open`` (children looked after on
    the last day of the month); short breaks (V3/V4) are not care; ``cin_starts`` and ``cin_open`` (children in
    need episodes started, and open on the last day of the month: children on a plan or in care included).
    Counts are numbers of events or children.
    """
    months = pd.period_range(world.start, world.end, freq="M")
    month_ends = months.to_timestamp(how="end").normalize()
    care = care_periods_only(world)
    return pd.DataFrame({
        "month": months.strftime("%Y-%m"),
        "referrals": _monthly_flow(world.referrals["referral_date"], months),
        "cp_starts": _monthly_flow(world.cp_plans["start_date"], months),
        "cp_open": open_at(world.cp_plans["start_date"], world.cp_plans["end_date"], month_ends),
        "cla_starts": _monthly_flow(care["start_date"], months),
        "cla_open": open_at(care["start_date"], care["end_date"], month_ends),
        "cin_starts": _monthly_flow(world.cin["start_date"], months),
        "cin_open": open_at(world.cin["start_date"], world.cin["end_date"], month_ends),
    })


def truth_json(world: World, extract_counts: dict[str, dict] | None = None) -> dict:
    """The truth file's content: the simulation's settings and parameters, and the true monthly series.

    ``extract_counts`` (extract date → counts per list, from :func:`csc_demand.synth.list_counts`) is
    added under ``"extracts"`` when given, so a reader's counts can be checked against it.
    """
    params = {k: (list(map(list, v)) if k == "source_shares" else list(v) if isinstance(v, tuple) else v)
              for k, v in dataclasses.asdict(world.params).items()}
    series = truth_series(world)
    out = {
        "description": "Synthetic local authority made by csc-demand synth: no real child is in these data.",
        "preset": world.preset,
        "seed": world.seed,
        "start": world.start.strftime("%Y-%m-%d"),
        "end": world.end.strftime("%Y-%m-%d"),
        "shocks": [s.to_dict() for s in world.shocks],
        "params": params,
        "series": {col: series[col].tolist() for col in series.columns},
    }
    if extract_counts is not None:
        out["extracts"] = extract_counts
    return out
