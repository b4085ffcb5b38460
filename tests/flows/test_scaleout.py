"""Page tasks on Dask: a LocalCluster of 2 worker processes gives the records of a single-process run.

Both runs are ``yusuan ingest`` subprocesses against the session's real Prefect server, each
with its own PREFECT_HOME, so neither is served pages cached by the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from _procs import prefect_env, run_yusuan


def _sorted_lines(path: Path) -> list[str]:
    return sorted(line for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@pytest.mark.e2e
def test_two_dask_workers_give_the_records_of_one_process(prefect_server: str, batch_pdfs: list[Path],
                                                          tmp_path: Path) -> None:
    outs = {}
    for name, extra in (("single", []), ("dask", ["--dask", "local:2"])):
        env = prefect_env(tmp_path / f"home_{name}", prefect_server)
        out = tmp_path / f"out_{name}"
        args = ["ingest", *map(str, batch_pdfs), "--out", str(out), "--data-dir", str(tmp_path / f"data_{name}"),
                "--no-db", *extra]
        log = tmp_path / f"{name}.log"
        status = run_yusuan(args, env, log, timeout=240)
        assert status == 0, log.read_text(errors="replace")[-3000:]
        outs[name] = out
    single = _sorted_lines(outs["single"] / "records.jsonl")
    assert len(single) == 11 * len(batch_pdfs)
    assert _sorted_lines(outs["dask"] / "records.jsonl") == single
    assert _sorted_lines(outs["dask"] / "tables.jsonl") == _sorted_lines(outs["single"] / "tables.jsonl")
    # The Dask run's page tasks were computed, not served from a cache (fresh PREFECT_HOME).
    assert any((tmp_path / "home_dask" / "storage").iterdir())


def test_make_task_runner_reads_local_and_addresses(prefect_harness: None) -> None:
    from flows.ingest import dask_worker_count, make_task_runner

    assert make_task_runner(None) is None and dask_worker_count(None) == 1
    local = make_task_runner("local:3")
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["host"] == "127.0.0.1"
    assert make_task_runner("tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError):
        make_task_runner("local:0")
