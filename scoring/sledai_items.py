"""The SLEDAI-2K catalogue: 24 descriptors with weights, organ-system groups and definitions.

spec/scoring.md §1.1 (definitions paraphrased as the spec gives them, thresholds exact) and §1.3
(variant wording). Item codes are the descriptor keys; they are the storage codes of the form.
"""

from __future__ import annotations

from typing import Final, Literal

from scoring.errors import ScoringInputError
from scoring.items import Instrument, InstrumentItem, ResponseOption

Variant = Literal["SLEDAI-2K", "SELENA-SLEDAI"]
VARIANTS: Final[tuple[Variant, ...]] = ("SLEDAI-2K", "SELENA-SLEDAI")
WINDOWS_DAYS: Final[tuple[int, ...]] = (10, 30)
"""Look-back windows a study may choose (spec §1.2 and Decisions: 10 or 30 days)."""

GROUPS: Final[tuple[str, ...]] = (
    "neurological",
    "vascular",
    "musculoskeletal",
    "renal",
    "mucocutaneous",
    "serosal",
    "immunological",
    "constitutional",
    "haematological",
)

# (key, label, weight, group, SLEDAI-2K definition) in the order and numbering of spec §1.1.
# fmt: off
_ROWS: Final[tuple[tuple[str, str, int, str, str], ...]] = (
    ("seizure", "Seizure", 8, "neurological",
     "Recent onset; exclude metabolic, infectious and drug causes"),
    ("psychosis", "Psychosis", 8, "neurological",
     "Impaired ability to function normally because of severe disturbance in perception of "
     "reality (hallucinations, incoherence, marked loose associations, impoverished thought "
     "content, marked illogical thinking, bizarre/disorganised/catatonic behaviour); exclude "
     "uraemia and drugs"),
    ("organic_brain_syndrome", "Organic brain syndrome", 8, "neurological",
     "Altered mental function (orientation, memory or other intellectual function) of rapid "
     "onset with fluctuating features: clouded consciousness with reduced ability to focus and "
     "to sustain attention, plus ≥2 of: perceptual disturbance, incoherent speech, insomnia or "
     "daytime drowsiness, increased or decreased psychomotor activity; exclude metabolic, "
     "infectious, drug causes"),
    ("visual_disturbance", "Visual disturbance", 8, "neurological",
     "Retinal changes of SLE: cytoid bodies, retinal haemorrhages, serous exudate or haemorrhage "
     "in the choroid, or optic neuritis; exclude hypertension, infection, drug causes"),
    ("cranial_nerve_disorder", "Cranial nerve disorder", 8, "neurological",
     "New onset of sensory or motor neuropathy of cranial nerves"),
    ("lupus_headache", "Lupus headache", 8, "neurological",
     "Severe persistent headache, may be migrainous, must not respond to narcotic analgesia"),
    ("cva", "CVA", 8, "neurological",
     "New onset of cerebrovascular accident(s); exclude arteriosclerosis"),
    ("vasculitis", "Vasculitis", 8, "vascular",
     "Ulceration, gangrene, tender finger nodules, periungual infarction, splinter haemorrhages, "
     "or biopsy/angiogram proof of vasculitis"),
    ("arthritis", "Arthritis", 4, "musculoskeletal",
     "≥2 joints with pain and signs of inflammation (tenderness, swelling or effusion)"),
    ("myositis", "Myositis", 4, "musculoskeletal",
     "Proximal muscle aching/weakness with raised CPK/aldolase, or EMG changes, or biopsy "
     "showing myositis"),
    ("urinary_casts", "Urinary casts", 4, "renal", "Heme-granular or red-cell casts"),
    ("hematuria", "Haematuria", 4, "renal",
     ">5 RBC/high-power field; exclude stone, infection, other causes"),
    ("proteinuria", "Proteinuria", 4, "renal", ">0.5 g/24 h"),
    ("pyuria", "Pyuria", 4, "renal", ">5 WBC/high-power field; exclude infection"),
    ("rash", "Rash", 2, "mucocutaneous", "Inflammatory-type rash (new or ongoing)"),
    ("alopecia", "Alopecia", 2, "mucocutaneous",
     "Abnormal patchy or diffuse hair loss (new or ongoing)"),
    ("mucosal_ulcers", "Mucosal ulcers", 2, "mucocutaneous",
     "Oral or nasal ulceration (new or ongoing)"),
    ("pleurisy", "Pleurisy", 2, "serosal",
     "Pleuritic chest pain with pleural rub or effusion, or pleural thickening"),
    ("pericarditis", "Pericarditis", 2, "serosal",
     "Pericardial pain with ≥1 of: rub, effusion, ECG or echocardiogram confirmation"),
    ("low_complement", "Low complement", 2, "immunological",
     "CH50, C3 or C4 below the testing laboratory's lower limit of normal"),
    ("increased_dna_binding", "Increased DNA binding", 2, "immunological",
     "Anti-dsDNA above the testing laboratory's normal range (older sheets: or >25% binding by "
     "Farr assay)"),
    ("fever", "Fever", 1, "constitutional", ">38 °C; exclude infection"),
    ("thrombocytopenia", "Thrombocytopenia", 1, "haematological",
     "<100 × 10⁹/L (<100,000/mm³); exclude drug causes"),
    ("leukopenia", "Leukopenia", 1, "haematological",
     "<3 × 10⁹/L (<3,000/mm³); exclude drug causes"),
)
# fmt: on

