"""Time the national forecasts: 152 local authorities × 5 scenarios × 1,000 draws on local processes.

Run: ``python benchmarks/bench_national.py [--runs 3] [--executor processes|serial|dask://HOST:PORT]``.
Prints each run's seconds and the median; the fit (the backtest that chooses the methods) is included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from csc_demand.io.dfe import read_dfe
from csc_demand.national import forecast_national
from csc_demand.scenario import NewNormal, Scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--executor", default="processes")
    args = ap.parse_args()
    pub = read_dfe()
    scenarios = [Scenario(name="No further shocks")] + [
        Scenario(name=f"New normal {pct:+d}%", new_normal=NewNormal(dt.date(2025, 4, 1), float(pct)))
        for pct in (-10, 5, 10, 20)]
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        nf = forecast_national(pub, scenarios, through=2024, years=3, draws=1000, seed=0, executor=args.executor)
        times.append(time.perf_counter() - t0)
        n = nf.to_frame()["la_code"].nunique()
        print(f"{n} authorities × {len(scenarios)} scenarios × 1,000 draws: {times[-1]:.1f} s")
    print(f"median of {args.runs}: {statistics.median(times):.1f} s ({args.executor})")


if __name__ == "__main__":
    main()
