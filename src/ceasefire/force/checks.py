"""Checking operations of the force against the registry and the mandates.

An operation (`ForceIntent`: an operational intent plus the units, the task and the
mandates it relies on) is accepted only if:

1. every unit is in the registry and the intent's command may direct each of them at every
   instant of the operation (`registry.Chain.directing`);
2. every mandate it relies on exists, binds the nation of every unit and is in force;
3. for every unit's nation, the mandates that bind it allow the task in every volume over
   the whole span (`force.nation_refusals`): the narrowest one decides;
4. no cap is exceeded by this operation together with the operations accepted before it
   (`caps.cap_refusals`).

Every refusal names the mandate and clause (or registry rule) that forbids. The span of an
operation is half-open, [start, end): an operation that ends at 06:00 and a transfer of
authority at 06:00 do not meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ceasefire.deconflict.volumes import wgs84_outline
from ceasefire.domain.intent import OperationalIntent
from ceasefire.force.caps import Commitment, cap_refusals
from ceasefire.force.force import Force, in_force, nation_refusals, unique
from ceasefire.force.mandate import Refusal, period_refusals
from ceasefire.force.model import Task, Unit


@dataclass(frozen=True)
class ForceIntent:
    """An operational intent with what the force check needs beside it. `mandates` empty
    means the intent relies on its `mandate` field alone."""

    intent: OperationalIntent
    units: tuple[str, ...]
    task: Task
    mandates: tuple[str, ...] = ()

    @property
    def relied_on(self) -> tuple[str, ...]:
        if self.mandates:
            return self.mandates
        return (self.intent.mandate,) if self.intent.mandate else ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer for one operation: accepted when nothing refuses it."""

    intent_id: str
    refusals: tuple[Refusal, ...]

    @property
    def accepted(self) -> bool:
        return not self.refusals


def _units(force: Force, fi: ForceIntent) -> tuple[list[Unit], list[Refusal]]:
    found: list[Unit] = []
    out: list[Refusal] = []
    if not fi.units:
        out.append(Refusal("units", "the operation names no units"))
    for k, unit_id in enumerate(fi.units):
        unit = force.registry.units.get(unit_id)
        if unit is None:
            out.append(Refusal(f"units[{k}]", f"unit {unit_id!r} is not in the registry"))
        else:
            found.append(unit)
    return found, out


def command_refusals(
    force: Force, command: str, units: Sequence[Unit], start: datetime, end: datetime
) -> list[Refusal]:
    """`command` must be able to direct every unit at every instant of [start, end); the
    chain can only change where a relationship starts or ends, so those are the instants
    checked. The refusal names who does answer then, and the relationships it rests on."""
    registry = force.registry
    if command not in registry.commands:
        return [Refusal("command", f"command {command!r} is not in the registry")]
    instants = [start] + [t for t in registry.boundaries(u.id for u in units) if start < t < end]
    out: list[Refusal] = []
    for unit in units:
        for t in instants:
            chain = registry.chain_at(unit.id, t)
            if command in chain.directing:
                continue
            links = ", ".join(r.id for r in chain.links) or "none"
            reason = (
                f"{command} does not command unit {unit.id} at {t.isoformat()}:"
                f" {chain.describe()} (relationships: {links})"
            )
            out.append(Refusal("command", reason))
            break
    return out


def reliance_refusals(
    force: Force, fi: ForceIntent, units: Sequence[Unit], start: datetime, end: datetime
) -> list[Refusal]:
    """The mandates the operation says it relies on must exist, bind every unit's nation
    and be in force over the whole operation."""
    if not fi.relied_on:
        return [Refusal("mandates", "the operation names no mandate it relies on")]
    out: list[Refusal] = []
    for mandate_id in fi.relied_on:
        mandate = force.mandates.get(mandate_id)
        if mandate is None:
            out.append(Refusal("mandates", f"mandate {mandate_id!r} is not known"))
            continue
        for unit in units:
            if not mandate.binds_nation(unit.nation):
                reason = f"does not bind nation {unit.nation} of unit {unit.id}"
                out.append(Refusal("binds", reason, mandate.id))
        if not in_force(mandate, start, end):
            out += period_refusals(mandate, start, end)
    return out


def check_intent(force: Force, fi: ForceIntent, accepted: Sequence[ForceIntent] = ()) -> Verdict:
    """Every refusal of one operation, given the operations accepted before it."""
    intent = fi.intent
    start, end = intent.start, intent.end
    units, out = _units(force, fi)
    out += command_refusals(force, intent.command, units, start, end)
    out += reliance_refusals(force, fi, units, start, end)
    shapes = [(f"volume {k}", wgs84_outline(v)) for k, v in enumerate(intent.occupied_volumes())]
    for nation in dict.fromkeys(u.nation for u in units):
        out += nation_refusals(force, nation, start, end, shapes, fi.task)
    new = Commitment(intent.id, tuple(units), start, end)
    others = [_commitment(force, a) for a in accepted]
    for mandate in force.mandates.values():
        if mandate.period.overlaps(start, end) and any(
            mandate.binds_nation(u.nation) for u in units
        ):
            out += cap_refusals(mandate, new, others)
    return Verdict(intent.id, unique(out))


def _commitment(force: Force, fi: ForceIntent) -> Commitment:
    units = tuple(force.registry.units[u] for u in fi.units if u in force.registry.units)
    return Commitment(fi.intent.id, units, fi.intent.start, fi.intent.end)


def check_all(force: Force, intents: Sequence[ForceIntent]) -> list[Verdict]:
    """Check operations in order; each is checked against the ones accepted before it, so
    a cap refuses the operation that overruns it, not the ones already accepted."""
    accepted: list[ForceIntent] = []
    verdicts: list[Verdict] = []
    for fi in intents:
        verdict = check_intent(force, fi, accepted)
        verdicts.append(verdict)
        if verdict.accepted:
            accepted.append(fi)
    return verdicts
