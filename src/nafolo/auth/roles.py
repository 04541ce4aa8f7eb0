"""Roles, permissions and the permission matrix that every page and API endpoint enforces.

A user has one role; a role grants a fixed set of permissions (`ROLE_PERMISSIONS`). The matrix is
data, so that docs/users-and-roles.md is generated from it (`permission_matrix_markdown`) and a
test keeps the two identical. Separation of duties (who entered an assay cannot approve its
settlement, …) is not a permission: it compares users and is enforced by the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """A user's role; the values are the stored strings."""

    VIEWER = "viewer"
    PLANNER = "planner"
    DEPOT_OPERATOR = "depot_operator"
    LAB_ANALYST = "lab_analyst"
    REFINERY_OPERATOR = "refinery_operator"
    COMPLIANCE_OFFICER = "compliance_officer"
    VAULT_KEEPER = "vault_keeper"
    ADMIN = "admin"


class Permission(StrEnum):
    """What a role may do; each page and endpoint needs exactly one."""

    VIEW = "view"
    PLAN = "plan"
    FUEL_OPERATE = "fuel_operate"
    FUEL_APPROVE_LOSS = "fuel_approve_loss"
    GOLD_INTAKE = "gold_intake"
    LAB_ASSAY = "lab_assay"
    SETTLEMENT_APPROVE = "settlement_approve"
    REFINE = "refine"
    COMPLIANCE = "compliance"
    VAULT = "vault"
    REPORTS = "reports"
    LEDGER_VERIFY = "ledger_verify"
    LEDGER_CORRECT = "ledger_correct"
    ADMIN_USERS = "admin_users"


PERMISSION_DESCRIPTIONS: Mapping[Permission, str] = MappingProxyType(
    {
        Permission.VIEW: "read every page and GET endpoint",
        Permission.PLAN: "run plans and simulations, import a network",
        Permission.FUEL_OPERATE: "record liftings, convoys, receipts, withdrawals, dips; import",
        Permission.FUEL_APPROVE_LOSS: "approve the write-off of a transit loss above tolerance",
        Permission.GOLD_INTAKE: "register and receive lots, weighings",
        Permission.LAB_ASSAY: "enter assays",
        Permission.SETTLEMENT_APPROVE: "approve toll settlements",
        Permission.REFINE: "refining batches, bar casting",
        Permission.COMPLIANCE: "depositors, due diligence decisions, screening lists",
        Permission.VAULT: "vault moves, release approvals, shipments",
        Permission.REPORTS: "download reports",
        Permission.LEDGER_VERIFY: "recompute the ledger's hash chain and balances",
        Permission.LEDGER_CORRECT: "reverse a ledger entry with a linked correction",
        Permission.ADMIN_USERS: "create users, change roles, revoke tokens",
    }
)

_EVERY_ROLE_BUT_VIEWER = frozenset({Permission.VIEW, Permission.REPORTS})

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.VIEWER: frozenset({Permission.VIEW}),
        Role.PLANNER: _EVERY_ROLE_BUT_VIEWER | {Permission.PLAN},
        Role.DEPOT_OPERATOR: _EVERY_ROLE_BUT_VIEWER | {Permission.FUEL_OPERATE},
        Role.LAB_ANALYST: _EVERY_ROLE_BUT_VIEWER | {Permission.LAB_ASSAY},
        Role.REFINERY_OPERATOR: _EVERY_ROLE_BUT_VIEWER
        | {Permission.GOLD_INTAKE, Permission.REFINE},
        Role.COMPLIANCE_OFFICER: _EVERY_ROLE_BUT_VIEWER
        | {
            Permission.COMPLIANCE,
            Permission.SETTLEMENT_APPROVE,
            Permission.FUEL_APPROVE_LOSS,
            Permission.LEDGER_VERIFY,
            Permission.LEDGER_CORRECT,
        },
        Role.VAULT_KEEPER: _EVERY_ROLE_BUT_VIEWER | {Permission.VAULT},
        Role.ADMIN: frozenset(Permission),
    }
)
"""The documented permission matrix. Admin holds every permission; the separation-of-duties
rules still apply to admins (they compare users, not roles)."""


def allowed(role: Role, permission: Permission) -> bool:
    """Whether `role` grants `permission`."""
    return permission in ROLE_PERMISSIONS[role]


def permission_matrix_markdown() -> str:
    """The permission matrix as a markdown table (roles across, permissions down)."""
    roles = list(Role)
    header = "| permission | what it allows | " + " | ".join(r.value for r in roles) + " |"
    rule = "|---|---|" + "|".join(":-:" for _ in roles) + "|"
    rows = [
        f"| `{p.value}` | {PERMISSION_DESCRIPTIONS[p]} | "
        + " | ".join("✔" if allowed(r, p) else "" for r in roles)
        + " |"
        for p in Permission
    ]
    return "\n".join([header, rule, *rows]) + "\n"
