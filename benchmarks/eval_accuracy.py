"""Accuracy of the forecast on simulated LAs whose future is known: error against "same as now", and coverage.

Two kinds of world (``--world``):

``new-normal`` (the default; held-out settings, unlike the demo): each seed draws its own LA (size, conversions,
durations), lives through the 2020–21 lockdowns and a +7% new normal from 1 July 2021, and has ONE Annex A
extract at 30 June 2022 (a year into the new normal, no further shocks). The forecast ("no further shocks", the
default scenario) is scored 6, 12 and 24 months ahead, each horizon on its own (not averaged over months):

- ``err``: mean absolute % error of the median against the truth; ``bias``: mean signed % error;
- ``naive``: the same for "same as now" (stocks: the number open on the extract date; flows: the mean month of
  the extract's window);
- ``cover``: share of LAs whose truth lies inside P10–P90 (target 0.70–0.90).

``gaps``: the same held-out LAs with TWO extracts a year apart (30 June 2021 and 30 June 2022: the windows leave a
six-month gap); the forecast from both is scored against the forecast from the latest extract alone (more data
must never make it worse).

``history``: the same held-out LAs with one extract at 30 June 2022 and five years of monthly figures (the
referrals, starts and numbers open of July 2017 to June 2022, as an LA keeps them) given as ``--history``.

``ssda903``: the same held-out LAs with one extract at 30 June 2022 and the LA's SSDA903 returns for the years
ending March 2018 to March 2023 (the 2023 return partial: what was known on the extract date), read together with
the real reader (``read_annex_a`` on the workbook and the returns' folder: ``annex.ssda903``). The same seeds give
the same LAs as ``new-normal``, so the two tables compare the forecast with and without the returns.

``lockdown``: the median preset with six-monthly extracts from December 2019 to December 2020 and the
TRUE scenario (the simulator's shocks as a scenario file) given: the error of open CP plans and children looked
after 12 months ahead (kept within 6% and 4%).

Run (the figures in docs/accuracy.md)::

    python benchmarks/eval_accuracy.py --seeds 32
    python benchmarks/eval_accuracy.py --world gaps --seeds 16
    python benchmarks/eval_accuracy.py --world history --seeds 32
    python benchmarks/eval_accuracy.py --world lockdown --seeds 16
    python benchmarks/eval_accuracy.py --world ssda903 --seeds 16

The simulated workbooks are written and read back with the real reader once per seed and kept in ``--cache``
(default: a folder in the system's temporary folder), so a model change is re-scored in seconds.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.io import read_annex_a, read_history
from csc_demand.model import forecast, with_history
from csc_demand.scenario import NewNormal, Scenario, Shock
from csc_demand.synth import (
    PRESETS,
    simulate,
    truth_series,
    write_annex_a,
    write_ssda903,
)
from csc_demand.synth.params import SHOCKS_2020
from csc_demand.synth.params import Shock as WorldShock
from csc_demand.tables import MEASURES, REFERRAL_SOURCE_GROUPS

HORIZONS = (6, 12, 24)
STOCKS = ("cp_open", "cla_open", "cin_open")
NEW_NORMAL_SHOCKS = SHOCKS_2020[:2] + (WorldShock("New normal", "2021-07-01", None, 1.07),)
NEW_NORMAL_EXTRACT = pd.Timestamp("2022-06-30")
LOCKDOWN_EXTRACT = pd.Timestamp("2020-12-31")
SSDA903_YEARS = range(2018, 2024)  # the returns of the years ending 31 March 2018 to 2023 (the last one partial)


def held_out_params(seed: int):
    """An LA unlike the demo: size, conversions and durations drawn from the seed."""
    r = np.random.default_rng([seed, 2022])
    p = PRESETS["median"]
    return replace(p, referrals_per_year=float(np.exp(r.uniform(np.log(1200), np.log(7000)))),
                   cp_per_referral=p.cp_per_referral * r.uniform(0.75, 1.3),
                   cla_per_referral=p.cla_per_referral * r.uniform(0.75, 1.3),
                   cp_long_median_days=p.cp_long_median_days * r.uniform(0.75, 1.3),
                   cla_medium_median_days=p.cla_medium_median_days * r.uniform(0.75, 1.3),
                   cla_short_share=p.cla_short_share * r.uniform(0.7, 1.3),
                   cp_lag_mean_days=p.cp_lag_mean_days * r.uniform(0.7, 1.4))


def prepare(world_kind: str, seed: int, cache: Path) -> Path:
    """Simulate, write and read back one seed's extracts (kept in the cache)."""
    out = cache / f"{world_kind}_{seed}.pkl"
    if out.exists():
        return out
    if world_kind in ("new-normal", "gaps", "history", "ssda903"):
        world = simulate(held_out_params(seed), seed, start="2017-01-01" if world_kind == "history" else "2019-01-01",
                         end="2024-07-31", shocks=NEW_NORMAL_SHOCKS)
        dates = [NEW_NORMAL_EXTRACT] if world_kind in ("new-normal", "ssda903") else \
            [NEW_NORMAL_EXTRACT - pd.DateOffset(years=1), NEW_NORMAL_EXTRACT]
    else:
        world = simulate("median", seed, start="2018-01-01", end="2022-03-31")
        dates = list(pd.date_range("2019-12-31", LOCKDOWN_EXTRACT, freq="6ME"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write_annex_a(world, d, Path(tmp) / f"annex_a_{d:%Y-%m-%d}.xlsx") for d in dates]
        annex = read_annex_a(paths)
        if world_kind == "ssda903":
            returns = write_ssda903(world, SSDA903_YEARS, Path(tmp) / "ssda903", extract_date=dates[-1])
            annex = read_annex_a([*paths, returns[0].parent])
        latest = read_annex_a(paths[-1:]) if len(paths) > 1 else annex
        if world_kind == "history":
            truth = truth_series(world)
            months = truth[(truth["month"] >= "2017-07") & (truth["month"] <= "2022-06")]
            csv = Path(tmp) / "monthly_figures.csv"
            months.to_csv(csv, index=False)
            annex = with_history(annex, read_history(csv))
    payload = {"annex": annex, "latest": latest, "truth": truth_series(world).set_index("month"), "shocks": world.shocks}
    tmp_out = out.with_suffix(".tmp")
    tmp_out.write_bytes(pickle.dumps(payload))
    tmp_out.replace(out)
    return out


def true_scenario(shocks) -> Scenario:
    """The simulator's shocks as a scenario (ratios → % changes; end=None → a new normal)."""
    out, nn = [], None
    for s in shocks:
        if s.end is None:
            nn = NewNormal(pd.Timestamp(s.start).date(), (s.referral_ratio - 1) * 100)
            continue
        by_source = {REFERRAL_SOURCE_GROUPS[code]: (ratio - 1) * 100 for code, ratio in s.source_ratios}
        kw = {}
        if s.returning_share > 0:
            rs, re = pd.Timestamp(s.return_start), pd.Timestamp(s.return_end)
            kw = {"returns_pct": s.returning_share * 100, "return_start": rs.date(),
                  "return_months": max(1, round((re - rs).days / 30.44))}
        out.append(Shock(s.name, pd.Timestamp(s.start).date(), pd.Timestamp(s.end).date(),
                         (s.referral_ratio - 1) * 100, by_source_change_pct=by_source, **kw))
    return Scenario(name="True scenario", shocks=tuple(out), new_normal=nn)


def past_shocks_scenario(shocks) -> Scenario:
    """The lockdowns an analyst lived through (and their returning referrals), declared as past shocks, with no
    new normal: what a user would put in the scenario after 2021."""
    return replace(true_scenario(shocks), name="Past lockdowns declared", new_normal=None)


def _score(annex, truth, seed: int, draws: int, data: str, shocks=None) -> list[dict]:
    """Score the forecast ("no further shocks", or with ``shocks`` given: the past lockdowns declared)."""
    scenarios = None if shocks is None else [past_shocks_scenario(shocks)]
    fc = forecast(annex, scenarios, months=max(HORIZONS), draws=draws, seed=seed)
    t = fc.table
    t = t[(t["breakdown"] == "total") & (t["period_type"] == "month")]
    act = fc.actuals[fc.actuals["period_type"] == "month"]
    rows = []
    for m in MEASURES:
        if m not in truth or not (t["measure"] == m).any():
            continue
        q = t[t["measure"] == m].pivot_table(index="period", columns="quantile", values="value")
        past = act[act["measure"] == m].sort_values("period")
        if m in STOCKS:
            naive = float(past["value"].iloc[-1])   # the month end of the extract date
        else:
            naive = float(past["value"].iloc[-6:].mean())     # the latest extract's window
        for h in HORIZONS:
            period = q.index[h - 1]
            true = float(truth.loc[period, m])
            rows.append({"seed": seed, "data": data, "measure": m, "horizon": h, "period": period, "truth": true,
                         "p10": q.loc[period, 0.1], "p50": q.loc[period, 0.5], "p90": q.loc[period, 0.9],
                         "naive": naive})
    return rows


def score_new_normal(seed: int, cache: Path, draws: int, declare: bool = False) -> list[dict]:
    data = pickle.loads((cache / f"new-normal_{seed}.pkl").read_bytes())
    return _score(data["annex"], data["truth"], seed, draws, "one extract",
                  data["shocks"] if declare else None)


def score_history(seed: int, cache: Path, draws: int, declare: bool = False) -> list[dict]:
    data = pickle.loads((cache / f"history_{seed}.pkl").read_bytes())
    return _score(data["annex"], data["truth"], seed, draws, "one extract and five years of monthly figures",
                  data["shocks"] if declare else None)


def score_ssda903(seed: int, cache: Path, draws: int, declare: bool = False) -> list[dict]:
    data = pickle.loads((cache / f"ssda903_{seed}.pkl").read_bytes())
    return _score(data["annex"], data["truth"], seed, draws, "one extract and SSDA903 returns 2018-2023",
                  data["shocks"] if declare else None)


def score_gaps(seed: int, cache: Path, draws: int, declare: bool = False) -> list[dict]:
    data = pickle.loads((cache / f"gaps_{seed}.pkl").read_bytes())
    shocks = data["shocks"] if declare else None
    return (_score(data["latest"], data["truth"], seed, draws, "latest extract alone", shocks)
            + _score(data["annex"], data["truth"], seed, draws, "both extracts", shocks))


def score_lockdown(seed: int, cache: Path, draws: int, declare: bool = True) -> list[dict]:
    data = pickle.loads((cache / f"lockdown_{seed}.pkl").read_bytes())
    annex, truth = data["annex"], data["truth"]
    sc = true_scenario(data["shocks"])
    fc = forecast(annex, [sc], months=12, draws=draws, seed=seed)
    t = fc.table
    t = t[(t["breakdown"] == "total") & (t["period_type"] == "month") & (t["quantile"] == 0.5)]
    rows = []
    for m in ("cp_open", "cla_open"):
        s = t[t["measure"] == m].set_index("period")["value"]
        rows.append({"seed": seed, "measure": m, "horizon": 12, "truth": float(truth.loc[s.index[11], m]),
                     "p50": float(s.iloc[11])})
    return rows


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    """One row per measure and horizon: err, bias, naive error, coverage."""
    d = df.assign(err=100 * (df["p50"] / df["truth"] - 1), naive_err=100 * (df["naive"] / df["truth"] - 1),
                  inside=(df["truth"] >= df["p10"]) & (df["truth"] <= df["p90"]))
    g = d.groupby(["measure", "horizon"], sort=False)
    out = pd.DataFrame({"err_pct": g["err"].apply(lambda x: x.abs().mean()), "bias_pct": g["err"].mean(),
                        "naive_err_pct": g["naive_err"].apply(lambda x: x.abs().mean()),
                        "cover": g["inside"].mean()})
    pooled = d.groupby("measure", sort=False)["inside"].mean().rename("cover_pooled")
    return out.join(pooled, on="measure").round(3)


def _without_stock_reversion() -> None:
    """Switch off the child protection plans' return towards their own mean in this process (a worker's
    initializer), to measure what that rule (``csc_demand.model.anchor.STOCK_REVERSION``) does."""
    import sys

    sys.modules["csc_demand.model.estimate"].STOCK_REVERSION = {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world", choices=["new-normal", "gaps", "history", "lockdown", "ssda903"], default="new-normal")
    ap.add_argument("--seeds", type=int, default=32)
    ap.add_argument("--first-seed", type=int, default=1000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "csc-demand-eval")
    ap.add_argument("--csv", type=Path, help="also write every scored forecast to this CSV")
    ap.add_argument("--declare-past-shocks", action="store_true",
                    help="forecast under a scenario that declares the world's 2020-21 lockdowns and their returns "
                         "(the lockdown world always does)")
    ap.add_argument("--without-stock-reversion", action="store_true",
                    help="forecast without the child protection plans' return towards their own five-year mean "
                         "(to measure what that rule does)")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    t0 = time.perf_counter()
    score = {"new-normal": score_new_normal, "gaps": score_gaps, "history": score_history,
             "lockdown": score_lockdown, "ssda903": score_ssda903}[args.world]
    with ProcessPoolExecutor(args.workers,
                             initializer=_without_stock_reversion if args.without_stock_reversion else None) as pool:
        list(pool.map(prepare, [args.world] * len(seeds), seeds, [args.cache] * len(seeds)))
        t1 = time.perf_counter()
        n = len(seeds)
        rows = [r for part in pool.map(score, seeds, [args.cache] * n, [args.draws] * n,
                                       [args.declare_past_shocks or args.world == "lockdown"] * n)
                for r in part]
    df = pd.DataFrame(rows)
    if args.csv:
        df.to_csv(args.csv, index=False)
    print(f"{len(seeds)} simulated LAs ({args.world}), seeds {seeds[0]}–{seeds[-1]}, {args.draws} draws: "
          f"data {t1 - t0:.0f} s, forecasts {time.perf_counter() - t1:.0f} s")
    pd.set_option("display.width", 140)
    if args.world == "gaps":
        for data, part in df.groupby("data", sort=False):
            print(f"\n{data}:")
            print(summarise(part[part["measure"].isin(STOCKS)]).to_string())
    elif args.world in ("new-normal", "history", "ssda903"):
        print(summarise(df).to_string())
        dec = df[(df["measure"] == "referrals") & df["period"].str.endswith("-12")]
        if len(dec):
            e = 100 * (dec["p50"] / dec["truth"] - 1)
            print(f"referrals in December: error {e.abs().mean():.1f}%, bias {e.mean():+.1f}%")
    else:
        e = df.assign(err=100 * (df["p50"] / df["truth"] - 1)).groupby("measure")["err"]
        print(pd.DataFrame({"err_12m_pct": e.apply(lambda x: x.abs().mean()), "max_abs": e.apply(
            lambda x: x.abs().max()), "bias_pct": e.mean()}).round(2).to_string())


if __name__ == "__main__":
    main()
