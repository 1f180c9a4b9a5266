"""Electronic signatures in ODM: the record, one <Signature>, and the <SignatureDef>s.

`SignatureRecord` is what `exports.odm.signed` builds from the workbench's signatures (#11) and
what a test may hand over directly; `add_signature` writes one ODM <Signature> into a FormData
and `signature_defs` the AdminData <SignatureDef>s they point to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from exports.odm.xml import sub, text, user_oid

LEGAL_REASON = (
    "Signed electronically under 21 CFR Part 11: the signer's password was re-entered and the "
    "signature is bound to the audit-chain head at signing"
)


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    """One signature: who, when (UTC ISO 8601), what it means, and the form it covers."""

    username: str
    full_name: str
    signed_at: str
    meaning: str
    subject: str
    event_oid: str
    event_repeat_key: str | None
    form_oid: str

    @property
    def where(self) -> tuple[str, str, str | None, str]:
        """(subject, event, repeat key, form): the FormData the signature belongs to."""
        return (self.subject, self.event_oid, self.event_repeat_key, self.form_oid)

    @property
    def definition_oid(self) -> str:
        """The SignatureDef OID of this meaning."""
        return "SD." + "".join(c if c.isalnum() else "_" for c in self.meaning.upper())


def signature_defs(admin: etree._Element, records: Iterable[SignatureRecord]) -> None:
    """One <SignatureDef> per distinct meaning."""
    seen: dict[str, str] = {}
    for r in records:
        seen.setdefault(r.definition_oid, r.meaning)
    for oid, meaning in sorted(seen.items()):
        node = sub(admin, "SignatureDef", OID=oid, Methodology="Electronic")
        text(node, "Meaning", meaning)
        text(node, "LegalReason", LEGAL_REASON)


def add_signature(form: etree._Element, record: SignatureRecord, location: str) -> None:
    """Insert the <Signature> where ODM 1.3.2 wants it: after an AuditRecord, before the rest."""
    node = etree.Element(form.tag.replace("FormData", "Signature"))
    sub(node, "UserRef", UserOID=user_oid(record.username))
    sub(node, "LocationRef", LocationOID=location)
    sub(node, "SignatureRef", SignatureOID=record.definition_oid)
    text(node, "DateTimeStamp", record.signed_at)
    audit = form.find(form.tag.replace("FormData", "AuditRecord"))
    form.insert(0 if audit is None else 1, node)


def index(
    records: Iterable[SignatureRecord],
) -> dict[tuple[str, str, str | None, str], SignatureRecord]:
    """Signatures by the FormData they cover (ODM allows one per FormData: the latest wins)."""
    out: dict[tuple[str, str, str | None, str], SignatureRecord] = {}
    for r in sorted(records, key=lambda r: r.signed_at):
        out[r.where] = r
    return out
