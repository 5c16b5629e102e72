import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from csc_demand.cli import main
from csc_demand.errors import CscDemandError
from csc_demand.io.dfe import DfePublished
from csc_demand.national import (
    FORECAST_MEASURES,
    forecast_national,
    national_backtest,
    referral_factors,
)
from csc_demand.national.methods import (
    cross_gap,
    global_features,
    pooled_coefficient,
    robust_ridge,
)
from csc_demand.national.panel import Panel, build_panel
from csc_demand.national.run import PLAIN
from csc_demand.national.scenarios import measure_factors
from csc_demand.scenario import NewNormal, Scenario, Shock


def test_pooled_coefficient_by_hand():
    # origin year 1: gaps (mean of years 0-1 minus year 1) are log(100/120)/2 and log(200/180)/2; the changes to
    # year 2 are log(100/120) and log(200/180): twice the gaps, so b = 2 exactly, from 2 pairs.
    z = np.log1p(np.array([[100, 120, 100.0], [200, 180, 200.0]]))
    b, n = pooled_coefficient(z, 2, 1)
    assert n == 2 and b == pytest.approx(2.0)
    # a third authority whose change is 0 with a gap g: b = sum(x*y) / sum(x^2)
    z3 = np.log1p(np.array([[100, 120, 100.0], [200, 180, 200.0], [50, 60, 60.0]]))
    x = np.array([np.log(101 / 121) / 2, np.log(201 / 181) / 2, np.log(51 / 61) / 2])
    y = np.array([np.log(101 / 121), np.log(201 / 181), 0.0])
    assert pooled_coefficient(z3, 2, 1)[0] == pytest.approx(float(x @ y / (x @ x)))


def test_robust_ridge_by_hand():
    # residuals +-0.5 around y = x: all within the Huber threshold, so it is least squares: b = sum(xy)/sum(x^2)
    x = np.array([[1.0], [1.0], [2.0], [2.0]])
    y = np.array([1.5, 0.5, 2.5, 1.5])
    assert robust_ridge(x, y, ridge=0.0)[0] == pytest.approx(1.0)
    # ridge: b = sum(xy) / (sum(x^2) + ridge * n) = 10 / (10 + 0.01 * 4); the weights stay 1
    assert robust_ridge(x, y, ridge=0.01)[0] == pytest.approx(10 / 10.04)
    # a pair far off the line: least squares moves to (10 + 11) / (10 + 1); the Huber loss stays near 1
    xo, yo = np.vstack([x, [[1.0]]]), np.append(y, 11.0)
    assert float(np.linalg.lstsq(xo, yo, rcond=None)[0][0]) == pytest.approx(21 / 11)
    assert 1.0 < robust_ridge(xo, yo, ridge=0.0)[0] < 1.2
    assert robust_ridge(np.empty((0, 2)), np.empty(0)).tolist() == [0.0, 0.0]


def test_global_features_by_hand():
    # three authorities (two in region A), four years of referrals and children in need, children 1,000/2,000/1,000
    ref = np.array([[100, 110, 121, 133.1], [400, 400, 400, 400], [50, np.nan, 60, 30]])
    cin = np.array([[50, 50, 50, 55.0], [100, 100, 100, 100], [20, 20, 20, 20]])
    kids = np.array([[1000.0] * 4, [2000.0] * 4, [1000.0] * 4])
    panel = Panel(codes=("a", "b", "c"), years=np.arange(2020, 2024),
                  z={"referrals": np.log1p(ref), "cin_at_31_march": np.log1p(cin)},
                  children=np.log1p(kids), region=("A", "A", "B"))
    f = global_features(panel, "referrals", 3)
    assert f.shape == (3, 8)
    z = np.log1p(ref[0])
    assert f[0, 0] == pytest.approx(z.mean() - z[3])             # gap to the 5-year mean (4 years here)
    assert f[0, 1] == pytest.approx(z[1:].mean() - z[3])         # gap to the 3-year mean
    assert f[0, 2] == pytest.approx(z[3] - z[2])                 # last year's change
    rate = np.log1p([133.1, 400, 30]) - np.log1p([1000, 2000, 1000])
    assert f[:, 3] == pytest.approx(rate - np.median(rate))      # log(rate / the median authority's)
    assert f[:, 4] == pytest.approx([(rate[0] - rate[1]) / 2, (rate[1] - rate[0]) / 2, 0.0])  # within region
    c = np.log1p(cin[0])
    assert f[0, 5] == pytest.approx(c[3] - c[2]) and f[0, 6] == pytest.approx(c.mean() - c[3])
    ratio = np.log1p([133.1, 400, 30]) - np.log1p([55, 100, 20])
    assert f[:, 7] == pytest.approx(ratio - np.median(ratio))
    # the missing 2021 figure of c: its gaps use the years published; no change is 0, never NaN
    zc = np.log1p([50, 60, 30])
    assert f[2, 0] == pytest.approx(zc.mean() - zc[2]) and f[2, 1] == pytest.approx(zc[1:].mean() - zc[2])
    assert not np.isnan(f).any()
    assert cross_gap(np.array([1.0, np.nan, 3.0, 4.0])) == pytest.approx([-2.0, np.nan, 0.0, 1.0], nan_ok=True)


