"""Prefect's temporary API server, started before the flow with retries and a longer wait.

In ephemeral mode (no PREFECT_API_URL) Prefect starts a uvicorn subprocess on first use and
waits ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (20 s) for it; on a loaded machine
it sometimes is not up in time, and the run died with a traceback having written nothing.
Here the server is started before the flow: each attempt waits longer than the last, a
failed attempt's process is stopped (Prefect leaves it running), and when every attempt
fails the run ends with :class:`~pipeline.errors.OrchestrationError` (exit 3, one line).
Prefect's client then finds the running server (one instance per process) and uses it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from pipeline.errors import OrchestrationError

log = logging.getLogger(__name__)


def _uses_ephemeral_server() -> bool:
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    return not settings.api.url and bool(settings.server.ephemeral.enabled)


def _default_server() -> Any:
    from prefect.server.api.server import SubprocessASGIServer

    return SubprocessASGIServer()


def start_orchestration(timeout: float, attempts: int, server: Callable[[], Any] | None = None) -> None:
    """Make sure Prefect's API is up: nothing to do with a real server (PREFECT_API_URL); otherwise
    start the temporary one, waiting ``timeout`` x attempt seconds on each of ``attempts`` tries.
    ``server`` makes the server object (tests pass one that fails)."""
    if not _uses_ephemeral_server():
        return
    server = server or _default_server
    failure: BaseException | None = None
    for attempt in range(1, attempts + 1):
        instance = server()
        wait = int(timeout * attempt)
        try:
            instance.start(timeout=wait)
            return
        except Exception as exc:  # noqa: BLE001 - Prefect raises RuntimeError, httpx errors, OSError
            failure = exc
            log.warning("Prefect's temporary API server did not start (attempt %d of %d, %d s): %s", attempt,
                        attempts, wait, _first_line(exc))
            _stop_quietly(instance)
    raise OrchestrationError(f"Prefect's temporary API server did not start after {attempts} attempts "
                             f"({_first_line(failure)}); set PREFECT_API_URL to a running `prefect server start`, "
                             f"or raise YUSUAN_ORCHESTRATION_TIMEOUT")


def _stop_quietly(instance: Any) -> None:
    try:
        instance.stop()
    except Exception:  # noqa: BLE001 - best effort: the process may already be gone
        log.debug("stopping the failed server", exc_info=True)


def _first_line(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "unknown error"
    return text.splitlines()[0][:200] if text else type(exc).__name__