SEROLOGICAL: Final[frozenset[str]] = frozenset({"low_complement", "increased_dna_binding"})
"""Removed from clinical SLEDAI (spec §1.5)."""

_SELENA_WORDING: Final[dict[str, str]] = {
    "arthritis": "More than 2 joints with pain and signs of inflammation (tenderness, swelling or "
    "effusion)",
}
"""Only the variant wording the spec confirms (§1.1); the other SELENA differences are [MEM]."""


def _item(number: int, row: tuple[str, str, int, str, str]) -> InstrumentItem:
    """One descriptor as a yes/no item whose "Y" option scores the descriptor's weight."""
    key, label, weight, group, definition = row
    options = (ResponseOption("Y", "Present", weight), ResponseOption("N", "Absent", 0))
    return InstrumentItem(
        code=key,
        label=label,
        group=group,
        value_type="yes_no",
        options=options,
        weight=weight,
        definition=definition,
        number=number,
    )


INSTRUMENT: Final = Instrument(
    code="SLEDAI2K",
    name="SLEDAI-2K (Systemic Lupus Erythematosus Disease Activity Index 2000)",
    items=tuple(_item(number, row) for number, row in enumerate(_ROWS, start=1)),
    groups=GROUPS,
)

DESCRIPTORS: Final[tuple[str, ...]] = tuple(item.code for item in INSTRUMENT.items)
WEIGHTS: Final[dict[str, int]] = {row[0]: row[2] for row in _ROWS}
MAXIMUM: Final = sum(WEIGHTS.values())
CLINICAL_MAXIMUM: Final = MAXIMUM - sum(WEIGHTS[key] for key in SEROLOGICAL)


def check_variant(variant: str) -> Variant:
    """The variant if it is one the product stores, else ScoringInputError (Decisions table)."""
    for known in VARIANTS:
        if variant == known:
            return known
    raise ScoringInputError("variant", variant, VARIANTS)


def definition(descriptor: str, variant: str = "SLEDAI-2K") -> str:
    """The definition printed on the sheet of `variant` (spec §1.1, §1.3: arthritis ≥2 vs >2)."""
    if descriptor not in WEIGHTS:
        raise ScoringInputError("descriptor", descriptor, DESCRIPTORS)
    if check_variant(variant) == "SELENA-SLEDAI" and descriptor in _SELENA_WORDING:
        return _SELENA_WORDING[descriptor]
    return INSTRUMENT.item(descriptor).definition
