"""Group commit (docs/service.md): many requests' writes in one transaction, each alone.

The writer is held on a first job while the others are submitted, so they are known to share
the next group; nothing here depends on timing. Every case uses the real SQLite store and
ledger and ends with the store audited against its ledger (`ceasefire verify`'s check).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from api_helpers import Service, running_service
from ceasefire.api.audit import Auditor
from ceasefire.api.group_commit import GroupCommitter
from ceasefire.api.idempotency import IdempotencyKeys, Remembered
from ceasefire.api.intake import Intake
from ceasefire.api.roles import OrgKind, Principal, Role
from ceasefire.domain import AuditOutcome, Observation
from ceasefire.domain.errors import ConflictError, VerificationFailedError
from ceasefire.ingest.bellingcat import read_bellingcat_json
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.note import Signer
from ceasefire.ledger.storage import StorageError
from ceasefire.records import encode
from ceasefire.store import SqliteStore, Store
from ceasefire.store.audit import audit


@pytest.fixture(scope="module")
def observations(data: Path) -> list[Observation]:
    return read_bellingcat_json(data / "events" / "bellingcat_incidents.json").observations[:60]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "group.db")
    opened.initialise_ledger("test/group", Signer.generate("test/group").verifier())
    try:
        yield opened
    finally:
        opened.close()


def _ledger(store: Store) -> Ledger:
    ledger = store.ledger()
    assert ledger is not None
    return ledger


def _clean(store: Store) -> None:
    report = audit(store)
    assert report.ok, report.problems


class Held:
    """A first job that keeps the writer busy until `release`, so what is submitted
    meanwhile lands in the writer's next group, all together."""

    def __init__(self, committer: GroupCommitter) -> None:
        self.started = threading.Event()
        self.go = threading.Event()
        self.future = committer.submit(self._wait)
        assert self.started.wait(10)

    def _wait(self) -> None:
        self.started.set()
        assert self.go.wait(10)

    def release(self) -> None:
        self.go.set()
        self.future.result(10)


def _adds(store: SqliteStore, observation: Observation) -> Callable[[], int]:
    return lambda: store.add_observations([observation]).added


def test_a_group_commits_together_and_a_failing_request_alone_is_rolled_back(
    store: SqliteStore, observations: list[Observation]
) -> None:
    committer = GroupCommitter(store)
    size = _ledger(store).size
    held = Held(committer)
    futures = [committer.submit(_adds(store, o)) for o in observations[:20]]

    def fails() -> int:
        store.add_observations([observations[20]])  # written, then its request fails
        raise ConflictError("this request is refused after writing")

    failing = committer.submit(fails)
    futures += [committer.submit(_adds(store, o)) for o in observations[21:30]]
    held.release()
    assert [f.result(10) for f in futures] == [1] * 29
    with pytest.raises(ConflictError, match="refused after writing"):
        failing.result(10)
    committer.close()
    assert committer.groups == 2  # the held job's group, then all the others in one
    assert store.count_observations() == 29
    assert store.get_observation(observations[20].id) is None
    assert _ledger(store).size == size + 29
    _clean(store)


def test_a_group_that_cannot_commit_answers_every_request_with_the_error(
    store: SqliteStore, observations: list[Observation]
) -> None:
    """The group's one ledger append fails (an entry was written into the log behind the
    store's back, under the id of a record the group logs): nothing of the group is stored,
    and no request of it is answered as accepted."""
    committer = GroupCommitter(store)
    size = _ledger(store).size
    taken = encode(observations[0]).ledger_id

    def takes_the_id() -> None:
        store._conn().execute(  # a real conflicting row, as a damaged log would hold
            "INSERT INTO ledger_entries (idx, record_id, data) VALUES (?, ?, ?)",
            (size, taken, b"{}"),
        )

    held = Held(committer)
    futures: list[Future[Any]] = [committer.submit(_adds(store, o)) for o in observations[:5]]
    futures.append(committer.submit(takes_the_id))
    held.release()
    for future in futures:  # the log's own check finds the row while undoing the append
        with pytest.raises((StorageError, VerificationFailedError)):
            future.result(10)
    committer.close()
    assert store.count_observations() == 0
    assert _ledger(store).size == size
    _clean(store)


