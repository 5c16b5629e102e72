"""End to end in a real headless Chromium: `csc-demand app` as a process, driven by Playwright.

Skipped (with the reason) when Playwright's Python package or Debian's chromium is missing. The app process is
started once for this module (see ``app_server`` in conftest.py) and stopped cleanly at the end; every request
the browser makes is recorded and must go to this computer (127.0.0.1).
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pandas as pd
import pytest
from apphelp import is_local, listening_pid, loopback, need_browser, remote_peers, tcp_sockets

need_browser()

GO_TIMEOUT_MS = 120_000


def _only_local(page) -> None:
    hosts = {urlsplit(u).hostname for u in page.requested if urlsplit(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts, "the browser made requests"
    assert any(u.startswith("ws://127.0.0.1") for u in page.requested), "the app's WebSocket was recorded too"
    outside = sorted(h for h in hosts if not is_local(h or ""))
    assert not outside, f"the page asked other hosts: {outside}"


def _idle(page) -> None:
    """Wait until Streamlit has finished running the script (its 'running' indicator is gone)."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=GO_TIMEOUT_MS)
    page.wait_for_timeout(300)


def _go(page, name: str) -> None:
    page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
    # the page's title (h1): another page's h2 of the same name can linger while the page changes
    page.get_by_role("heading", name=name, exact=True, level=1).wait_for(timeout=GO_TIMEOUT_MS)
    _idle(page)


def _load_demo(page) -> None:
    page.get_by_role("button", name="Use the demo local authority").first.click()
    page.get_by_role("heading", name="Forecast", exact=True, level=1).wait_for(timeout=GO_TIMEOUT_MS)
    page.locator(".js-plotly-plot").first.wait_for(timeout=GO_TIMEOUT_MS)
    _idle(page)


def _median(page, chart_title: str, scenario: str) -> pd.Series:
    """A scenario's median line as drawn in the browser (read from the Plotly chart's own data)."""
    data = page.evaluate(
        """([title, name]) => {
            for (const div of document.querySelectorAll('.js-plotly-plot')) {
                const t = (div.layout && div.layout.title && div.layout.title.text) || '';
                if (!t.includes(title)) continue;
                const tr = (div._fullData || div.data).find(d => d.name === name);
                if (tr) return {x: Array.from(tr.x), y: Array.from(tr.y)};
            }
            return null;
        }""", [chart_title, f"{scenario} (median)"])
    assert data is not None, f"no {scenario} line on the {chart_title} chart"
    return pd.Series(data["y"], index=pd.to_datetime(data["x"]), dtype=float)


def test_demo_add_a_shock_see_the_chart_change_and_download_the_report(page, tmp_path):
    _load_demo(page)
    before = _median(page, "Referrals:", "No further shocks")

    _go(page, "Scenarios")
    page.get_by_role("button", name="Add a shock").click()
    _idle(page)
    change = page.get_by_role("spinbutton", name="Change in referrals during the shock (%)", exact=True)
    change.fill("-60")
    change.press("Enter")
    _idle(page)
    page.get_by_text("referrals are 60% below the usual level").first.wait_for(timeout=GO_TIMEOUT_MS)

    _go(page, "Forecast")
    page.locator(".js-plotly-plot").first.wait_for(timeout=GO_TIMEOUT_MS)
    after = _median(page, "Referrals:", "No further shocks")
    ratio = after / before
    shock = pd.to_datetime(["2021-02-01", "2021-03-01", "2021-04-01"])   # the new shock's months
    assert (ratio[shock] < 0.55).all(), ratio.head(6)
    # half the missing referrals come back over the six months after it (the new shock's defaults) …
    returns = pd.date_range("2021-05-01", "2021-10-01", freq="MS")
    assert (ratio[returns] > 1.05).all(), ratio[returns]
    # … and then referrals are back at their usual level
    assert ((ratio[ratio.index >= "2022-01-01"] - 1).abs() < 0.1).all()

    with page.expect_download(timeout=GO_TIMEOUT_MS) as info:
        page.get_by_role("button", name="Excel workbook (.xlsx)").click()
    download = info.value
    assert download.suggested_filename == "csc-demand forecast 2020-12-31.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(target.read_bytes()))
    assert len(wb.sheetnames) >= 3
    _only_local(page)


def test_every_page_shows_and_nothing_is_fetched_from_outside(page, app_server):
    _load_demo(page)
    port = int(app_server.rsplit(":", 1)[1])
    server = listening_pid(port) if tcp_sockets() is not None else None   # None: no /proc (not Linux)
    assert server is not None or tcp_sockets() is None, "the app's server process was found"
    peers: list[str] = []
    for name in ("History", "Scenarios", "Children in need and social workers", "How far to trust this",
                 "How this works", "Your data", "Forecast"):
        _go(page, name)
        assert not page.locator('[data-testid="stException"]').count(), f"an error on the {name} page"
        if server is not None:
            peers += remote_peers(server)
    # the app's server (as the operating system sees it) is connected to this computer only
    if server is not None:
        assert peers, "the browser's connection to the app was seen"
        assert all(loopback(ip) for ip in peers), sorted(set(peers))
    # every chart on the forecast page has a text description for screen readers
    labels = page.locator('[data-testid="stPlotlyChart"] [aria-label], [data-testid="stPlotlyChart"][aria-label]')
    assert labels.count() >= 5
    _only_local(page)


def test_upload_a_workbook_in_the_browser(page, tmp_path):
    from csc_demand.app import MAX_UPLOAD_MB
    from csc_demand.synth import simulate, write_annex_a

    # a file over the stated limit is refused, with a message saying the limit
    big = tmp_path / "too_big.csv"
    big.write_bytes(b"x" * ((MAX_UPLOAD_MB + 1) * 1024 * 1024))
    page.get_by_role("button", name="Read the files").wait_for(timeout=GO_TIMEOUT_MS)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(big))
    page.get_by_text(f"{MAX_UPLOAD_MB}.0MB or smaller").first.wait_for(timeout=GO_TIMEOUT_MS)
    page.get_by_role("button", name="Read the files").click()
    page.get_by_text("Choose one or more files first.").wait_for(timeout=GO_TIMEOUT_MS)

    world = simulate("small", seed=5, start="2016-01-01", end="2021-06-30")
    path = write_annex_a(world, "2020-12-31", tmp_path / "annex_a_2020-12-31.xlsx")
    page.get_by_role("button", name="Read the files").wait_for(timeout=GO_TIMEOUT_MS)
    with page.expect_response(lambda r: "/_stcore/upload_file/" in r.url and r.ok, timeout=GO_TIMEOUT_MS):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path))
    _idle(page)
    page.get_by_role("button", name="Read the files").click()
    page.get_by_role("heading", name="What was found").wait_for(timeout=GO_TIMEOUT_MS)
    _idle(page)
    assert page.get_by_text("Loaded: your file (annex_a_2020-12-31.xlsx)").count() == 1
    _go(page, "Forecast")
    page.locator(".js-plotly-plot").first.wait_for(timeout=GO_TIMEOUT_MS)
    _only_local(page)


@pytest.fixture(autouse=True)
def _no_console_errors(page):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield
    assert not errors, errors
