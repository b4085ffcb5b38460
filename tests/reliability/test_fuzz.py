"""A bounded fuzz of intake over mutated PDFs: typed errors only (a YusuanError with its stable code), never
another exception, never a crash.  Seeded, so a finding is reproducible from its case number."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from _documents import many_page_pdf

SEED = 20250412
CASES = 400


@pytest.mark.slow
def test_mutated_pdfs_give_typed_errors_only(tmp_path: Path) -> None:
    seed_pdf = many_page_pdf(tmp_path / "seed.pdf", 2)
    progress = tmp_path / "progress"
    script = Path(__file__).with_name("_fuzz_intake.py")
    done = subprocess.run([sys.executable, str(script), str(SEED), str(CASES), str(seed_pdf), str(progress)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (f"crashed (status {done.returncode}) on case {progress.read_text()}: "
                                  f"{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["findings"] == [], report["findings"]
    assert sum(report["outcomes"].values()) == CASES
    assert report["outcomes"].get("corrupt", 0) > 0  # the mutations did break files
