from __future__ import annotations

from pathlib import Path

import pytest

from samplegen.render import RenderResult, render
from samplegen.spec import DocumentSpec

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_spec.json"


@pytest.fixture(scope="session")
def mini_spec() -> DocumentSpec:
    return DocumentSpec.model_validate_json(MINI.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mini_render(mini_spec: DocumentSpec) -> RenderResult:
    return render(mini_spec)
