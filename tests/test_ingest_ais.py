"""AIS ingest on pyais's real NMEA samples, including corrupt and unavailable values."""

from __future__ import annotations

from ceasefire.domain.track import TrackSource
from ceasefire.ingest.ais import KNOT_MPS, AisResult, parse_nmea
from deconflict_helpers import DATA

AIS = DATA / "ais"


def _parse(name: str, default_t: float = 1.7e9) -> AisResult:
    with (AIS / name).open("rb") as f:
        return parse_nmea(f, name, default_t)


def test_real_sample_decodes_positions_and_reports_the_rest() -> None:
    r = _parse("pyais_nmea_data_sample.txt")
    assert len(r.states) > 700
    assert r.other_messages > 0
    assert all(s.source is TrackSource.AIS and s.alt_m == 0.0 for s in r.states)
    assert all(-90 <= s.lat <= 90 and 0 <= s.trk_deg < 360 for s in r.states)
    reasons = {e.reason.split(": ", 1)[-1] for e in r.errors}
    assert any("course over ground not available" in x for x in reasons)
    assert any("empty or corrupt payload" in x for x in reasons)
    # The sample holds first fragments whose second part never came.
    assert any("incomplete multi-part message" in x for x in reasons)


def test_known_message_values() -> None:
    r = _parse("pyais_timestamped.ais")
    first = r.states[0]
    assert first.id == "mmsi:367309370"
    assert first.lat == 48.177737
    assert first.lon == -122.765622
    assert abs(first.gs_mps - 11.1 * KNOT_MPS) < 1e-9
    assert first.trk_deg == 138.5


def test_gatehouse_and_tag_block_times() -> None:
    r = _parse("pyais_timestamped.ais", default_t=0.0)
    # A $PGHP wrapper stamps the one sentence after it; others get the default.
    assert [s.t for s in r.states] == [1210291200.01, 0.0, 1241827200.01, 0.0]
    # NMEA 4.10 tag block with a receiver time (c:), around a real sentence of the sample.
    body = "c:1747818025"
    cs = 0
    for ch in body:
        cs ^= ord(ch)
    line = f"\\{body}*{cs:02X}\\!AIVDM,1,1,,A,15MrVH0000KH<:V:NtBLoqFP2H9:,0*2F"
    tagged = parse_nmea([line], "tag", 0.0)
    assert [st.t for st in tagged.states] == [1747818025.0]


def test_invalid_lines_are_reported_per_line() -> None:
    r = _parse("pyais_sample.ais")
    by_line = {e.line: e.reason for e in r.errors}
    assert "IamNotAnAisMessage" in by_line[10]
    assert by_line[12] == "checksum mismatch"
    assert len(r.states) == 10


def test_multipart_with_tag_blocks_is_assembled() -> None:
    r = _parse("pyais_sample.ais")
    assert r.other_messages == 1  # the two-fragment type 5 (static data) message
    assert not any("incomplete" in e.reason for e in r.errors)
