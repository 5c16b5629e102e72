"""Benchmark: writing the reports for a 36-month, 3-scenario, 1,000-draw forecast (target: under a second).

Uses the real engine on the simulated "small" LA when the engine and simulator are installed
(``--source engine``), otherwise the hand-built forecast of the report tests (``--source factory``). Draws are
already reduced to quantiles in a Forecast, so what matters is the size of the Forecast's table.

    python benchmarks/bench_report.py [--runs 7] [--source auto|engine|factory]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _factory_forecast():
    sys.path.insert(0, str(ROOT / "tests" / "report"))
    from report_factory import make_forecast

    return make_forecast(draws=1000, months=36, seed=1)


def _engine_forecast(tmp: Path):
    from csc_demand.io import read_annex_a
    from csc_demand.model import forecast
    from csc_demand.scenario import builtin_scenarios
    from csc_demand.synth import simulate, write_annex_a

    sim = simulate("small", seed=1)
    path = write_annex_a(sim, sim.end, tmp / "annex_a.xlsx")
    annex = read_annex_a(path)
    scenarios = list(builtin_scenarios(annex.extract_date.date()).values())
    return forecast(annex, scenarios, months=36, draws=1000, seed=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", choices=("auto", "engine", "factory"), default="auto")
    args = parser.parse_args()

    from csc_demand.report.csv import write_csv
    from csc_demand.report.excel import write_excel
    from csc_demand.report.html import write_html

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        fc, source = None, args.source
        if source in ("auto", "engine"):
            try:
                fc, source = _engine_forecast(tmp), "engine"
            except ImportError as exc:
                if args.source == "engine":
                    raise
                print(f"engine not available ({exc}); using the hand-built forecast", file=sys.stderr)
        if fc is None:
            fc, source = _factory_forecast(), "factory"
        print(f"forecast from the {source}: {len(fc.table):,} table rows + {len(fc.actuals):,} actual rows, "
              f"{fc.draws:,} draws, {fc.months} months, {len(fc.scenarios)} scenarios")
        total = []
        for name, fn, suffix in (("excel", write_excel, ".xlsx"), ("html", write_html, ".html"),
                                 ("csv", write_csv, ".csv")):
            times, cpu = [], []
            for i in range(args.runs):
                t0, c0 = time.perf_counter(), time.process_time()
                out = fn(fc, tmp / f"report{i}{suffix}")
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            total.append(times)
            print(f"{name:6s} median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, "
                  f"max {max(times) * 1000:.1f}; CPU median {statistics.median(cpu) * 1000:.1f} ms; "
                  f"{args.runs} runs; {out.stat().st_size / 1024:,.0f} KiB)")
        all_three = [sum(ts) for ts in zip(*total, strict=True)]
        print(f"all three: median {statistics.median(all_three) * 1000:.1f} ms (target: each under 1,000 ms)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (other work on the machine slows wall time)")


if __name__ == "__main__":
    main()
