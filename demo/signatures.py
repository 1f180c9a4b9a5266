"""Demo signatures: the PI signs visits and casebooks, then a correction invalidates some (#11).

Run after the demo accounts exist (the investigator signs with their own password, as the
application requires): two subjects get every ready visit and their casebook signed; then the
coordinator corrects a vital sign of the second subject's screening visit, which invalidates
that visit's signature and the second casebook, so the demo shows valid, invalidated and
awaiting signatures side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Actor
from records import auth
from records.context import Workbench
from records.signatures import sign
from records.signoff import worklist
from records.vitals import load_vitals, save_vitals

CORRECTION = "weight transcribed from the wrong line of the worksheet"


@dataclass(frozen=True, slots=True)
class DemoSignatures:
    signed: int
    invalidated: int


def sign_demo(wb: Workbench, username: str, password: str, corrector: Actor) -> DemoSignatures:
    """Sign two subjects' ready visits and casebooks, then correct one signed value."""
    pi = auth.actor_for(auth.authenticate(wb.engine, username, password, origin="cli"))
    ready = [item for item in worklist(wb) if item.ready]
    subjects = list(dict.fromkeys(item.subject_id for item in ready))[:2]
    signed = 0
    for item in ready:
        if item.subject_id not in subjects:
            continue
        code = "REVIEW" if item.visit_id is not None else "APPROVAL"
        sign(
            wb,
            pi,
            subject_id=item.subject_id,
            visit_id=item.visit_id,
            meaning_code=code,
            password=password,
            username=username if signed == 0 else None,
        )
        signed += 1
    if len(subjects) < 2:
        return DemoSignatures(signed, 0)
    target = next(i for i in ready if i.subject_id == subjects[1] and i.visit_id is not None)
    current = load_vitals(wb, int(target.visit_id))  # type: ignore[arg-type]
    if current is None or "WEIGHT" not in current.values:
        return DemoSignatures(signed, 0)
    values = {**current.values, "WEIGHT": round(current.values["WEIGHT"] + 1.5, 1)}
    save_vitals(
        wb,
        corrector,
        visit_id=int(target.visit_id),  # type: ignore[arg-type]
        values=values,
        reason=CORRECTION,
        expected_version=current.version,
    )
    return DemoSignatures(signed, 2)
