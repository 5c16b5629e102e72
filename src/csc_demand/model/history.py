"""The LA's monthly figures beside its Annex A lists: attach them, and compare them where both have a figure.

:func:`with_history` returns the data with ``history`` set and, for every month and measure where the lists
(:func:`csc_demand.model.actuals.actuals`) and the monthly figures both have a value and differ by more than
:data:`DIFFERENCE_SHARE`, one warning in the data-quality report naming the measure, the month and both
figures. Neither source is silently preferred: the note says which the forecast uses where.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from csc_demand.model.actuals import actuals
from csc_demand.tables import (
    HISTORY_MEASURES,
    HISTORY_PHRASES,
    HISTORY_TABLE,
    REQUIRED_TABLES,
    AnnexA,
    MonthlyHistory,
    Problem,
    QualityReport,
)

#: Months where the two sources differ by more than this share of the larger figure are explained.
DIFFERENCE_SHARE = 0.05
#: ``Problem.kind`` of a month where the monthly figures and the lists differ.
DIFFERS = "history_differs"


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _percent(share: float) -> str:
    pct = 100 * share
    return f"{pct:.0f}%" if pct >= 10 else f"{pct:.1f}%"


def compare_with_lists(annex: AnnexA, history: MonthlyHistory) -> pd.DataFrame:
    """The months where the lists and the monthly figures both have a value, one row per month and measure.

    Columns: ``measure``, ``month`` (first day, Timestamp), ``history`` and ``lists`` (counts: referrals or
    starts in the month, or open at its end), ``share_apart`` (``|history - lists|`` over the larger of the
    two; 0 when both are 0). Flows are compared for months wholly inside an extract's window, stocks at month
    ends inside one (as :func:`~csc_demand.model.actuals.actuals` counts them). Empty when a list the
    counts need is missing.
    """
    cols = ["measure", "month", "history", "lists", "share_apart"]
    if any(t not in annex.tables for t in REQUIRED_TABLES) or history.table.empty:
        return pd.DataFrame(columns=cols)
    act = actuals(annex)
    act = act[(act["period_type"] == "month") & (act["breakdown"] == "total")]
    lists = act.assign(month=pd.to_datetime(act["period_start"]))[["measure", "month", "value"]]
    hist = (history.table.reindex(columns=[m for m in HISTORY_MEASURES if m in history.table])
            .rename_axis("month").reset_index()
            .melt(id_vars="month", var_name="measure", value_name="history").dropna(subset=["history"]))
    both = hist.merge(lists.rename(columns={"value": "lists"}), on=["measure", "month"], how="inner")
    both = both.dropna(subset=["lists"])
    larger = np.maximum(both["history"].abs(), both["lists"].abs()).to_numpy(dtype=float)
    diff = (both["history"] - both["lists"]).abs().to_numpy(dtype=float)
    both["share_apart"] = np.divide(diff, larger, out=np.zeros_like(diff), where=larger > 0)
    order = {m: i for i, m in enumerate(HISTORY_MEASURES)}
    both = both.sort_values(["month", "measure"], key=lambda s: s.map(order) if s.name == "measure" else s)
    return both[cols].reset_index(drop=True)


def difference_problems(annex: AnnexA, history: MonthlyHistory) -> list[Problem]:
    """One warning per month and measure where the two sources differ by more than :data:`DIFFERENCE_SHARE`
    (see :func:`compare_with_lists`), located at the month's row and the measure's column in the file."""
    both = compare_with_lists(annex, history)
    both = both[both["share_apart"] > DIFFERENCE_SHARE]
    out = []
    for r in both.itertuples(index=False):
        what = HISTORY_PHRASES[r.measure].format(month=f"{r.month:%b %Y}")
        row = None if history.rows is None or r.month not in history.rows.index else int(history.rows[r.month])
        out.append(Problem(
            "warning", DIFFERS,
            f"Monthly figures ({history.source}): {what} are {_number(r.history)} in the monthly figures and "
            f"{_number(r.lists)} in the lists ({_percent(r.share_apart)} apart); the forecast uses both (the "
            "monthly figures for the seasons and the last year's flows) — check which is right.",
            file=history.source, sheet=history.sheet, row=row, column=history.headers.get(r.measure, r.measure)))
    return out


def with_history(annex: AnnexA, history: MonthlyHistory) -> AnnexA:
    """The data with the LA's monthly figures beside the lists, and the two compared.

    A copy of ``annex`` with ``history`` set and its data-quality report extended (the original is not
    changed): the history's own reading problems (those not already in it), where it was read from and its
    rows, and one warning per month and measure where the lists and the monthly figures differ by more than
    :data:`DIFFERENCE_SHARE` (5%; :func:`difference_problems`). An earlier history's notes are replaced.
    Neither source is silently preferred: each warning says how the forecast uses both.

    Parameters
    ----------
    annex
        The loaded lists (:func:`csc_demand.read_annex_a`).
    history
        The monthly figures (:func:`csc_demand.read_history`): counts in each month for flows, open at the
        month end for stocks.

    Returns
    -------
    AnnexA
        A new ``AnnexA`` whose ``history`` is ``history`` and whose ``quality`` holds its notes.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a("Annex A 2024-03-31.xlsx", key=cd.load_or_create_key())
    >>> annex = cd.with_history(annex, cd.read_history("Monthly figures 2024-03.xlsx"))
    >>> [p.message for p in annex.quality.problems if p.kind == "history_differs"]
    """
    q = annex.quality
    old = annex.history
    problems = [p for p in q.problems if old is None or p.file != old.source]
    seen = set(problems)
    problems += [p for p in history.problems if p not in seen]
    problems += difference_problems(annex, history)
    quality = QualityReport(problems=problems, sources={**q.sources, HISTORY_TABLE: [history.location]},
                            rows_read={**q.rows_read, HISTORY_TABLE: history.rows_read},
                            rows_replaced=dict(q.rows_replaced))
    return dataclasses.replace(annex, history=history, quality=quality)


__all__ = ["with_history", "compare_with_lists", "difference_problems", "DIFFERENCE_SHARE"]
