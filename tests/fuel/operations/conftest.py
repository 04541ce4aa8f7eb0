"""Fixtures for fuel operations: the bundled Mali network and the service on a fresh store."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.fuel.operations import FuelOperations
from nafolo.ledger import Ledger


@pytest.fixture(scope="session")
def mali() -> Network:
    return load_network()


@pytest.fixture
def ledger(engine: Engine) -> Ledger:
    return Ledger(engine)


@pytest.fixture
def ops(ledger: Ledger, mali: Network) -> FuelOperations:
    return FuelOperations(ledger, mali)
