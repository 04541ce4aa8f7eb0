"""The gold chart of accounts on the ledger (commodities AU and AG, fine troy oz, 0.001 oz).

| account               | kind      | what it holds                                              |
|-----------------------|-----------|------------------------------------------------------------|
| EXTERNAL:<depositor>  | external  | the outside world a depositor's metal comes from (negative) |
| INTAKE                | process   | received lots not yet in a batch (per lot: gold_lots)       |
| PROCESS:<batch>       | process   | a batch's metal in process                                  |
| RESIDUE:<kind>        | process   | slag, sludge, sweeps, filters, silver: recovery inventory   |
| VAULT:<location>      | vault     | cast bars in a vault location                               |
| SHIPPED:<consignee>   | external  | bars that left the vault                                    |
| LOSS:REFINING         | loss      | refining loss recorded when a batch closes                  |
| METAL:<depositor>     | depositor | the depositor's metal account (what it is owed)             |
| CLEARING:TOLL         | external  | counterpart of metal accounts (credits, returns, sales)     |

Physical metal moves EXTERNAL → INTAKE → PROCESS → VAULT / RESIDUE / LOSS → SHIPPED; what is
owed moves CLEARING ↔ METAL. Nothing is created or destroyed except across EXTERNAL and LOSS.
"""

from __future__ import annotations

from collections.abc import Iterable

from nafolo.charts import AccountNames, AccountPrefix, create_missing_commodities
from nafolo.ledger import Ledger

DOMAIN = "gold"
UNIT = "fine oz"
SCALE = 3
AU = "AU"
AG = "AG"
INTAKE = "INTAKE"
LOSS = "LOSS:REFINING"
CLEARING = "CLEARING:TOLL"


external = AccountPrefix("EXTERNAL:", "external", "Outside metal of depositor {}")
process = AccountPrefix("PROCESS:", "process", "Batch {} in process")
_RESIDUE = AccountPrefix("RESIDUE:", "process", "Residues to recovery: {}")
vault = AccountPrefix("VAULT:", "vault", "Vault location {}")
shipped = AccountPrefix("SHIPPED:", "external", "Shipped to {}")
metal = AccountPrefix("METAL:", "depositor", "Metal account of {}")


def residue(kind: str) -> str:
    return _RESIDUE(kind.upper())


NAMES = AccountNames(
    DOMAIN,
    {
        INTAKE: ("process", "Received lots not yet in a batch"),
        LOSS: ("loss", "Refining loss"),
        CLEARING: ("external", "Toll clearing (counterpart of metal accounts)"),
    },
    (external, process, _RESIDUE, vault, shipped, metal),
)


def describe(code: str) -> tuple[str, str]:
    """(kind, name) of a gold account code; KeyError for any other code."""
    return NAMES.describe(code)


class Chart:
    """Creates the commodities and the accounts drafts use, once each (cached)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._commodities = False
        self._known: set[str] = set()

    def ensure(self, codes: Iterable[str]) -> None:
        if not self._commodities:
            create_missing_commodities(self.ledger, (AU, AG), DOMAIN, UNIT, SCALE)
            self._known.update(a.code for a in self.ledger.accounts(domain=DOMAIN))
            self._commodities = True
        NAMES.create_missing(self.ledger, codes, self._known)
