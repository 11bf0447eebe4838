"""Where the Air Force bulletins say launches came from, placed as Russia, occupied territory,
or nowhere we can vouch for.

The bulletins' ``launch_place`` column names places, not coordinates ("Primorsko-Akhtarsk and
Chauda, Crimea and Kursk oblast"), so placing them is a lookup in a short gazetteer of every
name the bundled bulletins use. A name that is not in it, a direction ("south-east"), a sea,
another country, or an oblast only partly occupied (the bulletin does not say which part) is
left unplaced, with the reason, and an unplaced name stops the launch-area method from
deciding: it decides only when *every* named place lies in Russia or occupied territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class LaunchGround(StrEnum):
    RUSSIA = "Russia"
    OCCUPIED = "occupied territory"
    UNPLACED = "unplaced"


_RUSSIA = frozenset(
    {
        # oblasts and krais
        "astrakhan oblast", "belgorod oblast", "bryansk oblast", "krasnodar krai",
        "kursk oblast", "lipetsk oblast", "nizhny novgorod oblast", "oryol oblast",
        "rostov oblast", "ryazan oblast", "samara oblast", "saratov oblast", "tambov oblast",
        "tula oblast", "volgograd oblast", "voronezh oblast", "vologda oblast",
        # towns and airfields
        "anapa", "belgorod", "engels-2", "kapustin yar", "millerovo", "morozovsk", "olenegorsk",
        "olenya", "primorsko-akhtarsk", "savasleyka", "seshcha", "shatalovo", "shaykovka",
        "soltsy-2", "taganrog", "volgodonsk", "yeysk",
        # the Russian shore: Primorsko-Akhtarsk and Yeysk lie on it
        "eastern coast of sea of azov",
    }
)
_OCCUPIED = frozenset(
    {
        "crimea", "sevastopol", "hvardiiske", "yalta", "feodosia",
        # occupied towns of Zaporizhzhia oblast
        "berdiansk", "melitopol", "prymorsk", "tokmak",
    }
)
_WHY_NOT: MappingProxyType[str, str] = MappingProxyType(
    {
        **{
            name: "the oblast is only partly occupied and the bulletin does not say which part"
            for name in (
                "donetsk oblast", "kherson oblast", "luhansk oblast", "zaporizhzhia oblast"
            )
        },
        **{
            name: "a sea is no one's territory"
            for name in ("black sea", "caspian sea", "sea of azov")
        },
        **{
            name: "a direction, not a place"
            for name in ("north", "south", "east", "west", "north-east", "north-west",
                         "south-east", "south-west")
        },
        "belarus": "Belarus is neither Russia nor occupied territory",
    }
)


@dataclass(frozen=True, slots=True)
class PlacedName:
    name: str
    ground: LaunchGround
    reason: str = ""
    """Why a name is unplaced."""


def _place_one(name: str) -> PlacedName:
    key = name.strip().lower()
    if key in _RUSSIA:
        return PlacedName(name, LaunchGround.RUSSIA)
    if key in _OCCUPIED:
        return PlacedName(name, LaunchGround.OCCUPIED)
    return PlacedName(name, LaunchGround.UNPLACED, _WHY_NOT.get(key, "not in the gazetteer"))


def _place_part(part: str) -> list[PlacedName]:
    """One ``and``-separated part: a known name, "<town>, Crimea", or a comma list."""
    whole = _place_one(part)
    if whole.ground is not LaunchGround.UNPLACED or "," not in part:
        return [whole]
    pieces = [p.strip() for p in part.split(",") if p.strip()]
    if pieces[-1].lower() == "crimea":  # "Chauda, Crimea": a Crimean town
        return [PlacedName(part, LaunchGround.OCCUPIED)]
    return [_place_one(p) for p in pieces]  # "Bryansk oblast, Seshcha": both named


def place_launch_text(text: str) -> list[PlacedName]:
    """Every place a ``launch_place`` value names, each placed (empty text: none)."""
    parts = [p.strip() for p in text.replace(" And ", " and ").split(" and ")]
    placed: list[PlacedName] = []
    for part in parts:
        cleaned = part.removeprefix("and ").strip()
        if cleaned:
            placed.extend(_place_part(cleaned))
    return placed
