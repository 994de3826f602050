"""Fixtures of the account journeys: a signed-in base operator, a tenant with its owner."""

from __future__ import annotations

import pytest

OPERATOR_EMAIL = "base@example.com"
OWNER_EMAIL = "owner@houston.example"


@pytest.fixture
def operator_client(factory, make_client):
    """A base operator, signed in through the login form."""
    factory.operator(OPERATOR_EMAIL)
    client = make_client()
    response = client.login(OPERATOR_EMAIL)
    assert response.headers["Location"].endswith("/base/")
    return client


@pytest.fixture
def houston(factory):
    """The tenant ``houston`` (English by default) and its owner, as plain values."""
    tenant = factory.tenant("houston")
    factory.member(tenant, OWNER_EMAIL, "owner")
    return tenant


@pytest.fixture
def owner_client(houston, make_client):
    client = make_client()
    client.login(OWNER_EMAIL)
    return client
