"""The demo LA: made once in the user's cache folder and reused."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from csc_demand import __version__

from .annex_writer import write_extracts
from .params import PRESETS
from .simulate import simulate
from .truth import truth_json

#: The demo LA: preset, seed, the newest extract date and how many monthly extracts before it.
DEMO_PRESET = "median"
DEMO_SEED = 7
DEMO_EXTRACT_DATE = "2020-12-31"
DEMO_EARLIER_MONTHS = 12
_STAMP = "demo.json"
#: Bump when the simulator or the writer changes what the demo data look like (the cache is then remade).
SYNTH_REVISION = 1


def demo_folder() -> Path:
    """Where the demo data live: ``$CSC_DEMAND_HOME/demo`` if set, else the user's cache folder
    (``%LOCALAPPDATA%\\csc-demand\\demo`` on Windows, ``$XDG_CACHE_HOME/csc-demand/demo`` or
    ``~/.cache/csc-demand/demo`` elsewhere)."""
    home = os.environ.get("CSC_DEMAND_HOME")
    if home:
        return Path(home) / "demo"
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA")
        if base:
            return Path(base) / "csc-demand" / "demo"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "csc-demand" / "demo"


def demo_extract_dates() -> list[pd.Timestamp]:
    """The demo's extract dates: month ends from 12 months before the newest extract up to it (oldest first)."""
    last = pd.Timestamp(DEMO_EXTRACT_DATE)
    return list(pd.date_range(end=last, periods=DEMO_EARLIER_MONTHS + 1, freq="ME"))


def _stamp() -> dict:
    return {"version": __version__, "revision": SYNTH_REVISION, "preset": DEMO_PRESET, "seed": DEMO_SEED,
            "params": repr(sorted(asdict(PRESETS[DEMO_PRESET]).items())),
            "extract_dates": [d.strftime("%Y-%m-%d") for d in demo_extract_dates()]}


def demo_data(folder: str | Path | None = None) -> Path:
    """Make the demo LA's Annex A workbooks (monthly extracts, median preset, seed 7, 2020–21 shocks) in
    ``folder`` (default :func:`demo_folder`), or reuse them if they were made there by this version with the
    same settings. Returns the folder of workbooks (``annex_a_YYYY-MM-DD.xlsx``); the truth file
    ``truth.json`` sits beside them in the same folder's parent (so reading the folder finds only
    workbooks).
    """
    root = Path(folder) if folder is not None else demo_folder()
    books = root / "annex_a"
    stamp = root / _STAMP
    wanted = _stamp()
    if stamp.exists():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == wanted and all(
                    (books / f"annex_a_{d}.xlsx").exists() for d in wanted["extract_dates"]):
                return books
        except (OSError, ValueError):
            pass
    world = simulate(DEMO_PRESET, DEMO_SEED, shocks=True)
    dates = demo_extract_dates()
    counts: dict[str, dict] = {}
    for old in books.glob("annex_a_*.xlsx"):  # an earlier demo's extracts would be merged with the new ones
        old.unlink()
    write_extracts(world, dates, books, counts=counts)
    (root / "truth.json").write_text(json.dumps(truth_json(world, counts), indent=1), encoding="utf-8")
    stamp.write_text(json.dumps(wanted), encoding="utf-8")
    return books
