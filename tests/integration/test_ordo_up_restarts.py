"""`ordo up`'s supervisor with small real processes: a killed process comes back and serves
again; one that keeps failing stops the suite, named."""

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request

import pytest

from shared.cli import main
from shared.supervisor import Program, RestartPolicy, Supervisor
from tests.backends import free_port
from tests.integration.workers import wait_for

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


def serves(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def status(path):
    try:
        return {p["name"]: p for p in json.loads(path.read_text())["processes"]}
    except (OSError, ValueError):
        return {}


@pytest.fixture
def supervised(tmp_path):
    """Run a Supervisor in a thread; stop it at the end of the test."""
    started = []

    def start(programs, *policy):
        supervisor = Supervisor(programs, tmp_path / "ordo-up.json", *policy)
        result = {}
        thread = threading.Thread(target=lambda: result.update(code=supervisor.run()))
        thread.start()
        started.append((supervisor, thread))
        return supervisor, thread, result

    yield start
    for supervisor, thread in started:
        supervisor.stop()
        thread.join(timeout=30)


def test_a_process_killed_with_sigkill_is_restarted_and_serves_again(
    supervised, tmp_path, monkeypatch, capsys
):
    port = free_port()
    web = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    supervisor, thread, result = supervised(
        [Program("orders-web", web, cwd=tmp_path), Program("orders-worker", SLEEPER)]
    )
    status_file = tmp_path / "ordo-up.json"
    wait_for(lambda: serves(port), timeout=10)
    # The child may serve before the supervisor's thread has written the status file.
    before = wait_for(lambda: status(status_file), timeout=10)
    os.kill(before["orders-web"]["pid"], signal.SIGKILL)

    wait_for(lambda: status(status_file)["orders-web"]["restarts"] == 1, timeout=10)
    wait_for(lambda: serves(port), timeout=10)
    after = status(status_file)
    assert after["orders-web"]["pid"] != before["orders-web"]["pid"]
    assert after["orders-worker"] == before["orders-worker"]  # the others ran on untouched
    assert "orders-web exited with -9; restarting in 1 s" in capsys.readouterr().err

    monkeypatch.setenv("ORDO_VAR_DIR", str(tmp_path))
    assert main(["ps"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[1].split()[:4] == ["orders-web", str(after["orders-web"]["pid"]), "0m00s", "1"]

    supervisor.stop()
    thread.join(timeout=30)
    assert result["code"] == 0
    assert not serves(port)
    assert not status_file.exists()
    assert main(["ps"]) == 1


def test_a_process_failing_more_often_than_allowed_stops_the_suite_naming_it(
    supervised, tmp_path, capsys
):
    failing = [sys.executable, "-c", "import sys; sys.exit(1)"]
    supervisor, thread, result = supervised(
        [Program("planning-worker", failing), Program("orders-worker", SLEEPER)],
        RestartPolicy(first_delay=0.05, max_delay=0.2, max_failures=3, window=60),
    )
    thread.join(timeout=30)
    assert result["code"] == 1
    assert supervisor.given_up == "planning-worker"
    log = capsys.readouterr().err
    assert log.count("planning-worker exited with 1; restarting") == 3
    assert "planning-worker exited with 1, its 4 exit within 60 s; giving up" in log
    assert all(
        child.process is None or child.process.poll() is not None for child in supervisor.children
    )


def test_the_processes_stop_when_the_supervisor_itself_is_killed(tmp_path):
    status_file = tmp_path / "ordo-up.json"
    supervisor_script = (
        "import sys; from pathlib import Path;"
        "from shared.supervisor import Program, Supervisor;"
        f"Supervisor([Program('sleeper', {SLEEPER!r})], Path({str(status_file)!r})).run()"
    )
    supervisor = subprocess.Popen([sys.executable, "-c", supervisor_script])
    try:
        assert wait_for(lambda: "sleeper" in status(status_file), timeout=30)
        sleeper_pid = status(status_file)["sleeper"]["pid"]
    finally:
        supervisor.kill()  # SIGKILL: the supervisor gets no chance to stop anything
        supervisor.wait()
    assert wait_for(lambda: not alive(sleeper_pid), timeout=10), "the sleeper outlived ordo up"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
