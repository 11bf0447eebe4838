"""The service's settings: where its data lives and the limits that keep abuse cheap.

Why a frozen value built by one pure function from a mapping: the same settings come from
environment variables (containers), a TOML file (``--config FILE``, an operator's host) or
command-line flags, and every source must be checked the same way, naming the setting and the
source when a value is bad. Precedence, highest first: command-line flags, environment
variables, the TOML file, the defaults below (docs/service.md).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ceasefire.bus.registry import bus_schemes, bus_url
from ceasefire.domain.errors import InvalidInputError, Problem

DEFAULT_DATA_DIR = Path("ceasefire-data")
DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_RATE_PER_MINUTE = 600
DEFAULT_TOKEN_DAYS = 90
DEFAULT_PUBLIC_PRECISION_DEG = 0.1
DEFAULT_ESCALATE_AFTER_MINUTES = 60
DEFAULT_MAX_REPORT_BYTES = 33_554_432
DEFAULT_SWEEP_SECONDS = 30
DEFAULT_IDEMPOTENCY_HOURS = 168
#: The one path whose body is a published document (a PDF with its map and charts) rather
#: than a batch of records, and so gets `max_report_bytes` instead of `max_body_bytes`.
REPORT_UPLOAD_PATH = "/v1/reports"

#: Environment variable for each setting; the TOML file uses the setting's own name as key.
ENVIRONMENT: Mapping[str, str] = {
    "data_dir": "CEASEFIRE_DATA_DIR",
    "store": "CEASEFIRE_STORE",
    "bus": "CEASEFIRE_BUS",
    "max_body_bytes": "CEASEFIRE_MAX_BODY_BYTES",
    "rate_per_minute": "CEASEFIRE_RATE_PER_MINUTE",
    "token_days": "CEASEFIRE_TOKEN_DAYS",
    "public_precision_deg": "CEASEFIRE_PUBLIC_PRECISION_DEG",
    "ledger_origin": "CEASEFIRE_LEDGER_ORIGIN",
    "escalate_after_minutes": "CEASEFIRE_ESCALATE_AFTER_MINUTES",
    "max_report_bytes": "CEASEFIRE_MAX_REPORT_BYTES",
    "sweep_seconds": "CEASEFIRE_SWEEP_SECONDS",
    "idempotency_hours": "CEASEFIRE_IDEMPOTENCY_HOURS",
}


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """Everything the service reads at start; nothing else is configurable at run time."""

    data_dir: Path = DEFAULT_DATA_DIR
    store: str | None = None
    """Store URL; None means ``sqlite:///<data_dir>/ceasefire.db``."""
    bus: str = "memory"
    """Bus URL: ``memory`` (embedded, in-process) or ``nats://HOST:PORT`` (docs/bus.md)."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Largest request body accepted; larger ones are answered 413 before they are read."""
    rate_per_minute: int = DEFAULT_RATE_PER_MINUTE
    """Requests one token (or one anonymous client address) may make per minute."""
    token_days: int = DEFAULT_TOKEN_DAYS
    """Default lifetime of a new token, in days."""
    public_precision_deg: float = DEFAULT_PUBLIC_PRECISION_DEG
    """Grid (degrees) to which the public's incident locations are rounded."""
    ledger_origin: str = "ceasefire.service/ledger"
    """Origin line of the evidence ledger a new data directory is initialised with."""
    escalate_after_minutes: int = DEFAULT_ESCALATE_AFTER_MINUTES
    """How long a hotline notice may wait for its acknowledgment before it escalates."""
    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES
    """Largest report document that may be published (``POST /v1/reports``)."""
    sweep_seconds: int = DEFAULT_SWEEP_SECONDS
    """How often escalations and overdue clocks are recorded without anyone asking; 0 turns
    the sweep off (they are then recorded when the hotline or ``clocks check`` is read)."""
    idempotency_hours: int = DEFAULT_IDEMPOTENCY_HOURS
    """How long an Idempotency-Key and its answer are kept; the sweep forgets older ones."""

    def body_limit(self, path: str) -> int:
        """The largest body a request to `path` may carry."""
        return self.max_report_bytes if path == REPORT_UPLOAD_PATH else self.max_body_bytes

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir / 'ceasefire.db'}"

    @property
    def accounts_path(self) -> Path:
        """Accounts live apart from the evidence store: they are secrets and mutable."""
        return self.data_dir / "accounts.db"

    @property
    def log_key_path(self) -> Path:
        return self.data_dir / "log.key"

    @property
    def idempotency_path(self) -> Path:
        """Idempotency keys and the answers they got: request bookkeeping, not evidence."""
        return self.data_dir / "idempotency.db"

    @property
    def reports_path(self) -> Path:
        """Published documents, one file per SHA-256: the ledger holds only their digests."""
        return self.data_dir / "reports"


