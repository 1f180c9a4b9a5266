"""Read an ODM 1.3.2 ClinicalData document back into the archive's plain structure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from records.errors import ValidationFailed
from records.standards.odm_data import Event, Form, Group, SubjectData, Value

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


def parse_subjects(document: bytes) -> tuple[SubjectData, ...]:
    """Every SubjectData of the first ClinicalData (values without their audit stamps)."""
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as err:
        raise ValidationFailed({"file": f"is not well-formed XML: {err}"}) from err
    if root.tag != "{http://www.cdisc.org/ns/odm/v1.3}ODM" or root.get("ODMVersion") != "1.3.2":
        raise ValidationFailed({"file": "is not a CDISC ODM 1.3.2 document"})
    return tuple(
        SubjectData(
            s.get("SubjectKey"), tuple(_event(e) for e in s.iterfind("odm:StudyEventData", NS))
        )
        for s in root.iterfind("odm:ClinicalData/odm:SubjectData", NS)
    )


def _event(node: etree._Element) -> Event:
    forms = tuple(
        Form(f.get("FormOID"), tuple(_group(g) for g in f.iterfind("odm:ItemGroupData", NS)))
        for f in node.iterfind("odm:FormData", NS)
    )
    return Event(node.get("StudyEventOID"), forms, node.get("StudyEventRepeatKey"))


def _group(node: etree._Element) -> Group:
    values = tuple(
        Value(i.get("ItemOID"), i.get("Value"), None) for i in node.iterfind("odm:ItemData", NS)
    )
    return Group(node.get("ItemGroupOID"), values, node.get("ItemGroupRepeatKey"))


def fields(group: Group, prefix: str) -> dict[str, Any]:
    """{field: value} of a group whose ItemOIDs are <prefix><FIELD> (field in lower case);
    ODM datetimes (UTC, with offset) become aware datetimes, as the use cases take them."""
    out: dict[str, Any] = {}
    for v in group.values:
        if v.item.startswith(prefix):
            name = v.item[len(prefix) :].lower()
            out[name] = _instant(v.value) if name in DATETIMES else v.value
    return out


DATETIMES = frozenset({"started_at", "stopped_at", "measured_at"})


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as err:
        raise ValidationFailed({"file": f"{text!r} is not an ISO 8601 date and time"}) from err
