"""The HTML summary, parsed with html.parser: self-contained, accessible, escaped, with the headline numbers."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from csc_demand.errors import CscDemandError
from csc_demand.report import tables_view as tv
from csc_demand.report.html import _fmt, render_html, write_html
from csc_demand.report.svg import nice_step as _nice_step


class _Page(HTMLParser):
    """Collects tags, attributes, element text by id, and the cell texts of every table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[tuple[str, dict]] = []
        self.text_by_id: dict[str, str] = {}
        self.tables: list[list[list[tuple[str, dict, str]]]] = []
        self._cell: list | None = None
        self.all_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self._cell = [tag, a, ""]
        self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, a = self.stack.pop()
            if t == tag:
                break
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.all_text.append(data)
        if self._cell is not None:
            self._cell[2] += data
        for t, a in self.stack:
            if "id" in a:
                self.text_by_id[a["id"]] = self.text_by_id.get(a["id"], "") + data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def page_text(forecast):
    return render_html(forecast)


@pytest.fixture(scope="module")
def page(page_text):
    return _parse(page_text)


def test_self_contained(page, page_text):
    tags = {t for t, _ in page.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form", "image", "use"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href", "action"):
                assert value.startswith("#"), (tag, name, value)
    assert "http" not in page_text.lower() and "@import" not in page_text and "url(" not in page_text


def test_every_chart_has_an_accessible_name_and_description(page, forecast):
    charts = [a for t, a in page.tags if t == "svg" and a.get("role") == "img"]
    decorative = [a for t, a in page.tags if t == "svg" and a.get("role") != "img"]
    # one chart per measure, plus costs and workforce
    assert len(charts) == len(tv.measures_present(forecast)) + 2
    assert all(a.get("aria-hidden") == "true" for a in decorative)
    for a in charts:
        title = page.text_by_id.get(a["aria-labelledby"], "").strip()
        desc = page.text_by_id.get(a["aria-describedby"], "").strip()
        assert title.endswith(": chart") and len(desc) > 40


def test_chart_description_gives_the_last_median(page, forecast):
    wide = tv.monthly_table(forecast, "cla_open")
    name = forecast.scenarios[1].name
    last = wide[(name, "All", 0.5)].dropna()
    desc = page.text_by_id["m-cla_open-chart-desc"]
    assert f"{name}: median forecast {_fmt(last.iloc[-1])} in {last.index[-1][1]:%B %Y}" in desc


def test_headline_numbers_on_the_page(page, forecast):
    head = tv.headline_table(forecast)
    table = next(t for t in page.tables if any("Referrals in the year to" in c[2] for row in t for c in row))
    body = [row for row in table if row and row[0][0] == "th" and row[0][1].get("scope") == "row"]
    assert len(body) == len(head)
    values = head.to_numpy(dtype=float)
    for i, row in enumerate(body):
        assert [c[2] for c in row[1:]] == [_fmt(v) for v in values[i]]
    # the forecast starts in January 2021: the first year's referrals are marked as those months only
    assert body[0][0][2] == "Referrals in the year to 31 March 2021 (Jan–Mar only)"
    assert body[1][0][2] == "Referrals in the year to 31 March 2022"


def test_tables_have_scoped_headers_and_captions(page):
    assert len(page.tables) >= 8
    for t, a in page.tags:
        if t == "th":
            assert a.get("scope") in ("col", "colgroup", "row")
    assert sum(1 for t, _ in page.tags if t == "caption") == len(page.tables)


def test_print_and_language(page_text, page):
    assert '<html lang="en-GB">' in page_text
    assert "@page { size: A4" in page_text and "@media print" in page_text and "break-inside: avoid" in page_text
    assert [t for t, _ in page.tags].count("h1") == 1


def test_text_from_users_is_escaped(hostile_forecast):
    text = render_html(hostile_forecast)
    page = _parse(text)
    assert "script" not in {t for t, _ in page.tags}
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert "<script>alert(1)</script> & co" in "".join(page.all_text)


