"""The CDISC ODM 1.3.2 archive: Study metadata, AdminData (users, the site, signature meanings)
and ClinicalData with an AuditRecord on every ItemData; checked against the ODM 1.3.2 schema
before it is written (records §4.10)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from exports.define.schema import schema_errors
from exports.odm import signatures as S
from exports.odm.metadata import mdv_oid, study_element
from exports.odm.signed import signature_records
from exports.odm.xml import ODM_NS, o, sub, text, user_oid
from records.context import Workbench
from records.export_log import Actor, audit_export
from records.standards.odm_data import ClinicalArchive, Event, Value, read_archive
from study.schema import StudyDefinition
from version import APP_VERSION


def odm_document(
    study: StudyDefinition,
    archive: ClinicalArchive,
    signatures: Sequence[S.SignatureRecord] = (),
    created: datetime | None = None,
) -> bytes:
    """The archive as ODM 1.3.2 XML bytes; refuses (ValueError) if the schema check fails."""
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    root = etree.Element(o("ODM"), nsmap={None: ODM_NS})  # type: ignore[dict-item]
    root.attrib.update({
        "FileType": "Snapshot", "Granularity": "All", "ODMVersion": "1.3.2",
        "FileOID": f"ODM.{study.study.protocol}.{stamp[:19].replace(':', '')}",
        "CreationDateTime": stamp, "Originator": "Lupus trial investigator workbench",
        "SourceSystem": "workbench", "SourceSystemVersion": APP_VERSION,
    })  # fmt: skip
    if archive.anchor:  # `verify --anchor FILE.xml` finds it; comments are outside the schema
        root.append(etree.Comment(f" {archive.anchor} "))
    study_element(root, study)
    location = _admin(root, study, archive, signatures)
    _clinical(root, study, archive, S.index(signatures), location)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = schema_errors(document, "odm-1.3.2")
    if errors:
        raise ValueError(f"the ODM archive fails the ODM 1.3.2 schema: {errors[:3]}")
    return document


def _admin(
    root: etree._Element,
    study: StudyDefinition,
    archive: ClinicalArchive,
    signatures: Sequence[S.SignatureRecord],
) -> str:
    admin = sub(root, "AdminData", StudyOID=f"STUDY.{study.study.protocol}")
    people = dict(archive.users) | {s.username: s.full_name for s in signatures}
    for username, name in sorted(people.items()):
        user = sub(admin, "User", OID=user_oid(username))
        text(user, "LoginName", username)
        text(user, "FullName", name)
    location = f"LOC.{study.site.code}"
    node = sub(admin, "Location", OID=location, Name=study.site.name, LocationType="Site")
    sub(
        node,
        "MetaDataVersionRef",
        StudyOID=f"STUDY.{study.study.protocol}",
        MetaDataVersionOID=mdv_oid(study),
        EffectiveDate=(study.study.start_date or datetime.now(UTC).date()).isoformat(),
    )
    S.signature_defs(admin, signatures)
    return location


Signed = dict[tuple[str, str, str | None, str], S.SignatureRecord]


def _clinical(
    root: etree._Element,
    study: StudyDefinition,
    archive: ClinicalArchive,
    signed: Signed,
    location: str,
) -> None:
    clinical = sub(root, "ClinicalData", StudyOID=f"STUDY.{study.study.protocol}",
                   MetaDataVersionOID=mdv_oid(study))  # fmt: skip
    for subject in archive.subjects:
        node = sub(clinical, "SubjectData", SubjectKey=subject.key)
        sub(node, "SiteRef", LocationOID=location)
        for event in subject.events:
            _event(node, subject.key, event, signed, location)


def _event(parent: etree._Element, key: str, event: Event, signed: Signed, location: str) -> None:
    node = sub(parent, "StudyEventData", StudyEventOID=event.oid,
               StudyEventRepeatKey=event.repeat_key)  # fmt: skip
    for form in event.forms:
        form_node = sub(node, "FormData", FormOID=form.oid)
        record = signed.get((key, event.oid, event.repeat_key, form.oid))
        if record is not None:
            S.add_signature(form_node, record, location)
        for group in form.groups:
            group_node = sub(form_node, "ItemGroupData", ItemGroupOID=group.oid,
                             ItemGroupRepeatKey=group.repeat_key)  # fmt: skip
            for value in group.values:
                _item(group_node, value, location)


def _item(parent: etree._Element, value: Value, location: str) -> None:
    node = sub(parent, "ItemData", ItemOID=value.item, Value=value.value)
    if value.stamp is None:
        return
    audit = sub(node, "AuditRecord")
    sub(audit, "UserRef", UserOID=user_oid(value.stamp.username))
    sub(audit, "LocationRef", LocationOID=location)
    text(audit, "DateTimeStamp", value.stamp.ts_utc)
    if value.stamp.reason:
        text(audit, "ReasonForChange", value.stamp.reason)
    text(audit, "SourceID", f"audit:{value.stamp.audit_id}")


def export_odm(
    wb: Workbench, actor: Actor, out: Path, signatures: Sequence[S.SignatureRecord] = ()
) -> int:
    """Write the ODM archive to `out` (audited with its digest); returns its size in bytes."""
    document = odm_bytes(wb, actor, signatures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(document)
    digest = hashlib.sha256(document).hexdigest()
    audit_export(wb, actor, "odm", {"file": str(out), "sha256": digest, "bytes": len(document)})
    return len(document)


def odm_bytes(wb: Workbench, actor: Actor, signatures: Sequence[S.SignatureRecord] = ()) -> bytes:
    """The ODM archive as schema-checked bytes, not logged (the caller logs its export)."""
    archive = read_archive(wb, actor)
    signatures = signatures or signature_records(wb, archive)  # the visits' signatures (#11)
    return odm_document(wb.study, archive, signatures)
