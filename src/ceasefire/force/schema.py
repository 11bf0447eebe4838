"""The force files' formats as pydantic models (docs/force.md). Unknown keys are errors, as in
the agreement format, so a typo ("excludes") cannot silently widen a mandate."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from ceasefire.force.commitments import CommitmentCategory, CommitmentStatus
from ceasefire.force.model import Authority, CommandKind, IssuerKind, Task, UnitKind

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")]
NationCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
#: The beginning of time for a period written without `from`.
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class _Timed(_Strict):
    """A half-open period [from, until); `until` omitted means open-ended."""

    start: AwareDatetime = Field(default=EARLIEST, alias="from")
    end: AwareDatetime | None = Field(default=None, alias="until")

    @model_validator(mode="after")
    def _ordered(self) -> _Timed:
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"until ({self.end.isoformat()}) must be after from ({self.start.isoformat()})"
            )
        return self


class NationSpec(_Strict):
    code: NationCode
    name: Annotated[str, Field(min_length=1)]


class CommandSpec(_Strict):
    id: Id
    name: Annotated[str, Field(min_length=1)]
    kind: CommandKind
    nation: NationCode | None = None

    @model_validator(mode="after")
    def _contingent_has_nation(self) -> CommandSpec:
        if self.kind is CommandKind.NATIONAL_CONTINGENT and self.nation is None:
            raise ValueError("a national_contingent needs its nation")
        return self


class StationSpec(_Timed):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    name: str = ""


class UnitSpec(_Strict):
    id: Id
    name: Annotated[str, Field(min_length=1)]
    kind: UnitKind
    nation: NationCode
    personnel: Annotated[int, Field(ge=0)] = 0
    tracks: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    stations: list[StationSpec] = Field(default_factory=list)


class RelationshipSpec(_Timed):
    id: Id
    authority: Authority
    superior: Id
    subordinate: Id
    start: AwareDatetime = Field(alias="from")  # a transfer of authority has a moment


class RegistrySpec(_Strict):
    format: Literal[1]
    id: Id
    title: Annotated[str, Field(min_length=1)]
    nations: list[NationSpec] = Field(min_length=1)
    commands: list[CommandSpec] = Field(min_length=1)
    units: list[UnitSpec] = Field(default_factory=list)
    relationships: list[RelationshipSpec] = Field(default_factory=list)


class AreaSpec(_Strict):
    """One area: a polygon written inline, a GeoJSON file, or a band along a line file."""

    name: Annotated[str, Field(min_length=1)]
    polygon: list[tuple[float, float]] | None = Field(default=None, min_length=3)
    geometry: Annotated[str, Field(min_length=1)] | None = None
    line: Annotated[str, Field(min_length=1)] | None = None
    distance_m: Annotated[float, Field(gt=0, le=2_000_000)] | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> AreaSpec:
        given = [k for k in ("polygon", "geometry", "line") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of polygon, geometry or line")
        if (self.line is None) != (self.distance_m is None):
            raise ValueError("line and distance_m go together")
        return self


class AreasSpec(_Strict):
    within: list[AreaSpec] = Field(default_factory=list)
    excluded: list[AreaSpec] = Field(default_factory=list)


class CapsSpec(_Strict):
    personnel: Annotated[int, Field(ge=0)] | None = None
    assets: Annotated[int, Field(ge=0)] | None = None
    kinds: dict[UnitKind, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)


class IssuerSpec(_Strict):
    kind: IssuerKind
    name: Annotated[str, Field(min_length=1)]


class ValiditySpec(_Timed):
    start: AwareDatetime = Field(alias="from")


class MandateSpec(_Strict):
    id: Id
    title: Annotated[str, Field(min_length=1)]
    issuer: IssuerSpec
    binds: list[NationCode] | Literal["all"] = Field(min_length=1)
    tasks: list[Task] | Literal["any"] = Field(min_length=1)
    area: AreasSpec = Field(default_factory=AreasSpec)
    caps: CapsSpec = Field(default_factory=CapsSpec)
    valid: ValiditySpec
    conditions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class MandatesSpec(_Strict):
    format: Literal[1]
    mandates: list[MandateSpec] = Field(min_length=1)


class StatusChangeSpec(_Strict):
    """`day`, not `on`: YAML 1.1 reads a bare `on` key as the boolean true."""

    status: CommitmentStatus
    day: date
    source: str = ""


class CommitmentSpec(_Strict):
    id: Id
    nation: NationCode
    category: CommitmentCategory
    item: Annotated[str, Field(min_length=1)]
    value_eur: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    history: list[StatusChangeSpec] = Field(min_length=1)


class CommitmentsSpec(_Strict):
    format: Literal[1]
    commitments: list[CommitmentSpec] = Field(default_factory=list)
