"""One step from a scenario to the model's inputs: overrides, the central path, and the projection using it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from csc_demand.model.inputs import scenario_inputs
from csc_demand.model.project import simulate
from csc_demand.model.timegrid import make_grid
from csc_demand.scenario import NewNormal, Overrides, Scenario

WEEKS = 26


def test_without_overrides_the_inputs_are_the_estimates(world_estimates):
    est = world_estimates
    inputs = scenario_inputs(est, Scenario(name="Plain"), WEEKS)
    assert inputs.referrals_per_week == pytest.approx(est.baseline.per_week)
    for key, flow in est.flows.items():
        assert inputs.per_referral[key] == pytest.approx(flow.conversion.per_referral)
        assert inputs.hazard_ratio[key] == 1.0
        assert inputs.median_weeks(est, key) == pytest.approx(flow.durations.median_weeks)
    assert inputs.factors.shape == (WEEKS, len(est.baseline.mix))


def test_overrides_replace_the_estimates_and_move_the_central_path(world_estimates):
    est = world_estimates
    plain = scenario_inputs(est, Scenario(name="Plain"), WEEKS)
    ov = Overrides(referrals_per_week=2 * est.baseline.per_week, cp_starts_per_referral=0.2,
                   cla_median_duration_weeks=2 * est.cla.durations.median_weeks)
    inputs = scenario_inputs(est, Scenario(name="Overridden", overrides=ov), WEEKS)
    assert inputs.referrals_per_week == pytest.approx(2 * est.baseline.per_week)
    assert inputs.per_referral["cp"] == 0.2
    # longer care: a hazard multiplier below 1, and more children looked after on the central path
    assert inputs.hazard_ratio["cla"] < 1.0
    assert (inputs.central["cla"].open[1:] > plain.central["cla"].open[1:]).all()
    # the starts' central path: starts per referral × the lagged referrals, so doubling the referrals and
    # changing p from p0 to 0.2 multiplies the plans started once the lag has passed by 2 × 0.2 / p0
    late = slice(WEEKS - 4, WEEKS)
    p0 = est.cp.conversion.per_referral
    ratio = inputs.central["cp"].starts[late] / plain.central["cp"].starts[late]
    assert ratio == pytest.approx(np.full(4, 2 * 0.2 / p0), rel=1e-9)


def test_a_new_normal_raises_the_weekly_factor_from_its_date(world_estimates):
    est = world_estimates
    start = (est.extract_date + dt.timedelta(weeks=10)).date()
    plain = scenario_inputs(est, Scenario(name="Plain"), WEEKS)
    higher = scenario_inputs(est, Scenario(name="Higher", new_normal=NewNormal(start, 10.0)), WEEKS)
    ratio = higher.weekly_factor / plain.weekly_factor
    assert ratio[:9] == pytest.approx(np.ones(9))
    assert ratio[11:] == pytest.approx(np.full(WEEKS - 11, 1.1))


def test_the_projection_follows_its_inputs(world_estimates):
    est = world_estimates
    grid = make_grid(est.extract_date, 6)
    inputs = scenario_inputs(est, Scenario(name="Plain"), grid.weeks)
    sim = simulate(est, inputs, grid, 2000, 3)
    assert sim.central is inputs.central
    # the draws' mean plans started follow the central path (within chance and the draws' parameter spread)
    mean, central = sim.cp_starts.mean(axis=0).sum(), inputs.central["cp"].starts.sum()
    assert mean == pytest.approx(central, rel=0.05)
    with pytest.raises(ValueError, match="weeks"):
        simulate(est, scenario_inputs(est, Scenario(name="Short"), grid.weeks - 1), grid, 10, 3)
