"""Record formats: golden bytes per kind, lossless round trips, clear refusals.

The golden bytes are the contract with every ledger already written: if one of these tests
fails after a refactor, the refactor changed what the ledger commits to. Do not update the
expected bytes; add a new schema version instead (docs/records.md).
"""

import hashlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from ceasefire.domain import (
    Attribution,
    AuditEntry,
    AuditOutcome,
    Category,
    ClockTrack,
    Finding,
    FusionLink,
    Incident,
    Location,
    Message,
    MessageKind,
    Observation,
    RecordKind,
    RecordRef,
    Report,
    ReportKind,
    ResponseClock,
    Side,
    SourceGroup,
    SupportingLink,
    TimeInterval,
    TimePrecision,
    Transition,
    Verdict,
    WeaponClass,
)
from ceasefire.domain.commitment import CommitmentCategory, CommitmentChange, CommitmentStatus
from ceasefire.domain.frozen import FrozenMap
from ceasefire.domain.intent import Circle, IntentState, OperationalIntent, Volume4D
from ceasefire.domain.intent_record import IntentRecord
from ceasefire.ledger.canonical import canonical_json
from ceasefire.records import Record, RecordFormatError, decode, encode

T0 = datetime(2025, 4, 19, 15, 0, tzinfo=UTC)
T1 = datetime(2025, 4, 19, 16, 30, tzinfo=UTC)
SPAN = TimeInterval(T0, T1, TimePrecision.MINUTE)
NIKOPOL = Location(lat=47.57, lon=34.39, uncertainty_m=500.0, region="Nikopol")

OBSERVATION = Observation(
    id="bellingcat:42",
    source="bellingcat",
    source_record_id="42",
    interval=SPAN,
    location=NIKOPOL,
    category=Category.ARTILLERY_SHELLING,
    weapon_class=WeaponClass.ARTILLERY_100MM_PLUS,
    launched=3,
    side=Side.RU,
    description="Shelling of the embankment",
    extras={"sources": ["https://t.me/x/1"], "raw": {"n": 1, "ok": True}},
    reported_by="mission",
    publisher="Bellingcat",
    report_kind=ReportKind.INCIDENT_REPORT,
)
FINDING = Finding(
    id="easter:bellingcat:42",
    agreement_id="easter",
    subject=RecordRef(RecordKind.OBSERVATION, "bellingcat:42"),
    verdict=Verdict.POSSIBLE,
    clauses=("scope", "zone.buffer"),
    reason="reported for 15:00 to 16:30",
    certainty=0.5,
    agreement_sha256="ab" * 32,
)
INCIDENT = Incident(
    id="inc-1",
    observation_ids=("bellingcat:42", "cir:7"),
    interval=SPAN,
    location=NIKOPOL,
    category=Category.ARTILLERY_SHELLING,
    side=Side.RU,
    confidence=0.75,
)
TRANSITION = Transition(
    id="t-1",
    subject=RecordRef(RecordKind.INCIDENT, "inc-1"),
    from_state="reported",
    to_state="verified",
    at=T1,
    actor="mission/reviewer-3",
    reason="two independent sources",
)
REPORT = Report(
    id="daily-2025-04-19",
    title="Daily report 19 April 2025",
    period=TimeInterval(T0, T1, TimePrecision.DAY),
    issued_at=T1,
    media_type="text/html",
    sha256="cd" * 32,
    agreement_ids=("easter",),
)
AUDIT = AuditEntry(
    id="a-1",
    at=T1,
    actor="ua-liaison/token-9",
    action="incident.read",
    target="incident/inc-1",
    outcome=AuditOutcome.DENIED,
    detail="unverified incidents stay inside the mission",
)

# (record, ledger id prefix, name) per kind; GOLDEN_SHA256 pins each one's envelope bytes.
GOLDEN: list[tuple[Record, str, str]] = [
    (OBSERVATION, "observation/bellingcat:42/", "OBSERVATION"),
    (FINDING, "finding/easter:bellingcat:42/", "FINDING"),
    (INCIDENT, "incident/inc-1/", "INCIDENT"),
    (TRANSITION, "transition/t-1/", "TRANSITION"),
    (REPORT, "report/daily-2025-04-19/", "REPORT"),
    (AUDIT, "audit/a-1/", "AUDIT"),
]

