"""Attribution: which side an act came from, by methods a party can check, and when to say
`undetermined` instead.

Three methods, each giving a side with a confidence and a reason, or abstaining with a reason:

- ``territory``: the impact point against the occupied-territory map of the incident's day. A
  strike lands on the other side's ground: on Ukrainian-held territory it came from Russia's
  forces, on occupied territory or deep in Russia from Ukraine's. Near the line of contact
  both sides fire, shells land short, the map lags the front by a day or more and the grey
  zone belongs to nobody, so within `FRONT_BAND_M` (plus the point's own uncertainty) of the
  line the answer is `undetermined`, whatever the other methods say; likewise in Russia
  within `geo.borders.CONTESTED_BAND_M` of the border, where Ukrainian forces held
  ground in 2024-25.
- ``launch_area``: the bulletins name where a night's launches came from; when every named
  place lies in Russia or occupied territory, the launches were Russia's.
- ``source``: a report that names the perpetrator.

The methods must agree: if one says RU and another UA (or two sources disagree), the answer is
`undetermined` and both reasons are kept. Agreeing methods raise the confidence
(`combine`). docs/verification.md states every rule with its numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ceasefire.domain import Attribution, Incident, Observation, Side
from ceasefire.geo.borders import CONTESTED_BAND_M
from ceasefire.verify.launch_places import LaunchGround, place_launch_text
from ceasefire.verify.moments import refused
from ceasefire.verify.territory import Ground, TerritoryMap, map_day

#: D: within this distance of the line of contact (plus the location's uncertainty) the
#: territory cannot tell who fired. 20 km covers the reach of mortars, tube artillery
#: firing at front positions and FPV drones (10-20 km), the grey zone and a day or two of
#: front movement that the map may lag; beyond it, fire that lands on one side's ground is
#: long-range fire from the other side.
FRONT_BAND_M = 20_000.0

#: Territory confidence: `TERRITORY_BASE` just beyond the band, rising linearly by
#: `TERRITORY_GAIN` over `TERRITORY_SATURATION_M` further, then flat.
TERRITORY_BASE = 0.6
TERRITORY_GAIN = 0.3
TERRITORY_SATURATION_M = 100_000.0
#: A bulletin's launch area covers the night's whole attack, which this incident probably,
#: not certainly, belongs to (it is linked, not fused).
LAUNCH_AREA_CONFIDENCE = 0.7
#: A report naming the perpetrator is a claim, often by a party, not a measurement.
SOURCE_CONFIDENCE = 0.5
#: No combination of these methods is proof; the cap leaves room for that.
MAX_CONFIDENCE = 0.95

#: The key under which bulletin rows keep their launch areas (`Observation.extras`).
LAUNCH_PLACE_KEY = "launch_place"


@dataclass(frozen=True, slots=True)
class LaunchEvidence:
    """Where a bulletin row says launches came from, as the row gives it."""

    observation_id: str
    place: str
    """The ``launch_place`` text, e.g. ``"Primorsko-Akhtarsk and Chauda, Crimea"``."""


def launch_evidence(observations: Iterable[Observation]) -> list[LaunchEvidence]:
    """The launch areas the given (bulletin) observations name; rows without one are skipped."""
    found = []
    for observation in observations:
        text = observation.extras.get(LAUNCH_PLACE_KEY)
        if isinstance(text, str) and text.strip():
            found.append(LaunchEvidence(observation.id, text.strip()))
    return found


@dataclass(frozen=True, slots=True)
class _Verdict:
    method: str
    side: Side
    confidence: float
    reason: str


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A method's answer: a verdict, or a reason it abstained; `blocks` (a short why) forces
    the answer `undetermined` whatever the other methods say."""

    verdict: _Verdict | None
    reason: str
    blocks: str = ""


def combine(confidences: Sequence[float]) -> float:
    """Agreeing methods as independent witnesses: 1 - prod(1 - c), capped at MAX_CONFIDENCE."""
    doubt = 1.0
    for c in confidences:
        doubt *= 1.0 - c
    return min(MAX_CONFIDENCE, 1.0 - doubt)


def territory_confidence(excess_m: float) -> float:
    """How sure the territory makes us, `excess_m` beyond the band (0 at its edge)."""
    rise = min(1.0, max(0.0, excess_m) / TERRITORY_SATURATION_M)
    return TERRITORY_BASE + TERRITORY_GAIN * rise


def _km(metres: float) -> str:
    return f"{metres / 1000:.1f} km"


