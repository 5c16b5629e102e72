"""Scenario schema: loading, validation messages, the TOML writer's round trip, the built-in examples."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_demand.errors import CscDemandError
from csc_demand.scenario import (
    SOURCE_GROUPS,
    Costs,
    NewNormal,
    Overrides,
    Scenario,
    Shock,
    Workforce,
    builtin_scenarios,
    load_scenario,
    scenario_from_dict,
    scenario_to_toml,
)

ISSUE_EXAMPLE = """
name = "Second lockdown"
description = "A second lockdown"
reference_start = 2020-07-01          # optional: window for the baseline
[[shock]]
name = "Lockdown 2"
start = 2021-01-05
end = 2021-03-08
referrals_change_pct = -20             # change during the shock
returns_pct = 40                       # share of the missing referrals that come back later
return_start = 2021-03-08
return_months = 4
[new_normal]
from = 2021-07-01
change_pct = 4
[overrides]
cp_starts_per_referral = 0.09
[costs]
residential_gbp_per_week = 5500
"""


def test_issue_example_loads() -> None:
    s = load_scenario(ISSUE_EXAMPLE)
    assert s.name == "Second lockdown"
    assert s.reference_start == dt.date(2020, 7, 1) and s.reference_end is None
    (sh,) = s.shocks
    assert (sh.start, sh.end) == (dt.date(2021, 1, 5), dt.date(2021, 3, 8))
    assert sh.referrals_change_pct == -20 and sh.returns_pct == 40 and sh.return_months == 4
    assert sh.return_profile == "even" and sh.return_start_date == dt.date(2021, 3, 8)
    assert s.new_normal == NewNormal(dt.date(2021, 7, 1), 4.0)
    assert s.overrides.cp_starts_per_referral == 0.09 and s.overrides.cla_starts_per_referral is None
    assert s.costs.residential_gbp_per_week == 5500 and s.costs.fostering_gbp_per_week == Costs().fostering_gbp_per_week


def test_return_start_defaults_to_day_after_end() -> None:
    s = load_scenario('name = "x"\n[[shock]]\nname = "a"\nstart = 2021-01-01\nend = 2021-01-31\n')
    assert s.shocks[0].return_start is None
    assert s.shocks[0].return_start_date == dt.date(2021, 2, 1)


def test_load_from_file_and_errors_name_the_file(tmp_path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text(ISSUE_EXAMPLE, encoding="utf-8")
    assert load_scenario(p) == load_scenario(str(p)) == load_scenario(ISSUE_EXAMPLE)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ntrend_pct_per_year = "lots"\n', encoding="utf-8")
    with pytest.raises(CscDemandError, match=r"^Scenario file 'bad.toml': trend_pct_per_year must be a number"):
        load_scenario(bad)
    with pytest.raises(CscDemandError, match="was not found"):
        load_scenario(tmp_path / "missing.toml")


def _two_shocks(second: str) -> str:
    return ('name = "x"\n[[shock]]\nname = "Lockdown 1"\nstart = 2020-03-23\nend = 2020-06-30\n'
            f'[[shock]]\nname = "Lockdown 2"\nstart = 2021-01-05\nend = 2021-03-08\n{second}\n')


@pytest.mark.parametrize(("extra", "message"), [
    ('return_months = "six"',
     "shock 2 ('Lockdown 2'): return_months must be a whole number from 0 to 60, got 'six'"),
    ("return_months = 61", "shock 2 ('Lockdown 2'): return_months must be a whole number from 0 to 60, got 61"),
    ("returns_pct = 140", "shock 2 ('Lockdown 2'): returns_pct must be a number from 0 to 100, got 140"),
    ("referrals_change_pct = -120", "referrals_change_pct must be a number from -100 to 500, got -120"),
    ('return_profile = "backloaded"', "return_profile must be \"even\" or \"front-loaded\", got 'backloaded'"),
    ("retuns_pct = 40", "shock 2 ('Lockdown 2'): unknown setting 'retuns_pct'. Did you mean 'returns_pct'?"),
    ("return_start = 2020-12-01", "return_start (2020-12-01) must be after the shock starts"),
    ("by_source_change_pct = { Skools = -50 }", "unknown referral source group 'Skools'. Did you mean 'Schools'?"),
    ("referrals_change_pct = -35\nreferrals_change_low_pct = -41",
     "shock 2 ('Lockdown 2'): referrals_change_low_pct is given but referrals_change_high_pct is missing"),
    ("referrals_change_pct = -35\nreferrals_change_high_pct = -28",
     "shock 2 ('Lockdown 2'): referrals_change_high_pct is given but referrals_change_low_pct is missing"),
    ("referrals_change_pct = -35\nreferrals_change_low_pct = -120\nreferrals_change_high_pct = -28",
     "shock 2 ('Lockdown 2'): referrals_change_low_pct must be a number from -100 to 500, got -120"),
    ("referrals_change_pct = -35\nreferrals_change_low_pct = -41\nreferrals_change_high_pct = 600",
     "shock 2 ('Lockdown 2'): referrals_change_high_pct must be a number from -100 to 500, got 600"),
    ('referrals_change_pct = -35\nreferrals_change_low_pct = "-41"\nreferrals_change_high_pct = -28',
     "shock 2 ('Lockdown 2'): referrals_change_low_pct must be a number from -100 to 500, got '-41'"),
    ("referrals_change_pct = -35\nreferrals_change_low_pct = -30\nreferrals_change_high_pct = -28",
     "shock 2 ('Lockdown 2'): referrals_change_low_pct (-30) is above referrals_change_pct (-35)"),
    ("referrals_change_pct = -35\nreferrals_change_low_pct = -41\nreferrals_change_high_pct = -40",
     "shock 2 ('Lockdown 2'): referrals_change_high_pct (-40) is below referrals_change_pct (-35)"),
    ("referrals_change_lo_pct = -40", "Did you mean 'referrals_change_low_pct'?"),
])
def test_validation_names_the_bad_field(extra: str, message: str) -> None:
    with pytest.raises(CscDemandError) as err:
        load_scenario(_two_shocks(extra))
    assert message in str(err.value)


@pytest.mark.parametrize(("text", "message"), [
    ('description = "no name"', "name is missing"),
    ('name = "x"\nreference_start = 2021-02-30', "not valid TOML"),
    ('name = "x"\nreference_start = "1 July 2020"', "reference_start must be a date written YYYY-MM-DD"),
    ('name = "x"\nreference_start = 2021-01-01\nreference_end = 2020-01-01', "reference_end (2020-01-01) must be after"),
    ('name = "x"\n[[shock]]\nname = "a"\nstart = 2021-03-01\nend = 2021-01-01', "shock 1 ('a'): end (2021-01-01) is before"),
    ('name = "x"\n[[shock]]\nstart = 2021-03-01\nend = 2021-04-01', "shock 1: name is missing"),
    ('name = "x"\n[[shock]]\nname = "a"\nend = 2021-04-01', "shock 1 ('a'): start is missing"),
    (('name = "x"\n[[shock]]\nname = "a"\nstart = 2021-03-01\nend = 2021-04-01\n'
     '[[shock]]\nname = "a"\nstart = 2021-05-01\nend = 2021-06-01'), "two shocks are called 'a'"),
    ('name = "x"\n[new_normal]\nchange_pct = 4', "new_normal: from is missing"),
    ('name = "x"\n[overrides]\ncp_starts_per_referral = 1.5', "overrides: cp_starts_per_referral must be a number from 0 to 1"),
    ('name = "x"\n[overrides]\ncp_start_per_referral = 0.1', "Did you mean 'cp_starts_per_referral'?"),
    ('name = "x"\n[costs]\nresidential_gbp_per_week = -1', "costs: residential_gbp_per_week must be a number from 0"),
    ('name = "x"\ncaseload_per_worker = 0', "caseload_per_worker must be a number from 1 to 200, got 0"),
    ('name = "x"\nquantiles = [0.1, 1.5]', "quantiles must be a share from 0.001 to 0.999, got 1.5"),
    ('name = "x"\ncolour = "red"', "unknown setting 'colour'"),
    ('name = " Actual "', 'name cannot be "Actual"'),
    ('name = "x"\nreturns_pct = true', "unknown setting 'returns_pct'"),
])
def test_top_level_validation(text: str, message: str) -> None:
    with pytest.raises(CscDemandError) as err:
        load_scenario(text)
    assert message in str(err.value)


def test_booleans_are_not_numbers() -> None:
    with pytest.raises(CscDemandError, match="trend_pct_per_year must be a number"):
        load_scenario('name = "x"\ntrend_pct_per_year = true')


def test_builtins_round_trip_and_move_to_next_winter() -> None:
    names = list(builtin_scenarios())
    assert names == ["No further shocks", "Second lockdown next winter", "New normal +10%"]
    for s in builtin_scenarios().values():
        assert load_scenario(scenario_to_toml(s)) == s
        assert s.describe() and all(isinstance(x, str) and x for x in s.describe())
    lock = builtin_scenarios(dt.date(2023, 3, 31))["Second lockdown next winter"]
    assert lock.shocks[0].start == dt.date(2024, 1, 5)
    assert lock.shocks[0].returns_pct == 50 and lock.shocks[0].return_months == 6
    # an extract on the day before the shock keeps the original year; on the day itself, the next winter
    assert builtin_scenarios(dt.date(2021, 1, 4))["Second lockdown next winter"].shocks[0].start == dt.date(2021, 1, 5)
    assert builtin_scenarios(dt.date(2021, 1, 5))["Second lockdown next winter"].shocks[0].start == dt.date(2022, 1, 5)
    assert builtin_scenarios(dt.date(2030, 6, 30))["New normal +10%"].new_normal.from_date == dt.date(2031, 1, 1)


def test_describe_mentions_each_assumption() -> None:
    text = " ".join(load_scenario(ISSUE_EXAMPLE).describe())
    assert "Lockdown 2: from 5 Jan 2021 to 8 Mar 2021, referrals are 20% below the usual level" in text
    assert "40% of the referrals missed during Lockdown 2 come back later, over 4 months from 8 Mar 2021" in text
    assert "new normal 4% above the usual level" in text
    assert "child protection plans started per referral = 0.09" in text
    assert "Unit costs are set by the user" in text


def _interval_shock(change: float, low: float | None, high: float | None, **kwargs) -> Shock:
    return Shock(name="Lockdown 2", start=dt.date(2021, 1, 5), end=dt.date(2021, 3, 8), referrals_change_pct=change,
                 referrals_change_low_pct=low, referrals_change_high_pct=high, **kwargs)


@pytest.mark.parametrize(("change", "low", "high", "wording"), [
    (-35, -41, -28, "referrals are 35% below the usual level (80% interval 28% to 41% below)."),
    (8, 5, 12.5, "referrals are 8% above the usual level (80% interval 5% to 12.5% above)."),
    (-2, -10, 5, "referrals are 2% below the usual level (80% interval 10% below to 5% above)."),
    (-35, None, None, "referrals are 35% below the usual level."),
])
def test_describe_gives_the_interval_of_the_change_in_words(change, low, high, wording) -> None:
    text = " ".join(Scenario(name="x", shocks=(_interval_shock(change, low, high),)).describe())
    assert f"Lockdown 2: from 5 Jan 2021 to 8 Mar 2021, {wording}" in text


def test_describe_puts_the_interval_before_the_change_by_source() -> None:
    sh = _interval_shock(-35, -41, -28, by_source_change_pct={"Schools": -57})
    text = " ".join(Scenario(name="x", shocks=(sh,)).describe())
    assert ("referrals are 35% below the usual level (80% interval 28% to 41% below; from Schools: 57% below the "
            "usual level).") in text


def test_interval_loads_and_round_trips() -> None:
    s = load_scenario(_two_shocks("referrals_change_pct = -35\nreferrals_change_low_pct = -41.5\n"
                                  "referrals_change_high_pct = -28"))
    first, second = s.shocks
    assert first.referrals_change_low_pct is None and first.referrals_change_high_pct is None
    assert (second.referrals_change_low_pct, second.referrals_change_high_pct) == (-41.5, -28.0)
    text = scenario_to_toml(s)
    assert "referrals_change_low_pct = -41.5\nreferrals_change_high_pct = -28\n" in text
    assert text.count("referrals_change_low_pct") == 1, "no interval is written for a shock without one"
    assert load_scenario(text) == s
    # the interval may touch the change, and reach the limits
    edge = load_scenario(_two_shocks("referrals_change_pct = -100\nreferrals_change_low_pct = -100\n"
                                     "referrals_change_high_pct = 500"))
    assert edge.shocks[1].referrals_change_high_pct == 500


_dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31))
_pct = st.floats(min_value=-100, max_value=500, allow_nan=False, allow_infinity=False)
_text = st.text(min_size=1, max_size=30).map(str.strip).filter(lambda t: t and t.casefold() != "actual")


@st.composite
def _shocks(draw) -> tuple[Shock, ...]:
    n = draw(st.integers(0, 3))
    out = []
    names = draw(st.lists(_text, min_size=n, max_size=n, unique=True))
    for name in names:
        start = draw(_dates)
        end = start + dt.timedelta(days=draw(st.integers(0, 400)))
        rs = draw(st.none() | st.integers(1, 400).map(lambda d, s=start: s + dt.timedelta(days=d)))
        by_source = draw(st.dictionaries(st.sampled_from(SOURCE_GROUPS), _pct, max_size=3))
        change = draw(_pct)
        low, high = draw(st.none() | st.tuples(st.floats(-100, change, allow_nan=False),
                                               st.floats(change, 500, allow_nan=False))) or (None, None)
        out.append(Shock(name=name, start=start, end=end, referrals_change_pct=change,
                         referrals_change_low_pct=low, referrals_change_high_pct=high,
                         by_source_change_pct=by_source,
                         returns_pct=draw(st.floats(0, 100, allow_nan=False)), return_start=rs,
                         return_months=draw(st.integers(0, 60)),
                         return_profile=draw(st.sampled_from(["even", "front-loaded"]))))
    return tuple(out)


@settings(max_examples=60, deadline=None)
@given(name=_text, description=st.text(max_size=80), shocks=_shocks(),
       nn=st.none() | st.builds(NewNormal, _dates, _pct),
       trend=st.floats(-50, 50, allow_nan=False),
       cp=st.none() | st.floats(0, 1, allow_nan=False),
       fost=st.floats(0, 1_000_000, allow_nan=False),
       caseload=st.none() | st.floats(1, 200, allow_nan=False),
       workforce=st.builds(
           Workforce, la=st.sampled_from([None, "Kent", "E09000027", "kingston upon hull"]),
           case_holder_share_pct=st.floats(1, 100, allow_nan=False), salary_gbp_per_year=st.floats(10_000, 250_000),
           case_holders_fte_now=st.none() | st.floats(0.1, 100_000),
           target_caseload=st.none() | st.floats(1, 200), target_date=st.none() | _dates))
def test_toml_round_trip(name, description, shocks, nn, trend, cp, fost, caseload, workforce) -> None:
    if workforce.target_caseload is None and workforce.target_date is not None:
        workforce = Workforce(la=workforce.la, target_caseload=12.0, target_date=workforce.target_date)
    s = Scenario(name=name, description=description, shocks=shocks, new_normal=nn, trend_pct_per_year=trend,
                 overrides=Overrides(cp_starts_per_referral=cp), costs=Costs(fostering_gbp_per_week=fost),
                 caseload_per_worker=caseload, reference_start=dt.date(2020, 1, 1), workforce=workforce)
    assert load_scenario(scenario_to_toml(s)) == s


def test_return_end_date_is_whole_months_after_the_return_start() -> None:
    def end(start: dt.date, months: int) -> dt.date:
        return Shock(name="x", start=dt.date(2020, 1, 1), end=dt.date(2020, 2, 1), returns_pct=50,
                     return_start=start, return_months=months).return_end_date

    assert end(dt.date(2021, 3, 9), 4) == dt.date(2021, 7, 9)
    assert end(dt.date(2021, 1, 31), 1) == dt.date(2021, 2, 28)      # no 31 February: the month's last day
    assert end(dt.date(2020, 12, 15), 13) == dt.date(2022, 1, 15)
    assert end(dt.date(2021, 3, 9), 0) == dt.date(2021, 3, 10)       # all at once: that one day


# --- the caseload and the [workforce] table ------------------------------------------------------------------

WORKFORCE_EXAMPLE = """
name = "Caseloads down"
[workforce]
la = "Kent"
case_holder_share_pct = 60
agency_rate_pct = 10
vacancy_rate_pct = 12.5
salary_gbp_per_year = 45000
on_costs_pct = 28
agency_premium_pct = 40
case_holders_fte_now = 480
target_caseload = 14
target_date = 2027-03-31
"""


def test_workforce_table_loads() -> None:
    s = load_scenario(WORKFORCE_EXAMPLE)
    assert s.caseload_per_worker is None
    assert s.workforce == Workforce(la="Kent", case_holder_share_pct=60.0, agency_rate_pct=10.0,
                                    vacancy_rate_pct=12.5, salary_gbp_per_year=45_000.0, on_costs_pct=28.0,
                                    agency_premium_pct=40.0, case_holders_fte_now=480.0, target_caseload=14.0,
                                    target_date=dt.date(2027, 3, 31))
    assert load_scenario(scenario_to_toml(s)) == s


def test_no_workforce_table_gives_the_defaults_and_no_caseload() -> None:
    s = load_scenario('name = "x"')
    assert s.caseload_per_worker is None and s.workforce == Workforce()
    assert (s.workforce.case_holder_share_pct, s.workforce.agency_rate_pct, s.workforce.vacancy_rate_pct) == (
        58.3, 13.0, 14.2)
    assert (s.workforce.salary_gbp_per_year, s.workforce.on_costs_pct, s.workforce.agency_premium_pct) == (
        42_000.0, 30.0, 50.0)
    text = scenario_to_toml(s)
    assert "caseload_per_worker" not in text, "no caseload is written when none is set"
    assert "[workforce]" in text and "la =" not in text and "target_caseload" not in text
    assert load_scenario(text) == s


def test_caseload_per_worker_is_kept_when_set() -> None:
    s = load_scenario('name = "x"\ncaseload_per_worker = 15')
    assert s.caseload_per_worker == 15.0
    assert "caseload_per_worker = 15\n" in scenario_to_toml(s)


def test_an_editor_may_pass_none_for_settings_not_set() -> None:
    s = scenario_from_dict({"name": "x", "caseload_per_worker": None,
                            "workforce": {"la": None, "target_caseload": None, "salary_gbp_per_year": 40_000}})
    assert s.caseload_per_worker is None
    assert s.workforce == Workforce(salary_gbp_per_year=40_000.0)


def test_module_docstring_example_loads() -> None:
    import textwrap

    import csc_demand.scenario as module

    block = module.__doc__.split("::\n\n", 1)[1].split("\n\nPercent", 1)[0]
    s = load_scenario(textwrap.dedent(block))
    assert s.caseload_per_worker == 15 and s.workforce.la == "Kent" and s.workforce.target_caseload == 12


@pytest.mark.parametrize(("table", "message"), [
    ('la = "Kentt"', "Scenario: workforce: la: 'Kentt' is not a local authority in the DfE's workforce figures. "
                     "Did you mean 'Kent'"),
    ('la = "Kingston"', "workforce: la: 'Kingston' could be Kingston upon Hull, City of or Kingston upon Thames"),
    ("la = 886", "workforce: la must be non-empty text in quotes, got 886"),
    ('la = ""', "workforce: la must be non-empty text in quotes"),
    ("case_holder_share_pct = 0", "workforce: case_holder_share_pct must be a number from 1 to 100, got 0"),
    ("agency_rate_pct = 101", "workforce: agency_rate_pct must be a number from 0 to 100, got 101"),
    ("vacancy_rate_pct = 95", "workforce: vacancy_rate_pct must be a number from 0 to 90, got 95"),
    ('salary_gbp_per_year = "42k"', "workforce: salary_gbp_per_year must be a number from 10,000 to 250,000, "
                                    "got '42k'"),
    ("on_costs_pct = -5", "workforce: on_costs_pct must be a number from 0 to 100, got -5"),
    ("agency_premium_pct = 400", "workforce: agency_premium_pct must be a number from 0 to 300, got 400"),
    ("case_holders_fte_now = 0", "workforce: case_holders_fte_now must be a number from 0.1 to 100,000, got 0"),
    ("target_caseload = 0.5", "workforce: target_caseload must be a number from 1 to 200, got 0.5"),
    ('target_caseload = 12\ntarget_date = "next year"',
     "workforce: target_date must be a date written YYYY-MM-DD"),
    ("target_date = 2027-03-31", "workforce: target_date is given but target_caseload is missing"),
    ("salary_gbp_a_year = 40000",
     "workforce: unknown setting 'salary_gbp_a_year'. Did you mean 'salary_gbp_per_year'?"),
])
def test_workforce_validation_names_the_key(table: str, message: str) -> None:
    with pytest.raises(CscDemandError) as err:
        load_scenario(f'name = "x"\n[workforce]\n{table}\n')
    assert message in str(err.value)


def test_workforce_must_be_a_table() -> None:
    with pytest.raises(CscDemandError, match="workforce: must be a table of settings"):
        load_scenario('name = "x"\nworkforce = 3')


def test_describe_says_which_caseload_applies() -> None:
    none = " ".join(Scenario(name="x").describe())
    assert ("Social workers needed assume the default caseload (open cases per worker holding cases, children on "
            "plans and in care included): England's latest published caseload, 30 September 2025: 15.2 cases per "
            "case-holding social worker (DfE), because no local authority was named.") in none
    assert "Social workers' pay is illustrative, not your authority's (salary £42,000 a year, on-costs 30%" in none
    assert "(England, 30 September 2025, DfE)" in none and "Target" not in none
    kent = " ".join(Scenario(name="x", workforce=Workforce(la="Kent")).describe())
    assert "Kent's own published caseload, 30 September 2025: 17 cases per case-holding social worker (DfE)." in kent
    joint = " ".join(Scenario(name="x", workforce=Workforce(la="Richmond")).describe())
    assert "included): the published caseload of Kingston upon Thames and Richmond upon Thames" in joint
    own = " ".join(Scenario(name="x", caseload_per_worker=15, workforce=Workforce(la="Kent")).describe())
    assert "Social workers needed assume 15 open cases per worker holding cases" in own and "Kent's" not in own
    target = " ".join(load_scenario(WORKFORCE_EXAMPLE).describe())
    assert "Target: caseloads of 14 cases per case-holding social worker by 31 Mar 2027, from 480 case-holding " \
           "social workers (FTE) today." in target
    assert "Social workers' pay is set by the user: salary £45,000 a year, on-costs 28%, agency workers 40% dearer" \
           in target
    assert "case holders are 60% of social workers in post, the agency rate is 10% and the vacancy rate 12.5%, as " \
           "this scenario sets" in target


def test_describe_does_not_fail_on_an_unknown_authority_built_in_code() -> None:
    text = " ".join(Scenario(name="x", workforce=Workforce(la="Atlantis")).describe())
    assert "'Atlantis' is not a local authority" in text


def _every_setting():
    """(table name, key, Setting, how to put a value into a scenario) for every numeric setting in the tables."""
    from csc_demand.scenario import (
        COST_SETTINGS,
        NEW_NORMAL_SETTINGS,
        OVERRIDE_SETTINGS,
        SCENARIO_SETTINGS,
        SHOCK_SETTINGS,
    )
    from csc_demand.workforce import WORKFORCE_SETTINGS

    def shock(key):
        return lambda s, v: dataclasses.replace(s, shocks=(dataclasses.replace(s.shocks[0], **{key: v}),))

    def part(attr, key):
        return lambda s, v: dataclasses.replace(s, **{attr: dataclasses.replace(getattr(s, attr), **{key: v})})

    tables = [("shock", SHOCK_SETTINGS, shock), ("new_normal", NEW_NORMAL_SETTINGS, lambda k: part("new_normal", k)),
              ("overrides", OVERRIDE_SETTINGS, lambda k: part("overrides", k)),
              ("costs", COST_SETTINGS, lambda k: part("costs", k)),
              ("workforce", WORKFORCE_SETTINGS, lambda k: part("workforce", k)),
              ("scenario", SCENARIO_SETTINGS, lambda k: lambda s, v: dataclasses.replace(s, **{k: v}))]
    return [(name, key, setting, put(key)) for name, table, put in tables for key, setting in table.items()]


@pytest.mark.parametrize("table, key, setting, put", _every_setting(),
                         ids=[f"{t}.{k}" for t, k, _, _ in _every_setting()])
def test_every_setting_is_written_read_back_and_described(table, key, setting, put) -> None:
    """Adding a setting to a table is all the file and the description need: every setting in every table is
    written by scenario_to_toml, read back equal by load_scenario, and changes the plain-English description."""
    base = Scenario(name="Base", shocks=(Shock("Lockdown", dt.date(2026, 1, 5), dt.date(2026, 3, 1),
                                               referrals_change_pct=-20, returns_pct=50, return_months=3),),
                    new_normal=NewNormal(dt.date(2026, 7, 1), 4))
    value = setting.low + (setting.high - setting.low) * 0.37
    value = round(value) if setting.whole else round(value, 3)
    if key in ("referrals_change_low_pct", "referrals_change_high_pct"):   # the interval: both ends or neither
        changed = Scenario(name="Base", shocks=(dataclasses.replace(base.shocks[0], referrals_change_low_pct=-30,
                                                                    referrals_change_high_pct=-12),),
                           new_normal=base.new_normal)
    else:
        changed = put(base, value)
    assert changed != base
    text = scenario_to_toml(changed)
    assert f"\n{key} = " in text
    assert load_scenario(text) == changed
    assert changed.describe() != base.describe(), f"{table}.{key} is not described"
