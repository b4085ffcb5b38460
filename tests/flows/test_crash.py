"""Crash safety: ``kill -9`` a batch ingest at random points, run it again, lose nothing, double nothing.

A clean run gives the reference records.  Then, per kill, a fresh database: ``yusuan ingest``
of the same batch is started and killed with SIGKILL at a seeded random point (a random
fraction of a second after k documents are stored, k taking every value 0..n-1 in a shuffled
order, so kills land in the reading and inside the transactions of every document), then run
again to completion.
Afterwards each document is stored exactly once, nothing else is stored, and the records
equal the clean run's.  On SQLite always; on PostgreSQL when YUSUAN_TEST_PG_URL is set (each
kill in its own throwaway schema).

Each killed run starts with an empty PREFECT_HOME (no page cache: it really reads its
pages); its rerun shares that home, so pages the killed run finished come from the cache.
YUSUAN_TEST_KILL_RUNS sets the number of kills per backend (default 3).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from _procs import prefect_env, run_yusuan, stop, yusuan

PG_ENV = "YUSUAN_TEST_PG_URL"
KILL_RUNS = int(os.environ.get("YUSUAN_TEST_KILL_RUNS", "3"))
SEED = 20250301


@dataclass(frozen=True)
class CleanRun:
    records: list[str]
    env: dict[str, str]
    n_documents: int


def _sorted_lines(path: Path) -> list[str]:
    return sorted(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@pytest.fixture(scope="module")
def clean(prefect_server: str, batch_pdfs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    folder = tmp_path_factory.mktemp("clean")
    env = prefect_env(folder / "prefect_home", prefect_server)
    args = ["ingest", *map(str, batch_pdfs), "--out", str(folder / "out"), "--data-dir", str(folder / "data")]
    status = run_yusuan(args, env, folder / "run.log", timeout=240)
    assert status == 0, (folder / "run.log").read_text(errors="replace")[-3000:]
    records = _sorted_lines(folder / "out" / "records.jsonl")
    assert len(records) == 11 * len(batch_pdfs)
    return CleanRun(records=records, env=env, n_documents=len(batch_pdfs))


def _sqlite_url(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'crash.sqlite'}"


def _pg_url(base_url: str) -> Iterator[str]:
    schema = f"yusuan_crash_{uuid.uuid4().hex[:12]}"
    base = make_url(base_url)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def backends() -> list:
    pg = pytest.param("postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV),
                                                            reason=f"{PG_ENV} not set (make test sets it)"))
    return ["sqlite", pg]


def _count(url: str, sql: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as db:
            return int(db.execute(text(sql)).scalar() or 0)
    except Exception:  # noqa: BLE001 - not migrated yet, or locked for a moment: nothing to count
        return -1
    finally:
        engine.dispose()


def _kill_at_random_point(proc: subprocess.Popen, url: str, rng: random.Random, k: int) -> int:
    """SIGKILL the ingest a random 0-2.5 s after ``k`` documents are stored (k = 0: after the
    database is migrated), i.e. somewhere in the reading (~2 s a page) or the transaction of
    document k+1, or later.

    Returns the documents the killed run left stored."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _count(url, "select count(*) from documents") < k:
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 2.5))
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the run finished first (the rerun then has nothing to do)
    proc.wait(timeout=30)
    return _count(url, "select count(*) from documents")


@pytest.mark.e2e
@pytest.mark.parametrize("backend", backends())
def test_kill_9_then_rerun_stores_every_document_exactly_once(backend: str, clean: CleanRun, batch_pdfs: list[Path],
                                                              tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-{backend}")
    positions = [i % clean.n_documents for i in range(KILL_RUNS)]  # every point of the batch, shuffled
    rng.shuffle(positions)
    report = []
    for attempt, k in enumerate(positions):
        folder = tmp_path / f"kill{attempt}"
        folder.mkdir()
        urls = _sqlite_url(folder) if backend == "sqlite" else _pg_url(os.environ[PG_ENV])
        url = next(urls)
        try:
            args = ["ingest", *map(str, batch_pdfs), "--out", str(folder / "out"), "--data-dir", str(folder / "data")]
            # The URL (with the test server's password) from the environment: a --db may not hold a password.
            env = {**prefect_env(folder / "prefect_home", clean.env["PREFECT_API_URL"]), "YUSUAN_DB": url}
            proc = yusuan(args, env, folder / "killed.log")
            try:
                stored_at_kill = _kill_at_random_point(proc, url, rng, k)
            finally:
                stop(proc, grace=1)
            assert proc.returncode == -signal.SIGKILL or proc.returncode == 0, proc.returncode
            status = run_yusuan(args, env, folder / "rerun.log", timeout=240)
            assert status == 0, (folder / "rerun.log").read_text(errors="replace")[-3000:]
            per_document = _rows(url, "select sha256, count(*) from documents group by sha256")
            assert sorted(per_document.values()) == [1] * clean.n_documents, per_document
            assert _count(url, "select count(*) from facts") == len(clean.records)
            assert _count(url, "select count(*) from tables") == clean.n_documents
            # No row outlives its document (the per-document transaction left nothing half-written).
            for child in ("pages", "tables", "facts"):
                assert _count(url, f"select count(*) from {child} where document_id not in (select id from documents)") == 0
            # records.jsonl of the rerun (re-emitted from the database for stored documents) equals the clean run's.
            assert _sorted_lines(folder / "out" / "records.jsonl") == clean.records
            report.append({"backend": backend, "kill": attempt, "after_docs": k, "left_stored": stored_at_kill,
                           "facts": len(clean.records), "rows_lost": 0})
        finally:
            for _ in urls:  # drop the PostgreSQL schema
                pass
    print("\n" + "\n".join(json.dumps(r) for r in report))


def _rows(url: str, sql: str) -> dict[str, int]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as db:
            return {row[0]: int(row[1]) for row in db.execute(text(sql))}
    finally:
        engine.dispose()
