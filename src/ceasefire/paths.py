"""Where the bundled data and agreements live: beside `src/` in a checkout, or $CEASEFIRE_HOME."""

from __future__ import annotations

import os
from pathlib import Path


def project_home() -> Path:
    override = os.environ.get("CEASEFIRE_HOME")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return project_home() / "data"


def agreements_dir() -> Path:
    return project_home() / "agreements"


def bundled_sources() -> list[Path]:
    """The real source files the demo and a bare `ceasefire assess` read."""
    data = data_dir()
    return [
        data / "missile_attacks" / "missile_attacks_daily.csv",
        data / "events" / "bellingcat_incidents.json",
        data / "events" / "mauforonda_cir_events.csv",
        data / "events" / "peacerep_UCDP-Ukraine.csv",
    ]


def shipped_agreements() -> list[Path]:
    return sorted(agreements_dir().glob("*.yaml"))


def force_dir() -> Path:
    """The shipped (illustrative) force registry, mandates, commitments and operations."""
    return agreements_dir() / "force"
