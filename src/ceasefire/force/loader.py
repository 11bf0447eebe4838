"""Load the force files (registry, mandates, commitments) from YAML: the I/O edge of
`ceasefire.force`.

All-or-nothing, as the agreement loader: every problem is collected, each naming its file,
its path inside the document (``units[3].nation``) and the reason, and the caller gets either
a whole validated value or a `ForceDataError` listing them all. Geometry files named by a
mandate are relative to the mandates file, so the folder can be moved as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from ceasefire.agreement.loader import SpecT, read_spec
from ceasefire.domain.errors import InvalidInputError, Problem
from ceasefire.force.commitments import (
    Commitment,
    CommitmentError,
    StatusChange,
    advance,
)
from ceasefire.force.force import Force
from ceasefire.force.mandate import AreaClause, Caps, Mandate
from ceasefire.force.model import (
    Authority,
    Command,
    Nation,
    Period,
    Relationship,
    Station,
    Unit,
)
from ceasefire.force.registry import Registry
from ceasefire.force.schema import (
    AreaSpec,
    CommitmentsSpec,
    MandateSpec,
    MandatesSpec,
    RegistrySpec,
)
from ceasefire.geo.lines import band_along
from ceasefire.geo.projection import LocalProjection
from ceasefire.ingest.deepstate import TerritoryFileError, read_geometry, read_polygons

#: How far a line may be simplified before a band is drawn along it, as a share of the band's
#: width; the band grows by as much, so it never misses a place within the distance and
#: reaches at most 2 % further (1 km for 50 km). Buffering the bundled front exactly by 50 km
#: takes 0.7 s (GEOS on 1,253 vertices); simplified, 0.05 s.
BAND_TOLERANCE = 0.02


class ForceDataError(InvalidInputError):
    """A force file did not load; `problems` lists every reason (exit 4, HTTP 422)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        sources = sorted({p.source for p in problems})
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        super().__init__(f"force data {', '.join(sources)} did not load ({count})", problems)


def _read(path: Path, model: type[SpecT]) -> SpecT:
    """The file validated into `model`, or ForceDataError with every problem of its form."""
    spec, problems = read_spec(path, model)
    if spec is None:
        raise ForceDataError(problems)
    return spec


def _duplicates(file: str, section: str, ids: Iterable[str], field: str = "id") -> list[Problem]:
    first: dict[str, int] = {}
    out: list[Problem] = []
    for k, key in enumerate(ids):
        if key in first:
            reason = f"{key!r} is given twice (first at {section}[{first[key]}])"
            out.append(Problem(file, reason, pointer=f"{section}[{k}].{field}"))
        else:
            first[key] = k
    return out


def _registry_problems(spec: RegistrySpec, file: str) -> list[Problem]:
    nations = {n.code for n in spec.nations}
    commands = {c.id: c for c in spec.commands}
    units = {u.id: u for u in spec.units}
    out = _duplicates(file, "nations", (n.code for n in spec.nations), "code")
    out += _duplicates(file, "commands", (c.id for c in spec.commands))
    out += _duplicates(file, "units", (u.id for u in spec.units))
    out += _duplicates(file, "relationships", (r.id for r in spec.relationships))
    clash = set(commands) & set(units)
    out += [
        Problem(file, f"{i!r} is both a command and a unit", pointer="units") for i in sorted(clash)
    ]
    for k, c in enumerate(spec.commands):
        if c.nation is not None and c.nation not in nations:
            out.append(
                Problem(file, f"unknown nation {c.nation!r}", pointer=f"commands[{k}].nation")
            )
    tracks: dict[str, str] = {}
    for k, u in enumerate(spec.units):
        if u.nation not in nations:
            out.append(Problem(file, f"unknown nation {u.nation!r}", pointer=f"units[{k}].nation"))
        for track in u.tracks:
            other = tracks.setdefault(track.lower(), u.id)
            if other != u.id:
                reason = f"track {track!r} is already unit {other!r}'s"
                out.append(Problem(file, reason, pointer=f"units[{k}].tracks"))
    for k, r in enumerate(spec.relationships):
        where = f"relationships[{k}]"
        superior = commands.get(r.superior)
        if superior is None:
            out.append(
                Problem(file, f"unknown command {r.superior!r}", pointer=f"{where}.superior")
            )
        if r.subordinate not in commands and r.subordinate not in units:
            reason = f"unknown unit or command {r.subordinate!r}"
            out.append(Problem(file, reason, pointer=f"{where}.subordinate"))
        if r.authority is Authority.NATIONAL_COMMAND and superior is not None:
            unit = units.get(r.subordinate)
            if unit is None or superior.nation != unit.nation:
                nation = unit.nation if unit else "?"
                reason = (
                    f"national command of {r.subordinate!r} must stay with its nation"
                    f" ({nation}); {r.superior!r} is of {superior.nation or 'no nation'}"
                )
                out.append(Problem(file, reason, pointer=f"{where}.superior"))
    return out + _overlap_problems(spec, file) + _cycle_problems(spec, file)


