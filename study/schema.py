"""The study definition as typed, frozen objects: what the rest of the program reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class VisitDef:
    """A planned visit: target day and symmetric window, or a day range for screening."""

    code: str
    name: str
    kind: str  # screening | scheduled | early_termination | unscheduled
    forms: tuple[str, ...]
    target_day: int | None = None
    window: int = 0
    day_from: int | None = None
    day_to: int | None = None
    assumed: bool = False

    @property
    def planned(self) -> bool:
        """Whether the visit is created in every subject's calendar (screening and scheduled)."""
        return self.kind in ("screening", "scheduled")


@dataclass(frozen=True, slots=True)
class FormItemDef:
    """An item of a study-defined form (physical exam, ECG, imaging)."""

    code: str
    label: str
    type: str  # number | choice | text
    unit: str | None = None
    codelist: str | None = None
    min: float | None = None
    max: float | None = None
    note: bool = False


@dataclass(frozen=True, slots=True)
class FormDef:
    """A case report form and where its items come from."""

    code: str
    name: str
    kind: str  # instrument | items | labs | vitals | dose | eligibility | log
    domain: str
    instrument: str | None = None
    panel: str | None = None
    items: tuple[FormItemDef, ...] = ()
    sdv: bool = False  # source data verification required for every entry of this form (#12)


@dataclass(frozen=True, slots=True)
class LabPanelDef:
    code: str
    name: str
    category: str
    free_list: bool = False


@dataclass(frozen=True, slots=True)
class LabTestDef:
    """A lab test: entry unit, reference range (flags) and physiological limits (refusal).

    Every limit is in `unit`, the default. `units` are further units a site's report may use,
    each converted exactly through `analyte` (a `scoring.labs` analyte). `lloq` places a result
    below the limit of quantification; `critical_low` / `critical_high` (inclusive) are the
    values that need an assessment before they are saved.
    """

    code: str
    name: str
    panel: str
    type: str = "number"
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    min: float | None = None
    max: float | None = None
    codelist: str | None = None
    units: tuple[str, ...] = ()
    analyte: str | None = None
    lloq: float | None = None
    critical_low: float | None = None
    critical_high: float | None = None

    @property
    def allowed_units(self) -> tuple[str, ...]:
        """The units a result may be entered in, the default first; none for a free analyte."""
        return tuple(dict.fromkeys((*((self.unit,) if self.unit else ()), *self.units)))


@dataclass(frozen=True, slots=True)
class VitalTestDef:
    code: str
    name: str
    unit: str
    min: float
    max: float
    visits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CriterionCheck:
    """A criterion the system can evaluate from data it holds (issue #10): a measure at
    screening ("age" at consent, "egfr" from the screening creatinine, or a lab test code)
    within [minimum, maximum] (inclusive; None = open)."""

    measure: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class CriterionDef:
    code: str
    kind: str  # inclusion | exclusion
    text: str
    check: CriterionCheck | None = None


@dataclass(frozen=True, slots=True)
class StudyInfo:
    id: str
    protocol: str
    definition_version: str
    title: str
    official_title: str
    sponsor: str
    phase: str
    design: str
    planned_subjects: int
    age_min: int
    age_max: int
    start_date: date | None = None


@dataclass(frozen=True, slots=True)
class SiteInfo:
    code: str
    name: str
    timezone: str
    principal_investigator: str = ""


@dataclass(frozen=True, slots=True)
class ProductInfo:
    name: str
    description: str
    route: str
    dose_unit: str


@dataclass(frozen=True, slots=True)
class ProtocolSettings:
    """Thresholds chosen by the protocol and non-response rules for the response indices."""

    sledai_variant: str
    sledai_window_days: int
    baseline_visit: str
    primary_endpoint_visit: str
    lldas_prednisone_max_mg: float
    doris_prednisone_max_mg: float
    screening_days_before: int
    rescue_therapy_rule: bool = True
    missing_visit_rule: bool = True
    withdrawal_rule: bool = True
    steroid_above_baseline_rule: bool = True
    steroid_ceiling_mg: float | None = None
    steroid_ceiling_days: int = 1


@dataclass(frozen=True, slots=True)
class SignatureMeaning:
    """A meaning an investigator may give a signature (21 CFR 11.50(a)(3)), and where."""

    code: str
    text: str
    scopes: tuple[str, ...] = ("visit", "casebook")


