"""``csc-demand forecast``: read Annex A files, run one or more scenarios, print or write the forecast."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time

from csc_demand.cli.common import add_input_arguments, read


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``forecast`` sub-command."""
    p = subparsers.add_parser(
        "forecast", help="forecast referrals, child protection plans and children looked after",
        description="Read your Annex A lists and forecast referrals, child protection plans and children looked "
                    "after month by month, with 80% intervals, for each scenario. With no --scenario the "
                    "scenario is 'no further shocks'.")
    add_input_arguments(p)
    p.add_argument("--scenario", action="append", default=[], metavar="FILE.toml",
                   help="a scenario file; repeat to run several side by side")
    p.add_argument("--months", type=int, default=36, help="months to forecast, 1 to 60 (default 36)")
    p.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same forecast")
    p.add_argument("--la", metavar="NAME_OR_CODE",
                   help="your local authority (a name such as Kent, or a code such as E10000016 or 886): show its "
                        "figures as the DfE published them, and a forecast from them, beside this forecast at each "
                        "31 March (default: the scenario's [workforce] la, if any)")
    p.add_argument("--out", metavar="FILE", help="also write the forecast, with a backtest of your own data, to FILE "
                                                 "(.xlsx, .html, .csv or .json)")
    p.set_defaults(func=run)


def check_draws(draws: int) -> None:
    """A plain-English error for an out-of-range --draws (the limits: ``model.forecast.FORECAST_SETTINGS``)."""
    from csc_demand.model.forecast import FORECAST_SETTINGS

    FORECAST_SETTINGS["draws"].check("--draws", draws)


def check_numbers(months: int, draws: int) -> None:
    """Plain-English errors for out-of-range --months and --draws."""
    from csc_demand.model.forecast import FORECAST_SETTINGS

    FORECAST_SETTINGS["months"].check("--months", months)
    check_draws(draws)


def summary_lines(fc) -> list[str]:
    """A few lines for people, per scenario at selected months: open plans and children looked after, and, when
    List 6 was read, children in need and the case-holding social workers they need."""
    shown = (("cp_open", "child protection plans", ",.0f"), ("cla_open", "children looked after", ",.0f"),
             ("cin_open", "children in need", ",.0f"), ("social_workers", "case-holding social workers", ",.1f"))
    t = fc.table
    t = t[(t["breakdown"] == "total") & (t["period_type"] == "month") & t["measure"].isin([m for m, _, _ in shown])]
    wide = t.pivot_table(index=["scenario", "period", "measure"], columns="quantile", values="value")
    have = set(t["measure"])
    periods = sorted(t["period"].unique())
    picks = [periods[i - 1] for i in (3, 6, 12, 24, 36, 48, 60) if i <= len(periods)]
    lines = [(f"Forecast from data extracted on {fc.extract_date:%d %B %Y} ({fc.draws:,} draws, seed {fc.seed}); "
             "figures are the middle estimate with the 80% interval in brackets.")]
    for sc in fc.scenarios:
        lines.append("")
        lines.append(f"{sc.name}:")
        for p in picks:
            parts = []
            for measure, words, fmt in shown:
                if measure in have:
                    q = wide.loc[(sc.name, p, measure)]
                    parts.append(f"{words} {q[0.5]:{fmt}} ({q[0.1]:{fmt}} to {q[0.9]:{fmt}})")
            lines.append(f"  end of {p}: " + "; ".join(parts))
    return lines


def published_lines(fc, seconds: float) -> list[str]:
    """The published figures beside the forecast, for people (nothing when no authority was named): what they
    are, then a line per 31 March forecast, and how long the forecast took (it forecasts every authority)."""
    from csc_demand.report.tables_view import published_intro, published_sentences

    intro = published_intro(fc)
    if intro is None:
        return []
    return ["", f"Published figures: {intro}", *(f"  {line}" for line in published_sentences(fc)),
            (f"(This forecast and every local authority's forecast from the published figures took {seconds:.1f} "
             "seconds.)")]


def run(args: argparse.Namespace) -> int:
    """Read, forecast, print (text or JSON) and optionally write the report."""
    from csc_demand.model import forecast
    from csc_demand.report import check_report_path, forecast_json, write_report
    from csc_demand.scenario import builtin_scenarios, load_scenario
    from csc_demand.tables import observed_timeline

    check_numbers(args.months, args.draws)
    if args.out:
        check_report_path(args.out)   # before the slow part
    scenarios = [load_scenario(p) for p in args.scenario]   # check the scenarios before the slow read
    la = args.la or next((s.workforce.la for s in scenarios if s.workforce.la), None)
    if la:
        from csc_demand.workforce import find_la

        find_la(la)   # a mistyped name is found before the slow read
    elif not args.json and sys.stdin.isatty():
        la = ask_la()
    annex = read(args)
    if not scenarios:
        scenarios = [builtin_scenarios(annex.extract_date.date())["No further shocks"]]
    started = time.perf_counter()
    fc = forecast(annex, scenarios, months=args.months, draws=args.draws, seed=args.seed, la=la)
    seconds = time.perf_counter() - started
    fc = dataclasses.replace(fc, timeline=fc.timeline or observed_timeline(annex))
    out = sys.stderr if args.json else sys.stdout
    if args.out:
        fc = dataclasses.replace(fc, backtest=backtest_or_none(annex, out, scenarios[0]))
        path = write_report(fc, args.out)
        print(f"Wrote {path}", file=out)
    if args.json:
        sys.stdout.write(json.dumps(forecast_json(fc)) + "\n")
    else:
        print("\n".join(summary_lines(fc) + published_lines(fc, seconds)))
    if fc.published is None:
        print("Note: add --la with your local authority's name or code (such as --la Kent) to see its figures as "
              "the DfE published them beside this forecast.", file=out)
    for note in getattr(fc.estimates, "notes", ()):
        print(f"Note: {note}", file=out)
    return 0


def ask_la(tries: int = 3) -> str | None:
    """Ask at the terminal which local authority the data are from (for its published figures beside the
    forecast); ``None`` when the user presses Enter, or gives no name or code the DfE's figures know."""
    from csc_demand.errors import CscDemandError
    from csc_demand.workforce import find_la

    for _ in range(tries):
        print("Which local authority are these data from? Type its name or code (such as Kent, E10000016 or 886) "
              "to see its published figures beside the forecast, or press Enter to skip: ", end="",
              file=sys.stderr, flush=True)
        answer = sys.stdin.readline().strip()
        if not answer:
            return None
        try:
            find_la(answer)
        except CscDemandError as exc:
            print(exc, file=sys.stderr)
            continue
        return answer
    return None


def backtest_or_none(annex, out, scenario=None):
    """The backtest for the report (how far to trust the forecast), or None with a note when the data are
    too short for one. ``scenario`` (the first one forecast): its shocks and new normal that had begun by a
    cutoff are applied to the forecast made then."""
    from csc_demand.errors import CscDemandError
    from csc_demand.model import backtest

    try:
        return backtest(annex, scenario=scenario)
    except CscDemandError as exc:
        print(f"No backtest in the report: {exc}", file=out)
        return None
