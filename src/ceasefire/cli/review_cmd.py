"""`ceasefire review queue|transition` and `ceasefire clocks`: the workflow from the CLI."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from ceasefire.cli.errors import exits_on_error, wide_console
from ceasefire.cli.options import parse_time_option
from ceasefire.cli.stores import existing_store
from ceasefire.domain import IncidentState, Side
from ceasefire.domain.errors import UsageError
from ceasefire.monitoring.review import (
    acknowledge_clock,
    clock_rows,
    queue,
    record_overdue,
    transition_incident,
)
from ceasefire.monitoring.views import clock_view, transition_view
from ceasefire.verify.workflow import Role, TransitionRequest

review_app = typer.Typer(help="The verification workflow: what waits, and decisions.",
                         no_args_is_help=True)
clocks_app = typer.Typer(
    help="Response clocks: 24 h diplomatic and 72 h military, per notified party.",
    invoke_without_command=True,
)

DbOption = Annotated[str | None, typer.Option("--db", help="Store (default ceasefire.db).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
NowOption = Annotated[
    str | None, typer.Option("--now", help="The time to compute ages at (RFC 3339; default now).")
]


def _json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.1f} h"


def review_queue_cmd(
    db: DbOption = None,
    now: NowOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many (table only).")] = 30,
    as_json: JsonOption = False,
) -> None:
    """List the incidents that wait for a reviewer, oldest first, with their age."""
    moment = parse_time_option("--now", now)
    store = existing_store(db, readonly=True)
    try:
        entries = queue(store, moment)
    finally:
        store.close()
    rows = [
        {
            "incident_id": e.incident_id,
            "state": str(e.state),
            "waiting_since": e.waiting_since.isoformat(),
            "age_s": e.age.total_seconds(),
            "category": str(i.category),
            "region": i.location.region,
            "independent_sources": i.independent_sources,
        }
        for e, i in entries
    ]
    if as_json:
        _json(rows)
        return
    corroborated = sum(1 for r in rows if r["state"] == "corroborated")
    table = Table(title=f"review queue: {len(rows)} waiting ({corroborated} corroborated)")
    for column in ("incident", "state", "waiting since", "age", "category", "region", "indep."):
        table.add_column(column)
    for entry, incident in entries[:limit]:
        table.add_row(entry.incident_id, str(entry.state), entry.waiting_since.isoformat()[:16],
                      _age(entry.age), str(incident.category), incident.location.region or "",
                      str(incident.independent_sources))
    wide_console().print(table)


def review_transition_cmd(
    incident_id: Annotated[str, typer.Argument(help="Incident id (inc-...).")],
    to: Annotated[IncidentState, typer.Option("--to", help="The state to move it to.")],
    actor: Annotated[str, typer.Option(help="Who decides (a user id).")],
    org: Annotated[str, typer.Option("--org", help="The actor's organisation.")],
    reason: Annotated[str, typer.Option(help="Why: recorded with the decision.")],
    role: Annotated[Role, typer.Option(help="The role the actor acts in.")] = Role.REVIEWER,
    party: Annotated[
        Side | None, typer.Option(help="The party the actor belongs to, if any (RU, UA).")
    ] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="A reference relied on (repeatable).")
    ] = None,
    violation: Annotated[
        str | None,
        typer.Option(help="With --to verified: the agreement clause the incident violates; "
                          "starts the 24 h and 72 h response clocks."),
    ] = None,
    at: Annotated[str | None, typer.Option(help="When (RFC 3339; default now).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move an incident through the workflow; refused moves exit non-zero with the rule."""
    request = TransitionRequest(
        incident_id=incident_id,
        to_state=to,
        actor=actor,
        organisation=org,
        role=str(role),
        reason=reason,
        evidence=tuple(evidence or ()),
        at=parse_time_option("--at", at),
        violation_clause=violation,
        party=party,
    )
    store = existing_store(db)
    try:
        decision = transition_incident(store, request)
    finally:
        store.close()
    if as_json:
        _json({"transition": transition_view(decision.transition),
               "clocks": [clock_view(c) for c in decision.clocks]})
        return
    t = decision.transition
    typer.echo(f"{incident_id}: {t.from_state} -> {t.to_state} by {t.actor} ({t.organisation})"
               f" at {t.at.isoformat()} [transition {t.id}]")
    for clock in decision.clocks:
        typer.echo(f"  clock {clock.id}: {clock.track} response by {clock.notified_party}"
                   f" due {clock.due_at.isoformat()}")


