"""Run by test_fuzz.py in a child process (a crash inside PDFium must not take pytest down).

python _fuzz_intake.py SEED CASES SEED_PDF PROGRESS: mutates SEED_PDF CASES times (byte flips, truncation,
a chunk duplicated or dropped, a dictionary key clobbered), takes each through intake and renders its
first page; prints one JSON line: counts by outcome; any exception other than YusuanError is a finding
and is printed with its case number.  PROGRESS gets each case number before it runs (for a crash).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from pipeline.errors import YusuanError
from pipeline.image.intake import open_document, page_refs
from pipeline.image.render import render_page

MAX_PIXELS = 40_000_000


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    kind = rng.choice(["flip", "truncate", "duplicate", "drop", "clobber"])
    if kind == "flip":
        for _ in range(rng.randint(1, 40)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == "truncate":
        del buf[rng.randrange(1, len(buf)):]
    elif kind in ("duplicate", "drop"):
        start = rng.randrange(len(buf))
        chunk = buf[start:start + rng.randint(1, 4096)]
        if kind == "duplicate":
            buf[start:start] = chunk
        else:
            del buf[start:start + len(chunk)]
    else:
        for key in (b"/Length", b"/Count", b"/Width", b"/Height", b"/Filter", b"/Root", b"/Size"):
            at = buf.find(key)
            if at >= 0 and rng.random() < 0.5:
                buf[at + len(key):at + len(key) + 6] = str(rng.choice([0, -1, 99999999, 7])).encode().ljust(6)
    return bytes(buf)


def main(seed: int, cases: int, seed_pdf: Path, progress: Path) -> None:
    rng = random.Random(seed)
    data = seed_pdf.read_bytes()
    outcomes: Counter[str] = Counter()
    findings = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.pdf"
        for case in range(cases):
            progress.write_text(str(case))
            path.write_bytes(mutate(data, rng))
            try:
                document = open_document(path)
                render_page(page_refs(document)[0], 72, MAX_PIXELS)
                outcomes["read"] += 1
            except YusuanError as exc:
                outcomes[str(exc.code)] += 1
            except Exception as exc:  # noqa: BLE001 - the finding this fuzz looks for
                findings.append({"case": case, "error": f"{type(exc).__name__}: {exc}"[:300]})
    print(json.dumps({"outcomes": outcomes, "findings": findings}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
