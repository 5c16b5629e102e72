"""The forecast as the JSON object printed by ``csc-demand forecast --json`` (a view of Forecast.table)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from csc_demand.tables import MEASURES, Forecast

#: The quantiles the JSON shows, and their keys.
JSON_QUANTILES = {0.1: "p10", 0.5: "p50", 0.9: "p90"}
#: The series the JSON can hold, in order: the measures, then case-holding social workers needed (FTE).
JSON_SERIES = (*MEASURES, "social_workers")
#: Decimal places kept per series (counts of children or referrals are whole numbers; FTE keep one place).
JSON_DECIMALS = {"social_workers": 1}


def _round(x: float, decimals: int = 0) -> float | int | None:
    """Counts to whole numbers (they are numbers of children or referrals), FTE to ``decimals``; NaN to null."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(x, decimals) if decimals else round(x)


def forecast_json(forecast: Forecast) -> dict:
    """``{"extract_date": "YYYY-MM-DD", "scenarios": [{"name": …, "series": {measure: [{"month": "YYYY-MM",
    "p10": …, "p50": …, "p90": …}, …]}}]}``: one entry per calendar month from the month after the extract
    date, totals only. The series are those of :data:`JSON_SERIES` that the forecast holds: ``referrals``,
    ``cp_starts``, ``cp_open``, ``cla_starts``, ``cla_open``, and when List 6 (children in need) was read
    ``cin_starts``, ``cin_open`` (children in need at the month end, children on a plan or in care included) and
    ``social_workers`` (case-holding social workers needed, FTE = ``cin_open`` ÷ the caseload); a series the
    forecast does not hold is left out, not given as an empty list. Counts are rounded to whole numbers, social
    workers to one decimal place. When a local authority was named, ``"published"`` holds its published figures
    beside the forecast (:func:`published_json`)."""
    t = forecast.table
    t = t[(t["period_type"] == "month") & (t["breakdown"] == "total") & t["measure"].isin(JSON_SERIES)
          & t["quantile"].isin(list(JSON_QUANTILES))]
    wide = t.pivot_table(index=["scenario", "measure", "period"], columns="quantile", values="value",
                         aggfunc="first", observed=True, sort=True)
    held = set(t["measure"].astype(str))
    out = []
    for sc in forecast.scenarios:
        series: dict[str, list[dict]] = {}
        for measure in (m for m in JSON_SERIES if m in held):
            try:
                rows = wide.loc[(sc.name, measure)]
            except KeyError:
                rows = pd.DataFrame()
            places = JSON_DECIMALS.get(measure, 0)
            series[measure] = [{"month": str(period), **{key: _round(float(r[q]), places) for q, key in
                                                         JSON_QUANTILES.items()}}
                               for period, r in rows.iterrows()]
        out.append({"name": sc.name, "series": series})
    result = {"extract_date": pd.Timestamp(forecast.extract_date).date().isoformat(), "scenarios": out}
    if forecast.published is not None and not forecast.published.empty:
        result["published"] = published_json(forecast.published)
    return result


#: The figures of each row of the ``published`` key (counts of children, whole numbers; null when none).
PUBLISHED_JSON_FIGURES = ("published", "published_p10", "published_p50", "published_p90", "annex_a_actual",
                          "annex_a_p10", "annex_a_p50", "annex_a_p90")


def published_json(published: pd.DataFrame) -> dict:
    """``{"la_code", "la_name", "through", "rows": [{"scenario", "measure", "year", "published", "published_p10",
    "published_p50", "published_p90", "annex_a_actual", "annex_a_p10", "annex_a_p50", "annex_a_p90"}]}`` from
    :attr:`Forecast.published` (:func:`csc_demand.national.compare.published_beside`): ``through`` is the last
    year ending 31 March published before the extract date, ``year`` the year ending 31 March, ``measure`` the
    DfE's (``cp_at_31_march``, ``referrals``, …); counts rounded to whole numbers, null where there is none."""
    first = published.iloc[0]
    rows = [{"scenario": str(r["scenario"]), "measure": str(r["measure"]), "year": int(r["year"]),
             **{k: _round(float(r[k])) for k in PUBLISHED_JSON_FIGURES}}
            for r in published.to_dict("records")]
    return {"la_code": str(first["la_code"]), "la_name": str(first["la_name"]),
            "through": int(first["published_through"]), "rows": rows}


def write_json(forecast: Forecast, path: str | Path) -> Path:
    """Write :func:`forecast_json` of ``forecast`` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(json.dumps(forecast_json(forecast), indent=1) + "\n", encoding="utf-8")
    return path
