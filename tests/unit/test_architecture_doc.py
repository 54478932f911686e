"""docs/architecture.md stays true: every status machine in the code is drawn there as it is.

`make docs` rewrites the drawings (and the event catalog, through `ordo asyncapi`).
"""

import importlib
import os
import pkgutil
from pathlib import Path

from shared.config import SERVICES
from shared.status_machine import StatusMachine

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
BEGIN = (
    "<!-- status machines: drawn from the code, checked by tests/unit/test_architecture_doc.py -->"
)
END = "<!-- end of status machines -->"

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
        sections += [
            f"### {service}: {machine.entity} (`{name}`)",
            "",
            "```mermaid",
            machine.mermaid(),
            "```",
            "",
            f"Actions that keep the status: {keeps}." if keeps else "No action keeps the status.",
            "",
        ]
    return "\n".join(sections)


def current_section(text: str) -> str:
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def test_every_aggregate_the_issue_names_declares_a_status_machine():
    declared = {(service, machine.entity) for service, _, machine in status_machines()}
    assert declared >= EXPECTED, f"no StatusMachine for {sorted(EXPECTED - declared)}"


def test_the_architecture_document_draws_each_status_machine_as_the_code_declares_it():
    text = DOCUMENT.read_text()
    if os.environ.get("ORDO_WRITE_DOCS") == "1":
        head, rest = text.split(BEGIN, 1)
        text = f"{head}{BEGIN}\n{drawings()}\n{END}{rest.split(END, 1)[1]}"
        DOCUMENT.write_text(text)
    assert current_section(text) == drawings(), "run `make docs` and commit docs/architecture.md"
