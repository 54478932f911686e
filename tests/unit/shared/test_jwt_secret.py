"""No default secrets outside embedded mode: the rule, and the processes that obey it."""

import importlib
import os
import subprocess
import sys
import warnings

import jwt
import pytest

from shared.cli import main
from shared.config import (
    DEVELOPMENT_JWT_SECRET,
    MIN_SECRET_BYTES,
    load_settings,
    secret_refusal,
)
from tests.helpers import JWT_SECRET

SQLITE = ["sqlite:///var/orders.db"]
POSTGRES = ["postgresql://ordo@db/ordo_orders"]
GOOD = "9f2c4e6a8b0d1f3e5a7c9e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f"  # openssl rand -hex 32


@pytest.mark.parametrize("secret", [None, DEVELOPMENT_JWT_SECRET, "short", GOOD])
@pytest.mark.parametrize("broker", ["filesystem://", "memory://"])
def test_embedded_mode_takes_any_secret_or_none(secret, broker):
    assert secret_refusal(secret, SQLITE, broker) is None


@pytest.mark.parametrize(
    ("databases", "broker"),
    [
        (POSTGRES, "filesystem://"),
        (SQLITE, "amqp://guest:guest@127.0.0.1:5672//"),
        (SQLITE + POSTGRES, "memory://"),
    ],
    ids=["postgresql", "rabbitmq", "one-database-of-several"],
)
def test_outside_embedded_mode_a_missing_secret_is_refused_naming_the_variable(databases, broker):
    refusal = secret_refusal(None, databases, broker)
    assert refusal.startswith("ORDO_JWT_SECRET must be set outside embedded mode")
    assert "openssl rand -hex 32" in refusal and "\n" not in refusal


@pytest.mark.parametrize(
    "secret",
    [
        DEVELOPMENT_JWT_SECRET,
        "ordo-dev-secret-change-me",
        "ordo-compose-secret-change-me-please-and-make-it-long",
        "CHANGEME-CHANGEME-CHANGEME-CHANGEME",
        "please_change_me_before_going_to_production_ok",
        "a-placeholder-value-that-is-long-enough-to-pass",
    ],
)
def test_a_known_placeholder_is_refused_however_long(secret):
    assert secret_refusal(secret, POSTGRES, "amqp://rabbit//").startswith(
        "ORDO_JWT_SECRET is a placeholder"
    )


def test_a_secret_shorter_than_32_bytes_is_refused_with_its_length():
    short = "s3cr3t-of-thirty-one-bytes-xxxx"
    assert len(short.encode()) == MIN_SECRET_BYTES - 1
    assert secret_refusal(short, POSTGRES, "amqp://rabbit//").startswith(
        "ORDO_JWT_SECRET is 31 bytes"
    )
    assert secret_refusal(short + "x", POSTGRES, "amqp://rabbit//") is None


def test_a_generated_secret_and_the_tests_secret_pass():
    assert secret_refusal(GOOD, POSTGRES, "amqp://rabbit//") is None
    assert secret_refusal(JWT_SECRET, POSTGRES, "amqp://rabbit//") is None


def test_the_development_default_is_long_enough_that_pyjwt_does_not_warn():
    assert len(DEVELOPMENT_JWT_SECRET.encode()) >= MIN_SECRET_BYTES
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        token = jwt.encode({"sub": "dev"}, DEVELOPMENT_JWT_SECRET, algorithm="HS256")
        jwt.decode(token, DEVELOPMENT_JWT_SECRET, algorithms=["HS256"])


@pytest.fixture
def unconfigured(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("ORDO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ORDO_VAR_DIR", str(tmp_path))
    return monkeypatch


def test_settings_on_postgresql_without_a_secret_are_refused(unconfigured):
    unconfigured.setenv("ORDO_ORDERS_DATABASE_URL", POSTGRES[0])
    with pytest.raises(ValueError, match="^ORDO_JWT_SECRET must be set"):
        load_settings("orders")
    unconfigured.setenv("ORDO_JWT_SECRET", GOOD)
    assert load_settings("orders").jwt_secret == GOOD


def test_a_service_app_refuses_to_start_on_rabbitmq_with_the_development_secret(unconfigured):
    unconfigured.setenv("ORDO_JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    app = importlib.import_module("services.planning.app")
    with pytest.raises(ValueError, match="^ORDO_JWT_SECRET is a placeholder"):
        app.create_app({"broker_url": "amqp://guest:guest@127.0.0.1:5672//"})


def test_a_worker_refuses_to_start_outside_embedded_mode_without_a_secret(unconfigured, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "ORDO_JWT_SECRET"}
    environment["ORDO_BROKER_URL"] = "amqp://guest:guest@127.0.0.1:5672//"
    worker = subprocess.run(
        [sys.executable, "-m", "services.feedback.worker"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode != 0
    assert "ValueError: ORDO_JWT_SECRET must be set outside embedded mode" in worker.stderr


def test_ordo_up_refuses_in_one_line_without_a_traceback(unconfigured, capsys):
    unconfigured.setenv("ORDO_FEEDBACK_DATABASE_URL", POSTGRES[0])
    unconfigured.setenv("ORDO_JWT_SECRET", "ordo-compose-secret-change-me")
    assert main(["up"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("ordo: ORDO_JWT_SECRET is a placeholder")
    assert error.count("\n") == 1 and "Traceback" not in error


def test_ordo_token_works_with_no_configuration_and_no_warning(unconfigured, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["token", "--role", "admin"]) == 0
        token = capsys.readouterr().out.strip()
        claims = jwt.decode(token, DEVELOPMENT_JWT_SECRET, algorithms=["HS256"])
    assert claims["roles"] == ["admin"]
