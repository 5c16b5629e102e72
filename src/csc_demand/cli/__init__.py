"""The ``csc-demand`` command line: argument parsing only; every command calls the public API.

Each command lives in its own module with ``register(subparsers)``, which adds the sub-parser and sets
``func(args) -> int`` as its default. Output for people goes to stdout; with ``--json`` stdout carries
exactly one JSON object and everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from csc_demand import __version__
from csc_demand.errors import CscDemandError

from . import app as _app
from . import backtest as _backtest
from . import demo as _demo
from . import forecast as _forecast
from . import national as _national
from . import synth as _synth
from . import validate as _validate

_COMMANDS = (_validate, _app, _synth, _demo, _forecast, _backtest, _national,)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-command per module in ``_COMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="csc-demand",
        description="Model demand for children's social care (referrals, child protection plans, "
                    "children looked after) from your Ofsted Annex A lists. Your data stays on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"csc-demand {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # a console that cannot show "›" or "–" must not crash
    try:
        return int(args.func(args) or 0)
    except CscDemandError as exc:
        if getattr(args, "json", False):  # stdout still carries exactly one JSON object
            sys.stdout.write(json.dumps({"ok": False, "error": str(exc)}) + "\n")
        print(f"csc-demand: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("csc-demand: stopped.", file=sys.stderr)
        return 130
