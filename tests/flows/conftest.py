"""Fixtures for the flow and CLI tests: one temporary Prefect server per session (the test
harness, for in-process flows) and one real ``prefect server start`` on loopback (for the
subprocess tests: scheduled ingestion, Dask, kill -9), both started on first use.

Prefect reads its settings from the environment when it is first imported,
so the session fixture sets PREFECT_HOME (a temporary folder) and turns
analytics off *before* importing anything that imports Prefect.  Test
modules here must not import prefect or flows.ingest at module level.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from _inputs import budget_pdf_bytes


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("prefect_home")
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_LOGGING_LEVEL")}
    os.environ["PREFECT_HOME"] = str(home)
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def budget_pdf() -> bytes:
    return budget_pdf_bytes()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prefect server (``prefect server start``) on 127.0.0.1; yields its API URL."""
    from _procs import start_prefect_server, stop

    home = tmp_path_factory.mktemp("prefect_server_home")
    proc, api = start_prefect_server(home, home / "server.log")
    try:
        yield api
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def batch_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three distinct one-page scanned budget tables (different amounts, different sha256)."""
    folder = tmp_path_factory.mktemp("batch_pdfs")
    paths = []
    for variant in range(3):
        path = folder / f"budget{variant}.pdf"
        path.write_bytes(budget_pdf_bytes(variant))
        paths.append(path)
    return paths
