"""Chart axis labels stay short enough not to overlap the rotated axis title (costs run to £ millions)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from csc_demand.report.svg import band_chart_svg
from csc_demand.report.svg import tick_label as _tick_label


def _wide(values: list[tuple[float, float, float]]) -> pd.DataFrame:
    starts = pd.date_range("2021-01-01", periods=len(values), freq="MS")
    index = pd.MultiIndex.from_arrays([starts.strftime("%Y-%m"), starts], names=["period", "period_start"])
    columns = pd.MultiIndex.from_tuples([("S", "All", 0.1), ("S", "All", 0.5), ("S", "All", 0.9)])
    return pd.DataFrame(values, index=index, columns=columns)


@pytest.mark.parametrize(("value", "kind", "text"), [
    (0, "cost_gbp", "£0"), (500_000, "cost_gbp", "£500k"), (1_500_000, "cost_gbp", "£1.5m"),
    (2_000_000, "cost_gbp", "£2m"), (1_200_000.0000001, "cost_gbp", "£1.2m"), (40_000, "cost_gbp", "£40k"),
    (750, "cost_gbp", "£750"), (1_500, "count", "1,500"), (12.5, "social_workers", "12.5"),
])
def test_tick_labels(value, kind, text):
    assert _tick_label(value, kind) == text


def test_cost_axis_labels_are_short():
    svg = band_chart_svg(_wide([(1.0e6, 1.2e6, 1.4e6), (1.1e6, 1.3e6, 1.9e6)]), ["S"], chart_id="c",
                         title="Cost", description="d", y_title="Cost in the month (£)", kind="cost_gbp")
    ticks = re.findall(r'text-anchor="end">([^<]*)<', svg)
    assert ticks and "£1m" in ticks and max(len(t) for t in ticks) <= 6