EXPECTED_OBSERVATION_BYTES = (
    b'{"id":"observation/bellingcat:42/342997f928a8bc7c","kind":"observation",'
    b'"observation":{"category":"artillery_shelling","description":"Shelling of the embankment",'
    b'"destroyed":null,"extras":{"raw":{"n":1,"ok":true},"sources":["https://t.me/x/1"]},'
    b'"id":"bellingcat:42","interval":{"end":"2025-04-19T16:30:00+00:00","precision":"minute",'
    b'"start":"2025-04-19T15:00:00+00:00"},"launched":3,"location":{"lat":47.57,"lon":34.39,'
    b'"region":"Nikopol","uncertainty_m":500},"publisher":"Bellingcat",'
    b'"report_kind":"incident_report","reported_by":"mission","side":"RU",'
    b'"source":"bellingcat","source_record_id":"42","target_class":"unknown",'
    b'"weapon_class":"artillery_100mm_plus","weapon_model":null},"schema":1}'
)


def test_observation_bytes_are_pinned() -> None:
    assert encode(OBSERVATION).data == EXPECTED_OBSERVATION_BYTES


#: SHA-256 of each kind's envelope bytes, pinned when schema 1 was released (the observation's
#: full bytes are spelled out above, so a reader can see the format).
GOLDEN_SHA256 = {
    "OBSERVATION": "58bcf670fae042d851e75aafb765b98bed906ce2a7b6ae43c24526fc57b2f635",
    "FINDING": "5fb99e778bafce27b08e83839770d2a90dd6fbd1a590407c7ad5a23f1207c54f",
    "INCIDENT": "0fbd04bab0b55046e3768df8eaa9dc2c9c34e2c06b4a7303f362ada52fbf983b",
    "TRANSITION": "167427b01f39355815dadd6ae04e77d6e2875bb54f63cb69caa92d0d6fddbe1b",
    "REPORT": "ebaeb8ec0b824b536df0747363a0d3b06ee75ab584bc58e29545bed0c49b586f",
    "AUDIT": "1a721f197be5c42b9745883f59b93768cab2aad0ec6d31e39cc3ddaa0a96c408",
}


@pytest.mark.parametrize(("record", "prefix", "name"), GOLDEN, ids=[g[2] for g in GOLDEN])
def test_golden_bytes_per_kind(record: Record, prefix: str, name: str) -> None:
    encoded = encode(record, schema=1)
    assert encoded.ledger_id.startswith(prefix)
    assert hashlib.sha256(encoded.data).hexdigest() == GOLDEN_SHA256[name]


@pytest.mark.parametrize(("record", "prefix", "name"), GOLDEN, ids=[g[2] for g in GOLDEN])
def test_envelope_is_canonical_and_round_trips(record: Record, prefix: str, name: str) -> None:
    encoded = encode(record, schema=1)
    envelope = json.loads(encoded.data)
    assert canonical_json(envelope) == encoded.data  # exactly what RFC 8785 writes
    assert envelope["id"] == encoded.ledger_id
    assert envelope["schema"] == 1
    kind = encoded.ref.kind
    body_bytes = canonical_json(envelope[str(kind)])
    digest = hashlib.sha256(b'["' + str(kind).encode() + b'",1,' + body_bytes + b"]").hexdigest()
    assert encoded.ledger_id == f"{kind}/{record.id}/{digest[:16]}"
    assert decode(encoded.data) == record


def test_numbers_come_back_with_their_types() -> None:
    """RFC 8785 writes 48.0 as 48; equality would not notice an int coming back, a report would."""
    whole = replace(OBSERVATION, location=Location(lat=48.0, lon=0.0, uncertainty_m=500.0))
    back = decode(encode(whole).data)
    assert isinstance(back, Observation)
    assert [type(v) for v in (back.location.lat, back.location.lon)] == [float, float]
    assert type(back.location.uncertainty_m) is float
    assert type(back.launched) is int
    finding = decode(encode(replace(FINDING, certainty=1.0)).data)
    assert isinstance(finding, Finding)
    assert type(finding.certainty) is float
    incident = decode(encode(replace(INCIDENT, confidence=1.0)).data)
    assert isinstance(incident, Incident)
    assert type(incident.confidence) is float


