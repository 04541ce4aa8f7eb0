"""A period's gold balance, AMIRA P754 manner, in exact `Decimal` fine troy ounces.

    unaccounted = check-in + opening − check-out − closing

Check-in: settled receipts. Check-out: bars cast, by-products and residues shipped. Opening and
closing: the in-process inventory counted at the stocktakes (all units). The standard uncertainty
of a sum of independent measurements is the quadrature of theirs: σ_U = √(Σ σᵢ²). The
percentage of check-in, U / C × 100, is given with σ_U / C × 100 (the uncertainty of C in the
denominator is neglected: second order while U ≪ C). Unaccounted gold is significant when
|U| > k σ_U (k = 1.96 by default: a two-sided 95 % level for a normal error).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, localcontext

from nafolo.gold.metal_balance.model import (
    Figure,
    PeriodBalance,
    PeriodInputs,
    Unit,
    UnitBalance,
    to_moz,
)
from nafolo.gold.metal_balance.units import reconcile_units

HUNDRED = Decimal(100)
PCT = Decimal("0.0001")


def quadrature(sds: Iterable[Decimal]) -> Decimal:
    """√(Σ σᵢ²) of independent standard uncertainties, exact to 28 significant digits."""
    with localcontext() as context:
        context.prec = 28
        return sum((s * s for s in sds), Decimal(0)).sqrt()


def _figure(pairs: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    items = list(pairs)
    return sum((v for v, _ in items), Decimal(0)), quadrature(s for _, s in items)


def unit_balances(inputs: PeriodInputs) -> tuple[UnitBalance, ...]:
    """Each unit's measured balance; unmeasured transfers are listed, not counted."""
    out = []
    for unit in Unit:
        ins = [(r.fine_oz, r.sd_oz) for r in inputs.receipts if r.unit is unit]
        outs = [(o.fine_oz, o.sd_oz) for o in inputs.outputs if o.unit is unit]
        unmeasured = []
        for t in inputs.transfers:
            if unit not in (t.source, t.target):
                continue
            if t.fine_oz is None or t.sd_oz is None:
                unmeasured.append(t.name)
            elif t.target is unit:
                ins.append((t.fine_oz, t.sd_oz))
            else:
                outs.append((t.fine_oz, t.sd_oz))
        opening = [(s.fine_oz, s.sd_oz) for s in inputs.opening if s.unit is unit]
        closing = [(s.fine_oz, s.sd_oz) for s in inputs.closing if s.unit is unit]
        if not (ins or outs or opening or closing or unmeasured):
            continue
        in_oz, _ = _figure(ins)
        out_oz, _ = _figure(outs)
        open_oz, _ = _figure(opening)
        close_oz, _ = _figure(closing)
        sd = quadrature(s for _, s in ins + outs + opening + closing)
        out.append(
            UnitBalance(
                unit=unit,
                inputs_oz=to_moz(in_oz),
                outputs_oz=to_moz(out_oz),
                opening_oz=to_moz(open_oz),
                closing_oz=to_moz(close_oz),
                unaccounted=None
                if unmeasured
                else Figure(fine_oz=to_moz(in_oz + open_oz - out_oz - close_oz), sd_oz=to_moz(sd)),
                unmeasured_transfers=tuple(unmeasured),
            )
        )
    return tuple(out)


def period_balance(inputs: PeriodInputs) -> PeriodBalance:
    """The period's balance, its uncertainty and significance, and the per-unit reconciliation."""
    check_in, check_in_sd = _figure((r.fine_oz, r.sd_oz) for r in inputs.receipts)
    check_out, check_out_sd = _figure((o.fine_oz, o.sd_oz) for o in inputs.outputs)
    opening, opening_sd = _figure((s.fine_oz, s.sd_oz) for s in inputs.opening)
    closing, closing_sd = _figure((s.fine_oz, s.sd_oz) for s in inputs.closing)
    unaccounted = check_in + opening - check_out - closing
    sd = quadrature((check_in_sd, check_out_sd, opening_sd, closing_sd))
    pct = pct_sd = None
    if check_in > 0:
        pct = (unaccounted / check_in * HUNDRED).quantize(PCT)
        pct_sd = (sd / check_in * HUNDRED).quantize(PCT)
    significant = abs(unaccounted) > inputs.k * sd
    return PeriodBalance(
        period=inputs.period,
        check_in=Figure(fine_oz=to_moz(check_in), sd_oz=to_moz(check_in_sd)),
        check_out=Figure(fine_oz=to_moz(check_out), sd_oz=to_moz(check_out_sd)),
        opening=Figure(fine_oz=to_moz(opening), sd_oz=to_moz(opening_sd)),
        closing=Figure(fine_oz=to_moz(closing), sd_oz=to_moz(closing_sd)),
        unaccounted=Figure(fine_oz=to_moz(unaccounted), sd_oz=to_moz(sd)),
        unaccounted_pct=pct,
        unaccounted_pct_sd=pct_sd,
        k=inputs.k,
        significant=significant,
        units=unit_balances(inputs),
        reconciliation=reconcile_units(inputs),
        notes=inputs.notes,
    )


def receipt_sd_oz(
    fine_oz: Decimal,
    net_g: Decimal,
    weighing_sd_g: Decimal,
    au_per_mille: Decimal,
    assay_sd_per_mille: Decimal,
) -> Decimal:
    """Standard uncertainty of a receipt's fine gold from its weighing and its assay:
    fine = net × assay, so (σ/fine)² = (σ_net/net)² + (σ_assay/assay)² (independent)."""
    if fine_oz == 0 or net_g <= 0 or au_per_mille <= 0:
        return Decimal(0)
    relative = quadrature((weighing_sd_g / net_g, assay_sd_per_mille / au_per_mille))
    return to_moz(fine_oz * relative)
