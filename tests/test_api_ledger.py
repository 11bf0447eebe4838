"""The ledger over real HTTP (issue 11): checkpoints, inclusion and consistency proofs and
bundles, each checked with the project's own verifiers against the log key from the data
directory (never one the service hands out), and who may have which record proven."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator

import pytest

from api_helpers import UA, Service, running_service
from ceasefire.domain import AuditEntry, IncidentState, RecordKind, RecordRef
from ceasefire.ledger.bundle import BundleError, verify_bundle
from ceasefire.ledger.checkpoint import SignedCheckpoint, open_checkpoint
from ceasefire.ledger.merkle import ProofError, verify_consistency, verify_inclusion
from ceasefire.ledger.note import Verifier

ROLES = ["admin", "monitor", "analyst", "reviewer", "party_liaison", "ru_liaison",
         "operations_planner", "public"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("ledger"), reported_by=UA) as running:
        yield running


def _log_key(service: Service) -> Verifier:
    text = service.config.log_key_path.with_suffix(".vkey").read_text("utf-8").strip()
    return Verifier.from_vkey(text)


def _opened(service: Service, text: str) -> SignedCheckpoint:
    return open_checkpoint(text, _log_key(service), service.config.ledger_origin)


def _ledger_id(service: Service, ref: RecordRef) -> str:
    stored = service.store.get(ref)
    assert stored is not None
    return stored.ledger_id


def _incident(service: Service, state: IncidentState) -> RecordRef:
    found = next(i for i, s in service.states().items() if s is state)
    return RecordRef(RecordKind.INCIDENT, found)


def _size(service: Service) -> int:
    ledger = service.store.ledger()
    assert ledger is not None
    return ledger.size


def test_every_role_gets_a_checkpoint_that_verifies(service: Service) -> None:
    for user in ROLES:
        with service.as_user(user) as client:
            answer = client.get("/v1/ledger/checkpoint")
        assert answer.status_code == 200, (user, answer.text)
        assert answer.headers["content-type"].startswith("text/plain")
        signed = _opened(service, answer.text)
        assert signed.checkpoint.size <= _size(service)
    with service.client() as anonymous:
        assert anonymous.get("/v1/ledger/checkpoint").status_code == 401


def test_an_inclusion_proof_verifies_against_the_signed_root(service: Service) -> None:
    verified = _ledger_id(service, _incident(service, IncidentState.VERIFIED))
    for user in ("public", "operations_planner", "reviewer"):
        with service.as_user(user) as client:
            answer = client.get("/v1/ledger/proofs/inclusion", params={"record": verified})
        assert answer.status_code == 200, (user, answer.text)
        proof = answer.json()
        signed = _opened(service, proof["checkpoint"])
        assert proof["tree_size"] == signed.checkpoint.size
        assert proof["record_id"] == verified
        verify_inclusion(bytes.fromhex(proof["leaf_hash"]), proof["leaf_index"],
                         proof["tree_size"], [base64.b64decode(p) for p in proof["proof"]],
                         signed.checkpoint.root_hash)
    # the same entry by leaf index, and the leaf hash is the hash of the stored bytes
    with service.as_user("reviewer") as reviewer:
        by_index = reviewer.get("/v1/ledger/proofs/inclusion",
                                params={"index": proof["leaf_index"]}).json()
    assert by_index["record_id"] == verified


def test_a_tampered_proof_does_not_verify(service: Service) -> None:
    """The check above can fail: a proof for another leaf does not lead to the root."""
    verified = _ledger_id(service, _incident(service, IncidentState.VERIFIED))
    with service.as_user("reviewer") as reviewer:
        proof = reviewer.get("/v1/ledger/proofs/inclusion", params={"record": verified}).json()
    signed = _opened(service, proof["checkpoint"])
    with pytest.raises(ProofError, match="root"):
        verify_inclusion(bytes.fromhex(proof["leaf_hash"])[::-1], proof["leaf_index"],
                         proof["tree_size"], [base64.b64decode(p) for p in proof["proof"]],
                         signed.checkpoint.root_hash)


def test_consistency_between_two_checkpoints(service: Service) -> None:
    with service.as_user("public") as public:
        old = _opened(service, public.get("/v1/ledger/checkpoint").text).checkpoint
    with service.as_user("monitor") as monitor:  # the log grows: observations and audit
        grown = monitor.post("/v1/observations", headers={"Idempotency-Key": uuid.uuid4().hex},
                             json=[{"source": "patrol", "source_record_id": "c-1",
                                    "category": "other", "region": "south",
                                    "start": "2025-06-04T00:00:00Z",
                                    "end": "2025-06-04T01:00:00Z"}])
    assert grown.status_code == 201
    with service.as_user("public") as public:
        new = _opened(service, public.get("/v1/ledger/checkpoint").text).checkpoint
        answer = public.get("/v1/ledger/proofs/consistency",
                            params={"from": old.size, "to": new.size})
        backwards = public.get("/v1/ledger/proofs/consistency",
                               params={"from": new.size, "to": old.size})
        beyond = public.get("/v1/ledger/proofs/consistency",
                            params={"from": 0, "to": _size(service) + 10})
    assert new.size > old.size
    assert answer.status_code == 200, answer.text
    proof = [base64.b64decode(p) for p in answer.json()["proof"]]
    verify_consistency(old.size, new.size, proof, old.root_hash, new.root_hash)
    with pytest.raises(ProofError):
        verify_consistency(old.size, new.size, proof, new.root_hash, new.root_hash)
    assert backwards.status_code == 422
    assert beyond.status_code == 422
    assert beyond.json()["problems"][0]["field"] == "to"


def test_who_may_have_which_record_proven(service: Service) -> None:
    verified = _ledger_id(service, _incident(service, IncidentState.VERIFIED))
    reported = _ledger_id(service, _incident(service, IncidentState.REPORTED))
    own = next(o for o in service.store.observations() if o.reported_by == UA)
    observation = _ledger_id(service, RecordRef(RecordKind.OBSERVATION, own.id))

    def status(user: str, ledger_id: str, what: str) -> int:
        with service.as_user(user) as client:
            if what == "bundle":
                return client.get(f"/v1/ledger/bundles/{ledger_id}").status_code
            return client.get("/v1/ledger/proofs/inclusion",
                              params={"record": ledger_id}).status_code

    expected = {
        # user: (verified bundle, reported proof, own observation bundle, its proof)
        "reviewer": (200, 200, 200, 200),
        "monitor": (200, 200, 200, 200),
        "party_liaison": (200, 404, 200, 200),
        "ru_liaison": (200, 404, 404, 404),
        "operations_planner": (200, 404, 404, 404),
        "public": (404, 404, 404, 404),
    }
    for user, wanted in expected.items():
        got = (status(user, verified, "bundle"), status(user, reported, "proof"),
               status(user, observation, "bundle"), status(user, observation, "proof"))
        assert got == wanted, user
    with service.as_user("public") as public:
        assert public.get("/v1/ledger/proofs/inclusion",
                          params={"record": verified}).status_code == 200
        assert public.get("/v1/ledger/proofs/inclusion",
                          params={"index": 0}).status_code in (200, 404)
        neither = public.get("/v1/ledger/proofs/inclusion")
    assert neither.status_code == 422


def test_a_bundle_verifies_offline(service: Service) -> None:
    verified = _ledger_id(service, _incident(service, IncidentState.VERIFIED))
    with service.as_user("operations_planner") as planner:
        bundle = planner.get(f"/v1/ledger/bundles/{verified}").json()
        missing = planner.get("/v1/ledger/bundles/incident/nothing/abc")
    report = verify_bundle(bundle, _log_key(service))
    assert report.record_id == verified
    assert bundle["record"]["id"] == verified
    assert missing.status_code == 404
    bundle["record"]["incident"]["category"] = "other"
    bundle["leaf_data"] = base64.b64encode(b"{}").decode()
    with pytest.raises(BundleError):
        verify_bundle(bundle, _log_key(service))


def test_restricted_proofs_are_audited(service: Service) -> None:
    verified = _ledger_id(service, _incident(service, IncidentState.VERIFIED))
    with service.as_user("analyst") as analyst:
        analyst.get(f"/v1/ledger/bundles/{verified}")
    with service.as_user("public") as public:
        public.get("/v1/ledger/proofs/inclusion", params={"record": verified})
    entries = [e for r in service.store.stored_records() if r.ref.kind is RecordKind.AUDIT
               and isinstance(e := r.value(), AuditEntry)]
    assert any(e.actor == "analyst" and e.action == "ledger.bundle" and e.target == verified
               for e in entries)
    assert not any(e.actor == "public" for e in entries)
