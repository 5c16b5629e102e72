"""A simulated local authority and its Ofsted Annex A workbooks: realistic data with no real child in them.

- :func:`simulate` makes the event-level truth of one LA (:class:`World`) from a preset in
  :data:`PRESETS` (``small``, ``median``, ``large``) or any :class:`SynthParams`, with or without the
  2020–21 shocks;
- :func:`write_annex_a` / :func:`write_extracts` write the lists at one or several extract dates in the
  Ofsted template layout; :func:`list_counts` says what a reader should find in them;
- :func:`truth_series` / :func:`truth_json` give the true monthly referrals, starts and open caseloads;
- :func:`demo_data` makes (or reuses) the demo LA's workbooks in the user's cache folder.
"""

from .annex_writer import (
    build_lists,
    counts_of_lists,
    list_counts,
    window_start,
    write_annex_a,
    write_extracts,
    write_lists,
)
from .demo import demo_data, demo_folder
from .params import AGE_GROUPS, PRESET_TARGETS, PRESETS, SHOCKS_2020, Shock, SynthParams
from .simulate import World, age_years, simulate
from .ssda903_writer import build_ssda903, world_episodes, write_ssda903
from .truth import truth_json, truth_series

__all__ = [
    "AGE_GROUPS", "PRESETS", "PRESET_TARGETS", "SHOCKS_2020", "Shock", "SynthParams", "World", "age_years",
    "build_lists", "build_ssda903", "counts_of_lists", "demo_data", "demo_folder", "list_counts", "simulate",
    "truth_json", "truth_series", "window_start", "world_episodes", "write_annex_a", "write_extracts", "write_lists",
    "write_ssda903",
]
