"""What the fuel and gold charts of accounts share: an account code read back into its kind and
name by its prefix, and commodities and accounts created in the ledger only where missing.

Each programme keeps its own codes, kinds and names (`nafolo.fuel.operations.accounts`,
`nafolo.gold.service.accounts`); the ledger itself knows no programme's codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nafolo.ledger import Ledger


@dataclass(frozen=True, slots=True)
class AccountPrefix:
    """Account codes `<prefix><key>` of one kind, each named by `name` with `{}` for the key;
    called with a key, it gives that key's account code."""

    prefix: str
    kind: str
    name: str

    def __call__(self, key: str) -> str:
        return f"{self.prefix}{key}"


class AccountNames:
    """The kind and name of every account code of `domain`: `fixed` codes (code → kind, name),
    then codes made of a prefix and a key (the first of `prefixed` that matches wins)."""

    def __init__(
        self,
        domain: str,
        fixed: Mapping[str, tuple[str, str]],
        prefixed: Sequence[AccountPrefix],
    ) -> None:
        self.domain = domain
        self._fixed = fixed
        self._prefixed = prefixed

    def describe(self, code: str) -> tuple[str, str]:
        """(kind, name) of an account code of this chart; KeyError for any other code."""
        if code in self._fixed:
            return self._fixed[code]
        for accounts in self._prefixed:
            if code.startswith(accounts.prefix):
                return accounts.kind, accounts.name.format(code.removeprefix(accounts.prefix))
        raise KeyError(f"{code!r} is not a {self.domain} account code")

    def create_missing(self, ledger: Ledger, codes: Iterable[str], known: set[str]) -> None:
        """Create the accounts among `codes` not in `known` (which is updated), in code order."""
        for code in sorted(set(codes) - known):
            kind, name = self.describe(code)
            ledger.ensure_account(code, kind, self.domain, name)
            known.add(code)


def create_missing_commodities(
    ledger: Ledger, codes: Iterable[str], domain: str, unit: str, scale: int
) -> None:
    """Create the commodities among `codes` the ledger does not have yet, each in `unit` with
    `scale` decimals."""
    known = {c.code for c in ledger.commodities()}
    for code in codes:
        if code not in known:
            ledger.ensure_commodity(code, domain, unit, scale)
