"""The reliability suite shares the flow tests' inputs and process helpers (tests/flows/_inputs.py, _procs.py)
and the pipeline tests' drawing helpers (tests/pipeline/_images.py)."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parent.parent
for folder in (_TESTS / "flows", _TESTS / "pipeline"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
