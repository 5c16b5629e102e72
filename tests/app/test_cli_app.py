"""`csc-demand app`: the port check, the Streamlit options (local only, no telemetry), start and stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from apphelp import free_port, healthy, need_app_packages, running_app

from csc_demand.app import MAX_UPLOAD_MB
from csc_demand.cli import app as app_cmd
from csc_demand.cli import build_parser
from csc_demand.errors import CscDemandError


def test_parser_has_app_with_port_and_no_browser():
    args = build_parser().parse_args(["app", "--port", "9123", "--no-browser"])
    assert args.func is app_cmd.run
    assert args.port == 9123 and args.no_browser is True
    args = build_parser().parse_args(["app"])
    assert args.port is None and args.no_browser is False


def test_streamlit_command_is_local_with_telemetry_off():
    cmd = app_cmd.streamlit_command(8599)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert cmd[4] == str(app_cmd.app_file()) and app_cmd.app_file().is_file()
    opts = set(cmd[5:])
    for opt in ("--server.address=127.0.0.1", "--server.port=8599", "--server.headless=true",
                "--browser.gatherUsageStats=false", "--global.developmentMode=false",
                "--server.fileWatcherType=none", f"--server.maxUploadSize={MAX_UPLOAD_MB}",
                "--client.showErrorDetails=type"):
        assert opt in opts


def test_a_busy_port_is_refused_with_a_plain_message():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert not app_cmd.port_is_free(port)
        with pytest.raises(CscDemandError, match=f"Port {port} is already in use"):
            app_cmd.choose_port(port)
    with pytest.raises(CscDemandError, match="from 1024 to 65535"):
        app_cmd.choose_port(80)


def test_a_free_port_is_used_as_asked_and_a_default_is_found():
    port = free_port()
    assert app_cmd.choose_port(port) == port
    chosen = app_cmd.choose_port(None)
    assert app_cmd.DEFAULT_PORT <= chosen < app_cmd.DEFAULT_PORT + 50 and app_cmd.port_is_free(chosen)


def test_app_starts_answers_on_127_0_0_1_only_and_stops_cleanly(tmp_path):
    need_app_packages()
    log = tmp_path / "app.log"
    with running_app(tmp_path, log) as url:
        port = int(url.rsplit(":", 1)[1])
        assert healthy(port)
        # listening on the loopback address only: not on this computer's other addresses
        other = [a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
                 if not a[4][0].startswith("127.")]
        for address in other:
            with socket.socket() as s:
                s.settimeout(1)
                assert s.connect_ex((address, port)) != 0, f"the app answered on {address}"
        # a second start on the same port is refused in plain English
        env = {**os.environ, "CSC_DEMAND_HOME": str(tmp_path)}
        busy = subprocess.run([sys.executable, "-m", "csc_demand", "app", "--no-browser", "--port", str(port)],
                              env=env, capture_output=True, text=True, timeout=60)
        assert busy.returncode == 1 and "already in use" in busy.stderr
    # running_app checked that the process and its Streamlit server stopped on SIGTERM
    text = log.read_text()
    assert f"The app is running at {url}" in text and "Traceback" not in text
