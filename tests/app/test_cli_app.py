"""`csc-demand app`: the port check, the Streamlit options (local only, no telemetry), start and stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest
from apphelp import free_port, healthy, is_local, need_app_packages, running_app

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
    assert cmd[:4] == [sys.executable, "-m", "csc_demand.app.server", "run"]  # Streamlit's, kept local
    assert cmd[4] == str(app_cmd.app_file()) and app_cmd.app_file().is_file()
    opts = set(cmd[5:])
    for opt in ("--server.address=127.0.0.1", "--server.port=8599", "--server.headless=true",
                "--browser.gatherUsageStats=false", "--global.developmentMode=false",
                "--server.fileWatcherType=none", f"--server.maxUploadSize={MAX_UPLOAD_MB}",
                "--client.showErrorDetails=type"):
        assert opt in opts


def test_the_theme_text_is_dark_enough_for_captions():
    """Captions are the text colour at 60% opacity: from Streamlit's default grey they failed axe's
    colour-contrast rule (3.8:1 on the sidebar); near-black text keeps them over 4.5:1."""
    opts = set(app_cmd.streamlit_command(8599)[5:])
    assert "--theme.base=light" in opts and "--theme.textColor=#0b0c0c" in opts


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


# Installed in every Python process of the app (the command and the Streamlit server it starts), through
# PYTHONPATH: an audit hook that records every outgoing socket call and name look-up. No extra tool needed.
_AUDIT = '''
import json, os, sys

_LOG = os.environ.get("CSC_DEMAND_NETWORK_LOG")
_EVENTS = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1, "socket.getaddrinfo": 0,
           "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0, "socket.gethostbyaddr": 0}


def _record(event, args):
    if _LOG and event in _EVENTS:
        target = args[_EVENTS[event]]
        host = target[0] if isinstance(target, tuple) else target
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"pid": os.getpid(), "event": event, "host": None if host is None else str(host)})
                     + "\\n")


if _LOG:
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"pid": os.getpid(), "event": "start", "argv": sys.orig_argv}) + "\\n")
    sys.addaudithook(_record)
'''


def _knock_from_another_origin(port: int) -> list[bytes]:
    """What a page on another web site can make a browser send to the app: a page request and the app's
    WebSocket, both with a foreign Origin; then, from a web site that has pointed its own name at this computer
    (DNS rebinding), a page request and the WebSocket whose Host and Origin are that site's (the same origin to
    the browser); then a page request naming ``localhost``. Returns the status lines."""
    origin = "http://evil.example.com"
    rebound = f"rebound.example.com:{port}"
    websocket = ("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n")
    requests = [
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n",
        f"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n\r\n",
        f"GET /_stcore/stream HTTP/1.1\r\nHost: rebound.example.com:{port}\r\nOrigin: {origin}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n",
        f"GET / HTTP/1.1\r\nHost: {rebound}\r\nConnection: close\r\n\r\n",
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {rebound}\r\nOrigin: http://{rebound}\r\n{websocket}",
        f"GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n",
    ]
    status = []
    for request in requests:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(request.encode())
            status.append(s.recv(4096).split(b"\r\n", 1)[0])
    return status


def test_the_app_makes_no_outside_connection_of_any_kind(tmp_path):
    # Streamlit looks up the machine's addresses (a UDP connect to 8.8.8.8, an HTTP request to an address
    # service) when it starts and when a page from another origin knocks: none of that may happen.
    need_app_packages()
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_AUDIT)
    record = tmp_path / "network.jsonl"
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])),
           "CSC_DEMAND_NETWORK_LOG": str(record)}
    with running_app(tmp_path, tmp_path / "app.log", env=env) as url:
        port = int(url.rsplit(":", 1)[1])
        status = _knock_from_another_origin(port)
        assert status[0].startswith(b"HTTP/1.1 200")
        assert not status[1].startswith(b"HTTP/1.1 101") and not status[2].startswith(b"HTTP/1.1 101")
        # a rebound name is refused outright, the page and the WebSocket alike; localhost is this computer
        assert status[3].startswith(b"HTTP/1.1 400") and status[4].startswith(b"HTTP/1.1 400"), status
        assert status[5].startswith(b"HTTP/1.1 200"), status
        time.sleep(1)
    calls = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    started = [" ".join(c["argv"]) for c in calls if c["event"] == "start"]
    assert any("streamlit_app.py" in a for a in started), "the Streamlit server was traced"
    assert any(c["event"] == "socket.connect" for c in calls), "the command's health checks were seen"
    outside = [c for c in calls if c.get("host") is not None and not c["host"].startswith("/")
               and not is_local(c["host"])]
    assert outside == [], outside


def test_the_app_restarts_on_the_same_port_at_once(tmp_path):
    need_app_packages()
    port = free_port()
    with running_app(tmp_path, tmp_path / "first.log", port=port) as url:
        assert healthy(port)
    # the connections the first app closed linger (TIME_WAIT) for a minute: they must not block the port
    assert app_cmd.port_is_free(port)
    with running_app(tmp_path, tmp_path / "second.log", port=port) as again:
        assert again == url and healthy(port)
