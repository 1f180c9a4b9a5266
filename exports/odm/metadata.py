"""ODM Study/MetaDataVersion from the study definition: events, forms, groups, items, codelists."""

from __future__ import annotations

from lxml import etree

from exports.odm.xml import sub, text, translated
from records.instruments import item_specs
from records.standards import odm_model as M
from study.schema import FormDef, StudyDefinition

TYPES = {"text": "text", "integer": "integer", "float": "float", "date": "date",
         "datetime": "datetime", "boolean": "text"}  # fmt: skip
STORED = ("instrument", "items", "eligibility")


def mdv_oid(study: StudyDefinition) -> str:
    """The MetaDataVersion OID: protocol and study-definition version."""
    return f"MDV.{study.study.protocol}.{study.study.definition_version}"


def study_element(root: etree._Element, study: StudyDefinition) -> etree._Element:
    """Study with GlobalVariables and the MetaDataVersion (returned Study element)."""
    node = sub(root, "Study", OID=f"STUDY.{study.study.protocol}")
    glob = sub(node, "GlobalVariables")
    text(glob, "StudyName", study.study.protocol)
    text(glob, "StudyDescription", study.study.official_title)
    text(glob, "ProtocolName", f"{study.study.protocol} ({study.study.id})")
    mdv = sub(node, "MetaDataVersion", OID=mdv_oid(study),
              Name=f"Study definition {study.study.definition_version}")  # fmt: skip
    _protocol(mdv, study)
    forms = _forms(study)
    _events(mdv, study, forms)
    _form_defs(mdv, study, forms)
    _group_defs(mdv, study)
    _item_defs(mdv, study)
    _codelists(mdv, study)
    return node


def _forms(study: StudyDefinition) -> list[FormDef]:
    return [f for f in study.forms if f.kind != "log"]


def _protocol(mdv: etree._Element, study: StudyDefinition) -> None:
    protocol = sub(mdv, "Protocol")
    events = [M.SUBJECT_EVENT, *(M.event_oid(v.code) for v in study.visits)]
    for n, oid in enumerate(events, start=1):
        sub(protocol, "StudyEventRef", StudyEventOID=oid, OrderNumber=str(n), Mandatory="No")


def _events(mdv: etree._Element, study: StudyDefinition, forms: list[FormDef]) -> None:
    subject = sub(mdv, "StudyEventDef", OID=M.SUBJECT_EVENT, Name="Subject", Repeating="No",
                  Type="Common")  # fmt: skip
    for n, spec in enumerate((M.SUBJECT, *M.LOGS), start=1):
        sub(subject, "FormRef", FormOID=spec.form, OrderNumber=str(n), Mandatory="No")
    for visit in study.visits:
        kind = {"scheduled": "Scheduled", "screening": "Scheduled"}.get(visit.kind, "Unscheduled")
        node = sub(
            mdv,
            "StudyEventDef",
            OID=M.event_oid(visit.code),
            Name=visit.name,
            Repeating="Yes" if visit.kind == "unscheduled" else "No",
            Type=kind,
        )
        codes = [f.code for f in forms if not visit.forms or f.code in visit.forms]
        for n, form in enumerate(("VISIT", *codes), start=1):
            sub(node, "FormRef", FormOID=f"F.{form}", OrderNumber=str(n), Mandatory="No")


def _form_defs(mdv: etree._Element, study: StudyDefinition, forms: list[FormDef]) -> None:
    specs = [(M.SUBJECT.form, "Subject", [M.SUBJECT.group], "No"),
             *((s.form, s.table, [s.group], "Yes") for s in M.LOGS),
             (M.VISIT.form, "Visit", [M.VISIT.group], "No")]  # fmt: skip
    by_kind = {"labs": [M.LAB.group], "vitals": [M.VITALS.group], "dose": [M.DOSE.group]}
    for f in forms:
        default = [f"IG.{f.code}.HEADER", f"IG.{f.code}"]
        specs.append((f"F.{f.code}", f.name, by_kind.get(f.kind, default), "No"))
    for oid, name, groups, repeating in specs:
        node = sub(mdv, "FormDef", OID=oid, Name=name, Repeating=repeating)
        for n, group in enumerate(groups, start=1):
            sub(node, "ItemGroupRef", ItemGroupOID=group, OrderNumber=str(n), Mandatory="No")


def _table_groups(study: StudyDefinition) -> list[tuple[str, str, list[str], bool]]:
    vitals = [M.vital_oid(t.code) for t in study.vital_tests]
    out = [(s.group, s.table, [s.item_oid(n) for n, _ in s.fields], bool(s.repeat_key))
           for s in (M.SUBJECT, *M.LOGS, M.VISIT, M.LAB, M.DOSE)]  # fmt: skip
    out.append(
        (
            M.VITALS.group,
            "vital signs",
            [*(M.VITALS.item_oid(n) for n, _ in M.VITALS.fields), *vitals],
            True,
        )
    )
    for f in study.forms:
        if f.kind in STORED:
            header = [M.ASSESSMENT.item_oid(n) for n, _ in M.ASSESSMENT.fields]
            out.append((f"IG.{f.code}.HEADER", f"{f.name} header", header, False))
            items = [M.item_oid(f.code, s.code) for s in item_specs(study, f.code)]
            out.append((f"IG.{f.code}", f.name, items, False))
    return out


def _group_defs(mdv: etree._Element, study: StudyDefinition) -> None:
    for oid, name, items, repeating in _table_groups(study):
        node = sub(mdv, "ItemGroupDef", OID=oid, Name=name, Repeating="Yes" if repeating else "No")
        for n, item in enumerate(items, start=1):
            sub(node, "ItemRef", ItemOID=item, OrderNumber=str(n), Mandatory="No")


def _item_defs(mdv: etree._Element, study: StudyDefinition) -> None:
    for spec in (M.SUBJECT, *M.LOGS, M.VISIT, M.ASSESSMENT, M.LAB, M.VITALS, M.DOSE):
        for name, kind in spec.fields:
            node = sub(mdv, "ItemDef", OID=spec.item_oid(name), Name=name, DataType=TYPES[kind])
            if kind == "boolean":
                sub(node, "CodeListRef", CodeListOID="CL.NY")
    for t in study.vital_tests:
        node = sub(mdv, "ItemDef", OID=M.vital_oid(t.code), Name=t.code, DataType="float")
        translated(node, "Description", f"{t.name} ({t.unit})")
    for f in study.forms:
        if f.kind in STORED:
            for s in item_specs(study, f.code):
                node = sub(mdv, "ItemDef", OID=M.item_oid(f.code, s.code), Name=s.code,
                           DataType="text")  # fmt: skip
                translated(node, "Description", s.label)


def _codelists(mdv: etree._Element, study: StudyDefinition) -> None:
    lists = dict(study.codelists)
    lists.setdefault("NY", (("Y", "Yes"), ("N", "No")))
    for name, terms in lists.items():
        node = sub(mdv, "CodeList", OID=f"CL.{name}", Name=name, DataType="text")
        for value, decode in terms:
            item = sub(node, "CodeListItem", CodedValue=value)
            translated(item, "Decode", decode)
