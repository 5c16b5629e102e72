"""One local authority's published figures and the forecast from them, beside its Annex A forecast.

:func:`find_dfe_la` finds an authority in the DfE's figures by name or code; :func:`published_beside` puts, for
each 31 March from a few years before the extract date to the end of the forecast, the published figure, the
forecast from the published figures (:func:`csc_demand.national.forecast_national`, calibrated on every
authority, from the figures published before the extract date) and the Annex A forecast side by side.

The measures are matched as in :data:`MATCHED_MEASURES`: the stocks at 31 March with the Annex A forecast's
month end for March; the flows in the year ending 31 March with the Annex A forecast's financial-year total,
only where the forecast covers the whole financial year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import (
    SUCCESSIONS,
    DfePublished,
    current_las,
    dfe_series,
    read_dfe,
    same_area,
)
from csc_demand.scenario import Scenario
from csc_demand.tables import Forecast

#: (published measure, Annex A forecast measure, "stock" or "flow"), in the order the reports show them.
MATCHED_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("cp_at_31_march", "cp_open", "stock"), ("cla_at_31_march", "cla_open", "stock"),
    ("cin_at_31_march", "cin_open", "stock"), ("referrals", "referrals", "flow"),
    ("cp_starts", "cp_starts", "flow"), ("cla_starts", "cla_starts", "flow"))
#: The columns of :func:`published_beside`'s table, in order.
PUBLISHED_COLUMNS: tuple[str, ...] = (
    "la_code", "la_name", "scenario", "measure", "annex_measure", "year", "date", "published", "published_p10",
    "published_p50", "published_p90", "annex_a_actual", "annex_a_p10", "annex_a_p50", "annex_a_p90",
    "published_through")
#: The DfE publishes the figures for the year ending 31 March Y in the autumn of Y (children in need in late
#: October, children looked after in mid-November): a year counts as published from 1 December.
PUBLISHED_FROM = (12, 1)


def find_dfe_la(pub: DfePublished, name_or_code: str, through: int | None = None) -> tuple[str, str]:
    """A local authority in the DfE's figures, by name or code, as it was in the year ending 31 March ``through``.

    Parameters
    ----------
    pub : DfePublished
        From :func:`csc_demand.io.dfe.read_dfe`.
    name_or_code : str
        As :func:`csc_demand.workforce.find_la` takes it: "Kent", "kent", "Kent County Council", the code
        ``E10000016`` or the old three-digit code ``886``. A code that only changed (North Yorkshire's
        ``E06000065`` was ``E10000023``) finds the code of the same area in ``through``.
    through : int, optional
        The year ending 31 March (default: the latest published).

    Returns
    -------
    tuple of str
        The authority's code and name as the DfE's figures give them in ``through``.

    Raises
    ------
    CscDemandError
        When nothing matches (with the closest names), the name is England or a joint return of two
        authorities, or the authority did not exist in ``through`` (merged, split or not yet made).

    Example
    -------
    >>> find_dfe_la(read_dfe(), "886")
    ('E10000016', 'Kent')
    """
    from csc_demand.workforce import find_la

    text = str(name_or_code).strip()
    w = find_la(text)
    if w.is_england:
        raise CscDemandError("England is not a local authority: give your authority's name or code (such as "
                             "Kent, E10000016 or 886).")
    codes = [c.strip() for c in w.la_code.split(" / ")]
    if len(codes) > 1:   # a joint workforce return: the half the user named
        names = [n.strip() for n in w.la_name.split(" / ")]
        olds = [o.strip() for o in w.old_la_code.split(" / ")]
        from csc_demand.workforce import name_key

        picked = [c for c, n, o in zip(codes, names, olds, strict=False)
                  if text.upper() in (c, o) or name_key(text) == name_key(n)]
        if len(picked) != 1:
            raise CscDemandError(f"'{text}' could be {' or '.join(names)}: give the authority's code ("
                                 f"{' or '.join(codes)}).")
        codes = picked
    las = current_las(pub, through=through)
    area = same_area(codes[0])
    match = las[las["la_code"].isin(area)]
    if match.empty:
        year = int(pub.table.loc[pub.table["level"] == "local", "year"].max()) if through is None else int(through)
        why = " ".join(s.what[0].upper() + s.what[1:] + "." for s in SUCCESSIONS if area & set(s.old + s.new))
        raise CscDemandError(f"{w.display_name} is not among the local authorities of the DfE's figures for the "
                             f"year ending 31 March {year}. {why}".strip())
    return str(match["la_code"].iloc[0]), str(match["la_name"].iloc[0])


def published_through(extract_date: pd.Timestamp | dt.date | str, pub: DfePublished) -> int:
    """The latest year ending 31 March whose figures the DfE had published by ``extract_date`` (see
    :data:`PUBLISHED_FROM`), and that ``pub`` holds.

    Parameters
    ----------
    extract_date : Timestamp, date or str
        The Annex A extract date.
    pub : DfePublished
        From :func:`csc_demand.io.dfe.read_dfe`.

    Returns
    -------
    int
        The year ending 31 March (2020 for an extract on 31 December 2020; 2019 for one on 30 September 2020).

    Raises
    ------
    CscDemandError
        When the extract date is before the first three years of published figures (too few to forecast from).

    Example
    -------
    >>> published_through("2020-12-31", read_dfe())
    2020
    """
    d = pd.Timestamp(extract_date)
    year = d.year if (d.month, d.day) >= PUBLISHED_FROM else d.year - 1
    local = pub.table.loc[pub.table["level"] == "local", "year"]
    first_usable = int(local.min()) + 3
    if year < first_usable:
        raise CscDemandError(f"The extract date {d:%d %B %Y} is before the DfE had published enough years to "
                             f"forecast from (the figures begin in the year ending 31 March {int(local.min())}; "
                             f"the first forecast can start after {first_usable}).")
    return min(year, int(local.max()))


def _annex_side(fc: Forecast) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Annex A forecast at each 31 March (stocks: March's month end; flows: whole financial years only) and
    the lists' own figures there: scenario, annex_measure, year, annex_a_p10/p50/p90 and annex_a_actual."""
    kinds = {a: k for _, a, k in MATCHED_MEASURES}
    t = fc.table
    t = t[(t["breakdown"] == "total") & t["measure"].isin(list(kinds)) & t["quantile"].isin([0.1, 0.5, 0.9])]
    is_stock = t["measure"].map(kinds) == "stock"
    start = pd.to_datetime(t["period_start"])
    march = is_stock & (t["period_type"] == "month") & (start.dt.month == 3)
    whole_year = ~is_stock & (t["period_type"] == "fy") & (start > pd.Timestamp(fc.extract_date))
    t = t.assign(year=np.where(march, start.dt.year, start.dt.year + 1))[march | whole_year]
    wide = t.pivot_table(index=["scenario", "measure", "year"], columns="quantile", values="value",
                         aggfunc="first", observed=True)
    wide = wide.reindex(columns=[0.1, 0.5, 0.9])
    wide.columns = ["annex_a_p10", "annex_a_p50", "annex_a_p90"]
    wide = wide.reset_index().rename(columns={"measure": "annex_measure"})
    a = fc.actuals
    a = a[(a["breakdown"] == "total") & (a["period_type"] == "month") & a["measure"].isin(list(kinds))]
    a_start = pd.to_datetime(a["period_start"])
    fy_end = np.where(a_start.dt.month >= 4, a_start.dt.year + 1, a_start.dt.year)
    a = a.assign(year=fy_end, is_march=a_start.dt.month == 3)
    stocks = a[a["is_march"] & (a["measure"].map(kinds) == "stock")].groupby(["measure", "year"])["value"].first()
    flows = a[a["measure"].map(kinds) == "flow"].groupby(["measure", "year"])["value"].agg(["sum", "count"])
    flows = flows.loc[flows["count"] == 12, "sum"]   # whole years only
    actual = pd.concat([stocks, flows]).rename("annex_a_actual").rename_axis(["annex_measure", "year"])
    return wide, actual.reset_index()


