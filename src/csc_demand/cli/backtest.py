"""``csc-demand backtest``: how well the method would have forecast this authority's own past."""

from __future__ import annotations

import argparse
import json
import math
import sys

from csc_demand.cli.common import add_input_arguments, date_option, read


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``backtest`` sub-command."""
    p = subparsers.add_parser(
        "backtest", help="check the forecast against what happened, on your own past data",
        description="Cut your data at past dates, forecast from what was known then, and compare with what "
                    "happened: the error of the middle estimate 3, 6 and 12 months ahead, how often the "
                    "outcome fell inside the 80% interval, and the same errors for two simple forecasts.")
    add_input_arguments(p)
    p.add_argument("--cutoff", metavar="YYYY-MM-DD",
                   help="one cutoff date (default: several, every three months through the data)")
    p.add_argument("--draws", type=int, default=500, help="Monte Carlo draws per cutoff (default 500)")
    p.set_defaults(func=run)


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 1)


def run(args: argparse.Namespace) -> int:
    """Read, backtest, print."""
    from csc_demand.cli.forecast import check_draws
    from csc_demand.model import backtest
    from csc_demand.tables import MEASURE_LABELS

    check_draws(args.draws)
    cutoff = date_option(args.cutoff, "--cutoff") if args.cutoff else None
    annex = read(args)
    bt = backtest(annex, cutoff=cutoff, draws=args.draws)
    if args.json:
        rows = [{k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()} for r in bt.to_dict("records")]
        sys.stdout.write(json.dumps({"extract_date": annex.extract_date.date().isoformat(),
                                     "cutoffs": bt.attrs.get("cutoffs", []), "results": rows}) + "\n")
        return 0
    print(f"Backtest at {len(bt.attrs.get('cutoffs', []))} cutoff(s): {', '.join(bt.attrs.get('cutoffs', []))}.")
    print("Error of the middle estimate (MAPE, %) against two simple forecasts, and the share of months inside "
          "the 80% interval:")
    for m, g in bt.groupby("measure", sort=False):
        print(f"\n{MEASURE_LABELS.get(m, m)} (inside the interval over all months checked: "
              f"{_fmt(g['inside_p10_p90_all_months_pct'].iloc[0])}%)")
        for r in g.itertuples():
            if r.cutoffs == 0:
                print(f"  {r.horizon_months:>2} months ahead: {r.note}")
            else:
                print(f"  {r.horizon_months:>2} months ahead: forecast {_fmt(r.mape_median_pct)}%, last value "
                      f"{_fmt(r.mape_last_value_pct)}%, mean of the window {_fmt(r.mape_window_mean_pct)}% "
                      f"({r.cutoffs} cutoff(s))")
    return 0


def _fmt(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1f}"
