"""Map a bulletin's weapon model to the taxonomy, using the weapons catalogue as data.

The catalogue (`weapons_catalog.csv`) says what each model is; this module only decides how
the catalogue's words map to our categories. Compound models ("X-101/X-555 and Kalibr") are
classified from their parts when the catalogue lacks them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ceasefire.domain import Category, WeaponClass
from ceasefire.safe_files import InputKind, read_text


@dataclass(frozen=True, slots=True)
class WeaponKind:
    category: Category
    weapon_class: WeaponClass


UNKNOWN_KIND = WeaponKind(Category.OTHER, WeaponClass.UNKNOWN)

# Severity order for a compound whose parts differ: the more destructive class names the row.
_CLASS_ORDER = [
    WeaponClass.BALLISTIC_MISSILE,
    WeaponClass.CRUISE_MISSILE,
    WeaponClass.SURFACE_TO_AIR_MISSILE,
    WeaponClass.GUIDED_BOMB,
    WeaponClass.ATTACK_DRONE,
    WeaponClass.LOITERING_MUNITION,
    WeaponClass.UNIDENTIFIED_DRONE,
    WeaponClass.RECONNAISSANCE_DRONE,
    WeaponClass.UNKNOWN,
]


def classify_catalog_entry(category: str, kind: str) -> WeaponKind | None:
    """Catalogue words -> taxonomy; None when the entry itself does not say enough."""
    category, kind = category.strip().lower(), kind.strip().lower()
    if category == "uav":
        if "reconnaissance" in kind and "armed" not in kind:
            return WeaponKind(Category.RECONNAISSANCE_DRONE, WeaponClass.RECONNAISSANCE_DRONE)
        if "one-way attack" in kind:
            return WeaponKind(Category.ONE_WAY_ATTACK_DRONE, WeaponClass.ATTACK_DRONE)
        if "loitering munition" in kind:
            return WeaponKind(Category.TACTICAL_DRONE, WeaponClass.LOITERING_MUNITION)
        if "armed" in kind:
            return WeaponKind(Category.AIR_STRIKE, WeaponClass.ATTACK_DRONE)
        return None
    if "ballistic" in category and "surface-to-air" not in category:
        return WeaponKind(Category.LONG_RANGE_MISSILE, WeaponClass.BALLISTIC_MISSILE)
    if "cruise" in category:
        return WeaponKind(Category.LONG_RANGE_MISSILE, WeaponClass.CRUISE_MISSILE)
    if "surface-to-air" in category:
        return WeaponKind(Category.LONG_RANGE_MISSILE, WeaponClass.SURFACE_TO_AIR_MISSILE)
    if "bomb" in category:
        return WeaponKind(Category.AIR_STRIKE, WeaponClass.GUIDED_BOMB)
    return None


def _combine(kinds: Iterable[WeaponKind]) -> WeaponKind:
    ordered = sorted(kinds, key=lambda k: _CLASS_ORDER.index(k.weapon_class))
    return ordered[0] if ordered else UNKNOWN_KIND


@dataclass(frozen=True, slots=True)
class WeaponCatalog:
    """Model name -> kind, with compound names resolved from their parts."""

    entries: Mapping[str, WeaponKind]

    def classify(self, model: str) -> WeaponKind | None:
        """The kind of `model`, or None if neither it nor all its parts are known."""
        name = model.strip()
        if name in self.entries:
            return self.entries[name]
        parts = [p.strip() for p in name.split(" and ")]
        if len(parts) > 1 and all(p in self.entries for p in parts):
            return _combine(self.entries[p] for p in parts)
        if "/" in name and name not in self.entries:
            alternatives = [p.strip() for p in name.split("/")]
            if all(a in self.entries for a in alternatives):
                return _combine(self.entries[a] for a in alternatives)
        return None


def load_catalog(*paths: Path) -> WeaponCatalog:
    """Read one or more catalogue CSVs (model, category, type, ...); later files add entries.

    Entries whose own words say too little (an empty `type` for a compound) are resolved from
    their parts after all files are read.
    """
    raw: dict[str, tuple[str, str]] = {}
    for path in paths:
        text = read_text(path, InputKind.SOURCE)
        for row in csv.DictReader(io.StringIO(text, newline="")):
            raw[row["model"].strip()] = (row.get("category") or "", row.get("type") or "")
    entries: dict[str, WeaponKind] = {}
    for model, (category, kind) in raw.items():
        resolved = classify_catalog_entry(category, kind)
        if resolved is not None:
            entries[model] = resolved
    catalog = WeaponCatalog(entries)
    for model in raw:
        if model not in entries and (from_parts := catalog.classify(model)) is not None:
            entries[model] = from_parts
    for model, (category, _kind) in raw.items():
        if model not in entries and category.strip().lower() == "uav":
            entries[model] = WeaponKind(Category.UNIDENTIFIED_DRONE, WeaponClass.UNIDENTIFIED_DRONE)
    return WeaponCatalog(entries)
