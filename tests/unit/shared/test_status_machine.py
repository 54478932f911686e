"""The one status-machine helper every aggregate uses."""

import pytest

from shared.errors import TransitionNotAllowed
from shared.status_machine import StatusMachine

DOOR = StatusMachine(
    "door",
    ("open", "closed", "locked", "removed"),
    moves={
        "close": {"open": "closed"},
        "open": {"closed": "open"},
        "lock": {"closed": "locked"},
        "unlock": {"locked": "closed"},
        "remove": {"open": "removed", "closed": "removed"},
    },
    keeps={"paint": ("open", "closed")},
    roles={"lock": ("caretaker",), "paint": ("painter", "caretaker")},
)


def test_an_action_moves_from_the_status_it_names_to_its_target():
    assert DOOR.next_status("open", "close") == "closed"
    assert DOOR.next_status("locked", "unlock") == "closed"


def test_a_keep_is_allowed_in_its_statuses_and_leaves_the_status_as_it_is():
    assert DOOR.next_status("closed", "paint") == "closed"
    with pytest.raises(TransitionNotAllowed):
        DOOR.next_status("locked", "paint")


def test_allowed_actions_are_the_sorted_names_of_moves_and_keeps_the_status_allows():
    assert DOOR.allowed_actions("closed") == ["lock", "open", "paint", "remove"]
    assert DOOR.allowed_actions("removed") == []


def test_a_refused_action_names_the_entity_the_status_and_what_is_allowed():
    with pytest.raises(TransitionNotAllowed) as refused:
        DOOR.next_status("locked", "open")
    assert str(refused.value) == "Cannot open a door that is locked."
    assert refused.value.extra == {"current_status": "locked", "allowed_actions": ["unlock"]}


def test_the_article_follows_the_entity():
    machine = StatusMachine(
        "order", ("draft", "submitted"), moves={"submit": {"draft": "submitted"}}
    )
    with pytest.raises(TransitionNotAllowed, match="Cannot submit an order that is submitted."):
        machine.next_status("submitted", "submit")


def test_an_unknown_action_is_a_programming_error_not_a_conflict():
    with pytest.raises(ValueError):
        DOOR.next_status("open", "slam")


def test_the_action_to_a_target_status_is_found_or_refused_as_a_conflict():
    assert DOOR.action_to("closed", "locked") == "lock"
    with pytest.raises(TransitionNotAllowed) as refused:
        DOOR.action_to("open", "locked")
    assert refused.value.allowed_actions == ["close", "paint", "remove"]
    assert str(refused.value) == "A door that is open cannot become locked."


def test_roles_are_given_per_action_and_an_action_without_roles_is_the_systems():
    assert DOOR.roles_for("paint") == ("painter", "caretaker")
    assert DOOR.roles_for("remove") == ()


def test_final_statuses_are_those_no_action_leaves():
    assert DOOR.final_statuses == ("removed",)


def test_a_machine_naming_an_unknown_status_is_refused_when_it_is_defined():
    with pytest.raises(ValueError, match="unknown"):
        StatusMachine("door", ("open",), moves={"close": {"open": "shut"}})
    with pytest.raises(ValueError):
        StatusMachine("door", ("open",), moves={}, roles={"fly": ("bird",)})


def test_the_mermaid_diagram_draws_every_move_from_the_initial_status_to_the_final_ones():
    diagram = DOOR.mermaid().splitlines()
    assert diagram[:2] == ["stateDiagram-v2", "    [*] --> open"]
    assert "    closed --> locked: lock" in diagram
    assert "    open --> removed: remove" in diagram
    assert diagram[-1] == "    removed --> [*]"
