import subprocess
import sys

import jwt
import pytest

from shared.cli import main
from tests.helpers import JWT_SECRET


def test_ordo_token_mints_a_token_the_services_accept(capsys, monkeypatch):
    monkeypatch.setenv("ORDO_JWT_SECRET", "cli-secret-of-enough-length-for-hs256")
    customer = "5b0f6a4e-1f7d-4c55-9a0e-4d2b8e9f0a11"
    assert main(["token", "--role", "customer", "--customer-id", customer, "--sub", "ana"]) == 0
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(token, "cli-secret-of-enough-length-for-hs256", algorithms=["HS256"])
    assert claims["sub"] == "ana" and claims["roles"] == ["customer"]
    assert claims["customer_id"] == customer


def test_ordo_token_refuses_a_customer_token_without_a_customer(capsys):
    assert main(["token", "--role", "customer"]) == 2
    assert "customer id" in capsys.readouterr().err


def test_ordo_refuses_an_unknown_role():
    with pytest.raises(SystemExit):
        main(["token", "--role", "wizard"])


def test_the_ordo_console_script_shows_its_commands():
    shown = subprocess.run(
        [sys.executable, "-m", "shared.cli", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("up", "migrate", "token", "events", "asyncapi", "demo"):
        assert command in shown


def test_ordo_token_refuses_a_lifetime_that_is_not_positive(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["token", "--role", "admin", "--ttl-hours", "0"])
    assert exit.value.code == 2
    assert "positive" in capsys.readouterr().err


def test_ordo_names_a_database_it_cannot_use_in_one_line_instead_of_a_traceback(
    capsys, monkeypatch
):
    monkeypatch.setenv("ORDO_ORDERS_DATABASE_URL", "not a database url")
    monkeypatch.setenv("ORDO_JWT_SECRET", JWT_SECRET)
    assert main(["migrate", "--service", "orders"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("ordo: the database failed") and "Traceback" not in error


def test_ordo_up_outside_a_checkout_says_what_it_needs(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("shared.cli.ENTRYPOINT", tmp_path / "deploy" / "entrypoint.sh")
    assert main(["up"]) == 2
    assert "checkout of the repository" in capsys.readouterr().err
