"""Value-level metadata: one ItemDef per test for the result variables of LB, QS and RS,
selected by a WhereClause on --TESTCD (records §4.9)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from lxml import etree

from records.standards.model import Dataset

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _o(tag: str) -> str:
    return f"{{{ODM}}}{tag}"


def _d(tag: str) -> str:
    return f"{{{DEF}}}{tag}"


def value_level_keys(dataset: Dataset) -> set[tuple[str, str]]:
    """(dataset, variable) pairs that have value-level metadata."""
    return {(dataset.name, name) for name in dataset.value_level}


def tests(dataset: Dataset) -> pd.DataFrame:
    """Distinct test codes with name and unit (first seen), in code order."""
    prefix = dataset.name
    columns = [f"{prefix}TESTCD", f"{prefix}TEST"]
    unit = f"{prefix}ORRESU"
    if unit in dataset.frame.columns:
        columns.append(unit)
    frame = dataset.frame[columns].dropna(subset=[f"{prefix}TESTCD"])
    return frame.drop_duplicates(f"{prefix}TESTCD").sort_values(f"{prefix}TESTCD")


def value_lists(mdv: etree._Element, datasets: Iterable[Dataset]) -> None:
    """def:ValueListDef for each value-level variable, then the WhereClauseDefs they use."""
    clauses: list[tuple[str, str, str]] = []
    for dataset in datasets:
        if not dataset.value_level:
            continue
        rows = tests(dataset)
        codes = rows[f"{dataset.name}TESTCD"].tolist()
        for name in dataset.value_level:
            node = etree.SubElement(mdv, _d("ValueListDef"), {"OID": f"VL.{dataset.name}.{name}"})
            for n, code in enumerate(codes, start=1):
                ref = etree.SubElement(node, _o("ItemRef"), {
                    "ItemOID": f"IT.{dataset.name}.{name}.{code}", "OrderNumber": str(n),
                    "Mandatory": "No"})  # fmt: skip
                etree.SubElement(
                    ref, _d("WhereClauseRef"), {"WhereClauseOID": f"WC.{dataset.name}.{code}"}
                )
        clauses += [(dataset.name, f"{dataset.name}TESTCD", c) for c in codes]
    for domain, variable, code in clauses:
        clause = etree.SubElement(mdv, _d("WhereClauseDef"), {"OID": f"WC.{domain}.{code}"})
        check = etree.SubElement(
            clause,
            _o("RangeCheck"),
            {"SoftHard": "Soft", _d("ItemOID"): f"IT.{domain}.{variable}", "Comparator": "EQ"},
        )
        etree.SubElement(check, _o("CheckValue")).text = code


def value_items(mdv: etree._Element, datasets: Iterable[Dataset]) -> None:
    """One ItemDef per (variable, test): type and length as used, the unit in the description."""
    for dataset in datasets:
        if not dataset.value_level:
            continue
        prefix = dataset.name
        for row in tests(dataset).to_dict("records"):
            code = row[f"{prefix}TESTCD"]
            chosen = dataset.frame[dataset.frame[f"{prefix}TESTCD"] == code]
            for name in dataset.value_level:
                variable = dataset.variable(name)
                unit = row.get(f"{prefix}ORRESU")
                text = f"{row[f'{prefix}TEST']}" + (f" ({unit})" if isinstance(unit, str) else "")
                used = [len(x) for x in chosen[name].dropna()] if not variable.numeric else [8]
                item = etree.SubElement(mdv, _o("ItemDef"), {
                    "OID": f"IT.{prefix}.{name}.{code}", "Name": name, "SASFieldName": name,
                    "DataType": "float" if variable.numeric else "text",
                    "Length": str(max(used, default=1))})  # fmt: skip
                if variable.numeric:
                    item.set("SignificantDigits", "2")
                desc = etree.SubElement(item, _o("Description"))
                etree.SubElement(desc, _o("TranslatedText"), {XML_LANG: "en"}).text = text
                origin = "Collected" if variable.origin == "Collected" else "Derived"
                node = etree.SubElement(item, _d("Origin"), {"Type": origin})
                if origin == "Collected":
                    node.set("Source", "Investigator")
