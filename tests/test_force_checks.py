"""Operations of the shipped (illustrative) force against its registry and mandates."""

from __future__ import annotations

from datetime import timedelta

from ceasefire.force.checks import ForceIntent, check_all, check_intent
from ceasefire.force.intents import parse_force_intents
from ceasefire.force.model import Task
from ceasefire.safe_files import InputKind, load_yaml
from force_helpers import EXAMPLE_INTENTS, GB_TOA, ZAPORIZHZHIA, example_force, operation


def _clauses(verdict_refusals: tuple[object, ...]) -> set[tuple[str | None, str]]:
    return {(r.mandate, r.clause) for r in verdict_refusals}  # type: ignore[attr-defined]


def test_the_shipped_operations_accept_three_and_refuse_four_each_with_its_clause() -> None:
    placed, problems = parse_force_intents(load_yaml(EXAMPLE_INTENTS, InputKind.DOCUMENT), "x")
    assert problems == []
    verdicts = {v.intent_id: v for v in check_all(example_force(), [fi for _, fi in placed])}
    assert {i for i, v in verdicts.items() if v.accepted} == {
        "op-gb-air-west",
        "op-tr-mcm-odesa",
        "op-de-patriot-kyiv",
    }
    assert _clauses(verdicts["op-de-patriot-lviv"].refusals) == {
        ("de-bundestag-2026", "caps.personnel")
    }
    assert _clauses(verdicts["op-gb-air-east"].refusals) == {
        ("gb-government-2026", "area.excluded[0]")
    }
    assert _clauses(verdicts["op-tr-frigate-training"].refusals) == {("tr-gnat-2026", "tasks")}
    assert _clauses(verdicts["op-fr-rafale-may"].refusals) == {
        ("fr-government-2026", "valid.until")
    }


def test_outside_the_area_is_refused_and_the_narrowest_mandate_decides() -> None:
    force = example_force()
    near = operation(
        "near", ("gb-typhoon-1",), Task.AIR_POLICING, centre=ZAPORIZHZHIA, radius_m=5_000
    )
    refusals = check_intent(force, near).refusals
    # The coalition and the settlement (15 km buffer) allow it; the UK's 50 km forbids it.
    assert _clauses(refusals) == {("gb-government-2026", "area.excluded[0]")}
    assert "within 50 km of the line of contact" in str(refusals[0])
    # The same place is fine for a French unit, whose decision draws no such line.
    french = operation(
        "fr", ("fr-rafale-1",), Task.AIR_POLICING, centre=ZAPORIZHZHIA, radius_m=5_000
    )
    assert check_intent(force, french).accepted
    # Outside every `within` area of the Turkish authorisation (the Black Sea): refused.
    ashore = operation("tr", ("tr-mcm-1",), Task.MINE_COUNTERMEASURES, command="mnfu-mar")
    assert _clauses(check_intent(force, ashore).refusals) == {("tr-gnat-2026", "area.within[0]")}


def test_a_task_the_mandate_does_not_list_is_refused() -> None:
    op = operation("train", ("de-patriot-1",), Task.MONITORING)
    refusals = check_intent(example_force(), op).refusals
    assert _clauses(refusals) == {("de-bundestag-2026", "tasks")}
    assert "task monitoring is not among air_policing, force_protection, training" in str(
        refusals[0]
    )


def test_a_cap_counts_the_accepted_operations_at_overlapping_times_only() -> None:
    force = example_force()
    first = operation("p1", ("de-patriot-1",), Task.FORCE_PROTECTION, hours=4)
    overlapping = operation(
        "p2",
        ("de-patriot-2",),
        Task.FORCE_PROTECTION,
        start=first.intent.start + timedelta(hours=3),
    )
    after = operation(
        "p3",
        ("de-patriot-2",),
        Task.FORCE_PROTECTION,
        start=first.intent.start + timedelta(hours=4),
    )
    verdicts = check_all(force, [first, overlapping, after])
    assert [v.accepted for v in verdicts] == [True, False, True]
    (refusal,) = verdicts[1].refusals
    assert (refusal.mandate, refusal.clause) == ("de-bundestag-2026", "caps.personnel")
    assert "180 personnel" in refusal.reason
    assert "the cap is 150" in refusal.reason
    # The same unit twice at once is one unit: 90 personnel, under the cap.
    again = operation("p4", ("de-patriot-1",), Task.FORCE_PROTECTION, hours=1)
    assert check_all(force, [first, again])[1].accepted


