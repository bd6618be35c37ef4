"""Drive a terminal program in a private tmux server and read its screen, CPU and memory.

    with TmuxDriver(Path(scratch)) as tmux:
        tmux.launch(["python", "-m", "copilot_tui"], env=env, cwd=home)
        ready_at = tmux.wait_for("Ask anything")
        tmux.type_text("hello")
        tmux.send_keys("Enter")

The tmux server has its own socket (`tmux -L`), so other tmux servers are never touched,
and a fixed 120x40 window. The screen is read through ONE control-mode client
(`tmux -C`), so a poll is one command line on a pipe, not a process per poll. Times are
`time.monotonic()`: CLOCK_MONOTONIC on Linux, the same clock in every process, so they
compare directly with the demo server's request log.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from tests.benchmarks.terminal_proc import end_process, tree_cpu_seconds

TMUX = shutil.which("tmux") or "/usr/bin/tmux"
WIDTH, HEIGHT = 120, 40
POLL_SECONDS = 0.01
_REPLY_TIMEOUT = 10.0
_TARGET = "=app:"
_CONFIG = """set -g default-terminal tmux-256color
set -g status off
set -g remain-on-exit on
set -sg escape-time 0
set -g history-limit 100
"""


class TmuxError(RuntimeError):
    """tmux refused a command, went away, or a wait ran out of time."""


class ControlClient:
    """One `tmux -C` client: sends command lines, returns their output lines."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], stderr: Path) -> None:
        with stderr.open("wb") as errors:
            self._process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env
            )
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._stdin, self._fd = self._process.stdin, self._process.stdout.fileno()
        self._buffer = b""

    def command(self, line: str) -> list[str]:
        """Run one tmux command; its output lines (TmuxError if tmux answers %error)."""
        self._stdin.write(line.encode() + b"\n")
        self._stdin.flush()
        return self._reply(line)

    def sync(self) -> None:
        """Skip every reply still to come (the attach command's own) up to a marker's."""
        token = f"sync-{uuid.uuid4().hex}"
        self._stdin.write(f"display-message -p {token}\n".encode())
        self._stdin.flush()
        while self._reply("sync") != [token]:
            pass

    def _reply(self, line: str) -> list[str]:
        deadline = time.monotonic() + _REPLY_TIMEOUT
        while True:  # notifications and other clients' blocks come in between
            header = self._readline(deadline).split()
            if header[:1] == ["%begin"] and header[3:4] == ["1"]:
                break
        output: list[str] = []
        while True:
            text = self._readline(deadline)
            fields = text.split()
            if fields[:1] in (["%end"], ["%error"]) and fields[1:3] == header[1:3]:
                if fields[0] == "%error":
                    raise TmuxError(f"{line!r}: {' '.join(output)}")
                return output
            output.append(text)

    def _readline(self, deadline: float) -> str:
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._fd], [], [], left)[0]:
                raise TmuxError("no answer from the tmux control client")
            chunk = os.read(self._fd, 1 << 16)
            if not chunk:
                raise TmuxError("the tmux control client exited")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def close(self) -> None:
        self._stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class TmuxDriver:
    """A private tmux server with one 120x40 window for the program under test."""

    def __init__(self, scratch: Path, *, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.scratch, self.width, self.height = scratch, width, height
        self.socket = f"ctui-bench-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        config = scratch / "tmux.conf"
        config.write_text(_CONFIG, encoding="utf-8")
        self._base = [TMUX, "-L", self.socket, "-f", str(config)]
        self._env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        self._client: ControlClient | None = None
        self.pid = 0  # the program's process id, once launched
        self.launched_at = 0.0
        self.screen = ""  # the last screen read
        # Called with (screen, time) after every capture: to watch for several things at once.
        self.observers: list[Callable[[str, float], None]] = []

    def __enter__(self) -> TmuxDriver:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the server (holding an idle session) and attach the control client."""
        size = ["-x", str(self.width), "-y", str(self.height)]
        hold = [*self._base, "new-session", "-d", "-s", "hold", *size, "sleep 2147483647"]
        subprocess.run(hold, env=self._env, check=True, capture_output=True, timeout=10)
        try:
            attach = [*self._base, "-C", "attach-session", "-t", "=hold", "-f"]
            attach.append("no-output,ignore-size")
            self._client = ControlClient(attach, self._env, self.scratch / "tmux-client.err")
            self._client.sync()
        except BaseException:
            self.close()  # never leave a server behind
            raise

    def command(self, line: str) -> list[str]:
        if self._client is None:
            raise TmuxError("the tmux driver is not started")
        return self._client.command(line)

    def launch(self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> float:
        """Start the program with exactly `env`; returns the launch time (monotonic)."""
        script = self.scratch / "launch.sh"
        variables = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        program = shlex.join(argv)
        body = f"#!/bin/sh\ncd {shlex.quote(str(cwd))} || exit 97\n"
        body += f"exec env -i {variables} {program}\n"
        script.write_text(body, encoding="utf-8")
        script.chmod(0o755)
        size = f"-x {self.width} -y {self.height}"
        self.launched_at = time.monotonic()
        # "exec": the pane's process is the program itself, not a shell around it.
        self.command(f"new-session -d -s app {size} {shlex.quote('exec ' + str(script))}")
        self.pid = int(self._display("#{pane_pid}"))
        return self.launched_at

    def _display(self, format_: str) -> str:
        return self.command(f"display-message -p -t {_TARGET} {shlex.quote(format_)}")[0]

    def capture(self) -> str:
        """The screen as plain text, one line per row."""
        self.screen = "\n".join(self.command(f"capture-pane -p -t {_TARGET}"))
        seen = time.monotonic()
        for observer in self.observers:
            observer(self.screen, seen)
        return self.screen

    def program_exited(self) -> bool:
        return self._display("#{pane_dead}").strip() == "1"

    def wait_for(
        self,
        pattern: str,
        timeout: float = 30.0,
        *,
        poll: float = POLL_SECONDS,
        on_poll: Callable[[float], None] | None = None,
    ) -> float:
        """Poll until `pattern` (a regex) is on screen; the time of the capture that showed it.

        `on_poll(now)` runs after each poll that did not match (e.g. to re-type a probe).
        """
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        polls = 0
        while True:
            started = time.monotonic()
            found = regex.search(self.capture())
            seen = time.monotonic()
            if found:
                return seen
            polls += 1
            if polls % 50 == 0 and self.program_exited():
                raise TmuxError(f"the program exited; its last screen:\n{self.screen}")
            if seen > deadline:
                raise TmuxError(f"/{pattern}/ not on screen after {timeout} s:\n{self.screen}")
            if on_poll is not None:
                on_poll(seen)
            time.sleep(max(0.0, poll - (time.monotonic() - started)))

    def send_keys(self, *keys: str) -> None:
        """Press tmux-named keys one after another: "Enter", "C-o", "M-1", "C-NPage"."""
        for key in keys:
            self.command(f"send-keys -t {_TARGET} {shlex.quote(key)}")

    def type_text(self, text: str) -> None:
        """Type `text` as keystrokes (sent as bytes, so no character is read as a key name)."""
        data = text.encode()
        for start in range(0, len(data), 200):
            hexes = " ".join(f"{byte:02x}" for byte in data[start : start + 200])
            self.command(f"send-keys -t {_TARGET} -H {hexes}")

    def cpu_seconds(self) -> float:
        """CPU (user + system) the program's process tree has used so far."""
        return tree_cpu_seconds(self.pid)

    def quit(self, keys: Sequence[str] = ("C-q",), timeout: float = 5.0) -> bool:
        """Press the quit keys and wait for the program to exit; whether it did."""
        if not self.pid:
            return True
        self.send_keys(*keys)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.program_exited():
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        """Kill the tmux server (and so the program) and remove its socket."""
        subprocess.run(
            [*self._base, "kill-server"],
            env=self._env,
            capture_output=True,
            timeout=10,
            check=False,
        )
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.pid:
            end_process(self.pid)  # a program that ignored the hang-up
        socket_dir = Path(os.environ.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (socket_dir / self.socket).unlink(missing_ok=True)
