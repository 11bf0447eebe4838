"""Who is who in the service: organisation kinds, roles, and which role belongs where (pure).

Why a table rather than per-route checks of the organisation: a role only makes sense inside
one kind of organisation (a reviewer belongs to the mission, a liaison officer to a party), so
refusing the mismatch when the user is created means no route ever has to wonder whether a
"reviewer" of a party's liaison office is a reviewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from ceasefire.domain import Side


class OrgKind(StrEnum):
    MISSION = "mission"
    """The monitoring mission: sees everything it collects."""
    PARTY = "party"
    """A party to the conflict (its liaison office); has a side, RU or UA."""
    NATION = "nation"
    """A contributing nation's command (operations planners)."""
    PUBLIC = "public"
    """Anyone: a press office, a researcher, a published dashboard."""


class Role(StrEnum):
    ADMIN = "admin"
    MONITOR = "monitor"
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    PARTY_LIAISON = "party_liaison"
    OPERATIONS_PLANNER = "operations_planner"
    PUBLIC = "public"


#: The organisation kind each role must belong to.
ROLE_ORG_KIND: Mapping[Role, OrgKind] = MappingProxyType(
    {
        Role.ADMIN: OrgKind.MISSION,
        Role.MONITOR: OrgKind.MISSION,
        Role.ANALYST: OrgKind.MISSION,
        Role.REVIEWER: OrgKind.MISSION,
        Role.PARTY_LIAISON: OrgKind.PARTY,
        Role.OPERATIONS_PLANNER: OrgKind.NATION,
        Role.PUBLIC: OrgKind.PUBLIC,
    }
)

#: Roles that see inside the mission: raw observations, unverified incidents, every clock.
MISSION_ROLES = frozenset(r for r, kind in ROLE_ORG_KIND.items() if kind is OrgKind.MISSION)

#: The sides an organisation of kind party may speak for.
PARTY_SIDES = (Side.RU, Side.UA)


def role_scopes(role: Role) -> tuple[str, ...]:
    """The scopes a token of `role` carries: the role's, nothing more."""
    return (f"role:{role}",)


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller, as its token resolved: every authorization decision reads only this."""

    user: str
    organisation: str
    org_kind: OrgKind
    party: Side | None
    role: Role
    token_id: str

    @property
    def in_mission(self) -> bool:
        return self.role in MISSION_ROLES

    @property
    def scopes(self) -> tuple[str, ...]:
        """A token carries its role's scope and nothing more (one role per user)."""
        return role_scopes(self.role)
