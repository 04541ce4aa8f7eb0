"""Sparse aggregation of the model's flows (corridor → port / depot, offer → contract)."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest

from nafolo.fuel.network.synthetic import synthetic_network
from nafolo.fuel.planning import build_model, prepare
from nafolo.fuel.planning.model import add_variables, flows, grouped_sum


def test_grouped_sum_gathers_members_terms_on_the_full_index() -> None:
    model = linopy.Model(force_dim_names=True)
    corridors = pd.Index(["A", "B", "C"], name="corridor")
    ship = model.add_variables(lower=0.0, coords=[corridors], name="ship")
    port_of = pd.Series(["P1", "P1", "P2"], index=corridors, name="port")
    ports = pd.Index(["P1", "P2", "P3"], name="port", dtype=object)

    summed = grouped_sum(2.0 * ship, port_of, ports)

    labels = ship.labels.to_numpy()
    terms = {
        port: sorted(int(v) for v, c in zip(vs, cs, strict=True) if v >= 0 and c == 2.0)
        for port, vs, cs in zip(
            ports, summed.vars.to_numpy(), summed.coeffs.to_numpy(), strict=True
        )
    }
    assert terms == {"P1": sorted(labels[:2].tolist()), "P2": [int(labels[2])], "P3": []}


def test_corridor_and_offer_mappings(make_line, start) -> None:
    data = prepare(make_line(), 4, start)
    assert data.corridor_port.to_dict() == {"C": data.network.corridors[0].port}
    assert data.corridor_depot.to_dict() == {"C": "D"}
    assert data.offer_contract.to_dict() == {data.offers[0]: data.network.supply[0].contract}


def test_build_model_times_every_block(start) -> None:
    data = prepare(synthetic_network(2, 3, 4, 2, 2, 0), 6, start)
    timings: dict[str, float] = {}
    model = build_model(data, timings=timings)
    assert {"variables", "flows", "port_balance", "regional_demand", "objective"} <= set(timings)
    assert all(seconds >= 0.0 for seconds in timings.values())
    assert model.ncons > 0


def test_port_outflow_matches_the_dense_incidence_sum(start) -> None:
    data = prepare(synthetic_network(3, 4, 5, 2, 2, 0), 4, start)
    model = build_model(data)
    dense = (model.variables["trucks"] * data.payload_t * data.corridor_from).sum("corridor")
    sparse = grouped_sum(model.variables["trucks"] * data.payload_t, data.corridor_port, data.ports)

    def by_variable(expr: linopy.LinearExpression) -> dict[tuple[str, str, int, int], float]:
        out: dict[tuple[str, str, int, int], float] = {}
        e = expr.data.transpose("port", "product", "week", "_term")
        vs, cs = e["vars"].to_numpy(), e["coeffs"].to_numpy()
        for (o, k, w, _), v in np.ndenumerate(vs):
            if v >= 0 and cs[o, k, w, _] != 0.0:
                out[(data.ports[o], data.products[k], w, int(v))] = float(cs[o, k, w, _])
        return out

    assert by_variable(sparse) == pytest.approx(by_variable(dense))


@pytest.mark.parametrize(("slots", "owner"), [("depot_slots", "region"), ("region_slots", "depot")])
def test_arc_slots_list_each_owners_arcs_first_then_non_arcs(start, slots, owner) -> None:
    data = prepare(synthetic_network(2, 3, 6, 2, 2, 0), 4, start)
    member = "depot" if owner == "region" else "region"
    arc = data.arc.transpose(owner, member).to_numpy()
    positions = getattr(data, slots).to_numpy()
    assert positions.shape[1] == arc.sum(axis=1).max()
    for row, own_arcs in zip(positions, arc, strict=True):
        n = int(own_arcs.sum())
        assert set(row[:n].tolist()) == set(np.flatnonzero(own_arcs).tolist())
        assert not own_arcs[row[n:]].any()


def _terms(expr: linopy.LinearExpression, dims: tuple[str, ...]) -> dict[tuple[int, ...], list]:
    d = expr.data.transpose(*dims, "_term")
    vs, cs = d["vars"].to_numpy(), d["coeffs"].to_numpy()
    return {
        at: sorted((int(v), float(c)) for v, c in zip(vs[at], cs[at], strict=True) if v >= 0)
        for at in np.ndindex(vs.shape[:-1])
    }


def test_withdrawals_and_delivery_cost_gather_the_same_terms_as_dense_sums(start) -> None:
    data = prepare(synthetic_network(3, 5, 9, 2, 2, 0), 4, start)
    model = linopy.Model(force_dim_names=True)
    add_variables(model, data, integer_trucks=False)
    f = flows(model, data)
    dims = ("depot", "product", "week")
    assert _terms(f.depot_withdrawals, dims) == _terms(f.deliveries.sum("region"), dims)
    arc_cost = data.arc_cost_xof_per_t.isel(depot=data.depot_slots)
    sparse_cost = (f.region_arcs * arc_cost).sum()
    assert _terms(sparse_cost, ()) == _terms((f.deliveries * data.arc_cost_xof_per_t).sum(), ())
