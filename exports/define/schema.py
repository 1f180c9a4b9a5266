"""XML Schema validation with the CDISC schemas that odmlib ships (Define-XML 2.1, ODM 1.3.2).

odmlib carries the official XSDs as package data; lxml validates against them offline.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from lxml import etree

SCHEMAS = {
    "define-2.1": ("odmlib.schemas", "define/2.1/define2-1-0.xsd"),
    "odm-1.3.2": ("odmlib.schemas", "odm/1.3.2/ODM1-3-2.xsd"),
}


@cache
def _schema(name: str) -> etree.XMLSchema:
    package, path = SCHEMAS[name]
    location = resources.files(package).joinpath(path)
    with resources.as_file(location) as file:
        return etree.XMLSchema(etree.parse(str(file)))


def schema_errors(document: bytes, name: str) -> list[str]:
    """Every schema error of `document` against schema `name` (empty when valid)."""
    schema = _schema(name)
    tree = etree.fromstring(document)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
