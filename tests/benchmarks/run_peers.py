"""Measure copilot-tui beside its peers (elia, oterm) with the shared bench harness.

    python -m tests.benchmarks.run_peers [--bench-dir DIR] [run_bench.py options ...]
    python -m tests.benchmarks.run_peers --peers copilot_tui --scenarios stream --runs 2

The harness directory (default: ../shared/bench beside the repository) is read-only
and shared, so it is copied into a temporary directory; our entry
(tests/benchmarks/peers/copilot_tui.json) is merged into the copy's peers.json with
`cmd` = this interpreter `-m copilot_tui`, and the copy's run_bench.py runs with
`--peers copilot_tui,elia,oterm` and every other option passed through (a later
`--peers` wins). Results go to tests/benchmarks/results/peers-<time> unless `--out` is
given. run_bench.py needs root for its loopback-only network namespace (or
`--no-netns`); elia and oterm need `bash setup_peers.sh /tmp/peers` first.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent
PEERS = HERE / "peers"
DEFAULT_BENCH = REPOSITORY.parent / "shared" / "bench"
DEFAULT_PEERS = "copilot_tui,elia,oterm"
_VERSION = (
    "import importlib.metadata as m; "
    "print('copilot-tui', m.version('copilot-tui'), 'textual', m.version('textual'))"
)


def our_entry() -> dict[str, Any]:
    """copilot_tui.json with its paths made absolute and the current interpreter as cmd."""
    entry: dict[str, Any] = json.loads((PEERS / "copilot_tui.json").read_text(encoding="utf-8"))
    entry.pop("_comment", None)
    entry["cmd"] = f"{sys.executable} -m copilot_tui"
    entry["template"] = str(PEERS / entry["template"])
    entry["two_chats_script"] = str(PEERS / entry["two_chats_script"])
    # The checkout under test, whatever the probe's working directory (the run's HOME).
    entry["env"] = [*entry.get("env", []), f"PYTHONPATH={REPOSITORY}"]
    entry["version"] = [sys.executable, "-c", _VERSION]
    return entry


def copy_bench(source: Path, into: Path) -> Path:
    """A writable copy of the harness with our entry in its peers.json."""
    bench = into / "bench"
    shutil.copytree(source, bench, ignore=shutil.ignore_patterns("results", "__pycache__"))
    for path in [bench, *bench.rglob("*")]:  # the source is read-only, and so the copy
        path.chmod(path.stat().st_mode | 0o200)
    peers_file = bench / "peers.json"
    peers = json.loads(peers_file.read_text(encoding="utf-8"))
    peers["copilot_tui"] = our_entry()
    peers_file.write_text(json.dumps(peers, indent=2) + "\n", encoding="utf-8")
    return bench


def bench_command(bench: Path, passed: Sequence[str]) -> list[str]:
    """run_bench.py with our defaults first, so that options passed through win."""
    command = [sys.executable, str(bench / "run_bench.py"), "--peers", DEFAULT_PEERS]
    if "--out" not in passed and not any(arg.startswith("--out=") for arg in passed):
        out = HERE / "results" / time.strftime("peers-%Y%m%d-%H%M%S")
        command += ["--out", str(out)]
    return [*command, *passed]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        epilog="Every other option goes to run_bench.py (see its --help).",
    )
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="the harness")
    args, passed = parser.parse_known_args(argv)
    if not (args.bench_dir / "run_bench.py").is_file():
        parser.error(f"no run_bench.py in {args.bench_dir}")
    with tempfile.TemporaryDirectory(prefix="run-peers-") as scratch:
        bench = copy_bench(args.bench_dir, Path(scratch))
        command = bench_command(bench, passed)
        print("+", " ".join(command), file=sys.stderr, flush=True)
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
