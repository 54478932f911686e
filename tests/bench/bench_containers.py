"""The image's figures: `python tests/bench/bench_containers.py [rounds]` (podman, PostgreSQL and
RabbitMQ on 127.0.0.1; ports 9790-9793).

Prints the image size, a warm build (nothing changed) and, per process (orders web and worker),
the time from start to ready and the idle resident memory, started as a container
(`podman run`) and, as the baseline in the same run, from the checkout's virtualenv through the
same entrypoint; the ratio is container / venv. Best of `rounds` (3).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from shared.client import wait_until  # noqa: E402
from tests.containers.deployment import site  # noqa: E402
from tests.containers.podman import (  # noqa: E402
    IMAGE,
    Container,
    build_image,
    image_size_bytes,
    process_rss_kib,
    run_detached,
    security_options,
    write_env_file,
)

WEB_PORT, WORKER_PORT, SMTP_PORT, OTHER_PORT = 9790, 9791, 9792, 9793
WEB_PORTS = {"orders": WEB_PORT, "planning": OTHER_PORT, "delivery": OTHER_PORT,
             "feedback": OTHER_PORT}  # fmt: skip


def wait_ready_from(started: float, url: str) -> float:
    """Seconds from `started` until `url`/readyz answers."""
    wait_until(Container("probe", url).is_ready, 180, 0.05)
    return time.monotonic() - started


def venv_rss_kib(pid: int) -> list[int]:
    """Resident memory of a process and its children (gunicorn's workers), KiB."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    rss = []
    for each in [pid, *map(int, children.split())]:
        status = Path(f"/proc/{each}/status").read_text()
        rss += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")]
    return rss


def main(rounds: int) -> None:
    started = time.monotonic()
    build_image(IMAGE)
    print(f"image {IMAGE}: {image_size_bytes(IMAGE) / 1e6:.0f} MB; warm build (no change): "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, site(Path(folder), SMTP_PORT) as where:
        environment = where.environment(WEB_PORTS) | {"ORDO_WEB_WORKERS": "2"}
        env_file = write_env_file(Path(folder) / "ordo.env", environment)
        migrate = [
            sys.executable, "-m", "shared.cli", "migrate", "--service", "orders",
        ]  # fmt: skip
        subprocess.run(migrate, env={**os.environ, **environment}, cwd=ROOT, check=True)
        for process, url, extra in (
            ("web", f"http://127.0.0.1:{WEB_PORT}", {}),
            ("worker", f"http://127.0.0.1:{WORKER_PORT}", {"ORDO_WORKER_METRICS_PORT": "9791"}),
        ):
            figures = {"container": [], "venv": []}
            memory = {}
            for round_ in range(rounds):
                name = f"{where.backend.namespace}-{process}-{round_}"
                options = ["--env-file", str(env_file), *security_options("orders", process)]
                options += [f"--env={key}={value}" for key, value in extra.items()]
                started = time.monotonic()
                container = run_detached(name, ["orders", process], options, url)
                figures["container"].append(wait_ready_from(started, url))
                time.sleep(2)
                memory["container"] = sorted(process_rss_kib(container.name).values())
                container.stop(30)
                container.remove()

                local = {**os.environ, **environment, **extra, "PYTHON": sys.executable}
                local["ORDO_VAR_DIR"] = folder
                started = time.monotonic()
                child = subprocess.Popen(
                    ["sh", "deploy/entrypoint.sh", "orders", process], env=local, cwd=ROOT,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                figures["venv"].append(wait_ready_from(started, url))
                time.sleep(2)
                memory["venv"] = sorted(venv_rss_kib(child.pid))
                child.terminate()
                child.wait(30)
            best = {way: min(values) for way, values in figures.items()}
            ratio = best["container"] / best["venv"]
            print(
                f"orders {process}: ready {best['container']:.2f} s in a container, "
                f"{best['venv']:.2f} s from the venv (ratio {ratio:.2f}); "
                f"idle RSS container {[round(k / 1024) for k in memory['container']]} MiB, "
                f"venv {[round(k / 1024) for k in memory['venv']]} MiB"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
