"""Fixtures for the engine tests: tiny hand-made Annex A objects and a seeded simulated LA."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from world import World, annex_from, make_annex, simulate_world  # noqa: F401  (make_annex re-exported)



@pytest.fixture(scope="session")
def world_events():
    """A simulated LA (60 referrals a week, p_cp 0.1, p_cla 0.05) with events to the end of 2022."""
    return simulate_world(World(), seed=11, end="2022-12-31")


@pytest.fixture(scope="session")
def world_annex(world_events):
    """One Annex A extract on 31 Dec 2020 of the simulated LA."""
    refs, cp, cla = world_events
    return annex_from(refs, cp, cla, ["2020-12-31"])


@pytest.fixture(scope="session")
def world_estimates(world_annex):
    from csc_demand.model import estimate
    return estimate(world_annex)
