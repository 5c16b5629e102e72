"""Parameter uncertainty (one set of rates per Monte Carlo draw) and quantiles over draws.

Per draw: the referral baseline from a Gamma with the estimate's mean and standard error; conversions from
their Beta posteriors; a hazard multiplier for each kind of plan, log-normal with the standard error of a
rate estimated from that many exits (1/sqrt(exits)). A value the scenario overrides is held fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_demand.model.baseline import Baseline
from csc_demand.model.estimate import Estimates
from csc_demand.scenario import Scenario


@dataclass(frozen=True)
class Draws:
    """Per-draw parameters, each an array of length ``draws``."""

    baseline_per_week: np.ndarray
    cp_per_referral: np.ndarray
    cla_per_referral: np.ndarray
    cp_hazard_ratio: np.ndarray
    cla_hazard_ratio: np.ndarray


def draw_parameters(est: Estimates, scenario: Scenario, baseline: Baseline, draws: int,
                    rng: np.random.Generator) -> Draws:
    """Sample the rates for each draw (see the module docstring)."""
    ov = scenario.overrides
    if ov.referrals_per_week is not None:
        base = np.full(draws, float(ov.referrals_per_week))
    elif baseline.se_per_week > 0 and baseline.per_week > 0:
        shape = (baseline.per_week / baseline.se_per_week) ** 2
        base = rng.gamma(shape, baseline.per_week / shape, size=draws)
    else:
        base = np.full(draws, baseline.per_week)

    def conv(c, override):
        if override is not None:
            return np.full(draws, float(override))
        return rng.beta(c.alpha, c.beta, size=draws)

    p_cp = conv(est.cp.conversion, ov.cp_starts_per_referral)
    p_cla = conv(est.cla.conversion, ov.cla_starts_per_referral)
    h_cp = np.exp(rng.normal(0.0, est.cp.durations.hazard_se_log, size=draws))
    h_cla = np.exp(rng.normal(0.0, est.cla.durations.hazard_se_log, size=draws))
    if ov.cp_median_duration_weeks is not None:
        h_cp = np.ones(draws)
    if ov.cla_median_duration_weeks is not None:
        h_cla = np.ones(draws)
    return Draws(baseline_per_week=base, cp_per_referral=p_cp, cla_per_referral=p_cla, cp_hazard_ratio=h_cp,
                 cla_hazard_ratio=h_cla)

