"""``csc-demand national``: forecasts for every local authority from the DfE's published figures;
``csc-demand national backtest``: how well they would have done."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``national`` sub-command."""
    p = subparsers.add_parser(
        "national", help="forecast every local authority from the DfE's published figures",
        description="Forecast referrals, child protection plans, children in need and children looked after for "
                    "every local authority in England from the DfE's published figures, with an 80% interval "
                    "(P10 to P90) checked against past years. 'csc-demand national backtest [DATA_DIR]' shows how "
                    "well the forecasts would have done from each year 2016 to 2022.")
    p.add_argument("target", nargs="*", metavar="DATA_DIR",
                   help="a folder of the DfE's CSV files as downloaded (default: the copy bundled with the tool); "
                        "or 'backtest' followed by an optional folder")
    p.add_argument("--through", type=int, metavar="YEAR",
                   help="use the figures up to this year ending 31 March only (default: the latest)")
    p.add_argument("--years", type=int, default=3, metavar="N", help="years ahead (default 3)")
    p.add_argument("--scenario", action="append", default=[], metavar="FILE",
                   help="a scenario file (.toml); give it more than once for several (default: no further shocks)")
    p.add_argument("--draws", type=int, default=1000, metavar="N", help="draws per authority (default 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0)")
    p.add_argument("--executor", default="processes", metavar="processes|dask://HOST:PORT",
                   help="run the authorities on local processes (default) or a Dask scheduler")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--out", metavar="FILE", help="write a report: .csv, .xlsx or .html")
    p.set_defaults(func=run)


def _read(folder: str | None):
    from csc_demand.io.dfe import read_dfe

    return read_dfe(folder)


def _print_backtest(bt) -> None:
    print("Backtest over every local authority, forecasting from each year 2016 to 2022 with the figures up to "
          "it only. Median error of the middle forecast against 'same as the last published year' (ratio below "
          "1 = better), the share of outcomes inside P10 to P90 (80% is right) and the bias (+ = too high):")
    for r in bt.itertuples():
        print(f"  {r.measure:<16} {r.horizon_years} year(s): {r.mape_median_pct:5.1f}% vs {r.naive_mape_median_pct:5.1f}%"
              f" (ratio {r.ratio_to_naive:.2f}), inside {r.inside_p10_p90_pct:4.1f}%, bias {r.bias_median_pct:+.1f}%"
              f" ({r.forecasts} forecasts)")


def run(args: argparse.Namespace) -> int:
    """Read, forecast (or backtest), print or write."""
    from csc_demand.errors import CscDemandError
    from csc_demand.scenario import load_scenario

    target = list(args.target)
    backtest = bool(target) and target[0] == "backtest"
    if backtest:
        target = target[1:]
    if len(target) > 1:
        raise CscDemandError(f"Give one DfE data folder, not {len(target)}: {' '.join(target)}.")
    scenarios = [load_scenario(f) for f in args.scenario]  # check them before the slow part
    pub = _read(target[0] if target else None)
    from csc_demand.national import forecast_national, national_backtest
    from csc_demand.national.report import write_report

    if backtest:
        bt = national_backtest(pub)
        if args.json:
            sys.stdout.write(json.dumps({"backtest": bt.round(3).to_dict("records")}) + "\n")
        else:
            _print_backtest(bt)
        if args.out:
            nf = forecast_national(pub, scenarios, through=args.through, years=args.years, draws=args.draws,
                                   seed=args.seed, executor=args.executor)
            write_report(nf, pub, args.out, backtest=bt)
            print(f"Wrote {args.out}.", file=sys.stderr if args.json else sys.stdout)
        return 0
    nf = forecast_national(pub, scenarios, through=args.through, years=args.years, draws=args.draws,
                           seed=args.seed, executor=args.executor)
    table = nf.to_frame()
    if args.out:
        write_report(nf, pub, args.out, backtest=national_backtest(pub) if not args.out.endswith(".csv") else None)
    if args.json:
        rows = table.drop(columns="series_id").round({"p10": 1, "p50": 1, "p90": 1})
        rows["year"] = rows["year"].astype(int)
        sys.stdout.write(json.dumps({"through": nf.through, "forecasts": rows.to_dict("records")}) + "\n")
        return 0
    print(f"Forecasts for {table['la_code'].nunique()} local authorities from the DfE's figures up to {nf.through}, "
          f"for the years ending 31 March {nf.years[0]} to {nf.years[-1]}, under {len(nf.scenarios)} scenario(s): "
          f"{', '.join(nf.scenarios)}.")
    print("Method chosen by the backtest for each measure (1, 2, 3... years ahead):")
    for m, methods in nf.method.items():
        print(f"  {m}: {', '.join(methods)}")
    total = table.groupby(["scenario", "measure", "year"], sort=False)["p50"].sum()
    print("Sum of the authorities' middle forecasts:")
    for (s, m, y), v in total.items():
        print(f"  {s} | {m} | {y}: {v:,.0f}")
    if args.out:
        print(f"Wrote {args.out}.")
    return 0
