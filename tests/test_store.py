from dataclasses import replace
from pathlib import Path

import pytest

from ceasefire.domain import Finding, Observation, Verdict
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.store import ConflictingRecordError, SqliteRepository


@pytest.fixture(scope="module")
def incidents(data: Path) -> list[Observation]:
    return read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations


def test_round_trip_is_lossless(tmp_path: Path, incidents: list[Observation]) -> None:
    repository = SqliteRepository(tmp_path / "s.db")
    repository.add_observations(incidents[:200])
    repository.close()
    reopened = SqliteRepository(tmp_path / "s.db")
    stored = {o.id: o for o in reopened.observations()}
    assert len(stored) == 200
    for original in incidents[:200]:
        assert stored[original.id] == original


def test_conflicting_record_rolls_back_the_whole_batch(
    tmp_path: Path, incidents: list[Observation]
) -> None:
    repository = SqliteRepository(tmp_path / "s.db")
    repository.add_observations(incidents[:10])
    tampered = replace(incidents[5], description="something else")
    batch = [*incidents[10:20], tampered]
    with pytest.raises(ConflictingRecordError, match=incidents[5].id):
        repository.add_observations(batch)
    assert repository.count_observations() == 10  # nothing of the failed batch stored
    assert {o.id: o for o in repository.observations()}[incidents[5].id] == incidents[5]


def test_time_and_source_filters(incidents: list[Observation]) -> None:
    repository = SqliteRepository()
    repository.add_observations(incidents)
    first = incidents[0]
    found = repository.observations(
        sources=["bellingcat"], overlapping=(first.interval.start, first.interval.end)
    )
    assert first.id in {o.id for o in found}
    assert all(o.interval.start < first.interval.end for o in found)
    assert repository.observations(sources=["ucdp"]) == []


def test_findings_are_replaced_per_agreement(incidents: list[Observation]) -> None:
    repository = SqliteRepository()
    repository.add_observations(incidents[:2])

    def finding(agreement: str, index: int, verdict: Verdict) -> Finding:
        obs_id = incidents[index].id
        return Finding(f"{agreement}:{obs_id}", agreement, obs_id, verdict, ("scope",), "r", 1.0)

    repository.replace_findings("a", [finding("a", 0, Verdict.VIOLATION)])
    repository.replace_findings("b", [finding("b", 1, Verdict.POSSIBLE)])
    repository.replace_findings("a", [finding("a", 1, Verdict.NOT_COVERED)])
    assert [f.observation_id for f in repository.findings("a")] == [incidents[1].id]
    assert repository.findings("b")[0].verdict is Verdict.POSSIBLE
    with pytest.raises(ValueError, match="belongs to b"):
        repository.replace_findings("a", [finding("b", 0, Verdict.POSSIBLE)])
    assert [f.observation_id for f in repository.findings("a")] == [incidents[1].id]
