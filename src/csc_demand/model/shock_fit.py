"""Fitting a past shock: the change in referrals during a period against their usual level before it.

An estimator like those in :mod:`~csc_demand.model.baseline` and :mod:`~csc_demand.model.conversion`: it reads
the data and returns a :class:`ShockFit` (a change with its 80% interval and by source group) that
:meth:`ShockFit.to_shock` turns into a scenario shock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.model.baseline import (
    SOURCE_GROUP_ORDER,
    Z80,
    dispersion,
    fit_baseline,
    fit_seasonality,
    reference_mask,
    referral_history,
)
from csc_demand.model.timegrid import day_mask, observed_intervals
from csc_demand.scenario import Shock
from csc_demand.tables import AnnexA, day_label


@dataclass(frozen=True)
class ShockFit:
    """The change in referrals during a past period against the usual level, with an 80% interval.

    ``change_pct`` is the change in all referrals, ``low_pct`` to ``high_pct`` its 80% interval, and
    ``by_source_change_pct`` the change for each source group with at least 20 expected referrals (all in %).
    :meth:`to_shock` turns the fit into a scenario shock.
    """

    start: dt.date
    end: dt.date
    change_pct: float
    low_pct: float
    high_pct: float
    observed: int
    expected: float
    by_source_change_pct: dict[str, float] = field(default_factory=dict)
    explanation: str = ""

    def to_shock(self, name: str, **kwargs) -> Shock:
        """A scenario shock over the fitted period with the fitted changes and their 80% interval.

        Parameters
        ----------
        name
            The shock's name.
        **kwargs
            Any other :class:`~csc_demand.scenario.Shock` settings, e.g. ``returns_pct``, ``return_start``,
            ``return_months``, ``return_profile``; they win over the fitted values.

        Returns
        -------
        Shock
            ``referrals_change_pct`` from ``change_pct``, ``referrals_change_low_pct`` and
            ``referrals_change_high_pct`` from ``low_pct`` and ``high_pct``, and ``by_source_change_pct`` for
            the source groups fitted, each rounded to 0.1 and kept within what a scenario file allows
            (-100 to 500).
        """
        pct = self._scenario_pct
        fitted = {
            "referrals_change_pct": pct(self.change_pct),
            "referrals_change_low_pct": pct(self.low_pct),
            "referrals_change_high_pct": pct(self.high_pct),
            "by_source_change_pct": {g: pct(v) for g, v in self.by_source_change_pct.items()},
        }
        return Shock(name=name, start=self.start, end=self.end, **(fitted | kwargs))

    @staticmethod
    def _scenario_pct(pct: float) -> float:
        """A fitted % change rounded to 0.1 and kept within the scenario file's limits (-100 to 500)."""
        return min(max(round(float(pct), 1), -100.0), 500.0)


def _as_date(x: dt.date | str | pd.Timestamp) -> dt.date:
    return pd.Timestamp(x).date()


#: Observed days needed to measure the usual level of referrals when fitting a shock (four weeks).
MIN_REFERENCE_DAYS = 28


