"""The container tests: the image built from the working tree, run with podman.

Skipped, saying why, where podman cannot run; under CI=true that is a failure instead, since
.ci/run installs podman, runc and debootstrap.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.conftest import REAL_BACKENDS
from tests.containers.podman import FIGURES, IMAGE, build_image, image_size_bytes, unavailable


@pytest.fixture(scope="session")
def image() -> str:
    reason = unavailable()
    if reason is None and not REAL_BACKENDS:
        reason = "PostgreSQL and RabbitMQ are not reachable here"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"containers cannot run under CI: {reason}")
        pytest.skip(reason)
    started = time.monotonic()
    build_image(IMAGE)
    FIGURES["image build (base kept if present)"] = f"{time.monotonic() - started:.1f} s"
    FIGURES["image size"] = f"{image_size_bytes(IMAGE) / 1e6:.0f} MB"
    return IMAGE


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "container figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
