"""`ceasefire force who|check|commitments` end to end, and the intents file shared with
`ceasefire deconflict strategic`."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from ceasefire.cli import app
from ceasefire.cli.force_cmd import demo_lines
from force_helpers import EXAMPLE_INTENTS

RUN = CliRunner()


def test_check_lists_every_refusal_with_its_clause_and_exits_1() -> None:
    result = RUN.invoke(app, ["force", "check", "--intents", str(EXAMPLE_INTENTS)])
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "ACCEPT op-gb-air-west" in out
    assert "REFUSE op-gb-air-east\n  mandate gb-government-2026, clause area.excluded[0]:" in out
    assert "REFUSE op-de-patriot-lviv\n  mandate de-bundestag-2026, clause caps.personnel:" in out
    assert "3 accepted, 4 refused" in out
    assert "error[verification-failed]: 4 of 7 operations refused" in result.stderr


def _example() -> list[dict[str, object]]:
    items: list[dict[str, object]] = yaml.safe_load(EXAMPLE_INTENTS.read_text())["intents"]
    return items


def test_check_exits_0_when_all_are_accepted_and_4_on_a_record_it_cannot_check(
    tmp_path: Path,
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_example()[:3]))
    result = RUN.invoke(app, ["force", "check", "--intents", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 accepted, 0 refused" in result.stdout
    bad_items = _example()[:2]
    ext = bad_items[1]["ceasefire"]
    assert isinstance(ext, dict)
    ext["task"] = "peacekeeping"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_items))
    result = RUN.invoke(app, ["force", "check", "--intents", str(bad)])
    assert result.exit_code == 4
    assert "[1] op-tr-mcm-odesa: ceasefire.task: 'peacekeeping' is not one of" in (
        result.stderr
    )
    assert "1 accepted, 0 refused" in result.stdout


def test_deconflict_strategic_reads_the_same_file_and_ignores_the_force_keys() -> None:
    result = RUN.invoke(app, ["deconflict", "strategic", "--intents", str(EXAMPLE_INTENTS)])
    assert result.exit_code == 0, result.output
    assert "ACCEPT op-gb-air-east v1" in result.stdout  # the deconflictor judges volumes only
    assert "7 accepted, 0 rejected" in result.stdout


def test_who_lists_units_with_nation_chain_and_mandates() -> None:
    args = ["force", "who", "--at", "2026-02-02T09:00:00Z", "--where", "49.73,27.27"]
    result = RUN.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "gb-typhoon-1 (aircraft, GB): stationed western Ukraine air base, 0.0 km away" in (
        result.stdout
    )
    assert "chain: OPCON mnfu-air < OPCON mnfu-hq; national command gb-contingent" in result.stdout
    assert "de-patriot" not in result.stdout  # Kyiv and Lviv are farther than 25 km
    doc = json.loads(RUN.invoke(app, [*args, "--json"]).stdout)
    units = {u["id"]: u for u in doc["units"]}
    assert set(units) == {"gb-typhoon-1", "fr-rafale-1"}
    assert units["gb-typhoon-1"]["answering"] == "mnfu-air"
    assert [c["relationship"] for c in units["gb-typhoon-1"]["chain"]] == [
        "toa-gb-typhoon",
        "air-under-hq",
        "gb-typhoon-natcom",
    ]
    # Before the transfer of authority the same jets answer to their nation.
    early = RUN.invoke(
        app, ["force", "who", "--at", "2026-01-15T05:59:00Z", "--where", "49.73,27.27", "--json"]
    )
    answering = {u["id"]: u["answering"] for u in json.loads(early.stdout)["units"]}
    assert answering == {"fr-rafale-1": "mnfu-air"}  # the Typhoons are not stationed yet


def test_who_names_the_mandate_that_forbids_there_and_finds_units_of_operations() -> None:
    args = [
        "force",
        "who",
        "--at",
        "2026-02-02T14:00:00Z",
        "--where",
        "47.84,35.14",
        "--json",
        "--intents",
        str(EXAMPLE_INTENTS),
    ]
    doc = json.loads(RUN.invoke(app, args).stdout)
    units = {u["id"]: u for u in doc["units"]}
    assert units["fr-monpost-1"]["why"].startswith("stationed Zaporizhzhia")
    assert units["gb-typhoon-1"]["why"] == "operation op-gb-air-east volume 0"
    gb = {m["id"]: m for m in units["gb-typhoon-1"]["mandates"]}
    assert not gb["gb-government-2026"]["allows_here"]
    assert gb["gb-government-2026"]["refusals"][0]["clause"] == "area.excluded[0]"
    assert gb["coalition-mnfu"]["allows_here"]


def test_who_refuses_a_bad_place_as_a_usage_error() -> None:
    result = RUN.invoke(app, ["force", "who", "--at", "2026-02-02T09:00:00Z", "--where", "Kyiv"])
    assert result.exit_code == 2
    assert "--where must be LAT,LON" in result.stderr


def test_commitments_view_by_nation_and_category() -> None:
    result = RUN.invoke(app, ["force", "commitments", "--json"])
    assert result.exit_code == 0, result.output
    rows = {(r["nation"], r["category"]): r for r in json.loads(result.stdout)}
    de = rows[("DE", "military")]
    assert (de["pledged_eur"], de["delivered_eur"], de["delivered_share"]) == (1e9, 1e9, 1.0)
    early = json.loads(
        RUN.invoke(app, ["force", "commitments", "--json", "--as-of", "2026-02-01"]).stdout
    )
    de_early = next(r for r in early if (r["nation"], r["category"]) == ("DE", "military"))
    assert (de_early["contracted_eur"], de_early["delivered_eur"]) == (1e9, 0.0)


def test_the_demo_shows_the_registry_and_one_refused_operation_with_its_clause() -> None:
    summary, example = demo_lines()
    assert summary == (
        "force (illustrative): 5 nations, 8 commands, 8 units, 7 mandates; example operations:"
        " 3 accepted, 4 refused"
    )
    assert example.startswith(
        "  e.g. REFUSE op-de-patriot-lviv: mandate de-bundestag-2026, clause caps.personnel: 180"
    )
