"""The agreement file format, as pydantic models (the YAML is parsed into these first).

Documented for users in docs/agreement-format.md; unknown keys are errors so that a typo
("withdrawl") cannot silently drop a clause.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ceasefire.domain import Category, TargetClass, WeaponClass

PositiveMetres = Annotated[float, Field(gt=0, le=2_000_000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartySpec(_Strict):
    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")]
    name: Annotated[str, Field(min_length=1)]


class WindowSpec(_Strict):
    start: datetime
    end: datetime
    timezone: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _naive_local_times(self) -> WindowSpec:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("write start and end as local times without offset; give `timezone`")
        if self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class ScopeSpec(_Strict):
    prohibited: list[Category | Literal["all_hostilities", "long_range_strikes"]] = Field(
        min_length=1
    )
    targets: list[TargetClass] | None = None


class LineOfContactSpec(_Strict):
    occupied_territory: Annotated[str, Field(min_length=1)]
    country_outline: Annotated[str, Field(min_length=1)]
    occupied_side: Annotated[str, Field(min_length=1)]
    valid_on: date | None = None
    border_tolerance_m: PositiveMetres = 3_000.0


class BufferSpec(_Strict):
    id: Annotated[str, Field(min_length=1)]
    side: str
    width_m: PositiveMetres
    prohibited: list[Category | Literal["all_hostilities", "aerial_vehicles"]] = Field(min_length=1)
    exempt: list[str] = Field(default_factory=list)


class WithdrawalSpec(_Strict):
    id: Annotated[str, Field(min_length=1)]
    weapon_classes: list[WeaponClass] = Field(min_length=1)
    distance_m: PositiveMetres


def _every_aerial_vehicle() -> list[Category | Literal["aerial_vehicles"]]:
    return ["aerial_vehicles"]


class NoFlySpec(_Strict):
    id: Annotated[str, Field(min_length=1)]
    distance_m: PositiveMetres | None = None
    geometry: str | None = None
    lower_m: float = 0.0
    upper_m: float = 20_000.0
    exempt: list[str] = Field(default_factory=list)
    # What may not fly there; by default every aerial vehicle (aircraft and drones of any role).
    prohibited: list[Category | Literal["aerial_vehicles"]] = Field(
        default_factory=_every_aerial_vehicle, min_length=1
    )

    @model_validator(mode="after")
    def _one_shape(self) -> NoFlySpec:
        if (self.distance_m is None) == (self.geometry is None):
            raise ValueError("give exactly one of distance_m (from the line) or geometry (a file)")
        if self.upper_m <= self.lower_m:
            raise ValueError(f"upper_m ({self.upper_m}) must exceed lower_m ({self.lower_m})")
        return self


class CorridorSpec(_Strict):
    id: Annotated[str, Field(min_length=1)]
    geometry: Annotated[str, Field(min_length=1)]
    width_m: PositiveMetres | None = None
    prohibited: list[Category | Literal["all_hostilities"]] = Field(min_length=1)
    exempt: list[str] = Field(default_factory=list)


class GeographySpec(_Strict):
    line_of_contact: LineOfContactSpec | None = None
    buffers: list[BufferSpec] = Field(default_factory=list)
    withdrawal: list[WithdrawalSpec] = Field(default_factory=list)
    no_fly: list[NoFlySpec] = Field(default_factory=list)
    maritime_corridors: list[CorridorSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lines_need_a_line(self) -> GeographySpec:
        needs_line = bool(self.buffers or self.withdrawal) or any(
            z.distance_m is not None for z in self.no_fly
        )
        if needs_line and self.line_of_contact is None:
            raise ValueError("buffers, withdrawal and distance-based no-fly need line_of_contact")
        ids = [b.id for b in self.buffers] + [w.id for w in self.withdrawal]
        ids += [n.id for n in self.no_fly] + [c.id for c in self.maritime_corridors]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"zone ids must be unique; repeated: {', '.join(duplicates)}")
        return self


class SourceSpec(_Strict):
    title: Annotated[str, Field(min_length=1)]
    url: str | None = None
    accessed: date | None = None


class AgreementSpec(_Strict):
    format: Literal[1]
    id: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]
    title: Annotated[str, Field(min_length=1)]
    status: Literal["in_force", "proposed", "rejected", "expired", "hypothetical"]
    parties: list[PartySpec] = Field(min_length=2)
    bound: list[str] | None = Field(default=None, min_length=1)
    """Ids of the parties the agreement binds (a unilateral truce: the declaring party only);
    absent means every party, so files written before this key load as they did."""
    window: WindowSpec
    scope: ScopeSpec
    geography: GeographySpec = Field(default_factory=GeographySpec)
    sources: list[SourceSpec] = Field(min_length=1)
    notes: str = ""

    @model_validator(mode="after")
    def _sides_are_parties(self) -> AgreementSpec:
        party_ids = {p.id for p in self.parties}
        geography = self.geography
        sides = [b.side for b in geography.buffers]
        if geography.line_of_contact is not None:
            sides.append(geography.line_of_contact.occupied_side)
        unknown = sorted({s for s in sides if s not in party_ids})
        if unknown:
            raise ValueError(f"sides {unknown} are not among the parties {sorted(party_ids)}")
        unknown_bound = sorted({b for b in self.bound or () if b not in party_ids})
        if unknown_bound:
            raise ValueError(f"bound {unknown_bound} are not among the parties {sorted(party_ids)}")
        return self
