"""Open a bus from a URL, as `ceasefire.store.registry` opens stores: backends register a
scheme, callers name a URL (``CEASEFIRE_BUS``, ``--bus``).

``memory`` (or ``memory://``) is the embedded default: a bus inside the process.
``nats://HOST:PORT`` is NATS JetStream. The NATS client is imported only when a ``nats://``
URL is opened, so the embedded default never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from ceasefire.bus.contract import Bus
from ceasefire.bus.memory import MemoryBus
from ceasefire.domain.errors import UsageError

Opener = Callable[[str, SplitResult], Bus]

#: The bus used when neither ``--bus`` nor ``CEASEFIRE_BUS`` names one.
DEFAULT_BUS = "memory://"

_BACKENDS: dict[str, Opener] = {}


def register_bus(scheme: str, opener: Opener) -> None:
    """Make `open_bus` hand URLs of `scheme` to `opener(url, parsed_url)`."""
    _BACKENDS[scheme] = opener


def bus_schemes() -> list[str]:
    """The URL schemes that can be opened, sorted."""
    return sorted(_BACKENDS)


def bus_url(value: str | None) -> str:
    """The URL a setting names: None is the default, a bare scheme (``memory``) its URL."""
    if not value or not value.strip():
        return DEFAULT_BUS
    value = value.strip()
    return value if "://" in value else f"{value}://"


def open_bus(value: str | None) -> Bus:
    """The bus at a URL; UsageError names the schemes known."""
    url = bus_url(value)
    parsed = urlsplit(url)
    opener = _BACKENDS.get(parsed.scheme)
    if opener is None:
        raise UsageError(
            f"no bus backend for {parsed.scheme!r} in {url!r}; known: {', '.join(bus_schemes())}"
        )
    return opener(url, parsed)


def _open_memory(url: str, parsed: SplitResult) -> Bus:
    if parsed.netloc or parsed.path or parsed.query or parsed.fragment:
        raise UsageError(f"{url!r}: the memory bus takes no host, path or options: memory://")
    return MemoryBus(url)


def _open_nats(url: str, parsed: SplitResult) -> Bus:
    from ceasefire.bus.jetstream import NatsBus, nats_server_url

    return NatsBus(url, nats_server_url(url, parsed))


register_bus("memory", _open_memory)
register_bus("nats", _open_nats)
