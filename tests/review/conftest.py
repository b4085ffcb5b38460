"""Fixtures of the workbench tests: a data folder holding a database with one misread document, its page
image kept as ingest keeps it, and two operators (tests/review/_bench.py).

The browser test ingests a real PDF instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _bench import PASSWORD, Bench, page_png, misread_result


@pytest.fixture(scope="session")
def bench_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The data folder built once (migrations, the document, two argon2 hashes take seconds)."""
    from pipeline.output.pages import page_image_folder
    from pipeline.output.store import default_url, open_store
    from review.accounts import add_operator

    data_dir = tmp_path_factory.mktemp("bench") / "data"
    sha256 = page_png(page_image_folder(data_dir))
    with open_store(default_url(data_dir)) as store:
        assert store.save_document(misread_result(sha256), "0.1.0")
        with store.session() as session, session.begin():
            add_operator(session, "alice", PASSWORD)
            add_operator(session, "bob", PASSWORD)
    return data_dir, sha256


@pytest.fixture
def bench(bench_template: tuple[Path, str], tmp_path: Path) -> Bench:
    """A fresh copy of the template's data folder for each test."""
    from pipeline.output.store import default_url

    template, sha256 = bench_template
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    return Bench(default_url(data_dir), data_dir, sha256)
