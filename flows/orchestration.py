"""Prefect's API for a run: a real server (PREFECT_API_URL), or a temporary one started for the run.

In ephemeral mode (no PREFECT_API_URL) Prefect starts a uvicorn subprocess on first use and
waits ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (20 s) for it; on a loaded machine
it sometimes is not up in time, and the run died with a traceback having written nothing.
Here the server is started before the flow: each attempt waits longer than the last, a
failed attempt's process is stopped (Prefect leaves it running), and when every attempt
fails the run ends with :class:`~pipeline.errors.OrchestrationError` (exit 3, one line).

``ingest`` launches the server itself (:class:`TemporaryServer`, Prefect's own app factory run
the way Prefect runs it) as its first act, before Prefect is imported in the CLI's process:
the server's 3-4 s of start-up then overlap the CLI's imports and the workers' start, and the
CLI never imports Prefect's server package (2.3 s) only to launch it.  ``serve`` keeps Prefect's
own launcher, whose singleton Prefect's client finds by itself.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import OrchestrationError

log = logging.getLogger(__name__)

HEALTH_POLL_S = 0.05  # the server answers within milliseconds once up; polling is cheap


class Server(Protocol):
    def start(self, timeout: int) -> None: ...
    def stop(self) -> None: ...


def _uses_ephemeral_server() -> bool:
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    return not settings.api.url and bool(settings.server.ephemeral.enabled)


def _default_server() -> Any:
    from prefect.server.api.server import SubprocessASGIServer

    return SubprocessASGIServer()


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TemporaryServer:
    """Prefect's API app in a uvicorn subprocess on a free loopback port: launched without
    waiting (:meth:`launch`), waited for when the flow needs it (:meth:`start`).

    Runs ``prefect.server.api.server:create_app`` with the environment Prefect's own ephemeral
    launcher gives it (no UI, ephemeral services); its output goes to ``log_path`` (PREFECT_HOME's
    ``temporary-server.log``), named in the error when it does not come up."""

    def __init__(self, log_path: Path | None = None) -> None:
        home = os.environ.get("PREFECT_HOME")
        self.log_path = log_path or (Path(home) / "temporary-server.log" if home else None)
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def command(self) -> list[str]:
        """The server's command line: Prefect's app factory under uvicorn, as Prefect runs it."""
        return [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]

    def launch(self) -> None:
        if self.process is not None:
            return
        self.port = _free_port()
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        env.pop("PREFECT_API_URL", None)
        output = self._open_log()
        try:
            self.process = subprocess.Popen(self.command(), env=env, stdout=output, stderr=output,
                                            stdin=subprocess.DEVNULL)
        finally:
            if output is not subprocess.DEVNULL:
                output.close()

    def _open_log(self) -> Any:
        if self.log_path is None:
            return subprocess.DEVNULL
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            return open(self.log_path, "ab")  # the child process keeps it open
        except OSError:
            self.log_path = None  # an unwritable home: the server's output is dropped, not the run
            return subprocess.DEVNULL

    def start(self, timeout: int) -> None:
        """Launched if not yet, then up within ``timeout`` seconds, or RuntimeError."""
        self.launch()
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server process exited with status {self.process.returncode}"
                                   + (f" (its output: {self.log_path})" if self.log_path else ""))
            if self._healthy():
                return
            time.sleep(HEALTH_POLL_S)
        raise RuntimeError(f"not up after {timeout} s" + (f" (its output: {self.log_path})" if self.log_path else ""))

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def launch_temporary_server() -> TemporaryServer | None:
    """The run's temporary server, launched now (not waited for); None when PREFECT_API_URL names
    a server.  Call after :func:`flows.cli.configure_prefect` (the server inherits PREFECT_HOME)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    server = TemporaryServer()
    server.launch()
    return server


def start_orchestration(timeout: float, attempts: int, server: Callable[[], Server] | None = None,
                        first: Server | None = None) -> Server | None:
    """Make sure Prefect's API is up: nothing to do with a real server (PREFECT_API_URL, returns
    None); otherwise start the temporary one, waiting ``timeout`` x attempt seconds on each of
    ``attempts`` tries, and return it.  ``server`` makes the server object (Prefect's launcher
    by default; tests pass one that fails); ``first`` is one already launched, tried first."""
    if not _uses_ephemeral_server():
        return None
    server = server or _default_server
    failure: BaseException | None = None
    for attempt in range(1, attempts + 1):
        instance = first if attempt == 1 and first is not None else server()
        wait = int(timeout * attempt)
        try:
            instance.start(timeout=wait)
            return instance
        except Exception as exc:  # noqa: BLE001 - Prefect raises RuntimeError, httpx errors, OSError
            failure = exc
            log.warning("Prefect's temporary API server did not start (attempt %d of %d, %d s): %s", attempt,
                        attempts, wait, _first_line(exc))
            _stop_quietly(instance)
    raise OrchestrationError(f"Prefect's temporary API server did not start after {attempts} attempts "
                             f"({_first_line(failure)}); set PREFECT_API_URL to a running `prefect server start`, "
                             f"or raise YUSUAN_ORCHESTRATION_TIMEOUT")


@contextmanager
def run_api(timeout: float, attempts: int, launched: TemporaryServer | None,
            server: Callable[[], TemporaryServer] = TemporaryServer,
            when_up: Callable[[], None] | None = None) -> Iterator[None]:
    """Prefect's API for the flow run inside: a real server when one is configured (``launched``
    is then stopped unused: a profile named it), otherwise ``launched`` (or another
    ``server()``, a new one, when it fails), stopped on the way out; ``when_up`` is called once a
    temporary server is up, before the flow."""
    started: Server | None = None
    try:
        started = start_orchestration(timeout, attempts, server=server, first=launched)
        if started is None:
            yield
            return
        from prefect.settings import PREFECT_API_URL, temporary_settings

        assert isinstance(started, TemporaryServer)
        if when_up is not None:
            when_up()
        with temporary_settings(updates={PREFECT_API_URL: started.api_url}):
            yield
    finally:
        for running in (launched, started):  # often one object: stopping twice is a no-op
            if running is not None:
                _stop_quietly(running)


def _stop_quietly(instance: Server) -> None:
    try:
        instance.stop()
    except Exception:  # noqa: BLE001 - best effort: the process may already be gone
        log.debug("stopping the failed server", exc_info=True)


def _first_line(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "unknown error"
    return text.splitlines()[0][:200] if text else type(exc).__name__
