"""How long the dashboard's first view takes to become interactive, in headless Chromium.

    .venv/bin/ceasefire serve --demo --data-dir /tmp/demo --port 8765   # prints tokens
    .venv/bin/python bench/bench_dashboard.py --url http://127.0.0.1:8765 --token TOKEN

Measures, for each run, the time from navigation (the token already in sessionStorage, as
after a sign-in) to the page marking itself ready: basemap, line of contact, incidents of the
day aggregated for the zoom, and the review queue drawn and answering keys. The first run
after the service started also builds the service's incident index. Prints one line per run
and the number of incidents the view covered. A measurement, not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import json
import time

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fragment", default="#all=1", help="The view, as a shared link.")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for run in range(args.runs):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(
                f"sessionStorage.setItem('ceasefire.token', {json.dumps(args.token)})")
            page = context.new_page()
            started = time.perf_counter()
            page.goto(f"{args.url}/{args.fragment}")
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
            seconds = time.perf_counter() - started
            print(f"run {run + 1}: interactive after {seconds:.2f} s,"
                  f" {page.get_attribute('body', 'data-incidents')} incidents in view")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
