"""One taxonomy for what was observed, so that every source maps into the same words.

Agreements prohibit categories and weapon classes by these names; a source adapter that
cannot decide picks the least specific member (e.g. `UNIDENTIFIED_DRONE`) rather than guess.
"""

from enum import StrEnum
from types import MappingProxyType


class Category(StrEnum):
    """What kind of act or presence an observation reports."""

    LONG_RANGE_MISSILE = "long_range_missile"
    ONE_WAY_ATTACK_DRONE = "one_way_attack_drone"
    TACTICAL_DRONE = "tactical_drone"
    RECONNAISSANCE_DRONE = "reconnaissance_drone"
    UNIDENTIFIED_DRONE = "unidentified_drone"
    ARTILLERY_SHELLING = "artillery_shelling"
    AIR_STRIKE = "air_strike"
    STRIKE_UNSPECIFIED = "strike_unspecified"
    SMALL_ARMS = "small_arms"
    GROUND_ASSAULT = "ground_assault"
    HEAVY_WEAPON_PRESENT = "heavy_weapon_present"
    MILITARY_FLIGHT = "military_flight"
    MOVEMENT_RESTRICTION = "movement_restriction"
    OTHER = "other"


#: Acts of force: what "all hostilities" prohibits. Presence, flights (reconnaissance drones
#: included: they watch, they do not strike) and movement restrictions are governed by zone
#: clauses instead, because they are lawful outside zones; an agreement that prohibits them
#: everywhere names them itself. A drone of unstated role stays an act of force: the sources
#: list reconnaissance drones apart from it (docs/assessment.md, "Point 3").
HOSTILE_ACTS: frozenset[Category] = frozenset(
    {
        Category.LONG_RANGE_MISSILE,
        Category.ONE_WAY_ATTACK_DRONE,
        Category.TACTICAL_DRONE,
        Category.UNIDENTIFIED_DRONE,
        Category.ARTILLERY_SHELLING,
        Category.AIR_STRIKE,
        Category.STRIKE_UNSPECIFIED,
        Category.SMALL_ARMS,
        Category.GROUND_ASSAULT,
    }
)

#: Strikes delivered from afar: what a "long-range strikes" moratorium prohibits.
LONG_RANGE_STRIKES: frozenset[Category] = frozenset(
    {Category.LONG_RANGE_MISSILE, Category.ONE_WAY_ATTACK_DRONE, Category.AIR_STRIKE}
)

#: Whatever flies under its own power and is reported as flying: what a no-fly clause
#: prohibits (shorthand `aerial_vehicles`). Crewed aircraft and drones of every role; not
#: missiles or bombs, whose point of impact says nothing about where the aircraft or launcher
#: that released them was.
AERIAL_VEHICLES: frozenset[Category] = frozenset(
    {
        Category.MILITARY_FLIGHT,
        Category.RECONNAISSANCE_DRONE,
        Category.UNIDENTIFIED_DRONE,
        Category.ONE_WAY_ATTACK_DRONE,
        Category.TACTICAL_DRONE,
    }
)


class WeaponClass(StrEnum):
    """Weapon classes as withdrawal clauses name them (Minsk II template) plus air threats."""

    BALLISTIC_MISSILE = "ballistic_missile"
    CRUISE_MISSILE = "cruise_missile"
    SURFACE_TO_AIR_MISSILE = "surface_to_air_missile"
    GUIDED_BOMB = "guided_bomb"
    ATTACK_DRONE = "attack_drone"
    LOITERING_MUNITION = "loitering_munition"
    RECONNAISSANCE_DRONE = "reconnaissance_drone"
    UNIDENTIFIED_DRONE = "unidentified_drone"
    ARTILLERY_100MM_PLUS = "artillery_100mm_plus"
    ARTILLERY_BELOW_100MM = "artillery_below_100mm"
    MORTAR = "mortar"
    MLRS = "mlrs"
    HEAVY_MLRS_OR_TACTICAL_MISSILE = "heavy_mlrs_or_tactical_missile"
    TANK = "tank"
    SMALL_ARMS = "small_arms"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


#: Ground-based heavy weapons: what a report of shelling, an unspecified strike or a heavy
#: weapon seen may have involved when it names no weapon.
_GROUND_HEAVY_WEAPONS: frozenset[WeaponClass] = frozenset(
    {
        WeaponClass.ARTILLERY_100MM_PLUS,
        WeaponClass.ARTILLERY_BELOW_100MM,
        WeaponClass.MORTAR,
        WeaponClass.MLRS,
        WeaponClass.HEAVY_MLRS_OR_TACTICAL_MISSILE,
        WeaponClass.TANK,
    }
)

#: The weapon classes an observation of this category may be when its source names no
#: weapon: a withdrawal clause on any of them can then only make it a possible violation.
#: Categories not listed (drones, small arms, flights) cannot be a withdrawn heavy weapon.
CLASS_CANDIDATES: MappingProxyType[Category, frozenset[WeaponClass]] = MappingProxyType(
    {
        Category.HEAVY_WEAPON_PRESENT: _GROUND_HEAVY_WEAPONS,
        Category.ARTILLERY_SHELLING: _GROUND_HEAVY_WEAPONS,
        Category.STRIKE_UNSPECIFIED: _GROUND_HEAVY_WEAPONS,
        Category.LONG_RANGE_MISSILE: frozenset({WeaponClass.HEAVY_MLRS_OR_TACTICAL_MISSILE}),
    }
)


class Side(StrEnum):
    """Which party an act is attributed to; UNKNOWN until attribution says otherwise."""

    RU = "RU"
    UA = "UA"
    MISSION = "mission"  # the monitoring mission and the force that secures the agreement
    UNKNOWN = "unknown"


class TargetClass(StrEnum):
    """What was hit, where a source says; scope clauses such as energy moratoria need it."""

    ENERGY = "energy"
    CIVILIAN = "civilian"
    MILITARY = "military"
    UNKNOWN = "unknown"


class ReportKind(StrEnum):
    """What kind of report a row is, which decides what its numbers count.

    A headquarters' nightly report counts what was launched at the whole country; a regional
    air command's tally counts what was shot down in its region and often repeats part of a
    headquarters row; an incident report describes one geolocated event; a coded event is a
    dataset's record of one event. Counting launches across kinds without knowing this counts
    some of them twice.
    """

    LAUNCH_REPORT = "launch_report"
    REGIONAL_TALLY = "regional_tally"
    INCIDENT_REPORT = "incident_report"
    CODED_EVENT = "coded_event"
    UNKNOWN = "unknown"
