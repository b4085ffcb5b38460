"""Faults injected into a run: the database going away mid-run, two ingests into one SQLite database at
once, ``kill -9`` during ``serve``.  In each, no record is lost and none is stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from _inputs import budget_pdf_bytes
from _procs import prefect_env, run_yusuan, stop, yusuan

FACTS_PER_PAGE = 11  # the budget page's non-empty value cells


def _pdfs(folder: Path, variants: range) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for variant in variants:
        path = folder / f"budget{variant}.pdf"
        path.write_bytes(budget_pdf_bytes(variant))
        paths.append(path)
    return paths


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stored(db: Path) -> dict[str, int]:
    """Facts per stored document source, and how many times each document is stored."""
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT d.source, COUNT(DISTINCT d.id), COUNT(f.id) FROM documents d"
                " LEFT JOIN facts f ON f.document_id = d.id GROUP BY d.source")).all()
    finally:
        engine.dispose()
    assert all(copies == 1 for _, copies, _ in rows), rows
    return {source: facts for source, _, facts in rows}


class _BreaksAfterFirst:
    """A sink that pulls the database away (its folder moved, its connections closed) once the first
    document is stored: the next save meets a real 'unable to open database file'."""

    def __init__(self, inner: Any, store: Any, data: Path) -> None:
        self._inner, self._store, self._data = inner, store, data
        self.broken = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def accept(self, result: Any) -> None:
        self._inner.accept(result)
        if not self.broken:
            self.broken = True
            self._store.engine.dispose()
            self._data.rename(self._data.with_name("db-away"))


def test_the_database_going_away_mid_run_loses_nothing_and_the_rerun_resumes(
        prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.ingest
    from flows.ingest import ingest_flow
    from flows.sink import OutputSink
    from pipeline.ocr.base import LineReading
    from pipeline.ocr.fake import FakeEngine
    from pipeline.output.store import open_store
    from pipeline.settings import Settings

    engine = FakeEngine(lambda image: LineReading(text="100.00", confidence=0.99))
    monkeypatch.setattr(flows.ingest, "_engine", lambda name: engine)
    inputs = _pdfs(tmp_path / "in", range(7, 10))  # pages no other test has read: the cache starts empty
    data, db = tmp_path / "data", tmp_path / "db"  # the database in a folder of its own, to pull away
    settings = Settings(cross_check=False, data_dir=data)
    url = f"sqlite:///{db / 'yusuan.sqlite'}"

    store = open_store(url)
    sink = _BreaksAfterFirst(OutputSink(tmp_path / "first", store), store, db)
    ingest_flow(inputs, settings, None, sink, 0)
    sink.close()
    first_calls = engine.calls
    assert first_calls > 0 and sink.database_error is not None
    assert [line.stored for line in sink.lines] == [True, False, False]
    # Every fact read is in the file, stored or not.
    written = _lines(tmp_path / "first" / "records.jsonl")
    assert {r["source"] for r in written} == {p.name for p in inputs}

    (tmp_path / "db-away").rename(db)  # the database is back
    store = open_store(url)
    sink2 = OutputSink(tmp_path / "second", store)
    ingest_flow(inputs, settings, None, sink2, 0)
    sink2.close()
    assert engine.calls == first_calls  # no page read again: all from the page cache
    assert [line.outcome for line in sink2.lines] == ["unchanged", "processed", "processed"]
    assert sink2.database_error is None
    stored = _stored(db / "yusuan.sqlite")
    assert stored == {p.name: sum(r["source"] == p.name for r in written) for p in inputs}
    assert sorted(map(json.dumps, _lines(tmp_path / "second" / "records.jsonl"))) == sorted(map(json.dumps, written))


@pytest.mark.slow
def test_two_ingests_into_one_sqlite_database_at_once(tmp_path: Path) -> None:
    """Two processes, overlapping inputs, one data folder: both finish, each document stored once."""
    inputs = _pdfs(tmp_path / "in", range(3))
    env = prefect_env(tmp_path / "data" / "prefect", None)
    data = tmp_path / "data"
    runs = [yusuan(["ingest", *map(str, files), "--out", str(tmp_path / name), "--data-dir", str(data),
                    "--no-cross-check"], env, tmp_path / f"{name}.log")
            for name, files in (("a", inputs[:2]), ("b", inputs[1:]))]
    try:
        statuses = [proc.wait(timeout=600) for proc in runs]
    finally:
        for proc in runs:
            stop(proc, grace=5)
    assert statuses == [0, 0], [(tmp_path / f"{n}.log").read_text(errors="replace")[-2000:] for n in "ab"]
    assert _stored(data / "yusuan.sqlite") == {p.name: FACTS_PER_PAGE for p in inputs}
    for name, files in (("a", inputs[:2]), ("b", inputs[1:])):
        assert len(_lines(tmp_path / name / "records.jsonl")) == FACTS_PER_PAGE * len(files)


@pytest.mark.slow
def test_kill_9_during_serve_then_the_next_run_finishes_the_inbox(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inputs = _pdfs(inbox, range(3, 6))
    old = time.time() - 60
    for path in inputs:
        os.utime(path, (old, old))  # settled
    data = tmp_path / "data"
    env = prefect_env(data / "prefect", None)
    args = ["serve", "--watch", str(inbox), "--once", "--data-dir", str(data), "--no-cross-check"]
    proc = yusuan(args, env, tmp_path / "killed.log")
    try:
        deadline = time.monotonic() + 300
        # Kill once the run holds the lock and has started on the files (its run folder exists).
        while time.monotonic() < deadline and not list((data / "inbox-runs").glob("*/records.jsonl")):
            assert proc.poll() is None, (tmp_path / "killed.log").read_text(errors="replace")[-2000:]
            time.sleep(0.2)
        time.sleep(2)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        stop(proc, grace=1)
    # The kernel dropped the lock with the process: the next run is not turned away.
    status = run_yusuan(args, env, tmp_path / "rerun.log", timeout=600)
    assert status == 0, (tmp_path / "rerun.log").read_text(errors="replace")[-3000:]
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [p.name for p in inputs]
    assert not list(inbox.glob("*.pdf"))
    assert _stored(data / "yusuan.sqlite") == {p.name: FACTS_PER_PAGE for p in inputs}


def test_a_second_inbox_run_is_turned_away_while_one_holds_the_lock(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.serve import inbox_lock, inbox_lock_holder
    from pipeline.errors import EXIT_ENVIRONMENT

    (tmp_path / "inbox").mkdir()
    with inbox_lock(tmp_path / "data") as acquired:
        assert acquired
        assert inbox_lock_holder(tmp_path / "data").startswith(f"pid {os.getpid()}")
        result = CliRunner().invoke(app, ["serve", "--watch", str(tmp_path / "inbox"), "--once", "--data-dir",
                                          str(tmp_path / "data"), "--no-cross-check"])
        assert result.exit_code == EXIT_ENVIRONMENT and "Traceback" not in result.output
    assert inbox_lock_holder(tmp_path / "data") is None  # released with the block

