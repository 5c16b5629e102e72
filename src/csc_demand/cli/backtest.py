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
                    "happened: the error of the middle estimate 3, 6 and 12 months ahead, whether it ran "
                    "high or low, how often the outcome fell inside the 80% interval, and the same errors for "
                    "three simple forecasts (last value, mean so far, same month last year).")
    add_input_arguments(p)
    p.add_argument("--cutoff", metavar="YYYY-MM-DD",
                   help="one cutoff date (default: several, every three months through the data)")
    p.add_argument("--draws", type=int, default=500, help="Monte Carlo draws per cutoff (default 500)")
    p.add_argument("--scenario", metavar="FILE.toml",
                   help="a scenario file: its shocks (and new normal) that had begun by a cutoff are applied to "
                        "the forecast made then; later ones are not (default: no shocks)")
    p.set_defaults(func=run)


def _num(x: float, digits: int = 1) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), digits)


def run(args: argparse.Namespace) -> int:
    """Read, backtest, print."""
    from csc_demand.cli.forecast import check_draws
    from csc_demand.model import backtest
    from csc_demand.scenario import load_scenario
    from csc_demand.tables import MEASURE_LABELS

    check_draws(args.draws)
    cutoff = date_option(args.cutoff, "--cutoff") if args.cutoff else None
    scenario = load_scenario(args.scenario) if args.scenario else None   # check it before the slow read
    annex = read(args)
    bt = backtest(annex, cutoff=cutoff, draws=args.draws, scenario=scenario)
    caution = bt.attrs.get("caution")
    if args.json:
        rows = [{k: (_num(v, 3 if k == "scaled_error" else 1) if isinstance(v, float) else v) for k, v in r.items()}
                for r in bt.to_dict("records")]
        sys.stdout.write(json.dumps({"extract_date": annex.extract_date.date().isoformat(),
                                     "cutoffs": bt.attrs.get("cutoffs", []), "caution": caution,
                                     "past_shocks": bt.attrs.get("past_shocks", []), "results": rows}) + "\n")
        return 0
    print(f"Backtest at {len(bt.attrs.get('cutoffs', []))} cutoff(s): {', '.join(bt.attrs.get('cutoffs', []))}.")
    if caution:
        print(f"Caution: {caution}")
    if bt.attrs.get("past_shocks"):
        print(f"Past shocks applied from the scenario where they had begun by the cutoff: "
              f"{', '.join(bt.attrs['past_shocks'])}.")
    print("Error of the middle estimate (MAPE, %), its bias (+ = too high) and scaled error (below 1 = better "
          "than 'same as last month'), against three simple forecasts, and the share of months inside the 80% "
          "interval:")
    for m, g in bt.groupby("measure", sort=False):
        print(f"\n{MEASURE_LABELS.get(m, m)} (inside the interval over all months checked: "
              f"{_fmt(g['inside_p10_p90_all_months_pct'].iloc[0])}%)")
        for r in g.itertuples():
            if r.cutoffs == 0:
                print(f"  {r.horizon_months:>2} months ahead: {r.note}")
            else:
                print(f"  {r.horizon_months:>2} months ahead: forecast {_pct(r.mape_median_pct)} (bias "
                      f"{_pct(r.bias_median_pct, sign=True)}, scaled error {_fmt(r.scaled_error, 2)}), last value "
                      f"{_pct(r.mape_last_value_pct)}, mean of the window {_pct(r.mape_window_mean_pct)}, same "
                      f"month last year {_pct(r.mape_same_month_last_year_pct)} ({r.cutoffs} cutoff(s))")
    notes = list(dict.fromkeys(n for n, k in zip(bt["note"], bt["cutoffs"], strict=True) if n and k > 0))
    if notes:
        print()
        print("\n".join(f"Note: {n}" for n in notes))
    return 0


def _fmt(x: float, digits: int = 1, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def _pct(x: float, sign: bool = False) -> str:
    text = _fmt(x, sign=sign)
    return text if text == "n/a" else f"{text}%"