def test_a_changed_record_gets_a_new_ledger_id_the_same_record_the_same() -> None:
    again = replace(OBSERVATION, extras=dict(OBSERVATION.extras))
    assert encode(again).ledger_id == encode(OBSERVATION).ledger_id
    corrected = replace(OBSERVATION, launched=4)
    assert encode(corrected).ledger_id != encode(OBSERVATION).ledger_id
    assert encode(corrected).ref == encode(OBSERVATION).ref


def test_extras_are_frozen_and_the_record_hashable() -> None:
    assert isinstance(OBSERVATION.extras, FrozenMap)
    assert hash(OBSERVATION) == hash(decode(encode(OBSERVATION).data))
    with pytest.raises(TypeError):
        OBSERVATION.extras["raw"] = 2  # type: ignore[index]
    assert OBSERVATION.extras["sources"] == ("https://t.me/x/1",)
    assert OBSERVATION.extras == {"sources": ["https://t.me/x/1"], "raw": {"n": 1, "ok": True}}
    source = {"a": [1, 2]}
    kept = replace(OBSERVATION, extras=source)
    source["a"].append(3)  # the caller's dict changes afterwards; the record does not
    assert kept.extras["a"] == (1, 2)


def test_value_json_cannot_carry_is_refused_with_the_record_named() -> None:
    absurd = replace(OBSERVATION, launched=10**300)
    with pytest.raises(RecordFormatError, match=r"observation/bellingcat:42.*launched"):
        encode(absurd)


def test_unknown_schema_and_garbage_are_refused() -> None:
    envelope = json.loads(encode(INCIDENT).data)
    envelope["schema"] = 99
    with pytest.raises(RecordFormatError, match="no incident schema version 99"):
        decode(json.dumps(envelope).encode())
    with pytest.raises(RecordFormatError, match="not a record envelope"):
        decode(b'{"kind": "nonsense"}')
    envelope["schema"] = 1
    del envelope["incident"]["confidence"]
    with pytest.raises(RecordFormatError, match="not a valid incident v1"):
        decode(json.dumps(envelope).encode())


def test_finding_subject_must_be_assessable() -> None:
    with pytest.raises(ValueError, match="a report cannot be assessed"):
        replace(FINDING, subject=RecordRef(RecordKind.REPORT, "daily"))
    incident_finding = replace(FINDING, subject=RecordRef(RecordKind.INCIDENT, "inc-1"))
    assert decode(encode(incident_finding).data) == incident_finding


# -- schema 2 of incident and transition, schema 1 of the response clock and the message ------

