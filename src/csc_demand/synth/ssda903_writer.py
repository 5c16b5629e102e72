"""A simulated LA's SSDA903 returns: the header, episodes and UASC tables as the DfE specifies them, as CSV.

Every period of care of the :class:`~csc_demand.synth.World` becomes one or two episodes: the first starts the
period (``RNE`` ``S``) in the first placement; a placement move (the World's ``placement_start_date`` after
the period's start) ends it (``REC`` ``X1``, the child stays looked after) and starts a second episode in the
latest placement (``RNE`` ``P``, or ``T`` when the legal status changes with it: an adoption placement, under
a placement order ``E1`` from the move on, as :mod:`csc_demand.synth.annex_writer` writes List 8's "start date
of current legal status"; before it the child is under a full care order ``C2``). Short breaks (``V3``/``V4``)
are written as episodes, as LAs return them.

The return of the year ending 31 March Y holds every episode open at some time from 1 April Y−1 to 31 March Y
(so an episode spanning years is in two or more returns, as real returns are); ``DEC`` and ``REC`` are blank
for an episode still open on the return's last day. A return whose year ends after the extract date is
partial: it holds what was known on the extract date (episodes started by then; ends after it blank). The
header table lists the children of the return's episodes; the UASC table the unaccompanied asylum-seeking
children among them (``DUC``: the 18th birthday). Dates are ``dd/mm/yyyy``; postcodes, UPNs and URNs are
fake. The same world and years always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError

from .annex_writer import _FOSTERING_CODES
from .simulate import _KEEP_BEFORE_START_DAYS, World

#: The columns of each table, as the DfE specifies them, and the file name of each (``2019-episodes.csv``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
}
#: The World's gender → the return's ``SEX`` (1 male, 2 female; blank otherwise).
SEX_CODES = {"male": "1", "female": "2"}
#: Legal status before an adoption placement's placement order (``E1``).
LEGAL_BEFORE_E1 = "C2"
#: ``REC`` of an episode that ends while the child stays looked after.
REC_CONTINUES = "X1"
_REASON_PLACE_CHANGE = ("CARPL", "CARPL", "CHILD", "LAREQ", "PLACE", "STAND", "OTHER")
_DATE = "%d/%m/%Y"


def _year_start(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year - 1, month=4, day=1)


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=3, day=31)


def world_episodes(world: World) -> pd.DataFrame:
    """Every episode of care of ``world`` (periods of care and short breaks), as the returns hold them.

    Parameters
    ----------
    world
        A simulated LA (:func:`csc_demand.synth.simulate`).

    Returns
    -------
    pandas.DataFrame
        One row per episode, in child and start order, with the episodes table's columns (dates as
        ``datetime64[ns]``; ``DEC`` ``NaT`` and ``REC`` missing for an episode open at the World's end).
        Each period of care gives one episode, or two when the child moved placement.

    Examples
    --------
    >>> from csc_demand.synth import simulate
    >>> eps = world_episodes(simulate("small", 1, start="2019-01-01", end="2019-12-31", shocks=False))
    >>> list(eps.columns[:4])
    ['CHILD', 'DECOM', 'RNE', 'LS']
    """
    c = world.care_periods
    rng = np.random.default_rng([world.seed, 903])
    n = len(c)
    start, end, move = c["start_date"], c["end_date"], c["placement_start_date"]
    moved = ((move > start) & (end.isna() | (move < end))).to_numpy(dtype=bool)
    legal = c["legal_status"].to_numpy(dtype=object)
    legal_first = np.where(moved & (legal == "E1"), LEGAL_BEFORE_E1, legal)
    reason = c["reason_ceased"].astype(object).where(end.notna(), None).to_numpy(dtype=object)
    first = pd.DataFrame({
        "CHILD": c["child_id"].to_numpy(dtype=object), "DECOM": start.to_numpy(), "RNE": "S", "LS": legal_first,
        "CIN": c["category_of_need"].to_numpy(dtype=object),
        "PLACE": np.where(moved, c["first_placement_type"].to_numpy(dtype=object),
                          c["placement_type"].to_numpy(dtype=object)),
        "DEC": np.where(moved, move.to_numpy(), end.to_numpy()),
        "REC": np.where(moved, REC_CONTINUES, reason), "REASON_PLACE_CHANGE": None,
        "_period": np.arange(n), "_uasc": c["uasc"].to_numpy(dtype=bool)})
    m = c[moved]
    second = pd.DataFrame({
        "CHILD": m["child_id"].to_numpy(dtype=object), "DECOM": m["placement_start_date"].to_numpy(),
        "RNE": np.where(legal[moved] != legal_first[moved], "T", "P"), "LS": legal[moved],
        "CIN": m["category_of_need"].to_numpy(dtype=object), "PLACE": m["placement_type"].to_numpy(dtype=object),
        "DEC": m["end_date"].to_numpy(), "REC": reason[moved],
        "REASON_PLACE_CHANGE": np.array(_REASON_PLACE_CHANGE, dtype=object)[
            rng.integers(0, len(_REASON_PLACE_CHANGE), int(moved.sum()))],
        "_period": np.flatnonzero(moved), "_uasc": m["uasc"].to_numpy(dtype=bool)})
    eps = pd.concat([first, second], ignore_index=True)
    eps["DEC"] = pd.to_datetime(eps["DEC"]).astype("datetime64[ns]")
    eps = eps.sort_values(["CHILD", "DECOM", "_period"], kind="stable", ignore_index=True)
    k = len(eps)
    fostering = np.isin(eps["PLACE"].to_numpy(dtype=object), _FOSTERING_CODES)
    eps["PLACE_PROVIDER"] = np.array(["PR1", "PR2", "PR3", "PR4", "PR5"], dtype=object)[
        np.where(fostering, rng.integers(0, 2, k), rng.integers(2, 5, k))]
    eps["HOME_POST"] = np.char.add("ZZ99 ", rng.integers(1, 10, k).astype(str)).astype(object)
    eps["PL_POST"] = np.char.add("ZZ99 ", rng.integers(1, 10, k).astype(str)).astype(object)
    eps["URN"] = np.where(fostering, "XXXXXXX",
                          np.char.add("SC", rng.integers(100000, 999999, k).astype(str)).astype(object))
    return eps


def _dates(values: pd.Series) -> pd.Series:
    """Dates as ``dd/mm/yyyy`` text (blank for ``NaT``)."""
    return values.dt.strftime(_DATE).fillna("")


def build_ssda903(world: World, year: int, extract_date: str | pd.Timestamp | None = None, *,
                  episodes: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """One year's SSDA903 return of ``world``: the ``header``, ``episodes`` and ``uasc`` tables as text.

    Parameters
    ----------
    world
        A simulated LA (:func:`csc_demand.synth.simulate`).
    year
        The return's year, the one its 31 March ends (``2019``: 1 April 2018 to 31 March 2019).
    extract_date
        What was known on this day (default: the World's end): episodes starting after it are left out and
        ends after it are blank, so a return whose year ends after it is partial.
    episodes
        :func:`world_episodes` of ``world``, when already made (several years).

    Returns
    -------
    dict[str, pandas.DataFrame]
        Table name → rows with the DfE's columns (:data:`COLUMNS`), every cell text (dates ``dd/mm/yyyy``,
        blank for none). The episodes are in child and start order.

    Raises
    ------
    CscDemandError
        When the year starts after the extract date or the World's end, or earlier than the World keeps its
        periods of care (two years before its start).

    Examples
    --------
    >>> from csc_demand.synth import simulate
    >>> world = simulate("small", 1, start="2018-01-01", end="2019-12-31", shocks=False)
    >>> tables = build_ssda903(world, 2019)
    >>> list(tables)
    ['header', 'episodes', 'uasc']
    """
    cut = min(pd.Timestamp(extract_date).normalize() if extract_date is not None else world.end, world.end)
    first = _year_start(year)
    kept_from = world.start - pd.Timedelta(days=_KEEP_BEFORE_START_DAYS)
    if first > cut or first < kept_from:
        raise CscDemandError(f"The return of the year ending 31/03/{year} starts on {first:%d/%m/%Y}, outside "
                             f"what the simulated LA knows ({kept_from:%d/%m/%Y} to {cut:%d/%m/%Y}): choose "
                             "years inside it, or simulate a longer span.")
    last = min(_year_end(year), cut)
    eps = world_episodes(world) if episodes is None else episodes
    keep = ((eps["DECOM"] <= last) & (eps["DEC"].isna() | (eps["DEC"] >= first))).to_numpy(dtype=bool)
    e = eps[keep]
    ended = (e["DEC"] <= last).to_numpy(dtype=bool)
    out_eps = e[list(COLUMNS["episodes"])].copy()
    out_eps["DECOM"] = _dates(e["DECOM"])
    out_eps["DEC"] = _dates(e["DEC"].where(ended))
    out_eps["REC"] = e["REC"].where(ended, None)
    out_eps = out_eps.astype(object).where(out_eps.notna(), "").reset_index(drop=True)

    kids = world.children.set_index("child_id").loc[pd.unique(e["CHILD"].to_numpy(dtype=object))]
    ids = kids.index.to_numpy(dtype=object)
    sex = kids["gender"].astype(object).map(SEX_CODES).fillna("").to_numpy(dtype=object)
    dob = _dates(kids["birth_date"]).to_numpy(dtype=object)
    digits = pd.Series(ids).str.replace(r"\D", "", regex=True).str.zfill(12).to_numpy(dtype=object)
    header = pd.DataFrame({"CHILD": ids, "SEX": sex, "DOB": dob,
                           "ETHNIC": kids["ethnicity"].astype(object).str.replace(r"^[a-z]\) ", "", regex=True)
                           .fillna("").to_numpy(dtype=object),
                           "UPN": "A" + digits, "MOTHER": "", "MC_DOB": ""})
    uasc_ids = set(e.loc[e["_uasc"].to_numpy(dtype=bool), "CHILD"])
    is_uasc = np.isin(ids, list(uasc_ids))
    duc = _dates(kids["birth_date"] + pd.DateOffset(years=18)).to_numpy(dtype=object)
    uasc = pd.DataFrame({"CHILD": ids[is_uasc], "SEX": sex[is_uasc], "DOB": dob[is_uasc], "DUC": duc[is_uasc]})
    return {"header": header, "episodes": out_eps, "uasc": uasc}


def write_ssda903(world: World, years: Iterable[int], folder: str | Path, *,
                  extract_date: str | pd.Timestamp | None = None) -> list[Path]:
    """Write ``world``'s SSDA903 returns for ``years`` into ``folder``, one file set per year like the DfE's.

    Parameters
    ----------
    world
        A simulated LA (:func:`csc_demand.synth.simulate`).
    years
        The returns' years (each ending 31 March of that year), e.g. ``range(2018, 2024)``.
    folder
        Where to write ``{year}-header.csv``, ``{year}-episodes.csv`` and ``{year}-uasc.csv`` (created if
        needed).
    extract_date
        What was known on this day (default: the World's end); a return whose year ends after it is partial
        (see :func:`build_ssda903`).

    Returns
    -------
    list[pathlib.Path]
        The files written, three per year, oldest year first.

    Raises
    ------
    CscDemandError
        For a year outside the simulated span (see :func:`build_ssda903`) or a folder that cannot be written.

    Examples
    --------
    >>> from csc_demand.synth import simulate
    >>> world = simulate("small", 1, start="2018-01-01", end="2020-06-30", shocks=False)
    >>> paths = write_ssda903(world, [2019, 2020, 2021], "903", extract_date="2020-06-30")
    >>> paths[1].name
    '2019-episodes.csv'
    """
    folder = Path(folder)
    eps = world_episodes(world)
    out: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for year in sorted(years):
            for name, table in build_ssda903(world, year, extract_date, episodes=eps).items():
                path = folder / f"{year}-{name}.csv"
                table.to_csv(path, index=False, lineterminator="\n")
                out.append(path)
    except OSError as exc:
        raise CscDemandError(f"Could not write the SSDA903 returns in {folder}: {exc}. Choose another "
                             "folder.") from exc
    return out


__all__ = ["COLUMNS", "build_ssda903", "world_episodes", "write_ssda903"]
