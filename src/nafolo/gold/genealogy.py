"""Forward and backward genealogy of gold: lot → batches → bars, and bar → batches → lots → origins.

Source: shared/domain/gold.md (per lot, the bars it went into). Flows are fine-gold edges between
nodes (lot, batch, bar, in-process, residue, loss), as plain in-memory lists; a later store feeds
them. A batch is taken as well mixed: what leaves it carries its inputs pro rata to their fine
gold. Shares are exact fractions (they sum to exactly 1); attributed ounces are share × total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from graphlib import CycleError, TopologicalSorter

from nafolo.gold.balance import BatchBalance

__all__ = [
    "Flow",
    "Genealogy",
    "Node",
    "NodeKind",
    "Trace",
    "flows_of_batch",
]


class NodeKind(StrEnum):
    LOT = "lot"
    BATCH = "batch"
    BAR = "bar"
    IN_PROCESS = "in process"
    RESIDUE = "residue"
    LOSS = "loss"


@dataclass(frozen=True, slots=True, order=True)
class Node:
    kind: NodeKind
    node_id: str


@dataclass(frozen=True, slots=True)
class Flow:
    """Fine gold (troy oz) that went from ``source`` into ``target``."""

    source: Node
    target: Node
    fine_au_oz: Decimal

    def __post_init__(self) -> None:
        if not self.fine_au_oz.is_finite() or self.fine_au_oz < 0:
            raise ValueError(f"flow {self.source} → {self.target}: fine_au_oz must be ≥ 0")


def flows_of_batch(batch: BatchBalance) -> list[Flow]:
    """The flows a balanced batch record implies: lots in; bars, in-process, residues, loss out."""
    node = Node(NodeKind.BATCH, batch.batch_id)
    flows = [Flow(Node(NodeKind.LOT, i.lot_id), node, i.fine_au_oz) for i in batch.inputs]
    flows += [Flow(node, Node(NodeKind.BAR, b.serial), b.fine_au_oz) for b in batch.bars]
    flows += [
        Flow(node, Node(NodeKind.RESIDUE, r.residue_id), r.fine_au_oz) for r in batch.residues
    ]
    if batch.in_process_au_oz:
        flows.append(Flow(node, Node(NodeKind.IN_PROCESS, batch.batch_id), batch.in_process_au_oz))
    if batch.recorded_loss_au_oz:
        flows.append(Flow(node, Node(NodeKind.LOSS, batch.batch_id), batch.recorded_loss_au_oz))
    return flows


@dataclass(frozen=True, slots=True)
class Trace:
    """Where a node's gold went (forward) or came from (backward).

    ``ends`` are the terminal nodes reached (bars, in-process, residues, loss forward; lots
    backward) and ``origins`` (backward only) the lots' origins; each maps to its share of
    ``fine_au_oz``, and each sums to 1. ``batches`` gives the share that passed each batch.
    """

    start: Node
    fine_au_oz: Decimal
    ends: dict[Node, Fraction]
    batches: dict[str, Fraction]
    origins: dict[str, Fraction]

    def attributed_oz(self, share: Fraction) -> Decimal:
        """Fine oz a share stands for (unrounded to the context precision)."""
        return self.fine_au_oz * share.numerator / share.denominator


class Genealogy:
    """Fine-gold flows with lot origins, traceable both ways."""

    def __init__(self, flows: Iterable[Flow], lot_origins: Mapping[str, str]) -> None:
        self._out: defaultdict[Node, dict[Node, Decimal]] = defaultdict(dict)
        self._in: defaultdict[Node, dict[Node, Decimal]] = defaultdict(dict)
        for flow in flows:
            if flow.fine_au_oz == 0:
                continue
            summed = self._out[flow.source].get(flow.target, Decimal(0)) + flow.fine_au_oz
            self._out[flow.source][flow.target] = summed
            self._in[flow.target][flow.source] = summed
        try:
            TopologicalSorter({n: set(src) for n, src in self._in.items()}).prepare()
        except CycleError as exc:
            raise ValueError(f"flows: gold cannot flow in a cycle: {exc.args[1]}") from exc
        self._lot_origins = dict(lot_origins)

    @classmethod
    def from_batches(
        cls, batches: Iterable[BatchBalance], lot_origins: Mapping[str, str]
    ) -> Genealogy:
        return cls((f for batch in batches for f in flows_of_batch(batch)), lot_origins)

    def forward(self, lot_id: str) -> Trace:
        """Where a lot's gold went, by share of what left it."""
        start = Node(NodeKind.LOT, lot_id)
        if start not in self._out:
            raise KeyError(f"lot {lot_id}: no flow out of it")
        shares = self._propagate(start, self._out)
        return self._trace(start, self._out, shares, origins={})

    def backward(self, bar_serial: str) -> Trace:
        """Where a bar's gold came from: lots, their origins and the batches passed."""
        start = Node(NodeKind.BAR, bar_serial)
        if start not in self._in:
            raise KeyError(f"bar {bar_serial}: no flow into it")
        shares = self._propagate(start, self._in)
        origins: defaultdict[str, Fraction] = defaultdict(Fraction)
        for node, share in shares.items():
            if node.kind is NodeKind.LOT and node not in self._in:
                if node.node_id not in self._lot_origins:
                    raise KeyError(f"lot {node.node_id}: origin unknown")
                origins[self._lot_origins[node.node_id]] += share
        return self._trace(start, self._in, shares, origins=dict(origins))

    def _trace(
        self,
        start: Node,
        edges: Mapping[Node, Mapping[Node, Decimal]],
        shares: Mapping[Node, Fraction],
        origins: dict[str, Fraction],
    ) -> Trace:
        total = sum(edges[start].values(), Decimal(0))
        ends = {n: s for n, s in shares.items() if n != start and not edges.get(n)}
        batches = {n.node_id: s for n, s in shares.items() if n.kind is NodeKind.BATCH}
        return Trace(start, total, ends, batches, origins)

    @staticmethod
    def _propagate(
        start: Node, edges: Mapping[Node, Mapping[Node, Decimal]]
    ) -> dict[Node, Fraction]:
        reachable: dict[Node, set[Node]] = {}
        stack = [start]
        while stack:
            node = stack.pop()
            if node in reachable:
                continue
            nexts = set(edges.get(node, {}))
            reachable[node] = nexts
            stack.extend(nexts)
        predecessors: dict[Node, set[Node]] = {node: set() for node in reachable}
        for node, nexts in reachable.items():
            for target in nexts:
                predecessors[target].add(node)
        order = TopologicalSorter(predecessors).static_order()
        shares: defaultdict[Node, Fraction] = defaultdict(Fraction)
        shares[start] = Fraction(1)
        for node in order:
            onward = edges.get(node, {})
            total = sum(map(Fraction, onward.values()), Fraction(0))
            for target, oz in onward.items():
                shares[target] += shares[node] * Fraction(oz) / total
        return dict(shares)