def _overlap_problems(spec: RegistrySpec, file: str) -> list[Problem]:
    """Two relationships of one authority over one subordinate at once would make "who
    answers" ambiguous: refused, naming both."""
    out: list[Problem] = []
    rels = spec.relationships
    for k, a in enumerate(rels):
        for b in rels[:k]:
            if a.subordinate != b.subordinate or a.authority is not b.authority:
                continue
            if Period(b.start, b.end).meets(Period(a.start, a.end)):
                reason = (
                    f"{a.authority.value} over {a.subordinate!r} overlaps relationship"
                    f" {b.id!r} in time; end one where the other starts"
                )
                out.append(Problem(file, reason, pointer=f"relationships[{k}]"))
    return out


def _cycle_problems(spec: RegistrySpec, file: str) -> list[Problem]:
    """Command-to-command OPCON/TACON must form a tree (checked over all time: a chain that
    is a tree at every instant but a cycle over the years is refused too; split the file)."""
    up: dict[str, set[str]] = {}
    for r in spec.relationships:
        if r.authority is not Authority.NATIONAL_COMMAND:
            up.setdefault(r.subordinate, set()).add(r.superior)
    out: list[Problem] = []
    for k, c in enumerate(spec.commands):
        seen: set[str] = set()
        frontier = set(up.get(c.id, ()))
        while frontier:
            if c.id in frontier:
                reason = f"command {c.id!r} is above itself through its superiors"
                out.append(Problem(file, reason, pointer=f"commands[{k}]"))
                break
            seen |= frontier
            frontier = {s for f in frontier for s in up.get(f, ())} - seen
    return out


def _build_registry(spec: RegistrySpec) -> Registry:
    return Registry(
        id=spec.id,
        title=spec.title,
        nations={n.code: Nation(n.code, n.name) for n in spec.nations},
        commands={c.id: Command(c.id, c.name, c.kind, c.nation) for c in spec.commands},
        units={
            u.id: Unit(
                u.id,
                u.name,
                u.kind,
                u.nation,
                u.personnel,
                tuple(u.tracks),
                tuple(Station(s.lat, s.lon, Period(s.start, s.end), s.name) for s in u.stations),
            )
            for u in spec.units
        },
        relationships=tuple(
            Relationship(r.id, r.authority, r.superior, r.subordinate, Period(r.start, r.end))
            for r in spec.relationships
        ),
    )


def load_registry(path: Path | str) -> Registry:
    """The registry file, validated; ForceDataError lists every problem."""
    path = Path(path)
    spec, problems = read_spec(path, RegistrySpec)
    if spec is not None:
        problems += _registry_problems(spec, str(path))
    if spec is None or problems:
        raise ForceDataError(problems)
    return _build_registry(spec)


def _area(spec: AreaSpec, base: Path) -> BaseGeometry:
    """The WGS84 geometry of one area (TerritoryFileError or ValueError on a bad one)."""
    if spec.polygon is not None:
        poly = shapely.Polygon(spec.polygon)
        if not poly.is_valid or poly.area == 0.0:
            raise ValueError(f"polygon is not a simple area: {shapely.is_valid_reason(poly)}")
        return poly
    if spec.geometry is not None:
        return read_polygons(base / spec.geometry)
    line = read_geometry(base / (spec.line or ""), ("LineString", "MultiLineString"))
    projection = LocalProjection.centred_on(line)
    distance = spec.distance_m or 0.0
    return band_along(line, distance, projection, tolerance_m=distance * BAND_TOLERANCE)


