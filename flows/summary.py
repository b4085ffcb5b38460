"""What a run did, one line per input: for the summary table, ``--json`` and the inbox's log.

No Prefect, no Typer: the CLI and the scheduled inbox flow share it.  Plain words for what an
operator would otherwise have to infer: no inputs found, a document that gave no facts, a
database that went away (what it did not store and that a rerun stores it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from models import DocumentInfo, DocumentResult, Fact, Rejection

Outcome = Literal["processed", "partial", "unchanged", "rejected"]


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """One input's outcome."""

    source: str
    sha256: str | None
    outcome: Outcome
    pages: int | None = None
    tables: int = 0
    facts: int = 0
    needs_review: int = 0
    page_failures: int = 0
    error: str | None = None  # the rejection's stable code
    stored: bool = True  # False when the database failed while this document was being saved

    @property
    def without_facts(self) -> bool:
        """Read, with pages, and not one fact: the named warning ``no_facts`` (exit status 4)."""
        return self.outcome != "rejected" and bool(self.pages) and self.facts == 0

    @property
    def note(self) -> str:
        """What an operator should know about this input, in words; "" when nothing."""
        if self.outcome == "rejected":
            return f"rejected: {self.error}"
        notes = []
        if self.outcome == "unchanged":
            notes.append("unchanged (already stored)")
        if self.page_failures:
            notes.append(f"{self.page_failures} page(s) failed")
        if self.without_facts:
            notes.append("no_facts: no budget table was recognised" if self.tables == 0
                         else "no_facts: the tables hold no values")
        if not self.stored:
            notes.append("not stored in the database (records in the files; a rerun stores it)")
        return "; ".join(notes)


def rejected_line(rejection: Rejection) -> DocumentLine:
    return DocumentLine(source=rejection.source, sha256=None, outcome="rejected", error=str(rejection.error))


def result_line(result: DocumentResult, stored: bool) -> DocumentLine:
    return DocumentLine(
        source=result.document.source, sha256=result.document.sha256,
        outcome="partial" if result.failures else "processed", pages=result.document.page_count,
        tables=len(result.tables), facts=len(result.facts), needs_review=_review(result.facts),
        page_failures=len(result.failures), stored=stored)


def unchanged_line(document: DocumentInfo, facts: Sequence[Fact], n_tables: int) -> DocumentLine:
    return DocumentLine(source=document.source, sha256=document.sha256, outcome="unchanged",
                        pages=document.page_count, tables=n_tables, facts=len(facts), needs_review=_review(facts))


def _review(facts: Sequence[Fact]) -> int:
    return sum(1 for f in facts if f.status == "needs_review")


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A whole run: its lines, the exit status it ends with, and the run-level faults said plainly."""

    version: str
    pipeline_version: str
    exit_status: int
    lines: tuple[DocumentLine, ...]
    fault: str | None = None  # a RunFault's code, when one ended or marred the run
    message: str | None = None  # its one line

    @property
    def notes(self) -> list[str]:
        notes = []
        if not self.lines and self.fault is None:
            notes.append("no input files found: nothing to do (a folder yields .pdf, .png, .jpg, .jpeg, .tif, .tiff)")
        not_stored = [line.source for line in self.lines if not line.stored]
        if not_stored:
            notes.append(f"{len(not_stored)} document(s) not stored in the database; their records are in the "
                         f"files, and a rerun stores them (their pages come from the page cache)")
        empty = [line.source for line in self.lines if line.without_facts]
        if empty:
            notes.append(f"warning no_facts: {len(empty)} document(s) gave no facts from their pages "
                         f"({', '.join(empty[:5])}{' …' if len(empty) > 5 else ''}); check that they are budget "
                         f"tables and that the scan is legible (--debug-dir shows what was found); exit status 4")
        if self.message:
            notes.append(self.message)
        return notes

    def to_json(self) -> str:
        lines = [{**asdict(line), "note": line.note} for line in self.lines]
        totals = {
            "inputs": len(self.lines),
            "processed": sum(line.outcome in ("processed", "partial") for line in self.lines),
            "unchanged": sum(line.outcome == "unchanged" for line in self.lines),
            "rejected": sum(line.outcome == "rejected" for line in self.lines),
            "facts": sum(line.facts for line in self.lines),
            "needs_review": sum(line.needs_review for line in self.lines),
            "without_facts": sum(line.without_facts for line in self.lines),
            "not_stored": sum(not line.stored for line in self.lines),
        }
        warnings = [{"code": "no_facts", "source": line.source} for line in self.lines if line.without_facts]
        payload = {"version": self.version, "pipeline_version": self.pipeline_version,
                   "exit_status": self.exit_status, "fault": self.fault, "message": self.message,
                   "documents": lines, "totals": totals, "warnings": warnings, "notes": self.notes}
        return json.dumps(payload, ensure_ascii=False, indent=2)
