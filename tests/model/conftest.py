"""Fixtures for the engine tests: tiny hand-made Annex A objects and a seeded simulated LA."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from world import World, annex_from, simulate_world

from csc_demand.tables import AnnexA, Extract, QualityReport


def make_annex(referrals: list[tuple] | pd.DataFrame, cp: list[tuple] | pd.DataFrame = (),
               cla: list[tuple] | pd.DataFrame = (), extract_date: str = "2020-12-31",
               extracts: list[str] | None = None) -> AnnexA:
    """An AnnexA from tiny lists.

    referrals: (child_id, referral_date, source_group, age_years); cp/cla: (child_id, start_date, end_date or
    None, birth_month). Each row's extract_date is the (newest) extract date.
    """
    e = pd.Timestamp(extract_date)
    if not isinstance(referrals, pd.DataFrame):
        referrals = pd.DataFrame(list(referrals), columns=["child_id", "referral_date", "source_group", "age_years"])
        referrals["referral_date"] = pd.to_datetime(referrals["referral_date"])
        referrals["extract_date"] = e

    def plans(rows) -> pd.DataFrame:
        if isinstance(rows, pd.DataFrame):
            return rows
        df = pd.DataFrame(list(rows), columns=["child_id", "start_date", "end_date", "birth_month"])
        for c in ("start_date", "end_date", "birth_month"):
            df[c] = pd.to_datetime(df[c])
        df["extract_date"] = e
        return df

    dates = extracts or [extract_date]
    ex = [Extract(pd.Timestamp(d), pd.Timestamp(d) - pd.DateOffset(months=6), "test") for d in dates]
    return AnnexA(tables={"referrals": referrals, "cp_plans": plans(cp), "looked_after": plans(cla)},
                  extract_date=e, extract_date_source="user", extracts=ex, quality=QualityReport())


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
