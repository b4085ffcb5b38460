"""Test tiers: ``pytest -m "not slow"`` is the quick feedback loop (about a minute); CI runs everything.

A test is slow when it needs a Prefect server (the in-process harness or a real one), runs
end to end over rendered documents (``e2e``), or is marked ``slow`` itself.  The marker is
set here from what a test uses, so a new test that starts a server is never mistaken for a
quick one.
"""

from __future__ import annotations

import pytest

_SLOW_FIXTURES = frozenset({"prefect_harness", "prefect_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses_server = bool(_SLOW_FIXTURES & set(getattr(item, "fixturenames", ())))
        if uses_server or item.get_closest_marker("e2e") is not None:
            item.add_marker(pytest.mark.slow)
