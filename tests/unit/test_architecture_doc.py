"""docs/architecture.md stays true: every status machine in the code is drawn there as it is,
and the code map lists every module of every service's layers with its docstring.

`make docs` rewrites both (and the event catalog, through `ordo asyncapi`).
"""

import importlib
import os
import pkgutil
from pathlib import Path

import pytest

from shared.config import SERVICES
from shared.status_machine import StatusMachine

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
MACHINES = (
    "<!-- status machines: drawn from the code, checked by tests/unit/test_architecture_doc.py -->",
    "<!-- end of status machines -->",
)
CODE_MAP = (
    "<!-- code map: the modules' docstrings, checked by tests/unit/test_architecture_doc.py -->",
    "<!-- end of code map -->",
)
LAYERS = ("api", "usecases", "domain", "render")

#: The aggregates issue 11 names; later ones join by being declared.
EXPECTED = {
    ("orders", "order"),
    ("planning", "plan"),
    ("planning", "task"),
    ("delivery", "deliverable"),
    ("delivery", "delivery package"),
    ("delivery", "non-conformance"),
    ("feedback", "survey"),
    ("feedback", "retrospective"),
}


def status_machines() -> list[tuple[str, str, StatusMachine]]:
    """(service, constant name, machine) for every StatusMachine a service's domain declares."""
    found: dict[int, tuple[str, str, StatusMachine]] = {}
    for service in SERVICES:
        package = importlib.import_module(f"services.{service}.domain")
        for module in pkgutil.iter_modules(package.__path__):
            namespace = vars(importlib.import_module(f"{package.__name__}.{module.name}"))
            for name, value in namespace.items():
                if isinstance(value, StatusMachine):
                    found.setdefault(id(value), (service, name, value))
    return sorted(found.values(), key=lambda item: (SERVICES.index(item[0]), item[2].entity))


def drawings() -> str:
    sections = []
    for service, name, machine in status_machines():
        keeps = ", ".join(
            f"`{action}` ({', '.join(statuses)})" for action, statuses in machine.keeps.items()
        )
        who = ", ".join(
            f"`{action}` {' / '.join(roles)}" for action, roles in machine.roles.items() if roles
        )
        sections += [
            f"### {service}: {machine.entity} (`{name}`)",
            "",
            "```mermaid",
            machine.mermaid(),
            "```",
            "",
            f"Actions that keep the status: {keeps}." if keeps else "No action keeps the status.",
            f"Who may act: {who}; the other actions are the system's, on events."
            if who
            else "Every action is the system's, on events or on a user's change of the data.",
            "",
        ]
    return "\n".join(sections).strip("\n")


def code_map() -> str:
    lines = []
    for service in SERVICES:
        lines += [f"**{service}**", "", "| module | what it holds |", "|---|---|"]
        top = importlib.import_module(f"services.{service}.handlers")
        lines.append(f"| `handlers.py` | {summary(top)} |")
        for layer in LAYERS:
            try:
                package = importlib.import_module(f"services.{service}.{layer}")
            except ModuleNotFoundError:
                continue
            for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
                loaded = importlib.import_module(f"{package.__name__}.{module.name}")
                lines.append(f"| `{layer}/{module.name}.py` | {summary(loaded)} |")
        lines.append("")
    return "\n".join(lines).strip("\n")


def summary(module) -> str:
    """The first paragraph of a module's docstring (every module has one)."""
    assert module.__doc__, f"{module.__name__} has no docstring"
    return " ".join(module.__doc__.strip().split("\n\n")[0].split()).replace("|", "\\|")


def current_section(text: str, markers: tuple[str, str]) -> str:
    begin, end = markers
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def rewritten(text: str, markers: tuple[str, str], section: str) -> str:
    begin, end = markers
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n{section}\n{end}{rest.split(end, 1)[1]}"


def test_every_aggregate_the_issue_names_declares_a_status_machine():
    declared = {(service, machine.entity) for service, _, machine in status_machines()}
    assert declared >= EXPECTED, f"no StatusMachine for {sorted(EXPECTED - declared)}"


@pytest.mark.parametrize(("markers", "generate"), [(MACHINES, drawings), (CODE_MAP, code_map)])
def test_the_architecture_document_shows_the_code_as_it_is(markers, generate):
    text = DOCUMENT.read_text()
    if os.environ.get("ORDO_WRITE_DOCS") == "1":
        text = rewritten(text, markers, generate())
        DOCUMENT.write_text(text)
    assert current_section(text, markers) == generate(), "run `make docs` and commit the doc"
