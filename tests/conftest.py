"""Test tiers: ``pytest -m "not slow"`` is the quick feedback loop (about a minute); CI runs everything.

A test is slow when it needs a Prefect server (the in-process harness or a real one), runs
end to end over rendered documents (``e2e``), or is marked ``slow`` itself.  The marker is
set here from what a test uses, so a new test that starts a server is never mistaken for a
quick one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

_SLOW_FIXTURES = frozenset({"prefect_harness", "prefect_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses_server = bool(_SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
        if uses_server or item.get_closest_marker("e2e") is not None:
            item.add_marker(pytest.mark.slow)


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
