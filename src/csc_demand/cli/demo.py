"""``csc-demand demo``: make (or reuse) a demo LA's Annex A workbooks and run the main job on them."""

from __future__ import annotations

import argparse
import dataclasses
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` sub-command."""
    p = subparsers.add_parser(
        "demo", help="try the tool on a made-up local authority (no real child in the data)",
        description="Make a realistic synthetic local authority's Annex A workbooks (monthly extracts for 2019–20, "
                    "median-sized LA, with the 2020–21 lockdowns), or reuse the ones made before, check them as "
                    "'csc-demand validate' would check your own file, forecast the built-in scenarios and write "
                    "the reports (Excel and HTML).")
    p.add_argument("--out", metavar="FOLDER",
                   help="where to put the demo data and reports (default: the csc-demand folder in your user cache)")
    p.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws (default 1000)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Make or reuse the demo data, validate it, forecast the built-in scenarios, write the reports and say
    where everything is."""
    from csc_demand.cli.common import cli_key
    from csc_demand.cli.forecast import backtest_or_none, check_numbers, summary_lines
    from csc_demand.io import format_summary, read_annex_a, validation_summary
    from csc_demand.model import forecast
    from csc_demand.report import write_report
    from csc_demand.scenario import builtin_scenarios
    from csc_demand.synth import demo_data
    from csc_demand.tables import observed_timeline

    check_numbers(36, args.draws)
    print("Preparing the demo local authority (about 20 seconds the first time, then reused)...", file=sys.stderr)
    folder = demo_data(args.out)
    print("Reading its Annex A extracts...", file=sys.stderr)
    annex = read_annex_a(folder, key=cli_key())
    summary = validation_summary(annex)
    print(format_summary(summary))
    if not summary["ok"]:
        return 1
    print("Forecasting the built-in scenarios and checking the method on the LA's own past data...", file=sys.stderr)
    scenarios = list(builtin_scenarios(annex.extract_date.date()).values())
    fc = forecast(annex, scenarios, months=36, draws=args.draws, seed=1, la_name="Demo LA (made-up data)")
    fc = dataclasses.replace(fc, timeline=fc.timeline or observed_timeline(annex),
                             backtest=backtest_or_none(annex, sys.stdout, scenarios[0]))
    outputs = folder.parent / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    written = [write_report(fc, outputs / name) for name in ("demo_forecast.xlsx", "demo_forecast.html")]
    print()
    print("\n".join(summary_lines(fc)))
    print()
    print("Reports:")
    for path in written:
        print(f"  {path}")
    print(f"The demo workbooks are in: {folder}")
    print(f"What really happened in the made-up LA: {folder.parent / 'truth.json'}")
    print("These data are made up: no real child is in them.")
    print("To do the same with your own file:")
    print("  csc-demand validate path\\to\\annex_a.xlsx")
    print("  csc-demand forecast path\\to\\annex_a.xlsx --out forecast.xlsx")
    print("or explore it in your browser (install with: python -m pip install \".[app]\"):  csc-demand app")
    return 0
