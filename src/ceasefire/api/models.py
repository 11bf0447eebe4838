"""The service's request and response bodies, as pydantic models for the OpenAPI schema.

Why models on top of `ceasefire.monitoring.views`: the views are the one source of the names
(the CLI's ``--json`` prints the same), and the models validate every response against the
published schema, so a view that drifts from the documentation fails a test instead of a
client. Request bodies forbid unknown fields: a reviewer cannot smuggle an ``organisation``
into a transition, because who acts comes from the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ceasefire.api.roles import OrgKind, Role
from ceasefire.domain import IncidentState, MessageKind, MessageState

#: One evidence reference: a record id, a URL, a file hash.
Text = Annotated[str, Field(min_length=1, max_length=500)]


class Health(BaseModel):
    status: str


class Me(BaseModel):
    user: str
    organisation: str
    org_kind: OrgKind
    party: str | None
    role: Role
    token_id: str
    scopes: list[str]


class AgreementParty(BaseModel):
    id: str
    name: str


class AgreementSummary(BaseModel):
    id: str
    title: str
    status: str
    never_in_force: str | None
    parties: list[AgreementParty]
    bound: list[str]
    start: datetime
    end: datetime
    timezone: str
    zones: int


class IncidentPlace(BaseModel):
    """What every view of an incident shows first: its state, when, what and where (the
    place as the caller may see it)."""

    id: str
    state: IncidentState
    start: datetime
    end: datetime
    time_precision: str
    category: str
    region: str | None
    lat: float | None
    lon: float | None
    radius_m: float


class IncidentRow(IncidentPlace):
    observations: int
    independent_sources: int
    supporting: int
    side: str
    confidence: float


class IncidentPage(BaseModel):
    items: list[IncidentRow]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")


class TransitionView(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    from_state: str = Field(alias="from")
    to: str
    at: datetime
    actor: str
    organisation: str
    reason: str
    evidence: list[str]
    successor: str | None


class ObservationView(BaseModel):
    id: str
    source: str
    source_record_id: str
    reported_by: str
    start: datetime
    end: datetime
    lat: float | None
    lon: float | None
    radius_m: float
    region: str | None
    category: str
    side: str
    description: str


class FusionLink(BaseModel):
    observation_id: str
    joined: str
    distance_m: float
    reach_m: float
    gap_s: float
    tolerance_s: float
    categories: list[str]


class SourceGroup(BaseModel):
    observation_ids: list[str]
    sources: list[str]
    reason: str


class Supporting(BaseModel):
    observation_id: str
    reason: str
    observation: ObservationView | None


class AttributionView(BaseModel):
    side: str
    confidence: float
    method: str
    reasons: list[str]


class ClockView(BaseModel):
    id: str
    incident_id: str
    track: str
    notified_party: str
    started_at: datetime
    due_at: datetime
    clause: str


class ClockStatusView(ClockView):
    state: str
    remaining_s: float | None
    overdue_by_s: float | None
    acknowledged_at: datetime | None


class IncidentDetail(IncidentPlace):
    """An incident with its history; the lists that are null were withheld from the caller's
    role (raw observations and the reasoning over them stay inside the mission)."""

    independent_sources: int
    side: str
    confidence: float
    observations: list[ObservationView] | None
    fusion: list[FusionLink] | None
    sources: list[SourceGroup] | None
    supporting: list[Supporting] | None
    attribution: AttributionView
    history: list[TransitionView]
    clocks: list[ClockView]
    ledger_id: str | None = Field(
        default=None, description="Ledger id of the current version: ask"
        " `/v1/ledger/proofs/inclusion?record=` for its proof.")


class TransitionBody(BaseModel):
    """A workflow decision; the actor, organisation, party and role come from the token."""

    model_config = ConfigDict(extra="forbid")

    to: IncidentState
    reason: str = Field(min_length=1, max_length=2000)
    evidence: list[Text] = Field(default_factory=list, max_length=50)
    violation_clause: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="With to=verified: the agreement clause violated; starts response clocks.",
    )


class Decision(BaseModel):
    transition: TransitionView
    clocks: list[ClockView]


class AcknowledgeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class ProblemRecord(BaseModel):
    """One bad record or field (`ceasefire.domain.errors.Problem`)."""

    source: str
    reason: str
    line: int | None = None
    pointer: str | None = None
    field: str | None = None
    severity: str


class ProblemDetails(BaseModel):
    """An RFC 9457 problem document, the body of every error (docs/errors.md)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    problems: list[ProblemRecord] | None = None


class ObservationPage(BaseModel):
    items: list[ObservationView]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")


class Submission(BaseModel):
    """What an upload did. A replay under the same `Idempotency-Key` returns this unchanged."""

    received: int = Field(description="Observations in the request.")
    added: int = Field(description="Stored by this request.")
    already_present: int = Field(description="Stored before, identical: nothing added.")
    corrected: int = Field(description="Stored before under the same id with other content;"
                                       " superseded (kept in history and ledger).")
    ids: list[str]


class FindingView(BaseModel):
    id: str
    agreement_id: str
    subject: str = Field(description="`observation/ID` or `incident/ID`.")
    verdict: str
    clauses: list[str]
    reason: str
    certainty: float
    agreement_sha256: str


class FindingPage(BaseModel):
    items: list[FindingView]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")


class InclusionProofView(BaseModel):
    """RFC 9162 inclusion proof of one ledger entry in the tree of the latest checkpoint."""

    record_id: str
    leaf_index: int
    tree_size: int
    leaf_hash: str = Field(description="Hex SHA-256 leaf hash (0x00 prefix, RFC 9162).")
    proof: list[str] = Field(description="Base64 node hashes, leaf to root.")
    checkpoint: str = Field(description="The signed checkpoint (C2SP note) the proof is for.")


class ConsistencyProofView(BaseModel):
    """RFC 9162 consistency proof that tree `to` extends tree `from`."""

    model_config = ConfigDict(populate_by_name=True)

    from_size: int = Field(alias="from")
    to: int
    proof: list[str] = Field(description="Base64 node hashes.")
class MessageBody(BaseModel):
    """A hotline message to send; who sends it comes from the token."""

    model_config = ConfigDict(extra="forbid")
    kind: MessageKind
    to: Annotated[str, Field(min_length=1, max_length=200,
                             description="The recipient organisation's name.")]
    text: Annotated[str, Field(min_length=1, max_length=10_000)]
    incident_id: Annotated[str, Field(max_length=200)] = ""
    reply_to: Annotated[str, Field(max_length=200)] = ""


class MessageView(BaseModel):
    id: str
    kind: MessageKind
    sent_at: datetime
    sender: str
    sender_org: str
    sender_party: str | None
    recipient_org: str
    recipient_party: str | None
    text: str
    incident_id: str
    reply_to: str
    state: MessageState
    delivered_at: datetime | None
    read_at: datetime | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None


class ReportView(BaseModel):
    id: str
    title: str
    period_start: datetime
    period_end: datetime
    issued_at: datetime
    media_type: str
    sha256: str = Field(description="Hex SHA-256 of the document's bytes, as ledgered.")
    agreement_ids: list[str]
    ledger_id: str = Field(description="The record's ledger entry: ask for its inclusion"
                                       " proof or bundle under /v1/ledger.")
    document: str = Field(description="Path of the document on this service.")


class ReportPage(BaseModel):
    items: list[ReportView]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")


class ClockPage(BaseModel):
    items: list[ClockStatusView]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")


class MessagePage(BaseModel):
    items: list[MessageView]
    next: str | None = Field(description="Pass as `after` for the next page; null at the end.")
