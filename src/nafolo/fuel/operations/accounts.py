"""The fuel chart of accounts on the ledger: where product can be, and where it is lost or found.

One commodity per product (code = product code), in tonnes weight in air (ASTM D1250 Table 56)
with three decimals (kilograms). Accounts hold every product; a depot's balance in a commodity is
its tank of that product.

| account                      | kind     | what it holds                                       |
|------------------------------|----------|-----------------------------------------------------|
| SUPPLIER:<contract>          | supplier | the supplier's side of a contract (goes negative)   |
| PORT:<port>                  | port     | product landed for Mali at a coastal port           |
| TRANSIT:<corridor>/<convoy>  | transit  | product loaded on a convoy's trucks                 |
| DEPOT:<depot>                | depot    | product in the depot's tanks                        |
| REGION:<region>              | region   | product withdrawn to serve a region                 |
| OPENING                      | external | counterpart of opening stocks                       |
| LOSS:TRANSIT:<corridor>      | loss     | transit losses found at receipt ("coulage")         |
| GAIN:TRANSIT:<corridor>      | gain     | transit gains found at receipt                      |
| LOSS:ATTACK:<corridor>       | loss     | loads of trucks lost (attack, fire, accident)       |
| LOSS:DIP:<depot>             | loss     | book stock a tank dip did not find                  |
| GAIN:DIP:<depot>             | gain     | physical stock a tank dip found above the book      |
"""

from __future__ import annotations

from collections.abc import Iterable

from nafolo.charts import AccountNames, AccountPrefix, create_missing_commodities
from nafolo.fuel.network.model import Network
from nafolo.ledger import Ledger

DOMAIN = "fuel"
LEDGER_UNIT = "t"
"""Commercial tonnes: weight in air (ASTM D1250 Table 56), not mass in vacuum."""
LEDGER_SCALE = 3
"""Quantities are recorded to the kilogram."""


OPENING = "OPENING"


supplier = AccountPrefix("SUPPLIER:", "supplier", "Supplier of {}")
port = AccountPrefix("PORT:", "port", "Port {}")
_TRANSIT = AccountPrefix("TRANSIT:", "transit", "Convoy in transit {}")
depot = AccountPrefix("DEPOT:", "depot", "Depot {}")
region = AccountPrefix("REGION:", "region", "Region {}")
transit_loss = AccountPrefix("LOSS:TRANSIT:", "loss", "Transit losses on {}")
transit_gain = AccountPrefix("GAIN:TRANSIT:", "gain", "Transit gains on {}")
attack_loss = AccountPrefix("LOSS:ATTACK:", "loss", "Trucks lost on {}")
dip_loss = AccountPrefix("LOSS:DIP:", "loss", "Dip losses at {}")
dip_gain = AccountPrefix("GAIN:DIP:", "gain", "Dip gains at {}")


def transit(corridor: str, convoy: str) -> str:
    return _TRANSIT(f"{corridor}/{convoy}")


def convoy_of_transit(account: str) -> tuple[str, str] | None:
    """(corridor, convoy) of a transit account code, or None for any other account."""
    if not account.startswith(_TRANSIT.prefix) or "/" not in account:
        return None
    corridor, convoy = account.removeprefix(_TRANSIT.prefix).split("/", 1)
    return corridor, convoy


def code_of(account: str, prefix: str) -> str | None:
    """The code after `prefix` (e.g. 'DEPOT:') in an account code, or None."""
    return account.removeprefix(prefix) if account.startswith(prefix) else None


def chart(network: Network) -> list[tuple[str, str, str]]:
    """Every fixed account of the network as (code, kind, name); convoys get theirs later."""
    rows: list[tuple[str, str, str]] = [(OPENING, "external", "Opening stocks")]
    rows += [
        (supplier(c.contract), "supplier", f"Supplier of {c.contract}") for c in network.contracts
    ]
    rows += [(port(p.port), "port", f"Port of {p.name}") for p in network.ports]
    rows += [(depot(d.depot), "depot", f"Depot {d.name}") for d in network.depots]
    rows += [(region(r.region), "region", f"Region {r.name}") for r in network.regions]
    for c in network.corridors:
        rows.append((transit_loss(c.corridor), "loss", f"Transit losses on {c.corridor}"))
        rows.append((transit_gain(c.corridor), "gain", f"Transit gains on {c.corridor}"))
        rows.append((attack_loss(c.corridor), "loss", f"Trucks lost on {c.corridor}"))
    for d in network.depots:
        rows.append((dip_loss(d.depot), "loss", f"Dip losses at {d.depot}"))
        rows.append((dip_gain(d.depot), "gain", f"Dip gains at {d.depot}"))
    return rows


def ensure_chart(ledger: Ledger, network: Network) -> None:
    """Create the network's commodities and fixed accounts in the ledger (idempotent)."""
    ensure_commodities(ledger, network)
    known_accounts = {a.code for a in ledger.accounts(domain=DOMAIN)}
    for code, kind, name in chart(network):
        if code not in known_accounts:
            ledger.ensure_account(code, kind, DOMAIN, name)


NAMES = AccountNames(
    DOMAIN,
    {OPENING: ("external", "Opening stocks")},
    (
        supplier,
        port,
        _TRANSIT,
        depot,
        region,
        transit_loss,
        transit_gain,
        attack_loss,
        dip_loss,
        dip_gain,
    ),
)


def describe(code: str) -> tuple[str, str]:
    """(kind, name) of an account code of this chart; KeyError for any other code."""
    return NAMES.describe(code)


def ensure_accounts(ledger: Ledger, codes: Iterable[str], known: set[str]) -> None:
    """Create the accounts among `codes` not in `known` (which is updated): only those used."""
    if not known:
        known.update(a.code for a in ledger.accounts(domain=DOMAIN))
    NAMES.create_missing(ledger, codes, known)


def ensure_commodities(ledger: Ledger, network: Network) -> None:
    """One commodity per product of the network, in tonnes weight in air to the kilogram."""
    create_missing_commodities(
        ledger, (p.product for p in network.products), DOMAIN, LEDGER_UNIT, LEDGER_SCALE
    )
