"""What several sub-commands share: the Annex A input arguments and reading them."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """The input arguments of every command that reads Annex A files: PATH..., --extract-date, --history,
    --json, --key-file."""
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="Annex A workbook(s) (.xlsx, .xlsm, .xls, .ods), CSV/TSV files, or folders of them")
    p.add_argument("--extract-date", metavar="YYYY-MM-DD",
                   help="the date the extract was taken (default: from the file name, else the latest date "
                        "in the lists)")
    p.add_argument("--history", metavar="FILE",
                   help="your monthly figures (a CSV or Excel sheet: a 'month' column and any of referrals, "
                        "cp_starts, cp_open, cla_starts, cla_open), for the seasons, the drift and the stocks' "
                        "own path; compared with the lists where both have a month")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--key-file", metavar="FILE",
                   help="the pseudonymisation key file (default: in your csc-demand settings folder)")


def date_option(text: str, option: str):
    """The date given for ``option`` (``YYYY-MM-DD``) as a Timestamp at midnight, or a plain error."""
    import pandas as pd

    from csc_demand.errors import CscDemandError

    try:
        return pd.to_datetime(text, format="%Y-%m-%d").normalize()
    except (ValueError, TypeError):
        raise CscDemandError(f"{option} '{text}' is not a date: write it as YYYY-MM-DD, e.g. 2020-12-31.") from None


def cli_key(key_file: str | None = None, quiet: bool = False) -> bytes:
    """The pseudonymisation key the command line uses: ``--key-file``, else the one in the user's settings
    folder; the first time it is made, one line on standard error says where it is kept (not with ``quiet``,
    e.g. for ``--json``)."""
    import sys

    from csc_demand.io import load_or_create_key
    from csc_demand.io.pseudonymise import default_key_path

    path = Path(key_file) if key_file else default_key_path()
    existed = path.exists()
    key = load_or_create_key(path)
    if not existed and not quiet:
        print(f"Made a pseudonymisation key for children's IDs, kept in {path}: keep it, so that the same "
              "child has the same pseudonym next time.", file=sys.stderr)
    return key


def read(args: argparse.Namespace):
    """Read the Annex A files named on the command line into an :class:`~csc_demand.tables.AnnexA`, with the
    monthly figures of ``--history`` attached (and compared with the lists) when given."""
    from csc_demand.io import read_annex_a

    history = None
    if getattr(args, "history", None):   # read first: a bad file is found before the slow part
        from csc_demand.io import read_history

        history = read_history(args.history)
    key = cli_key(getattr(args, "key_file", None), quiet=getattr(args, "json", False))
    annex = read_annex_a(args.paths, extract_date=args.extract_date, key=key)
    if history is not None:
        from csc_demand.model.history import with_history

        annex = with_history(annex, history)
    return annex
