"""The PI's sign-off worklist: visits and casebooks awaiting a signature, and those whose
signature a later change invalidated (each with what changed)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Subject, Visit
from models.db import read_session
from records.context import Workbench
from records.signatures import SignatureRead, readiness_in, signatures_of


@dataclass(frozen=True, slots=True)
class SignOffItem:
    """One scope to sign: a visit (visit_id set) or a casebook."""

    subject_id: int
    screening_number: str
    visit_id: int | None
    visit_code: str | None
    state: str  # awaiting | invalidated
    ready: bool
    note: str

    @property
    def label(self) -> str:
        return f"{self.screening_number} · {self.visit_code or 'casebook'}"


def _state(sigs: list[SignatureRead]) -> tuple[str | None, str]:
    """awaiting (never signed), invalidated (newest signature invalidated) or None (signed)."""
    if not sigs:
        return "awaiting", "never signed"
    newest = sigs[-1]
    if newest.valid:
        return None, ""
    return "invalidated", f"invalidated by change {newest.invalidating_change}"


def worklist(wb: Workbench) -> list[SignOffItem]:
    """Every done visit and every casebook with a done visit that has no valid signature."""
    signatures = signatures_of(wb)
    by_scope: dict[tuple[int, int | None], list[SignatureRead]] = {}
    for sig in signatures:
        by_scope.setdefault((sig.subject_id, sig.visit_id), []).append(sig)
    items: list[SignOffItem] = []
    with read_session(wb.engine) as session:
        subjects = session.execute(
            select(Subject.id, Subject.screening_number)
            .where(wb.subject_filter(Subject.site_id))
            .order_by(Subject.screening_number)
        ).all()
        for subject_id, number in subjects:
            visits = session.execute(
                select(Visit.id, Visit.visit_code, Visit.sequence)
                .where(Visit.subject_id == subject_id, Visit.status == "done")
                .order_by(Visit.actual_date, Visit.id)
            ).all()
            if not visits:
                continue
            for visit_id, code, seq in visits:
                state, note = _state(by_scope.get((subject_id, visit_id), []))
                if state is None:
                    continue
                ready = readiness_in(session, wb, subject_id, visit_id)
                label = code + (f".{seq}" if seq > 1 else "")
                items.append(
                    SignOffItem(
                        subject_id,
                        number,
                        visit_id,
                        label,
                        state,
                        ready.ready,
                        _note(note, ready.incomplete, ready.open_queries),
                    )
                )
            state, note = _state(by_scope.get((subject_id, None), []))
            if state is not None:
                ready = readiness_in(session, wb, subject_id, None)
                items.append(
                    SignOffItem(
                        subject_id,
                        number,
                        None,
                        None,
                        state,
                        ready.ready,
                        _note(note, ready.incomplete, ready.open_queries),
                    )
                )
    return items


def _note(note: str, incomplete: tuple[str, ...], open_queries: int) -> str:
    parts = [note]
    if incomplete:
        parts.append(f"{len(incomplete)} required form(s) incomplete")
    if open_queries:
        parts.append(f"{open_queries} open quer(ies)")
    return "; ".join(parts)
