"""Accuracy of the forecast engine on simulated LAs whose future is known (csc_demand.synth truth).

For each seed: simulate an LA with the 2020–21 shocks, write its Annex A workbook(s) at the extract date,
read them back with the real reader, forecast 12 months with the TRUE scenario (the simulator's shocks
turned into a scenario file) and without any shock, and compare with the true monthly series:

- the error of the median of cp_open and cla_open 12 months ahead (% of the truth);
- the share of true months inside P10–P90 (all five measures over the 12 months);
- without the shocks that happen after the extract date (the past ones kept), how far the forecast misses
  the referrals in the months of Lockdown 2 (the true effect is -20%) and cp_open/cla_open at 12 months;
- a fitted Lockdown 1 (from three extracts) against the true change.

Run: python benchmarks/eval_accuracy.py [--seeds 10] [--preset median] [--extracts monthly|single]
"""

from __future__ import annotations

import argparse
import functools
import operator
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand.io import read_annex_a
from csc_demand.model import estimate, fit_shock, forecast
from csc_demand.scenario import NewNormal, Scenario, Shock
from csc_demand.synth import simulate, truth_series, write_annex_a
from csc_demand.tables import REFERRAL_SOURCE_GROUPS

E = pd.Timestamp("2020-12-31")
MEASURES = ("referrals", "cp_starts", "cp_open", "cla_starts", "cla_open")


def true_scenario(world) -> Scenario:
    """The simulator's shocks as a scenario (ratios → % changes; end=None → a new normal)."""
    shocks, nn = [], None
    for s in world.shocks:
        if s.end is None:
            nn = NewNormal(pd.Timestamp(s.start).date(), (s.referral_ratio - 1) * 100)
            continue
        by_source = {}
        for code, ratio in s.source_ratios:
            by_source[REFERRAL_SOURCE_GROUPS[code]] = (ratio - 1) * 100
        kw = {}
        if s.returning_share > 0:
            rs, re = pd.Timestamp(s.return_start), pd.Timestamp(s.return_end)
            months = max(1, round((re - rs).days / 30.44))
            kw = {"returns_pct": s.returning_share * 100, "return_start": rs.date(), "return_months": months}
        shocks.append(Shock(s.name, pd.Timestamp(s.start).date(), pd.Timestamp(s.end).date(),
                            (s.referral_ratio - 1) * 100, by_source_change_pct=by_source, **kw))
    return Scenario(name="True scenario", shocks=tuple(shocks), new_normal=nn)


def run_seed(seed: int, preset: str, extracts: str, draws: int, folder: Path) -> dict:
    world = simulate(preset, seed)
    dates = [E] if extracts == "single" else list(pd.date_range("2019-12-31", E, freq="6ME"))
    paths = []
    for d in dates:
        p = folder / f"annex_a_{seed}_{d:%Y-%m-%d}.xlsx"
        write_annex_a(world, d, p)
        paths.append(p)
    annex = read_annex_a(paths)
    est = estimate(annex)
    sc_true = true_scenario(world)
    sc_none = Scenario(name="No further shock",
                       shocks=tuple(s for s in sc_true.shocks if pd.Timestamp(s.start) <= E))
    fc = forecast(est, [sc_true, sc_none], months=12, draws=draws, seed=seed)
    t = fc.table[(fc.table["breakdown"] == "total") & (fc.table["period_type"] == "month")]
    truth = truth_series(world).set_index("month")
    out: dict = {"seed": seed}
    inside: dict[str, list[bool]] = {m: [] for m in MEASURES}
    q1 = ["2021-01", "2021-02", "2021-03"]
    for m in MEASURES:
        qs = {}
        for sc in (sc_true.name, sc_none.name):
            qs[sc] = t[(t["measure"] == m) & (t["scenario"] == sc)].pivot_table(index="period", columns="quantile",
                                                                                values="value")
        q, qn = qs[sc_true.name], qs[sc_none.name]
        tr = truth.loc[q.index, m].astype(float)
        inside[m] += list(((tr >= q[0.1]) & (tr <= q[0.9])).to_numpy())
        if m in ("cp_open", "cla_open"):
            out[f"{m}_err12_pct"] = 100 * (q[0.5].iloc[-1] / tr.iloc[-1] - 1)
            out[f"{m}_err12_without_future_shock_pct"] = 100 * (qn[0.5].iloc[-1] / tr.iloc[-1] - 1)
        if m == "referrals":
            out["referrals_12m_err_pct"] = 100 * (q[0.5].sum() / tr.sum() - 1)
            out["referrals_q1_err_pct"] = 100 * (q[0.5][q1].sum() / tr[q1].sum() - 1)
            out["referrals_q1_err_without_future_shock_pct"] = 100 * (qn[0.5][q1].sum() / tr[q1].sum() - 1)
    for m in MEASURES:
        out[f"inside_p10_p90_{m}_pct"] = 100 * float(np.mean(inside[m]))
    out["inside_p10_p90_all_pct"] = 100 * float(np.mean(functools.reduce(operator.iadd, inside.values(), [])))
    # a fitted Lockdown 1 (needs the extracts before it)
    if extracts != "single":
        lock = next(s for s in world.shocks if s.name == "Lockdown 1")
        fit = fit_shock(annex, lock.start, lock.end)
        out["lockdown1_fitted_pct"] = fit.change_pct
        out["lockdown1_true_pct"] = (lock.referral_ratio - 1) * 100
        out["lockdown1_in_interval"] = fit.low_pct <= out["lockdown1_true_pct"] <= fit.high_pct
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=100)
    ap.add_argument("--preset", default="median")
    ap.add_argument("--extracts", choices=["single", "six-monthly"], default="six-monthly")
    ap.add_argument("--draws", type=int, default=1000)
    args = ap.parse_args()
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            rows.append(run_seed(seed, args.preset, args.extracts, args.draws, Path(tmp)))
            print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in rows[-1].items()}, flush=True)
    df = pd.DataFrame(rows)
    print(f"\n{args.seeds} simulated LAs ({args.preset}, extracts {args.extracts}), {time.perf_counter() - t0:.0f} s")
    for c in df.columns:
        if c == "seed":
            continue
        v = df[c].astype(float)
        print(f"{c:32s} mean {v.mean():+7.1f}   mean |x| {v.abs().mean():6.1f}   min {v.min():+7.1f}   max {v.max():+7.1f}")


if __name__ == "__main__":
    main()
