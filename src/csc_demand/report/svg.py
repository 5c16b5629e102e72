"""The report's inline SVG charts, drawn from the report views: pure functions that return SVG (or, for a
chart's key, HTML) text, used by :mod:`csc_demand.report.html`.

Each chart has ``role="img"`` with a title and a plain-English description given by the caller; colour is never
the only difference between lines (each scenario also has its own dash pattern). Every piece of text from a
file or a user is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from csc_demand.report import tables_view as tv
from csc_demand.tables import ACTUAL_SCENARIO

#: Scenario colours (see tables_view) and line patterns, so that colour is never the only difference.
COLOURS = tv.SCENARIO_COLOURS
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 2", "6 2 2 2")
WIDTH, HEIGHT = 760, 340
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 78, 16, 14, 44


def _e(text: object) -> str:
    """Escape any text for HTML and SVG (content and attribute values)."""
    return html.escape(str(text), quote=True)


def fmt(value: float, kind: str = "count") -> str:
    """A number as people read it: ``1,234``; ``£1,234,567``; ``12.3`` workers; a dash when missing."""
    if value is None or not math.isfinite(float(value)):
        return "–"
    if kind == "cost_gbp":
        return f"£{value:,.0f}"
    if kind == "social_workers":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def tick_label(value: float, kind: str = "count") -> str:
    """A chart axis label: like :func:`fmt`, but pounds in thousands or millions (``£500k``, ``£1.5m``) so
    that labels stay short beside the axis title; the tables give the full figures."""
    if kind == "cost_gbp" and abs(value) >= 1_000:
        big = abs(value) >= 1_000_000
        return f"£{round(value / (1e6 if big else 1e3), 3):,g}{'m' if big else 'k'}"
    return fmt(value, kind)


def nice_step(span: float, target_ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) giving about ``target_ticks`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target_ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _path(xs: np.ndarray, ys: np.ndarray) -> str:
    """An SVG path through the points, broken at missing values."""
    parts, pen = [], False
    for x, y in zip(xs, ys, strict=True):
        if math.isfinite(y):
            parts.append(f"{'L' if pen else 'M'}{x:.1f},{y:.1f}")
            pen = True
        else:
            pen = False
    return " ".join(parts)


def _band(xs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> list[str]:
    """Polygons (point lists) between ``lo`` and ``hi``, one per unbroken run of values."""
    ok = np.isfinite(lo) & np.isfinite(hi)
    out, i = [], 0
    while i < len(ok):
        if not ok[i]:
            i += 1
            continue
        j = i
        while j < len(ok) and ok[j]:
            j += 1
        upper = [f"{x:.1f},{y:.1f}" for x, y in zip(xs[i:j], hi[i:j], strict=True)]
        lower = [f"{x:.1f},{y:.1f}" for x, y in zip(xs[i:j][::-1], lo[i:j][::-1], strict=True)]
        out.append(" ".join(upper + lower))
        i = j
    return out


def _frame(*, chart_id: str, title: str, description: str, height: int, y_max: float, y_title: str,
           kind: str = "count") -> tuple[list[str], Callable[[np.ndarray], np.ndarray], int]:
    """The part every chart shares: the ``<svg>`` opening with its accessible name and description, the text
    group, and the y axis from 0 to a round value at or above ``y_max`` (grid lines, tick labels, axis title).

    Returns the SVG lines so far (the caller adds the x axis and the data, then ``</g></svg>``), the function
    from values to y positions, and the plot's height.
    """
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
    step = nice_step(max(y_max, 1e-9))
    top = step * math.ceil(y_max / step) if y_max > 0 else step

    def y_of(v: np.ndarray) -> np.ndarray:
        return MARGIN_TOP + plot_h - np.asarray(v, dtype=float) / top * plot_h

    out = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" '
           f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" focusable="false">',
           f'<title id="{chart_id}-title">{_e(title)}</title>',
           f'<desc id="{chart_id}-desc">{_e(description)}</desc>',
           '<g font-family="Arial, Helvetica, sans-serif" font-size="12" fill="#0b0c0c">']
    for k in range(int(round(top / step)) + 1):
        v = k * step
        y = float(y_of(np.array([v]))[0])
        out.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#d9d9d9" stroke-width="1"/>')
        out.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_e(tick_label(v, kind))}</text>')
    out.append(f'<text transform="translate(14,{MARGIN_TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle">'
               f'{_e(y_title)}</text>')
    return out, y_of, plot_h


def band_chart_svg(wide: pd.DataFrame, scenarios: list[str], *, chart_id: str, title: str, description: str,
                   y_title: str, kind: str = "count", group: str = tv.TOTAL_GROUP, yearly: bool = False) -> str:
    """An inline SVG line chart of a monthly wide table: actuals, each scenario's median and P10–P90 band.

    ``title`` and ``description`` become the chart's accessible name and description (``role="img"``). With
    ``yearly`` the rows are one date a year (such as 31 March): each is labelled with its year, the x axis is
    called "31 March", and no line marks where the forecast begins (the actuals may run on beside it).
    """
    starts = pd.DatetimeIndex(wide.index.get_level_values("period_start"))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    if len(starts) == 0:
        xs = np.array([])
    else:
        t = starts.asi8.astype(float)
        span = t.max() - t.min() or 1.0
        xs = MARGIN_LEFT + (t - t.min()) / span * plot_w
    values = wide.to_numpy(dtype=float) if wide.size else np.zeros((0, 0))
    y_max = np.nanmax(values) if values.size and np.isfinite(values).any() else 1.0
    out, y_of, plot_h = _frame(chart_id=chart_id, title=title, description=description, height=HEIGHT,
                               y_max=y_max, y_title=y_title, kind=kind)
    # x ticks: every January (every July too when the span is short); every row of a yearly table
    if len(starts):
        months = 1 if len(starts) <= 6 else (6 if len(starts) <= 30 else 12)
        for x, s in zip(xs, starts, strict=True):
            if yearly or (s.month - 1) % months == 0:
                out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MARGIN_TOP + plot_h}" '
                           f'y2="{MARGIN_TOP + plot_h + 5}" stroke="#0b0c0c"/>')
                out.append(f'<text x="{x:.1f}" y="{MARGIN_TOP + plot_h + 18}" text-anchor="middle">'
                           f'{s:%Y}</text>' if yearly else
                           f'<text x="{x:.1f}" y="{MARGIN_TOP + plot_h + 18}" text-anchor="middle">'
                           f'{s:%b %Y}</text>')
    out.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{MARGIN_TOP + plot_h}" '
               f'y2="{MARGIN_TOP + plot_h}" stroke="#0b0c0c"/>')
    out.append(f'<text x="{MARGIN_LEFT + plot_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">{"31 March" if yearly else "Month"}</text>')

    cols = {c: i for i, c in enumerate(wide.columns)}
    # the forecast starts where the actuals stop
    act_i = cols.get((ACTUAL_SCENARIO, group, 0.5))
    if act_i is not None and len(xs) and not yearly:
        observed = np.flatnonzero(np.isfinite(values[:, act_i]))
        if len(observed) and observed[-1] + 1 < len(xs):
            x = (xs[observed[-1]] + xs[observed[-1] + 1]) / 2
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MARGIN_TOP}" y2="{MARGIN_TOP + plot_h}" '
                       f'stroke="#6f777b" stroke-dasharray="3 3"/>')
            out.append(f'<text x="{x + 4:.1f}" y="{MARGIN_TOP + 12}" fill="#484949">Forecast</text>')
    for i, scen in enumerate(scenarios):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        lo, mid, hi = (cols.get((scen, group, q)) for q in tv.band_quantiles(wide.columns, scen, group))
        if lo is not None and hi is not None:
            for pts in _band(xs, y_of(values[:, lo]), y_of(values[:, hi])):
                out.append(f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        if mid is not None:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<path d="{_path(xs, y_of(values[:, mid]))}" fill="none" stroke="{colour}" '
                       f'stroke-width="2.5"{dash_attr}/>')
    if act_i is not None:
        out.append(f'<path d="{_path(xs, y_of(values[:, act_i]))}" fill="none" stroke="#0b0c0c" '
                   f'stroke-width="2.5"/>')
    out.append("</g></svg>")
    return "\n".join(out)


def legend_html(wide: pd.DataFrame, scenarios: list[str], group: str = tv.TOTAL_GROUP,
                actual_label: str = "Actual") -> str:
    """The chart's key as a visible list (the swatches are decorative); the actuals are called ``actual_label``."""
    items = []
    actual = any(c[0] == ACTUAL_SCENARIO for c in wide.columns)
    if actual:
        items.append('<li><svg aria-hidden="true" viewBox="0 0 34 12"><line x1="0" x2="34" y1="6" y2="6" '
                     f'stroke="#0b0c0c" stroke-width="3"/></svg>{_e(actual_label)}</li>')
    for i, s in enumerate(scenarios):
        colour, dash = COLOURS[i % len(COLOURS)], DASHES[i % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        lo, _, hi = tv.band_quantiles(wide.columns, s, group)
        shaded = (f", shaded {tv.quantile_label(lo)} to {tv.quantile_label(hi)}"
                  if lo is not None and hi is not None else "")
        items.append(f'<li><svg aria-hidden="true" viewBox="0 0 34 12"><rect x="0" y="0" width="34" height="12" '
                     f'fill="{colour}" fill-opacity="0.15"/><line x1="0" x2="34" y1="6" y2="6" stroke="{colour}" '
                     f'stroke-width="3"{dash_attr}/></svg>{_e(s)}: median{shaded}</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"


#: Height of the small model-against-actual charts (the width is the other charts').
FIT_HEIGHT = 260


def fit_chart_svg(dates: pd.DatetimeIndex, actual: np.ndarray, model: np.ndarray, *, chart_id: str, title: str,
                  description: str, y_title: str) -> str:
    """A small inline SVG line chart of the actual number open (solid black) and the model's path (dashed) by
    date; ``title`` and ``description`` become its accessible name and description."""
    dates = pd.DatetimeIndex(dates)
    actual, model = np.asarray(actual, dtype=float), np.asarray(model, dtype=float)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    first = dates.min() if len(dates) else pd.Timestamp(0)
    days = np.asarray((dates - first) / pd.Timedelta(days=1), dtype=float)   # days since the first date
    span = float(days.max()) if len(days) and days.max() > 0 else 1.0
    xs = MARGIN_LEFT + days / span * plot_w
    both = np.concatenate([actual, model])
    y_max = float(np.nanmax(both)) if np.isfinite(both).any() else 1.0
    out, y_of, plot_h = _frame(chart_id=chart_id, title=title, description=description, height=FIT_HEIGHT,
                               y_max=y_max, y_title=y_title)
    base = MARGIN_TOP + plot_h
    if len(dates):
        for m in pd.date_range(dates.min(), dates.max(), freq="MS"):   # the first day of each month
            x = MARGIN_LEFT + (m - first) / pd.Timedelta(days=1) / span * plot_w
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}" stroke="#0b0c0c"/>')
            out.append(f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle">{m:%b %Y}</text>')
    out.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{base}" y2="{base}" stroke="#0b0c0c"/>')
    out.append(f'<text x="{MARGIN_LEFT + plot_w / 2:.0f}" y="{FIT_HEIGHT - 6}" text-anchor="middle">Date</text>')
    out.append(f'<path d="{_path(xs, y_of(model))}" fill="none" stroke="{COLOURS[0]}" stroke-width="2.5" '
               f'stroke-dasharray="{DASHES[1]}"/>')
    out.append(f'<path d="{_path(xs, y_of(actual))}" fill="none" stroke="#0b0c0c" stroke-width="2.5"/>')
    out.append("</g></svg>")
    return "\n".join(out)


def fit_legend_html() -> str:
    """The key of the model-against-actual charts as a visible list (the swatches are decorative)."""
    return ('<ul class="legend"><li><svg aria-hidden="true" viewBox="0 0 34 12"><line x1="0" x2="34" y1="6" '
           'y2="6" stroke="#0b0c0c" stroke-width="3"/></svg>Actual</li><li><svg aria-hidden="true" '
           f'viewBox="0 0 34 12"><line x1="0" x2="34" y1="6" y2="6" stroke="{COLOURS[0]}" stroke-width="3" '
           f'stroke-dasharray="{DASHES[1]}"/></svg>Model</li></ul>')
