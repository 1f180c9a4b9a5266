"""Which role may do what; checked inside every use case (REQ-SEC-01/02)."""

from __future__ import annotations

from models.audit import Actor
from records.errors import PermissionDenied

PERMISSIONS: dict[str, frozenset[str]] = {
    "investigator": frozenset(
        {"read", "write_clinical", "enrol", "sign", "export", "withdraw_serious_event"}
    ),
    "coordinator": frozenset({"read", "write_clinical", "enrol"}),
    "monitor": frozenset({"read", "read_audit", "export"}),
    "data_manager": frozenset({"read", "read_audit", "export", "manage_study"}),
    "admin": frozenset({"read", "read_audit", "manage_users", "export"}),
    "system": frozenset(
        {"read", "read_audit", "write_clinical", "enrol", "manage_users", "export"}
    ),
}


def allowed(role: str, permission: str) -> bool:
    """Whether `role` holds `permission`."""
    return permission in PERMISSIONS.get(role, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless the actor's role holds the permission."""
    if not allowed(actor.role, permission):
        raise PermissionDenied(f"role {actor.role!r} may not {permission.replace('_', ' ')}")
