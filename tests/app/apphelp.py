"""Helpers shared by the app tests (kept out of conftest.py so test modules can import them by name)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _missing(*modules: str) -> str | None:
    import importlib.util

    for m in modules:
        if importlib.util.find_spec(m) is None:
            return m
    return None


def need_app_packages() -> None:
    """Skip the calling test module unless Streamlit and Plotly are installed."""
    m = _missing("streamlit", "plotly")
    if m:
        pytest.skip(f"the app tests need the '{m}' package (pip install -e '.[app]')", allow_module_level=True)


def need_browser() -> None:
    """Skip the calling test module unless Playwright and Debian's chromium are installed."""
    need_app_packages()
    if _missing("playwright"):
        pytest.skip("the browser tests need the 'playwright' package (pip install -e '.[browser]')",
                    allow_module_level=True)
    if not CHROMIUM.exists():
        pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
                    allow_module_level=True)


def is_local(host: str) -> bool:
    """True for this computer's own addresses (loopback) and local socket paths."""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_app(home: Path, log: Path, timeout_seconds: float = 60.0, *, port: int | None = None,
                env: dict[str, str] | None = None) -> Iterator[str]:
    """`csc-demand app --no-browser --port N` as a real process with CSC_DEMAND_HOME=home; yields its URL
    once the app answers and the command has told the user where it is running.

    ``port`` (default: a free one) and ``env`` (extra environment variables) are passed on. On leaving, the
    process is sent SIGTERM (as an operating system would) and must stop, with its Streamlit server, within
    20 seconds.
    """
    port = port or free_port()
    env = {**os.environ, **(env or {}), "CSC_DEMAND_HOME": str(home)}
    env.pop("CSC_DEMAND_KEY_FILE", None)
    exe = shutil.which("csc-demand", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "csc_demand"]
    with log.open("w") as out:
        proc = subprocess.Popen([*cmd, "app", "--no-browser", "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_seconds
        # ready when the command itself says so (it polls the same health endpoint on its own clock)
        while not (healthy(port) and "The app is running at" in log.read_text()):
            if proc.poll() is not None:
                raise RuntimeError(f"csc-demand app exited ({proc.returncode}): {log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"csc-demand app did not answer within {timeout_seconds:.0f} s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
            raise RuntimeError("csc-demand app did not stop within 20 s of SIGTERM") from None
    if healthy(port):
        raise RuntimeError("the app's Streamlit server was still running after csc-demand app stopped")


# --- the app server's own connections (Linux /proc) ----------------------------------------------------------

def _address(hex_address: str) -> tuple[str, int]:
    ip_hex, port_hex = hex_address.split(":")
    raw = bytes.fromhex(ip_hex)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:
        ip = socket.inet_ntop(socket.AF_INET6, b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4)))
    return ip, int(port_hex, 16)


def tcp_sockets() -> list[tuple[tuple[str, int], tuple[str, int], str, str]] | None:
    """(local, remote, state, inode) of every TCP socket on this machine, or None where /proc is missing."""
    rows = []
    found = False
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        found = True
        for line in lines:
            f = line.split()
            rows.append((_address(f[1]), _address(f[2]), f[3], f[9]))
    return rows if found else None


def _socket_inodes(pid: int) -> set[str]:
    out = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(link[8:-1])
    except OSError:
        pass
    return out


def listening_pid(port: int) -> int | None:
    """The process listening on TCP ``port`` (Linux), or None."""
    table = tcp_sockets() or []
    inodes = {inode for local, _r, state, inode in table if local[1] == port and state == "0A"}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _socket_inodes(int(entry)) & inodes:
            return int(entry)
    return None


def remote_peers(pid: int) -> list[str]:
    """The remote addresses of the process's TCP connections (listening sockets left out)."""
    mine = _socket_inodes(pid)
    return [remote[0] for _l, remote, state, inode in (tcp_sockets() or []) if inode in mine and state != "0A"]


def loopback(ip: str) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses."""
    addr = ipaddress.ip_address(ip)
    mapped = getattr(addr, "ipv4_mapped", None)
    return addr.is_loopback or bool(mapped and mapped.is_loopback)


# --- Streamlit AppTest sessions (tests/app/test_flows.py and the other page tests) ----------------------------

#: Seconds an AppTest run may take (a forecast on a small LA included).
APP_TIMEOUT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def go_to(app, name: str):
    """Choose a page in the sidebar and run the app."""
    app.sidebar.radio(key="page").set_value(name).run()
    return app


def upload(app, *paths: Path):
    """Upload workbooks on the data page and read them."""
    files = [(p.name, p.read_bytes(), XLSX) for p in paths]
    app.file_uploader(key="uploads").set_value(files[0] if len(files) == 1 else files)
    app.button(key="read_files").click().run()
    return app


def markdown_text(app) -> str:
    """All the page's markdown, one block a line."""
    return "\n".join(m.value for m in app.markdown)

