"""Fixtures for the delivery service tests."""

import pytest
from delivery_flow import Flow


@pytest.fixture
def app(make_app):
    return make_app("delivery", public_base_url="https://ordo.example")


@pytest.fixture
def flow(app):
    return Flow(app)
