"""A tiny seeded simulated local authority for the model tests (independent of csc_demand.synth).

Referrals arrive as a Poisson process; each converts to a child protection plan with probability ``p_cp``
and to a period of care with probability ``p_cla``, after a lag, and lasts an exponential time, ending at
the 18th birthday at the latest. The Annex A extract at E holds the referrals in the window and every plan
(period) open at E or ended on or after the window start, with the ending cut off at E.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_demand.tables import AnnexA, Extract, QualityReport

SOURCES = np.array(["6", "2A", "3A", "5A", "1A", "8", "10"])
SOURCE_P = np.array([0.3, 0.2, 0.15, 0.12, 0.08, 0.1, 0.05])


@dataclass(frozen=True)
class World:
    referrals_per_week: float = 60.0
    p_cp: float = 0.1
    p_cla: float = 0.05
    cp_mean_weeks: float = 40.0
    cla_mean_weeks: float = 100.0
    lag_mean_weeks: float = 4.0
    years: float = 25.0
    shock: tuple[str, str, float] | None = None   # (start, end, ratio)


def simulate_world(w: World, seed: int, end: str = "2021-06-30"):
    """All events from ``years`` before ``end`` to ``end`` (inclusive): referrals, cp, cla tables (no cut)."""
    rng = np.random.default_rng(seed)
    t_end = pd.Timestamp(end)
    t0 = t_end - pd.Timedelta(days=int(w.years * 365.25))
    n_days = (t_end - t0).days + 1
    rate = np.full(n_days, w.referrals_per_week / 7.0)
    days = t0 + pd.to_timedelta(np.arange(n_days), unit="D")
    if w.shock is not None:
        a, b, ratio = w.shock
        rate[(days >= pd.Timestamp(a)) & (days <= pd.Timestamp(b))] *= ratio
    counts = rng.poisson(rate)
    ref_day = np.repeat(np.arange(n_days), counts)
    n = len(ref_day)
    ref_date = t0 + pd.to_timedelta(ref_day, unit="D")
    age_days = rng.integers(-60, 18 * 365 - 30, size=n)
    birth = ref_date - pd.to_timedelta(age_days, unit="D")
    ids = np.array([f"{x:016x}" for x in rng.integers(0, 2**63, size=n)])
    src = rng.choice(SOURCES, p=SOURCE_P, size=n)
    refs = pd.DataFrame({"child_id": ids, "referral_date": ref_date, "birth": birth, "source": src})

    def plans(p: float, mean_weeks: float) -> pd.DataFrame:
        yes = rng.random(n) < p
        lag = rng.exponential(w.lag_mean_weeks * 7, size=n).astype(int)
        start = ref_date + pd.to_timedelta(lag, unit="D")
        dur = np.maximum(rng.exponential(mean_weeks * 7, size=n).astype(int), 1)
        end_ = start + pd.to_timedelta(dur, unit="D")
        b18 = birth + pd.DateOffset(years=18)
        end_ = end_.where(end_ < b18, b18)
        ok = yes & (start > birth) & (start < b18)
        return pd.DataFrame({"child_id": ids[ok], "start_date": start[ok], "end_date": end_[ok],
                             "birth": birth[ok]})

    return refs, plans(w.p_cp, w.cp_mean_weeks), plans(w.p_cla, w.cla_mean_weeks)


def _common(df: pd.DataFrame, e: pd.Timestamp) -> pd.DataFrame:
    out = df.copy()
    out["birth_month"] = out["birth"].dt.to_period("M").dt.start_time
    age = (e - out["birth"]).dt.days // 365.25
    out["age_years"] = age.clip(lower=-1).astype("Int64")
    out["gender"] = "female"
    out["extract_date"] = e
    return out.drop(columns=["birth"])


def extract(refs: pd.DataFrame, cp: pd.DataFrame, cla: pd.DataFrame, e: str) -> dict[str, pd.DataFrame]:
    """The Annex A lists as they would be at E (ages at E)."""
    e_ = pd.Timestamp(e)
    ws = e_ - pd.DateOffset(months=6)
    r = refs[(refs["referral_date"] >= ws) & (refs["referral_date"] <= e_)]
    r = _common(r, e_)
    r["age_years"] = ((r["referral_date"] - r["birth_month"]).dt.days // 365.25).clip(lower=-1).astype("Int64")
    r["source_group"] = r["source"].map({"6": "Police", "2A": "Schools", "3A": "Health", "5A": "LA services",
                                         "1A": "Individual", "8": "Other", "10": "Unknown"})

    def cut(p: pd.DataFrame) -> pd.DataFrame:
        p = p[(p["start_date"] <= e_) & (p["end_date"] >= ws)].copy()
        p.loc[p["end_date"] > e_, "end_date"] = pd.NaT
        return _common(p, e_)

    return {"referrals": r.reset_index(drop=True), "cp_plans": cut(cp).reset_index(drop=True),
            "looked_after": cut(cla).reset_index(drop=True)}


def annex_from(refs, cp, cla, extract_dates: list[str]) -> AnnexA:
    """Merge extracts (newest row wins) into an AnnexA."""
    tables: dict[str, list[pd.DataFrame]] = {"referrals": [], "cp_plans": [], "looked_after": []}
    for e in extract_dates:
        for k, v in extract(refs, cp, cla, e).items():
            tables[k].append(v)
    keys = {"referrals": ["child_id", "referral_date", "source"], "cp_plans": ["child_id", "start_date"],
            "looked_after": ["child_id", "start_date"]}
    merged = {k: pd.concat(v).sort_values("extract_date").drop_duplicates(keys[k], keep="last")
              .reset_index(drop=True) for k, v in tables.items()}
    extracts = [Extract(pd.Timestamp(e), pd.Timestamp(e) - pd.DateOffset(months=6), "test") for e in extract_dates]
    return AnnexA(tables=merged, extract_date=pd.Timestamp(extract_dates[-1]), extract_date_source="user",
                  extracts=extracts, quality=QualityReport())


def open_at(p: pd.DataFrame, d: pd.Timestamp) -> int:
    """Plans open at the end of day d (start <= d and (end missing or end > d))."""
    return int(((p["start_date"] <= d) & (p["end_date"].isna() | (p["end_date"] > d))).sum())
def make_annex(referrals: list[tuple] | pd.DataFrame, cp: list[tuple] | pd.DataFrame = (),
               cla: list[tuple] | pd.DataFrame = (), extract_date: str = "2020-12-31",
               extracts: list[str] | None = None) -> AnnexA:
    """An AnnexA from tiny lists.

    referrals: (child_id, referral_date, source_group, age_years); cp/cla: (child_id, start_date, end_date or
    None, birth_month). Each row's extract_date is the (newest) extract date.
    """
    e = pd.Timestamp(extract_date)
    if not isinstance(referrals, pd.DataFrame):
        referrals = pd.DataFrame(list(referrals), columns=["child_id", "referral_date", "source_group", "age_years"])
        referrals["referral_date"] = pd.to_datetime(referrals["referral_date"])
        referrals["extract_date"] = e

    def plans(rows) -> pd.DataFrame:
        if isinstance(rows, pd.DataFrame):
            return rows
        df = pd.DataFrame(list(rows), columns=["child_id", "start_date", "end_date", "birth_month"])
        for c in ("start_date", "end_date", "birth_month"):
            df[c] = pd.to_datetime(df[c])
        df["extract_date"] = e
        return df

    dates = extracts or [extract_date]
    ex = [Extract(pd.Timestamp(d), pd.Timestamp(d) - pd.DateOffset(months=6), "test") for d in dates]
    return AnnexA(tables={"referrals": referrals, "cp_plans": plans(cp), "looked_after": plans(cla)},
                  extract_date=e, extract_date_source="user", extracts=ex, quality=QualityReport())


