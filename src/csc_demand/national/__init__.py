"""Forecasts for every local authority in England from the DfE's published figures.

``forecast_national`` forecasts each current authority's referrals, child protection starts and plans,
children in need and children looked after (and starting to be) for the years ending 31 March ahead, with
P10–P90 calibrated on a backtest over every authority; ``national_backtest`` measures how well that did.
The standard methods come from statsforecast (``pip install 'csc-demand[national]'``).
"""

from .backtest import national_backtest
from .panel import FORECAST_MEASURES, build_panel
from .run import NationalForecast, forecast_national
from .scenarios import referral_factors

__all__ = ["FORECAST_MEASURES", "NationalForecast", "build_panel", "forecast_national", "national_backtest",
           "referral_factors"]
