"""Ledger-backed services of the gold refinery (the layer the API, CLI and reports call).

refinery = Refinery(engine)
refinery.depositors.register(NewDepositor(...), actor="a.traore")
refinery.lots.register(NewLot(...), actor=...)   # admission by diligence.lot_admission
refinery.lots.receive(WeighingIn(...), actor=...)  # EXTERNAL:<dep> → INTAKE
refinery.lab.exchange(lot_id, actor=...)           # assay adjustment to settled fineness
refinery.settlements.settle(lot_id, actor=...)     # CLEARING:TOLL → METAL:<dep>
refinery.refining.plan(BatchPlan(...), actor=...)  # INTAKE → PROCESS:<batch>
refinery.vault.cast_bars(CastBars(...), actor=...) # PROCESS:<batch> → VAULT:<loc>

See docs/gold.md ("On the ledger") and /work/helpers/gold_service_interface.md.
"""

from nafolo.gold.service.common import CustodyEvent, RecordedEntry
from nafolo.gold.service.config import RefineryConfig
from nafolo.gold.service.depositors import (
    AssessmentIn,
    AssessmentOut,
    DepositorOut,
    DepositorRegistry,
    DocumentIn,
    DocumentOut,
    FindingIn,
    LicenceIn,
    NewDepositor,
    OriginIn,
    OriginOut,
    OwnerIn,
    ScreeningHitOut,
    load_screening_list,
)
from nafolo.gold.service.errors import (
    FieldProblem,
    GoldNotFoundError,
    GoldRefusedError,
    Rule,
)
from nafolo.gold.service.genealogy import BarTraceOut, GenealogyService, LotTraceOut
from nafolo.gold.service.importer import (
    GoldImportReport,
    import_gold,
    write_gold_example,
    write_gold_template,
    write_rejections,
)
from nafolo.gold.service.laboratory import (
    AssayIn,
    AssayOut,
    ExchangeOut,
    Laboratory,
    SampleIn,
    SampleSetIn,
)
from nafolo.gold.service.lots import (
    CustodyEventOut,
    LotIntake,
    LotOut,
    LotStatus,
    NewLot,
    ScaleIn,
    WeighingIn,
    WeighingOut,
)
from nafolo.gold.service.refinery import Refinery
from nafolo.gold.service.refining import (
    BatchInputIn,
    BatchOut,
    BatchPlan,
    CloseBatch,
    OutputKind,
    Refining,
    ResidueIn,
    Route,
)
from nafolo.gold.service.settlements import (
    DepositorStatement,
    MetalBalance,
    SaleIn,
    SaleOut,
    SettlementOut,
    Settlements,
)
from nafolo.gold.service.vault import BarIn, BarOut, CastBars, ReleaseIn, ShipmentOut, Vault

__all__ = [
    "AssayIn",
    "AssayOut",
    "AssessmentIn",
    "AssessmentOut",
    "BarIn",
    "BarOut",
    "BarTraceOut",
    "BatchInputIn",
    "BatchOut",
    "BatchPlan",
    "CastBars",
    "CloseBatch",
    "CustodyEvent",
    "CustodyEventOut",
    "DepositorOut",
    "DepositorRegistry",
    "DepositorStatement",
    "DocumentIn",
    "DocumentOut",
    "ExchangeOut",
    "FieldProblem",
    "FindingIn",
    "GenealogyService",
    "GoldImportReport",
    "GoldNotFoundError",
    "GoldRefusedError",
    "Laboratory",
    "LicenceIn",
    "LotIntake",
    "LotOut",
    "LotStatus",
    "LotTraceOut",
    "MetalBalance",
    "NewDepositor",
    "NewLot",
    "OriginIn",
    "OriginOut",
    "OutputKind",
    "OwnerIn",
    "RecordedEntry",
    "Refinery",
    "RefineryConfig",
    "Refining",
    "ReleaseIn",
    "ResidueIn",
    "Route",
    "Rule",
    "SaleIn",
    "SaleOut",
    "SampleIn",
    "SampleSetIn",
    "ScaleIn",
    "ScreeningHitOut",
    "SettlementOut",
    "Settlements",
    "ShipmentOut",
    "Vault",
    "WeighingIn",
    "WeighingOut",
    "import_gold",
    "load_screening_list",
    "write_gold_example",
    "write_gold_template",
    "write_rejections",
]
