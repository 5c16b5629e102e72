"""Peak memory of reading (and forecasting) the largest Annex A workbook csc-demand supports.

The issue's target: peak memory for the largest real workbook stays well under 2 GB. The workbook is the
simulated Kent-sized LA (``csc_demand.synth``, preset "large", seed 7, extract 31/12/2020: the same file as
``bench_read.py``, cached in ``benchmarks/.cache/``), about 36 MB of sheet XML with every list 1–11.

    python benchmarks/bench_memory.py                # 5 runs of validate, medians printed
    python benchmarks/bench_memory.py --forecast     # also the whole forecast with an Excel report
    python benchmarks/bench_memory.py --workbook PATH

Each run is a fresh ``python -m csc_demand`` process; its peak resident memory (the operating system's
maximum resident set size, which counts the native workbook reader as well as Python) is read with
``os.wait4`` when it exits. Linux and macOS only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_read import build_workbook  # noqa: E402  (the same cached Kent-sized workbook)


def peak_mb(cmd: list[str]) -> float:
    """Peak resident memory (MB) of ``cmd`` run as a child process, from the kernel's own account."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[2:4])} failed: {proc.stderr.read().decode(errors='replace')}")
    proc.stderr.close()
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS
    return usage.ru_maxrss / (1e6 if sys.platform == "darwin" else 1e3)


def _fmt(values: list[float]) -> str:
    return (f"median {statistics.median(values):,.0f} MB (min {min(values):,.0f}, max {max(values):,.0f}, "
            f"n={len(values)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path, help="measure this workbook instead of the simulated one")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    parser.add_argument("--forecast", action="store_true",
                        help="also measure 'forecast --out report.xlsx' (1,000 draws, 36 months, with backtest)")
    args = parser.parse_args(argv)
    path = args.workbook or build_workbook()
    print(f"Workbook: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    with tempfile.TemporaryDirectory() as tmp:
        key = ["--key-file", str(Path(tmp) / "bench.key")]
        base = [sys.executable, "-m", "csc_demand"]
        commands = {"validate --json": base + ["validate", "--json", str(path)] + key}
        if args.forecast:
            commands["forecast --out report.xlsx"] = base + ["forecast", str(path), "--out",
                                                             str(Path(tmp) / "report.xlsx")] + key
        baseline = [peak_mb([sys.executable, "-c", "import csc_demand.io, pandas"]) for _ in range(3)]
        print(f"Python with pandas and csc_demand.io imported, nothing read: {_fmt(baseline)}")
        for label, cmd in commands.items():
            peaks = [peak_mb(cmd) for _ in range(args.runs)]
            print(f"csc-demand {label}: peak resident memory {_fmt(peaks)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
