"""`ordo up`'s supervisor: runs the suite's processes, restarts one that dies, and says so.

A process that exits (for whatever reason: `kill -9`, a crash, a clean exit nobody asked for) is
restarted after a backoff that starts at `first_delay` and doubles with each exit inside the
`window`, up to `max_delay` (1 s, 2 s, 4 s … 30 s). A process that exits more than
`max_failures` times within the window is given up on: the supervisor stops every process and
exits non-zero, naming it. Ctrl-C or SIGTERM stop the suite as well.

The supervisor writes its processes (pid, start, restarts, state) to a small JSON status file
that `ordo ps` reads.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

POLL_SECONDS = 0.2
STOP_GRACE_SECONDS = 25.0


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_failures: int = 5
    window: float = 60.0


@dataclass(frozen=True)
class Restart:
    delay: float


@dataclass(frozen=True)
class GiveUp:
    failures: int


def after_exit(policy: RestartPolicy, exits: Sequence[float], now: float) -> Restart | GiveUp:
    """What to do about a process whose exits happened at `exits` (monotonic seconds, the
    latest included): restart it after a delay, or give up on it."""
    recent = [moment for moment in exits if now - moment <= policy.window]
    if len(recent) > policy.max_failures:
        return GiveUp(len(recent))
    doublings = max(len(recent) - 1, 0)
    return Restart(min(policy.first_delay * 2**doublings, policy.max_delay))


@dataclass(frozen=True)
class Program:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    cwd: str | Path | None = None


@dataclass
class _Child:
    program: Program
    process: subprocess.Popen | None = None
    started_at: float = 0.0  # wall clock, for the status file
    restarts: int = 0
    exits: list[float] = field(default_factory=list)
    restart_at: float | None = None  # monotonic


_PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the child: a SIGTERM when the supervisor dies, even by SIGKILL (Linux), so no orphans."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    """Runs `programs` until stop() is called or one of them fails too often."""

    def __init__(self, programs: Sequence[Program], status_file: Path, policy=RestartPolicy()):
        self.children = [_Child(program) for program in programs]
        self.status_file = status_file
        self.policy = policy
        self.stopping = threading.Event()
        self.given_up: str | None = None

    def run(self) -> int:
        """Start everything and supervise; 0 when stopped, 1 when a process was given up on."""
        for child in self.children:
            self._start(child)
        self._write_status()
        exit_code = 0
        while not self.stopping.is_set():
            changed = False
            for child in self.children:
                if child.process is not None and child.process.poll() is not None:
                    changed = True
                    if not self._exited(child):
                        exit_code = 1
                        self.stopping.set()
                        break
                elif child.restart_at is not None and time.monotonic() >= child.restart_at:
                    child.restarts += 1
                    self._start(child)
                    _say(
                        "restarted %s (pid %d, restart %d)",
                        child.program.name,
                        child.process.pid,
                        child.restarts,
                    )
                    changed = True
            if changed:
                self._write_status()
            self.stopping.wait(POLL_SECONDS)
        self._stop_all()
        return exit_code

    def stop(self) -> None:
        self.stopping.set()

    def _exited(self, child: _Child) -> bool:
        """Record an exit and schedule the restart; False when the process is given up on."""
        now = time.monotonic()
        code = child.process.returncode
        child.process = None
        child.exits = [*child.exits, now][-(self.policy.max_failures + 1) :]
        decision = after_exit(self.policy, child.exits, now)
        name = child.program.name
        if isinstance(decision, GiveUp):
            _say(
                "%s exited with %s, its %d exit within %.0f s; giving up, stopping the suite",
                name,
                code,
                decision.failures,
                self.policy.window,
            )
            self.given_up = name
            return False
        _say("%s exited with %s; restarting in %g s", name, code, decision.delay)
        child.restart_at = now + decision.delay
        return True

    def _start(self, child: _Child) -> None:
        program = child.program
        child.process = subprocess.Popen(
            program.argv, env=program.env, cwd=program.cwd, preexec_fn=_stop_with_parent
        )
        child.started_at = time.time()
        child.restart_at = None

    def _stop_all(self) -> None:
        running = [child.process for child in self.children if child.process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.status_file.unlink(missing_ok=True)

    def _write_status(self) -> None:
        status = {
            "supervisor_pid": os.getpid(),
            "processes": [
                {
                    "name": child.program.name,
                    "pid": child.process.pid if child.process else None,
                    "started_at": child.started_at if child.process else None,
                    "restarts": child.restarts,
                    "state": "running" if child.process else "restarting",
                }
                for child in self.children
            ],
        }
        scratch = self.status_file.with_suffix(".tmp")
        scratch.write_text(json.dumps(status))
        scratch.replace(self.status_file)  # atomic: `ordo ps` never reads half a file


def _say(message: str, *args) -> None:
    """The supervisor's log: standard error, where `ordo up` says everything."""
    print(f"{time.strftime('%H:%M:%S')} ordo up: {message % args}", file=sys.stderr, flush=True)


def read_status(status_file: Path) -> dict | None:
    """The status of a running `ordo up`, or None when none is running."""
    try:
        status = json.loads(status_file.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(status["supervisor_pid"], 0)
    except ProcessLookupError:
        return None  # left behind by a supervisor that was killed
    except PermissionError:
        pass
    return status


def status_table(status: dict, now: float) -> str:
    """`ordo ps`: one line per process with its pid, uptime and restarts."""
    lines = [f"{'process':<20} {'pid':>7} {'uptime':>10} {'restarts':>8}  state"]
    for process in status["processes"]:
        pid = process["pid"] or "-"
        uptime = _duration(now - process["started_at"]) if process["started_at"] else "-"
        lines.append(
            f"{process['name']:<20} {pid:>7} {uptime:>10} {process['restarts']:>8}  "
            f"{process['state']}"
        )
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{seconds:02d}s" if hours else f"{minutes}m{seconds:02d}s"
