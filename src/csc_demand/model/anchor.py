"""Anchoring a stock in what is observed: how far the forecast may move away from today's number open.

The estimated rates imply a long-run level for each stock (open child protection plans, children looked after):
``equilibrium = starts per week × expected weeks open per start`` (the duration curves, ages at start and the
18th birthday included). From six months of data that level is uncertain by about a tenth, and left alone it
pulls the forecast towards a level that is wrong by as much. Today's number open is itself evidence about the
long-run level: a stock that has been fed by the same flows for years sits close to the level they imply.

The two are combined as two noisy measurements of the log long-run level (a Gaussian update):

- from the rates: ``log E_rates``, variance ``σ²`` = var(log conversion) + var(log referral level) +
  β² var(log hazard), where β = −d log(weeks open) / d log(hazard multiplier);
- from today's stock: ``log open_now``, variance ``τ² + 1/open_now``: chance (a Poisson count) plus how far a
  real LA's stock sits from the level its own flows imply, beyond chance (:data:`STOCK_GAP_SD`).

The weight on today's stock is ``K = σ² / (σ² + τ² + 1/open_now)``; the forecast's long-run level is
``E_rates × (open_now / E_rates)^K``. Each Monte Carlo draw gets a hazard multiplier whose spread gives the
long-run level this posterior spread (see :func:`csc_demand.model.uncertainty.draw_parameters`).

The same update is made week by week on the expected path: with flat inflow, the rates' path moves from today's
stock by ``Δ(k)``, uncertain by ``σ(k)`` (from the conversion, referral level and hazard, by numerical
derivatives), while the change that a real gap would bring has spread ``sqrt(τ² + 1/open_now) × J(k)`` (``J``:
the part of the path made of new starts). The path keeps the share ``w(k) = prior / (prior + σ(k)²)`` of its
change; the rest is subtracted from every scenario's expected path (:attr:`Anchor.correction`), so a scenario's
own changes (a shock, a new normal) come through in full, the referral and start forecasts are untouched, and
the near-term path, which the current cohort's observed exits pin down, moves little. Weak evidence (few
starts and exits) keeps the forecast near today's level; strong evidence (years of history) lets it move.

:data:`STOCK_GAP_SD` is measured on the DfE's published figures, not on the simulator: over 2010–2020, in
1,483 LA-years, a year's children-looked-after flows (log of started ÷ ceased) predicted the next year's change
with a slope of 0.06, about a fifth of the 0.32 that full trust in them implies; with the chance variation of
a year's flows (about 12%²), that fifth corresponds to a real gap of about 6%. For child protection plans the
same check finds no predictive value at all (1,783 LA-years 2014–2025, ends = starts − change in the number
open: slope −0.33), nor for children in need (1,788 LA-years, episodes started ÷ ended: slope −0.17), so τ is
0 there and only chance (``1/open_now``) separates today's stock from its level.

**A stock's own past.** What does predict a child protection stock is its own recent past: on the same DfE
figures (``benchmarks/dfe_stocks.py``: 1,161 LA-years with five years behind them), the number of plans at 31
March moves back towards its own five-year mean, closing 47% of the gap in a year, 64% in two and 70% in three
(slopes between −0.25 and −0.64 in every single year), i.e. ``gap(t) = gap(0) × (1 − s (1 − e^(−λt)))`` with
``s = 0.71``, ``λ = 1.03`` a year (:data:`STOCK_REVERSION`: 46%, 62%, 68%); with that rule, fitted with each
year left out in turn, the median error a year ahead falls from 14.8% ("same as now") to 14.0%. Neither
referrals' own gap nor last year's change adds to it. Children looked after show no such pull (slopes +0.09,
+0.12, +0.20, changing sign from year to year), children in need a weaker one (35%, 41%, 46%; the monthly
figures do not carry them). So when monthly figures give at least three years of month-end plans
(:func:`own_level`), the child protection path is pulled towards their mean over the last five years (at most)
instead of towards the flow balance, which has no predictive value there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_demand.model.baseline import Z80
from csc_demand.model.durations import GRID_WEEKS, HORIZON_WEEKS, DurationEstimate, cohort_total, start_kernel
from csc_demand.model.timegrid import DAYS_PER_YEAR

@dataclass(frozen=True)
class Reversion:
    """How a stock returns towards its own recent mean: the share ``share`` of today's gap (log scale) closed in
    the long run, at ``rate_per_year`` (the gap after t years is ``1 − share × (1 − e^(−rate × t))`` of
    today's)."""

    share: float
    rate_per_year: float


#: The stocks that return towards their own recent mean, measured on the DfE's figures (module docstring).
STOCK_REVERSION: dict[str, Reversion] = {"cp": Reversion(share=0.71, rate_per_year=1.03)}
#: Month ends of a stock the monthly figures must give (within the last five years) for its own mean to count.
MIN_OWN_LEVEL_MONTHS = 36
#: Spread (sd of the log) of a real LA's stock around the long-run level its own flows imply, beyond chance:
#: for children looked after, child protection plans and children in need (module docstring).
STOCK_GAP_SD = {"cla": 0.06, "cp": 0.0, "cin": 0.0}


@dataclass(frozen=True)
class Anchor:
    """How a stock's forecast is held near today's level (see the module docstring).

    ``gain``: weight K on today's
    stock (0 = the rates alone, 1 = today's level alone); ``beta``: −d log(weeks open) / d log(hazard);
    ``sd_log_rates``: σ, uncertainty of the rates' long-run level; ``sd_log_other``: the spread, in the
    posterior's long-run level, that the other measurements (today's stock, the monthly figures) bring;
    ``rates_level`` and ``level``: the long-run number open implied by the rates alone and used by the
    forecast; ``sd_log_level``: the posterior spread of the latter (log scale).
    """

    gain: float = 0.0
    beta: float = 1.0
    sd_log_rates: float = 0.0
    sd_log_other: float = 0.0
    rates_level: float = float("nan")
    level: float = float("nan")
    sd_log_level: float = 0.0
    explanation: str = ""
    correction: np.ndarray = field(default_factory=lambda: np.zeros(HORIZON_WEEKS + 1), repr=False)


def weeks_open_per_start(d: DurationEstimate, starts_mask: np.ndarray | None, theta: float = 1.0) -> float:
    """Expected weeks a new start stays open (its age at start and the 18th birthday allowed for), with the
    hazard scaled by ``theta``: the sum of the new-start kernel over 20 years."""
    return float(start_kernel(d, starts_mask, weeks=GRID_WEEKS, theta=theta)[0].sum())


@dataclass(frozen=True)
class FlowBalance:
    """The long-run level that a year of monthly figures implies: mean number open × starts ÷ ends (ends =
    starts − the change in the number open), with the variance of its log (chance: 1/starts + 1/ends)."""

    level: float
    var_log: float
    starts: float
    ends: float
    first_month: pd.Timestamp
    last_month: pd.Timestamp
    source: str = "monthly figures"


def flow_balance(monthly: pd.DataFrame | None, key: str, extract_date: pd.Timestamp,
                 source: str = "monthly figures") -> FlowBalance | None:
    """The flow balance of stock ``key`` (``cp`` or ``cla``) over the 12 months to the extract date's month (or
    the latest 12 months ending within three months before it) from monthly figures with columns
    ``{key}_starts`` and ``{key}_open`` (index: month starts); None when they do not cover such a year."""
    if monthly is None or f"{key}_starts" not in monthly or f"{key}_open" not in monthly:
        return None
    m = monthly[[f"{key}_starts", f"{key}_open"]].astype(float)
    m.index = pd.DatetimeIndex(m.index).to_period("M")
    last = pd.Timestamp(extract_date).to_period("M")
    for end in (last - i for i in range(4)):
        months = pd.period_range(end - 12, end, freq="M")
        part = m.reindex(months)
        starts, stock = part[f"{key}_starts"].to_numpy()[1:], part[f"{key}_open"].to_numpy()
        if np.isfinite(starts).all() and np.isfinite(stock).all():
            ends = float(starts.sum() - (stock[-1] - stock[0]))
            if starts.sum() < 10 or ends < 10:
                return None
            level = float(stock[1:].mean() * starts.sum() / ends)
            return FlowBalance(level=level, var_log=1.0 / starts.sum() + 1.0 / ends, starts=float(starts.sum()),
                               ends=ends, first_month=months[1].start_time, last_month=months[-1].start_time,
                               source=source)
    return None


@dataclass(frozen=True)
class OwnLevel:
    """A stock's mean number open over its month ends in the monthly figures (the last five years at most)."""

    mean: float
    months: int
    first_month: pd.Timestamp
    last_month: pd.Timestamp


def own_level(monthly: pd.DataFrame | None, key: str, extract_date: pd.Timestamp) -> OwnLevel | None:
    """The mean of ``{key}_open`` over the 60 month ends to the extract date's month, when at least
    :data:`MIN_OWN_LEVEL_MONTHS` of them are given and positive; else None."""
    col = f"{key}_open"
    if monthly is None or col not in monthly:
        return None
    stock = monthly[col].astype(float)
    stock.index = pd.DatetimeIndex(stock.index).to_period("M")
    last = pd.Timestamp(extract_date).to_period("M")
    window = stock.reindex(pd.period_range(last - 59, last, freq="M")).dropna()
    if len(window) < MIN_OWN_LEVEL_MONTHS or window.mean() <= 0:
        return None
    return OwnLevel(mean=float(window.mean()), months=len(window), first_month=window.index[0].start_time,
                    last_month=window.index[-1].start_time)


def reversion_correction(open_now: int, own: OwnLevel, rev: Reversion, weeks: int = HORIZON_WEEKS) -> np.ndarray:
    """The number open to add at week ends 0..weeks so that the path returns towards the stock's own mean:
    ``open_now × (exp(−share × (1 − e^(−rate × t)) × log(open_now / mean)) − 1)``, t in years."""
    t_years = np.arange(weeks + 1) * 7.0 / DAYS_PER_YEAR
    gap = np.log(open_now / own.mean)
    return open_now * (np.exp(-rev.share * (1.0 - np.exp(-rev.rate_per_year * t_years)) * gap) - 1.0)


def fit_anchor(d: DurationEstimate, starts_mask: np.ndarray | None, starts_per_week: float, open_now: int,
               var_log_inflow: float, gap_sd: float, stock: str, balance: FlowBalance | None = None,
               own: OwnLevel | None = None, reversion: Reversion | None = None) -> Anchor:
    """The anchor for one stock (see the module docstring).

    Parameters
    ----------
    d, starts_mask
        The duration estimate and the starts whose ages are mixed for new starts.
    starts_per_week
        Expected starts a week at the usual level of referrals (usual referrals a week × starts per referral).
    open_now
        The number open on the extract date.
    var_log_inflow
        Variance of the log of ``starts_per_week`` (conversion and referral level).
    gap_sd
        τ: how far a real LA's stock sits from its flows' long-run level, beyond chance (:data:`STOCK_GAP_SD`).
    stock
        What is counted, e.g. "the number of open child protection plans", for the explanation.
    balance
        A third measurement of the long-run level from a year of monthly figures (:func:`flow_balance`), or
        None.
    own, reversion
        The stock's own recent mean from the monthly figures (:func:`own_level`) and how the stock returns
        towards it (:data:`STOCK_REVERSION`): when both are given the path is pulled towards that mean.

    Returns
    -------
    Anchor
    """
    if open_now <= 0 or starts_per_week <= 0:
        return Anchor()
    weeks0 = weeks_open_per_start(d, starts_mask)
    step = 0.1
    beta = -(np.log(weeks_open_per_start(d, starts_mask, np.exp(step)))
             - np.log(weeks_open_per_start(d, starts_mask, np.exp(-step)))) / (2 * step)
    beta = float(max(beta, 0.05))
    rates_level = starts_per_week * weeks0
    var_rates = var_log_inflow + (beta * d.hazard_se_log) ** 2
    var_prior = gap_sd ** 2 + 1.0 / open_now
    p_rates, p_prior = 1.0 / var_rates, 1.0 / var_prior
    p_flows = 1.0 / balance.var_log if balance is not None else 0.0
    total = p_rates + p_prior + p_flows
    log_level = (p_rates * np.log(rates_level) + p_prior * np.log(open_now)
                 + (p_flows * np.log(balance.level) if balance is not None else 0.0)) / total
    level = float(np.exp(log_level))
    gain = 1.0 - p_rates / total
    sd_level = float(np.sqrt(1.0 / total))
    sd_rates = float(np.sqrt(var_rates))
    lo_r, hi_r = rates_level * np.exp(-Z80 * sd_rates), rates_level * np.exp(Z80 * sd_rates)
    lo, hi = level * np.exp(-Z80 * sd_level), level * np.exp(Z80 * sd_level)
    text = (f"The rates measured imply that {stock} would settle at about {rates_level:,.0f} in the long run "
            f"(80% interval {lo_r:,.0f} to {hi_r:,.0f}), {_pct_word(rates_level / open_now - 1)} today's "
            f"{open_now:,}. ")
    if balance is not None:
        text += (f"The {balance.source} from {balance.first_month:%b %Y} to {balance.last_month:%b %Y} "
                 f"({balance.starts:,.0f} starts, {balance.ends:,.0f} ends) imply about {balance.level:,.0f}. ")
    if gain >= 0.5:
        text += (f"The data are not sure enough of that to move far from today's level, so the forecast takes a "
                 f"long-run level of about {level:,.0f} (80% interval {lo:,.0f} to {hi:,.0f}); more history "
                 "would let the rates speak for themselves.")
    else:
        text += (f"The data are sure enough of that for the forecast to take a long-run level of about "
                 f"{level:,.0f} (80% interval {lo:,.0f} to {hi:,.0f}).")
    correction = path_correction(d, starts_mask, starts_per_week, var_log_inflow, var_prior, open_now, balance)
    if own is not None and reversion is not None:
        correction = correction + reversion_correction(open_now, own, reversion, len(correction) - 1)
        text += (f" The monthly figures give its mean over {own.first_month:%b %Y} to {own.last_month:%b %Y}: "
                 f"about {own.mean:,.0f}. {_capital(stock)} tends to return towards its own recent mean (the "
                 f"DfE's figures for every LA show it), so the forecast moves about "
                 f"{reversion.share * (1 - np.exp(-reversion.rate_per_year)) * 100:.0f}% of the way from today's "
                 f"level to it in a year.")
    return Anchor(gain=float(gain), beta=beta, sd_log_rates=sd_rates,
                  sd_log_other=float(np.sqrt(p_prior + p_flows) / total), rates_level=float(rates_level),
                  level=level, sd_log_level=sd_level, explanation=text, correction=correction)


def _flat_path(d: DurationEstimate, starts_mask: np.ndarray | None, starts_per_week: float,
               theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected number open at week ends 0..HORIZON_WEEKS with a flat inflow: (whole path, new starts' part)."""
    cohort = cohort_total(d, theta=theta)
    kern = start_kernel(d, starts_mask, theta=theta)[0]
    new = starts_per_week * np.concatenate([[0.0], np.cumsum(kern[:-1])])
    return cohort + new, new


def path_correction(d: DurationEstimate, starts_mask: np.ndarray | None, starts_per_week: float,
                    var_log_inflow: float, var_prior: float, open_now: int = 0,
                    balance: FlowBalance | None = None, step: float = 0.1) -> np.ndarray:
    """The number open to add to the expected path at each week end (module docstring): the change
    ``Δ(k)`` of the rates' path, weighed with "no change" (variance ``var_prior × J(k)²``) and, when given, the
    monthly figures' flow balance (change ``log(balance / open_now) × J(k)``, variance ``var × J(k)²``), minus
    ``Δ(k)``; ``J(k)`` is the new starts' part of the path."""
    path, new = _flat_path(d, starts_mask, starts_per_week, 1.0)
    up, _ = _flat_path(d, starts_mask, starts_per_week, float(np.exp(step)))
    down, _ = _flat_path(d, starts_mask, starts_per_week, float(np.exp(-step)))
    d_hazard = (up - down) / (2 * step)
    var_rates = new ** 2 * var_log_inflow + d_hazard ** 2 * d.hazard_se_log ** 2
    change = path - path[0]
    ok = (var_rates > 0) & (new > 0)
    safe_rates = np.where(ok, var_rates, 1.0)
    safe_new2 = np.where(ok, new ** 2, 1.0)
    num = change / safe_rates
    den = 1.0 / safe_rates + 1.0 / (var_prior * safe_new2)
    if balance is not None and open_now > 0:
        num = num + np.log(balance.level / open_now) * new / (balance.var_log * safe_new2)
        den = den + 1.0 / (balance.var_log * safe_new2)
    return np.where(ok, num / den - change, 0.0)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct_word(change: float) -> str:
    if abs(change) < 0.005:
        return "the same as"
    return f"{abs(change) * 100:.0f}% {'above' if change > 0 else 'below'}"


__all__ = ["STOCK_GAP_SD", "STOCK_REVERSION", "Anchor", "OwnLevel", "Reversion", "fit_anchor", "own_level",
           "reversion_correction", "weeks_open_per_start"]
