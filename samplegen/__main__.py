"""``python -m samplegen [--spec-dir samples/spec] [--out samples] [--levels mild,harsh] [SPEC.json ...]``.

The scans for fitting the confidence model are built apart from the samples:
``python -m samplegen --levels fitlight,fitrough --out build/fitting``.  The samples as
another typesetter prints them (a Song/Ming face instead of the samples' Hei):
``python -m samplegen --font /usr/share/fonts/truetype/arphic/uming.ttc --out build/uming``.

Looks (``samplegen/looks.py``), built apart from the samples (default ``--out build/looks``):
``python -m samplegen --looks hei-excel-phone,kai-plain-fax`` (``--looks all``: every named
look), or random ones for fitting: ``python -m samplegen --random-looks 6 --seed 1``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from samplegen.build import BuiltFile, build_look, build_spec, load_spec
from samplegen.looks import LOOKS, Look, draw_look
from samplegen.render import DEFAULT_FONT_PATH
from samplegen.scan import DEFAULT_LEVELS, LEVELS


def _complete(name: str, out: Path, levels: list[str]) -> bool:
    folder = out / name
    variants = [f"{name}_{level}" for level in ("digital", *levels)]
    return all((folder / f"{v}.pdf").exists() and (folder / "truth" / f"{v}.records.jsonl").exists() for v in variants)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplegen", description=__doc__)
    parser.add_argument("--spec-dir", type=Path, default=Path("samples/spec"))
    parser.add_argument("--out", type=Path, default=None,
                        help="output root (default: samples, or build/looks with --looks/--random-looks)")
    parser.add_argument("specs", nargs="*", type=Path, help="build only these spec files")
    parser.add_argument("--if-missing", action="store_true",
                        help="skip a spec whose PDFs and truth files are all present")
    parser.add_argument("--levels", default=",".join(DEFAULT_LEVELS),
                        help=f"scan levels to build, of {', '.join(LEVELS)} (default: %(default)s)")
    parser.add_argument("--font", type=Path, default=DEFAULT_FONT_PATH,
                        help="TrueType CJK font to typeset with (default: %(default)s)")
    parser.add_argument("--looks", default="",
                        help=f"named looks to build instead of the scan levels, or 'all': {', '.join(LOOKS)}")
    parser.add_argument("--random-looks", type=int, default=0, metavar="N",
                        help="build N looks drawn at random from the axes (named random-<seed>-<i>)")
    parser.add_argument("--seed", type=int, default=0, help="seed of --random-looks (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.looks or args.random_looks:
        return _build_looks(args)
    args.out = args.out or Path("samples")
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


def _spec_paths(args: argparse.Namespace) -> list[Path] | None:
    if args.specs:
        return list(args.specs)
    if not args.spec_dir.is_dir():
        print(f"no spec directory {args.spec_dir}", file=sys.stderr)
        return None
    return sorted(args.spec_dir.glob("*.json"))


def _build_looks(args: argparse.Namespace) -> int:
    """Every spec in every chosen look, into ``--out`` (build/looks unless given)."""
    names = list(LOOKS) if args.looks == "all" else [n.strip() for n in args.looks.split(",") if n.strip()]
    unknown = [n for n in names if n not in LOOKS]
    if unknown:
        print(f"unknown look(s) {', '.join(unknown)}; known: {', '.join(LOOKS)}", file=sys.stderr)
        return 2
    looks: list[Look] = [LOOKS[n] for n in names]
    looks += [draw_look(args.seed, i) for i in range(args.random_looks)]
    paths = _spec_paths(args)
    if paths is None:
        return 2
    out = args.out or Path("build/looks")
    start = time.monotonic()
    built: list[BuiltFile] = []
    for look in looks:
        shown = {k: v for k, v in look.axes().items() if k not in ("look", "font", "font_stand_in")}
        axes = ", ".join(f"{k}={v}" for k, v in shown.items())
        print(f"{look.name}: {axes}", flush=True)
        for path in paths:
            built.append(build_look(load_spec(path), look, out))
            print("  " + built[-1].summary(), flush=True)
    print(f"built {len(built)} file(s) in {time.monotonic() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
