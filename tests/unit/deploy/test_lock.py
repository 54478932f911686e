"""requirements.lock (`make lock`) pins what pyproject.toml asks for. A dependency added but not
locked yet is a warning, not a failure: the lock is refreshed with one command."""

from __future__ import annotations

import re
import tomllib
import warnings

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.unit.deploy.support import ROOT


def locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)
    }


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [item for group in project["optional-dependencies"].values() for item in group]
    return [Requirement(item) for item in [*project["dependencies"], *extras]]


def test_every_locked_version_satisfies_pyproject_and_what_is_missing_is_a_warning():
    pins = locked()
    assert len(pins) > 50
    wrong, missing = [], []
    for requirement in requirements():
        version = pins.get(canonicalize_name(requirement.name))
        if version is None:
            missing.append(requirement.name)
        elif not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{requirement.name}=={version} (pyproject: {requirement.specifier})")
    assert wrong == [], "run `make lock`: " + ", ".join(wrong)
    if missing:
        warnings.warn(f"not in requirements.lock yet (make lock): {missing}", stacklevel=1)


def test_the_lock_says_how_to_refresh_it():
    assert "make lock" in (ROOT / "requirements.lock").read_text().splitlines()[1]
