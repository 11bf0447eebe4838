"""Classify free-text incident descriptions by keywords.

Geocoded incident datasets describe what happened in prose. Keyword rules are crude but
transparent: the observation records that it was classified this way, and the rule that fired,
so a reviewer can overrule it. The rules and the counts behind them are in docs/assessment.md
("Point 4", "Point 6").
"""

from __future__ import annotations

import re

from ceasefire.domain import Category, TargetClass, WeaponClass

# A named weapon tells its class; whether the report is of its use or of its presence is told
# by the other words (below). Each rule: pattern, class, the category of its use, and the
# category when the words say neither. First match wins: heavier systems before lighter ones.
_WEAPON_RULES: tuple[tuple[str, WeaponClass, Category, Category], ...] = (
    (
        # Minsk II's 140 km class: Smerch, Uragan, Tornado-S; other MLRS of 220 mm and more.
        r"\bsmerch|\bbm-30\b|\b9m55|\buragan|\bbm-27\b|\b9m27|\btornado(?!-g)|\bhimars\b"
        r"|\bm142\b|\bm270\b",
        WeaponClass.HEAVY_MLRS_OR_TACTICAL_MISSILE,
        Category.ARTILLERY_SHELLING,
        Category.ARTILLERY_SHELLING,
    ),
    (
        # ... and the tactical missile systems: Tochka(-U), Iskander.
        r"\btochka|\btocha\b|\botr-21|\b9m79|\bss-21\b|\biskander|\biskender|\b9k720",
        WeaponClass.HEAVY_MLRS_OR_TACTICAL_MISSILE,
        Category.LONG_RANGE_MISSILE,
        Category.LONG_RANGE_MISSILE,
    ),
    (
        r"\btos-1|\bsolntsepek|\bburatino|\bgrad\b|\bbm-21\b|\btornado-g|\bmlrs\b|\bmrls?\b"
        r"|\bmultiple[- ]launch rocket|\bmultiple rocket|\brocket launch(?:er|ing)? system",
        WeaponClass.MLRS,
        Category.ARTILLERY_SHELLING,
        Category.ARTILLERY_SHELLING,
    ),
    (r"\bmortar", WeaponClass.MORTAR, Category.ARTILLERY_SHELLING, Category.ARTILLERY_SHELLING),
    (
        r"\bmsta\b|\bmsta-s|\b2s19|\b2s3\b|\bakatsiya|\b2s1\b|\bgvozdika|\b2s5\b|\bgiatsint"
        r"|\bhyacinth|\b2a36|\b2s7\b|\bpion\b|\bmalka\b|\b2s4\b|\btyulpan|\bd-30\b|\bd-20\b"
        r"|\b2a65|\bm777|\bcaesar\b|\bkrab\b|\bhowitzer|\b(?:1\d\d|2\d\d) ?mm\b",
        WeaponClass.ARTILLERY_100MM_PLUS,
        Category.ARTILLERY_SHELLING,
        Category.ARTILLERY_SHELLING,
    ),
    (
        r"\bt-(?:6\d|7\d|8\d|90)|\btanks?\b",
        WeaponClass.TANK,
        Category.ARTILLERY_SHELLING,
        Category.HEAVY_WEAPON_PRESENT,
    ),
)

# Words that make a report about a weapon's presence (a sighting) or about its use (an act).
_PRESENCE = (
    r"\bspotted|\bon the move|\bmoving|\bmovement|\btransport|\btrain\b|\bconvoy|\bcolumn"
    r"|\bdeployed|\bparked|\bstationed|\bsighted|\bexercise|\btraining ground|\bloaded"
)
_USE = (
    r"\bshell|\bstrike|\bstruck|\bfir(?:e|ed|es|ing)\b|\blaunch(?:ed|es)\b|\bbarrage"
    r"|\battack|\bhits?\b|\bhitting|\bimpact|\bexplo|\bkill|\binjur|\bdamag|\bstuck"
    r"|\bembedded|\bremnant|\bfragment|\bdebris|\bcargo section|\blanding|\bdowning|\btarget"
    r"|\b9m\d"
)

