"""The evidence ledger over HTTP: the latest signed checkpoint, inclusion and consistency
proofs, and evidence bundles, so that parties that distrust the mission can check it.

Why the service signs a checkpoint when asked for one: records and audit entries are appended
with every request, and a proof is only useful against a signed tree that covers the record.
So a read that needs a checkpoint newer than the latest one signs it first, inside the store's
write transaction (nothing half-written can be signed), with the log key of the data
directory. Who may have which record proven: `ceasefire.api.ledger_access`.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from ceasefire.api.auth import allow
from ceasefire.api.ledger_access import EntryFacts, hidden, may_prove, split_ledger_id
from ceasefire.api.models import ConsistencyProofView, InclusionProofView
from ceasefire.api.roles import Principal, Role
from ceasefire.api.services import Services
from ceasefire.domain import AuditOutcome, RecordKind, RecordRef
from ceasefire.domain.errors import InvalidInputError, NotFoundError, Problem
from ceasefire.ledger.bundle import make_bundle
from ceasefire.ledger.checkpoint import SignedCheckpoint
from ceasefire.ledger.log import Ledger
from ceasefire.ledger.merkle import leaf_hash
from ceasefire.ledger.note import NoteError, Signer
from ceasefire.monitoring.views import workflow_state

router = APIRouter(tags=["ledger"])
ANYONE = allow(*Role)

LedgerId = Annotated[str, Path(min_length=1, max_length=600,
                               description="Ledger id of a record version: kind/id/digest.")]


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _ledger(services: Services) -> Ledger:
    ledger = services.store.ledger()
    if ledger is None:
        raise NotFoundError("this service keeps no evidence ledger")
    return ledger


def _signer(services: Services) -> Signer:
    path = services.config.log_key_path
    try:
        return Signer.from_skey(path.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, NoteError):
        raise NotFoundError("no checkpoint can be signed: the log key is not available") from None


def covering_checkpoint(services: Services, size: int) -> SignedCheckpoint:
    """The latest signed checkpoint if it covers `size` entries, else a new one of the tree
    as committed now (signed under the store's write lock)."""
    latest = _ledger(services).latest_checkpoint()
    if latest is not None and latest.checkpoint.size >= size:
        return latest
    with services.store.unit_of_work():
        ledger = _ledger(services)
        latest = ledger.latest_checkpoint()
        if latest is not None and latest.checkpoint.size >= max(size, ledger.size):
            return latest
        return ledger.checkpoint(_signer(services))


def _b64(values: list[bytes]) -> list[str]:
    return [base64.b64encode(v).decode() for v in values]


def _facts(services: Services, ledger_id: str) -> EntryFacts:
    kind, record_id = split_ledger_id(ledger_id)
    store = services.store
    if kind is RecordKind.INCIDENT:
        state = workflow_state(store.transitions(RecordRef(kind, record_id)))
        return EntryFacts(kind, incident_state=state)
    if kind is RecordKind.OBSERVATION:
        stored = store.get_observation(record_id)
        return EntryFacts(kind, reporter=None if stored is None else stored.reported_by)
    return EntryFacts(kind)


def _audit(services: Services, principal: Principal, action: str, target: str) -> None:
    """Proofs of restricted records asked for by non-public roles are accountable reads."""
    if principal.role is not Role.PUBLIC:
        services.auditor.record(principal, action, target[:300], AuditOutcome.ALLOWED)


@router.get("/v1/ledger/checkpoint", name="ledger.checkpoint", response_class=PlainTextResponse,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "The signed checkpoint (C2SP tlog-checkpoint)."}})
def checkpoint(
    request: Request, principal: Annotated[Principal, Depends(ANYONE)]
) -> PlainTextResponse:
    """The latest signed checkpoint of the whole log, covering every committed entry."""
    services = _services(request)
    signed = covering_checkpoint(services, _ledger(services).size)
    return PlainTextResponse(signed.format())


@router.get("/v1/ledger/proofs/inclusion", name="ledger.inclusion")
def inclusion(
    request: Request,
    principal: Annotated[Principal, Depends(ANYONE)],
    record: Annotated[str | None, Query(min_length=1, max_length=600,
                                        description="Ledger id (kind/id/digest).")] = None,
    index: Annotated[int | None, Query(ge=0, le=2**62, description="Leaf index.")] = None,
) -> InclusionProofView:
    """RFC 9162 inclusion proof of one entry, with the checkpoint it leads to."""
    services = _services(request)
    if (record is None) == (index is None):
        raise InvalidInputError(
            "give exactly one of record and index",
            [Problem(source="request", pointer="query.record", field="record",
                     reason="exactly one of record (a ledger id) or index is needed")],
        )
    ledger = _ledger(services)
    if record is not None:
        found = ledger.storage.index_of(record)
        entry = None if found is None else ledger.storage.entry(found)
    else:
        entry = ledger.storage.entry(index) if index is not None else None
    asked = record if record is not None else f"#{index}"
    if entry is None or not may_prove(principal, _facts(services, entry.record_id),
                                      bundle=False):
        raise hidden(asked)
    signed = covering_checkpoint(services, entry.index + 1)
    size = signed.checkpoint.size
    view = InclusionProofView(
        record_id=entry.record_id, leaf_index=entry.index, tree_size=size,
        leaf_hash=leaf_hash(entry.data).hex(),
        proof=_b64(_ledger(services).inclusion_proof(entry.index, size)),
        checkpoint=signed.format(),
    )
    _audit(services, principal, "ledger.inclusion", entry.record_id)
    return view


@router.get("/v1/ledger/proofs/consistency", name="ledger.consistency")
def consistency(
    request: Request,
    principal: Annotated[Principal, Depends(ANYONE)],
    from_size: Annotated[int, Query(alias="from", ge=0, le=2**62)],
    to: Annotated[int, Query(ge=0, le=2**62)],
) -> ConsistencyProofView:
    """RFC 9162 proof that the tree of `to` entries extends the tree of `from` entries."""
    ledger = _ledger(_services(request))
    problem = None
    if from_size > to:
        problem = f"from {from_size} is larger than to {to}"
    elif to > ledger.size:
        problem = f"to {to} is beyond the log's {ledger.size} entries"
    if problem is not None:
        raise InvalidInputError(f"no consistency proof: {problem}", [
            Problem(source="request", pointer="query.to", field="to", reason=problem)])
    proof = ledger.consistency_proof(from_size, to)
    return ConsistencyProofView.model_validate({"from": from_size, "to": to,
                                                "proof": _b64(proof)})


@router.get("/v1/ledger/bundles/{ledger_id:path}", name="ledger.bundle",
            responses={200: {"content": {"application/json": {"schema": {"type": "object"}}},
                             "description": "Evidence bundle (ceasefire-evidence-bundle/v1)."}})
def bundle(
    request: Request,
    principal: Annotated[Principal, Depends(ANYONE)],
    ledger_id: LedgerId,
) -> JSONResponse:
    """The evidence bundle of one record version, checkable offline with the log's key
    (``ceasefire ledger verify-bundle``)."""
    services = _services(request)
    ledger = _ledger(services)
    found = ledger.storage.index_of(ledger_id)
    if found is None or not may_prove(principal, _facts(services, ledger_id), bundle=True):
        raise hidden(ledger_id)
    covering_checkpoint(services, found + 1)
    document: dict[str, Any] = make_bundle(_ledger(services), ledger_id)
    _audit(services, principal, "ledger.bundle", ledger_id)
    return JSONResponse(document)
