"""The BILAG-2004 catalogue: 97 items in 9 domains, numbered as on the 2009 form, plus grade items.

spec/scoring.md §2.1–2.3 (item names exactly as the spec lists them; the official glossary is not
reproduced). Codes are SDTM-friendly (≤ 8 characters): item n is "BILAGnn" ("BILAG01"…"BILAG97"),
the "due to SLE activity" flag of lab item n is "BILAGnnS", a domain grade is "BILAG" + 3 letters.
"""

from __future__ import annotations

from typing import Final

from scoring.items import Instrument, InstrumentItem, ResponseOption, ValueType

DOMAINS: Final[tuple[str, ...]] = (
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "haematological",
)

_CLINICAL: Final[dict[str, tuple[str, ...]]] = {
    "constitutional": (
        "Pyrexia – documented >37.5 °C", "Weight loss – unintentional >5%",
        "Lymphadenopathy/splenomegaly", "Anorexia",
    ),
    "mucocutaneous": (
        "Skin eruption – severe", "Skin eruption – mild", "Angio-oedema – severe",
        "Angio-oedema – mild", "Mucosal ulceration – severe", "Mucosal ulceration – mild",
        "Panniculitis/bullous lupus – severe", "Panniculitis/bullous lupus – mild",
        "Major cutaneous vasculitis/thrombosis", "Digital infarcts or nodular vasculitis",
        "Alopecia – severe", "Alopecia – mild", "Peri-ungual erythema/chilblains",
        "Splinter haemorrhages",
    ),
    "neuropsychiatric": (
        "Aseptic meningitis", "Cerebral vasculitis", "Demyelinating syndrome", "Myelopathy",
        "Acute confusional state", "Psychosis",
        "Acute inflammatory demyelinating polyradiculoneuropathy",
        "Mononeuropathy (single/multiplex)", "Cranial neuropathy", "Plexopathy",
        "Polyneuropathy", "Seizure disorder", "Status epilepticus",
        "Cerebrovascular disease (not due to vasculitis)", "Cognitive dysfunction",
        "Movement disorder", "Autonomic disorder", "Cerebellar ataxia (isolated)",
        "Lupus headache – severe unremitting", "Headache from IC (intracranial) hypertension",
    ),
    "musculoskeletal": (
        "Myositis – severe", "Myositis – mild", "Arthritis (severe)",
        "Arthritis (moderate)/tendonitis/tenosynovitis", "Arthritis (mild)/arthralgia/myalgia",
    ),
    "cardiorespiratory": (
        "Myocarditis – mild", "Myocarditis/endocarditis + cardiac failure", "Arrhythmia",
        "New valvular dysfunction", "Pleurisy/pericarditis", "Cardiac tamponade",
        "Pleural effusion with dyspnoea", "Pulmonary haemorrhage/vasculitis",
        "Interstitial alveolitis/pneumonitis", "Shrinking lung syndrome", "Aortitis",
        "Coronary vasculitis",
    ),
    "gastrointestinal": (
        "Lupus peritonitis", "Abdominal serositis or ascites", "Lupus enteritis/colitis",
        "Malabsorption", "Protein-losing enteropathy", "Intestinal pseudo-obstruction",
        "Lupus hepatitis", "Acute lupus cholecystitis", "Acute lupus pancreatitis",
    ),
    "ophthalmic": (
        "Orbital inflammation/myositis/proptosis", "Keratitis – severe", "Keratitis – mild",
        "Anterior uveitis", "Posterior uveitis/retinal vasculitis – severe",
        "Posterior uveitis/retinal vasculitis – mild", "Episcleritis", "Scleritis – severe",
        "Scleritis – mild", "Retinal/choroidal vaso-occlusive disease",
        "Isolated cotton-wool spots (cytoid bodies)", "Optic neuritis",
        "Anterior ischaemic optic neuropathy",
    ),
}  # fmt: skip

# Items 78–97 (spec §2.2): label, value type, unit ("" = none).
_MEASURED: Final[dict[str, tuple[tuple[str, ValueType, str], ...]]] = {
    "renal": (
        ("Systolic BP", "number", "mmHg"),
        ("Diastolic BP", "number", "mmHg"),
        ("Accelerated hypertension", "yes_no", ""),
        ("Urine dipstick protein", "choice", ""),
        ("Urine albumin–creatinine ratio", "number", "mg/mmol"),
        ("Urine protein–creatinine ratio", "number", "mg/mmol"),
        ("24-h urine protein", "number", "g/24h"),
        ("Nephrotic syndrome", "yes_no", ""),
        ("Creatinine, plasma/serum", "number", "umol/L"),
        ("GFR, calculated", "number", "mL/min/1.73m2"),
        ("Active urinary sediment", "yes_no", ""),
        ("Active nephritis", "yes_no", ""),
    ),
    "haematological": (
        ("Haemoglobin", "number", "g/dL"),
        ("Total white cell count", "number", "10^9/L"),
        ("Neutrophils", "number", "10^9/L"),
        ("Lymphocytes", "number", "10^9/L"),
        ("Platelets", "number", "10^9/L"),
        ("TTP", "yes_no", ""),
        ("Evidence of active haemolysis", "yes_no", ""),
        ("Coombs' test positive (isolated)", "yes_no", ""),
    ),
}

