"""Stable, content-derived ids: the same record always gets the same id, on any machine."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def content_id(record: Mapping[str, Any]) -> str:
    """A short hash of a record's canonical JSON, for sources that carry no id of their own.

    Line numbers would not do: the bulletin CSV is newest-first, so every update shifts them.
    """
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def observation_id(source: str, source_record_id: str) -> str:
    return f"{source}:{source_record_id}"
