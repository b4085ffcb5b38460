"""Scheduled ingestion: ``yusuan serve`` against a real ``prefect server start``, and its parts.

The end-to-end test serves the deployment in a subprocess, triggers a run through the
server's REST API (as ``prefect deployment run`` does), waits for it to complete and then
reads the inbox, the SQLite database and the run's markdown artifact.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from _inputs import blank_png
from _procs import prefect_env, stop, yusuan


# --- parts -------------------------------------------------------------------------


def test_a_move_never_overwrites(prefect_harness: None, tmp_path: Path) -> None:
    from flows.serve import move_without_overwrite

    done = tmp_path / "processed"
    first = tmp_path / "a.pdf"
    first.write_bytes(b"one")
    assert move_without_overwrite(first, done, "t1") == done / "a.pdf"
    again = tmp_path / "a.pdf"  # a changed file under the same name
    again.write_bytes(b"two")
    assert move_without_overwrite(again, done, "t2") == done / "a.t2.pdf"
    third = tmp_path / "a.pdf"
    third.write_bytes(b"three")
    assert move_without_overwrite(third, done, "t2") == done / "a.t2-2.pdf"
    assert sorted(p.read_bytes() for p in done.iterdir()) == [b"one", b"three", b"two"]
    assert not any(tmp_path.glob("a.pdf"))


def test_inbox_files_skip_folders_hidden_and_fresh_files(prefect_harness: None, tmp_path: Path) -> None:
    from flows.serve import inbox_files

    (tmp_path / "processed").mkdir()
    (tmp_path / ".part").write_bytes(b"x")
    old, fresh = tmp_path / "old.pdf", tmp_path / "fresh.pdf"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    now = time.time()
    os.utime(old, (now - 60, now - 60))
    assert inbox_files(tmp_path, settle_seconds=5, now=now) == [old]
    assert inbox_files(tmp_path, settle_seconds=0, now=now + 1) == [fresh, old]


def test_ephemeral_schedule_sleeps_until_each_cron_time(prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.serve

    clock = [datetime(2025, 3, 1, 10, 7, 30, tzinfo=timezone.utc)]
    runs: list[datetime] = []
    monkeypatch.setattr(flows.serve, "watch_inbox", lambda **kw: runs.append(clock[0]))

    def sleep(seconds: float) -> None:
        clock[0] += timedelta(seconds=seconds)

    count = flows.serve.run_on_schedule("*/15 * * * *", {}, max_runs=2, sleep=sleep, now=lambda: clock[0])
    assert count == 2
    assert [t.strftime("%H:%M") for t in runs] == ["10:15", "10:30"]


def test_summary_names_files_facts_reviews_and_rejects(prefect_harness: None) -> None:
    from flows.serve import FileOutcome, summary_markdown

    text = summary_markdown(Path("/in"), [FileOutcome("a.pdf", "processed", 11, 2, "processed/a.pdf"),
                                          FileOutcome("x.txt", "rejected: not_a_document", 0, 0, "quarantine/x.txt")])
    assert "- files: 2 (processed 1, unchanged 0, rejected 1)" in text
    assert "- facts: 11" in text and "- needs review: 2" in text and "- rejects: 1" in text
    assert "| x.txt | rejected: not_a_document | 0 | 0 | quarantine/x.txt |" in text


def test_serve_once_in_ephemeral_mode_empties_the_inbox(prefect_harness: None, tmp_path: Path) -> None:
    """``--once`` runs the same flow in-process (here under the harness) and exits."""
    from typer.testing import CliRunner

    from flows.cli import app

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blank_png(inbox / "blank.png")
    (inbox / "notes.txt").write_text("not a scan", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--watch", str(inbox), "--once", "--settle", "0",
                                      "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1, result.output  # one file quarantined
    assert [p.name for p in (inbox / "processed").iterdir()] == ["blank.png"]
    assert [p.name for p in (inbox / "quarantine").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in inbox.iterdir()) == ["processed", "quarantine"]


def test_serve_rejects_a_bad_cron(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["serve", "--watch", str(tmp_path), "--cron", "every day",
                                      "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2


# --- end to end against a real server ------------------------------------------------


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.e2e
def test_a_served_deployment_runs_on_a_real_prefect_server(prefect_server: str, batch_pdfs: list[Path],
                                                          tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    for path in batch_pdfs[:2]:
        (inbox / path.name).write_bytes(path.read_bytes())
    (inbox / "notes.txt").write_text("预算收支总表", encoding="utf-8")
    env = prefect_env(tmp_path / "prefect_home", prefect_server)
    # A schedule that will not fire during the test: the run is triggered on demand.
    serve = yusuan(["serve", "--watch", str(inbox), "--cron", "0 0 1 1 *", "--settle", "0",
                    "--data-dir", str(data), "--name", "e2e"], env, tmp_path / "serve.log")
    try:
        with httpx.Client(base_url=prefect_server, timeout=10) as api:
            def deployment():
                if serve.poll() is not None:
                    raise AssertionError((tmp_path / "serve.log").read_text(errors="replace")[-3000:])
                response = api.get("/deployments/name/watch-inbox/e2e")
                return response.json() if response.status_code == 200 else None

            dep = _wait(deployment, 90, "the deployment to be served")
            assert dep["schedules"] and dep["schedules"][0]["schedule"]["cron"] == "0 0 1 1 *"
            # Prefect's server answers 503 while its SQLite database is busy (the serve process
            # writing as it starts); Prefect's own client retries those, and so does this one.
            def created():
                response = api.post(f"/deployments/{dep['id']}/create_flow_run", json={})
                return None if response.status_code == 503 else response

            run = _wait(created, 60, "the server to take the flow run").raise_for_status().json()

            def final_state():
                state = api.get(f"/flow_runs/{run['id']}").json()["state"]
                return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

            state = _wait(final_state, 150, "the flow run to finish")
            assert state["type"] == "COMPLETED", (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
            artifacts = api.post("/artifacts/filter",
                                 json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}).json()
    finally:
        stop(serve)
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == ["budget0.pdf", "budget1.pdf"]
    assert [p.name for p in (inbox / "quarantine").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in inbox.iterdir()) == ["processed", "quarantine"]
    engine = create_engine(f"sqlite:///{data / 'yusuan.sqlite'}")
    try:
        with engine.connect() as db:
            docs = db.execute(text("select source, count(*) from documents group by source order by source")).all()
            facts = db.execute(text("select count(*) from facts")).scalar()
            rejections = db.execute(text("select source, error from rejections")).all()
    finally:
        engine.dispose()
    assert [tuple(d) for d in docs] == [("budget0.pdf", 1), ("budget1.pdf", 1)]
    assert facts == 22  # 11 facts per table
    assert [tuple(r) for r in rejections] == [("notes.txt", "not_a_document")]
    (artifact,) = [a for a in artifacts if a["type"] == "markdown"]
    assert artifact["key"] == "yusuan-inbox-run"
    assert "- files: 3 (processed 2, unchanged 0, rejected 1)" in artifact["data"]
    assert "- facts: 22" in artifact["data"]
