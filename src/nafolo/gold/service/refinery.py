"""The refinery facade: one engine, one ledger, one configuration, every service."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from nafolo.gold.service.common import Context
from nafolo.gold.service.config import RefineryConfig
from nafolo.gold.service.depositors import DepositorRegistry
from nafolo.gold.service.genealogy import GenealogyService
from nafolo.gold.service.laboratory import Laboratory
from nafolo.gold.service.lots import LotIntake
from nafolo.gold.service.refining import Refining
from nafolo.gold.service.settlements import Settlements
from nafolo.gold.service.vault import Vault
from nafolo.ledger import Ledger


class Refinery:
    """The gold refinery's services over the store behind `engine` (migrated)."""

    def __init__(
        self, engine: Engine, ledger: Ledger | None = None, config: RefineryConfig | None = None
    ) -> None:
        self.context = Context(engine, ledger or Ledger(engine), config or RefineryConfig())
        self.depositors = DepositorRegistry(self.context)
        self.lots = LotIntake(self.context)
        self.lab = Laboratory(self.context)
        self.settlements = Settlements(self.context)
        self.refining = Refining(self.context)
        self.vault = Vault(self.context)
        self.genealogy = GenealogyService(self.context)

    @property
    def engine(self) -> Engine:
        return self.context.engine

    @property
    def ledger(self) -> Ledger:
        return self.context.ledger

    @property
    def config(self) -> RefineryConfig:
        return self.context.config
