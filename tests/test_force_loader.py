"""Bad force files are refused whole, each problem naming file, path and reason; and the
commitments' status only moves forward."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ceasefire.force.commitments import (
    Commitment,
    CommitmentCategory,
    CommitmentError,
    CommitmentStatus,
    StatusChange,
    advance,
    progress,
)
from ceasefire.force.loader import ForceDataError, load_commitments, load_mandates, load_registry
from force_helpers import FORCE_DIR, example_force


def _registry(tmp_path: Path, change: dict[str, object]) -> Path:
    doc = yaml.safe_load((FORCE_DIR / "registry.yaml").read_text())
    doc.update(change)
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _problems(exc: pytest.ExceptionInfo[ForceDataError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_registry_errors_name_file_path_and_reason(tmp_path: Path) -> None:
    doc = yaml.safe_load((FORCE_DIR / "registry.yaml").read_text())
    units = doc["units"]
    units[1]["nation"] = "XX"
    units[2]["kind"] = "tank"
    rels = doc["relationships"]
    rels.append(
        {
            "id": "second-opcon",
            "authority": "opcon",
            "superior": "mnfu-hq",
            "subordinate": "gb-typhoon-1",
            "from": "2026-02-01T00:00:00Z",
        }
    )
    rels.append(
        {
            "id": "foreign-natcom",
            "authority": "national_command",
            "superior": "fr-contingent",
            "subordinate": "de-patriot-1",
            "from": "2026-01-01T00:00:00Z",
        }
    )
    rels.append(
        {
            "id": "loop",
            "authority": "opcon",
            "superior": "mnfu-air",
            "subordinate": "mnfu-hq",
            "from": "2026-01-01T00:00:00Z",
        }
    )
    path = _registry(tmp_path, {"units": units, "relationships": rels})
    with pytest.raises(ForceDataError) as exc:
        load_registry(path)
    found = _problems(exc)
    assert any(p.startswith(f"{path}: units[2].kind: Input should be") for p in found)
    assert not any("units[1].nation" in p for p in found)  # schema first: one pass at a time
    units[2]["kind"] = "ship"
    path = _registry(tmp_path, {"units": units, "relationships": rels})
    with pytest.raises(ForceDataError) as exc:
        load_registry(path)
    found = _problems(exc)
    n = len(rels)
    assert f"{path}: units[1].nation: unknown nation 'XX'" in found
    assert any(
        p.startswith(
            f"{path}: relationships[{n - 3}]: opcon over 'gb-typhoon-1' overlaps"
            " relationship 'toa-gb-typhoon'"
        )
        for p in found
    )
    assert any(
        p.startswith(
            f"{path}: relationships[{n - 2}].superior: national command of"
            " 'de-patriot-1' must stay with its nation (DE)"
        )
        for p in found
    )
    assert any("commands[0]: command 'mnfu-hq' is above itself" in p for p in found)


def test_not_yaml_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nunits: [\n")
    with pytest.raises(ForceDataError) as exc:
        load_registry(broken)
    assert _problems(exc)[0].startswith(f"{broken}:3: not valid YAML")
    typo = _registry(tmp_path, {"unitz": []})
    with pytest.raises(ForceDataError) as exc:
        load_registry(typo)
    assert f"{typo}: unitz: Extra inputs are not permitted" in _problems(exc)


def _mandates(tmp_path: Path, mandate: dict[str, object]) -> Path:
    base: dict[str, object] = {
        "id": "m",
        "title": "t",
        "issuer": {"kind": "government", "name": "g"},
        "binds": ["GB"],
        "tasks": "any",
        "valid": {"from": "2026-01-01T00:00:00Z"},
    }
    base.update(mandate)
    path = tmp_path / "mandates.yaml"
    path.write_text(yaml.safe_dump({"format": 1, "mandates": [base, dict(base)]}))
    return path


def test_mandate_errors_name_file_path_and_reason(tmp_path: Path) -> None:
    registry = example_force().registry
    bow_tie = [[0, 0], [1, 1], [1, 0], [0, 1]]
    path = _mandates(
        tmp_path,
        {
            "binds": ["GB", "ZZ"],
            "area": {
                "within": [{"name": "bow tie", "polygon": bow_tie}],
                "excluded": [{"name": "missing", "geometry": "nowhere.geojson"}],
            },
        },
    )
    with pytest.raises(ForceDataError) as exc:
        load_mandates(path, registry)
    found = _problems(exc)
    assert f"{path}: mandates[1].id: 'm' is given twice (first at mandates[0])" in found
    assert f"{path}: mandates[0].binds: unknown nation 'ZZ' (not in the registry)" in found
    assert any(
        p.startswith(f"{path}: mandates[0].area.within[0]: polygon is not a simple area")
        for p in found
    )
    assert any(
        p.startswith(f"{path}: mandates[0].area.excluded[0]:") and "nowhere.geojson" in p
        for p in found
    )
    late = _mandates(
        tmp_path, {"valid": {"from": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}}
    )
    with pytest.raises(ForceDataError) as exc:
        load_mandates(late, registry)
    assert any("mandates[0].valid: Value error, until (2026-01-01" in p for p in _problems(exc))


def _pledge(value: float = 10.0) -> Commitment:
    start = (StatusChange(CommitmentStatus.PLEDGED, date(2026, 1, 1)),)
    return Commitment("c", "DE", CommitmentCategory.MILITARY, "x", value, start)


def test_commitments_move_forward_only_and_the_view_counts_each_level() -> None:
    c = advance(_pledge(), CommitmentStatus.CONTRACTED, date(2026, 2, 1))
    with pytest.raises(CommitmentError, match="cannot move from contracted to pledged"):
        advance(c, CommitmentStatus.PLEDGED, date(2026, 3, 1))
    with pytest.raises(CommitmentError, match="is before its contracted on 2026-02-01"):
        advance(c, CommitmentStatus.DELIVERED, date(2026, 1, 15))
    done = advance(c, CommitmentStatus.DELIVERED, date(2026, 3, 1))
    (row,) = progress([done, _pledge(30.0)])
    assert (row.pledged_eur, row.contracted_eur, row.delivered_eur) == (40.0, 10.0, 10.0)
    assert row.delivered_share == 0.25
    (before,) = progress([done], as_of=date(2026, 1, 31))
    assert (before.contracted_eur, before.delivered_eur) == (0.0, 0.0)


def test_a_commitments_file_that_goes_backwards_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "commitments.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "format": 1,
                "commitments": [
                    {
                        "id": "c",
                        "nation": "DE",
                        "category": "military",
                        "item": "x",
                        "value_eur": 1,
                        "history": [
                            {"status": "pledged", "day": "2026-01-01"},
                            {"status": "delivered", "day": "2026-02-01"},
                            {"status": "contracted", "day": "2026-03-01"},
                        ],
                    }
                ],
            }
        )
    )
    with pytest.raises(ForceDataError) as exc:
        load_commitments(path)
    assert _problems(exc) == [
        f"{path}: commitments[0].history[2]: commitment c: cannot move from delivered to"
        " contracted (only pledged -> contracted -> delivered)"
    ]
