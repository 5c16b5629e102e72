"""``csc-demand synth``: make a synthetic LA's Annex A workbook(s) and the truth behind them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from csc_demand.cli.common import date_option
from csc_demand.errors import CscDemandError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``synth`` sub-command."""
    p = subparsers.add_parser(
        "synth", help="make realistic synthetic Annex A workbooks (no real child in them)",
        description="Simulate a local authority's children's social care and write its Annex A lists as the "
                    "Ofsted template workbook at an extract date (or one workbook per month), with an optional "
                    "truth file of what really happened in the simulated world.")
    p.add_argument("--preset", default="median", help="size of the LA: small, median or large (default median)")
    p.add_argument("--seed", type=int, default=7, help="random seed: the same seed gives the same data (default 7)")
    p.add_argument("--extract-date", default="2020-12-31", metavar="YYYY-MM-DD",
                   help="the (newest) extract date (default 2020-12-31)")
    p.add_argument("--extracts-every-month-from", metavar="YYYY-MM-DD",
                   help="also write an extract at every month end from this date up to the extract date; "
                        "--out is then a folder")
    p.add_argument("--no-shocks", action="store_true", help="no 2020–21 lockdowns or new normal")
    p.add_argument("--start", default="2014-01-01", metavar="YYYY-MM-DD", help="start of the simulated period")
    p.add_argument("--end", default="2024-12-31", metavar="YYYY-MM-DD", help="end of the simulated period")
    p.add_argument("--out", required=True, metavar="PATH",
                   help="the workbook to write (.xlsx), or a folder when several extracts are written")
    p.add_argument("--truth", metavar="FILE", help="also write the truth file (JSON): parameters, true monthly "
                                                   "series and the counts each list should show")
    p.add_argument("--json", action="store_true", help="print one JSON object (the files written) instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate, write the workbook(s) and the truth file, say where they are."""
    import pandas as pd

    from csc_demand.synth import (
        build_lists,
        counts_of_lists,
        simulate,
        truth_json,
        write_extracts,
        write_lists,
    )

    extract = date_option(args.extract_date, "--extract-date")
    world = simulate(args.preset, args.seed, start=date_option(args.start, "--start"), end=date_option(args.end, "--end"),
                     shocks=not args.no_shocks)
    out = Path(args.out)
    counts: dict[str, dict] = {}
    if args.extracts_every_month_from:
        first = date_option(args.extracts_every_month_from, "--extracts-every-month-from")
        if first > extract:
            raise CscDemandError("--extracts-every-month-from must be on or before --extract-date.")
        dates = list(pd.date_range(first, extract, freq="ME"))
        if not dates or dates[-1] != extract:
            dates.append(extract)
        if out.suffix.lower() == ".xlsx":
            raise CscDemandError(f"With --extracts-every-month-from, --out must be a folder, not '{out.name}'.")
        paths = write_extracts(world, dates, out, counts=counts)
    else:
        if out.suffix.lower() != ".xlsx":
            out = out / f"annex_a_{extract:%Y-%m-%d}.xlsx"
        lists = build_lists(world, extract)
        paths = [write_lists(lists, extract, out)]
        counts[f"{extract:%Y-%m-%d}"] = counts_of_lists(lists)
    truth_path = None
    if args.truth:
        truth_path = Path(args.truth)
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        truth_path.write_text(json.dumps(truth_json(world, counts), indent=1), encoding="utf-8")
    if args.json:
        sys.stdout.write(json.dumps({"workbooks": [str(p) for p in paths],
                                     "truth": str(truth_path) if truth_path else None}) + "\n")
    else:
        where = str(paths[0]) if len(paths) == 1 else f"{len(paths)} workbooks in {paths[0].parent}"
        print(f"Synthetic Annex A ({args.preset} LA, seed {args.seed}"
              f"{', no shocks' if args.no_shocks else ', 2020–21 shocks'}) written: {where}")
        if truth_path:
            print(f"Truth file: {truth_path}")
        print("No real child is in these data. Check them with: csc-demand validate "
              f"{paths[0] if len(paths) == 1 else paths[0].parent}")
    return 0
