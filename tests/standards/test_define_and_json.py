"""define.xml (Define-XML 2.1 schema from odmlib, lxml) and Dataset-JSON v1.1 structure."""

from __future__ import annotations

import json

from lxml import etree

from exports.define.define_xml import define_xml
from exports.define.schema import schema_errors
from exports.sdtm.dataset_json import dataset_json

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}


def _tree(submission, part):
    datasets = submission.sdtm if part == "sdtm" else submission.adam
    return datasets, define_xml(submission.study, datasets, submission.codelists)


def test_both_defines_pass_the_define_xml_2_1_schema(submission):
    for part in ("sdtm", "adam"):
        _, xml = _tree(submission, part)
        assert schema_errors(xml, "define-2.1") == []


def test_the_schema_check_is_real(submission):
    _, xml = _tree(submission, "sdtm")
    broken = xml.replace(b'def:DefineVersion="2.1.0"', b'def:DefineVersion="9"', 1)
    broken = broken.replace(b'Purpose="Tabulation"', b'Purpose="Nonsense" Bogus="1"', 1)
    assert schema_errors(broken, "define-2.1")


def test_every_dataset_and_variable_is_described(submission):
    for part in ("sdtm", "adam"):
        datasets, xml = _tree(submission, part)
        root = etree.fromstring(xml)
        groups = {g.get("Name"): g for g in root.iterfind(".//odm:ItemGroupDef", NS)}
        assert set(groups) == {d.name for d in datasets}
        items = {i.get("OID") for i in root.iterfind(".//odm:ItemDef", NS)}
        for d in datasets:
            refs = [r.get("ItemOID") for r in groups[d.name].iterfind("odm:ItemRef", NS)]
            assert refs == [f"IT.{d.name}.{v.name}" for v in d.variables]
            assert set(refs) <= items
            leaf = root.find(f".//def:leaf[@ID='LF.{d.name}']", NS)
            assert leaf.get("{http://www.w3.org/1999/xlink}href") == f"{d.name.lower()}.xpt"


def test_value_level_metadata_for_lb_qs_rs(submission):
    _, xml = _tree(submission, "sdtm")
    root = etree.fromstring(xml)
    lists = {v.get("OID") for v in root.iterfind(".//def:ValueListDef", NS)}
    assert {"VL.LB.LBORRES", "VL.LB.LBSTRESN", "VL.QS.QSORRES", "VL.RS.RSORRES"} <= lists
    wbc = root.find(".//def:WhereClauseDef[@OID='WC.LB.WBC']/odm:RangeCheck", NS)
    assert wbc.get("{http://www.cdisc.org/ns/def/v2.1}ItemOID") == "IT.LB.LBTESTCD"
    assert wbc.find("odm:CheckValue", NS).text == "WBC"
    unit = root.find(".//odm:ItemDef[@OID='IT.LB.LBORRES.WBC']//odm:TranslatedText", NS)
    assert unit.text == "Leukocytes (10^9/L)"


def test_codelists_carry_ct_codes_and_origins_and_methods(submission):
    _, xml = _tree(submission, "sdtm")
    root = etree.fromstring(xml)
    sex = root.find(".//odm:CodeList[@OID='CL.SEX']", NS)
    assert sex.find("odm:Alias", NS).get("Name") == "C66731"
    assert [i.get("CodedValue") for i in sex.iterfind("odm:CodeListItem", NS)] == ["F", "M"]
    assert root.find(".//odm:CodeList[@OID='CL.RSTESTCD']/odm:Alias", NS) is None  # sponsor
    aestdy = root.find(".//odm:ItemDef[@OID='IT.AE.AESTDY']/def:Origin", NS)
    assert aestdy.get("Type") == "Derived"
    assert root.find(".//odm:MethodDef[@OID='MT.AE.AESTDY']", NS) is not None
    aeterm = root.find(".//odm:ItemDef[@OID='IT.AE.AETERM']/def:Origin", NS)
    assert (aeterm.get("Type"), aeterm.get("Source")) == ("Collected", "Investigator")


def test_dataset_json_v1_1_matches_the_dataset(submission):
    for dataset in (*submission.sdtm, *submission.adam):
        doc = json.loads(json.dumps(dataset_json(dataset, "LK-23-01")))
        assert doc["datasetJSONVersion"] == "1.1.0"
        assert doc["itemGroupOID"] == f"IG.{dataset.name}"
        assert doc["records"] == len(doc["rows"]) == len(dataset.frame)
        assert [c["name"] for c in doc["columns"]] == [v.name for v in dataset.variables]
        keys = [c["name"] for c in sorted(doc["columns"], key=lambda c: c.get("keySequence", 99))
                if "keySequence" in c]  # fmt: skip
        assert keys == list(dataset.keys)
    dm = next(d for d in submission.sdtm if d.name == "DM")
    doc = dataset_json(dm, "LK-23-01")
    sexes = [row[[c["name"] for c in doc["columns"]].index("SEX")] for row in doc["rows"]]
    assert sexes == dm.frame["SEX"].tolist()
    adsl = dataset_json(submission.adam[0], "LK-23-01")
    trtsdt = next(c for c in adsl["columns"] if c["name"] == "TRTSDT")
    assert (trtsdt["dataType"], trtsdt["targetDataType"]) == ("date", "integer")
