"""A scenario's own reference window must hold observed referrals: otherwise the user is told, by field."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from world import make_annex

from csc_demand.errors import CscDemandError
from csc_demand.model import estimate
from csc_demand.model.inputs import scenario_referrals
from csc_demand.scenario import Scenario


def _annex():
    d0 = pd.Timestamp("2020-06-30")
    refs = [(f"{i:04d}{k:012x}", d0 + pd.Timedelta(days=i), "Police", 8) for i in range(185) for k in range(2)]
    return make_annex(refs, cp=[("c1", "2020-08-01", None, "2012-05-01")],
                      cla=[("k1", "2020-09-01", None, "2015-01-01")])


def test_reference_window_outside_the_data_names_the_fields() -> None:
    est = estimate(_annex())
    with pytest.raises(CscDemandError, match=r"reference_start.*reference_end.*30/06/2020 to 31/12/2020"):
        scenario_referrals(est, Scenario(name="Later", reference_start=dt.date(2030, 1, 1)))


def test_reference_window_inside_the_data_is_used() -> None:
    est = estimate(_annex())
    base, _, _ = scenario_referrals(est, Scenario(name="Aug", reference_start=dt.date(2020, 8, 1),
                                               reference_end=dt.date(2020, 8, 31)))
    assert base.referrals == 62 and base.per_week == pytest.approx(14.0)
