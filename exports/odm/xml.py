"""Small helpers for building ODM 1.3.2 elements with lxml."""

from __future__ import annotations

from lxml import etree

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def o(tag: str) -> str:
    """An ODM-namespace tag."""
    return f"{{{ODM_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    """A child element with the non-None attributes."""
    return etree.SubElement(parent, o(tag), {k: v for k, v in attrs.items() if v is not None})


def text(parent: etree._Element, tag: str, value: str) -> etree._Element:
    """A child element holding text."""
    node = etree.SubElement(parent, o(tag))
    node.text = value
    return node


def translated(parent: etree._Element, tag: str, value: str) -> etree._Element:
    """<tag><TranslatedText xml:lang="en">value</TranslatedText></tag>."""
    node = etree.SubElement(parent, o(tag))
    etree.SubElement(node, o("TranslatedText"), {XML_LANG: "en"}).text = value
    return node


def user_oid(username: str) -> str:
    """The OID of a user in AdminData (OIDs may not contain spaces)."""
    return "USR." + "".join(c if c.isalnum() or c in "._-" else "_" for c in username)
