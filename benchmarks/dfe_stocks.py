"""How the stocks move on the DfE's published figures for every LA: the measurements behind the anchor's
constants (``csc_demand.model.anchor.STOCK_REVERSION``) and the checks in docs/accuracy.md.

For each stock at 31 March (open child protection plans, children looked after, children in need) and each
LA-year with five years behind it, the change over the next 1–3 years (log) is regressed, through the origin,
on the gap between the stock and its own five-year mean (log): a slope of −0.46 means 46% of the gap closes.
Each year's slope is printed too, and the median absolute error of the fitted rule when each origin year is
left out in turn (against "same as now"). For open plans, other predictors are tried beside the gap: the
gap to the three- and two-year means, referrals' gap to their own five-year mean, and last year's change.

    python benchmarks/dfe_stocks.py
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from csc_demand.io.dfe import read_dfe

STOCKS = ("cp_at_31_march", "cla_at_31_march", "cin_at_31_march")


def wide(table: pd.DataFrame, measure: str) -> pd.DataFrame:
    """LAs × years of one measure (missing or non-positive values as NaN)."""
    w = table[table["measure"] == measure].pivot_table(index="la_code", columns="year", values="value")
    return w.where(w > 0)


def frame(w: pd.DataFrame, horizon: int, others: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per LA and origin year: the change ``y`` over ``horizon`` years and the predictors (logs)."""
    lw = np.log(w)
    rows = []
    for year in w.columns:
        if year - 4 not in w.columns or year + horizon not in w.columns:
            continue
        mean = lambda x, k: np.log(x[[year - i for i in range(k)]].mean(axis=1, skipna=False))  # noqa: E731
        row = {"y": lw[year + horizon] - lw[year], "gap5": lw[year] - mean(w, 5), "gap3": lw[year] - mean(w, 3),
               "gap2": lw[year] - mean(w, 2), "change": lw[year] - lw[year - 1], "year": year}
        for name, o in others.items():
            if all(year - i in o.columns for i in range(5)):
                row[f"{name}_gap5"] = np.log(o[year]) - mean(o, 5)
        rows.append(pd.DataFrame(row))
    return pd.concat(rows)


def fit(df: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, float, float, list[float]]:
    """Slopes through the origin, the median absolute % error with each origin year left out in turn, the
    same for "same as now", and the first slope fitted year by year."""
    df = df.dropna(subset=["y", *cols])
    errs = []
    for year in df["year"].unique():
        train, test = df[df["year"] != year], df[df["year"] == year]
        b = np.linalg.lstsq(train[cols].to_numpy(), train["y"].to_numpy(), rcond=None)[0]
        errs.append(np.abs(np.exp(test["y"].to_numpy() - test[cols].to_numpy() @ b) - 1))
    b = np.linalg.lstsq(df[cols].to_numpy(), df["y"].to_numpy(), rcond=None)[0]
    per_year = [float(np.linalg.lstsq(g[cols].to_numpy(), g["y"].to_numpy(), rcond=None)[0][0])
                for _, g in df.groupby("year")]
    return b, float(np.median(np.concatenate(errs)) * 100), float(np.median(np.abs(np.exp(df["y"]) - 1)) * 100), \
        per_year


def main() -> None:
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    table = read_dfe().table
    table = table[table["level"] == "local"]
    referrals = wide(table, "referrals")
    print("Return towards the stock's own five-year mean (slope of the change on the gap; −0.46 = 46% closes)")
    for measure in STOCKS:
        for horizon in (1, 2, 3):
            df = frame(wide(table, measure), horizon, {})
            b, err, naive, per_year = fit(df, ["gap5"])
            n = int(df.dropna(subset=["y", "gap5"]).shape[0])
            print(f"  {measure:16} {horizon} year(s): slope {b[0]:+.2f} over {n:,} LA-years (each year "
                  f"{min(per_year):+.2f} to {max(per_year):+.2f}); median error {err:.1f}% against {naive:.1f}% "
                  "for 'same as now'")
    print("\nOpen child protection plans a year ahead: other predictors beside the gap (each year left out in turn)")
    df = frame(wide(table, "cp_at_31_march"), 1, {"referrals": referrals})
    for cols in (["gap5"], ["gap3"], ["gap2"], ["gap5", "referrals_gap5"], ["gap5", "change"]):
        sub = df.dropna(subset=["y", "gap5", "gap3", "gap2", "change", "referrals_gap5"])
        b, err, naive, _ = fit(sub, cols)
        print(f"  {' + '.join(cols):22} slopes {', '.join(f'{v:+.2f}' for v in b):14} median error {err:.2f}% "
              f"('same as now' {naive:.2f}%, {len(sub):,} LA-years)")
    for horizon in (2,):
        df = frame(wide(table, "cp_at_31_march"), horizon, {})
        for cols in (["gap5"], ["gap3"], ["gap2"]):
            sub = df.dropna(subset=["y", "gap5", "gap3", "gap2"])
            b, err, naive, _ = fit(sub, cols)
            print(f"  {horizon} years ahead, {cols[0]:16} slope {b[0]:+.2f}  median error {err:.2f}% "
                  f"('same as now' {naive:.2f}%)")


if __name__ == "__main__":
    main()
