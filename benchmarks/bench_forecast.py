"""Time the forecast engine on a Kent-sized workbook (synthetic "large" LA, cached in benchmarks/.cache/).

The issue's targets:
- ``csc-demand forecast PATH --draws 1000 --months 36 --json`` from process start to exit takes less time than
  ``pandas.read_excel(PATH, sheet_name=None, engine="openpyxl")`` takes just to read the workbook;
- re-forecasting already-loaded data with a changed scenario takes under 100 ms (1000 draws × 36 months).

    python benchmarks/bench_forecast.py            # 5 runs of each, medians printed
    python benchmarks/bench_forecast.py --runs 9

Prints medians (and min/max) in seconds or milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def _summary(label: str, times: list[float], unit: str = "s") -> str:
    k = 1000.0 if unit == "ms" else 1.0
    return (f"{label}: median {statistics.median(times) * k:.{0 if unit == 'ms' else 2}f} {unit} "
            f"(min {min(times) * k:.{0 if unit == 'ms' else 2}f}, max {max(times) * k:.{0 if unit == 'ms' else 2}f},"
            f" {len(times)} runs)")


def workbook() -> Path:
    """The cached Kent-sized workbook (written once)."""
    path = CACHE / "annex_a_large_2020-12-31.xlsx"
    if not path.exists():
        from csc_demand.synth import simulate, write_annex_a
        CACHE.mkdir(parents=True, exist_ok=True)
        write_annex_a(simulate("large", 7), "2020-12-31", path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = workbook()
    import pandas as pd

    from csc_demand.io import read_annex_a
    from csc_demand.model import estimate, forecast
    from csc_demand.scenario import Scenario, Shock, builtin_scenarios

    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, CSC_DEMAND_HOME=home)
        cmd = [sys.executable, "-m", "csc_demand", "forecast", str(path), "--draws", "1000", "--months", "36",
               "--json"]
        cli = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            cli.append(time.perf_counter() - t0)
        excel = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            pd.read_excel(path, sheet_name=None, engine="openpyxl")
            excel.append(time.perf_counter() - t0)
        os.environ["CSC_DEMAND_HOME"] = home
        t0 = time.perf_counter()
        annex = read_annex_a(path)
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        est = estimate(annex)
        est_s = time.perf_counter() - t0
    base = builtin_scenarios(dt.date(2020, 12, 31))["Second lockdown next winter"]
    forecast(est, [base], months=36, draws=1000)   # warm up
    again = []
    for i in range(max(args.runs, 10)):
        sc = Scenario(name="Changed", shocks=(Shock("Lockdown", dt.date(2021, 1, 5), dt.date(2021, 3, 7),
                                                    -20 - i, returns_pct=40 + i, return_months=6),))
        t0 = time.perf_counter()
        forecast(est, [sc], months=36, draws=1000)
        again.append(time.perf_counter() - t0)
    sizes = {k: len(v) for k, v in annex.tables.items()}
    print(f"Workbook: {path.name} ({path.stat().st_size / 1e6:.1f} MB; rows read {sizes})")
    print(_summary("csc-demand forecast --draws 1000 --months 36 --json (process start to exit)", cli))
    print(_summary("pandas.read_excel(sheet_name=None, engine='openpyxl')", excel))
    print(f"In process: read_annex_a {read_s:.2f} s, estimate {est_s * 1000:.0f} ms")
    print(_summary("re-forecast with a changed scenario (1000 draws x 36 months)", again, unit="ms"))
    ok = statistics.median(cli) < statistics.median(excel) and statistics.median(again) < 0.1
    print("Targets met." if ok else "Targets NOT met.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
