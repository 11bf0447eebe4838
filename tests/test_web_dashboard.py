"""The dashboard in a real browser (issue 12): headless Debian Chromium through Playwright,
against a real `ceasefire serve --demo` over the bundled data.

Every page here records each request and console message: no request may leave the server's
origin and no console error may appear. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from web_helpers import ARTIFACTS, DemoServer, Watched, chromium, demo_server, sign_in, watched_page

pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """A fresh demo data directory, or the one named by CEASEFIRE_WEB_DEMO_DIR (`serve --demo`
    reuses a store it built before, which saves the minute the build takes while developing)."""
    reuse = os.environ.get("CEASEFIRE_WEB_DEMO_DIR")
    directory = Path(reuse) if reuse else tmp_path_factory.mktemp("demo")
    with demo_server(directory) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def _clean(watched: Watched, server: DemoServer) -> None:
    assert watched.errors == []
    assert watched.requests, "the page made no request at all"
    outside = [u for u in watched.requests if not u.startswith(server.url + "/")]
    assert outside == []


def _count(watched: Watched, selector: str) -> int:
    return int(watched.page.locator(selector).count())


def test_map_and_layers_render(server: DemoServer, browser: Browser) -> None:
    with watched_page(browser) as watched:
        started = time.monotonic()
        sign_in(watched, server, "reviewer")
        ready_s = time.monotonic() - started
        page = watched.page
        assert _count(watched, ".leaflet-base-pane path") > 50  # countries and oblasts
        assert _count(watched, ".leaflet-front-pane path") >= 2  # occupied area and the line
        page.select_option("#agreement", "settlement-2025-12-15")
        page.wait_for_selector(".leaflet-zones-pane path")
        page.wait_for_selector("body:not([data-busy])")
        assert _count(watched, ".leaflet-zones-pane path") >= 3  # line, zones, corridors
        page.check("#all-days")
        page.wait_for_selector("body:not([data-busy])")
        total = int(page.get_attribute("body", "data-incidents") or 0)
        assert total > 1000  # the demo's incidents, aggregated
        assert _count(watched, ".cell-icon") > 0
        assert int(page.locator(".cell-icon").first.inner_text()) > 0
        watched.screenshot("map-all-days")
        (ARTIFACTS / "first-view-seconds.txt").write_text(f"{ready_s:.2f}\n")
    _clean(watched, server)


def test_url_keeps_the_view(server: DemoServer, browser: Browser) -> None:
    with watched_page(browser) as watched:
        sign_in(watched, server, "analyst",
                "#day=2025-12-15&agreement=christmas-truce-2025&state=reported&tab=queue")
        page = watched.page
        assert page.input_value("#agreement") == "christmas-truce-2025"
        assert page.input_value("#state") == "reported"
        assert "2025-12-15" in page.inner_text("#day-label")
        page.locator("#next-day").click()
        page.wait_for_url(lambda url: "day=2025-12-16" in url)
        shared = page.url
    with watched_page(browser) as again:
        sign_in(again, server, "analyst", "#" + shared.split("#", 1)[1])
        assert "2025-12-16" in again.page.inner_text("#day-label")
        assert again.page.input_value("#state") == "reported"
        assert "token" not in again.page.url
    _clean(watched, server)
    _clean(again, server)


def test_scrubbing_fast_shows_the_last_day_asked_for(server: DemoServer,
                                                     browser: Browser) -> None:
    with watched_page(browser) as watched:
        sign_in(watched, server, "monitor", "#day=2025-03-01")
        page = watched.page
        for _ in range(6):  # without waiting for the answers
            page.locator("#next-day").click()
        page.wait_for_url(lambda url: "day=2025-03-07" in url)
        page.wait_for_selector("body:not([data-busy])")
        with server.client("monitor") as monitor:
            expected = monitor.get("/v1/map/incidents", params={"day": "2025-03-07"}).json()
        assert expected["total"] > 0  # a day with incidents, unlike the first one
        label = page.inner_text("#day-label")
        assert label.startswith(f"2025-03-07: {expected['total']} incidents"), label
        assert page.get_attribute("body", "data-incidents") == str(expected["total"])
    _clean(watched, server)


def test_queue_walked_incident_verified_and_proof_checked(server: DemoServer,
                                                          browser: Browser) -> None:
    with watched_page(browser) as watched:
        sign_in(watched, server, "reviewer", "#all=1&agreement=christmas-truce-2025")
        page = watched.page
        waiting = page.locator("#queue .waiting strong").first.inner_text()
        assert int(waiting) > 0  # corroborated incidents wait for a reviewer
        queue = page.locator("#queue [role=listbox]")
        queue.focus()
        queue.press("ArrowDown")
        queue.press("ArrowDown")
        chosen = page.locator("#queue [aria-selected=true]").get_attribute("data-id")
        queue.press("Enter")
        page.wait_for_selector("#incident-title")
        assert page.inner_text("#incident-title") == chosen
        for heading in ("Attribution", "Observations", "Sources (independence)",
                        "Fusion reasoning", "Workflow history", "Response clocks",
                        "Findings and clauses (christmas-truce-2025)"):
            assert page.locator("#incident h3", has_text=heading).count() == 1, heading
        page.select_option("#decide-to", "verified")
        page.fill("#decide-reason", "two independent reports agree (browser test)")
        page.click("#decide")
        page.wait_for_selector("#incident .state.verified")
        history = page.locator("#incident table", has=page.locator("th", has_text="from"))
        assert "corroborated \u2192 verified" in history.inner_text()
        page.fill("#vkey", server.vkey)
        page.click("#check-proof")
        page.wait_for_selector("#proof-result.ok", timeout=30_000)
        assert "Checked by this browser" in page.inner_text("#proof-result")
        steps = page.inner_text("#proof-steps")
        assert "leaf hash recomputed in the browser" in steps
        assert "Ed25519 signature" in steps
        watched.screenshot("incident-verified-proof")
    _clean(watched, server)
    with server.client("public") as public:
        shown = public.get(f"/v1/incidents/{chosen}")  # verified now: published
    assert shown.status_code == 200
    assert shown.json()["state"] == "verified"


def test_a_tampered_proof_is_refused_in_the_browser(server: DemoServer,
                                                    browser: Browser) -> None:
    """The same check with a key that is not the log's: the page must say it failed."""
    with watched_page(browser) as watched:
        sign_in(watched, server, "admin", "#all=1")
        page = watched.page
        page.locator("#queue [role=listbox] li").first.click()
        page.wait_for_selector("#check-proof")
        other = "other+0b1f4a7e+AQ" + "A" * 42 + "="
        page.fill("#vkey", other)
        page.click("#check-proof")
        page.wait_for_selector("#proof-result.error")
        assert "failed" in page.inner_text("#proof-result").lower()
    _clean(watched, server)


