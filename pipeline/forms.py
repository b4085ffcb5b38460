"""Performance-target forms (绩效目标表) to facts.  Placeholder until the form parser lands."""

from __future__ import annotations

from pipeline.facts import DraftFact
from pipeline.resolve import ResolvedTable


def form_facts(index: int, table: ResolvedTable) -> list[DraftFact]:
    return []
