"""Run the app's Streamlit server with no outside connection of any kind.

``csc-demand app`` starts ``python -m csc_demand.app.server run APP_FILE --option=value …`` instead of
``python -m streamlit run …``. Streamlit's own options already keep it on 127.0.0.1, with usage statistics
off and the browser address given (``browser.serverAddress``, so it prints one URL and does not look up the
machine's addresses at start-up). But no option stops one more thing: when a page from another web site
makes the browser knock on the app (its WebSocket, with a foreign ``Origin``), Streamlit checks whether
that origin is one of the machine's own addresses by looking them up: a UDP connect to 8.8.8.8 and an HTTP
request to ``checkip.amazonaws.com`` (a DNS query, then a connection). Only turning CORS protection off
(``server.enableCORS=false``) skips that, and that would let any web site talk to the app.

So, before Streamlit starts, this module

- gives Streamlit the answers it would look up: the server listens on 127.0.0.1 only, so that is both the
  "internal" and the "external" address it may allow (a page from another origin is still refused);
- adds an audit hook (:func:`sys.addaudithook`) that refuses any connection, datagram or name look-up for
  a host that is not this computer's loopback address, so that no later change in Streamlit (or in any
  package it loads) can reach the network from the app without failing loudly;
- refuses every request whose ``Host`` is not this computer (:data:`ALLOWED_HOSTS`). A web site can point
  its own name at 127.0.0.1 ("DNS rebinding"); its pages then talk to the app as if they came from the app
  itself (same origin), so the origin checks let them in. Their requests still name that web site as the host,
  and no option of Streamlit's checks it.

Nothing here imports the rest of csc-demand, so the guard is in place before any of it runs.
"""

from __future__ import annotations

import ipaddress
import sys

#: The only address the app's server uses (``csc-demand app`` binds Streamlit to it).
HOST = "127.0.0.1"
_LOCAL_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost", ""})
#: The host names a request to the app may carry in its ``Host`` header (the address the command prints, and
#: ``localhost`` for someone who types that instead).
ALLOWED_HOSTS = frozenset({HOST, "localhost"})
#: Audit events that reach the network, and which argument holds the address or host name.
_NETWORK_EVENTS = {"socket.connect": 1, "socket.sendto": 1, "socket.sendmsg": 1, "socket.getaddrinfo": 0,
                   "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0, "socket.gethostbyaddr": 0,
                   "socket.getnameinfo": 0}


def is_local(target: object) -> bool:
    """True when a socket address or host name stays on this computer: loopback addresses, ``localhost``,
    no host (a local bind) and local (Unix) socket paths."""
    host = target[0] if isinstance(target, tuple) and target else target
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.startswith(("/", "\0")) or host.lower() in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _refuse_outside(event: str, args: tuple) -> None:
    """The audit hook: raise for a network call that would leave this computer."""
    index = _NETWORK_EVENTS.get(event)
    if index is None:
        return
    target = args[index] if len(args) > index else None
    if not is_local(target):
        raise PermissionError(f"csc-demand app: outside network access refused ({event})")


def keep_local() -> None:
    """Make the Streamlit server in this process stay on this computer (see the module's description)."""
    from streamlit import net_util

    net_util._internal_ip = HOST  # noqa: SLF001 (no option sets these; see the module's description)
    net_util._external_ip = HOST  # noqa: SLF001
    sys.addaudithook(_refuse_outside)
    _refuse_other_hosts()


def _refuse_other_hosts() -> None:
    """Put Starlette's ``TrustedHostMiddleware`` (only :data:`ALLOWED_HOSTS`) first in Streamlit's own middleware,
    so that any request (page, file or WebSocket) naming another host is refused before Streamlit sees it."""
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from streamlit.web.server.starlette import starlette_app

    streamlit_middleware = starlette_app.create_streamlit_middleware

    def with_host_check() -> list[Middleware]:
        return [Middleware(TrustedHostMiddleware, allowed_hosts=sorted(ALLOWED_HOSTS)), *streamlit_middleware()]

    starlette_app.create_streamlit_middleware = with_host_check


def main() -> None:
    """``python -m csc_demand.app.server run APP_FILE --option=value …``: Streamlit's own command line."""
    keep_local()
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
