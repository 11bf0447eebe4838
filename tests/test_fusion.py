"""Fusion into incidents: order independence, refuse only grows or merges, the incident's
fields (joins, sources, place, time, category, confidence) and chaining."""

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ceasefire.domain.taxonomy import Category
from ceasefire.domain.timeinterval import TimePrecision
from ceasefire.fusion import FusedIncident, IncrementalFuser, Sighting, fuse, refuse
from ceasefire.fusion.gates import WIDE_RADIUS_M
from ceasefire.fusion.incidents import fused_category
from ceasefire.fusion.independence import source_groups
from fusion_helpers import sighting, sightings

C = Category


def _partition(incidents: list[FusedIncident]) -> set[frozenset[str]]:
    return {frozenset(i.observation_ids) for i in incidents}


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_streaming_one_by_one_in_any_order_equals_batch(data: st.DataObject) -> None:
    rows = data.draw(sightings())
    order = data.draw(st.permutations(rows))
    fuser = IncrementalFuser()
    for k, s in enumerate(order):
        fuser.add(s)
        if data.draw(st.booleans()) or k == len(order) - 1:
            streamed = fuser.incidents()
    if rows:
        assert streamed == fuse(rows)
    assert fuser.incidents() == fuse(reversed(rows))


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_refuse_after_adding_only_grows_or_merges(data: st.DataObject) -> None:
    rows = data.draw(sightings())
    cut = data.draw(st.integers(0, len(rows)))
    earlier = fuse(rows[:cut])
    stored = {i.id: frozenset(i.observation_ids) for i in earlier}
    now, merged = refuse(stored, rows)
    new_of = {obs: inc.id for inc in now for obs in inc.observation_ids}
    for old_id, members in stored.items():
        holders = {new_of[o] for o in members}
        assert len(holders) == 1  # every earlier group lies inside one new group
        (holder,) = holders
        assert holder == old_id or merged[old_id] == holder
    # the survivor of a merge is the smallest stored id in it
    for old_id, survivor in merged.items():
        assert survivor < old_id
        assert survivor in stored
    assert _partition(now) == _partition(fuse(rows))
    assert len({i.id for i in now}) == len(now)


def test_refuse_keeps_the_smallest_stored_id_and_reports_the_merge() -> None:
    a, c = sighting("a"), sighting("c", lat=48.006)
    bridge = sighting("b", lat=48.003, radius_m=300.0)
    first = fuse([a, c])
    assert len(first) == 2
    stored = {i.id: frozenset(i.observation_ids) for i in first}
    now, merged = refuse(stored, [a, c, bridge])
    (incident,) = now
    survivor = min(stored)
    assert incident.id == survivor
    assert merged == {max(stored): survivor}


def test_id_rule() -> None:
    (incident,) = fuse([sighting("obs-b"), sighting("obs-a")])
    assert incident.id == "inc-" + hashlib.sha256(b"obs-a").hexdigest()[:16]
    assert incident.observation_ids == ("obs-a", "obs-b")


def test_joins_form_a_spanning_tree_of_passing_edges() -> None:
    rows = [sighting(f"s{k}", lat=48.0 + 0.002 * k, source=f"src{k}") for k in range(6)]
    (incident,) = fuse(rows)
    assert len(incident.joins) == 5
    assert {j.observation_id for j in incident.joins} == {f"s{k}" for k in range(1, 6)}
    for j in incident.joins:
        assert j.distance_m <= j.reach_m
        assert j.gap_s <= j.tolerance_s


def test_a_wide_disc_never_bridges_two_incidents() -> None:
    left, right = sighting("left", lon=35.0), sighting("right", lon=35.5)
    province = sighting("wide", lon=35.25, radius_m=WIDE_RADIUS_M * 4)
    incidents = fuse([left, right, province])
    assert _partition(incidents) == {
        frozenset({"left"}),
        frozenset({"right"}),
        frozenset({"wide"}),
    }


def test_chains_of_narrow_discs_do_join() -> None:
    # each link passes the gates, the ends are 2 km apart: one incident (documented)
    chain = [sighting(f"c{k}", lat=48.0 + 0.003 * k, radius_m=100.0) for k in range(7)]
    (incident,) = fuse(chain)
    assert len(incident.observation_ids) == 7


