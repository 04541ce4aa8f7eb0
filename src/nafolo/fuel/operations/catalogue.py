"""The network's codes as operations check them: what exists, supplies what, serves what."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import CorridorRow, DepotTankRow, ProductRow
from nafolo.fuel.operations.loads import KILOGRAM


@dataclass(frozen=True)
class FieldProblem:
    """Why an operation is refused: the input field and the reason."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class OperationRefusedError(ValueError):
    """An operation refused as a whole, nothing recorded; lists every problem by field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Catalogue:
    """Look-ups over a `Network` used to check operations before anything is written."""

    network: Network

    def product(self, code: str) -> ProductRow | None:
        return next((p for p in self.network.products if p.product == code), None)

    def corridor(self, code: str) -> CorridorRow | None:
        return next((c for c in self.network.corridors if c.corridor == code), None)

    def tank(self, depot: str, product: str) -> DepotTankRow | None:
        return next(
            (t for t in self.network.depot_tanks if t.depot == depot and t.product == product),
            None,
        )

    def has_port(self, code: str) -> bool:
        return any(p.port == code for p in self.network.ports)

    def has_depot(self, code: str) -> bool:
        return any(d.depot == code for d in self.network.depots)

    def has_region(self, code: str) -> bool:
        return any(r.region == code for r in self.network.regions)

    def has_contract(self, code: str) -> bool:
        return any(c.contract == code for c in self.network.contracts)

    def supplies(self, contract: str, port: str, product: str) -> bool:
        return any(
            (s.contract, s.port, s.product) == (contract, port, product)
            for s in self.network.supply
        )

    def serves(self, depot: str, region: str) -> bool:
        return any(s.depot == depot and s.region == region for s in self.network.region_supply)

    def density_15(self, product: str) -> Decimal:
        found = self.product(product)
        if found is None:
            raise KeyError(product)
        return Decimal(str(found.density_15_kg_m3))


def tonnes_to_kilogram_problem(quantity_t: Decimal) -> FieldProblem | None:
    """A refusal of `quantity_t` when it is finer than the ledger's kilogram, else None."""
    if quantity_t == quantity_t.quantize(KILOGRAM):
        return None
    return FieldProblem("quantity_t", f"{quantity_t} t: give at most 3 decimals (kg)")


def unknown(kind: str, code: str, sheet: str) -> str:
    return f"unknown {kind} {code!r}: not in the network's {sheet} sheet"
