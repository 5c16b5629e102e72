"""Children in need (List 6): the flow, keeping children on a plan or in care inside it, and social workers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from csc_demand.io import read_annex_a
from csc_demand.model import estimate, forecast
from csc_demand.model.conversion import fit_episode_conversion
from csc_demand.scenario import Scenario
from csc_demand.synth import simulate, truth_series, write_annex_a

E = pd.Timestamp("2021-06-30")


@pytest.fixture(scope="module")
def cin_world(tmp_path_factory):
    world = simulate("small", 5, start="2019-01-01", end="2022-12-31", shocks=False)
    path = write_annex_a(world, E, tmp_path_factory.mktemp("cin") / "annex_a_2021-06-30.xlsx")
    annex = read_annex_a([path], key=b"k" * 32)
    return world, annex, estimate(annex)


def _median(table: pd.DataFrame, measure: str) -> pd.Series:
    sel = table[(table.measure == measure) & (table.period_type == "month") & (table.breakdown == "total")
                & (table["quantile"] == 0.5)]
    return sel.set_index("period")["value"]


def test_episode_conversion_by_hand():
    """Four referrals: a's falls inside a's open episode (started before it), b's starts b's episode, c's comes
    after c's episode closed, d has no episode listed (an earlier one was overwritten): 3 of 4 start one."""
    refs = pd.DataFrame({"child_id": ["a", "b", "c", "d"],
                         "referral_date": pd.to_datetime(["2021-03-01", "2021-03-02", "2021-03-03", "2021-03-04"])})
    eps = pd.DataFrame({"child_id": ["a", "b", "c"],
                        "start_date": pd.to_datetime(["2021-01-05", "2021-03-02", "2021-01-10"]),
                        "end_date": pd.to_datetime([None, None, "2021-02-01"])})
    c = fit_episode_conversion(refs, eps, pd.date_range("2021-01-01", "2021-06-30"), "episodes")
    assert c.per_referral == pytest.approx(0.75) and c.starts == 3 and c.referrals == 4
    assert c.alpha == 3.5 and c.beta == 1.5 and c.lag_pmf[0] == 1.0


def test_children_in_need_are_estimated_from_list_6(cin_world):
    world, annex, est = cin_world
    truth = truth_series(world).set_index("month")
    assert est.cin is not None
    assert est.cin.open_now == truth.loc["2021-06", "cin_open"]
    # every referral starts an episode in the simulated LA unless one is open: close to the true share
    refs = world.referrals[(world.referrals.referral_date > E - pd.Timedelta(days=182))
                           & (world.referrals.referral_date <= E)]
    starts = world.cin[(world.cin.start_date > E - pd.Timedelta(days=182)) & (world.cin.start_date <= E)]
    assert est.cin.conversion.per_referral == pytest.approx(len(starts) / len(refs), abs=0.05)
    assert any("child in need" in line for line in est.explain())


def test_the_forecast_keeps_plans_and_care_inside_children_in_need(cin_world):
    _, _, est = cin_world
    gone = replace(est, cin=replace(est.cin, conversion=replace(est.cin.conversion, per_referral=1e-6,
                                                                alpha=0.5, beta=1e6)))
    t = forecast(gone, months=24, draws=300).table
    cin, cp, cla = _median(t, "cin_open"), _median(t, "cp_open"), _median(t, "cla_open")
    assert (cin >= 0.97 * (cp + cla)).all()
    assert cin.iloc[-1] == pytest.approx(cp.iloc[-1] + cla.iloc[-1], rel=0.05)   # no other child in need left
    full = forecast(est, months=24, draws=300).table
    assert (_median(full, "cin_open") > _median(full, "cp_open") + _median(full, "cla_open")).all()


def test_social_workers_are_children_in_need_over_the_caseload(cin_world):
    _, _, est = cin_world
    set15 = forecast(est, Scenario(name="s", caseload_per_worker=15.0), months=12, draws=300).table
    assert _median(set15, "social_workers").to_numpy() == pytest.approx(_median(set15, "cin_open").to_numpy() / 15)
    england = forecast(est, Scenario(name="e"), months=12, draws=300).table
    assert _median(england, "social_workers").to_numpy() == pytest.approx(
        _median(england, "cin_open").to_numpy() / 15.2)


def test_no_list_6_no_social_workers(world_estimates):
    t = forecast(world_estimates, months=6, draws=100).table
    assert not t["measure"].isin(["cin_open", "cin_starts", "social_workers"]).any()
    assert np.isfinite(t["value"]).all()
