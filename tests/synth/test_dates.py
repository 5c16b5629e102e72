"""Day-number date helpers: ages, birthdays, Easter."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from csc_demand.synth.simulate import _day, _easter_days, age_years, birthday_days


def _d(text: str) -> int:
    return _day(text)


def test_age_years_by_hand():
    birth = np.array([_d("2015-03-10")] * 4 + [_d("2021-02-01")])
    on = np.array([_d("2020-03-09"), _d("2020-03-10"), _d("2020-12-31"), _d("2015-03-10"), _d("2020-12-31")])
    assert age_years(birth, on).tolist() == [4, 5, 5, 0, -1]


def test_eighteenth_birthday_by_hand():
    birth = np.array([_d("2003-01-15"), _d("2004-02-29")])
    assert birthday_days(birth, 18).tolist() == [_d("2021-01-15"), _d("2022-03-01")]


def test_easter_by_hand():
    years = np.array([2019, 2020, 2021, 2024])
    assert _easter_days(years).tolist() == [_d("2019-04-21"), _d("2020-04-12"), _d("2021-04-04"), _d("2024-03-31")]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
       st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_age_matches_calendar_arithmetic(birth, on):
    expected = -1 if on < birth else on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    assert age_years(np.array([_d(birth.isoformat())]), np.array([_d(on.isoformat())]))[0] == expected


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 60), st.integers(1, 30)), min_size=1, max_size=40))
def test_keep_first_per_child_matches_a_plain_loop(spells):
    from csc_demand.synth.simulate import _keep_first_per_child

    child = np.array([c for c, _, _ in spells])
    start = np.array([s for _, s, _ in spells], dtype=np.int64)
    end = start + np.array([d for _, _, d in spells], dtype=np.int64)
    keep = _keep_first_per_child(child, start, end)
    expected = np.zeros(len(spells), dtype=bool)
    for c in set(child.tolist()):
        running_end = None
        for i in sorted(np.flatnonzero(child == c), key=lambda i: (start[i], i)):
            if running_end is None or start[i] >= running_end:
                expected[i] = True
                running_end = end[i] if running_end is None else max(running_end, end[i])
    assert keep.tolist() == expected.tolist()