def _positive_int(name: str, value: object, source: str) -> int:
    return _whole_number(name, value, source, minimum=1)


def _whole_number(name: str, value: object, source: str, minimum: int) -> int:
    if isinstance(value, bool):
        raise _bad(name, source, f"{value!r} is not a whole number")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise _bad(name, source, f"{value!r} is not a whole number") from None
    if not isinstance(value, int):
        raise _bad(name, source, f"{value!r} is not a whole number")
    if value < minimum:
        raise _bad(name, source, f"{value} must be at least {minimum}")
    return value


def _precision(name: str, value: object, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _bad(name, source, f"{value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise _bad(name, source, f"{value!r} is not a number") from None
    if not (math.isfinite(number) and 0.0 < number <= 10.0):
        raise _bad(name, source, f"{value!r} must be a number of degrees in (0, 10]")
    return number


def _text(name: str, value: object, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(name, source, f"{value!r} must be a non-empty string")
    return value.strip()


def _bus(name: str, value: object, source: str) -> str:
    """A bus URL whose scheme a bus backend registered (checked here, opened where used)."""
    text = _text(name, value, source)
    scheme = bus_url(text).split("://", 1)[0]
    if scheme not in bus_schemes():
        known = ", ".join(bus_schemes())
        raise _bad(name, source, f"{text!r}: no bus for {scheme!r}; known: {known}")
    return text


def _bad(name: str, source: str, reason: str) -> InvalidInputError:
    return InvalidInputError(
        f"configuration setting {name} is invalid",
        [Problem(source=source, field=name, reason=reason)],
    )


def apply_settings(
    base: ServiceConfig, settings: Mapping[str, object], source: str
) -> ServiceConfig:
    """`base` with each of `settings` (by setting name) checked and applied; an unknown name
    is refused, because a misspelt limit silently left at its default is a hole."""
    changes: dict[str, object] = {}
    for name, value in settings.items():
        if name == "data_dir":
            changes[name] = Path(_text(name, value, source))
        elif name in ("store", "ledger_origin"):
            changes[name] = _text(name, value, source)
        elif name == "bus":
            changes[name] = _bus(name, value, source)
        elif name in ("max_body_bytes", "rate_per_minute", "token_days", "escalate_after_minutes",
                      "max_report_bytes", "idempotency_hours"):
            changes[name] = _positive_int(name, value, source)
        elif name == "sweep_seconds":
            changes[name] = _whole_number(name, value, source, minimum=0)
        elif name == "public_precision_deg":
            changes[name] = _precision(name, value, source)
        else:
            known = ", ".join(sorted(ENVIRONMENT))
            raise _bad(name, source, f"unknown setting; known: {known}")
    return replace(base, **changes)  # type: ignore[arg-type]


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The settings given as ``CEASEFIRE_*`` variables, by setting name."""
    return {name: environ[var] for name, var in ENVIRONMENT.items() if var in environ}


def read_toml(path: Path) -> dict[str, object]:
    """The settings in a TOML file: top-level keys, or those of a ``[service]`` table."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError(f"configuration file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"configuration file {path} cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(
            f"configuration file {path} is not valid TOML",
            [Problem(source=str(path), reason=str(exc))],
        ) from None
    table = document.get("service", document)
    if not isinstance(table, dict):
        raise InvalidInputError(
            f"configuration file {path}: [service] must be a table",
            [Problem(source=str(path), field="service", reason="must be a table")],
        )
    return dict(table)


def load_config(
    environ: Mapping[str, str],
    config_file: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> ServiceConfig:
    """Defaults, then the TOML file, then the environment, then explicit overrides."""
    config = ServiceConfig()
    if config_file is not None:
        config = apply_settings(config, read_toml(config_file), str(config_file))
    config = apply_settings(config, from_environment(environ), "environment")
    if overrides:
        config = apply_settings(config, overrides, "command line")
    return config
