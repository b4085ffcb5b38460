"""Fixtures for the flow and CLI tests: one real ``prefect server start`` on loopback (for the
subprocess tests: scheduled ingestion, Dask, kill -9), started on first use; the in-process test
harness (``prefect_harness``) is in tests/conftest.py, shared with tests/reliability.

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
