"""``csc-demand app``: start the local web app in the browser (Streamlit, on this machine only).

The app runs as a child process (``python -m csc_demand.app.server run`` on the packaged app file: Streamlit's
own command line, with no outside connection of any kind), bound to 127.0.0.1, with usage statistics off and
no file watcher. This command waits until the app answers, opens the browser
(unless ``--no-browser``) and keeps running until the user presses Ctrl+C, when it stops the app.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

from csc_demand.app import MAX_UPLOAD_MB
from csc_demand.errors import CscDemandError

#: The port tried first when none is given (Streamlit's usual port).
DEFAULT_PORT = 8501
#: How long to wait for the app to answer before giving up, in seconds.
START_TIMEOUT_SECONDS = 60.0
HOST = "127.0.0.1"


def app_file() -> Path:
    """The Streamlit script that is the app (inside the installed package)."""
    return Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py"


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when nothing is listening on ``host:port`` and we may bind it.

    Connections an app just stopped closed linger for about a minute (TIME_WAIT); like the app's own server,
    the check lets them be (``SO_REUSEADDR``, which on Linux and macOS still refuses a port being listened
    on), so the app can restart on the same port at once. Windows binds as the server does without it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let a second server take a busy port
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None) -> int:
    """The port to use: the one asked for (which must be free), else the first free one from 8501."""
    if requested is not None:
        if not 1024 <= requested <= 65535:
            raise CscDemandError(f"Port {requested} cannot be used: choose a number from 1024 to 65535.")
        if not port_is_free(requested):
            raise CscDemandError(f"Port {requested} is already in use on this computer (perhaps the app is "
                                 f"already running: look for it at http://{HOST}:{requested}). Close it, or "
                                 "choose another port with --port.")
        return requested
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 50):
        if port_is_free(port):
            return port
    raise CscDemandError(f"No free port between {DEFAULT_PORT} and {DEFAULT_PORT + 49}: choose one with --port.")


def streamlit_command(port: int) -> list[str]:
    """The command line that starts the app's Streamlit server on ``127.0.0.1:port``.

    Streamlit's command line, run through :mod:`csc_demand.app.server`, which stops the one outside look-up
    no option can (the machine's addresses, when a page from another origin knocks) and refuses any other.
    ``browser.serverAddress`` stops the look-up Streamlit makes at start-up to print the app's addresses."""
    options = {
        "server.address": HOST,
        "server.port": str(port),
        "server.headless": "true",          # we open the browser ourselves, once the app answers
        "browser.serverAddress": HOST,
        "browser.gatherUsageStats": "false",
        "global.developmentMode": "false",
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "server.maxUploadSize": str(MAX_UPLOAD_MB),
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "type",  # never show a traceback (it could hold a value from the data)
        "theme.base": "light",
        "theme.primaryColor": "#1d70b8",    # a blue with 5:1 contrast on white
        # near-black text (the HTML report's): Streamlit draws captions in the text colour at 60% opacity,
        # which from its default grey is 3.8:1 on the sidebar (axe colour-contrast); from this, over 4.5:1
        "theme.textColor": "#0b0c0c",
    }
    return [sys.executable, "-m", "csc_demand.app.server", "run", str(app_file()),
            *[f"--{k}={v}" for k, v in options.items()]]


def wait_until_ready(port: int, proc: subprocess.Popen, timeout_seconds: float = START_TIMEOUT_SECONDS) -> None:
    """Poll the app's health endpoint until it answers ``ok``; raise if the process dies or time runs out."""
    url = f"http://{HOST}:{port}/_stcore/health"
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise CscDemandError(f"The app stopped while starting (exit status {proc.returncode}). "
                                 "See the messages above.")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 (local URL only)
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise CscDemandError(f"The app did not start within {timeout_seconds:.0f} seconds. Try again, or choose "
                         "another port with --port.")


def stop(proc: subprocess.Popen, timeout_seconds: float = 10.0) -> None:
    """Stop the app process: politely first, then firmly."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_seconds)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``app`` sub-command."""
    p = subparsers.add_parser(
        "app", help="open the app in your web browser (runs on this computer only)",
        description="Start the csc-demand app on this computer (address 127.0.0.1 only: nothing is sent "
                    "anywhere) and open it in your web browser. Press Ctrl+C here to stop it.")
    p.add_argument("--port", type=int, default=None,
                   help=f"port number for the app (default: {DEFAULT_PORT}, or the next free one)")
    p.add_argument("--no-browser", action="store_true", help="start the app without opening a browser")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the app, open the browser, wait for Ctrl+C; returns the exit status."""
    if importlib.util.find_spec("streamlit") is None or importlib.util.find_spec("plotly") is None:
        raise CscDemandError("The app needs the optional packages Streamlit and Plotly. Install them with: "
                             "python -m pip install \"csc-demand[app]\"")
    port = choose_port(args.port)
    url = f"http://{HOST}:{port}"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    print(f"Starting the csc-demand app at {url} …", file=sys.stderr)
    proc = subprocess.Popen(streamlit_command(port), env=env, stdout=subprocess.DEVNULL)
    # Being told to stop (SIGTERM) stops the app too, as Ctrl+C does.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        wait_until_ready(port, proc)
        print(f"The app is running at {url} (on this computer only). Press Ctrl+C to stop it.", file=sys.stderr)
        if not args.no_browser:
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        print("Stopping the app.", file=sys.stderr)
        return 0
    finally:
        stop(proc)
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
