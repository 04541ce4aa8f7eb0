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

from nafolo.ledger import Ledger

DOMAIN = "gold"
UNIT = "fine oz"
SCALE = 3
AU = "AU"
AG = "AG"
INTAKE = "INTAKE"
LOSS = "LOSS:REFINING"
CLEARING = "CLEARING:TOLL"


def external(depositor_id: str) -> str:
    return f"EXTERNAL:{depositor_id}"


def process(batch_id: str) -> str:
    return f"PROCESS:{batch_id}"


def residue(kind: str) -> str:
    return f"RESIDUE:{kind.upper()}"


def vault(location: str) -> str:
    return f"VAULT:{location}"


def shipped(consignee: str) -> str:
    return f"SHIPPED:{consignee}"


def metal(depositor_id: str) -> str:
    return f"METAL:{depositor_id}"


_KINDS = (
    ("EXTERNAL:", "external", "Outside metal of depositor {}"),
    ("PROCESS:", "process", "Batch {} in process"),
    ("RESIDUE:", "process", "Residues to recovery: {}"),
    ("VAULT:", "vault", "Vault location {}"),
    ("SHIPPED:", "external", "Shipped to {}"),
    ("METAL:", "depositor", "Metal account of {}"),
)
_FIXED = {
    INTAKE: ("process", "Received lots not yet in a batch"),
    LOSS: ("loss", "Refining loss"),
    CLEARING: ("external", "Toll clearing (counterpart of metal accounts)"),
}


def describe(code: str) -> tuple[str, str]:
    """(kind, name) of a gold account code; KeyError for any other code."""
    if code in _FIXED:
        return _FIXED[code]
    for prefix, kind, name in _KINDS:
        if code.startswith(prefix):
            return kind, name.format(code.removeprefix(prefix))
    raise KeyError(f"{code!r} is not a gold account code")


class Chart:
    """Creates the commodities and the accounts drafts use, once each (cached)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._commodities = False
        self._known: set[str] = set()

    def ensure(self, codes: Iterable[str]) -> None:
        if not self._commodities:
            known = {c.code for c in self.ledger.commodities()}
            for code in (AU, AG):
                if code not in known:
                    self.ledger.ensure_commodity(code, DOMAIN, UNIT, SCALE)
            self._known.update(a.code for a in self.ledger.accounts(domain=DOMAIN))
            self._commodities = True
        for code in sorted(set(codes) - self._known):
            kind, name = describe(code)
            self.ledger.ensure_account(code, kind, DOMAIN, name)
            self._known.add(code)
