"""How long the app takes to respond, measured with Streamlit's AppTest on the demo local authority.

Prints the median of several runs (seconds) of:

- loading the demo (first load in the process: make/read the workbooks; later loads are shared);
- redrawing the Forecast page when nothing changed (everything cached);
- the Forecast page after one scenario's shock changed (only that scenario is recomputed), with 3 scenarios
  compared and the app's 500 simulation runs;
- the same with every scenario recomputed (as if nothing were cached per scenario).

Usage: ``python benchmarks/bench_app.py [--runs 5]`` (needs the ``app`` extra). Uses a temporary
CSC_DEMAND_HOME so the demo data are made afresh once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print their medians."""
    parser = argparse.ArgumentParser(description="Time the app's responses (AppTest, demo LA).")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        os.environ["CSC_DEMAND_HOME"] = home
        from streamlit.testing.v1 import AppTest

        from csc_demand.cli.app import app_file

        at = AppTest.from_file(str(app_file()), default_timeout=300)
        at.run()
        t = time.perf_counter()
        at.button(key="demo").click().run()
        first_load = time.perf_counter() - t
        assert at.title[0].value == "Forecast", [e.value for e in at.exception]

        same = []
        for _ in range(args.runs):
            t = time.perf_counter()
            at.run()
            same.append(time.perf_counter() - t)

        changed = []
        for i in range(args.runs):
            at.sidebar.radio(key="page").set_value("Scenarios").run()
            k = f"s1v{at.session_state['edit_version']}_sh0_"
            at.selectbox(key="scenario_selected").set_value(1).run()
            k = f"s1v{at.session_state['edit_version']}_sh0_"
            at.number_input(key=f"{k}change").set_value(-30.0 - i).run()
            at.sidebar.radio(key="page").set_value("Forecast")
            t = time.perf_counter()
            at.run()
            changed.append(time.perf_counter() - t)
            assert not at.exception, [e.value for e in at.exception]

        everything = []
        for _ in range(args.runs):
            at.session_state["cache"] = {k: v for k, v in at.session_state["cache"].items()
                                         if k[0] not in ("forecast_part", "forecast", "view")}
            t = time.perf_counter()
            at.run()
            everything.append(time.perf_counter() - t)

    print(f"demo first load (make + read + estimate + forecast): {first_load:.2f} s")
    print(f"Forecast page, nothing changed:            median {statistics.median(same):.3f} s over {args.runs}")
    print(f"Forecast page, one scenario's shock moved: median {statistics.median(changed):.3f} s over {args.runs}")
    print(f"Forecast page, all 3 scenarios recomputed: median {statistics.median(everything):.3f} s over {args.runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
