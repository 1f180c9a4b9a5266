"""Listings 16.2.8.x: one sheet per lab panel (original and standard units) and eGFR."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
from sqlalchemy import select

from models import LabResult
from records.lab_analytes import ANALYTES
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.listings.subjects import age_at
from scoring.errors import ScoringInputError
from scoring.lab_results import parse_result
from scoring.labs import convert, standard_unit
from scoring.renal import convert_upcr, egfr_ckd_epi_2021
from study.schema import LabTestDef

STANDARD_RULE = (
    "Exact conversion to the SI unit for creatinine, haemoglobin, C3/C4 and cell counts "
    "(scoring.labs.convert) and to g/g for UPCR (scoring.renal); other tests keep the original "
    "value and unit"
)
STANDARD_TEXT_RULE = (
    "The standard result as text: a number, a bound converted with the same factor (<0.5 mg/dL "
    "creatinine is <44.2 umol/L), BLQ as <LLOQ when the study gives the assay's limit, else BLQ, "
    "or the coded result"
)
TEST_NAME_RULE = "Test name from the study definition"
COLLECTED_RULE = "Collection date as entered, else the visit date"


def _lab_columns(codelists: str | None) -> tuple[Column, ...]:
    return (
        C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
        Column("collected", "Collection date", "date", rule=COLLECTED_RULE),
        C.day("collected_day", "Collection date"),
        Column("collected_time", "Collection time", "text"),
        Column("test_code", "Test code", "code", key=True),
        Column("test", "Test", "text", origin="assigned", rule=TEST_NAME_RULE),
        Column("value", "Result (original, as entered)", "text"),
        Column("value_label", "Result (decode)", "text", codelist=codelists, origin="derived",
               rule="Decode of a coded result through the test's codelist"),
        Column("unit", "Original unit", "code"),
        Column("std_value", "Standard result", "float", origin="derived", rule=STANDARD_RULE),
        Column("std_text", "Standard result (character)", "text", origin="derived",
               rule=STANDARD_TEXT_RULE),
        Column("std_unit", "Standard unit", "code", origin="derived", rule=STANDARD_RULE),
        Column("ref_low", "Reference range low", "float"),
        Column("ref_high", "Reference range high", "float"),
        *C.coded("flag", "Range flag", "NRIND"),
        *C.coded("clinical_significance", "Clinical significance", "CLINSIG"),
        C.yes_no("not_done", "Not done", rule="Y when the test was not done, else blank (LBSTAT)"),
        Column("critical_assessment", "Critical value: investigator's assessment", "longtext"),
    )  # fmt: skip


def lab_panel(panel: str, number: str, sheet: str) -> Callable[[ListingSource], Listing]:
    """The listing function of one panel of the study definition."""

    def listing(src: ListingSource) -> Listing:
        tests = src.study.lab_tests_of(panel)
        codelists = sorted({t.codelist for t in tests if t.codelist})
        columns = _lab_columns(", ".join(codelists) or None)
        frame = lab_frame(src, (panel,))
        title = _panel_title(src, panel)
        head = (number, sheet, title, "LB")
        return make_listing(src, head, columns, frame)

    listing.__doc__ = f"Lab panel {panel}: results by subject, visit, date and test."
    return listing


def _panel_title(src: ListingSource, panel: str) -> str:
    for form in src.study.forms:
        if form.kind == "labs" and form.panel == panel:
            return f"Laboratory: {form.name}"
    return f"Laboratory: {panel}"


def lab_frame(src: ListingSource, panels: tuple[str, ...], tests: tuple[str, ...] = ()) -> Any:
    """Lab rows of the panels (or tests), cut, decoded, converted and sorted."""
    lb = LabResult.__table__  # type: ignore[attr-defined]
    query = select(lb)
    if panels:
        query = query.where(lb.c.panel.in_(panels))
    if tests:
        query = query.where(lb.c.test_code.in_(tests))
    frame = F.with_subject(src.read(src.only_scope(query, lb.c.subject_id)), src)
    frame = F.with_visit(frame, src, ["visit_date"])
    frame["collected"] = frame["collected_on"].where(
        frame["collected_on"].notna(), frame["visit_date"]
    )
    frame = F.cut_rows(frame, src, "collected")
    frame["collected_day"] = F.study_day(frame, "collected")
    defs = {t.code: t for t in src.study.lab_tests}
    frame["test"] = F.lookup(frame["test_code"], {c: t.name for c, t in defs.items()})
    frame["test_order"] = frame["test_code"].map({c: i for i, c in enumerate(defs)})
    frame["value_label"] = _decoded_values(frame, src)
    frame["std_value"], frame["std_unit"], factor = _standard(frame)
    frame["std_text"] = _standard_text(frame, factor, _standard_lloq(defs.values()))
    frame["flag_label"] = F.decode(frame, src, "flag", "NRIND")
    frame["clinical_significance_label"] = F.decode(frame, src, "clinical_significance", "CLINSIG")
    frame["not_done"] = F.flag_y(frame["not_done"])
    frame["sort_date"] = frame["collected"].map(lambda d: None if F.missing(d) else d.isoformat())
    return F.ordered(frame, [*C.VISIT_SORT, "sort_date", "test_order", "test_code", "id"])


def _decoded_values(frame: pd.DataFrame, src: ListingSource) -> list[str | None]:
    codelists = {t.code: t.codelist for t in src.study.lab_tests if t.codelist}
    pairs = set(zip(frame["test_code"], frame["value"], strict=True))
    labels = {
        (test, value): src.study.decode(codelists[test], str(value))
        for test, value in pairs
        if test in codelists and not F.missing(value)
    }
    return [labels.get(p) for p in zip(frame["test_code"], frame["value"], strict=True)]


def _standard(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Standard value, unit and factor per row, from one exact factor per (test, unit) pair."""
    factors = {
        pair: _factor(*pair) for pair in set(zip(frame["test_code"], frame["unit"], strict=True))
    }
    keyed = list(zip(frame["test_code"], frame["unit"], strict=True))
    factor = pd.Series([factors[k][0] for k in keyed], index=frame.index, dtype=float)
    unit = pd.Series([factors[k][1] for k in keyed], index=frame.index, dtype=object)
    unit = unit.where(frame["value"].notna(), None)
    return frame["value_num"].astype(float) * factor, unit, factor


