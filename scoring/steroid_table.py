"""Glucocorticoid equivalence table and dosing vocabularies (spec/scoring.md §6.1–6.2).

THE list of systemic corticosteroids: a medication row is a corticosteroid when its drug names
one of these ingredients (`corticosteroid_in`), whether or not the "corticosteroid" box was
ticked (issue #10). Sources per drug are in spec/scoring.md §6.1 (globalrph, Vanderbilt, the US
prednisolone label).

Factors are exact: factor = 5 mg ÷ (mg equivalent to 5 mg prednisone). Betamethasone uses the
0.6 mg column (factor 25/3); the prednisolone label implies 0.75 mg (factor 20/3), offered as
`BETAMETHASONE_LABEL_FACTOR` for studies that choose it. Budesonide has no accepted systemic
equivalence and is deliberately absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType

# mg of each drug equivalent to 5 mg prednisone (spec §6.1).
EQUIVALENT_TO_5MG_PREDNISONE: Mapping[str, float] = MappingProxyType(
    {
        "prednisone": 5.0,
        "prednisolone": 5.0,
        "methylprednisolone": 4.0,
        "hydrocortisone": 20.0,
        "cortisone": 25.0,
        "triamcinolone": 4.0,
        "dexamethasone": 0.75,
        "betamethasone": 0.6,
        "deflazacort": 6.0,
    }
)

PREDNISONE_EQUIVALENT_FACTORS: Mapping[str, float] = MappingProxyType(
    {drug: 5.0 / mg for drug, mg in EQUIVALENT_TO_5MG_PREDNISONE.items()}
)

BETAMETHASONE_LABEL_FACTOR = 5.0 / 0.75

DRUG_ALIASES: Mapping[str, str] = MappingProxyType({"cortisone acetate": "cortisone"})

NO_SYSTEMIC_EQUIVALENCE: frozenset[str] = frozenset({"budesonide"})

# Administrations per day; QOD and QW average over 2 and 7 days (spec §6.2).
ADMINISTRATIONS_PER_DAY: Mapping[str, Fraction] = MappingProxyType(
    {
        "QD": Fraction(1),
        "BID": Fraction(2),
        "TID": Fraction(3),
        "QID": Fraction(4),
        "QOD": Fraction(1, 2),
        "QW": Fraction(1, 7),
    }
)
ONCE = "ONCE"
FREQUENCIES: tuple[str, ...] = (*ADMINISTRATIONS_PER_DAY, ONCE)

# Routes counted as systemic; anything else is flagged for review, not summed (spec §6.1 DESIGN).
SYSTEMIC_ROUTES: frozenset[str] = frozenset(
    {"ORAL", "PO", "INTRAVENOUS", "IV", "INTRAMUSCULAR", "IM", "SUBCUTANEOUS", "SC"}
)

# Buttgereit 2002 bands, upper bounds inclusive, mg/day prednisone-equivalent (spec §6.2).
LOW_MAX = 7.5
MEDIUM_MAX = 30.0
HIGH_MAX = 100.0
PULSE_MIN = 250.0

_INGREDIENT = re.compile(
    r"\b("
    + "|".join(sorted({*EQUIVALENT_TO_5MG_PREDNISONE, *DRUG_ALIASES}, key=len, reverse=True))
    + r")\b"
)


def corticosteroid_in(drug: object) -> str | None:
    """The systemic corticosteroid a drug text names ("Prednisone 20 mg oral" → prednisone).

    Whole words only, so "hydrocortisone" is not read as cortisone nor "methylprednisolone" as
    prednisolone; budesonide (no systemic equivalence) is not matched.
    """
    if not isinstance(drug, str):
        return None
    found = _INGREDIENT.search(drug.lower())
    return None if found is None else DRUG_ALIASES.get(found[1], found[1])