DEFAULT_MEANINGS: tuple[SignatureMeaning, ...] = (
    SignatureMeaning(
        "APPROVAL",
        "I have reviewed the data in this casebook and confirm it is accurate and complete",
        ("casebook",),
    ),
    SignatureMeaning("REVIEW", "I have reviewed the data of this visit", ("visit",)),
)


@dataclass(frozen=True, slots=True)
class SignaturePolicy:
    """Signature meanings, and whether open data queries block signing."""

    meanings: tuple[SignatureMeaning, ...] = DEFAULT_MEANINGS
    block_on_open_queries: bool = False
    required_form_kinds: tuple[str, ...] = ("instrument", "items", "labs", "vitals")


@dataclass(frozen=True, slots=True)
class ItemWording:
    """What the patient reads for one item: an optional introduction shared with the items
    around it, the question, and one label per answer in the order of the answer codes."""

    text: str
    options: tuple[str, ...]
    stem: str = ""


@dataclass(frozen=True, slots=True)
class InstrumentWording:
    """An instrument's question text and answer labels, from a file the study names.

    Item wording is licensed separately from the workbench (PROMIS under the HealthMeasures
    terms, RAND-36 public domain with attribution), so none is shipped: a sponsor or site that
    holds the wording, in the language and version it may use, names its file in the study
    definition, and patient mode shows it with the source and licence the file states.
    """

    instrument: str
    title: str
    source: str
    licence: str
    language: str
    version: str
    items: dict[str, ItemWording]
    file: str


@dataclass(frozen=True, slots=True)
class StudyDefinition:
    """A whole study: one source for forms, validation, storage codes, listings and SDTM."""

    source: str
    study: StudyInfo
    site: SiteInfo  # the lead site (the first listed): the study's clock and sponsor contact
    product: ProductInfo
    protocol: ProtocolSettings
    visits: tuple[VisitDef, ...]
    forms: tuple[FormDef, ...]
    lab_panels: tuple[LabPanelDef, ...]
    lab_tests: tuple[LabTestDef, ...]
    vital_tests: tuple[VitalTestDef, ...]
    vital_timepoints: dict[str, tuple[str, ...]]
    eligibility: tuple[CriterionDef, ...]
    codelists: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    signatures: SignaturePolicy = field(default_factory=SignaturePolicy)
    edit_checks: tuple[str, ...] = ()  # automatic data queries to run (records/edit_checks, #12)
    sdv_adverse_events: bool = False  # every adverse event verified against source (#12)
    sites: tuple[SiteInfo, ...] = ()  # every participating site, lead site first (#16)
    wording: tuple[InstrumentWording, ...] = ()  # question text the study may show (#14)

    def visit(self, code: str) -> VisitDef:
        """The visit with this code; KeyError names the known codes."""
        for v in self.visits:
            if v.code == code:
                return v
        raise KeyError(f"unknown visit {code!r}; known: {', '.join(v.code for v in self.visits)}")

    def form(self, code: str) -> FormDef:
        """The form with this code; KeyError names the known codes."""
        for f in self.forms:
            if f.code == code:
                return f
        raise KeyError(f"unknown form {code!r}; known: {', '.join(f.code for f in self.forms)}")

    def form_name(self, code: str) -> str:
        """The form's name for people; a code this definition does not know stays as it is
        (an audit row may name a form of an earlier definition)."""
        known = next((f for f in self.forms if f.code == code), None)
        return known.name if known else code

    def wording_of(self, instrument: str) -> InstrumentWording | None:
        """The instrument's question text, when the study names a wording file for it."""
        return next((w for w in self.wording if w.instrument == instrument), None)

    def lab_tests_of(self, panel: str) -> tuple[LabTestDef, ...]:
        """The tests of one panel, in definition order."""
        return tuple(t for t in self.lab_tests if t.panel == panel)

    def codes(self, codelist: str) -> tuple[str, ...]:
        """The allowed codes of a codelist."""
        return tuple(code for code, _ in self.codelists[codelist])

    def decode(self, codelist: str, code: str | None) -> str | None:
        """The label of a code (the code itself when unknown, None for None)."""
        if code is None:
            return None
        return dict(self.codelists.get(codelist, ())).get(code, code)
