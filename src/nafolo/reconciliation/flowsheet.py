"""A flowsheet: nodes that must balance and the streams between them, with what was measured.

One model serves both programmes. A refinery unit, a fuel depot's tank, a corridor in transit or a
metal account is a node; a transfer, a dispatch, a receipt, a bar shipped or a residue is a stream.
Stock is a stream too: the opening stock (book or dip) enters a tank node from the environment and
the closing stock leaves it, so "book stock against dips" is an ordinary balance. Nodes of kind
``ENVIRONMENT`` stand for the outside world and carry no balance.

Values are in the flowsheet's own unit (t, kg, m³ at 15 °C …); the engine does not convert.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


class FlowsheetError(ValueError):
    """The flowsheet or its measurements are malformed; the message names the stream or node."""


class NodeKind(StrEnum):
    PROCESS_UNIT = "process_unit"
    TANK = "tank"
    ACCOUNT = "account"
    ENVIRONMENT = "environment"


@dataclass(frozen=True, slots=True)
class Node:
    name: str
    kind: NodeKind = NodeKind.PROCESS_UNIT

    @property
    def is_balanced(self) -> bool:
        return self.kind is not NodeKind.ENVIRONMENT


@dataclass(frozen=True, slots=True)
class Stream:
    """A stream from ``source`` to ``target``; ``measured`` is None when it is unmeasured."""

    name: str
    source: str
    target: str
    measured: float | None = None
    sd: float | None = None

    @property
    def is_measured(self) -> bool:
        return self.measured is not None


def check_measurement(owner: str, field_name: str, value: float | None, sd: float | None) -> None:
    """Refuse a measurement without a positive finite standard deviation (or vice versa)."""
    if value is None:
        if sd is not None:
            raise FlowsheetError(f"{owner}: {field_name} standard deviation given without a value")
        return
    if not math.isfinite(value):
        raise FlowsheetError(f"{owner}: {field_name} is not a finite number ({value!r})")
    if sd is None:
        raise FlowsheetError(f"{owner}: {field_name} is measured but has no standard deviation")
    if not math.isfinite(sd) or sd <= 0.0:
        raise FlowsheetError(
            f"{owner}: {field_name} standard deviation must be positive and finite, got {sd!r}"
        )


@dataclass(frozen=True)
class Flowsheet:
    """Validated nodes and streams with the incidence matrix of their balances.

    Rows of ``incidence`` are the balanced nodes in ``balance_nodes`` (+1 for a stream entering,
    −1 for one leaving). A group of balanced nodes with no stream to the environment has one
    balance too many (their sum is 0 = 0); the last node of such a group is left out so the
    balances are independent.
    """

    nodes: tuple[Node, ...]
    streams: tuple[Stream, ...]
    balance_nodes: tuple[str, ...] = field(init=False)
    incidence: sp.csr_matrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        node_index = _unique_index((n.name for n in self.nodes), "node")
        _unique_index((s.name for s in self.streams), "stream")
        for s in self.streams:
            for end, node_name in (("source", s.source), ("target", s.target)):
                if node_name not in node_index:
                    raise FlowsheetError(f"stream {s.name!r}: {end} node {node_name!r} is unknown")
            if s.source == s.target:
                raise FlowsheetError(f"stream {s.name!r}: source and target are both {s.source!r}")
            check_measurement(f"stream {s.name!r}", "measured value", s.measured, s.sd)
        n_nodes, n_streams = len(self.nodes), len(self.streams)
        src = np.fromiter((node_index[s.source] for s in self.streams), np.int64, n_streams)
        dst = np.fromiter((node_index[s.target] for s in self.streams), np.int64, n_streams)
        touched = np.zeros(n_nodes, dtype=bool)
        touched[src] = True
        touched[dst] = True
        for i, node in enumerate(self.nodes):
            if node.is_balanced and not touched[i]:
                raise FlowsheetError(f"node {node.name!r}: balance has no streams")
        rows = _independent_balance_rows(self.nodes, src, dst)
        row_of = np.full(n_nodes, -1, dtype=np.int64)
        row_of[rows] = np.arange(rows.size)
        cols = np.arange(n_streams)
        r = np.concatenate([row_of[dst], row_of[src]])
        c = np.concatenate([cols, cols])
        v = np.concatenate([np.ones(n_streams), -np.ones(n_streams)])
        keep = r >= 0
        incidence = sp.csr_matrix((v[keep], (r[keep], c[keep])), shape=(rows.size, n_streams))
        object.__setattr__(self, "balance_nodes", tuple(self.nodes[i].name for i in rows))
        object.__setattr__(self, "incidence", incidence)

    @property
    def stream_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.streams)

    @property
    def measured_mask(self) -> np.ndarray:
        return np.fromiter((s.is_measured for s in self.streams), bool, len(self.streams))

    @property
    def measured_values(self) -> np.ndarray:
        """Measured values, NaN where a stream is unmeasured."""
        return np.array([math.nan if s.measured is None else s.measured for s in self.streams])

    @property
    def standard_deviations(self) -> np.ndarray:
        """Standard deviations, NaN where a stream is unmeasured."""
        return np.array([math.nan if s.sd is None else s.sd for s in self.streams])


def _unique_index(names: Iterable[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            raise FlowsheetError(f"{what} #{i}: name is empty")
        if name in index:
            raise FlowsheetError(f"{what} {name!r}: defined twice")
        index[name] = i
    return index


def _independent_balance_rows(
    nodes: Sequence[Node], src: np.ndarray, dst: np.ndarray
) -> np.ndarray:
    """Indices of the balanced nodes whose balances are independent (see ``Flowsheet``)."""
    n = len(nodes)
    balanced = np.fromiter((node.is_balanced for node in nodes), bool, n)
    graph = sp.coo_matrix((np.ones(src.size), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    open_components = np.unique(label[~balanced])
    is_open = np.isin(label, open_components)
    keep = balanced.copy()
    closed_labels = np.unique(label[balanced & ~is_open])
    for comp in closed_labels:
        keep[np.flatnonzero(label == comp)[-1]] = False
    return np.flatnonzero(keep)
