"""A real `ceasefire serve --demo` process for the browser tests, and a headless Chromium
(Debian's, through Playwright; nothing downloads a browser) that records every request and
every console message of its pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
#: The demo build ingests, assesses and fuses every bundled source: about a minute.
START_TIMEOUT_S = 400.0
_TOKEN = re.compile(r"^\s+(\S+)\s+(demo-[\w-]+)\s+(\S+)$")


@dataclass
class DemoServer:
    url: str
    tokens: dict[str, str]
    """Token by role (the RU liaison is ``party_liaison``'s first)."""
    vkey: str
    data_dir: Path

    def client(self, role: str) -> httpx.Client:
        """An HTTP client with the token of `role`, beside the browser."""
        return httpx.Client(base_url=self.url,
                            headers={"Authorization": f"Bearer {self.tokens[role]}"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _read_banner(process: subprocess.Popen[str]) -> tuple[dict[str, str], str]:
    tokens: dict[str, str] = {}
    vkey = ""
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("log key"):
            vkey = line.split(": ", 1)[1].strip()
        match = _TOKEN.match(line.rstrip("\n"))
        if match:
            tokens.setdefault(match[1], match[3])
            if len(tokens) == 7:  # every role
                return tokens, vkey
    raise RuntimeError(f"serve --demo ended before printing its tokens (exit {process.wait()})")


@contextmanager
def demo_server(data_dir: Path) -> Iterator[DemoServer]:
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "ceasefire"), "serve", "--demo",
         "--data-dir", str(data_dir), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "CEASEFIRE_RATE_PER_MINUTE": "100000"},
    )
    try:
        tokens, vkey = _read_banner(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield DemoServer(url, tokens, vkey, data_dir)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Watched:
    """A page and what it did: every request URL, console errors, failed requests."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def watched_page(browser: Browser, width: int = 1366, height: int = 768) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    watched = Watched(page)

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    def failed(request: Request) -> None:
        watched.errors.append(f"request failed: {request.url} {request.failure}")

    page.on("console", console)
    page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("requestfailed", failed)
    try:
        yield watched
    finally:
        context.close()


def sign_in(watched: Watched, server: DemoServer, role: str, fragment: str = "") -> None:
    """Open the dashboard, paste the role's token into the sign-in dialog, wait until ready."""
    page = watched.page
    page.goto(f"{server.url}/{fragment}")
    page.locator("#token").fill(server.tokens[role])
    page.locator("#token").press("Enter")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
