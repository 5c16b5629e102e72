"""csc_demand.app.server: the guard that keeps the app's Streamlit server on this computer."""

from __future__ import annotations

import subprocess
import sys

import pytest
from apphelp import need_app_packages

from csc_demand.app.server import is_local


@pytest.mark.parametrize("target,local", [
    (("127.0.0.1", 8501), True), (("::1", 8501, 0, 0), True), (("::ffff:127.0.0.1", 1), True), ("localhost", True),
    (None, True), ("/tmp/app.sock", True), (b"localhost", True), (("127.5.6.7", 80), True),
    (("8.8.8.8", 1), False), ("checkip.amazonaws.com", False), (("192.168.1.10", 80), False), ("", True),
    (("fe80::1%eth0", 80, 0, 2), False), ("my-laptop", False),
])
def test_what_counts_as_this_computer(target, local):
    assert is_local(target) is local


def test_the_guard_refuses_outside_connections_and_look_ups_in_a_real_process():
    need_app_packages()
    code = """
import socket
from csc_demand.app.server import keep_local
from streamlit import net_util
keep_local()
assert net_util.get_internal_ip() == net_util.get_external_ip() == "127.0.0.1"  # nothing looked up
server = socket.create_server(("127.0.0.1", 0))
socket.create_connection(server.getsockname(), timeout=5).close()  # this computer: allowed
for call in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
             lambda: socket.getaddrinfo("checkip.amazonaws.com", 80),
             lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("8.8.8.8", 1))):
    try:
        call()
    except PermissionError as exc:
        assert "outside network access refused" in str(exc)
    else:
        raise SystemExit("an outside call was allowed")
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