@clocks_app.callback()
def clocks_cmd(
    ctx: typer.Context,
    db: DbOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every response clock and where it stands at --now (running, overdue,
    acknowledged); `clocks check` records overdue alerts."""
    if ctx.invoked_subcommand is not None:
        return
    moment = parse_time_option("--now", now)
    store = existing_store(db, readonly=True)
    try:
        rows = clock_rows(store, moment)
    finally:
        store.close()
    out = [
        {
            **clock_view(r.clock),
            "state": str(r.status.state),
            "remaining_s": None if r.status.remaining is None
            else r.status.remaining.total_seconds(),
            "overdue_by_s": None if r.status.overdue_by is None
            else r.status.overdue_by.total_seconds(),
            "acknowledged_at": None if r.status.acknowledged_at is None
            else r.status.acknowledged_at.isoformat(),
        }
        for r in rows
    ]
    if as_json:
        _json(out)
        return
    table = Table(title=f"response clocks at {moment.isoformat()}: {len(out)}")
    for column in ("clock", "incident", "track", "party", "due", "state", "time"):
        table.add_column(column)
    for r in rows:
        s = r.status
        when = (_age(s.remaining) + " left" if s.remaining is not None
                else _age(s.overdue_by) + " late" if s.overdue_by is not None else "on time")
        c = r.clock
        table.add_row(c.id, c.incident_id, str(c.track), str(c.notified_party),
                      c.due_at.isoformat()[:16], str(s.state), when)
    wide_console().print(table)


def clocks_check_cmd(db: DbOption = None, now: NowOption = None,
                     as_json: JsonOption = False) -> None:
    """Record an alert for each clock past due and unanswered (once per clock); exits 1 when
    any clock is overdue, so a scheduler can page someone."""
    moment = parse_time_option("--now", now)
    store = existing_store(db)
    try:
        alerts = record_overdue(store, moment)
        overdue = [r for r in clock_rows(store, moment) if str(r.status.state) == "overdue"]
    finally:
        store.close()
    if as_json:
        _json({"new_alerts": [transition_view(a) for a in alerts],
               "overdue": [r.clock.id for r in overdue]})
    else:
        for alert in alerts:
            typer.echo(f"ALERT {alert.subject}: {alert.reason}")
        typer.echo(f"{len(overdue)} clocks overdue, {len(alerts)} new alerts recorded")
    if overdue:
        raise typer.Exit(1)


def clocks_acknowledge_cmd(
    clock_id: Annotated[str, typer.Argument(help="Clock id (<incident>:<party>:<track>).")],
    actor: Annotated[str, typer.Option(help="Who acknowledges.")],
    org: Annotated[str, typer.Option("--org", help="The actor's organisation.")],
    party: Annotated[Side, typer.Option(help="The party the actor speaks for.")],
    at: Annotated[str | None, typer.Option(help="When (RFC 3339; default now).")] = None,
    reason: Annotated[str, typer.Option(help="What the party answered.")] = "",
    db: DbOption = None,
) -> None:
    """Record the notified party's acknowledgment, which stops its clock."""
    if party not in (Side.RU, Side.UA):
        raise UsageError("--party must be a party to the agreement: RU or UA")
    store = existing_store(db)
    try:
        step = acknowledge_clock(store, clock_id, actor=actor, organisation=org, party=party,
                                 at=parse_time_option("--at", at), reason=reason)
    finally:
        store.close()
    typer.echo(f"{clock_id}: {step.from_state} -> {step.to_state} at {step.at.isoformat()}")


review_app.command("queue")(exits_on_error(review_queue_cmd))
review_app.command("transition")(exits_on_error(review_transition_cmd))
clocks_app.command("check")(exits_on_error(clocks_check_cmd))
clocks_app.command("acknowledge")(exits_on_error(clocks_acknowledge_cmd))