def test_write_html_and_errors(forecast, tmp_path):
    path = write_html(forecast, tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(CscDemandError, match="folder .* does not exist"):
        write_html(forecast, tmp_path / "missing" / "report.html")


def test_nice_steps():
    assert [_nice_step(x) for x in (400, 37, 1_000_000, 7)] == [100, 10, 200_000, 2]


def test_number_formats():
    assert _fmt(1234.4) == "1,234" and _fmt(2_500_000.0, "cost_gbp") == "£2,500,000"
    assert _fmt(12.345, "social_workers") == "12.3" and _fmt(float("nan")) == "–"


def test_costs_by_group_table(page, forecast):
    by_year = tv.costs_by_year(forecast)
    table = next(t for t in page.tables if t[0][0][2] == "Scenario and cost group")
    assert [c[2] for c in table[0][1:]] == ["2020-21 (Jan–Mar only)", "2021-22", "2022-23", "2023-24 (Apr–Dec only)"]
    body = table[1:]
    assert len(body) == len(by_year)
    first = forecast.scenarios[0].name
    assert body[0][0][2] == f"{first}: total" and body[1][0][2] == f"{first}: Fostering"
    assert [c[2] for c in body[1][1:]] == [_fmt(by_year.loc[(first, "Fostering"), (0.5, p)], "cost_gbp")
                                           for p in ("2020-21", "2021-22", "2022-23", "2023-24")]


def test_placement_table(page, forecast):
    table = next(t for t in page.tables if t[0][0][2] == "Placement group")
    scen = [s.name for s in forecast.scenarios]
    assert [c[2] for c in table[0][1:]] == scen
    assert [c[2] for c in table[1]] == ["2020-21 (Jan–Mar only)", "2021-22", "2022-23", "2023-24 (Apr–Dec only)"] * 3
    body = table[2:]
    assert [r[0][2] for r in body] == ["Fostering", "Residential", "Supported accommodation", "Placed with parents",
                                       "Other"]
    b = tv.breakdowns_by_year(forecast)
    assert [c[2] for c in body[1][1:]] == [_fmt(v) for v in b.loc[("cla_open", "placement_group", "Residential")]]


# --- children in need and social workers ----------------------------------------------------------------------

def test_caseload_section_explains_the_caseload_with_two_charts_and_a_table(page, forecast):
    text = page.text_by_id["caseload"]
    assert page.text_by_id["caseload-h"] == "Children in need and social workers"
    assert tv.CASELOAD_MEANING in text and tv.WORKFORCE_MEANING in text
    assert ("Caseload used: England's latest published caseload, 30 September 2025: 15.2 cases per case-holding "
            "social worker (DfE), because no local authority was named.") in text
    # the charts: case-holding social workers needed and children in need, each with its description
    for chart_id, label in (("workforce-chart", "case-holding social workers needed (full-time equivalents)"),
                            ("m-cin_open-chart", "children in need at the month end")):
        assert page.text_by_id[f"{chart_id}-title"].endswith(": chart")
        assert page.text_by_id[f"{chart_id}-desc"].startswith(f"Line chart of {label} by month.")
    # the children in need are drawn once, in this section, not again among the measures
    assert "m-cin_open" not in page.text_by_id and "m-cin_starts" in page.text_by_id
    # the compact table: each scenario at each 31 March, from the engine's views
    compact = tv.staffing_at_year_ends(forecast)
    table = next(t for t in page.tables if t[0][0][2] == "Scenario" and t[0][1][2] == "Date")
    assert [c[2] for c in table[0]] == list(compact.columns)
    assert len(table) == 1 + len(compact)
    row = table[1]
    assert row[0][2] == forecast.scenarios[0].name and row[1][2] == "31 Mar 2021"
    workers = compact.iloc[0]["Case-holding social workers needed: median (FTE)"]
    assert [c[2] for c in table[0]][3:6] == [f"Case-holding social workers needed: {x} (FTE)"
                                             for x in ("P10", "median", "P90")]
    assert row[4][2] == f"{workers:,.1f}" and row[2][2] == f"{compact.iloc[0]['Children in need (median)']:,.0f}"
    assert workers == pytest.approx(compact.iloc[0]["Children in need (median)"] / 15.2)
    assert not any("To bring caseloads" in t for t in page.all_text)   # no scenario sets a target


def test_costs_name_their_price_base(page):
    captions = [t for t in page.all_text if t.startswith("Total cost per financial year")]
    assert captions == ["Total cost per financial year (£, at prices of January 2021, rising by 3% a year)"]
    assert any(t.startswith("Median cost per financial year by cost group (£, at prices of January 2021, rising "
                            "by 3% a year)") for t in page.all_text)
    assert "Costs are at prices of January 2021, rising by 3% a year" in page.text_by_id["costs"]


def test_a_target_caseload_is_answered_in_the_section(forecast):
    import dataclasses
    import datetime as dt

    from csc_demand.workforce import Workforce

    second = dataclasses.replace(forecast.scenarios[1], workforce=Workforce(target_caseload=13.5,
                                                                            target_date=dt.date(2022, 9, 30)))
    fc = dataclasses.replace(forecast, scenarios=(forecast.scenarios[0], second, *forecast.scenarios[2:]))
    text = _parse(render_html(fc)).text_by_id["caseload"]
    answer = tv.target_answer(fc, second.name)
    assert answer.startswith("To bring caseloads to 13.5 cases per case-holding social worker by 30 Sep 2022")
    assert "illustrative pay" in answer
    assert f"{second.name}: {answer}" in text and text.count("To bring caseloads") == 1


def test_without_list_6_the_section_says_what_to_load(tiny_forecast):
    page = _parse(render_html(tiny_forecast))
    assert page.text_by_id["caseload"].endswith(tv.NO_LIST_6)
    assert "Load List 6 with the other lists" in tv.NO_LIST_6
    assert "workforce-chart" not in page.text_by_id
