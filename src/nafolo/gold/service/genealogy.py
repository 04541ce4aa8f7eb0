"""Genealogy from the store, one call each way: lot → batches → bars (forward) and bar → batch →
lots → origins (backward), with exact shares (`gold.genealogy`, batches well mixed).

Backward reads one bar, its batch's inputs and their lots' origins (indexed look-ups, whatever
the year's volume) and computes the shares with `bar_trace`; forward reads the lot's batches and
their outputs and traces them with `gold.genealogy.Genealogy`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import sqlalchemy as sa

from nafolo.gold.genealogy import Genealogy, Node, NodeKind, Trace, flows_of_batch
from nafolo.gold.service.common import MOZ, Context, Output, from_moz
from nafolo.gold.service.errors import GoldNotFoundError
from nafolo.gold.service.refining import read_batch_balance
from nafolo.store.gold_tables import bars, batch_inputs, lots, origins


class ShareOut(Output):
    """A node's share of the traced gold: exact fraction, percent (0.01) and fine oz (0.001)."""

    kind: str
    id: str
    share: str
    share_pct: Decimal
    fine_au_oz: Decimal


class OriginShareOut(Output):
    origin_id: str
    site: str
    country: str
    region: str
    scale: str
    cahra: bool
    share: str
    share_pct: Decimal
    fine_au_oz: Decimal


class LotTraceOut(Output):
    lot_id: str
    fine_au_oz: Decimal
    batches: list[ShareOut]
    ends: list[ShareOut]


class BarTraceOut(Output):
    bar_id: str
    fine_au_oz: Decimal
    batches: list[ShareOut]
    lots: list[ShareOut]
    origins: list[OriginShareOut]


def _share(trace: Trace, kind: str, node_id: str, share: Fraction) -> ShareOut:
    return ShareOut(
        kind=kind,
        id=node_id,
        share=str(share),
        share_pct=(Decimal(share.numerator) * 100 / share.denominator).quantize(
            Decimal("0.01"), ROUND_HALF_EVEN
        ),
        fine_au_oz=trace.attributed_oz(share).quantize(MOZ, ROUND_HALF_EVEN),
    )


def _sorted(shares: Mapping[str, Fraction]) -> list[tuple[str, Fraction]]:
    return sorted(shares.items(), key=lambda item: (-item[1], item[0]))


def bar_trace(
    bar_id: str, batch_id: str, fine_au_oz: Decimal, inputs: Sequence[tuple[str, str, int]]
) -> Trace:
    """A bar's backward trace through its one batch: the `gold.genealogy` rule (a batch is well
    mixed, gold leaving it carries its inputs pro rata to their fine gold) computed directly from
    the inputs' fine gold in 0.001 oz, so that one bar costs a few integer fractions.

    Equal to `Genealogy(...).backward(bar_id)` for the store's single-stage batches (tested).
    """
    total = sum(moz for _, _, moz in inputs)
    if total <= 0:
        raise ValueError(f"batch {batch_id}: no fine gold in")
    by_lot: dict[str, int] = defaultdict(int)
    by_origin: dict[str, int] = defaultdict(int)
    for lot_id, origin_id, moz in inputs:
        by_lot[lot_id] += moz
        by_origin[origin_id] += moz
    return Trace(
        start=Node(NodeKind.BAR, bar_id),
        fine_au_oz=fine_au_oz,
        ends={Node(NodeKind.LOT, lot): Fraction(moz, total) for lot, moz in by_lot.items()},
        batches={batch_id: Fraction(1)},
        origins={origin: Fraction(moz, total) for origin, moz in by_origin.items()},
    )


class GenealogyService:
    """Forward and backward traces over the batches recorded in the store."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def backward(self, bar_id: str) -> BarTraceOut:
        """Where a bar's gold came from: its batch, the lots in it and their origins."""
        bar_id = bar_id.upper()
        with self.context.engine.connect() as connection:
            bar = connection.execute(
                sa.select(bars.c.batch_id, bars.c.fine_moz).where(bars.c.bar_id == bar_id)
            ).first()
            if bar is None:
                raise GoldNotFoundError("bar", bar_id)
            inputs = connection.execute(
                sa.select(
                    batch_inputs.c.lot_id,
                    batch_inputs.c.fine_au_moz,
                    origins.c.origin_id,
                    origins.c.site,
                    origins.c.country,
                    origins.c.region,
                    origins.c.scale,
                    origins.c.cahra,
                )
                .join(lots, lots.c.lot_id == batch_inputs.c.lot_id)
                .join(origins, origins.c.origin_id == lots.c.origin_id)
                .where(batch_inputs.c.batch_id == bar.batch_id)
            ).all()
        trace = bar_trace(
            bar_id,
            bar.batch_id,
            from_moz(bar.fine_moz),
            [(r.lot_id, r.origin_id, int(r.fine_au_moz)) for r in inputs],
        )
        about = {r.origin_id: r for r in inputs}
        lot_shares = {n.node_id: s for n, s in trace.ends.items() if n.kind is NodeKind.LOT}
        origin_rows = []
        for origin_id, share in _sorted(trace.origins):
            base = _share(trace, "origin", origin_id, share)
            r = about[origin_id]
            origin_rows.append(
                OriginShareOut(
                    origin_id=origin_id,
                    site=r.site,
                    country=r.country,
                    region=r.region,
                    scale=r.scale,
                    cahra=bool(r.cahra),
                    share=base.share,
                    share_pct=base.share_pct,
                    fine_au_oz=base.fine_au_oz,
                )
            )
        return BarTraceOut(
            bar_id=bar_id,
            fine_au_oz=trace.fine_au_oz,
            batches=[_share(trace, "batch", b, s) for b, s in _sorted(trace.batches)],
            lots=[_share(trace, "lot", lot, s) for lot, s in _sorted(lot_shares)],
            origins=origin_rows,
        )

    def forward(self, lot_id: str) -> LotTraceOut:
        """Where a lot's gold went: the batches it passed and the bars, residues, in-process
        gold and loss it reached (shares of what left the lot)."""
        with self.context.engine.connect() as connection:
            if (
                connection.execute(sa.select(lots.c.lot_id).where(lots.c.lot_id == lot_id)).first()
                is None
            ):
                raise GoldNotFoundError("lot", lot_id)
            batch_ids = list(
                dict.fromkeys(
                    connection.execute(
                        sa.select(batch_inputs.c.batch_id)
                        .where(batch_inputs.c.lot_id == lot_id)
                        .order_by(batch_inputs.c.id)
                    ).scalars()
                )
            )
            balances = [read_batch_balance(connection, b)[1] for b in batch_ids]
        if not balances:
            return LotTraceOut(lot_id=lot_id, fine_au_oz=Decimal(0), batches=[], ends=[])
        flows = [f for balance in balances for f in flows_of_batch(balance)]
        trace = Genealogy(flows, {}).forward(lot_id)
        ends = sorted(trace.ends.items(), key=lambda item: (item[0].kind.value, item[0].node_id))
        return LotTraceOut(
            lot_id=lot_id,
            fine_au_oz=trace.fine_au_oz,
            batches=[_share(trace, "batch", b, s) for b, s in _sorted(trace.batches)],
            ends=[_share(trace, node.kind.value, node.node_id, s) for node, s in ends],
        )
