"""End to end on a simulated LA whose future is known (csc_demand.synth): the real writer, the real reader,
the engine. The thorough version over many LAs is benchmarks/eval_accuracy.py; this is the fast one."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from csc_demand.io import read_annex_a
from csc_demand.model import estimate, forecast
from csc_demand.scenario import NewNormal, Scenario, Shock
from csc_demand.synth import simulate, truth_series, write_annex_a


@pytest.fixture(scope="module")
def synth_case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    world = simulate("median", 101, start="2019-01-01", end="2021-12-31")
    path = folder / "annex_a_2020-12-31.xlsx"
    write_annex_a(world, "2020-12-31", path)
    return world, estimate(read_annex_a(path, key=b"0" * 32))


def _true_scenario(future: bool) -> Scenario:
    past = Shock("Lockdown 1", dt.date(2020, 3, 23), dt.date(2020, 6, 30), -40,
                 by_source_change_pct={"Schools": -75}, returns_pct=50, return_start=dt.date(2020, 9, 1),
                 return_months=4)
    lock2 = Shock("Lockdown 2", dt.date(2021, 1, 4), dt.date(2021, 3, 31), -20, by_source_change_pct={"Schools": -55})
    if not future:
        return Scenario(name="Past shocks only", shocks=(past,))
    return Scenario(name="True", shocks=(past, lock2), new_normal=NewNormal(dt.date(2021, 7, 1), 4))


def test_twelve_months_ahead_against_the_truth(synth_case):
    world, est = synth_case
    fc = forecast(est, [_true_scenario(True), _true_scenario(False)], months=12, draws=1000)
    t = fc.table[(fc.table.breakdown == "total") & (fc.table.period_type == "month")]
    truth = truth_series(world).set_index("month")
    inside = []
    for m in ("referrals", "cp_starts", "cp_open", "cla_starts", "cla_open"):
        q = t[(t.measure == m) & (t.scenario == "True")].pivot_table(index="period", columns="quantile",
                                                                    values="value")
        tr = truth.loc[q.index, m]
        inside += list((tr >= q[0.1]) & (tr <= q[0.9]))
        if m in ("cp_open", "cla_open"):
            # one median-sized LA with six months of data: a 12-month stock forecast has about ±8% sampling
            # error (1 s.d.; see benchmarks/eval_accuracy.py for the average over many LAs): catch gross errors
            assert q[0.5].iloc[-1] == pytest.approx(tr.iloc[-1], rel=0.2)
    assert 0.6 <= np.mean(inside) <= 0.97
    # the scenario matters: without Lockdown 2 the forecast of Jan–Mar 2021 referrals is about 20% too high
    r = t[t.measure == "referrals"].pivot_table(index="period", columns="scenario", values="value", aggfunc="first")
    q1 = ["2021-01", "2021-02", "2021-03"]
    med = t[(t.measure == "referrals") & (t["quantile"] == 0.5)].pivot_table(index="period", columns="scenario",
                                                                             values="value")
    ratio = med.loc[q1, "True"].sum() / med.loc[q1, "Past shocks only"].sum()
    assert ratio == pytest.approx(0.8, abs=0.03)
    miss = med.loc[q1, "Past shocks only"].sum() / truth.loc[q1, "referrals"].sum() - 1
    assert miss > 0.1
    assert len(r) == 12