def test_time_is_the_intersection_or_else_the_hull() -> None:
    day = sighting("a", duration_min=24 * 60.0, precision=TimePrecision.DAY)
    minute = sighting("b", minutes=600.0, source="cir")
    (incident,) = fuse([day, minute])
    assert (incident.start, incident.end) == (minute.start, minute.end)
    before = sighting("c", minutes=-10.0, source="cir")
    (incident,) = fuse([before, sighting("d")])
    assert (incident.start, incident.end) == (before.start, sighting("d").end)


def test_place_leans_to_the_precise_report() -> None:
    precise = sighting("a", radius_m=50.0)
    vague = sighting("b", lat=48.01, radius_m=3_000.0, source="ucdp")
    (incident,) = fuse([precise, vague])
    assert abs(incident.lat - 48.0) < 0.0002
    assert incident.radius_m < 100.0


def test_fused_category_is_the_most_specific_fitting_all() -> None:
    assert fused_category([C.TACTICAL_DRONE, C.UNIDENTIFIED_DRONE]) is C.TACTICAL_DRONE
    assert fused_category([C.TACTICAL_DRONE, C.ONE_WAY_ATTACK_DRONE, C.UNIDENTIFIED_DRONE]) is (
        C.UNIDENTIFIED_DRONE
    )
    assert fused_category([C.ARTILLERY_SHELLING, C.STRIKE_UNSPECIFIED]) is C.ARTILLERY_SHELLING
    assert fused_category([C.ARTILLERY_SHELLING, C.AIR_STRIKE, C.STRIKE_UNSPECIFIED]) is (
        C.STRIKE_UNSPECIFIED
    )
    assert fused_category([C.MOVEMENT_RESTRICTION, C.HEAVY_WEAPON_PRESENT, C.OTHER]) is C.OTHER
    assert fused_category([C.OTHER]) is C.OTHER


def test_confidence_rises_with_independent_sources_not_with_copies() -> None:
    one = fuse([sighting("a")])[0].confidence
    copies = fuse([sighting("a"), sighting("b")])[0]
    two = fuse([sighting("a"), sighting("b", source="cir")])[0]
    assert copies.independent_sources == 1
    assert two.independent_sources == 2
    assert copies.confidence == one < two.confidence < 1.0
    vague = fuse([sighting("a", radius_m=5_000.0, precision=TimePrecision.DAY)])[0]
    assert 0.0 < vague.confidence < one


def _s(
    id_: str, source: str, keys: set[str] | None = None, document: str | None = None
) -> Sighting:
    return sighting(id_, source=source, origin_keys=frozenset(keys or ()), document=document)


def test_shared_origin_keys_are_one_source_transitively() -> None:
    groups = source_groups(
        [
            _s("a", "bellingcat", {"https://t.me/x/1"}),
            _s("b", "cir", {"https://t.me/x/1", "https://t.me/y/2"}),
            _s("c", "ucdp", {"https://t.me/y/2"}),
            _s("d", "airforce", {"bulletin:17"}),
        ]
    )
    assert [g.observation_ids for g in groups] == [("a", "b", "c"), ("d",)]
    assert groups[0].sources == ("bellingcat", "cir", "ucdp")
    assert "https://t.me/x/1" in groups[0].reason
    assert "https://t.me/y/2" in groups[0].reason
    assert groups[1].reason == "one source"


def test_rows_without_keys_group_by_source_and_document() -> None:
    groups = source_groups(
        [
            _s("a", "airforce", document="b1"),
            _s("b", "airforce", document="b1"),
            _s("c", "airforce", document="b2"),
            _s("d", "cir"),
            _s("e", "cir"),
        ]
    )
    assert [g.observation_ids for g in groups] == [("a", "b"), ("c",), ("d", "e")]
    assert groups[0].reason == "2 rows of airforce from document b1, one source"
    assert groups[2].reason == "2 rows of cir, one source"


def test_a_correction_replaces_the_sighting_in_streaming_and_batch() -> None:
    fuser = IncrementalFuser()
    a, b = sighting("a"), sighting("b")
    moved = sighting("b", lat=49.0)
    for s in (a, b):
        fuser.add(s)
    assert len(fuser.incidents()) == 1
    fuser.add(moved)
    assert fuser.incidents() == fuse([a, b, moved]) == fuse([a, moved])
    assert len(fuser.incidents()) == 2