ORDINAL_OPTIONS: Final = (
    ResponseOption("ND", "Not done"),
    ResponseOption("0", "Not present", 0),
    ResponseOption("1", "Improving", 1),
    ResponseOption("2", "Same", 2),
    ResponseOption("3", "Worse", 3),
    ResponseOption("4", "New", 4),
)
"""The clinical-item scale of spec §2.3."""

YES_NO_OPTIONS: Final = (ResponseOption("Y", "Yes"), ResponseOption("N", "No"))
DIPSTICK_OPTIONS: Final = (
    ResponseOption("0", "Negative", 0),
    ResponseOption("1", "+", 1),
    ResponseOption("2", "++", 2),
    ResponseOption("3", "+++", 3),
)
"""Item 81 as coded on the form (spec §2.2: + = 1, ++ = 2, +++ = 3)."""

GRADE_CODES: Final[dict[str, str]] = {
    "constitutional": "BILAGCON",
    "mucocutaneous": "BILAGMUC",
    "neuropsychiatric": "BILAGNEU",
    "musculoskeletal": "BILAGMSK",
    "cardiorespiratory": "BILAGCAR",
    "gastrointestinal": "BILAGGI",
    "ophthalmic": "BILAGOPH",
    "renal": "BILAGREN",
    "haematological": "BILAGHAE",
}
GRADE_OPTIONS: Final = (
    ResponseOption("A", "A – severe activity", 12),
    ResponseOption("B", "B – moderate activity", 8),
    ResponseOption("C", "C – mild stable activity", 1),
    ResponseOption("D", "D – previously involved, now inactive", 0),
    ResponseOption("E", "E – never involved", 0),
)
"""Grades A–E (spec §2.4) with their Yee 2010 numeric scores (§2.5)."""


def _item(number: int, domain: str, label: str, value_type: ValueType, unit: str) -> InstrumentItem:
    """Item `number` of the form with its code "BILAGnn" and the options of its value type."""
    options = {"ordinal": ORDINAL_OPTIONS, "yes_no": YES_NO_OPTIONS, "choice": DIPSTICK_OPTIONS}
    return InstrumentItem(
        code=f"BILAG{number:02d}",
        label=label,
        group=domain,
        value_type=value_type,
        options=options.get(value_type, ()),
        unit=unit or None,
        number=number,
    )


def _all_items() -> tuple[InstrumentItem, ...]:
    """Items 1–77 (clinical, ordinal) then 78–97 (measured), in form order."""
    rows: list[tuple[str, str, ValueType, str]] = [
        (domain, label, "ordinal", "") for domain, labels in _CLINICAL.items() for label in labels
    ]
    rows += [(domain, *row) for domain, measured in _MEASURED.items() for row in measured]
    return tuple(_item(number, *row) for number, row in enumerate(rows, start=1))


INSTRUMENT: Final = Instrument(
    code="BILAG2004",
    name="BILAG-2004 index (last 4 weeks compared with the previous 4 weeks)",
    items=_all_items(),
    groups=DOMAINS,
)

ACTIVITY_FLAG_ITEMS: Final = tuple(
    InstrumentItem(f"{it.code}S", f"{it.label}: due to SLE activity", it.group, "yes_no",
                   YES_NO_OPTIONS, number=it.number)
    for it in INSTRUMENT.items
    if it.value_type != "ordinal"
)  # fmt: skip
"""The Y/N "confirm this is due to SLE activity" flag of each lab/physiological item (§2.3)."""

GRADE_ITEMS: Final = tuple(
    InstrumentItem(GRADE_CODES[domain], f"{domain.capitalize()} domain grade", domain, "choice",
                   GRADE_OPTIONS)
    for domain in DOMAINS
)  # fmt: skip
"""The investigator-entered domain grades A–E (spec §2.7), stored with the items."""

ITEMS_BY_DOMAIN: Final[dict[str, tuple[str, ...]]] = {
    domain: tuple(it.code for it in INSTRUMENT.items if it.group == domain) for domain in DOMAINS
}
ORDINAL_ITEMS: Final[frozenset[str]] = frozenset(
    it.code for it in INSTRUMENT.items if it.value_type == "ordinal"
)
