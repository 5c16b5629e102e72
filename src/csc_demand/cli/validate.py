"""``csc-demand validate``: read Annex A files and report what was found and every problem."""

from __future__ import annotations

import argparse
import json
import sys

from csc_demand.cli.common import add_input_arguments, read


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` sub-command."""
    p = subparsers.add_parser(
        "validate", help="check an Annex A workbook (or CSV folder) and report what can be read",
        description="Read your Annex A lists, report which lists were found and where, the rows, children and "
                    "dates in each, and every row that could not be used (with its sheet, row and column). "
                    "SSDA903 returns given with them (CSV files, sheets or XML) are summarised too: the returns "
                    "and years found, episodes, periods of care, children, those open at the extract date, and "
                    "what was merged or not used. Exit status 0 when Lists 3, 7 and 8 were read with usable "
                    "rows, 1 otherwise.")
    add_input_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, summarise, print; 0 when the lists the model needs were read, else 1."""
    from csc_demand.io import format_summary, validation_summary

    annex = read(args)   # a CscDemandError becomes one line (and with --json, one JSON object) in cli.main
    summary = validation_summary(annex)
    if args.json:
        sys.stdout.write(json.dumps(summary) + "\n")
        if not summary["ok"]:
            print("csc-demand: " + _missing_message(summary), file=sys.stderr)
    else:
        print(format_summary(summary))
    return 0 if summary["ok"] else 1


def _missing_message(summary: dict) -> str:
    from csc_demand.io.summary import unusable_text

    missing = [p["message"] for p in summary["problems"]
               if p["kind"] in ("ssda903_only", "list_not_found") and p["severity"] == "error"]
    return " ".join(missing + ([unusable_text(summary)] if summary.get("unusable_lists") else []))
