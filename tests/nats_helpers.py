"""A NATS JetStream server of the test's own (on a free port, storing in a temporary
directory) that a test can stop and start again, and `ceasefire worker` processes.

Never the machine's shared server: a fault test stops its server on purpose."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
CEASEFIRE = str(Path(sys.executable).parent / "ceasefire")

#: Upper bound on any one wait in these tests; a healthy run needs a few seconds.
WAIT_S = 45.0


def requires_nats_server() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not Path(NATS_SERVER).exists(),
        reason="nats-server is not installed (.ci/run installs Debian's nats-server)",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], bool], what: str, wait_s: float = WAIT_S) -> None:
    """Poll `condition` until it holds; fail naming `what` if it does not within `wait_s`."""
    deadline = time.monotonic() + wait_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {wait_s:.0f} s: {what}")
        time.sleep(0.02)


def _accepting(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class NatsServer:
    """One nats-server process with JetStream, restartable on the same port and store."""

    def __init__(self, store_dir: Path, port: int | None = None) -> None:
        self.store_dir = store_dir
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None
        self._log = store_dir.parent / f"nats-{self.port}.log"

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [NATS_SERVER, "-js", "-sd", str(self.store_dir), "-a", "127.0.0.1",
                 "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_until(lambda: _accepting(self.port), f"nats-server listening on {self.port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=WAIT_S)
            self._process = None


@contextmanager
def nats_server(tmp_path: Path, started: bool = True) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "jetstream")
    server.store_dir.mkdir()
    if started:
        server.start()
    try:
        yield server
    finally:
        server.stop()


def start_worker(
    url: str, db: Path, log: Path, *extra: str
) -> subprocess.Popen[bytes]:
    """`ceasefire worker` in its own process, its output in `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [CEASEFIRE, "worker", "--bus", url, "--db", str(db), *extra],
            stdout=out, stderr=subprocess.STDOUT,
        )


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CEASEFIRE, *args], capture_output=True, text=True, timeout=WAIT_S, check=False
    )
