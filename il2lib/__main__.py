"""Command line: ``python -m il2lib fetch|doctor|bench``.

``fetch`` fills the cache before a class goes offline; ``doctor`` says what is
installed, what is cached and how to fix what is missing.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from collections.abc import Sequence

from . import config
from .doctor import doctor
from .errors import Il2libError
from .manifest import load_manifest
from .structures import fetch


def cmd_fetch(ids: Sequence[str], all_ids: bool, js: bool) -> int:
    """Download or copy entries (and 3Dmol.js) into the cache; report each one."""
    targets = list(load_manifest()) if all_ids else [i.upper() for i in ids]
    if not targets and not js:
        print("Nothing to fetch: name PDB ids, or pass --all and/or --js.", file=sys.stderr)
        return 2
    failures = 0
    for pdb_id in targets:
        try:
            path, source = fetch(pdb_id)
            print(f"{pdb_id}: ok ({source}) {path}")
        except Il2libError as err:
            failures += 1
            print(f"{pdb_id}: FAILED: {err}", file=sys.stderr)
    if js:
        from . import jsassets

        try:
            path = jsassets.fetch_3dmol()
            print(f"3Dmol.js: ok {path}")
        except Il2libError as err:
            failures += 1
            print(f"3Dmol.js: FAILED: {err}", file=sys.stderr)
    return 1 if failures else 0


def cmd_doctor() -> int:
    return 1 if doctor() else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m il2lib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    fetch_parser = sub.add_parser("fetch", help="fill the cache with structures (and 3Dmol.js) for offline use")
    fetch_parser.add_argument("ids", nargs="*", help="PDB ids from the manifest, e.g. 1Z92 2B5I")
    fetch_parser.add_argument("--all", action="store_true", help="every entry of the manifest")
    fetch_parser.add_argument("--js", action="store_true", help="also fetch 3Dmol.js for offline 3D views")
    sub.add_parser("doctor", help="check the installation, the cache and the 3D engine")
    sub.add_parser("bench", help="print the viewer's payload sizes and time to first frame")
    args = parser.parse_args(argv)

    if args.command == "fetch":
        return cmd_fetch(args.ids, args.all, args.js)
    if args.command == "doctor":
        return cmd_doctor()
    return cmd_bench()


def cmd_bench() -> int:
    """Run every script in the project's benchmarks/ folder; each prints its numbers."""
    folder = config.PACKAGE_DIR.parent / "benchmarks"
    scripts = sorted(folder.glob("bench_*.py"))
    if not scripts:
        print(f"No benchmarks found in {folder} (they ship with the git checkout, not the package).", file=sys.stderr)
        return 2
    for script in scripts:
        print(f"== {script.name}")
        runpy.run_path(str(script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
