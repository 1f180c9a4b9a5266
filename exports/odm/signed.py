"""The workbench's visit signatures as ODM <Signature>s (#11): one per FormData of the visit.

ODM 1.3.2 signs a FormData; a visit signature covers every form of the visit, so each FormData
of a validly signed visit carries the visit's signature. Invalidated signatures are not written
(ODM has no invalidation; the listings workbook and the audit trail keep them). A casebook
signature has no ODM container of its own and is not written here either.
"""

from __future__ import annotations

from datetime import UTC

from exports.odm.signatures import SignatureRecord
from records.context import Workbench
from records.signatures import signatures_of
from records.standards.odm_data import ClinicalArchive
from records.standards.odm_model import event_oid
from records.visits import visit_keys


def signature_records(wb: Workbench, archive: ClinicalArchive) -> list[SignatureRecord]:
    """SignatureRecords for every FormData of every validly signed visit in the archive."""
    valid = [s for s in signatures_of(wb) if s.valid and s.visit_id is not None]
    if not valid:
        return []
    visits = visit_keys(wb)
    forms = {
        (subject.key, event.oid, event.repeat_key): [f.oid for f in event.forms]
        for subject in archive.subjects
        for event in subject.events
    }
    out: list[SignatureRecord] = []
    for sig in valid:
        number, code, seq = visits[int(sig.visit_id)]  # type: ignore[arg-type]
        where = (number, event_oid(code), seq)
        stamp = sig.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for form_oid in forms.get(where, []):
            out.append(
                SignatureRecord(
                    sig.username,
                    sig.printed_name,
                    stamp,
                    sig.meaning,
                    number,
                    where[1],
                    seq,
                    form_oid,
                )
            )
    return out