# First match wins; more specific weapons before generic words. The named weapons above are
# tried after the drones and before the generic words.
_DRONE_RULES: tuple[tuple[str, Category, WeaponClass], ...] = (
    (r"\bshahed|\bgeran", Category.ONE_WAY_ATTACK_DRONE, WeaponClass.ATTACK_DRONE),
    (r"\bfpv\b|\blancet\b|\bloitering", Category.TACTICAL_DRONE, WeaponClass.LOITERING_MUNITION),
    (
        r"\breconnaissance (?:drone|uav)|\brecon drone|\borlan\b|\borlan-|\bzala\b|\bsupercam"
        r"|\bforpost|\beleron",
        Category.RECONNAISSANCE_DRONE,
        WeaponClass.RECONNAISSANCE_DRONE,
    ),
    (r"\bdrone|\buav\b", Category.UNIDENTIFIED_DRONE, WeaponClass.UNIDENTIFIED_DRONE),
)
_GENERIC_RULES: tuple[tuple[str, Category, WeaponClass], ...] = (
    (
        r"\bmissile|\bkalibr|\bkinzhal|\bballistic|\bcruise\b|\bs-300\b|\bs-400\b",
        Category.LONG_RANGE_MISSILE,
        WeaponClass.UNKNOWN,
    ),
    (
        r"\bkab\b|\bkabs\b|\bglide bomb|\bguided bomb|\baerial bomb|\bair ?strike|\bfab-",
        Category.AIR_STRIKE,
        WeaponClass.GUIDED_BOMB,
    ),
    (
        # A crewed military aircraft reported flying (or downed, so it flew).
        r"\bhelicopter|\bka-52|\bmi-(?:8|24|28|35)\b|\bsu-(?:24|25|27|30|34|35)\b"
        r"|\bfighter jet|\bmilitary aircraft|\bcombat aircraft|\bwarplane",
        Category.MILITARY_FLIGHT,
        WeaponClass.AIRCRAFT,
    ),
    (r"\bshell|\bartillery", Category.ARTILLERY_SHELLING, WeaponClass.UNKNOWN),
    (r"\bgunfire|\bsmall arms|\bshot\b|\bsniper", Category.SMALL_ARMS, WeaponClass.SMALL_ARMS),
    (
        # Equipment seen without a weapon named: its class is unknown, never guessed.
        r"\bmilitary equipment|\bheavy weapon|(?<!civilian )(?<!humanitarian )\bconvoy"
        r"|\barmou?red vehicle",
        Category.HEAVY_WEAPON_PRESENT,
        WeaponClass.UNKNOWN,
    ),
    (
        r"\bstrike|\bexplosion|\battack|\bhit\b|\bbomb",
        Category.STRIKE_UNSPECIFIED,
        WeaponClass.UNKNOWN,
    ),
)

