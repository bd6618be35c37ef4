"""The demo model server as a separate process (its CPU is not the app's), with its log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.benchmarks.terminal_proc import end_process
from tests.benchmarks.terminal_setup import environment_without_providers


class ServerProcess:
    """`python -m copilot_tui.core.demo_server` on a free port, logging every chat request.

    Prompts carry their own pace (`[[tokens=N delay=S done=WORD]]`); the defaults are
    zero delays.
    """

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ServerProcess:
        command = [sys.executable, "-m", "copilot_tui.core.demo_server", "--port", "0"]
        command += ["--delay", "0", "--ttft", "0", "--models", "*", "--log", str(self.log)]
        env = environment_without_providers(os.environ) | {"PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        assert self._process.stdout is not None
        base_url = self._process.stdout.readline().strip()  # "http://127.0.0.1:PORT/v1"
        if not base_url:
            self.__exit__(None, None, None)
            raise RuntimeError("the demo server did not start")
        self.port = int(base_url.rsplit(":", 1)[1].split("/")[0])
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            end_process(self._process.pid)
            self._process.communicate(timeout=5)
            self._process = None

    def events(self, word: str) -> dict[str, dict[str, Any]]:
        """The latest "req_start" and "req_end" lines of the request whose prompt has `word`."""
        found: dict[str, dict[str, Any]] = {}
        if not self.log.exists():
            return found
        for line in self.log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if word in entry["prompt_tail"]:
                found[entry["event"]] = entry
        return found

    def finished_at(self, word: str, timeout: float = 10.0) -> float:
        """When the server wrote the last byte of the reply to `word`'s prompt (monotonic)."""
        deadline = time.monotonic() + timeout
        while (end := self.events(word).get("req_end")) is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no req_end for {word!r} in {self.log}")
            time.sleep(0.02)
        return float(end["mono"])

    def started_at(self, word: str) -> float:
        """When the request with `word` in its prompt arrived (monotonic)."""
        return float(self.events(word)["req_start"]["mono"])
