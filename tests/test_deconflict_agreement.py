"""The settlement's zones, adapted into deconfliction constraints, stop the force's flights."""

from pathlib import Path

import pytest

from ceasefire.agreement import load_agreement
from ceasefire.deconflict.constraints import AirspaceConstraint
from ceasefire.deconflict.from_agreement import airspace_constraints
from ceasefire.deconflict.incursion import predict_incursions
from ceasefire.deconflict.strategic import StrategicDeconflictor
from ceasefire.deconflict.tactical import Traffic
from deconflict_helpers import T0, box, intent


@pytest.fixture(scope="module")
def constraints(agreements: Path) -> list[AirspaceConstraint]:
    return airspace_constraints(load_agreement(agreements / "settlement-2025-12-15.yaml"))


def test_zones_become_constraints(constraints: list[AirspaceConstraint]) -> None:
    by_id = {c.id.split("/")[1]: c for c in constraints}
    assert set(by_id) == {"buffer-ru", "buffer-ua", "nfz-line", "black-sea-corridor"}
    assert (by_id["nfz-line"].lower_m, by_id["nfz-line"].upper_m) == (0.0, 20_000.0)
    assert by_id["nfz-line"].exempt_commands == frozenset({"mission"})
    assert by_id["black-sea-corridor"].upper_m < 1_000.0


def test_flight_over_the_front_is_rejected_unless_flown_by_the_mission(
    constraints: list[AirspaceConstraint],
) -> None:
    over_pokrovsk = box(37.1, 48.2, 37.3, 48.4, lower=3_000, upper=5_000)
    deconflictor = StrategicDeconflictor(constraints=constraints)
    refused = deconflictor.submit(intent("patrol-1", over_pokrovsk, command="EU-AIR"))
    assert not refused.accepted
    hit = {c.constraint_id for c in refused.constraint_conflicts}
    assert "settlement-2025-12-15/nfz-line" in hit
    mission = deconflictor.submit(intent("monitor-1", over_pokrovsk, command="mission"))
    assert mission.accepted, mission.reason
    over_lviv = box(23.9, 49.7, 24.1, 49.9, lower=3_000, upper=5_000)
    assert deconflictor.submit(intent("patrol-2", over_lviv)).accepted


def test_track_heading_into_the_no_fly_zone_raises_an_alert(
    constraints: list[AirspaceConstraint],
) -> None:
    # 40 km west of Pokrovsk's front, flying east at 200 m/s: inside the 30 km band soon.
    traffic = Traffic.from_columns(
        ["JET1", "FAR"],
        [48.3, 49.8],
        [36.3, 24.0],
        [6_000.0, 6_000.0],
        [90.0, 270.0],
        [200.0, 200.0],
        [0.0, 0.0],
    )
    alerts = predict_incursions(traffic, constraints, T0, lookahead_s=600.0)
    jet = [a for a in alerts if a.track_id == "JET1" and a.constraint_id.endswith("nfz-line")]
    assert len(jet) == 1
    assert 0.0 <= jet[0].entry_s < 600.0
    assert not any(a.track_id == "FAR" for a in alerts)
