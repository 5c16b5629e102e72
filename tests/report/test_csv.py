"""The CSV output: the long table, read back with pandas, equals the Forecast's actuals and table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from report_factory import HOSTILE_NAME

from csc_demand.errors import CscDemandError
from csc_demand.report.csv import defuse_formula_text, write_csv
from csc_demand.tables import FORECAST_COLUMNS


def test_csv_round_trip(forecast, tmp_path):
    path = write_csv(forecast, tmp_path / "forecast.csv")
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM: Excel reads £ and accents correctly
    # each value parsed by Python's float(), correctly rounded whatever pandas' own parser does
    back = pd.read_csv(path, encoding="utf-8-sig", converters={"value": float}, dtype={"period": str})
    assert list(back.columns) == list(FORECAST_COLUMNS)
    assert len(back) == len(forecast.actuals) + len(forecast.table)
    want = pd.concat([forecast.actuals, forecast.table], ignore_index=True)
    np.testing.assert_array_equal(back["value"].to_numpy(), want["value"].to_numpy())  # exact, no rounding
    np.testing.assert_array_equal(back["quantile"].to_numpy(), want["quantile"].to_numpy())
    assert back["scenario"].tolist() == want["scenario"].tolist()
    assert back["period"].tolist() == want["period"].tolist()
    assert back.loc[0, "period_start"] == "2019-01-01"
    assert back["scenario"].iloc[0] == "Actual"


def test_csv_defuses_formula_text(hostile_forecast, tmp_path):
    back = pd.read_csv(write_csv(hostile_forecast, tmp_path / "f.csv"), encoding="utf-8-sig", converters={"value": float})
    names = list(dict.fromkeys(back["scenario"]))
    assert names == ["Actual", "'" + HOSTILE_NAME, "<script>alert(1)</script> & co", "'@risk -10%"]
    assert back["value"].dtype.kind == "f" and back["measure"].iloc[-1] == "social_workers"


def test_defuse_leaves_other_text_alone():
    s = pd.Series(["=1+1", "+44", "-5", "@x", "\tx", "safe", "2021-22", None])
    assert defuse_formula_text(s).tolist() == ["'=1+1", "'+44", "'-5", "'@x", "'\tx", "safe", "2021-22", pd.NA]


def test_unwritable_csv(forecast, tmp_path):
    with pytest.raises(CscDemandError, match="folder .* does not exist"):
        write_csv(forecast, tmp_path / "missing" / "f.csv")