def fit_shock(annex: AnnexA, start: dt.date | str, end: dt.date | str, *,
              reference_start: dt.date | str | None = None,
              reference_end: dt.date | str | None = None) -> ShockFit:
    """Estimate a past shock's ``referrals_change_pct`` from the loaded referrals, with an 80% interval.

    Observed referrals on the observed days of [start, end] are compared with the usual level measured over
    the reference days: by default every observed day before the shock, or, given ``reference_start`` and/or
    ``reference_end``, the observed days of that window outside the shock. Days after the shock are never
    used by default (they may hold returning referrals or a new normal). The seasonal and day-of-the-week
    pattern is measured on the reference days too (by month only when they hold enough history), and the
    over-dispersion on the reference and shock days. The interval allows for over-dispersed counts in both
    the shock period and the reference days (delta method on the log of the ratio).

    Parameters
    ----------
    annex
        The loaded Annex A extracts (:func:`csc_demand.read_annex_a`).
    start, end
        The shock's first and last days (dates or ``YYYY-MM-DD`` text, both inclusive).
    reference_start, reference_end
        Optional window for the usual level (dates or ``YYYY-MM-DD`` text, inclusive; the shock's days are
        left out of it).

    Returns
    -------
    ShockFit
        The change in all referrals and by source group, in %, with an 80% interval (``low_pct`` to
        ``high_pct``, %), the referrals observed and expected during the shock (counts) and a plain-English
        explanation. :meth:`ShockFit.to_shock` turns it into a scenario's :class:`~csc_demand.scenario.Shock`.

    Raises
    ------
    CscDemandError
        When the end is before the start, no day of the shock is observed, fewer than
        :data:`MIN_REFERENCE_DAYS` observed days lie before the shock (or in the reference window outside it),
        or no referrals were recorded on them.

    Examples
    --------
    >>> import csc_demand as cd
    >>> annex = cd.read_annex_a(["Annex A 2020-03-31.xlsx", "Annex A 2020-09-30.xlsx"],
    ...                         key=cd.load_or_create_key())
    >>> fit = cd.fit_shock(annex, "2020-03-23", "2020-06-30")
    >>> print(fit.explanation)
    >>> shock = fit.to_shock("First lockdown", returns_pct=40, return_months=4)
    """
    a, b = pd.Timestamp(start), pd.Timestamp(end)
    if b < a:
        raise CscDemandError(f"The shock ends ({b.date()}) before it starts ({a.date()}): swap the dates.")
    e = pd.Timestamp(annex.extract_date).normalize()
    intervals = observed_intervals(annex)
    h = referral_history(annex.referrals, intervals, e)
    in_shock = h.observed & day_mask(h.days, [(a, b)])
    if not in_shock.any():
        raise CscDemandError(f"No referrals were observed between {a.date()} and {b.date()}: the loaded extracts "
                             "do not cover that period. Load an extract whose window includes it.")
    own_window = reference_start is not None or reference_end is not None
    if own_window:
        ref = reference_mask(h, reference_start, reference_end, exclude=[(a, b)])
    else:
        ref = h.observed & np.asarray(h.days < a)
    n_ref = int(ref.sum())
    if n_ref < MIN_REFERENCE_DAYS:
        seen = " and ".join(f"{day_label(x)} to {day_label(y)}" for x, y in intervals)
        if own_window:
            raise CscDemandError(
                f"Only {n_ref:,} observed days of the reference window lie outside the shock, and at least "
                f"{MIN_REFERENCE_DAYS} are needed to measure the usual level of referrals. The loaded extracts "
                f"show referrals from {seen}: widen the reference window within those dates, or load extracts "
                "that cover more of it.")
        raise CscDemandError(
            f"The loaded extracts do not show enough of the time before the shock to measure the usual level "
            f"of referrals: they show referrals from {seen}, which leaves {n_ref:,} observed days before "
            f"{day_label(a)}, and at least {MIN_REFERENCE_DAYS} are needed. Days after the shock are not used, "
            f"as they may include referrals coming back. Load an extract dated before {day_label(a)} (its "
            f"six-month window then covers the weeks before the shock), or fit a later period.")
    if float(h.total[ref].sum()) <= 0:
        raise CscDemandError(f"No referrals were recorded on the {n_ref:,} observed days used for the usual "
                             "level, so the change cannot be measured: check that the referrals list was loaded.")
    season = fit_seasonality(h, use=ref)
    base = fit_baseline(h, season, ref, 1.0)
    sf = season.factor(h.days)
    expected_total = base.per_week / 7.0 * float(sf[in_shock].sum())
    observed_total = float(h.total[in_shock].sum())
    ratio = observed_total / expected_total
    phi = dispersion(h, base.per_week / 7.0 * sf * np.where(in_shock, ratio, 1.0), use=ref | in_shock)
    se_log = np.sqrt(phi / max(observed_total, 1.0) + phi / max(base.referrals, 1.0))
    lo, hi = ratio * np.exp(-Z80 * se_log), ratio * np.exp(Z80 * se_log)
    by_source: dict[str, float] = {}
    ref_counts = h.counts[ref].sum(axis=0)
    ref_weight = float(sf[ref].sum())
    shock_weight = float(sf[in_shock].sum())
    shock_counts = h.counts[in_shock].sum(axis=0)
    for gi, g in enumerate(SOURCE_GROUP_ORDER):
        exp_g = ref_counts[gi] / ref_weight * shock_weight
        if exp_g >= 20:
            by_source[g] = round(float(shock_counts[gi] / exp_g - 1.0) * 100.0, 1)
    change = (ratio - 1.0) * 100.0
    word = "below" if change < 0 else "above"
    text = (f"From {day_label(a)} to {day_label(b)}, referrals were {abs(change):.0f}% {word} the usual level (80% interval "
            f"{(lo - 1) * 100:+.0f}% to {(hi - 1) * 100:+.0f}%): {int(observed_total):,} referrals against "
            f"{expected_total:,.0f} expected from {day_label(base.start)} to "
            f"{day_label(base.end)}.")
    return ShockFit(start=a.date(), end=b.date(), change_pct=float(change), low_pct=float((lo - 1) * 100),
                    high_pct=float((hi - 1) * 100), observed=int(observed_total), expected=float(expected_total),
                    by_source_change_pct=by_source, explanation=text)




__all__ = ["MIN_REFERENCE_DAYS", "ShockFit", "fit_shock"]
