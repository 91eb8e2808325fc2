"""moto's server in its own process, for tests and the bench that must not share the in-process moto."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

# Managed policies loaded (execution roles attach them); default AMIs skipped (slow, unused).
MOTO_ENV = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    pid: int  # the bench reads the server's own CPU time from /proc/<pid>/stat


@contextmanager
def moto_server(start_timeout: float = 60) -> Iterator[MotoServer]:
    """``python -m moto.server`` on 127.0.0.1 (a free port), killed on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **MOTO_ENV},
    )
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield MotoServer(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.kill()  # moto's server holds nothing worth a graceful shutdown
        process.wait()


@contextmanager
def moto_server_process(start_timeout: float = 60) -> Iterator[str]:
    """The endpoint of a fresh moto server (see ``moto_server``)."""
    with moto_server(start_timeout) as server:
        yield server.endpoint