def test_nested_groups_are_refused(store: SqliteStore) -> None:
    with (store.group_of_work(), pytest.raises(RuntimeError, match="cannot be nested"),
          store.group_of_work()):
        pass


def test_one_key_in_one_group_is_executed_once(tmp_path: Path, store: SqliteStore,
                                               observations: list[Observation]) -> None:
    keys = IdempotencyKeys(tmp_path / "keys.db")
    intake = Intake(GroupCommitter(store), keys)
    runs: list[str] = []

    def execute() -> str:
        runs.append("ran")
        store.add_observations(observations[:3])
        return '{"added": 3}'

    held = Held(intake.committer)
    copies = [intake.submit("monitor", "k-1", "digest-a", execute) for _ in range(5)]
    other_body = intake.submit("monitor", "k-1", "digest-b", execute)
    other_user = intake.submit("admin", "k-1", "digest-b", lambda: '{"added": 0}')
    held.release()
    answers = {f.result(10) for f in copies}
    assert answers == {Remembered("digest-a", 201, '{"added": 3}')}
    with pytest.raises(ConflictError, match="Idempotency-Key 'k-1'"):
        other_body.result(10)
    assert other_user.result(10).body == '{"added": 0}'
    assert runs == ["ran"]
    assert keys.count() == 2  # remembered after the commit: one per user
    again = intake.submit("monitor", "k-1", "digest-a", execute).result(10)
    assert again == Remembered("digest-a", 201, '{"added": 3}')
    assert runs == ["ran"]
    intake.close()
    keys.close()
    assert store.count_observations() == 3
    _clean(store)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("group")) as running:
        yield running


def _item(n: int) -> dict[str, Any]:
    return {"source": "group-test", "source_record_id": f"g-{n}", "category": "small_arms",
            "start": "2025-06-03T10:00:00Z", "end": "2025-06-03T10:20:00Z",
            "lat": 47.61, "lon": 35.93}


def test_fifty_concurrent_submissions_are_each_stored_once(service: Service) -> None:
    observed, size = service.store.count_observations(), _ledger(service.store).size

    def send(n: int) -> tuple[int, dict[str, Any]]:
        with service.as_user("monitor") as monitor:
            answer = monitor.post("/v1/observations", json=[_item(n)],
                                  headers={"Idempotency-Key": uuid.uuid4().hex})
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(send, range(50)))
    assert [status for status, _ in answers] == [201] * 50
    assert sorted(a["ids"][0] for _, a in answers) == sorted(f"group-test:g-{n}"
                                                             for n in range(50))
    assert all(a["added"] == 1 for _, a in answers)
    assert service.store.count_observations() == observed + 50
    assert _ledger(service.store).size == size + 100  # fifty observations, fifty audit entries
    _clean(service.store)


def test_an_audit_entry_outside_a_unit_of_work_is_written_by_the_writer(
    store: SqliteStore, observations: list[Observation]
) -> None:
    """A read's entry joins the writer's queue; one recorded inside a unit of work (where
    waiting for the writer would wait for this thread's own lock) is written in place."""
    committer = GroupCommitter(store)
    auditor = Auditor(store, lambda: datetime(2025, 6, 1, tzinfo=UTC), committer)
    principal = Principal(user="analyst", organisation="Mission", org_kind=OrgKind.MISSION,
                          party=None, role=Role.ANALYST, token_id="tok-test")
    size = _ledger(store).size
    auditor.record(principal, "observations.list", "all", AuditOutcome.ALLOWED)
    assert (committer.groups, committer.jobs) == (1, 1)
    with store.unit_of_work():
        store.add_observations(observations[:1])
        auditor.record(principal, "observations.submit", "observations/1",
                       AuditOutcome.ALLOWED)
    assert committer.jobs == 1
    committer.close()
    auditor.record(principal, "observations.list", "after close", AuditOutcome.ALLOWED)
    assert _ledger(store).size == size + 4
    _clean(store)
