"""``csc-demand demo``: make (or reuse) a demo LA's Annex A workbooks and run the main job on them."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` sub-command."""
    p = subparsers.add_parser(
        "demo", help="try the tool on a made-up local authority (no real child in the data)",
        description="Make a realistic synthetic local authority's Annex A workbooks (monthly extracts for 2019–20, "
                    "median-sized LA, with the 2020–21 lockdowns), or reuse the ones made before, and check them "
                    "as 'csc-demand validate' would check your own file.")
    p.add_argument("--out", metavar="FOLDER",
                   help="where to put the demo data (default: the csc-demand folder in your user cache)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Make or reuse the demo data, validate it, print the summary and where everything is."""
    from csc_demand.io import format_summary, read_annex_a, validation_summary
    from csc_demand.synth import demo_data

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    print("Preparing the demo local authority (about 20 seconds the first time, then reused)...", file=sys.stderr)
    folder = demo_data(args.out)
    annex = read_annex_a(folder)
    summary = validation_summary(annex)
    print(format_summary(summary))
    print()
    print(f"The demo workbooks are in: {folder}")
    print(f"What really happened in the made-up LA: {folder.parent / 'truth.json'}")
    print("These data are made up: no real child is in them.")
    print("To do the same with your own file:  csc-demand validate path\\to\\annex_a.xlsx")
    return 0 if summary["ok"] else 1
