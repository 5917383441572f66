"""Start and stop the local Cosmos DB emulator used by the tests and the notebooks:
the npm package ``@vercel/cosmosdb-server`` (NoSQL API over HTTPS on loopback, with its
own self-signed certificate; data in memory), installed by ``scripts/setup.sh`` into
``.cosmos-server/`` at the repository's root.

    with Emulator.start() as emu:
        wb = dbwork.connect(emu.url("shop"))     # the key comes from COSMOS_KEY

Known gaps (checked by tests/cosmos): ``replace_container`` makes the container again
empty (its items and unique keys are gone), transactional batches and throughput
(offers) fail, request charges are always 1 RU, there is no consistency
level and TTL does not expire items.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ...errors import ConfigError

PACKAGE = "@vercel/cosmosdb-server@1.0.1"
# any key signs requests the emulator accepts; this one is not a secret
EMULATOR_KEY = "ZGJ3b3JrLWxvY2FsLWVtdWxhdG9yLWtleQ=="


def find_server() -> str | None:
    """The emulator's executable: $DBWORK_COSMOS_SERVER, .cosmos-server/ at the repo
    root (scripts/setup.sh), or ``cosmosdb-server`` on PATH."""
    given = os.environ.get("DBWORK_COSMOS_SERVER")
    if given:
        return given
    root = Path(__file__).resolve().parents[3]
    local = root / ".cosmos-server" / "node_modules" / ".bin" / "cosmosdb-server"
    return str(local) if local.exists() else shutil.which("cosmosdb-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Emulator:
    """A running emulator on ``127.0.0.1:port``."""

    port: int
    process: subprocess.Popen

    @classmethod
    def start(cls, port: int | None = None, timeout: float = 20.0) -> "Emulator":
        server = find_server()
        if server is None:
            raise ConfigError(f"the Cosmos DB emulator is not installed: run "
                              f"scripts/setup.sh (npm install {PACKAGE})")
        port = port or free_port()
        process = subprocess.Popen([server, "--host", "127.0.0.1", "-p", str(port)],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        emulator = cls(port, process)
        emulator._wait_ready(timeout)
        os.environ.setdefault("COSMOS_KEY", EMULATOR_KEY)
        return emulator

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                raise ConfigError(f"the Cosmos DB emulator stopped: {out.strip()[-300:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise ConfigError(f"the Cosmos DB emulator did not answer within {timeout:.0f}s")

    def url(self, database: str) -> str:
        """A ``cosmos://`` URL for ``database`` (the self-signed certificate accepted)."""
        return f"cosmos://127.0.0.1:{self.port}/{database}?verify=false"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
