"""Fixtures for the app tests: the demo data folder, a guard on outgoing connections, and the browser harness.

The app tests need the optional packages of the ``app`` extra (Streamlit, Plotly); the browser tests also need
Playwright's Python package and Debian's ``chromium``. Missing pieces make those tests SKIP with a reason, so
the core suite runs without them.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from apphelp import APP_TIMEOUT, CHROMIUM, CHROMIUM_ARGS, is_local, need_app_packages, need_browser, running_app


@pytest.fixture(scope="session")
def csc_home(tmp_path_factory) -> Path:
    """A private CSC_DEMAND_HOME for the whole test session (key file and the demo data cache)."""
    home = tmp_path_factory.mktemp("csc_home")
    return home


@pytest.fixture()
def app_env(csc_home, monkeypatch) -> Path:
    """Point the package's user folder at the session's private one."""
    monkeypatch.setenv("CSC_DEMAND_HOME", str(csc_home))
    monkeypatch.delenv("CSC_DEMAND_KEY_FILE", raising=False)
    return csc_home


@pytest.fixture()
def outgoing_connections(monkeypatch) -> list[str]:
    """Record the destination of every socket connection made in this process during the test."""
    seen: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def _record(address) -> None:
        if isinstance(address, tuple):
            seen.append(str(address[0]))

    def connect(self, address):
        _record(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        _record(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return seen


@pytest.fixture(scope="module")
def app_server(csc_home, tmp_path_factory):
    """`csc-demand app --no-browser --port N` as a real process; yields its URL; stops it afterwards."""
    need_browser()
    with running_app(csc_home, tmp_path_factory.mktemp("app_log") / "app.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, app_server, tmp_path):
    """A fresh browser page on the app, recording every request and WebSocket URL in ``page.requested``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    p = context.new_page()
    p.requested = []
    p.on("request", lambda req: p.requested.append(req.url))
    p.on("websocket", lambda ws: p.requested.append(ws.url))
    p.set_default_timeout(60_000)
    p.goto(app_server)
    yield p
    context.close()


@pytest.fixture()
def at(app_env, outgoing_connections):
    """A fresh AppTest session of the app; afterwards, no exception was shown and no connection left this
    computer."""
    need_app_packages()
    from streamlit.testing.v1 import AppTest

    from csc_demand.cli.app import app_file

    app = AppTest.from_file(str(app_file()), default_timeout=APP_TIMEOUT)
    app.run()
    yield app
    assert not app.exception, [e.value for e in app.exception]
    outside = [h for h in outgoing_connections if not is_local(h)]
    assert not outside, f"the app connected to {outside}"

