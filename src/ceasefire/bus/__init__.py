"""The message bus: observations published per source and sector, workers that store them.

`open_bus(url)` opens ``memory://`` (in-process, the embedded default) or ``nats://HOST:PORT``
(NATS JetStream); see docs/bus.md for the subjects, the message ids and why the effects are
exactly-once over at-least-once delivery.
"""

from ceasefire.bus.contract import (
    Bus,
    BusUnavailableError,
    Consumer,
    Delivery,
    Outgoing,
    PublishAck,
    StreamSpec,
)
from ceasefire.bus.registry import DEFAULT_BUS, bus_schemes, bus_url, open_bus, register_bus

__all__ = [
    "DEFAULT_BUS",
    "Bus",
    "BusUnavailableError",
    "Consumer",
    "Delivery",
    "Outgoing",
    "PublishAck",
    "StreamSpec",
    "bus_schemes",
    "bus_url",
    "open_bus",
    "register_bus",
]
