"""Subprocesses for the flow tests: a real ``prefect server start`` on loopback and ``yusuan`` runs.

Every wait is bounded; every process started here is stopped here (its own process group:
SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the process, then its whole group with SIGKILL if it is not gone within ``grace``."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # leftovers of the group (the process is its leader)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def prefect_env(home: Path, api_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING",
               PYTHONUNBUFFERED="1")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def start_prefect_server(home: Path, log: Path, timeout: float = 120.0) -> tuple[subprocess.Popen, str]:
    """``prefect server start`` on 127.0.0.1 and a free port; returns once /api/health answers."""
    port = free_port()
    env = prefect_env(home, None)
    env["PREFECT_SERVER_LOGGING_LEVEL"] = "WARNING"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return proc, api
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    raise RuntimeError(f"prefect server not healthy after {timeout} s: {log.read_text(errors='replace')[-2000:]}")


def yusuan(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """``yusuan ARGS`` in its own process group, output to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen([str(BIN / "yusuan"), *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def run_yusuan(args: list[str], env: dict[str, str], log: Path, timeout: float = 180.0) -> int:
    proc = yusuan(args, env, log)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc, grace=5)
        raise