def _standard_text(frame: pd.DataFrame, factor: pd.Series, lloq: dict[str, float]) -> list:
    """LBSTRESC: the standard number as text, a converted bound, <LLOQ or BLQ, or the code."""
    out: list[str | None] = []
    rows = zip(frame["test_code"], frame["value"], frame["value_num"], factor, strict=True)
    for test, value, number, scale in rows:
        if F.missing(value):
            out.append(None)
        elif not F.missing(number):
            out.append(f"{float(number) * _known(scale):g}")
        else:
            out.append(_bound_text(str(value), _known(scale), lloq.get(test)))
    return out


def _standard_lloq(tests: Iterable[LabTestDef]) -> dict[str, float]:
    """Each assay's lower limit of quantification (given in the test's default unit) in the
    standard unit, for tests that give one."""
    out = {}
    for test in tests:
        scale = _factor(test.code, test.unit)[0]
        if test.lloq is not None and scale is not None:
            out[test.code] = test.lloq * scale
    return out


def _known(scale: Any) -> float:
    return 1.0 if F.missing(scale) else float(scale)


def _bound_text(value: str, scale: float, lloq: float | None) -> str:
    """A qualified result in the standard unit (the LLOQ already is); a coded result as is."""
    try:
        parsed = parse_result(value)
    except ScoringInputError:
        return value
    if parsed.qualifier == "BLQ":
        return "BLQ" if lloq is None else f"<{lloq * scale:g}"
    return f"{parsed.qualifier}{(parsed.number or 0.0) * scale:g}"


def _factor(test: str, unit: Any) -> tuple[float | None, str | None]:
    if F.missing(unit):
        return None, None
    try:
        if test == "UPCR":
            return convert_upcr(1.0, unit, "g/g"), "g/g"
        if test in ANALYTES:
            target = standard_unit(ANALYTES[test])
            return convert(ANALYTES[test], 1.0, unit, target), target
    except ValueError:
        return None, None
    return 1.0, unit


EGFR_RULE = (
    "scoring.renal.egfr_ckd_epi_2021: CKD-EPI 2021 race-free creatinine equation, full precision "
    "(spec/scoring.md §7.1)"
)
EGFR_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    Column("collected", "Collection date", "date", rule=COLLECTED_RULE),
    C.day("collected_day", "Collection date"),
    *C.coded("sex", "Sex", "SEX"),
    Column("age", "Age at collection (years)", "int", origin="derived",
           rule="Completed years from birth date (birth year only: year difference)"),
    Column("value_num", "Creatinine", "float"),
    Column("unit", "Creatinine unit", "code"),
    Column("egfr", "eGFR (mL/min/1.73 m2)", "float", origin="derived", rule=EGFR_RULE),
    Column("egfr_note", "eGFR note", "longtext", origin="derived",
           rule="Why no eGFR was derived"),
)  # fmt: skip


def egfr_listing(number: str) -> Callable[[ListingSource], Listing]:
    """The eGFR listing under the number the catalogue gives it."""

    def listing(src: ListingSource) -> Listing:
        head = (number, f"L{number} eGFR", "Estimated glomerular filtration rate", "LB")
        return make_listing(src, head, EGFR_COLUMNS, egfr_frame(src))

    listing.__doc__ = "eGFR (CKD-EPI 2021) from every serum creatinine result."
    return listing


def egfr_frame(src: ListingSource) -> pd.DataFrame:
    """Creatinine rows with age and sex at collection and the derived eGFR."""
    frame = lab_frame(src, (), ("CREAT",))
    people = src.subjects[["subject_id", "sex", "birth_date", "birth_year"]]
    frame = frame.merge(people, on="subject_id", how="left")
    frame["age"] = [
        None if F.missing(day) else age_at(birth, year, day)
        for birth, year, day in zip(
            frame["birth_date"], frame["birth_year"], frame["collected"], strict=True
        )
    ]
    frame["sex_label"] = F.decode(frame, src, "sex", "SEX")
    derived = [
        _egfr(*row)
        for row in zip(frame["value_num"], frame["unit"], frame["age"], frame["sex"], strict=True)
    ]
    frame["egfr"] = [d[0] for d in derived]
    frame["egfr_note"] = [d[1] for d in derived]
    return frame


def _egfr(value: Any, unit: Any, age: Any, sex: Any) -> tuple[float | None, str | None]:
    if F.missing(value) or F.missing(unit) or F.missing(age):
        return None, "creatinine, unit or age missing"
    try:
        return egfr_ckd_epi_2021(float(value), str(unit), float(age), str(sex)), None
    except ValueError as err:
        return None, f"not derived: {err}"