def published_beside(fc_or_extract_date: Forecast | pd.Timestamp | dt.date | str, la: str, *,
                     scenarios: Iterable[Scenario] | None = None, pub: DfePublished | None = None,
                     years_before: int = 4, years_after: int = 3, draws: int = 1000, seed: int = 0
                     ) -> pd.DataFrame:
    """One authority's published figures, the forecast from them and the Annex A forecast at each 31 March.

    Parameters
    ----------
    fc_or_extract_date : Forecast, Timestamp, date or str
        The Annex A forecast (:func:`csc_demand.forecast`; its extract date, scenarios and horizon are used), or
        only an extract date (then the Annex A columns are empty).
    la : str
        The local authority's name or code (see :func:`find_dfe_la`).
    scenarios : iterable of Scenario, optional
        The scenarios of the published-data forecast (default: the Forecast's, else "No further shocks").
    pub : DfePublished, optional
        The DfE's figures (default: the bundled copy, :func:`csc_demand.io.dfe.read_dfe`).
    years_before : int
        Years of published history shown before the last 31 March on or before the extract date.
    years_after : int
        Years forecast after that 31 March when only an extract date is given (a Forecast's own horizon is used
        otherwise).
    draws, seed : int
        The published-data forecast's draws and seed (:func:`csc_demand.national.forecast_national`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PUBLISHED_COLUMNS`; one row per scenario, measure (:data:`MATCHED_MEASURES`) and year
        ending 31 March (``date`` is that 31 March). Counts of children (stocks at 31 March; flows in the year):
        ``published`` the DfE's figure as published now (NaN when suppressed or not yet published);
        ``published_p10/p50/p90`` the forecast from the figures up to ``published_through`` (the last year
        published before the extract date), calibrated on every authority; ``annex_a_actual`` the Annex A
        lists' own count (stocks at 31 March; flows only for whole observed years); ``annex_a_p10/p50/p90`` the
        Annex A forecast (stocks: the month end of March; flows: whole financial years forecast only). NaN
        where a column has no figure for that year.

    Raises
    ------
    CscDemandError
        When the authority is not found (with the closest names), the extract date is too early, or the
        national extra (statsforecast) is not installed.

    Example
    -------
    >>> table = published_beside("2024-12-31", "Kent", draws=200)  # doctest: +SKIP
    >>> table.query("measure == 'cla_at_31_march'")[["year", "published", "published_p50"]]  # doctest: +SKIP
    """
    from csc_demand.national.run import forecast_national

    fc = fc_or_extract_date if isinstance(fc_or_extract_date, Forecast) else None
    extract = pd.Timestamp(fc.extract_date if fc is not None else fc_or_extract_date)
    pub = read_dfe() if pub is None else pub
    through = published_through(extract, pub)
    code, name = find_dfe_la(pub, la, through=through)
    if scenarios is None:
        scenarios = fc.scenarios if fc is not None else (Scenario(name="No further shocks"),)
    scenarios = tuple(scenarios)
    last_march = extract.year if (extract.month, extract.day) >= (3, 31) else extract.year - 1
    if fc is not None:
        end = extract.to_period("M") + int(fc.months)   # the last month forecast
        end_year = end.year if end.month >= 3 else end.year - 1
    else:
        end_year = last_march + int(years_after)
    ahead = int(np.clip(end_year - through, 1, 10))
    nf = forecast_national(pub, scenarios, through=through, years=ahead, draws=draws, seed=seed, executor="serial")
    years = np.arange(last_march - int(years_before), max(end_year, last_march) + 1)
    measures = [m for m, _, _ in MATCHED_MEASURES]
    grid = pd.MultiIndex.from_product([[s.name for s in scenarios], measures, years],
                                      names=["scenario", "measure", "year"]).to_frame(index=False)
    history = pd.concat([dfe_series(pub, m, code).rename("published").rename_axis("year").reset_index()
                         .assign(measure=m) for m in measures])
    out = grid.merge(history, on=["measure", "year"], how="left")
    ours = nf.to_frame()
    ours = ours.loc[ours["la_code"] == code, ["scenario", "measure", "year", "p10", "p50", "p90"]].rename(
        columns={"p10": "published_p10", "p50": "published_p50", "p90": "published_p90"})
    out = out.merge(ours, on=["scenario", "measure", "year"], how="left")
    out["annex_measure"] = out["measure"].map({m: a for m, a, _ in MATCHED_MEASURES})
    if fc is not None:
        annex, actual = _annex_side(fc)
        out = out.merge(actual, on=["annex_measure", "year"], how="left")
        out = out.merge(annex, on=["scenario", "annex_measure", "year"], how="left")
    for c in PUBLISHED_COLUMNS:
        if c not in out:
            out[c] = np.nan
    out["la_code"], out["la_name"], out["published_through"] = code, name, through
    out["date"] = pd.to_datetime({"year": out["year"], "month": 3, "day": 31})
    return out[list(PUBLISHED_COLUMNS)].reset_index(drop=True)


