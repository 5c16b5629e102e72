"""The national forecasts written as CSV (the long table), Excel (forecasts, ranking, backtest) or HTML."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import ENGLAND_CODE, REGIONS, DfePublished

from .run import NationalForecast


def ranking(nf: NationalForecast, pub: DfePublished) -> pd.DataFrame:
    """Each authority's middle forecast of the first year per 10,000 children (the latest population), ranked
    within each scenario and measure (1 = highest), beside its region's and England's published rate at
    ``through``."""
    t = pub.table
    pop = t[(t["measure"] == "population_0_17") & (t["year"] <= nf.through)].sort_values("year")
    pop = pop.groupby("la_code")["value"].last()
    first = nf.to_frame().query("year == @nf.years[0]").copy()
    first["rate_per_10k"] = first["p50"] / first["la_code"].map(pop) * 10_000
    first["rank"] = first.groupby(["scenario", "measure"])["rate_per_10k"].rank(ascending=False, method="min")
    now = t[t["year"] == nf.through].pivot_table(index=["la_code", "measure"], values="value", aggfunc="first")
    now = now["value"]
    region_code = {n: c for c, n in REGIONS.items()}

    def rate(code: pd.Series, measure: pd.Series) -> pd.Series:
        num = pd.Series([now.get((c, m)) for c, m in zip(code, measure, strict=True)], dtype=float)
        den = pd.Series([now.get((c, "population_0_17")) for c in code], dtype=float)
        return (num / den * 10_000).to_numpy()

    first["region_rate_per_10k_now"] = rate(first["region"].map(region_code), first["measure"])
    first["england_rate_per_10k_now"] = rate(pd.Series([ENGLAND_CODE] * len(first)), first["measure"])
    cols = ["scenario", "measure", "rank", "la_code", "la_name", "region", "year", "p50", "rate_per_10k",
            "region_rate_per_10k_now", "england_rate_per_10k_now"]
    return first.sort_values(["scenario", "measure", "rank"]).loc[:, cols].reset_index(drop=True)


def write_report(nf: NationalForecast, pub: DfePublished, path: str | Path,
                 backtest: pd.DataFrame | None = None) -> Path:
    """Write ``nf`` to ``path``: ``.csv`` (the long table), ``.xlsx`` (sheets Forecasts, Ranking, Backtest) or
    ``.html`` (one self-contained page of tables, no outside requests).

    Parameters
    ----------
    nf : NationalForecast
    pub : DfePublished
        For the populations and the published regional and England figures.
    path : str or Path
    backtest : pandas.DataFrame, optional
        From :func:`~csc_demand.national.national_backtest` (Excel and HTML).

    Returns
    -------
    Path
    """
    path = Path(path)
    suffix = path.suffix.lower()
    table = nf.to_frame()
    if suffix == ".csv":
        table.to_csv(path, index=False)
        return path
    sheets = {"Forecasts": table, "Ranking": ranking(nf, pub)}
    if backtest is not None:
        sheets["Backtest"] = backtest
    if suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
            for name, df in sheets.items():
                df.to_excel(xw, sheet_name=name, index=False)
                xw.sheets[name].autofit()
        return path
    if suffix in (".html", ".htm"):
        parts = [f"<h2>{html.escape(n)}</h2>" + df.to_html(index=False, float_format=lambda x: f"{x:,.1f}")
                 for n, df in sheets.items()]
        path.write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>National forecasts</title>"
            "<style>body{font-family:sans-serif;color:#0b0c0c}table{border-collapse:collapse}"
            "td,th{border:1px solid #b1b4b6;padding:2px 6px;text-align:right}</style></head><body>"
            f"<h1>Forecasts for every local authority from the DfE's figures to {nf.through}</h1>"
            + "".join(parts) + "</body></html>", encoding="utf-8")
        return path
    raise CscDemandError(f"--out '{path}': the report can be .csv, .xlsx or .html.")