INCIDENT_V2 = replace(
    INCIDENT,
    independent_sources=2,
    links=(FusionLink("cir:7", "bellingcat:42", 310.5, 2_500.0, 0.0, 3_600.0,
                      ("artillery_shelling", "strike_unspecified")),),
    sources=(SourceGroup(("bellingcat:42",), ("bellingcat",), "one source"),
             SourceGroup(("cir:7",), ("cir",), "one source")),
    supporting=(SupportingLink("airforce:2025-04-19:1", "bulletin for the south, that night"),),
    attribution=Attribution(Side.RU, 0.8, "territory", ("impact 22 km inside held territory",)),
)
TRANSITION_V2 = replace(
    TRANSITION, organisation="mission", evidence=("incident/inc-1", "https://t.me/x/1")
)
CLOCK = ResponseClock(
    id="inc-1:RU:diplomatic",
    incident_id="inc-1",
    track=ClockTrack.DIPLOMATIC,
    notified_party=Side.RU,
    started_at=T1,
    due_at=T1 + timedelta(hours=24),
    started_by="t-1",
    clause="scope",
)
MESSAGE = Message(
    id="msg-1",
    kind=MessageKind.VIOLATION_NOTICE,
    sent_at=T1,
    sender="reviewer",
    sender_org="Mission",
    sender_party=None,
    recipient_org="RU liaison",
    recipient_party=Side.RU,
    text="Verified violation of clause scope",
    incident_id="inc-1",
)
INTENT = IntentRecord(
    OperationalIntent(
        id="op-7",
        command="1st Air Wing",
        nation="Nation A",
        mandate="force-protection",
        priority=3,
        state=IntentState.ACTIVATED,
        volumes=(
            Volume4D(((24.0, 49.8), (24.1, 49.8), (24.1, 49.9)), 0.0, 1500.5, T0, T1),
            Volume4D(Circle(24.2, 49.85, 2500.0), 100.0, 900.0, T0, T1),
        ),
        version=2,
        off_nominal_volumes=(Volume4D(Circle(24.3, 49.9, 5000.0), 0.0, 3000.0, T0, T1),),
    ),
    recorded_at=T1,
    recorded_by="planner",
)
COMMITMENT = CommitmentChange(
    id="de-patriot-systems:delivered",
    commitment_id="de-patriot-systems",
    nation="DE",
    category=CommitmentCategory.MILITARY,
    item="Air-defence systems",
    value_eur=1_000_000_000,
    status=CommitmentStatus.DELIVERED,
    day=date(2026, 3, 1),
    source="a public statement",
)
GOLDEN_V2: list[tuple[Record, str, int]] = [
    (INCIDENT_V2, "INCIDENT_V2", 2),
    (TRANSITION_V2, "TRANSITION_V2", 2),
    (CLOCK, "CLOCK", 1),
    (MESSAGE, "MESSAGE", 1),
    (INTENT, "INTENT", 1),
    (COMMITMENT, "COMMITMENT", 1),
]
GOLDEN_V2_SHA256 = {
    "INCIDENT_V2": "1810343559d2b66cb37537edd9824b5db4dbcc48a159338c1ff56f45df445085",
    "TRANSITION_V2": "c708c2d42042cb59b22a5a7bdec9a11bed1bff3c712586fb14469de2c56cfa7a",
    "CLOCK": "77b4d8ceb4c87ee6e9dcc30c1c8e508bfd1d36986adc95fb0a9be91ee16242e5",
    "MESSAGE": "48ff0b64a7ed8160613f46a0d9e9ed595d6fbbf008d0ce4fb26ceb9b7b0a124e",
    "INTENT": "9140f3c612fc80a087bb91bc88a0444bdf5d15aa5ac4c3d7d43a57a77d569bca",
    "COMMITMENT": "06e1743ce425d84b067e1ca2316619265246a9b7251b09843584b3c3e1ff8512",
}


@pytest.mark.parametrize(("record", "name", "schema"), GOLDEN_V2, ids=[g[1] for g in GOLDEN_V2])
def test_golden_bytes_of_later_versions(record: Record, name: str, schema: int) -> None:
    encoded = encode(record)
    assert encoded.schema == schema
    assert hashlib.sha256(encoded.data).hexdigest() == GOLDEN_V2_SHA256[name]
    assert decode(encoded.data) == record


def test_schema_1_refuses_what_it_cannot_hold() -> None:
    with pytest.raises(RecordFormatError, match="fusion reasoning"):
        encode(INCIDENT_V2, schema=1)
    with pytest.raises(RecordFormatError, match="organisation or evidence"):
        encode(TRANSITION_V2, schema=1)


def test_version_1_records_stay_readable() -> None:
    assert decode(encode(INCIDENT, schema=1).data) == INCIDENT
    assert decode(encode(TRANSITION, schema=1).data) == TRANSITION


def test_an_intent_is_written_in_utc_whatever_its_offset() -> None:
    """One instant has one spelling, so the same plan sent with another offset is the same
    record (and the same ledger id), not a correction."""
    kyiv = timezone(timedelta(hours=3))
    shifted = replace(INTENT, recorded_at=T1.astimezone(kyiv), intent=replace(
        INTENT.intent, volumes=tuple(replace(v, start=v.start.astimezone(kyiv))
                                     for v in INTENT.intent.volumes)))
    assert encode(shifted).data == encode(INTENT).data
    assert b"+03:00" not in encode(shifted).data
