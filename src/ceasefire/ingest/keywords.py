"""Classify free-text incident descriptions by keywords.

Geocoded incident datasets describe what happened in prose. Keyword rules are crude but
transparent: the observation records that it was classified this way, and the rule that fired,
so a reviewer can overrule it.
"""

from __future__ import annotations

import re

from ceasefire.domain import Category, TargetClass, WeaponClass

# First match wins; more specific weapons before generic words.
_CATEGORY_RULES: tuple[tuple[str, Category, WeaponClass], ...] = (
    (r"\bshahed|\bgeran", Category.ONE_WAY_ATTACK_DRONE, WeaponClass.ATTACK_DRONE),
    (r"\bfpv\b|\blancet\b|\bloitering", Category.TACTICAL_DRONE, WeaponClass.LOITERING_MUNITION),
    (r"\bdrone|\buav\b", Category.UNIDENTIFIED_DRONE, WeaponClass.UNIDENTIFIED_DRONE),
    (
        r"\bmissile|\biskander|\bkalibr|\bkinzhal|\bballistic|\bcruise\b|\bs-300\b|\bs-400\b",
        Category.LONG_RANGE_MISSILE,
        WeaponClass.UNKNOWN,
    ),
    (
        r"\bkab\b|\bkabs\b|\bglide bomb|\bguided bomb|\baerial bomb|\bair ?strike|\bfab-",
        Category.AIR_STRIKE,
        WeaponClass.GUIDED_BOMB,
    ),
    (
        r"\bmlrs\b|\bgrad\b|\buragan\b|\bsmerch\b|\btornado\b|\bmultiple rocket",
        Category.ARTILLERY_SHELLING,
        WeaponClass.MLRS,
    ),
    (
        r"\bshell|\bartillery|\bhowitzer|\bmortar",
        Category.ARTILLERY_SHELLING,
        WeaponClass.UNKNOWN,
    ),
    (r"\bgunfire|\bsmall arms|\bshot\b|\bsniper", Category.SMALL_ARMS, WeaponClass.SMALL_ARMS),
    (
        r"\btank\b|\btanks\b|\bmilitary equipment|\bconvoy|\barmou?red vehicle",
        Category.HEAVY_WEAPON_PRESENT,
        WeaponClass.UNKNOWN,
    ),
    (
        r"\bstrike|\bexplosion|\battack|\bhit\b|\bbomb",
        Category.STRIKE_UNSPECIFIED,
        WeaponClass.UNKNOWN,
    ),
)

_TARGET_RULES: tuple[tuple[str, TargetClass], ...] = (
    (
        r"\benergy|\bpower (?:plant|station|line|grid|facilit)|\bsubstation|\belectric"
        r"|\bthermal power|\bchp\b|\bgas (?:station|infrastructure|facilit|pipeline)|\boil depot"
        r"|\bboiler|\bheating plant|\bnuclear power|\bhydroelectric|\bpower outage",
        TargetClass.ENERGY,
    ),
    (
        r"\bresidential|\bapartment|\bhouse|\bhospital|\bschool|\bkindergarten|\bchurch"
        r"|\bcivilian|\bshop|\bmarket|\bbus\b|\bcar\b|\bhotel|\buniversity",
        TargetClass.CIVILIAN,
    ),
    (r"\bmilitary (?:base|target|object)|\bairfield|\bammunition depot", TargetClass.MILITARY),
)

_COMPILED_CATEGORIES = [(re.compile(p, re.IGNORECASE), c, w) for p, c, w in _CATEGORY_RULES]
_COMPILED_TARGETS = [(re.compile(p, re.IGNORECASE), t) for p, t in _TARGET_RULES]


def classify_text(text: str) -> tuple[Category, WeaponClass, str]:
    """Category, weapon class and the keyword that decided; OTHER when nothing matches."""
    for pattern, category, weapon_class in _COMPILED_CATEGORIES:
        if m := pattern.search(text):
            return category, weapon_class, m.group(0)
    return Category.OTHER, WeaponClass.UNKNOWN, ""


def classify_target(text: str) -> tuple[TargetClass, str]:
    """What was hit, by keywords; UNKNOWN when the text does not say."""
    for pattern, target in _COMPILED_TARGETS:
        if m := pattern.search(text):
            return target, m.group(0)
    return TargetClass.UNKNOWN, ""
