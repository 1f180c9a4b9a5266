"""Define-XML 2.1 for one standard's datasets (SDTMIG 3.4 or ADaMIG 1.3), records §4.9.

Every dataset (ItemGroupDef with class, structure, keys and a def:leaf to its .xpt), every
variable (ItemDef with origin), the codelists (CT C-codes as nci:ExtCodeID aliases, sponsor lists
without), value-level metadata for the result variables of LB, QS and RS (one WhereClause per
test), and the derivations (MethodDef). The CDISC stylesheet is not shipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from lxml import etree

from exports.define import values
from records.standards.model import Dataset, Variable
from records.standards.terms import CT_VERSION, Codelist
from study.schema import StudyDefinition
from version import APP_VERSION

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: ODM, "def": DEF, "xlink": XLINK}
STANDARDS = {"SDTMIG 3.4": ("SDTMIG", "3.4", "SDTM"), "ADaMIG 1.3": ("ADaMIG", "1.3", "ADaM")}


def o(tag: str) -> str:
    """An ODM-namespace tag."""
    return f"{{{ODM}}}{tag}"


def d(tag: str) -> str:
    """A Define-XML-namespace tag or attribute."""
    return f"{{{DEF}}}{tag}"


def described(parent: etree._Element, text: str, tag: str = "Description") -> None:
    """Add <Description><TranslatedText xml:lang="en">text</…></…>."""
    node = etree.SubElement(parent, o(tag))
    etree.SubElement(node, o("TranslatedText"), {XML_LANG: "en"}).text = text


def define_xml(
    study: StudyDefinition,
    datasets: tuple[Dataset, ...],
    codelists: dict[str, Codelist],
    created: datetime | None = None,
) -> bytes:
    """The define.xml of `datasets` (all of one standard) as UTF-8 bytes."""
    standard = datasets[0].standard
    ig, version, short = STANDARDS[standard]
    stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    root = etree.Element(o("ODM"), nsmap=NSMAP)  # type: ignore[arg-type]
    root.attrib.update({
        "FileType": "Snapshot", "FileOID": f"DEFINE.{study.study.protocol}.{short}",
        "ODMVersion": "1.3.2", "CreationDateTime": stamp, d("Context"): "Submission",
        "Originator": "Lupus trial investigator workbench", "SourceSystem": "workbench",
        "SourceSystemVersion": APP_VERSION,
    })  # fmt: skip
    mdv = _study(root, study, short)
    _standards(mdv, ig, version, short)
    used = _used_codelists(datasets, codelists)
    values.value_lists(mdv, datasets)
    for dataset in datasets:
        _item_group(mdv, dataset)
    for dataset in datasets:
        for v in dataset.variables:
            _item_def(mdv, dataset, v, used)
    values.value_items(mdv, datasets)
    for codelist in used.values():
        _codelist(mdv, codelist)
    _methods(mdv, datasets)
    for dataset in datasets:
        leaf = etree.SubElement(
            mdv,
            d("leaf"),
            {"ID": f"LF.{dataset.name}", f"{{{XLINK}}}href": f"{dataset.name.lower()}.xpt"},
        )
        etree.SubElement(leaf, d("title")).text = f"{dataset.name.lower()}.xpt"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _study(root: etree._Element, study: StudyDefinition, short: str) -> etree._Element:
    node = etree.SubElement(root, o("Study"), {"OID": f"STUDY.{study.study.protocol}"})
    glob = etree.SubElement(node, o("GlobalVariables"))
    etree.SubElement(glob, o("StudyName")).text = study.study.protocol
    etree.SubElement(glob, o("StudyDescription")).text = study.study.official_title
    etree.SubElement(glob, o("ProtocolName")).text = f"{study.study.protocol} ({study.study.id})"
    return etree.SubElement(node, o("MetaDataVersion"), {
        "OID": f"MDV.{study.study.protocol}.{short}", "Name": f"{short} define, {study.study.id}",
        "Description": f"{short} datasets of {study.study.protocol}; CT: {CT_VERSION}",
        d("DefineVersion"): "2.1.0",
    })  # fmt: skip


def _standards(mdv: etree._Element, ig: str, version: str, short: str) -> None:
    node = etree.SubElement(mdv, d("Standards"))
    etree.SubElement(node, d("Standard"), {"OID": f"STD.{ig}", "Name": ig, "Type": "IG",
                                           "Version": version, "Status": "Final"})  # fmt: skip
    etree.SubElement(node, d("Standard"), {"OID": "STD.CT", "Name": "CDISC/NCI", "Type": "CT",
                                           "PublishingSet": short, "Version": "2026-03-27",
                                           "Status": "Final"})  # fmt: skip


def _item_group(mdv: etree._Element, dataset: Dataset) -> None:
    ig = STANDARDS[dataset.standard][0]
    attrs = {
        "OID": f"IG.{dataset.name}", "Name": dataset.name, "SASDatasetName": dataset.name,
        "Repeating": "No" if dataset.name in ("DM", "ADSL") else "Yes",
        "IsReferenceData": "Yes" if dataset.klass == "TRIAL DESIGN" else "No",
        "Purpose": "Analysis" if dataset.standard.startswith("ADaM") else "Tabulation",
        d("Structure"): dataset.structure, d("StandardOID"): f"STD.{ig}",
        d("ArchiveLocationID"): f"LF.{dataset.name}",
    }  # fmt: skip
    if not dataset.standard.startswith("ADaM"):
        attrs["Domain"] = dataset.name[4:] if dataset.name.startswith("SUPP") else dataset.name
    group = etree.SubElement(mdv, o("ItemGroupDef"), attrs)
    described(group, dataset.label)
    for order, v in enumerate(dataset.variables, start=1):
        ref = {"ItemOID": f"IT.{dataset.name}.{v.name}", "OrderNumber": str(order),
               "Mandatory": "Yes" if v.core == "Req" else "No"}  # fmt: skip
        if v.name in dataset.keys:
            ref["KeySequence"] = str(dataset.keys.index(v.name) + 1)
        if v.method and v.origin == "Derived":
            ref["MethodOID"] = f"MT.{dataset.name}.{v.name}"
        etree.SubElement(group, o("ItemRef"), ref)
    etree.SubElement(group, d("Class"), {"Name": dataset.klass})


DATA_TYPES = {"text": "text", "integer": "integer", "float": "float", "datetime": "datetime",
              "date": "integer"}  # fmt: skip


def length(dataset: Dataset, v: Variable) -> str | None:
    """The longest value used (FDA: lengths as used), 8 for numbers."""
    if v.numeric:
        return "8"
    used = [len(x) for x in dataset.frame[v.name].dropna()]
    return str(max([1, *used]))


def _item_def(
    mdv: etree._Element, dataset: Dataset, v: Variable, used: dict[str, Codelist]
) -> None:
    attrs = {"OID": f"IT.{dataset.name}.{v.name}", "Name": v.name, "SASFieldName": v.name,
             "DataType": DATA_TYPES[v.type]}  # fmt: skip
    if v.type in ("text", "integer", "float"):
        attrs["Length"] = length(dataset, v) or "1"
    if v.type == "float":
        attrs["SignificantDigits"] = "2"
    if v.type == "date":
        attrs[d("DisplayFormat")] = "DATE9."
    if v.method and v.origin != "Derived":
        attrs[d("CommentOID")] = f"COM.{dataset.name}.{v.name}"
    item = etree.SubElement(mdv, o("ItemDef"), attrs)
    described(item, v.label)
    if v.codelist in used:
        etree.SubElement(item, o("CodeListRef"), {"CodeListOID": f"CL.{v.codelist}"})
    origin = (
        "Predecessor"
        if dataset.standard.startswith("ADaM") and v.origin == "Collected"
        else v.origin
    )
    node = etree.SubElement(item, d("Origin"), {"Type": origin})
    if origin == "Collected":
        node.set("Source", "Investigator")
    if origin == "Predecessor":
        described(node, v.method or f"DM.{v.name}")
    if (dataset.name, v.name) in values.value_level_keys(dataset):
        etree.SubElement(item, d("ValueListRef"), {"ValueListOID": f"VL.{dataset.name}.{v.name}"})


def _used_codelists(
    datasets: Iterable[Dataset], codelists: dict[str, Codelist]
) -> dict[str, Codelist]:
    names = {v.codelist for ds in datasets for v in ds.variables if v.codelist}
    return {n: codelists[n] for n in sorted(names) if n in codelists and codelists[n].terms}


def _codelist(mdv: etree._Element, codelist: Codelist) -> None:
    attrs = {"OID": f"CL.{codelist.name}", "Name": codelist.name, "DataType": "text"}
    if codelist.c_code:
        attrs[d("StandardOID")] = "STD.CT"
    node = etree.SubElement(mdv, o("CodeList"), attrs)
    for value, decode in codelist.terms:
        item = etree.SubElement(node, o("CodeListItem"), {"CodedValue": value})
        described(item, decode, "Decode")
    if codelist.c_code:
        etree.SubElement(node, o("Alias"), {"Context": "nci:ExtCodeID", "Name": codelist.c_code})


def _methods(mdv: etree._Element, datasets: Iterable[Dataset]) -> None:
    """MethodDef for each derivation, then def:CommentDef for other variables' notes."""
    with_method = [(ds, v) for ds in datasets for v in ds.variables if v.method]
    for dataset, v in with_method:
        if v.origin == "Derived":
            node = etree.SubElement(mdv, o("MethodDef"), {
                "OID": f"MT.{dataset.name}.{v.name}", "Name": f"Algorithm for {v.name}",
                "Type": "Computation"})  # fmt: skip
            described(node, v.method)
    for dataset, v in with_method:
        if v.origin != "Derived":
            node = etree.SubElement(mdv, d("CommentDef"), {"OID": f"COM.{dataset.name}.{v.name}"})
            described(node, v.method)
