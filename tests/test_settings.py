"""The Setting: its check, and what a form needs (help, step, format) with their defaults."""

from __future__ import annotations

import pytest

from csc_demand.errors import CscDemandError
from csc_demand.scenario import (
    BY_SOURCE_SETTING,
    COST_SETTINGS,
    NEW_NORMAL_SETTINGS,
    OVERRIDE_SETTINGS,
    SCENARIO_SETTINGS,
    SHOCK_SETTINGS,
)
from csc_demand.settings import Setting
from csc_demand.workforce import WORKFORCE_SETTINGS

EDITOR_SETTINGS = {**SHOCK_SETTINGS, "by_source_change_pct": BY_SOURCE_SETTING, **NEW_NORMAL_SETTINGS,
                   **OVERRIDE_SETTINGS, **COST_SETTINGS, **SCENARIO_SETTINGS, **WORKFORCE_SETTINGS}


@pytest.mark.parametrize(("kwargs", "step", "fmt"), [
    ({}, 1, "%.1f"),                                     # a wide range: steps of 1, one decimal shown
    ({"whole": True}, 1, "%d"),
    ({"step": 0.25}, 0.25, "%.2f"),                      # as many decimals as the step
    ({"step": 50}, 50, "%.1f"),
    ({"step": 5, "fmt": "%.0f"}, 5, "%.0f"),             # given: kept
])
def test_step_and_format_follow_from_the_step_and_whole(kwargs, step, fmt) -> None:
    s = Setting(-100, 500, "%", "The change.", "Change (%)", **kwargs)
    assert (s.step, s.fmt) == (step, fmt)


def test_a_share_steps_by_half_a_percent_and_money_shows_pence() -> None:
    share = Setting(0, 1, "starts per referral", "Plans started per referral.")
    assert (share.step, share.fmt) == (0.005, "%.3f")
    money = Setting(0, 1_000_000, "£ a week", "Weekly cost.", step=50)
    assert (money.step, money.fmt) == (50, "%.2f")


def test_help_defaults_to_the_description() -> None:
    assert Setting(0, 1, "a share", "A share.").help == "A share."
    assert Setting(0, 1, "a share", "A share.", help="For example 0.1 for 1 in 10.").help == \
        "For example 0.1 for 1 in 10."


def test_the_form_fields_do_not_change_the_check() -> None:
    s = Setting(0, 60, "months", "Months.", whole=True, step=6, help="Over how many months.")
    assert s.check("return_months", 12.0) == 12
    with pytest.raises(CscDemandError, match="return_months must be a whole number from 0 to 60, got 61"):
        s.check("return_months", 61)


@pytest.mark.parametrize("name", list(EDITOR_SETTINGS))
def test_every_setting_the_editor_draws_has_a_label_help_and_a_step_within_its_range(name) -> None:
    s = EDITOR_SETTINGS[name]
    assert s.label.strip() and s.help.strip() and s.help.endswith(".")
    assert 0 < s.step <= s.high - s.low
    assert s.fmt % s.low and s.fmt % s.high


def test_the_editor_labels_are_all_different() -> None:
    labels = [s.label for s in EDITOR_SETTINGS.values()]
    assert len(set(labels)) == len(labels)
