"""Load an agreement YAML file (plus its GeoJSON geometry) into a validated `Agreement`.

All-or-nothing: every problem found is collected into one `AgreementError`, one `Problem`
(file, path, reason) each, and the caller never receives a half-built agreement. Each geometry
file is read on its own, so three broken files give three problems, not the first one.
Geometry paths are relative to the YAML file, so an agreement folder can be moved as a whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ValidationError
from shapely.geometry.base import BaseGeometry

from ceasefire.agreement.errors import AgreementError
from ceasefire.agreement.schema import (
    AgreementSpec,
    BufferSpec,
    CorridorSpec,
    GeographySpec,
    LineOfContactSpec,
    NoFlySpec,
    WithdrawalSpec,
)
from ceasefire.domain import Category, TimeInterval, TimePrecision
from ceasefire.domain.agreement import (
    Agreement,
    LineOfContact,
    Party,
    Scope,
    Zone,
    ZoneKind,
)
from ceasefire.domain.errors import Problem
from ceasefire.domain.taxonomy import AERIAL_VEHICLES, HOSTILE_ACTS, LONG_RANGE_STRIKES
from ceasefire.geo.lines import band_along, derive_line_of_contact
from ceasefire.geo.projection import LocalProjection
from ceasefire.ingest.deepstate import TerritoryFileError, read_geometry, read_territory
from ceasefire.safe_files import InputFileError, InputKind, load_yaml

SpecT = TypeVar("SpecT", bound=BaseModel)

_SHORTHANDS = {
    "all_hostilities": HOSTILE_ACTS,
    "long_range_strikes": LONG_RANGE_STRIKES,
    "aerial_vehicles": AERIAL_VEHICLES,
}


def expand_categories(names: Iterable[str]) -> frozenset[Category]:
    """Category names with the shorthands `all_hostilities`, `long_range_strikes` and
    `aerial_vehicles` expanded (taxonomy.py says what each holds and why)."""
    result: set[Category] = set()
    for name in names:
        key = str(name)
        result |= _SHORTHANDS[key] if key in _SHORTHANDS else {Category(key)}
    return frozenset(result)


def _pydantic_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not part.startswith(("function-", "literal[", "enum[")) and "[" not in part:
            path += f".{part}" if path else part
    return path


def read_spec(
    path: Path, model: type[SpecT], kind: InputKind = InputKind.AGREEMENT
) -> tuple[SpecT | None, list[Problem]]:
    """A YAML file validated into `model`, or every problem found (file, path, reason).

    Shared by every YAML format that sits beside the agreements (the agreement itself, the
    force registry and its mandates), so they all report bad input the same way."""
    file = str(path)
    try:  # a regular file within the size limit, YAML without alias bombs
        document = load_yaml(path, kind)
    except InputFileError as exc:
        return None, [Problem(file, exc.reason, line=exc.line)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is None:
            return None, [Problem(file, f"not valid YAML: {problem}")]
        reason = f"not valid YAML: {problem} (column {mark.column + 1})"
        return None, [Problem(file, reason, line=mark.line + 1)]
    if not isinstance(document, dict):
        return None, [Problem(file, "expected a mapping at the top level")]
    try:
        return model.model_validate(document), []
    except ValidationError as exc:
        problems = [
            Problem(file, err["msg"], pointer=_pydantic_path(err["loc"]) or None)
            for err in exc.errors()
        ]
        return None, problems


def _parse(path: Path) -> tuple[AgreementSpec | None, list[Problem]]:
    return read_spec(path, AgreementSpec)


def _window(spec: AgreementSpec, file: str) -> tuple[TimeInterval | None, list[Problem]]:
    try:
        zone = ZoneInfo(spec.window.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        reason = f"unknown time zone {spec.window.timezone!r}"
        return None, [Problem(file, reason, pointer="window.timezone")]
    start = spec.window.start.replace(tzinfo=zone).astimezone(UTC)
    end = spec.window.end.replace(tzinfo=zone).astimezone(UTC)
    return TimeInterval(start, end, TimePrecision.MINUTE), []


def _read_geometry(base: Path, relative: str, file: str, where: str) -> BaseGeometry:
    """The geometry in `relative`, or an AgreementError naming where the agreement points to it.

    The builders below let that error escape; `_geography` catches it per zone, so one broken
    file costs one zone, and every broken file is reported.
    """
    try:
        return read_geometry(base / relative)
    except TerritoryFileError as exc:
        raise AgreementError([Problem(file, str(exc), pointer=where)]) from None


@dataclass(frozen=True)
class _Front:
    """The line of contact and the areas that zones along it are cut from."""

    line: LineOfContact
    country: BaseGeometry
    projection: LocalProjection


def _front(spec: LineOfContactSpec, base: Path, file: str) -> _Front:
    where = "geography.line_of_contact"
    problems: list[Problem] = []
    try:
        snapshot = read_territory(base / spec.occupied_territory)
    except TerritoryFileError as exc:
        problems.append(Problem(file, str(exc), pointer=f"{where}.occupied_territory"))
    try:
        country = _read_geometry(base, spec.country_outline, file, f"{where}.country_outline")
    except AgreementError as exc:
        problems.extend(exc.problems)
    if problems:
        raise AgreementError(problems)
    valid_on = spec.valid_on or snapshot.valid_on
    if valid_on is None:
        reason = "no date in the file name; give valid_on"
        raise AgreementError([Problem(file, reason, pointer=f"{where}.valid_on")])
    projection = LocalProjection.centred_on(country)
    front = derive_line_of_contact(snapshot.geometry, country, projection, spec.border_tolerance_m)
    line = LineOfContact(
        valid_on, front, snapshot.geometry, spec.occupied_side, spec.occupied_territory
    )
    return _Front(line, country, projection)


def _buffer_zone(buffer: BufferSpec, front: _Front) -> Zone:
    occupied = front.line.occupied
    side_area = (
        occupied if buffer.side == front.line.occupied_side else front.country.difference(occupied)
    )
    return Zone(
        id=buffer.id,
        kind=ZoneKind.BUFFER,
        geometry=band_along(front.line.line, buffer.width_m, front.projection, within=side_area),
        prohibited_categories=expand_categories(buffer.prohibited),
        exempt=frozenset(buffer.exempt),
        description=f"{buffer.width_m / 1000:g} km buffer on the {buffer.side} side",
    )


def _withdrawal_zone(withdrawal: WithdrawalSpec, front: _Front) -> Zone:
    return Zone(
        id=withdrawal.id,
        kind=ZoneKind.WITHDRAWAL,
        geometry=band_along(front.line.line, withdrawal.distance_m, front.projection),
        # By weapon class only: a heavy weapon of another (or no named) class is not this
        # clause's business, or only possibly (assess.clauses.zone_applies).
        prohibited_categories=frozenset(),
        weapon_classes=frozenset(withdrawal.weapon_classes),
        description=(
            f"{', '.join(withdrawal.weapon_classes)} withdrawn "
            f"{withdrawal.distance_m / 1000:g} km from the line"
        ),
    )


def _no_fly_zone(nfz: NoFlySpec, front: _Front | None, base: Path, file: str, index: int) -> Zone:
    if nfz.distance_m is not None and front is not None:
        area = band_along(front.line.line, nfz.distance_m, front.projection)
        described = f"within {nfz.distance_m / 1000:g} km of the line"
    else:
        relative = nfz.geometry or ""
        area = _read_geometry(base, relative, file, f"geography.no_fly[{index}].geometry")
        described = f"area in {relative}"
    return Zone(
        id=nfz.id,
        kind=ZoneKind.NO_FLY,
        geometry=area,
        prohibited_categories=expand_categories(nfz.prohibited),
        lower_m=nfz.lower_m,
        upper_m=nfz.upper_m,
        exempt=frozenset(nfz.exempt),
        description=(
            f"no {', '.join(nfz.prohibited)} {described}, {nfz.lower_m:g}-{nfz.upper_m:g} m"
        ),
    )


def _corridor_zone(corridor: CorridorSpec, base: Path, file: str, index: int) -> Zone:
    where = f"geography.maritime_corridors[{index}].geometry"
    shape = _read_geometry(base, corridor.geometry, file, where)
    if corridor.width_m is not None:
        shape = band_along(shape, corridor.width_m / 2, LocalProjection.centred_on(shape))
    return Zone(
        id=corridor.id,
        kind=ZoneKind.MARITIME_CORRIDOR,
        geometry=shape,
        prohibited_categories=expand_categories(corridor.prohibited),
        exempt=frozenset(corridor.exempt),
        description="maritime corridor for merchant shipping",
    )


def _geography(
    geography: GeographySpec, base: Path, file: str
) -> tuple[LineOfContact | None, tuple[Zone, ...], list[Problem]]:
    """Build the line and every zone, collecting the problems of each instead of stopping.

    The schema has already checked that zones drawn along the line have one; if the line
    itself failed, those zones are skipped (their only problem is the line's, reported once).
    """
    problems: list[Problem] = []
    front: _Front | None = None
    if geography.line_of_contact is not None:
        try:
            front = _front(geography.line_of_contact, base, file)
        except AgreementError as exc:
            problems.extend(exc.problems)
    zones: list[Zone] = []
    if front is not None:
        zones += [_buffer_zone(b, front) for b in geography.buffers]
        zones += [_withdrawal_zone(w, front) for w in geography.withdrawal]
    builders: list[Callable[[], Zone]] = [
        functools.partial(_no_fly_zone, n, front, base, file, i)
        for i, n in enumerate(geography.no_fly)
        if n.distance_m is None or front is not None
    ]
    builders += [
        functools.partial(_corridor_zone, c, base, file, i)
        for i, c in enumerate(geography.maritime_corridors)
    ]
    for build in builders:
        try:
            zones.append(build())
        except AgreementError as exc:
            problems.extend(exc.problems)
    return (front.line if front else None), tuple(zones), problems


def load_agreement(path: Path | str) -> Agreement:
    """Load and validate; raise AgreementError listing every problem found."""
    path = Path(path)
    file = str(path)
    spec, problems = _parse(path)
    if spec is None:
        raise AgreementError(problems)
    window, window_problems = _window(spec, file)
    line, zones, geography_problems = _geography(spec.geography, path.parent, file)
    problems += window_problems + geography_problems
    if problems or window is None:
        raise AgreementError(problems)
    return Agreement(
        id=spec.id,
        title=spec.title,
        status=spec.status,
        parties=tuple(Party(p.id, p.name) for p in spec.parties),
        window=window,
        timezone=spec.window.timezone,
        scope=Scope(
            prohibited_categories=expand_categories(spec.scope.prohibited),
            target_classes=frozenset(spec.scope.targets) if spec.scope.targets else None,
        ),
        line_of_contact=line,
        zones=zones,
        sources=tuple(_describe_source(s.title, s.url) for s in spec.sources),
        notes=spec.notes.strip(),
        bound=frozenset(spec.bound) if spec.bound is not None else None,
    )


def _describe_source(title: str, url: str | None) -> str:
    return f"{title} <{url}>" if url else title