# What was hit. An energy facility named decides; a damaged power line, an outage or a
# blackout is what shelling leaves behind and says nothing of the target, so it makes the
# target unknown even beside civilian words; a civilian place decides unless the text only
# says the strike was near it. Filling stations are civilian retail, not energy.
_ENERGY_FACILITY = (
    r"\benergy (?:infrastructure|facilit|object|site)|\bpower (?:plant|station|grid|facilit)"
    r"|\bsubstation|\bthermal power|\bchp\b|\btpp\b|\bhpp\b|\bhydroelectric|\bnuclear power"
    r"|\bnpp\b|\brefinery|\boil depot|\bfuel depot|\boil storage|\bgas (?:infrastructure"
    r"|facilit|pipeline|compressor|distribution|pumping|production|processing|storage)"
    r"|\bpipeline|\bboiler|\bheating plant|\btransformer"
)
_ENERGY_COLLATERAL = (
    r"\bpower (?:line|cable|supply|outage|cut)|\bpowerline|\boutage|\bblackout|\belectric"
    r"|\bwithout (?:power|light)"
)
_CIVILIAN = (
    r"\bresidential|\bapartment|\bhouse|\bhigh-rise|\bhospital|\bmedical|\bclinic|\bschool"
    r"|\bkindergarten|\bchurch|\bcultur(?:e|al)|\bcivilian|\bshop|\bmarket|\bsupermarket|\bhypermarket"
    r"|\bmall\b|\bcommercial|\boffice|\bcity cent(?:er|re)|\bcourtyard|\bfirefighter"
    r"|\bfire station|\bbus\b|\bcar\b|\bhotel|\buniversity|\bplayground"
    r"|\b(?:petrol|fuel|gas|filling) station"
)
_MILITARY = r"\bmilitary (?:base|target|object)|\bairfield|\bammunition depot"
# "near the hypermarket", "next to a school": the place is where it happened, not what was hit.
_NEAR = re.compile(
    r"\b(?:near|nearby|next to|not far from|close to|vicinity of)\s+(?:\S+\s+){0,3}$",
    re.IGNORECASE,
)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_COMPILED_DRONES = [(_compile(p), c, w) for p, c, w in _DRONE_RULES]
_COMPILED_WEAPONS = [(_compile(p), w, u, d) for p, w, u, d in _WEAPON_RULES]
_COMPILED_GENERIC = [(_compile(p), c, w) for p, c, w in _GENERIC_RULES]
_PRESENCE_RE, _USE_RE = _compile(_PRESENCE), _compile(_USE)
_ENERGY_RE, _COLLATERAL_RE = _compile(_ENERGY_FACILITY), _compile(_ENERGY_COLLATERAL)
_CIVILIAN_RE, _MILITARY_RE = _compile(_CIVILIAN), _compile(_MILITARY)


def classify_text(text: str) -> tuple[Category, WeaponClass, str]:
    """Category, weapon class and the keyword that decided; OTHER when nothing matches.

    A named heavy weapon gives its class; the report is of its presence when it says the
    weapon was seen or moved, of its use when it says it fired or struck, and otherwise of
    the act the weapon is for (a tank: its presence).
    """
    for pattern, category, weapon_class in _COMPILED_DRONES:
        if m := pattern.search(text):
            return category, weapon_class, m.group(0)
    for pattern, weapon_class, use, neither in _COMPILED_WEAPONS:
        if m := pattern.search(text):
            if _PRESENCE_RE.search(text):
                return Category.HEAVY_WEAPON_PRESENT, weapon_class, m.group(0)
            return (use if _USE_RE.search(text) else neither), weapon_class, m.group(0)
    for pattern, category, weapon_class in _COMPILED_GENERIC:
        if m := pattern.search(text):
            return category, weapon_class, m.group(0)
    return Category.OTHER, WeaponClass.UNKNOWN, ""


def _stated_civilian(text: str) -> str:
    """The first civilian place the text says was hit, not merely near; '' if none."""
    for m in _CIVILIAN_RE.finditer(text):
        if not _NEAR.search(text[max(0, m.start() - 60) : m.start()]):
            return m.group(0)
    return ""


def classify_target(text: str) -> tuple[TargetClass, str]:
    """What was hit, by keywords; UNKNOWN when the text does not say (or cannot decide)."""
    if m := _ENERGY_RE.search(text):
        return TargetClass.ENERGY, m.group(0)
    if m := _COLLATERAL_RE.search(text):
        return TargetClass.UNKNOWN, m.group(0)
    if civilian := _stated_civilian(text):
        return TargetClass.CIVILIAN, civilian
    if m := _MILITARY_RE.search(text):
        return TargetClass.MILITARY, m.group(0)
    return TargetClass.UNKNOWN, ""