def test_keyboard_alone(server: DemoServer, browser: Browser) -> None:
    with watched_page(browser) as watched:
        page = watched.page
        page.goto(server.url + "/#all=1")
        page.keyboard.type(server.tokens["reviewer"])  # the dialog's field has the focus
        page.keyboard.press("Enter")
        page.wait_for_selector("body[data-ready='1']")
        page.keyboard.press("q")
        assert page.evaluate("document.activeElement.getAttribute('role')") == "listbox"
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_selector("#incident-title")
        assert page.evaluate("document.activeElement.id") == "incident-title"
        for _ in range(40):  # Tab to the proof button, then press it
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "vkey":
                page.keyboard.type(server.vkey)
            if page.evaluate("document.activeElement.id") == "check-proof":
                break
        assert page.evaluate("document.activeElement.id") == "check-proof"
        page.keyboard.press("Enter")
        page.wait_for_selector("#proof-result.ok", timeout=30_000)
        page.keyboard.press("m")
        assert page.evaluate("document.activeElement.id") == "map"
        before = page.url
        page.keyboard.press("]")
        page.wait_for_url(lambda url: url != before)
        assert "day=" in page.url
        watched.screenshot("keyboard-1366x768")
    _clean(watched, server)


def _volume(lon: float, start: datetime) -> dict[str, object]:
    return {"circle": {"lon": lon, "lat": 49.5, "radius_m": 2000.0}, "lower_m": 0.0,
            "upper_m": 1000.0, "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat()}


def _plan(client: httpx.Client, intent_id: str, lon: float, priority: int,
          start: datetime) -> None:
    body: dict[str, object] = {"id": intent_id, "command": "1st Air Wing", "priority": priority,
                               "volumes": [_volume(lon, start)]}
    seen = client.post("/v1/intents/area", json={"volumes": body["volumes"]})
    body["seen"] = seen.json()["seen"]
    answer = client.post("/v1/intents", json=body)
    assert answer.status_code == 201, answer.text


def test_the_deconfliction_board(server: DemoServer, browser: Browser) -> None:
    """Two overlapping intents (the second, of higher priority, accepted over the first), one
    apart, and two tracks head-on: the board marks the pair, the map draws them."""
    start = datetime.now(UTC) + timedelta(hours=2)
    with server.client("operations_planner") as planner:
        _plan(planner, "board-a", 25.50, 0, start)
        _plan(planner, "board-b", 25.51, 10, start)
        _plan(planner, "board-c", 27.00, 0, start)
    now = datetime.now(UTC).isoformat()
    head_on = [{"id": "TRK1", "t": now, "lat": 49.0, "lon": 30.0, "alt_m": 1000.0,
                "trk_deg": 90.0, "gs_mps": 200.0},
               {"id": "TRK2", "t": now, "lat": 49.0, "lon": 30.2, "alt_m": 1000.0,
                "trk_deg": 270.0, "gs_mps": 200.0}]
    with server.client("monitor") as monitor:
        assert monitor.post("/v1/tracks", json={"states": head_on}).status_code in (200, 201)
    with watched_page(browser) as watched:
        sign_in(watched, server, "reviewer", "#tab=board")
        page = watched.page
        page.wait_for_selector("#intent-axis")
        assert page.inner_text("#intent-overlaps") == "2"
        assert page.inner_text("#track-conflicts") == "1"
        assert _count(watched, "#intent-axis rect.conflict") == 2
        marked = page.locator("#intents tr.conflict td:first-child").all_inner_texts()
        assert sorted(t.split()[0] for t in marked) == ["board-a", "board-b"]
        assert _count(watched, ".leaflet-zones-pane path") >= 3  # the three intents
        watched.screenshot("deconfliction-board")
    _clean(watched, server)


@pytest.mark.parametrize("role", ["public", "party_liaison", "operations_planner"])
def test_other_roles_see_their_part_without_errors(server: DemoServer, browser: Browser,
                                                   role: str) -> None:
    with watched_page(browser) as watched:
        sign_in(watched, server, role, "#all=1")
        page = watched.page
        assert _count(watched, ".leaflet-base-pane path") > 50
        assert "Only the mission reviews incidents" in page.inner_text("#queue")
        page.locator("#tab-board").click()
        page.wait_for_selector("#board h2")
        if role == "operations_planner":
            page.wait_for_selector("#board #intent-overlaps")
        watched.screenshot(f"role-{role}")
    _clean(watched, server)
