"""Developer tool: how many facts carry each review reason, and how many of those are wrong.

    .venv/bin/python scripts/reason_report.py --cache /tmp/pagecache shanyin_commerce_harsh [...]

Each name needs a page cache (scripts/cache_pages.py) and a truth file under samples/ or
build/fitting/.  Drafts are assembled with the current code; a fact counts as wrong when no
truth fact matches it under the rules of ``yusuan eval``.  Prints one line per scan and reason.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _pagecache import load_pages
from fit_confidence import truth_facts
from pipeline.check.catalog import load_default
from pipeline.score.confidence import DocumentIdentity, finish
from models import PageResult
from pipeline.document import draft_document
from evaluation.evaluate import match_facts
from pipeline.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=Path("/tmp/pagecache"))
    parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    settings, catalog = Settings(), load_default()
    totals: Counter[tuple[str, bool]] = Counter()
    for name in args.names:
        document, outcomes = load_pages(args.cache / f"{name}.pages.pickle", recompute_agreement=True)
        _, drafts = draft_document([o for o in outcomes if isinstance(o, PageResult)], settings, catalog)
        identity = DocumentIdentity(sha256=document.sha256, source=document.source)
        facts = [finish(d, identity, settings.accept_threshold) for d in drafts]
        matched = {j for _, j in match_facts(truth_facts(name), facts)}
        counts: Counter[tuple[str, bool]] = Counter(
            (reason, j not in matched) for j, fact in enumerate(facts) for reason in set(fact.reasons))
        totals.update(counts)
        for reason in sorted({r for r, _ in counts}):
            flagged = counts[(reason, True)] + counts[(reason, False)]
            print(f"{name}: {reason} {flagged} facts, {counts[(reason, True)]} wrong")
    for reason in sorted({r for r, _ in totals}):
        print(f"all: {reason} {totals[(reason, True)] + totals[(reason, False)]} facts, {totals[(reason, True)]} wrong")


if __name__ == "__main__":
    main()
