"""Run the performance suite: python -m tests.benchmarks [--quick] [--only NAMES] [--json PATH]

Each module below has `run(quick: bool) -> list[Measurement]`. Figures are medians of
several runs; the table says which of issue 5's targets are met. Not part of CI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from tests.benchmarks.report import Measurement, table, write_json

SUITES = ("bench_library", "bench_store", "bench_terminal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller data")
    parser.add_argument("--only", default="", help=f"comma list of {', '.join(SUITES)}")
    parser.add_argument("--json", type=Path, default=Path("tests/benchmarks/results/latest.json"))
    args = parser.parse_args(argv)
    chosen = [name for name in SUITES if not args.only or name in args.only.split(",")]
    results: list[Measurement] = []
    for name in chosen:
        print(f"running {name} …", file=sys.stderr, flush=True)
        module = importlib.import_module(f"tests.benchmarks.{name}")
        results.extend(module.run(quick=args.quick))
    print(table(results))
    write_json(results, args.json)
    print(f"\nwrote {args.json}", file=sys.stderr)
    return 0 if all(m.met for m in results) else 1


if __name__ == "__main__":
    sys.exit(main())
