"""Time ``csc-demand synth --preset large`` (simulate a Kent-sized LA and write its Annex A workbook).

The issue's target: under 20 seconds on a 2-core machine, the whole command (a fresh process, start to exit,
writing the workbook and the truth file).

    python benchmarks/bench_synth.py            # 5 runs of the command, plus an in-process breakdown
    python benchmarks/bench_synth.py --runs 9 --preset median

Prints the median (and min/max) seconds of the command, and the median seconds of simulating and of
building + writing the lists in one process.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _summary(label: str, times: list[float]) -> str:
    return f"{label}: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--preset", default="large")
    args = parser.parse_args()

    import pandas as pd

    from csc_demand.synth import build_lists, simulate, write_lists

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cmd = [sys.executable, "-m", "csc_demand", "synth", "--preset", args.preset, "--seed", "7",
               "--extract-date", "2020-12-31", "--out", str(tmp_path / "annex_a.xlsx"),
               "--truth", str(tmp_path / "truth.json")]
        command = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            command.append(time.perf_counter() - t0)
        sim, write = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            world = simulate(args.preset, 7)
            t1 = time.perf_counter()
            lists = build_lists(world, "2020-12-31")
            write_lists(lists, pd.Timestamp("2020-12-31"), tmp_path / "in_process.xlsx")
            write.append(time.perf_counter() - t1)
            sim.append(t1 - t0)
        rows = {n: len(f) for n, f in lists.items() if len(f)}
        size_mb = (tmp_path / "annex_a.xlsx").stat().st_size / 1e6
    print(f"csc-demand synth --preset {args.preset} (extract 31/12/2020; rows per list {rows}; {size_mb:.1f} MB)")
    print(_summary("  whole command (fresh process)", command))
    print(_summary("  simulate 2014-2024 (+ warm-up)", sim))
    print(_summary("  build + write the workbook", write))
    target = 20.0
    ok = statistics.median(command) < target
    print(f"  target < {target:.0f} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
