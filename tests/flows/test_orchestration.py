"""Prefect's temporary API server: started with retries and longer waits; when it never comes up the run
ends with exit 3 in one line and its output files are there (what completed is written)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _inputs import blank_png

from flows.orchestration import TemporaryServer, run_api
from pipeline.errors import EXIT_ENVIRONMENT, OrchestrationError


class FakeServer:
    """Fails its first ``failures`` starts (as a server that is not up in time), then starts."""

    def __init__(self, log: list[str], failures: int) -> None:
        self.log, self.failures = log, failures

    def start(self, timeout: int) -> None:
        self.log.append(f"start {timeout}")
        if sum(entry.startswith("start") for entry in self.log) <= self.failures:
            raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")

    def stop(self) -> None:
        self.log.append("stop")


@pytest.fixture
def ephemeral(monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.orchestration

    monkeypatch.setattr(flows.orchestration, "_uses_ephemeral_server", lambda: True)


def test_a_slow_start_is_retried_with_longer_waits(ephemeral: None) -> None:
    from flows.orchestration import start_orchestration

    log: list[str] = []
    start_orchestration(10, 3, server=lambda: FakeServer(log, failures=2))
    # each failed attempt's process is stopped (Prefect leaves it running), each wait longer
    assert log == ["start 10", "stop", "start 20", "stop", "start 30"]


def test_a_server_that_never_starts_is_an_orchestration_error(ephemeral: None) -> None:
    from flows.orchestration import start_orchestration

    log: list[str] = []
    with pytest.raises(OrchestrationError) as caught:
        start_orchestration(1, 2, server=lambda: FakeServer(log, failures=99))
    assert caught.value.exit_code == EXIT_ENVIRONMENT and log.count("stop") == 2


def test_with_a_real_server_nothing_is_started() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.orchestration import start_orchestration

    log: list[str] = []
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        start_orchestration(1, 2, server=lambda: FakeServer(log, failures=0))
    assert log == []


@pytest.mark.slow
def test_the_cli_exits_3_and_the_files_are_written(tmp_path: Path) -> None:
    """In a real process: Prefect's temporary server cannot start (its database refuses connections),
    so every attempt times out; the run says so in one line, exit 3, and its files are there."""
    from _procs import prefect_env

    blank_png(tmp_path / "blank.png")
    env = prefect_env(tmp_path / "prefect", None)
    env.update(PREFECT_API_DATABASE_CONNECTION_URL="postgresql+asyncpg://nobody@127.0.0.1:1/prefect",
               YUSUAN_ORCHESTRATION_TIMEOUT="1", YUSUAN_ORCHESTRATION_ATTEMPTS="2")
    done = subprocess.run([str(Path(sys.executable).parent / "yusuan"), "ingest", str(tmp_path / "blank.png"),
                           "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "data"), "--no-db",
                           "--no-cross-check", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == EXIT_ENVIRONMENT, done.stderr[-2000:]
    assert json.loads(done.stdout)["fault"] == "orchestration_failed"
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    for name in ("records.jsonl", "tables.jsonl", "rejected.jsonl"):
        assert (tmp_path / "out" / name).exists()


class ExitingServer(TemporaryServer):
    """A temporary server whose process exits at once, as uvicorn does when its app cannot start."""

    def command(self) -> list[str]:
        return [sys.executable, "-c", "import sys; print('no database'); sys.exit(3)"]


def test_a_temporary_server_whose_process_exits_says_so_and_where_its_output_is(tmp_path: Path) -> None:
    server = ExitingServer(tmp_path / "home" / "temporary-server.log")
    with pytest.raises(RuntimeError) as caught:
        server.start(timeout=30)
    assert "exited with status 3" in str(caught.value) and "temporary-server.log" in str(caught.value)
    assert "no database" in (tmp_path / "home" / "temporary-server.log").read_text()
    server.stop()
    assert server.process is None


def test_a_failed_launch_is_retried_on_a_new_server_then_is_exit_3(ephemeral: None, tmp_path: Path) -> None:
    made: list[ExitingServer] = []

    def exiting() -> ExitingServer:
        made.append(ExitingServer(tmp_path / f"log{len(made)}"))
        return made[-1]

    first = exiting()
    first.launch()
    with pytest.raises(OrchestrationError), run_api(5, 2, first, server=exiting):
        pytest.fail("the flow must not run without an API")
    # the launched server was the first attempt, a new one the second; both stopped
    assert len(made) == 2 and all(server.process is None for server in made)


def test_with_a_server_named_in_a_profile_the_launched_one_is_stopped_unused(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    launched = ExitingServer(tmp_path / "log")
    launched.launch()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}), run_api(5, 1, launched):
        assert get_current_settings().api.url == "http://127.0.0.1:4200/api"
    assert launched.process is None


@pytest.mark.slow
def test_the_temporary_server_answers_and_the_run_talks_to_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect's real app: up within the wait, the flow's settings name it, and it is gone afterwards."""
    import urllib.request

    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    launched = TemporaryServer()
    launched.launch()
    process = launched.process
    with temporary_settings(restore_defaults={PREFECT_API_URL}), run_api(120, 1, launched):
        url = get_current_settings().api.url
        assert url == launched.api_url
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            assert response.status == 200
    assert launched.process is None and process is not None and process.poll() is not None