def _by_territory(incident: Incident, territory: TerritoryMap | None) -> _Outcome:
    day = map_day(incident.interval)
    location = incident.location
    if territory is None:
        return _Outcome(None, f"territory: no occupied-territory map for {day}")
    if territory.valid_on != day:
        source = f"incident/{incident.id}"
        reason = f"the map given shows {territory.valid_on}, but the incident's day is {day}"
        raise refused(source, reason)
    if location.lat is None or location.lon is None:
        return _Outcome(None, f"territory: no point to place, only the region {location.region!r}")
    on_map = f"on the map of {day} ({territory.source})"
    uncertainty = location.uncertainty_m
    placed = territory.place(location.lat, location.lon)
    if placed.ground in (Ground.UKRAINE, Ground.OCCUPIED):
        reach = FRONT_BAND_M + uncertainty
        distance = f"{_km(placed.to_line_m)} from the line of contact"
        if placed.to_line_m <= reach:
            return _Outcome(
                None,
                f"territory: {placed.ground} {on_map}, {distance}: within {_km(reach)} "
                f"({_km(FRONT_BAND_M)} + {_km(uncertainty)} location uncertainty) of the line, "
                "where both sides fire",
                blocks=f"within {_km(reach)} of the line of contact, where both sides fire",
            )
        side = Side.RU if placed.ground is Ground.UKRAINE else Side.UA
        reason = (
            f"territory: impact on {placed.ground} {on_map}, {distance} (beyond "
            f"{_km(reach)}): fire from the other side, {side}"
        )
        return _Outcome(
            _Verdict("territory", side, territory_confidence(placed.to_line_m - reach), reason),
            reason,
        )
    if placed.ground is Ground.RUSSIA:
        reach = CONTESTED_BAND_M + uncertainty
        beyond = f"in Russia, {_km(placed.beyond_border_m)} beyond Ukraine's border"
        if placed.beyond_border_m < reach:
            return _Outcome(
                None,
                f"territory: {beyond}: within {_km(reach)} of the border, where both sides "
                "fought",
                blocks=f"in Russia within {_km(reach)} of the border, where both sides fought",
            )
        reason = f"territory: impact {beyond}: fire from Ukraine, UA"
        confidence = territory_confidence(placed.beyond_border_m - reach)
        return _Outcome(_Verdict("territory", Side.UA, confidence, reason), reason)
    return _Outcome(None, f"territory: the point lies {placed.ground}; the map cannot tell")


def _by_launch_areas(launch_areas: Sequence[LaunchEvidence]) -> _Outcome | None:
    if not launch_areas:
        return None
    names: list[str] = []
    for evidence in launch_areas:
        placed = place_launch_text(evidence.place)
        if not placed:
            continue
        for name in placed:
            if name.ground is LaunchGround.UNPLACED:
                return _Outcome(
                    None,
                    f"launch_area: {evidence.observation_id} names {name.name!r}: {name.reason}",
                )
            names.append(f"{name.name} ({name.ground})")
    if not names:
        return None
    ids = ", ".join(e.observation_id for e in launch_areas)
    reason = (
        f"launch_area: every launch area the bulletins name ({'; '.join(names)}, in {ids}) "
        "lies in Russia or occupied territory: RU"
    )
    return _Outcome(_Verdict("launch_area", Side.RU, LAUNCH_AREA_CONFIDENCE, reason), reason)


def _by_sources(reported_sides: Sequence[Side]) -> _Outcome | None:
    stated = sorted({s for s in reported_sides if s is not Side.UNKNOWN})
    if not stated:
        return None
    if len(stated) > 1:
        said = " and ".join(str(s) for s in stated)
        why = f"the sources disagree ({said})"
        return _Outcome(None, f"source: {why}", blocks=why)
    side = stated[0]
    reason = f"source: the reports name {side} as the perpetrator"
    return _Outcome(_Verdict("source", side, SOURCE_CONFIDENCE, reason), reason)


def attribute(
    incident: Incident,
    territory: TerritoryMap | None,
    launch_areas: Sequence[LaunchEvidence],
    reported_sides: Sequence[Side],
) -> Attribution:
    """The incident's attribution with every method's reasoning.

    `territory` must be the map of the incident's day (`map_day`), or None when there is
    none; `launch_areas` the bulletin rows supporting the incident; `reported_sides` the
    perpetrators its reports name (`Side.UNKNOWN` for a report that names none).
    """
    outcomes = [_by_territory(incident, territory)]
    outcomes.extend(
        o for o in (_by_launch_areas(launch_areas), _by_sources(reported_sides)) if o is not None
    )
    reasons = tuple(o.reason for o in outcomes)
    verdicts = [o.verdict for o in outcomes if o.verdict is not None]
    blockers = [o.blocks for o in outcomes if o.blocks]
    if blockers:
        return Attribution(reasons=(*reasons, "undetermined: " + "; ".join(blockers)))
    sides = {v.side for v in verdicts}
    if len(sides) > 1:
        said = "; ".join(f"{v.method} says {v.side}" for v in verdicts)
        return Attribution(reasons=(*reasons, f"undetermined: the methods contradict ({said})"))
    if not verdicts:
        return Attribution(reasons=(*reasons, "undetermined: no method could decide"))
    side = verdicts[0].side
    confidence = combine([v.confidence for v in verdicts])
    method = "+".join(v.method for v in verdicts)
    conclusion = f"{side} by {method}, confidence {confidence:.2f}"
    return Attribution(side, round(confidence, 3), method, (*reasons, conclusion))

