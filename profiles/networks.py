"""Which network a request comes from: every per-network limit counts by it (request helpers, not writes).

django-axes reads `client_network` through AXES_CLIENT_IP_CALLABLE; the failed sign-in ration and the sign-up
limit key their counters with `network_hour_key`.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def network_of(client: str) -> str:
    """An IPv4 address is its own network; an IPv6 client can pick any address of its /64, so the /64 is."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client  # not an address ("unknown"): all such requests share one count
    return str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else client


def client_network(request: HttpRequest) -> str | None:
    """The network (`network_of`) of the request's client: every per-network limit counts by it (django-axes through
    AXES_CLIENT_IP_CALLABLE, the failed sign-in ration, the sign-up limit), so moving within one IPv6 /64 does not
    escape them. The client is REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies what the farthest appended to
    X-Forwarded-For (`_forwarded_client`)."""
    address = _forwarded_client(request) or request.META.get("REMOTE_ADDR")
    return network_of(address) if address else None


def _forwarded_client(request: HttpRequest) -> str | None:
    """The N-th X-Forwarded-For entry from the right (N = TRUSTED_PROXY_COUNT): each trusted proxy appends the address
    it was reached from, so that entry is the client as the farthest one saw it. Anything to its left came from the
    client and is never read. None (use REMOTE_ADDR) without trusted proxies, or with fewer entries or no address
    where the client should be: a proxy that did not append cannot be trusted for the rest."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return None
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < proxies:
        return None
    entry = entries[-proxies].strip()
    # Some proxies append the port as well: "203.0.113.7:51234", "[2001:db8::1]:443".
    if entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(entry))
    except ValueError:
        return None


def network_hour_key(counter: str, network: str) -> str:
    """The cache key of `counter` for the network of the client address `network`."""
    return f"{counter}:{network_of(network)}"
