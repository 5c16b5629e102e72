"""The one-page HTML summary: self-contained, printable to A4, readable with a screen reader.

One file with inline CSS and inline SVG charts (drawn by :mod:`csc_demand.report.svg`) from the report views (no JavaScript, no external
links, fonts, scripts or images). Each chart has ``role="img"`` with a title and a plain-English description,
and its figures in a table next to it (inside a ``details`` element). Tables have a caption and ``th``
cells with ``scope``. Every piece of text from a file or a user (scenario names and descriptions, the local
authority's name, file names, messages) is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from csc_demand import __version__
from csc_demand.errors import CscDemandError
from csc_demand.report import tables_view as tv
from csc_demand.report.svg import band_chart_svg, fit_chart_svg, fit_legend_html, legend_html
from csc_demand.report.svg import fmt as _fmt
from csc_demand.tables import ACTUAL_SCENARIO, MEASURE_LABELS, Forecast

CSS = """
:root { color-scheme: light; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; background: #fff; margin: 0 auto;
       max-width: 60rem; padding: 1rem 1.5rem; line-height: 1.45; font-size: 1rem; }
h1 { font-size: 1.9rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.45rem; margin: 2rem 0 0.6rem; border-top: 2px solid #b1b4b6; padding-top: 0.8rem; }
h3 { font-size: 1.15rem; margin: 1.2rem 0 0.4rem; }
a { color: #1d70b8; } a:focus, summary:focus, .scroll:focus { outline: 3px solid #fd0; outline-offset: 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; vertical-align: top; }
thead th { background: #f3f2f1; text-align: center; }
th[scope=row] { text-align: left; font-weight: normal; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; max-width: 100%; }
figure { margin: 0.5rem 0 1rem; }
svg { width: 100%; height: auto; max-width: 760px; display: block; }
ul.legend { list-style: none; padding: 0; margin: 0.3rem 0; display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem;
            font-size: 0.9rem; }
ul.legend svg { display: inline-block; width: 34px; height: 12px; vertical-align: middle; margin-right: 0.3rem; }
.note { color: #484949; font-size: 0.9rem; }
details { margin: 0.3rem 0 1rem; } summary { cursor: pointer; color: #1d70b8; }
footer { margin-top: 2rem; border-top: 2px solid #b1b4b6; padding-top: 0.5rem; font-size: 0.9rem; color: #484949; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; margin-top: 1rem; } figure, table, .keep, section.chart { break-inside: avoid; }
  tr { break-inside: avoid; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; } th, td { padding: 1pt 3pt; } th[scope=row] { white-space: normal; }
  svg { max-width: 100%; }
  details { display: none; }
  a { color: #0b0c0c; text-decoration: none; }
  nav { display: none; }
}
"""


def _e(text: object) -> str:
    """Escape any text for HTML (content and attribute values)."""
    return html.escape(str(text), quote=True)


def _kind(measure: str) -> str:
    return measure if measure in ("cost_gbp", "social_workers") else "count"


def _describe_chart(wide: pd.DataFrame, scenarios: list[str], label: str, kind: str,
                    group: str = tv.TOTAL_GROUP) -> str:
    """A plain-English summary of the chart: what it shows and where each scenario ends."""
    starts = pd.DatetimeIndex(wide.index.get_level_values("period_start"))
    cols = {c: i for i, c in enumerate(wide.columns)}
    values = wide.to_numpy(dtype=float)
    parts = [f"Line chart of {label.lower()} by month."]
    act_i = cols.get((ACTUAL_SCENARIO, group, 0.5))
    if act_i is not None:
        seen = np.flatnonzero(np.isfinite(values[:, act_i]))
        if len(seen):
            parts.append(f"Actual figures from {starts[seen[0]]:%B %Y} to {starts[seen[-1]]:%B %Y}: "
                         f"{_fmt(values[seen[-1], act_i], kind)} in the last month.")
    for scen in scenarios:
        band = tv.band_quantiles(wide.columns, scen, group)
        idx = [cols.get((scen, group, q)) for q in band]
        if idx[1] is None:
            continue
        have = np.flatnonzero(np.isfinite(values[:, idx[1]]))
        if not len(have):
            continue
        last = have[-1]
        text = ""
        if idx[0] is not None and idx[2] is not None:
            text = (f" ({tv.quantile_label(band[0])} {_fmt(values[last, idx[0]], kind)}, "
                    f"{tv.quantile_label(band[2])} {_fmt(values[last, idx[2]], kind)})")
        parts.append(f"{scen}: median forecast {_fmt(values[last, idx[1]], kind)} in {starts[last]:%B %Y}{text}.")
    parts.append("The figures are in the table that follows the chart.")
    return " ".join(parts)


def _wide_table_html(wide: pd.DataFrame, *, caption: str, period_type: str, kind: str,
                     period_labels: dict[str, str] | None = None) -> str:
    """A wide view as an accessible table: scenario column groups, quantile headers, period row headers
    (financial years as ``period_labels`` name them: "2024-25 (Jan–Mar only)" for a partial year)."""
    cols = list(wide.columns)
    show_groups = any(c[1] != tv.TOTAL_GROUP for c in cols)
    head_rows = 3 if show_groups else 2
    index_label = "Month" if period_type == "month" else "Financial year"
    rows = [f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(caption)}"><table>',
            f"<caption>{_e(caption)}</caption><thead>"]

    def spans(key_of):
        out: list[list] = []
        for c in cols:
            k = key_of(c)
            if out and out[-1][0] == k:
                out[-1][1] += 1
            else:
                out.append([k, 1])
        return out

    row1 = [f'<th scope="col" rowspan="{head_rows}">{index_label}</th>']
    for (scen,), n in spans(lambda c: (c[0],)):
        scope = "colgroup" if n > 1 else "col"
        row1.append(f'<th scope="{scope}" colspan="{n}">{_e(scen)}</th>')
    rows.append("<tr>" + "".join(row1) + "</tr>")
    if show_groups:
        row2 = []
        for (_, g), n in spans(lambda c: (c[0], c[1])):
            scope = "colgroup" if n > 1 else "col"
            row2.append(f'<th scope="{scope}" colspan="{n}">{_e("Total" if g == tv.TOTAL_GROUP else g)}</th>')
        rows.append("<tr>" + "".join(row2) + "</tr>")
    row3 = [f'<th scope="col">{"Actual" if c[0] == ACTUAL_SCENARIO else tv.quantile_label(c[2])}</th>' for c in cols]
    rows.append("<tr>" + "".join(row3) + "</tr></thead><tbody>")
    values = wide.to_numpy(dtype=float)
    for i, (period, start) in enumerate(wide.index):
        label = f"{pd.Timestamp(start):%b %Y}" if period_type == "month" else (period_labels or {}).get(
            str(period), str(period))
        cells = "".join(f'<td class="num">{_fmt(v, kind)}</td>' for v in values[i])
        rows.append(f'<tr><th scope="row">{_e(label)}</th>{cells}</tr>')
    rows.append("</tbody></table></div>")
    return "\n".join(rows)


def _frame_html(frame: pd.DataFrame, caption: str, headers_as_given: bool = False) -> str:
    """Any small table (backtest, estimates, quality summary), every value escaped; column names made readable
    (:func:`tables_view.column_label`) unless ``headers_as_given``."""
    head = "".join(f'<th scope="col">{_e(c if headers_as_given else tv.column_label(c))}</th>' for c in frame.columns)
    body = []
    for row in frame.astype(object).itertuples(index=False):
        cells = []
        for v in row:
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                cells.append("<td></td>")
            elif isinstance(v, (bool, np.bool_)):
                cells.append(f"<td>{'Yes' if v else 'No'}</td>")
            elif isinstance(v, (int, float, np.integer, np.floating)):
                text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.3g}" if abs(v) < 1 else f"{v:,.1f}"
                cells.append(f'<td class="num">{text}</td>')
            elif isinstance(v, pd.Timestamp):
                cells.append(f"<td>{v:%d %b %Y}</td>")
            else:
                cells.append(f"<td>{_e(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(caption)}"><table>'
            f"<caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead><tbody>"
            + "\n".join(body) + "</tbody></table></div>")


def _years_phrase(headline: pd.DataFrame) -> str:
    """"the next 3 financial years" (or 2, or 1) for the headline table's caption."""
    n = len(set(headline.index.get_level_values("period"))) if len(headline) else 0
    return "the next financial year" if n == 1 else f"the next {n} financial years"


def _headline_html(forecast: Forecast, headline: pd.DataFrame) -> str:
    if headline.empty:
        return "<p>The forecast does not reach the end of a financial year, so there are no yearly figures.</p>"
    cols = list(headline.columns)
    scen_spans: dict[str, int] = {}
    for s, _ in cols:
        scen_spans[s] = scen_spans.get(s, 0) + 1
    parts = ['<div class="scroll keep" role="region" tabindex="0" aria-label="Headline figures"><table>',
             f"<caption>Headline figures: {_years_phrase(headline)}</caption><thead><tr>",
             '<th scope="col" rowspan="2">Measure and year</th>']
    parts += [f'<th scope="colgroup" colspan="{n}">{_e(s)}</th>' for s, n in scen_spans.items()]
    parts.append("</tr><tr>")
    parts += [f'<th scope="col">{tv.quantile_label(q)}</th>' for _, q in cols]
    parts.append("</tr></thead><tbody>")
    names = {"referrals": "Referrals in the year to {end}", "cp_open": "Open child protection plans on {end}",
             "cla_open": "Children looked after on {end}"}
    values = headline.to_numpy(dtype=float)
    years = tv.fy_labels(forecast)
    for i, (measure, period, start) in enumerate(headline.index):
        end = f"{tv.fy_end(start).day} {tv.fy_end(start):%B %Y}"
        label = names.get(measure, MEASURE_LABELS.get(measure, measure) + " ({end})").format(end=end)
        if measure == "referrals" and years.get(period, period) != period:   # a year forecast only in part
            label += years[period].removeprefix(period)
        cells = "".join(f'<td class="num">{_fmt(v)}</td>' for v in values[i])
        parts.append(f'<tr><th scope="row">{_e(label)}</th>{cells}</tr>')
    parts.append("</tbody></table></div>")
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in tv.headline_notes(forecast, headline))
    return "\n".join(parts) + notes


def _by_year_html(table: pd.DataFrame, *, caption: str, row_header: str, label, kind: str,
                  period_labels: dict[str, str] | None = None) -> str:
    """A table with a row per label (``label(index key)``) and a column per (group, financial year), the years
    as ``period_labels`` name them."""
    years = period_labels or {}
    groups = list(dict.fromkeys(c[0] for c in table.columns))
    two_rows = len(groups) > 1
    if two_rows:
        spans = [(g, sum(1 for c in table.columns if c[0] == g)) for g in groups]
        top = "".join(f'<th scope="colgroup" colspan="{n}">{_e(g)}</th>' for g, n in spans)
        head = (f'<tr><th scope="col" rowspan="2">{_e(row_header)}</th>{top}</tr><tr>'
                + "".join(f'<th scope="col">{_e(years.get(str(p), p))}</th>' for _, p in table.columns) + "</tr>")
    else:
        head = (f'<tr><th scope="col">{_e(row_header)}</th>'
                + "".join(f'<th scope="col">{_e(years.get(str(p), p))}</th>' for _, p in table.columns) + "</tr>")
    rows = []
    values = table.to_numpy(dtype=float)
    for i, key in enumerate(table.index):
        cells = "".join(f'<td class="num">{_fmt(v, kind)}</td>' for v in values[i])
        rows.append(f'<tr><th scope="row">{_e(label(key))}</th>{cells}</tr>')
    return (f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(caption)}"><table>'
            f"<caption>{_e(caption)}</caption><thead>{head}</thead><tbody>" + "\n".join(rows)
            + "</tbody></table></div>")


def _costs_by_group_html(medians: pd.DataFrame, forecast: Forecast) -> str:
    """Median cost per financial year: a row per scenario and cost group, a column per year."""
    return _by_year_html(medians, caption=f"Median cost per financial year by cost group (£, at "
                                          f"{tv.price_base(forecast)})",
                         row_header="Scenario and cost group", kind="cost_gbp",
                         label=lambda k: f"{k[0]}: {'total' if k[1] == tv.TOTAL_GROUP else k[1]}",
                         period_labels=tv.fy_labels(forecast))


def _placement_html(forecast: Forecast) -> str:
    """Children looked after on 31 March by placement group (median), per scenario, when the forecast has it."""
    table = tv.breakdowns_by_year(forecast)
    if table.empty:
        return ""
    keep = [k for k in table.index if k[0] == "cla_open" and k[1] == "placement_group"]
    if not keep:
        return ""
    return _by_year_html(table.loc[keep], caption="Children looked after on 31 March by placement group (median)",
                         row_header="Placement group", kind="count", label=lambda k: k[2],
                         period_labels=tv.fy_labels(forecast))


def _chart_section(wide: pd.DataFrame, scen: list[str], *, section_id: str, heading: str, label: str,
                   y_title: str, kind: str, intro: str = "") -> str:
    description = _describe_chart(wide, scen, label, kind)
    svg = band_chart_svg(wide, scen, chart_id=f"{section_id}-chart", title=f"{heading}: chart",
                         description=description, y_title=y_title, kind=kind)
    table = _wide_table_html(wide, caption=f"{heading}: figures by month", period_type="month", kind=kind)
    return (f'<section class="chart" id="{section_id}" aria-labelledby="{section_id}-h"><h2 id="{section_id}-h">'
            f"{_e(heading)}</h2>{intro}<figure>{svg}{legend_html(wide, scen)}</figure>"
            f"<details><summary>Table of the figures in the chart: {_e(heading)}</summary>{table}</details></section>")


def _chart_block(wide: pd.DataFrame, scen: list[str], *, block_id: str, heading: str, label: str, y_title: str,
                 kind: str) -> str:
    """A chart with its key and its figures under an ``h3`` inside a section (see :func:`_chart_section`)."""
    svg = band_chart_svg(wide, scen, chart_id=f"{block_id}-chart", title=f"{heading}: chart",
                         description=_describe_chart(wide, scen, label, kind), y_title=y_title, kind=kind)
    table = _wide_table_html(wide, caption=f"{heading}: figures by month", period_type="month", kind=kind)
    return (f'<div class="keep"><h3>{_e(heading)}</h3><figure>{svg}{legend_html(wide, scen)}</figure>'
            f"<details><summary>Table of the figures in the chart: {_e(heading)}</summary>{table}</details></div>")


def _caseload_html(forecast: Forecast, scen: list[str]) -> str:
    """The section "Children in need and social workers": what the caseload counts and which caseload each
    scenario uses, the charts of case-holding social workers needed and of children in need (P10 to P90), a
    compact table of the staffing at each 31 March, and the answer to each scenario's target caseload. Without
    List 6, why there are no figures and what to load."""
    head = ('<section id="caseload" aria-labelledby="caseload-h"><h2 id="caseload-h">Children in need and social '
            "workers</h2>")
    has_workers = bool((forecast.table["measure"] == "social_workers").any())
    has_cin = tv.has_children_in_need(forecast)
    if not has_workers and not has_cin:
        return head + f"<p>{_e(tv.NO_LIST_6)}</p></section>"
    parts = [head, f"<p>{_e(tv.CASELOAD_MEANING)}</p>"]
    parts += [f"<p>{_e(x)}</p>" for x in tv.caseload_sentences(forecast)]
    parts.append(f'<p class="note">{_e(tv.WORKFORCE_MEANING)}</p>')
    if has_workers:
        wf = tv.workforce_table(forecast)
        wf = wf.loc[:, [c for c in wf.columns if c[1] == tv.TOTAL_GROUP]]
        parts.append(_chart_block(wf, scen, block_id="workforce", heading="Social workers needed",
                                  label="Case-holding social workers needed (full-time equivalents)",
                                  y_title="Case-holding FTE", kind="social_workers"))
    if has_cin:
        parts.append(_chart_block(tv.monthly_table(forecast, "cin_open"), scen, block_id="m-cin_open",
                                  heading=MEASURE_LABELS["cin_open"], label="Children in need at the month end",
                                  y_title=tv.MEASURE_UNITS["cin_open"], kind="count"))
        compact = tv.staffing_at_year_ends(forecast)
        if len(compact):   # children in need shown as whole numbers, as elsewhere
            compact = compact.assign(**{tv.STAFFING_LABELS["cin_open"]: compact[tv.STAFFING_LABELS["cin_open"]].round()})
            dates = set(compact["Date"])
            when = "at each 31 March" if all(d.month == 3 for d in dates) else "at the end of the forecast"
            parts.append(_frame_html(compact, f"Social workers needed {when} (all social workers and posts from "
                                              "the median children in need)",
                                     headers_as_given=True))
        for name in scen:
            answer = tv.target_answer(forecast, name)
            if answer:
                parts.append(f"<p><strong>{_e(name)}:</strong> {_e(answer)}</p>")
    return "".join(parts) + "</section>"


def _window_fit_html(forecast: Forecast) -> str:
    """The section "Model against actual (last six months)": per measure the sentence, a small chart and its
    figures; empty when the forecast carries no such table."""
    fit = forecast.window_fit
    measures = tv.window_fit_measures(fit)
    if not measures:
        return ""
    heading = tv.window_fit_heading(fit)
    summary = fit.attrs.get("summary", {})
    legend = fit_legend_html()
    parts = ['<section id="window-fit" aria-labelledby="window-fit-h">'
             f'<h2 id="window-fit-h">{_e(heading)}</h2>'
             "<p>Does the model reproduce what happened? Its path starts from the actual number open on the first "
             "day and adds the starts it expects from the usual level of referrals; nothing in it was tuned to "
             "these counts.</p>"]
    for m in measures:
        label = tv.WINDOW_FIT_LABELS[m]
        sub = fit.loc[fit["measure"] == m].sort_values("date")
        dates = pd.DatetimeIndex(sub["date"])
        sentence = str(summary.get(m, ""))
        description = (f"Line chart of {label.lower()} from {dates[0].day} {dates[0]:%B %Y} to {dates[-1].day} "
                       f"{dates[-1]:%B %Y}: the actual number open (solid line) and the model's path (dashed "
                       f"line). {sentence} The figures are in the table that follows the chart.")
        svg = fit_chart_svg(dates, sub["actual"].to_numpy(), sub["model"].to_numpy(), chart_id=f"fit-{m}-chart",
                            title=f"{label}: model against actual", description=description, y_title=label)
        table = _frame_html(sub[["date", "actual", "model"]], f"{label}: actual and model by date")
        parts.append(f'<div class="keep"><h3>{_e(label)}</h3><p>{_e(sentence)}</p><figure>{svg}{legend}</figure>'
                     f"<details><summary>Table of the figures in the chart: {_e(label)}</summary>{table}</details>"
                     "</div>")
    return "".join(parts) + "</section>"


def _published_html(forecast: Forecast) -> str:
    """The section "Published figures" (only when a local authority was named): what it shows, per stock a chart
    of the published figures, the forecast from them and this forecast at each 31 March (first scenario), the
    sentences for each 31 March forecast, and the table of every figure."""
    table = tv.published_table(forecast)
    if table is None:
        return ""
    first = forecast.published.iloc[0]
    scenario = str(first["scenario"])
    parts = [('<section id="published" aria-labelledby="published-h"><h2 id="published-h">Published figures: '
              f'{_e(first["la_name"])}</h2><p>{_e(tv.published_intro(forecast))}</p>')]
    if table["Scenario"].nunique() > 1:
        parts.append(f"<p>The charts show the first scenario ({_e(scenario)}); the table has every scenario.</p>")
    for measure in tv.PUBLISHED_STOCKS:
        wide = tv.published_wide(forecast, measure, scenario)
        if wide.empty or not np.isfinite(wide.to_numpy(dtype=float)).any():
            continue
        label = tv.published_measure(measure)
        svg = band_chart_svg(wide, list(tv.PUBLISHED_SERIES), chart_id=f"published-{measure}-chart", title=label,
                             description=tv.published_chart_text(wide, measure), y_title="Children", yearly=True)
        legend = legend_html(wide, list(tv.PUBLISHED_SERIES), actual_label="Published by the DfE")
        parts.append(f'<div class="keep"><h3>{_e(label)}</h3><figure>{svg}{legend}</figure></div>')
    sentences = tv.published_sentences(forecast)
    if sentences:
        parts.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in sentences) + "</ul>")
    parts.append(_frame_html(table, f"{first['la_name']}: published figures and forecasts at each 31 March",
                             headers_as_given=True))
    return "".join(parts) + "</section>"


def render_html(forecast: Forecast) -> str:
    """The HTML summary page for ``forecast``, as a string."""
    scen = tv.scenario_names(forecast)
    title = "Children's social care demand forecast"
    if forecast.la_name:
        title += f": {forecast.la_name}"
    body: list[str] = [f"<header><h1>{_e(title)}</h1>"]
    facts = [("Data extracted on", f"{pd.Timestamp(forecast.extract_date):%d %B %Y}".lstrip("0"))]
    months = forecast.table.loc[forecast.table["period_type"] == "month", "period_start"]
    if len(months):
        facts.append(("Forecast period", f"{pd.Timestamp(months.min()):%B %Y} to {pd.Timestamp(months.max()):%B %Y} "
                                         f"({forecast.months} months)"))
    facts.append(("Simulations", f"{forecast.draws:,} (random seed {forecast.seed})"))
    used = tv.data_used(forecast)
    if used.lists:
        facts.append(("Data used", "; ".join(f"{name}: {rows:,} rows" if rows is not None else name
                                             for name, rows, _, _ in used.lists)))
    if used.rows_not_used is not None:
        facts.append(("Rows not used", f"{used.rows_not_used:,} (each explained in the Excel report)"))
    for label, a, b in used.actual_ranges[:1]:
        facts.append(("Actual figures", f"{a:%B %Y} to {b:%B %Y}"))
    facts += tv.timeline_facts(forecast)
    body.append('<dl class="facts">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>")
    body.append("</header>")

    # children in need at the month end are drawn with the social workers they need (the caseload section)
    measures = [m for m in tv.measures_present(forecast) if m != "cin_open"]
    sections = [("headline", "Headline figures"), ("scenarios", "Scenarios")]
    sections += [(f"m-{m}", MEASURE_LABELS.get(m, m)) for m in measures]
    has_costs = (forecast.table["measure"] == "cost_gbp").any()
    if has_costs:
        sections.append(("costs", "Costs"))
    sections.append(("caseload", "Children in need and social workers"))
    if forecast.published is not None and not forecast.published.empty:
        sections.append(("published", "Published figures"))
    if tv.estimates_frame(forecast) is not None:
        sections.append(("estimates", "What the forecast is based on"))
    if tv.window_fit_measures(forecast.window_fit):
        sections.append(("window-fit", tv.window_fit_heading(forecast.window_fit)))
    sections += [("backtest", "How far to trust the forecast"), ("quality", "Data quality")]
    body.append('<nav aria-label="Contents"><h2>Contents</h2><ul>'
                + "".join(f'<li><a href="#{sid}">{_e(t)}</a></li>' for sid, t in sections) + "</ul></nav>")
    body.append("<main>")
    body.append('<section id="headline" aria-labelledby="headline-h"><h2 id="headline-h">Headline figures</h2>'
                "<p>The median is the middle of the simulated outcomes. There is an 8 in 10 chance that a figure "
                "falls between P10 and P90 (1 in 10 below P10, 1 in 10 above P90), if the scenario's assumptions "
                "hold.</p>" + _headline_html(forecast, tv.headline_table(forecast)) + "</section>")

    by_name = {str(getattr(s, "name", s)): s for s in forecast.scenarios}
    scen_parts = ['<section id="scenarios" aria-labelledby="scenarios-h"><h2 id="scenarios-h">Scenarios</h2>']
    for name in scen:
        s = by_name.get(name)
        describe = getattr(s, "describe", None)
        sentences = describe() if callable(describe) else [str(getattr(s, "description", "") or "")]
        scen_parts.append(f"<h3>{_e(name)}</h3><ul>" + "".join(f"<li>{_e(x)}</li>" for x in sentences if x)
                          + "</ul>")
    body.append("".join(scen_parts) + "</section>")

    for m in measures:
        label = MEASURE_LABELS.get(m, m)
        body.append(_chart_section(tv.monthly_table(forecast, m), scen, section_id=f"m-{m}", heading=label,
                                   label=label, y_title=tv.MEASURE_UNITS.get(m, m), kind="count"))
    if has_costs:
        fy = tv.costs_table(forecast, "fy")
        total = fy.loc[:, [c for c in fy.columns if c[1] == tv.TOTAL_GROUP]]
        by_year = tv.costs_by_year(forecast)
        medians = by_year.loc[:, [c for c in by_year.columns if np.isclose(c[0], 0.5)]]
        base = tv.price_base(forecast)
        intro = (f"<p>Costs are at {_e(base)}: the unit costs are those of the first forecast month, and each "
                 "month's and year's cost is at its own prices. A financial year the forecast covers only in "
                 "part is marked with the months it covers.</p>"
                 + _wide_table_html(total, caption=f"Total cost per financial year (£, at {base})",
                                    period_type="fy", kind="cost_gbp", period_labels=tv.fy_labels(forecast))
                 + _costs_by_group_html(medians, forecast) + _placement_html(forecast))
        monthly = tv.costs_table(forecast, "month")
        monthly = monthly.loc[:, [c for c in monthly.columns if c[1] == tv.TOTAL_GROUP]]
        body.append(_chart_section(monthly, scen, section_id="costs", heading="Costs", label="Total cost (£)",
                                   y_title="Cost in the month (£)", kind="cost_gbp", intro=intro))
    body.append(_caseload_html(forecast, scen))
    body.append(_published_html(forecast))

    est = tv.estimates_frame(forecast)
    if est is not None and len(est):
        notes = tv.estimates_notes(forecast, est)
        est_html = ("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in est["estimate"]) + "</ul>"
                    if list(est.columns) == ["estimate"] else _frame_html(est, "Estimates used"))
        if notes:
            est_html += "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in notes) + "</ul>"
        body.append('<section id="estimates" aria-labelledby="estimates-h"><h2 id="estimates-h">What the forecast '
                    "is based on</h2><p>Estimated from your data unless a scenario sets them.</p>" + est_html
                    + "</section>")
    body.append(_window_fit_html(forecast))
    bt = tv.backtest_view(forecast)
    caution = tv.backtest_caution(forecast)
    body.append('<section id="backtest" aria-labelledby="backtest-h"><h2 id="backtest-h">How far to trust the '
                "forecast</h2><p>The model was fitted on past data only and compared with what happened next.</p>"
                + (f"<p><strong>Caution:</strong> {_e(caution)}</p>" if caution else "")
                + (_frame_html(bt, "Backtest results") if bt is not None and len(bt)
                   else "<p>No backtest was run for this forecast.</p>")
                + "".join(f'<p class="note">{_e(n)}</p>' for n in tv.backtest_notes(forecast)) + "</section>")

    summary = tv.quality_summary(forecast)
    q_html = ("<p>No data-quality report was supplied with this forecast.</p>" if forecast.quality is None
              else "<p>No data-quality problems were found.</p>" if summary.empty
              else _frame_html(summary, "Data-quality findings by kind")
              + "<p>Every finding, with its file, sheet, row and column, is on the Excel report's Data quality "
                "sheet.</p>")
    body.append('<section id="quality" aria-labelledby="quality-h"><h2 id="quality-h">Data quality</h2>'
                + q_html + "</section>")
    body.append("</main>")
    body.append(f"<footer><p>Made with csc-demand {_e(__version__)}. This page holds no child-level data: only "
                "counts and forecasts. It needs no internet connection.</p></footer>")
    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body)
            + "\n</body>\n</html>\n")


def write_html(forecast: Forecast, path: str | Path) -> Path:
    """Write the HTML summary for ``forecast`` to ``path`` (UTF-8) and return the path."""
    path = tv.output_path(path)
    try:
        path.write_text(render_html(forecast), encoding="utf-8")
    except OSError as exc:
        raise CscDemandError(f"Could not write the HTML report to {path}: {exc}. Choose another folder.") from exc
    return path
