"""``python -m samplegen [--spec-dir samples/spec] [--out samples] [--levels mild,harsh] [SPEC.json ...]``.

The scans for fitting the confidence model are built apart from the samples:
``python -m samplegen --levels fitlight,fitrough --out build/fitting``.  The samples as
another typesetter prints them (a Song/Ming face instead of the samples' Hei):
``python -m samplegen --font /usr/share/fonts/truetype/arphic/uming.ttc --out build/uming``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from samplegen.build import build_spec, load_spec
from samplegen.render import DEFAULT_FONT_PATH
from samplegen.scan import DEFAULT_LEVELS, LEVELS


def _complete(name: str, out: Path, levels: list[str]) -> bool:
    folder = out / name
    variants = [f"{name}_{level}" for level in ("digital", *levels)]
    return all((folder / f"{v}.pdf").exists() and (folder / "truth" / f"{v}.records.jsonl").exists() for v in variants)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplegen", description=__doc__)
    parser.add_argument("--spec-dir", type=Path, default=Path("samples/spec"))
    parser.add_argument("--out", type=Path, default=Path("samples"))
    parser.add_argument("specs", nargs="*", type=Path, help="build only these spec files")
    parser.add_argument("--if-missing", action="store_true",
                        help="skip a spec whose PDFs and truth files are all present")
    parser.add_argument("--levels", default=",".join(DEFAULT_LEVELS),
                        help=f"scan levels to build, of {', '.join(LEVELS)} (default: %(default)s)")
    parser.add_argument("--font", type=Path, default=DEFAULT_FONT_PATH,
                        help="TrueType CJK font to typeset with (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.font.is_file():
        print(f"no font file {args.font}", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.levels.split(",") if n.strip()]
    unknown = [n for n in names if n not in LEVELS]
    if unknown:
        print(f"unknown scan level(s) {', '.join(unknown)}; known: {', '.join(LEVELS)}", file=sys.stderr)
        return 2
    levels = [LEVELS[n] for n in names]
    start = time.monotonic()
    if args.specs:
        built = [b for p in args.specs for b in build_spec(load_spec(p), args.out, levels, args.font)]
        for b in built:
            print(b.summary(), flush=True)
    else:
        if not args.spec_dir.is_dir():
            print(f"no spec directory {args.spec_dir}", file=sys.stderr)
            return 2
        specs = sorted(args.spec_dir.glob("*.json"))
        if args.if_missing:
            specs = [p for p in specs if not _complete(load_spec(p).name, args.out, names)]
        built = [b for p in specs for b in build_spec(load_spec(p), args.out, levels, args.font)]
        for b in built:
            print(b.summary(), flush=True)
    print(f"built {len(built)} file(s) in {time.monotonic() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
