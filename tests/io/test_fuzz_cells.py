"""Fuzzing the cells of Lists 3, 7 and 8: no value in any column makes reading fail, loses a list, miscounts
rows or shows a child-level value (the promises checked by ``fuzz_cells.check_read``). The longer run is
``benchmarks/fuzz_read.py``; its last result is in docs/hardening.md."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from fuzz_cells import LISTS, NASTY, check_read, valid_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


#: Nasty values tried together in one workbook (each in its own rows), so the sweep stays fast.
_PER_WORKBOOK = 8


def _poisoned(values: tuple[object, ...], seed: int) -> dict[str, list[list[object]]]:
    """Each list with, for every value and column, a row holding that value in that column (and plausible
    values elsewhere), then two plain rows."""
    rng = random.Random(seed)
    out = {}
    for name, spec in LISTS.items():
        width = len(spec.fields)
        rows = valid_rows(rng, name, len(values) * width + 2)
        for k, value in enumerate(values):
            for j in range(width):
                rows[k * width + j][j] = value
        out[name] = rows
    return out


@pytest.mark.parametrize("start", range(0, len(NASTY), _PER_WORKBOOK),
                         ids=lambda i: f"values {i}-{min(i + _PER_WORKBOOK, len(NASTY)) - 1}")
def test_every_nasty_value_in_every_column(start):
    check_read(_poisoned(NASTY[start:start + _PER_WORKBOOK], seed=start))


_CELL = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=24),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.none(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_cells_in_the_three_lists_never_break_reading(data):
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    workbook = {}
    for name, spec in LISTS.items():
        rows = valid_rows(rng, name, data.draw(st.integers(1, 6), label=f"{name} rows"))
        for _ in range(data.draw(st.integers(0, 10), label=f"{name} cells changed")):
            i = data.draw(st.integers(0, len(rows) - 1))
            j = data.draw(st.integers(0, len(spec.fields) - 1))
            rows[i][j] = data.draw(_CELL)
        workbook[name] = rows
    check_read(workbook)
