"""Podman for the container tests: build the image, run Ordo's processes as containers, stop them.

Facts of these machines (docs/deploy.md): no image registry (the base is made with debootstrap,
deploy/podman/base-image.sh), runc rather than crun, ulimits no higher than the host's, and
`--network host` to reach the machine's PostgreSQL and RabbitMQ.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from shared.client import RequestFailed, ServiceClient, wait_until

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("ORDO_TEST_IMAGE", "localhost/ordo:test")
RUNTIME = ["--runtime", os.environ.get("ORDO_OCI_RUNTIME", "runc")]
LIMITS = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]

#: What the container tests measured, printed in pytest's terminal summary.
FIGURES: dict[str, str] = {}


def podman(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"podman {' '.join(args[:3])} …: {result.stderr.strip()[-2000:]}")
    return result


def unavailable() -> str | None:
    """Why containers cannot run here, or None."""
    if shutil.which("podman") is None:
        return "podman is not installed (apt-get install podman runc debootstrap)"
    base = os.environ.get("ORDO_BASE_IMAGE", "localhost/ordo-base:bookworm")
    no_base = podman("image", "exists", base, check=False).returncode != 0
    if shutil.which("debootstrap") is None and no_base:
        return "debootstrap is not installed and there is no base image " + base
    info = podman("info", timeout=60, check=False)
    if info.returncode != 0:
        return "podman cannot run here: " + (info.stderr.strip().splitlines() or ["?"])[-1]
    return None


def build_image(tag: str = IMAGE) -> float:
    """`make image` (deploy/podman/build.sh) from the working tree; seconds it took."""
    started = time.monotonic()
    result = subprocess.run(
        ["sh", "deploy/podman/build.sh", tag],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError("the image did not build:\n" + (result.stdout + result.stderr)[-4000:])
    return time.monotonic() - started


def write_env_file(path: Path, environment: dict[str, str]) -> Path:
    path.write_text("".join(f"{key}={value}\n" for key, value in environment.items()))
    path.chmod(0o600)
    return path


def security_options(service: str, component: str) -> list[str]:
    """`podman run` options for what deploy/k8s/<service>.yaml says of this container:
    read-only root filesystem (with an emptyDir /tmp), no capabilities, no privilege
    escalation, the user it runs as."""
    manifests = yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{service}.yaml").read_text())
    for manifest in manifests:
        if manifest["kind"] in ("Deployment", "Job") and manifest["metadata"]["name"] == (
            f"{service}-{component}"
        ):
            pod = manifest["spec"]["template"]["spec"]
            container = pod["containers"][0]["securityContext"]
            user = pod["securityContext"]
            options = ["--user", f"{user['runAsUser']}:{user['runAsGroup']}"]
            if container.get("readOnlyRootFilesystem"):
                options += ["--read-only", "--tmpfs", "/tmp:rw,size=64m,mode=1777"]
            if container.get("allowPrivilegeEscalation") is False:
                options += ["--security-opt", "no-new-privileges"]
            if "ALL" in container.get("capabilities", {}).get("drop", []):
                options += ["--cap-drop", "ALL"]
            return options
    raise LookupError(f"no {service}-{component} in deploy/k8s/{service}.yaml")


def grace_seconds(service: str, component: str) -> int:
    manifests = yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{service}.yaml").read_text())
    for manifest in manifests:
        if manifest["metadata"]["name"] == f"{service}-{component}":
            return manifest["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
    raise LookupError(f"{service}-{component}")


@dataclass
class Container:
    """One detached container and when `podman run` was called for it."""

    name: str
    ready_url: str | None
    started: float = field(default_factory=time.monotonic)
    ready_after: float | None = None

    def is_ready(self) -> bool:
        if self.ready_after is not None:
            return True
        try:
            ServiceClient(self.ready_url, timeout=2).get("/readyz")
        except (RequestFailed, OSError):
            return False
        self.ready_after = time.monotonic() - self.started
        return True

    def running(self) -> bool:
        state = podman("inspect", "--format", "{{.State.Running}}", self.name, check=False)
        return state.stdout.strip() == "true"

    def logs(self, lines: int = 40) -> str:
        result = podman("logs", "--tail", str(lines), self.name, check=False)
        return result.stdout + result.stderr

    def exec(self, *command: str) -> subprocess.CompletedProcess:
        return podman("exec", self.name, *command, check=False)

    def stop(self, grace: float) -> tuple[int, float]:
        """Stop it as compose and the kubelet do: SIGTERM, SIGKILL after `grace` seconds.
        (exit code, seconds from SIGTERM to the process's exit); 137 means it was killed.

        Not `podman kill --signal TERM`: under a restart policy (compose's `unless-stopped`,
        a Pod's `Always`) that reads as a crash, podman starts the container again at once
        and `podman wait` measures the restart, not the stop."""
        sent = datetime.now(UTC)
        podman("stop", "--time", str(int(grace)), self.name, timeout=grace + 60)
        state = podman(
            "inspect", "--format",
            '{{.State.ExitCode}} {{.State.FinishedAt.Format "2006-01-02T15:04:05.000000Z07:00"}}',
            self.name,
        ).stdout.split()  # fmt: skip
        finished = datetime.fromisoformat(state[1].replace("Z", "+00:00"))
        return int(state[0]), (finished - sent).total_seconds()

    def remove(self) -> None:
        podman("rm", "--force", "--time", "0", self.name, check=False)


def run_detached(
    name: str, arguments: list[str], options: list[str], ready_url: str | None
) -> Container:
    container = Container(name, ready_url)
    podman("run", "--detach", "--name", name, *RUNTIME, *LIMITS, "--network", "host",
           *options, IMAGE, *arguments)  # fmt: skip
    return container


def wait_ready(containers: dict[str, Container], seconds: float) -> None:
    """Until every container answers /readyz; a failure names the late ones with their logs."""
    try:
        wait_until(lambda: all(c.is_ready() for c in containers.values()), seconds, 0.2)
    except TimeoutError:
        late = [key for key, c in containers.items() if c.ready_after is None]
        logs = "\n".join(f"--- {key}:\n{containers[key].logs(15)}" for key in late)
        raise AssertionError(f"not ready after {seconds} s: {late}\n{logs}") from None


def stop_all(containers: dict[str, Container]) -> dict[str, tuple[int, float]]:
    """Stop every container at once, each allowed its grace period from deploy/k8s:
    {key: (exit code, seconds)}; `key` is "<service>-<component>"."""

    def stop(key: str) -> tuple[int, float]:
        return containers[key].stop(grace_seconds(*key.split("-")))

    with ThreadPoolExecutor(max(1, len(containers))) as pool:
        return dict(zip(containers, pool.map(stop, containers), strict=True))


def run_once(arguments: list[str], options: list[str], timeout: float = 120):
    """A container that runs to its end (migrate, a refused start): the finished process."""
    return podman("run", "--rm", *RUNTIME, *LIMITS, "--network", "host", *options, IMAGE,
                  *arguments, timeout=timeout, check=False)  # fmt: skip


def process_rss_kib(container: str) -> dict[str, int]:
    """Resident memory of each process in a container: {"<pid> <command>": KiB}."""
    script = (
        "for s in /proc/[0-9]*/status; do d=${s%/status}; "
        'printf "%s %s %s\\n" "${d#/proc/}" "$(awk \'/^VmRSS/ {print $2}\' $s)" '
        '"$(tr "\\0" " " < $d/cmdline | cut -c1-60)"; done'
    )
    result = podman("exec", container, "sh", "-c", script, check=False)
    rss = {}
    for line in result.stdout.splitlines():
        pid, kib, *command = line.split(" ", 2) + [""]
        if kib.isdigit() and "sh -c" not in command[0] and "/proc" not in command[0]:
            rss[f"{pid} {command[0].strip()}"] = int(kib)
    return rss


def image_size_bytes(tag: str = IMAGE) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", tag).stdout.strip())