def test_referral_factors_by_hand():
    # a new normal of +10% from 1 Oct 2025 covers 182 of the 365 days of the year ending 31 March 2026
    s = Scenario(name="x", new_normal=NewNormal(dt.date(2025, 10, 1), 10.0))
    f = referral_factors(s, 2025, 2)
    assert f == pytest.approx([1 + 0.1 * 182 / 365, 1.1])
    # stocks: half this year's change and half last year's; starts: this year's
    fm = measure_factors(s, 2025, 2, ("cp_starts", "cla_at_31_march"))
    assert fm[0] == pytest.approx(f)
    assert fm[1] == pytest.approx([(1 + f[0]) / 2, (f[0] + f[1]) / 2])
    # a shock of -20% for 73 days of the year ending 31 March 2026, none coming back
    sh = Shock(name="s", start=dt.date(2025, 4, 1), end=dt.date(2025, 6, 12), referrals_change_pct=-20)
    assert referral_factors(Scenario(name="y", shocks=(sh,)), 2025, 1)[0] == pytest.approx(1 - 0.2 * 73 / 365)
    assert np.all(measure_factors(Scenario(name=PLAIN), 2025, 3, FORECAST_MEASURES) == 1.0)


@pytest.fixture(scope="module")
def small_forecast(pub_small):
    return forecast_national(pub_small, through=2024, years=3, draws=300, seed=1, executor="serial")


def test_quantiles_ordered_and_never_negative(small_forecast):
    df = small_forecast.to_frame()
    n = df["la_code"].nunique()  # the 30 codes less those abolished by 2024 (Bournemouth, Poole)
    assert n == 28 and len(df) == n * 6 * 3 and set(df["measure"]) == set(FORECAST_MEASURES)
    assert (df["p10"] <= df["p50"]).all() and (df["p50"] <= df["p90"]).all() and (df["p10"] >= 0).all()
    assert (df["series_id"] == df["la_code"]).all()
    assert sorted(df["year"].unique()) == [2025, 2026, 2027]


def test_no_further_shocks_equals_plain_and_a_scenario_moves_referrals(pub_small, small_forecast):
    up = Scenario(name="Up", new_normal=NewNormal(dt.date(2024, 4, 1), 10.0))
    nf = forecast_national(pub_small, [Scenario(name=PLAIN), up], through=2024, years=3, draws=300, seed=1,
                           executor="serial")
    df = nf.to_frame()
    plain = df[df["scenario"] == PLAIN].reset_index(drop=True)
    pd.testing.assert_frame_equal(plain, small_forecast.to_frame())
    # the draws of "Up" are its own (seeded by its name); its middle referrals are about 10% higher
    ratio = df[(df["scenario"] == "Up") & (df["measure"] == "referrals")]["p50"].to_numpy() / \
        plain[plain["measure"] == "referrals"]["p50"].to_numpy()
    assert np.median(ratio) == pytest.approx(1.1, abs=0.03)


def test_through_uses_no_later_figure(pub_small):
    t = pub_small.table.copy()
    t.loc[t["year"] == 2020, "value"] *= 3
    changed = DfePublished(table=t, notes=(), source="changed")
    a = forecast_national(pub_small, through=2019, years=2, draws=200, executor="serial").to_frame()
    b = forecast_national(changed, through=2019, years=2, draws=200, executor="serial").to_frame()
    pd.testing.assert_frame_equal(a, b)
    c = forecast_national(changed, through=2020, years=2, draws=200, executor="serial").to_frame()
    d = forecast_national(pub_small, through=2020, years=2, draws=200, executor="serial").to_frame()
    assert not np.allclose(c["p50"], d["p50"])  # the test would see a change if one were used


