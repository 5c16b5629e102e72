"""Social workers: the DfE's published workforce figures, the workforce settings and the staffing arithmetic.

The caseload the DfE publishes (children's social work workforce, at 30 September each year) is the number of
cases held ÷ the case-holding social workers (full-time equivalents, FTE), over **all** children's social care
cases: children in need, including those on child protection plans and those looked after. So

- case-holding FTE needed = open children-in-need cases ÷ caseload (cases per case-holding FTE);
- all social workers (FTE) needed = case-holding FTE ÷ the share of social workers in post who hold cases
  (England, 30 September 2025: 21,105.4 ÷ 36,186.3 = 58.3%);
- posts (filled or vacant) = FTE in post ÷ (1 − vacancy rate), as the DfE defines the vacancy rate
  (vacancies ÷ (vacancies + FTE in post));
- a year's cost of a worker = salary × (1 + on-costs), and an agency worker costs the agency premium more; at an
  agency rate of 13%, an average worker costs salary × (1 + on-costs) × (1 + 13% × premium).

A compact copy of the DfE file is bundled (``csc_demand/data/workforce.csv``, built by
``scripts/build_workforce_data.py``; Open Government Licence v3.0): :func:`find_la` looks an authority up by name
or code, :func:`england` gives England's latest figures and :func:`default_caseload` the caseload to use when
the scenario sets none. Everything here is pure (numpy and pandas only) and imports nothing from the model,
the reports, the CLI or the app.

The salary, on-costs and agency premium defaults are ILLUSTRATIVE round figures, not any authority's costs: set
your own in the scenario's ``[workforce]`` table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from csc_demand.errors import CscDemandError
from csc_demand.settings import Setting

#: The bundled table's columns, in file order (see ``scripts/build_workforce_data.py``).
WORKFORCE_COLUMNS: tuple[str, ...] = ("la_code", "old_la_code", "la_name", "region", "year", "caseload_fte",
                                      "cases", "case_holders_fte", "inpost_fte", "agency_rate_pct",
                                      "vacancy_rate_pct")
ENGLAND_CODE = "E92000001"
SOURCE = "DfE, Children's social work workforce"

#: What became of authorities that no longer exist (by old LA code), for the note on their last figures.
SUCCESSORS: dict[str, str] = {
    "835": "in April 2019 Dorset County Council was replaced by Dorset Council, and Christchurch joined "
           "Bournemouth and Poole as Bournemouth, Christchurch and Poole",
    "836": "in April 2019 Poole became part of Bournemouth, Christchurch and Poole",
    "837": "in April 2019 Bournemouth became part of Bournemouth, Christchurch and Poole",
    "909": "in April 2023 Cumbria was replaced by Cumberland and by Westmorland and Furness",
    "928": "in April 2021 Northamptonshire was replaced by North Northamptonshire and West Northamptonshire, "
           "which make a joint return",
}

#: Words left out when names are compared ("Kent County Council" is Kent, "City of York" is York).
_FILLER_WORDS = frozenset({"city", "of", "county", "council", "borough", "royal", "metropolitan", "the", "london"})


# --- the bundled figures ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def workforce_table() -> pd.DataFrame:
    """The bundled DfE workforce figures: one row per local authority (and England) and year.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WORKFORCE_COLUMNS`. ``year`` is the census year (figures at 30 September of that
        year); ``caseload_fte`` is cases per case-holding FTE, ``cases`` the cases held, ``case_holders_fte``
        and ``inpost_fte`` full-time equivalents, ``agency_rate_pct`` and ``vacancy_rate_pct`` percentages.
        Figures the DfE suppressed or did not publish are NaN. Joint returns are one row with both codes and
        names joined by " / ". The frame is cached: do not change it in place.
    """
    path = resources.files("csc_demand").joinpath("data", "workforce.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"la_code": str, "old_la_code": str, "la_name": str, "region": str},
                         keep_default_na=False, na_values={c: [""] for c in WORKFORCE_COLUMNS[5:]})
    df["year"] = df["year"].astype(int)
    for c in WORKFORCE_COLUMNS[5:]:
        df[c] = df[c].astype(float)
    return df


@dataclass(frozen=True)
class LaWorkforce:
    """One authority's (or England's) published workforce figures for one year (at 30 September).

    ``caseload_fte`` is cases per case-holding FTE; ``cases`` the cases held; ``case_holders_fte`` and
    ``inpost_fte`` full-time equivalents; ``agency_rate_pct`` and ``vacancy_rate_pct`` percentages (``None``
    where the DfE suppressed or did not publish the figure). ``note`` says, in a sentence or two, what to bear
    in mind (a joint return; an authority that no longer exists; a later year not published); "" when nothing.
    """

    la_name: str
    la_code: str
    old_la_code: str
    region: str
    year: int
    caseload_fte: float
    cases: float | None
    case_holders_fte: float | None
    inpost_fte: float | None
    agency_rate_pct: float | None
    vacancy_rate_pct: float | None
    note: str = ""

    @property
    def date(self) -> dt.date:
        """The census date: 30 September of :attr:`year`."""
        return dt.date(self.year, 9, 30)

    @property
    def joint_return(self) -> bool:
        """True for a joint return (two authorities' figures together)."""
        return " / " in self.la_code

    @property
    def is_england(self) -> bool:
        """True for England's figures."""
        return self.la_code == ENGLAND_CODE

    @property
    def display_name(self) -> str:
        """The name as people write it: "City of Bristol" (not "Bristol, City of"); "Kingston upon Thames and
        Richmond upon Thames" for a joint return."""
        parts = []
        for part in self.la_name.split(" / "):
            head, sep, tail = part.partition(", ")
            parts.append(f"{tail} {head}" if sep and tail in ("City of", "County of") else part)
        return " and ".join(parts)

    @property
    def case_holder_share_pct(self) -> float | None:
        """Case-holding FTE as a % of FTE in post (``None`` when either is not published)."""
        if not self.case_holders_fte or not self.inpost_fte:
            return None
        return 100.0 * self.case_holders_fte / self.inpost_fte


def _opt(x: float) -> float | None:
    return None if pd.isna(x) else float(x)


def _fmt(x: float) -> str:
    """A published figure as printed: 17 → "17", 15.2 → "15.2", 21105.4 → "21,105.4"."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.10g}" if abs(x) < 1000 else f"{x:,.1f}"


def _joint_note(la_name: str) -> str:
    return f"{la_name.replace(' / ', ' and ')} make a joint return: these figures are for both together."


def _latest(series: pd.DataFrame, latest_year_published: int) -> LaWorkforce:
    """The latest row of one authority's rows that has a caseload, with its note."""
    with_caseload = series[series["caseload_fte"].notna()]
    name = series.iloc[-1]["la_name"]
    if with_caseload.empty:
        raise CscDemandError(f"The DfE has published no caseload for {name}: set caseload_per_worker in the "
                             "scenario.")
    r = with_caseload.sort_values("year").iloc[-1]
    notes = []
    if " / " in r["la_code"]:
        notes.append(_joint_note(r["la_name"]))
    last_year = int(series["year"].max())
    if int(r["year"]) < last_year:
        notes.append(f"The DfE did not publish a caseload for {name} for 30 September {last_year}; these are "
                     f"the latest published, for {int(r['year'])}.")
    elif last_year < latest_year_published:
        later = SUCCESSORS.get(r["old_la_code"])
        notes.append(f"No figures were published for {name} after 30 September {last_year}"
                     + (f": {later}." if later else "."))
    return LaWorkforce(la_name=r["la_name"], la_code=r["la_code"], old_la_code=r["old_la_code"],
                       region=r["region"], year=int(r["year"]), caseload_fte=float(r["caseload_fte"]),
                       cases=_opt(r["cases"]), case_holders_fte=_opt(r["case_holders_fte"]),
                       inpost_fte=_opt(r["inpost_fte"]), agency_rate_pct=_opt(r["agency_rate_pct"]),
                       vacancy_rate_pct=_opt(r["vacancy_rate_pct"]), note=" ".join(notes))


@functools.lru_cache(maxsize=1)
def england() -> LaWorkforce:
    """England's latest published workforce figures (30 September 2025: caseload 15.2, 21,105.4 case-holding
    FTE, 36,186.3 FTE in post, agency rate 13%, vacancy rate 14.2%)."""
    t = workforce_table()
    return _latest(t[t["la_code"] == ENGLAND_CODE], int(t["year"].max()))


# --- looking an authority up ---------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    t = text.casefold().replace("&", " and ").replace("saint ", "st ")
    return re.findall(r"[a-z0-9]+", t)


def name_key(name: str) -> str:
    """A name reduced for comparison: lower case, no punctuation, without words such as "City of", "County
    Council", "Borough" or "London" ("Kingston upon Hull, City of" → "kingston upon hull"; "Royal Borough of
    Kensington & Chelsea" → "kensington and chelsea"). A name made only of such words ("City of London") keeps
    them all but "of"."""
    words = _words(name)
    kept = [w for w in words if w not in _FILLER_WORDS]
    return " ".join(kept or [w for w in words if w != "of"])


@functools.lru_cache(maxsize=1)
def _index() -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """Codes → series, name keys → series, and name key → the name as published (a series is an authority's
    old LA code, stable across its new codes; England's is "")."""
    t = workforce_table()
    codes: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for la_code, old_code, la_name in t[["la_code", "old_la_code", "la_name"]].drop_duplicates().itertuples(
            index=False):
        series = old_code
        for code in la_code.split(" / ") + (old_code.split(" / ") if old_code else []):
            codes.setdefault(code.strip().upper(), set()).add(series)
        for part in la_name.split(" / "):
            key = name_key(part)
            names.setdefault(key, set()).add(series)
            shown[key] = part
    return codes, names, shown


def find_la(name_or_code: str) -> LaWorkforce:
    """An authority's latest published figures: the latest year with a caseload, and that year's figures.

    Parameters
    ----------
    name_or_code : str
        A name, as the DfE spells it or close to it (case, punctuation, "&", "City of", "County Council",
        "London Borough of" do not matter; a unique part such as "Hull" or "Richmond" will do), or a code:
        the new code (``E10000016``) or the old three-digit one (``886``). "England" gives :func:`england`.
        Either authority of a joint return finds the joint figures.

    Returns
    -------
    LaWorkforce
        The figures, with a note for a joint return, an authority that no longer exists (its last figures) or a
        latest year whose caseload was not published.

    Raises
    ------
    CscDemandError
        When nothing matches (with the closest names) or a part of a name matches several authorities.
    """
    text = str(name_or_code).strip()
    t = workforce_table()
    latest_year = int(t["year"].max())
    codes, names, shown = _index()
    series: set[str] | None = None
    if text.upper() in codes:
        series = codes[text.upper()]
    else:
        key = name_key(text)
        if key in names:
            series = names[key]
        elif key:
            words = set(key.split())
            partial = {k: s for k, s in names.items() if words <= set(k.split())}
            found = set().union(*partial.values()) if partial else set()
            if len(found) == 1:
                series = found
            elif len(found) > 1:
                options = sorted({shown[k] for k in partial})
                if len(options) > 6:
                    options = options[:5] + [f"{len(options) - 5} others"]
                raise CscDemandError(f"'{text}' could be {_either(options)}: give more of the name, or the "
                                     "authority's code (such as E10000016 or 886).")
    if not series:
        close = difflib.get_close_matches(name_key(text), list(names), n=3, cutoff=0.6)
        hint = (f" Did you mean {_either([repr(shown[k]) for k in close])}?" if close else
                " Give the name as the DfE spells it (such as 'Kingston upon Hull, City of') or the authority's "
                "code (such as E10000016 or 886).")
        raise CscDemandError(f"'{text}' is not a local authority in the DfE's workforce figures.{hint}")
    rows = t[t["old_la_code"].isin(series)]
    # a name shared by an old and a new authority (Dorset): the one with the latest figures
    newest = rows.loc[rows["year"].idxmax(), "old_la_code"] if len(series) > 1 else next(iter(series))
    return _latest(rows[rows["old_la_code"] == newest].sort_values("year"), latest_year)


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


@functools.lru_cache(maxsize=64)
def default_caseload(la: str | None) -> tuple[float, str]:
    """The caseload to use when the scenario sets none, and a sentence saying where it comes from.

    Parameters
    ----------
    la : str or None
        The local authority's name or code (see :func:`find_la`), or ``None`` when none was named.

    Returns
    -------
    caseload : float
        Cases per case-holding social worker (FTE): the authority's latest published caseload, or England's.
    sentence : str
        For example "Kent's own published caseload, 30 September 2025: 17 cases per case-holding social worker
        (DfE)." or "England's latest published caseload, 30 September 2025: 15.2 cases per case-holding social
        worker (DfE), because no local authority was named."

    Raises
    ------
    CscDemandError
        When ``la`` is given but not found (see :func:`find_la`).
    """
    if la is None or not str(la).strip():
        e = england()
        return e.caseload_fte, (f"England's latest published caseload, 30 September {e.year}: "
                                f"{_fmt(e.caseload_fte)} cases per case-holding social worker (DfE), because no "
                                "local authority was named.")
    w = find_la(la)
    if w.is_england:
        return w.caseload_fte, (f"England's latest published caseload, 30 September {w.year}: "
                                f"{_fmt(w.caseload_fte)} cases per case-holding social worker (DfE).")
    figure = f"30 September {w.year}: {_fmt(w.caseload_fte)} cases per case-holding social worker (DfE)."
    if w.joint_return:
        sentence = f"The published caseload of {w.display_name}, who make a joint return, {figure}"
        note = w.note.replace(_joint_note(w.la_name), "").strip()  # the joint return is said already
    else:
        sentence, note = f"{w.display_name}'s own published caseload, {figure}", w.note
    return w.caseload_fte, (f"{sentence} {note}" if note else sentence)


# --- the settings ----------------------------------------------------------------------------------------------

#: Each numeric setting of :class:`Workforce`: bounds, unit, what it means and its label (the scenario file is
#: validated against these, and the app's boxes are drawn from them).
WORKFORCE_SETTINGS: dict[str, Setting] = {
    "case_holder_share_pct": Setting(
        1, 100, "%", "Case-holding social workers as a share of all social workers in post (FTE); default "
                     "England's at 30 September 2025 (21,105.4 ÷ 36,186.3 FTE, DfE).",
        "Case holders as a share of all social workers in post (%)", step=0.5),
    "agency_rate_pct": Setting(
        0, 100, "%", "Agency workers as a share of all workers (agency + in post, FTE); default England's at "
                    "30 September 2025 (DfE).", "Agency workers as a share of all workers (%)", step=0.5),
    "vacancy_rate_pct": Setting(
        0, 90, "%", "Vacant posts as a share of all posts (vacancies + FTE in post); default England's at "
                    "30 September 2025 (DfE).", "Vacant posts as a share of all posts (%)", step=0.5),
    "salary_gbp_per_year": Setting(
        10_000, 250_000, "£ a year", "A social worker's salary (illustrative default, not any authority's "
                                     "pay: set your own).", "Salary of a social worker (£ a year, illustrative)",
        step=500),
    "on_costs_pct": Setting(
        0, 100, "%", "Employer's National Insurance and pension on top of salary (illustrative default).",
        "On-costs: employer's National Insurance and pension (%, illustrative)"),
    "agency_premium_pct": Setting(
        0, 300, "%", "How much more an agency worker costs than an employed one, on-costs included "
                     "(illustrative default).", "How much more an agency worker costs (%, illustrative)", step=5),
    "case_holders_fte_now": Setting(
        0.1, 100_000, "FTE", "Case-holding social workers today; default: today's open cases ÷ the caseload.",
        "Case-holding social workers today (FTE)"),
    "target_caseload": Setting(
        1, 200, "cases per case-holding FTE", "The caseload to bring social workers to (optional).",
        "Target caseload (cases per case-holding social worker)", step=0.5),
}


@dataclass(frozen=True)
class Workforce:
    """The workforce settings (the scenario's ``[workforce]`` table).

    ``la`` names the local authority (name or code) whose published caseload is the default. The shares and
    rates default to England's at 30 September 2025 (DfE); salary, on-costs and the agency premium are
    ILLUSTRATIVE round figures, not any authority's: set your own. ``case_holders_fte_now``,
    ``target_caseload`` and ``target_date`` ask "to bring caseloads to N by a date, how many more social
    workers, and what do they cost". Bounds and descriptions: :data:`WORKFORCE_SETTINGS`.
    """

    la: str | None = None
    case_holder_share_pct: float = 58.3
    agency_rate_pct: float = 13.0
    vacancy_rate_pct: float = 14.2
    salary_gbp_per_year: float = 42_000.0
    on_costs_pct: float = 30.0
    agency_premium_pct: float = 50.0
    case_holders_fte_now: float | None = None
    target_caseload: float | None = None
    target_date: dt.date | None = None

    def __post_init__(self) -> None:
        for name, setting in WORKFORCE_SETTINGS.items():
            if getattr(self, name) is not None:
                setting.check(name, getattr(self, name), "workforce")

    def rates_are_default(self) -> bool:
        """True when the case-holder share and the agency and vacancy rates are England's defaults."""
        d = Workforce()
        return all(getattr(self, k) == getattr(d, k)
                   for k in ("case_holder_share_pct", "agency_rate_pct", "vacancy_rate_pct"))

    def pay_is_default(self) -> bool:
        """True when salary, on-costs and the agency premium are the illustrative defaults."""
        d = Workforce()
        return all(getattr(self, k) == getattr(d, k)
                   for k in ("salary_gbp_per_year", "on_costs_pct", "agency_premium_pct"))


# --- the arithmetic ----------------------------------------------------------------------------------------------

def case_holders_needed_fte(open_cases: np.ndarray | float, caseload: np.ndarray | float) -> np.ndarray:
    """Case-holding social workers needed (FTE) = open cases ÷ cases per case-holding FTE."""
    return np.asarray(open_cases, dtype=float) / np.asarray(caseload, dtype=float)


def total_fte(case_holders_fte: np.ndarray | float, case_holder_share_pct: float) -> np.ndarray:
    """All social workers (FTE, counted as the DfE counts FTE in post) = case-holding FTE ÷ their share."""
    return np.asarray(case_holders_fte, dtype=float) / (case_holder_share_pct / 100.0)


def posts_fte(total: np.ndarray | float, vacancy_rate_pct: float) -> np.ndarray:
    """Posts, filled or vacant (FTE), for ``total`` FTE in post at a vacancy rate: total ÷ (1 − rate)."""
    return np.asarray(total, dtype=float) / (1.0 - vacancy_rate_pct / 100.0)


def cost_per_fte_gbp_per_year(settings: Workforce) -> float:
    """A year's cost of one worker (FTE) at the settings' mix of employed and agency workers, in £ a year:
    salary × (1 + on-costs) × (1 + agency rate × agency premium)."""
    employed = settings.salary_gbp_per_year * (1.0 + settings.on_costs_pct / 100.0)
    return employed * (1.0 + settings.agency_rate_pct / 100.0 * settings.agency_premium_pct / 100.0)


def caseload_path(months: pd.DatetimeIndex, caseload: float, target_caseload: float,
                  target_date: dt.date | None) -> np.ndarray:
    """The caseload planned at each month end: a straight line from ``caseload`` at the first month to
    ``target_caseload`` at ``target_date``, then the target (from the first month when there is no date, or
    the date is not after the first month). Cases per case-holding FTE, shape (months,)."""
    n = len(months)
    if target_date is None or n == 0 or pd.Timestamp(target_date) <= months[0]:
        return np.full(n, float(target_caseload))
    span = (pd.Timestamp(target_date) - months[0]).days
    frac = np.clip(np.asarray((months - months[0]).days, dtype=float) / span, 0.0, 1.0)
    return caseload + (target_caseload - caseload) * frac


def staffing(cin_open_month_end: pd.Series | np.ndarray, caseload: float, settings: Workforce | None = None, *,
             months: Sequence | pd.DatetimeIndex | None = None, case_holders_fte_now: float | None = None,
             target_caseload: float | None = None, target_date: dt.date | None = None) -> pd.DataFrame:
    """Social workers needed month by month, and what it takes to bring caseloads to a target.

    Parameters
    ----------
    cin_open_month_end : pandas.Series or numpy.ndarray
        Open children-in-need cases (children on a plan or in care included) at each month end: a Series
        indexed by month-end dates, an array (months,) or an array (draws, months), one row per draw.
    caseload : float
        Cases per case-holding social worker (FTE) today.
    settings : Workforce, optional
        Shares, rates and pay (default :class:`Workforce`'s defaults).
    months : sequence of dates, optional
        The month ends, for an array (a Series brings its own index). Needed only with ``target_date``;
        without them, months are numbered from 0.
    case_holders_fte_now : float, optional
        Case-holding social workers (FTE) today. Default: ``settings.case_holders_fte_now``, else the first
        month's open cases ÷ ``caseload``.
    target_caseload : float, optional
        The caseload to bring workers to (cases per case-holding FTE). Default: ``settings.target_caseload``;
        with neither, no target columns.
    target_date : date, optional
        When the target is to be reached; the caseload moves in a straight line from ``caseload`` at the first
        month to the target at this date (see :func:`caseload_path`). Default: ``settings.target_date``, else
        the target applies from the first month.

    Returns
    -------
    pandas.DataFrame
        One row per month (index ``month``), or per draw and month (index ``draw``, ``month``) for a 2-D
        array, with columns:

        - ``cin_open``: open cases;
        - ``case_holders_fte_needed``: case-holding FTE needed at ``caseload`` (cases ÷ caseload);
        - ``total_fte_needed``: all social workers (FTE in post) ÷ the case-holder share;
        - ``posts_fte``: posts, filled or vacant, at the vacancy rate;

        and, with a target:

        - ``caseload_planned``: cases per case-holding FTE on the way to the target;
        - ``case_holders_fte_planned``, ``total_fte_planned``: FTE needed at the planned caseload;
        - ``extra_case_holders_fte``, ``extra_total_fte``: how many more than today (negative: fewer);
        - ``extra_case_holders_cost_gbp_per_year``, ``extra_total_cost_gbp_per_year``: what the extra workers
          cost a year (:func:`cost_per_fte_gbp_per_year`; at the settings' illustrative pay unless set).

        ``df.attrs`` holds ``caseload``, ``case_holders_fte_now``, ``target_caseload``, ``target_date`` and
        ``cost_per_fte_gbp_per_year``.
    """
    settings = settings if settings is not None else Workforce()
    if not caseload > 0:
        raise ValueError(f"caseload must be above 0, got {caseload!r}")
    now_fte = case_holders_fte_now if case_holders_fte_now is not None else settings.case_holders_fte_now
    target = target_caseload if target_caseload is not None else settings.target_caseload
    when = target_date if target_date is not None else settings.target_date
    if target is not None and not target > 0:
        raise ValueError(f"target_caseload must be above 0, got {target!r}")

    if isinstance(cin_open_month_end, pd.Series):
        cases = cin_open_month_end.to_numpy(dtype=float)[None, :]
        idx = cin_open_month_end.index if months is None else months
        one_row = True
    else:
        arr = np.asarray(cin_open_month_end, dtype=float)
        if arr.ndim not in (1, 2):
            raise ValueError(f"cin_open_month_end must be (months,) or (draws, months), got shape {arr.shape}")
        one_row = arr.ndim == 1
        cases = arr[None, :] if one_row else arr
        idx = months if months is not None else pd.RangeIndex(cases.shape[1])
    if len(idx) != cases.shape[1]:
        raise ValueError(f"{len(idx)} months given for {cases.shape[1]} months of cases")
    dated = not isinstance(idx, pd.RangeIndex)
    month_index = pd.DatetimeIndex(pd.to_datetime(list(idx))) if dated else idx
    if when is not None and target is not None and not dated:
        raise ValueError("a target_date needs the months' dates (a Series indexed by date, or months=...)")

    needed = case_holders_needed_fte(cases, caseload)
    cols: dict[str, np.ndarray] = {
        "cin_open": cases,
        "case_holders_fte_needed": needed,
        "total_fte_needed": total_fte(needed, settings.case_holder_share_pct),
    }
    cols["posts_fte"] = posts_fte(cols["total_fte_needed"], settings.vacancy_rate_pct)
    unit_cost = cost_per_fte_gbp_per_year(settings)
    if target is not None:
        path = caseload_path(month_index, caseload, target, when) if dated else np.full(cases.shape[1], target)
        planned = case_holders_needed_fte(cases, path[None, :])
        now = np.full((cases.shape[0], 1), float(now_fte)) if now_fte is not None else needed[:, :1]
        extra = planned - now
        extra_total = total_fte(extra, settings.case_holder_share_pct)
        cols.update({
            "caseload_planned": np.broadcast_to(path, cases.shape),
            "case_holders_fte_planned": planned,
            "total_fte_planned": total_fte(planned, settings.case_holder_share_pct),
            "extra_case_holders_fte": extra,
            "extra_total_fte": extra_total,
            "extra_case_holders_cost_gbp_per_year": extra * unit_cost,
            "extra_total_cost_gbp_per_year": extra_total * unit_cost,
        })
    if one_row:
        out = pd.DataFrame({k: v[0] for k, v in cols.items()}, index=month_index)
        out.index.name = "month"
    else:
        draws = cases.shape[0]
        index = pd.MultiIndex.from_product([range(draws), month_index], names=["draw", "month"])
        out = pd.DataFrame({k: np.ascontiguousarray(v).reshape(-1) for k, v in cols.items()}, index=index)
    out.attrs.update(caseload=float(caseload), case_holders_fte_now=now_fte,
                     target_caseload=target, target_date=when, cost_per_fte_gbp_per_year=unit_cost)
    return out


def describe_target(table: pd.DataFrame, settings: Workforce | None = None) -> str:
    """The answer to "to bring caseloads to N by a date, how many more social workers, and what do they
    cost", in one or two sentences, read from a one-row-per-month :func:`staffing` table with a target.

    The figures are those of the month of the target date (the first month end on or after it; the last month
    when the date is after the forecast), or of the first month when there is no date.
    """
    settings = settings if settings is not None else Workforce()
    target = table.attrs.get("target_caseload")
    if target is None or "extra_case_holders_fte" not in table or isinstance(table.index, pd.MultiIndex):
        raise ValueError("describe_target needs a one-row-per-month staffing() table with a target")
    when = table.attrs.get("target_date")
    pos = 0
    if when is not None and isinstance(table.index, pd.DatetimeIndex):
        after = np.flatnonzero(table.index >= pd.Timestamp(when))
        pos = int(after[0]) if len(after) else len(table) - 1
    row = table.iloc[pos]
    by = f"by {when.day} {when.strftime('%b %Y')}" if when is not None else "from the start"
    now = row["case_holders_fte_planned"] - row["extra_case_holders_fte"]
    more = row["extra_case_holders_fte"]
    change = (f"{abs(more):,.1f} more than" if more >= 0 else f"{abs(more):,.1f} fewer than")
    cost = row["extra_case_holders_cost_gbp_per_year"]
    pay = ("illustrative pay" if settings.pay_is_default() else "the scenario's pay")
    money = (f"costing about £{cost:,.0f} a year" if more >= 0 else f"saving about £{-cost:,.0f} a year")
    return (f"To bring caseloads to {_fmt(float(target))} cases per case-holding social worker {by} would take "
            f"about {row['case_holders_fte_planned']:,.1f} case-holding social workers (FTE), {change} the "
            f"{now:,.1f} today ({abs(row['extra_total_fte']):,.1f} {'more' if more >= 0 else 'fewer'} FTE in all, "
            f"counting those who hold no cases), "
            f"{money} for the case holders ({pay}: salary £{settings.salary_gbp_per_year:,.0f} a year, on-costs "
            f"{_fmt(settings.on_costs_pct)}%, {_fmt(settings.agency_rate_pct)}% agency workers at a "
            f"{_fmt(settings.agency_premium_pct)}% premium).")