def _areas(
    specs: Sequence[AreaSpec], section: str, base: Path, file: str, where: str
) -> tuple[tuple[AreaClause, ...], list[Problem]]:
    clauses: list[AreaClause] = []
    problems: list[Problem] = []
    for k, spec in enumerate(specs):
        clause = f"area.{section}[{k}]"
        try:
            clauses.append(AreaClause(clause, spec.name, _area(spec, base)))
        except (TerritoryFileError, ValueError) as exc:
            problems.append(Problem(file, str(exc), pointer=f"{where}.{clause}"))
    return tuple(clauses), problems


def _mandate(
    spec: MandateSpec, k: int, base: Path, file: str, nations: set[str]
) -> tuple[Mandate | None, list[Problem]]:
    where = f"mandates[{k}]"
    problems = [
        Problem(file, f"unknown nation {n!r} (not in the registry)", pointer=f"{where}.binds")
        for n in (spec.binds if spec.binds != "all" else [])
        if n not in nations
    ]
    within, p1 = _areas(spec.area.within, "within", base, file, where)
    excluded, p2 = _areas(spec.area.excluded, "excluded", base, file, where)
    problems += p1 + p2
    if problems:
        return None, problems
    mandate = Mandate(
        id=spec.id,
        title=spec.title,
        issuer=spec.issuer.kind,
        issuer_name=spec.issuer.name,
        binds=None if spec.binds == "all" else frozenset(spec.binds),
        tasks=None if spec.tasks == "any" else frozenset(spec.tasks),
        within=within,
        excluded=excluded,
        caps=Caps(spec.caps.personnel, spec.caps.assets, dict(spec.caps.kinds)),
        period=Period(spec.valid.start, spec.valid.end),
        conditions=tuple(spec.conditions),
        sources=tuple(spec.sources),
    )
    return mandate, []


def load_mandates(path: Path | str, registry: Registry) -> dict[str, Mandate]:
    """The mandates file, validated against the registry's nations."""
    path = Path(path)
    file = str(path)
    spec = _read(path, MandatesSpec)
    problems = _duplicates(file, "mandates", (m.id for m in spec.mandates))
    mandates: dict[str, Mandate] = {}
    for k, m in enumerate(spec.mandates):
        mandate, found = _mandate(m, k, path.parent, file, set(registry.nations))
        problems += found
        if mandate is not None:
            mandates.setdefault(mandate.id, mandate)
    if problems:
        raise ForceDataError(problems)
    return mandates


def load_force(registry: Path | str, mandates: Path | str) -> Force:
    """Registry and mandates together: a mandate may only bind nations of the registry."""
    reg = load_registry(registry)
    return Force(reg, load_mandates(mandates, reg))


def load_commitments(path: Path | str) -> list[Commitment]:
    """The commitments file; each history must start with a pledge and only move forward."""
    path = Path(path)
    file = str(path)
    spec = _read(path, CommitmentsSpec)
    problems = _duplicates(file, "commitments", (c.id for c in spec.commitments))
    out: list[Commitment] = []
    for k, c in enumerate(spec.commitments):
        first, *rest = c.history
        if first.status.value != "pledged":
            reason = f"history starts with {first.status.value}; it must start with pledged"
            problems.append(Problem(file, reason, pointer=f"commitments[{k}].history[0]"))
            continue
        commitment = Commitment(
            c.id,
            c.nation,
            c.category,
            c.item,
            c.value_eur,
            (StatusChange(first.status, first.day, first.source),),
        )
        for j, step in enumerate(rest, start=1):
            try:
                commitment = advance(commitment, step.status, step.day, step.source)
            except CommitmentError as exc:
                problems.append(Problem(file, str(exc), pointer=f"commitments[{k}].history[{j}]"))
                break
        out.append(commitment)
    if problems:
        raise ForceDataError(problems)
    return out
