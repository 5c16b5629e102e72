"""Time ``csc-demand validate`` on a Kent-sized Annex A workbook against a plain openpyxl read.

The issue's target: the whole ``validate`` process (start to exit) is faster than
``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` alone on the same file.

    python benchmarks/bench_read.py                 # builds (or reuses) the workbook, 5 runs each
    python benchmarks/bench_read.py --runs 9
    python benchmarks/bench_read.py --workbook PATH # time any workbook you have

The workbook is simulated (``csc_demand.synth``, preset "large", seed 7, extract 31/12/2020) and cached in
``benchmarks/.cache/`` (git-ignored). Prints the row counts read and the median (and min/max) seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"


def build_workbook() -> Path:
    """The cached Kent-sized workbook (built once with the simulator)."""
    import pandas as pd

    from csc_demand.synth import simulate, write_annex_a

    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    path = CACHE / "kent_sized_annex_a_2020-12-31.xlsx"
    if not path.exists():
        world = simulate("large", seed=7)
        write_annex_a(world, pd.Timestamp("2020-12-31"), path)
    return path


def validate_once(path: Path, key_file: Path) -> tuple[float, dict]:
    """Wall-clock seconds of ``python -m csc_demand validate --json PATH`` as a fresh process."""
    cmd = [sys.executable, "-m", "csc_demand", "validate", "--json", str(path), "--key-file", str(key_file)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"validate failed: {proc.stderr}")
    return elapsed, json.loads(proc.stdout)


def openpyxl_once(path: Path) -> float:
    """Seconds of ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` in this (warm) process."""
    import pandas as pd

    t0 = time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - t0


def _fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, help="time this workbook instead of the simulated one")
    parser.add_argument("--runs", type=int, default=5, help="runs of each (default 5)")
    args = parser.parse_args(argv)
    path = args.workbook or build_workbook()
    print(f"Workbook: {path.name} ({os.path.getsize(path) / 1e6:.1f} MB)")
    v_times: list[float] = []
    o_times: list[float] = []
    summary: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "bench.key"
        for _ in range(args.runs):  # interleaved, so a busy machine slows both alike
            elapsed, summary = validate_once(path, key_file)
            v_times.append(elapsed)
            o_times.append(openpyxl_once(path))
    rows = ", ".join(f"{t} {e['rows']:,}" for t, e in summary.get("lists", {}).items())
    print(f"Rows read: {rows}")
    print(f"csc-demand validate --json (whole process): {_fmt(v_times)}")
    print(f"pandas.read_excel(sheet_name=None, engine='openpyxl'): {_fmt(o_times)}")
    ratio = statistics.median(o_times) / statistics.median(v_times)
    print(f"validate is {ratio:.1f}x faster than the openpyxl read alone" if ratio >= 1 else
          f"validate is {1 / ratio:.1f}x SLOWER than the openpyxl read alone")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