def with_published(fc: Forecast, la: str, *, la_name: str | None = None) -> Forecast:
    """The forecast with one authority's published figures beside it (:attr:`Forecast.published`).

    Parameters
    ----------
    fc : Forecast
        An Annex A forecast (:func:`csc_demand.forecast`); its scenarios, horizon and seed are used.
    la : str
        The local authority's name or code ("Kent", "E10000016" or "886"; see :func:`find_dfe_la`).
    la_name : str, optional
        The name the reports give the authority (default: the DfE's name for ``la``).

    Returns
    -------
    Forecast
        ``fc`` with ``published`` (:func:`published_beside`, 1,000 draws, ``fc``'s seed) and ``la_name`` set.

    Raises
    ------
    CscDemandError
        As :func:`published_beside`: the authority is not found, the extract date is too early, or the national
        extra (statsforecast) is not installed.

    Example
    -------
    >>> import csc_demand as cd  # doctest: +SKIP
    >>> fc = with_published(cd.forecast(annex), "Kent")  # doctest: +SKIP
    >>> fc.published.query("measure == 'cla_at_31_march'")  # doctest: +SKIP
    """
    published = published_beside(fc, la, seed=int(fc.seed))
    return dataclasses.replace(fc, published=published, la_name=la_name or str(published["la_name"].iloc[0]))
