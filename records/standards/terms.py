"""Controlled terminology and sponsor codes the SDTM datasets use (records §4.5, §4.6).

CDISC CT codelists are named with their C-code; sponsor-defined lists (no CDISC CT exists,
e.g. SLEDAI-2K/BILAG-2004 test codes, relationship scale) carry no C-code and are documented as
sponsor codes in define.xml. CT values were checked by hand against the codelist names in
records §4.5; the offline build cannot verify them against a dated CT package (README).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from records.standards.model import Dataset
from study.schema import StudyDefinition

CT_VERSION = "SDTM CT 2026-03-27 (names and C-codes after spec/records.md §4.5)"


@dataclass(frozen=True, slots=True)
class Codelist:
    """A codelist: OID-safe name, C-code (None = sponsor-defined) and (value, decode) pairs."""

    name: str
    c_code: str | None
    terms: tuple[tuple[str, str], ...]
    extensible: bool = True

    @property
    def values(self) -> frozenset[str]:
        """The allowed submission values."""
        return frozenset(v for v, _ in self.terms)


C_CODES: dict[str, str] = {
    "SEX": "C66731", "NY": "C66742", "AESEV": "C66769", "ACN": "C66767", "OUT": "C66768",
    "AGEU": "C66781", "ROUTE": "C66729", "FREQ": "C71113", "EPOCH": "C99079",
    "NCOMPLT": "C66727", "NRIND": "C78736", "LBTESTCD": "C65047", "VSTESTCD": "C66741",
    "EGTESTCD": "C71153", "UNIT": "C71620", "ND": "C66789", "DSCAT": "C74558",
}  # fmt: skip
STUDY_LISTS = {"SEX": "SEX", "NY": "NY", "AESEV": "AESEV", "ACN": "AEACN", "OUT": "AEOUT",
               "ROUTE": "ROUTE", "FREQ": "FREQ", "NCOMPLT": "DSDECOD", "AEREL": "AEREL",
               "MHCAT": "MH_CATEGORY"}  # fmt: skip
"""Our codelist name → the study-definition codelist holding its values (already CT values)."""
FIXED: dict[str, tuple[tuple[str, str], ...]] = {
    "EPOCH": (("SCREENING", "Screening"), ("TREATMENT", "Treatment"), ("FOLLOW-UP", "Follow-up")),
    "AGEU": (("YEARS", "Years"),),
    "NRIND": (("LOW", "Low"), ("NORMAL", "Normal"), ("HIGH", "High"), ("ABNORMAL", "Abnormal")),
    "ND": (("NOT DONE", "Not done"),),
    "DSCAT": (("DISPOSITION EVENT", "Disposition event"),
              ("PROTOCOL MILESTONE", "Protocol milestone")),
    "NYRESP": (("Y", "Yes"), ("N", "No")),
}  # fmt: skip
EG_CODES = {"EGHR": "EGHRMN"}
"""Study ECG item codes that differ from the CDISC EGTESTCD (the rest already are CT codes)."""
_NOT_CODE = re.compile(r"[^A-Z0-9]")


def codelists(study: StudyDefinition) -> dict[str, Codelist]:
    """Every fixed or study-backed codelist by name (test-code lists are added per dataset)."""
    out = {name: Codelist(name, C_CODES.get(name), terms) for name, terms in FIXED.items()}
    for name, source in STUDY_LISTS.items():
        terms = study.codelists.get(source, ())
        out[name] = Codelist(name, C_CODES.get(name), tuple(terms))
    milestone = (("INFORMED CONSENT OBTAINED", "Informed consent obtained"),)
    out["DSDECOD"] = Codelist("DSDECOD", None, out["NCOMPLT"].terms + milestone)
    return out


def short_label(text: str, limit: int = 40) -> str:
    """A label of at most `limit` ASCII characters, cut at a word (XPT v5, --TEST ≤ 40)."""
    plain = ascii_text(text)
    if len(plain) <= limit:
        return plain
    cut = plain[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-/(")
    return cut or plain[:limit]


_ASCII = str.maketrans({"–": "-", "—": "-", "≥": ">=", "≤": "<=", "→": "->", "×": "x",
                        "²": "2", "³": "3", "µ": "u", "’": "'", "‘": "'", "“": '"', "”": '"',
                        "°": " deg", "±": "+/-", "½": "1/2"})  # fmt: skip


def ascii_text(text: str) -> str:
    """Typographic characters spelled in ASCII (XPT v5 is ASCII only); others kept to be refused."""
    return text.translate(_ASCII)


def item_test_code(item_code: str, item_no: float | None, instrument: str) -> str:
    """An 8-character --TESTCD for an item: SLEDAI-2K items by number, ECG by CDISC code, others
    cleaned of non-alphanumerics, or first word plus initials when still longer than 8."""
    if instrument == "SLEDAI2K" and item_no is not None and item_no == item_no:
        return f"SLEDAI{int(item_no):02d}"
    if instrument == "ECG":
        return EG_CODES.get(item_code, item_code)
    cleaned = _NOT_CODE.sub("", item_code.upper())
    if len(cleaned) <= 8:
        return cleaned
    first, *rest = item_code.upper().split("_")
    return (_NOT_CODE.sub("", first) + "".join(word[:1] for word in rest))[:8]


def ds_decod(status: str, reason: object, allowed: frozenset[str]) -> str:
    """NCOMPLT term of a disposition: by status, else the CT term named in the reason, or OTHER."""
    fixed = {"completed": "COMPLETED", "screen_failure": "SCREEN FAILURE"}
    if status in fixed:
        return fixed[status]
    text = reason.upper() if isinstance(reason, str) else ""
    for term in sorted(allowed, key=len, reverse=True):
        if term in text and term not in ("COMPLETED", "SCREEN FAILURE"):
            return term
    return "OTHER"


def derived_text(text: str, limit: int = 200) -> str:
    """Text the workbench itself wrote (reasons, rules) in ASCII within `limit` characters."""
    plain = ascii_text(text).encode("ascii", "replace").decode("ascii")
    return plain if len(plain) <= limit else plain[: limit - 3] + "..."


def data_codelists(datasets: Iterable[Dataset], base: dict[str, Codelist]) -> dict[str, Codelist]:
    """`base` plus one codelist per other codelist name the variables use, with the values in
    the data: test codes decoded by their test names (CT C-code where one exists)."""
    out = dict(base)
    for d in datasets:
        for v in d.variables:
            if v.codelist is None or v.codelist in base or v.name not in d.frame.columns:
                continue
            decodes = _decodes(d, v.name)
            known = dict(out[v.codelist].terms) if v.codelist in out else {}
            for code, decode in decodes.items():
                known.setdefault(code, decode)
            out[v.codelist] = Codelist(
                v.codelist, C_CODES.get(v.codelist), tuple(sorted(known.items()))
            )
    return out


def _decodes(d: Dataset, name: str) -> dict[str, str]:
    label_of = {"TESTCD": "TEST", "PARAMCD": "PARAM", "ARMCD": "ARM", "ETCD": "ELEMENT",
                "TSPARMCD": "TSPARM"}  # fmt: skip
    partner = next((name[: -len(s)] + t if s != name else t for s, t in label_of.items()
                    if name.endswith(s)), None)  # fmt: skip
    values = d.frame[name].dropna()
    if partner and partner in d.frame.columns:
        pairs = d.frame[[name, partner]].dropna().drop_duplicates(name)
        return dict(zip(pairs[name], pairs[partner], strict=True))
    return {str(v): str(v) for v in values.unique()}