def test_executors_give_identical_numbers(pub_small):
    distributed = pytest.importorskip("distributed")
    kw = {"through": 2023, "years": 2, "draws": 200, "seed": 7}
    serial = forecast_national(pub_small, **kw, executor="serial").to_frame()
    processes = forecast_national(pub_small, **kw, executor="processes").to_frame()
    pd.testing.assert_frame_equal(serial, processes)
    # a real scheduler with two worker processes, as on a cluster
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        dask = forecast_national(pub_small, **kw, executor=f"dask://{c.scheduler_address}").to_frame()
    pd.testing.assert_frame_equal(serial, dask)


def test_json_contract(capsys):
    assert main(["national", "--through", "2022", "--years", "2", "--draws", "50", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["through"] == 2022
    rows = out["forecasts"]
    assert all(set(r) == {"scenario", "la_code", "la_name", "region", "measure", "year", "p10", "p50", "p90"}
               for r in rows)
    assert {r["measure"] for r in rows} == set(FORECAST_MEASURES)
    assert {r["year"] for r in rows} == {2023, 2024}
    assert len({r["la_code"] for r in rows}) >= 150


def test_bad_scenario_file_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[new_normal]\nfrom = "soon"\nchange_pct = 10\n', encoding="utf-8")
    assert main(["national", "--scenario", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml" in err and "from" in err
    assert main(["national", "--scenario", str(tmp_path / "missing.toml")]) == 1
    assert "was not found" in capsys.readouterr().err



def test_without_statsforecast_the_command_says_what_to_install(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "statsforecast.models", None)   # as on a machine without the extra
    assert main(["national", "--through", "2022", "--years", "1", "--draws", "10", "--json"]) == 1
    assert 'csc-demand[national]' in capsys.readouterr().err


def test_through_outside_the_figures_is_a_clear_error(pub_small):
    with pytest.raises(CscDemandError, match="--through 2030 is outside"):
        forecast_national(pub_small, through=2030, executor="serial")


def test_backtest_reports_against_naive(pub_small):
    bt = national_backtest(pub_small, origins=range(2019, 2021), horizons=2)
    assert set(bt["measure"]) == set(FORECAST_MEASURES) and set(bt["horizon_years"]) == {1, 2}
    # the naive error by hand for referrals a year ahead
    panel = build_panel(pub_small)
    errs = []
    for o in (2019, 2020):
        col = int(np.searchsorted(panel.years, o))
        last, nxt = np.expm1(panel.z["referrals"][:, col]), np.expm1(panel.z["referrals"][:, col + 1])
        ok = ~np.isnan(last) & ~np.isnan(nxt)
        errs.append(np.abs(last[ok] / nxt[ok] - 1) * 100)
    row = bt[(bt["measure"] == "referrals") & (bt["horizon_years"] == 1)].iloc[0]
    assert row["naive_mape_median_pct"] == pytest.approx(float(np.median(np.concatenate(errs))))
    assert row["ratio_to_naive"] == pytest.approx(row["mape_median_pct"] / row["naive_mape_median_pct"])
    assert (bt["inside_p10_p90_pct"].between(0, 100)).all()


def test_backtest_command_prints_the_table_and_writes_the_report(tmp_path, capsys):
    out_path = tmp_path / "national.xlsx"
    assert main(["national", "backtest", "--years", "1", "--draws", "20", "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "Backtest over every local authority" in out and f"Wrote {out_path}." in out
    assert len([line for line in out.splitlines() if "year(s):" in line]) == 3 * len(FORECAST_MEASURES)
    sheets = pd.read_excel(out_path, sheet_name=None, engine="openpyxl")
    assert set(sheets) == {"Forecasts", "Ranking", "Backtest"}
    assert len(sheets["Backtest"]) == 3 * len(FORECAST_MEASURES)


def test_reports(small_forecast, pub_small, tmp_path):
    from csc_demand.national.report import write_report

    csv = write_report(small_forecast, pub_small, tmp_path / "f.csv")
    assert len(pd.read_csv(csv)) == len(small_forecast.to_frame())
    xlsx = write_report(small_forecast, pub_small, tmp_path / "f.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None, engine="openpyxl")
    assert set(sheets) == {"Forecasts", "Ranking"}
    page = write_report(small_forecast, pub_small, tmp_path / "f.html").read_text(encoding="utf-8")
    assert "Ranking" in page and "http" not in page
