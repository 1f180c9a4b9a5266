"""Rules that must hold on every clinical write, enforced once at flush, below the use cases.

The audit capture (`models.audit_capture`) calls `enforce` in the same `before_flush` that
snapshots old rows, after it has checked the actor and the reason. Each rule sees every change
of the flush with the scope it touches (subject, visit, form), so freeze/lock refusal, signature
invalidation and SDV drop are each written once, and no use case, CLI command or import can skip
them. A rule refuses a write by raising (the whole transaction rolls back, nothing partial is
saved) or records its consequence by adding rows to the same session, which are written in the
same flush and transaction.

Rules register themselves when their module is imported (from `models/__init__.py`), with an
`order` that fixes who runs first: refusals (locks) before consequences (invalidation, SDV drop),
so a refused write never leaves a consequence behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from models.base import ClinicalRecord


@dataclass(frozen=True)
class Change:
    """One clinical row this flush creates, updates or deletes, with the scope it touches.

    `fields` are the columns whose value changes (all audited columns on create and delete).
    `subject_id`, `visit_id` and `form` are resolved the way the audit trail resolves them
    (an assessment item takes its header's), so a rule scopes exactly what the audit names.
    `record_id` is None for a row not inserted yet.
    """

    action: str
    entity: str
    record_id: int | None
    subject_id: int | None
    visit_id: int | None
    form: str | None
    fields: tuple[str, ...]
    obj: ClinicalRecord


WriteRule = Callable[[Session, Sequence[Change]], None]


@dataclass(frozen=True)
class _Registered:
    order: int
    name: str
    rule: WriteRule


_RULES: dict[str, _Registered] = {}


def register(name: str, order: int) -> Callable[[WriteRule], WriteRule]:
    """Decorator: run `rule` on every flush with clinical changes; lower `order` runs first.

    Registering the same name again replaces the rule (a module re-import must not double it).
    """

    def decorate(rule: WriteRule) -> WriteRule:
        _RULES[name] = _Registered(order, name, rule)
        return rule

    return decorate


def registered() -> list[str]:
    """Names of the registered rules in the order they run (for tests and `verify`)."""
    return [r.name for r in sorted(_RULES.values(), key=lambda r: (r.order, r.name))]


def enforce(session: Session, changes: Sequence[Change]) -> None:
    """Run every registered rule over this flush's changes, in order; a rule may raise."""
    if not changes:
        return
    for entry in sorted(_RULES.values(), key=lambda r: (r.order, r.name)):
        entry.rule(session, changes)


def scope_of(changes: Sequence[Change]) -> set[tuple[Any, Any, Any]]:
    """The distinct (subject, visit, form) scopes a flush touches."""
    return {(c.subject_id, c.visit_id, c.form) for c in changes}