def test_a_transfer_of_authority_changes_who_answers_at_that_minute() -> None:
    force = example_force()
    minute = timedelta(minutes=1)
    before = force.registry.chain_at("gb-typhoon-1", GB_TOA - minute)
    after = force.registry.chain_at("gb-typhoon-1", GB_TOA)
    assert (before.answering, after.answering) == ("gb-contingent", "mnfu-air")
    assert after.directing == ("mnfu-air", "mnfu-hq")
    assert after.national is not None
    assert after.national.superior == "gb-contingent"

    def air_op(start_offset: timedelta, hours: float = 1.0) -> bool:
        op = operation(
            "toa", ("gb-typhoon-1",), Task.AIR_POLICING, start=GB_TOA + start_offset, hours=hours
        )
        return check_intent(force, op).accepted

    assert air_op(timedelta(0))
    assert not air_op(-minute)  # starts one minute before the transfer: the nation still answers
    refusal = check_intent(
        force, operation("x", ("gb-typhoon-1",), Task.AIR_POLICING, start=GB_TOA - minute)
    ).refusals[0]
    assert refusal.clause == "command"
    assert "under national command only; national command gb-contingent" in refusal.reason
    assert "gb-typhoon-natcom" in refusal.reason

    # Before the transfer the national contingent may direct its jets, after it no longer can.
    def national(hours_before: int) -> ForceIntent:
        start = GB_TOA - timedelta(hours=hours_before)
        return operation(
            "n", ("gb-typhoon-1",), Task.AIR_POLICING, command="gb-contingent", start=start, hours=2
        )

    assert check_intent(force, national(2)).accepted
    late = national(1)
    assert [r.clause for r in check_intent(force, late).refusals] == ["command"]


def test_tactical_control_ends_and_the_air_component_no_longer_commands() -> None:
    force = example_force()
    inside = operation("pl", ("pl-f16-1",), Task.AIR_POLICING, centre=(22.0, 50.5))
    assert check_intent(force, inside).accepted
    late = operation(
        "pl2",
        ("pl-f16-1",),
        Task.AIR_POLICING,
        centre=(22.0, 50.5),
        start=inside.intent.start + timedelta(days=30),
    )
    assert "pl-f16-1" in str(check_intent(force, late).refusals[0])


def test_relied_on_mandates_must_exist_and_bind_every_unit() -> None:
    force = example_force()
    wrong = operation(
        "w", ("de-patriot-1",), Task.FORCE_PROTECTION, mandates=("gb-government-2026",)
    )
    assert _clauses(check_intent(force, wrong).refusals) == {("gb-government-2026", "binds")}
    unknown = operation("u", ("de-patriot-1",), Task.FORCE_PROTECTION, mandates=("nope",))
    assert [r.clause for r in check_intent(force, unknown).refusals] == ["mandates"]
    ghost = operation("g", ("nobody",), Task.FORCE_PROTECTION)
    assert [r.clause for r in check_intent(force, ghost).refusals] == ["units[0]"]


def test_a_polish_jet_over_ukraine_is_refused_by_its_government_decision() -> None:
    op = operation("pl", ("pl-f16-1",), Task.AIR_POLICING)  # over Lviv, inside Ukraine
    assert _clauses(check_intent(example_force(), op).refusals) == {
        ("pl-government-2026", "area.excluded[0]")
    }
