"""Load and validate a study-definition TOML file; every error names the file, key and problem."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from study.checks import check_consistency
from study.reader import Reader, StudyDefinitionError
from study.schema import (
    CriterionCheck,
    CriterionDef,
    FormDef,
    FormItemDef,
    LabPanelDef,
    LabTestDef,
    ProductInfo,
    ProtocolSettings,
    SignatureMeaning,
    SignaturePolicy,
    SiteInfo,
    StudyDefinition,
    StudyInfo,
    VisitDef,
    VitalTestDef,
)
from study.wording import read_wording

DEFAULT_DEFINITION = Path(__file__).resolve().parent / "nct06737380.toml"
VISIT_KINDS = ("screening", "scheduled", "early_termination", "unscheduled")
FORM_KINDS = ("instrument", "items", "labs", "vitals", "dose", "eligibility", "log")
ITEM_TYPES = ("number", "choice", "text")


def load_study(path: str | Path = DEFAULT_DEFINITION) -> StudyDefinition:
    """Read, parse and validate a study definition; raises StudyDefinitionError."""
    source = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise StudyDefinitionError(source, "(file)", "file not found") from err
    except tomllib.TOMLDecodeError as err:
        raise StudyDefinitionError(source, "(syntax)", str(err)) from err
    root = Reader(source, data, "")
    # `[[sites]]` lists every site; a single `[site]` table (definitions before 1.2.0) is one.
    sites = tuple(_site(r) for r in root.tables("sites", []))
    if not sites:
        sites = (_site(root.table("site")),)
    definition = StudyDefinition(
        source=source,
        study=_study(root.table("study")),
        site=sites[0],
        sites=sites,
        product=_product(root.table("product")),
        protocol=_protocol(root.table("protocol"), root.table("response_rules")),
        visits=tuple(_visit(r) for r in root.tables("visits")),
        forms=tuple(_form(r) for r in root.tables("forms")),
        lab_panels=tuple(_panel(r) for r in root.table("labs").tables("panels")),
        lab_tests=tuple(_lab_test(r) for r in root.table("labs").tables("tests")),
        vital_tests=tuple(_vital(r) for r in root.table("vitals").tables("tests")),
        vital_timepoints=_timepoints(root.table("vitals")),
        eligibility=tuple(_criterion(r) for r in root.tables("eligibility")),
        codelists=_codelists(root.table("codelists")),
        signatures=_signatures(root),
        edit_checks=_edit_checks(root),
        sdv_adverse_events=_sdv_adverse_events(root),
        wording=tuple(read_wording(r, Path(path)) for r in root.tables("wording", [])),
    )
    check_consistency(definition, root.fail)
    return definition


def _study(r: Reader) -> StudyInfo:
    start = r.get("start_date", (str, date), None)
    return StudyInfo(
        id=r.get("id", str),
        protocol=r.get("protocol", str),
        definition_version=r.get("definition_version", str),
        title=r.get("title", str),
        official_title=r.get("official_title", str, ""),
        sponsor=r.get("sponsor", str),
        phase=r.get("phase", str),
        design=r.get("design", str, ""),
        planned_subjects=r.get("planned_subjects", int),
        age_min=r.get("age_min", int),
        age_max=r.get("age_max", int),
        start_date=date.fromisoformat(start) if isinstance(start, str) else start,
    )


def _site(r: Reader) -> SiteInfo:
    return SiteInfo(
        code=r.get("code", str),
        name=r.get("name", str),
        timezone=r.get("timezone", str, "UTC"),
        principal_investigator=r.get("principal_investigator", str, ""),
    )


def _product(r: Reader) -> ProductInfo:
    return ProductInfo(
        name=r.get("name", str),
        description=r.get("description", str, ""),
        route=r.get("route", str),
        dose_unit=r.get("dose_unit", str),
    )


def _protocol(p: Reader, rules: Reader) -> ProtocolSettings:
    return ProtocolSettings(
        sledai_variant=p.one_of("sledai_variant", ("SLEDAI-2K", "SELENA-SLEDAI")),
        sledai_window_days=p.get("sledai_window_days", int),
        baseline_visit=p.get("baseline_visit", str),
        primary_endpoint_visit=p.get("primary_endpoint_visit", str),
        lldas_prednisone_max_mg=float(p.get("lldas_prednisone_max_mg", (int, float))),
        doris_prednisone_max_mg=float(p.get("doris_prednisone_max_mg", (int, float))),
        screening_days_before=p.get("screening_days_before", int),
        rescue_therapy_rule=rules.get("rescue_therapy", bool, True),
        missing_visit_rule=rules.get("missing_visit", bool, True),
        withdrawal_rule=rules.get("withdrawal", bool, True),
        steroid_above_baseline_rule=rules.get("steroid_above_baseline", bool, True),
        steroid_ceiling_mg=rules.num("steroid_ceiling_mg"),
        steroid_ceiling_days=rules.get("steroid_ceiling_days", int, 1),
    )


def _visit(r: Reader) -> VisitDef:
    return VisitDef(
        code=r.get("code", str),
        name=r.get("name", str),
        kind=r.one_of("kind", VISIT_KINDS),
        forms=tuple(r.get("forms", list, [])),
        target_day=r.get("target_day", int, None),
        window=r.get("window", int, 0),
        day_from=r.get("day_from", int, None),
        day_to=r.get("day_to", int, None),
        assumed=r.get("assumed", bool, False),
    )


def _edit_checks(root: Reader) -> tuple[str, ...]:
    """[review] edit_checks: codes of the automatic queries the study runs (#12)."""
    if "review" not in root.data:
        return ()
    codes = root.table("review").get("edit_checks", list, [])
    if not all(isinstance(c, str) for c in codes):
        raise root.fail("review.edit_checks", "expected a list of check codes")
    return tuple(codes)


def _sdv_adverse_events(root: Reader) -> bool:
    """[review] sdv_adverse_events: every adverse event needs source data verification."""
    if "review" not in root.data:
        return False
    return bool(root.table("review").get("sdv_adverse_events", bool, False))


def _form(r: Reader) -> FormDef:
    return FormDef(
        code=r.get("code", str),
        name=r.get("name", str),
        kind=r.one_of("kind", FORM_KINDS),
        domain=r.get("domain", str),
        instrument=r.get("instrument", str, None),
        panel=r.get("panel", str, None),
        items=tuple(_form_item(i) for i in r.tables("items", [])),
        sdv=r.get("sdv", bool, False),
    )


def _form_item(r: Reader) -> FormItemDef:
    return FormItemDef(
        code=r.get("code", str),
        label=r.get("label", str),
        type=r.one_of("type", ITEM_TYPES),
        unit=r.get("unit", str, None),
        codelist=r.get("codelist", str, None),
        min=r.num("min"),
        max=r.num("max"),
        note=r.get("note", bool, False),
    )


def _panel(r: Reader) -> LabPanelDef:
    return LabPanelDef(
        code=r.get("code", str),
        name=r.get("name", str),
        category=r.get("category", str),
        free_list=r.get("free_list", bool, False),
    )


def _lab_test(r: Reader) -> LabTestDef:
    return LabTestDef(
        code=r.get("code", str),
        name=r.get("name", str),
        panel=r.get("panel", str),
        type=r.one_of("type", ("number", "choice"), "number"),
        unit=r.get("unit", str, None),
        low=r.num("low"),
        high=r.num("high"),
        min=r.num("min"),
        max=r.num("max"),
        codelist=r.get("codelist", str, None),
        units=tuple(r.get("units", list, [])),
        analyte=r.get("analyte", str, None),
        lloq=r.num("lloq"),
        critical_low=r.num("critical_low"),
        critical_high=r.num("critical_high"),
    )


def _vital(r: Reader) -> VitalTestDef:
    return VitalTestDef(
        code=r.get("code", str),
        name=r.get("name", str),
        unit=r.get("unit", str),
        min=float(r.get("min", (int, float))),
        max=float(r.get("max", (int, float))),
        visits=tuple(r.get("visits", list, [])),
    )


def _timepoints(r: Reader) -> dict[str, tuple[str, ...]]:
    raw = r.get("timepoints", dict, {})
    return {visit: tuple(points) for visit, points in raw.items()}


def _criterion(r: Reader) -> CriterionDef:
    check = None
    if r.data.get("check") is not None:
        c = r.table("check")
        check = CriterionCheck(c.get("measure", str), c.num("min"), c.num("max"))
    return CriterionDef(
        code=r.get("code", str),
        kind=r.one_of("kind", ("inclusion", "exclusion")),
        text=r.get("text", str),
        check=check,
    )


def _codelists(r: Reader) -> dict[str, tuple[tuple[str, str], ...]]:
    out: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, entries in r.data.items():
        pairs = []
        for i, entry in enumerate(entries if isinstance(entries, list) else [None]):
            if not (
                isinstance(entry, list)
                and len(entry) == 2
                and all(isinstance(x, str) for x in entry)
            ):
                raise r.fail(f"{name}[{i}]", "expected a [code, label] pair of strings")
            pairs.append((entry[0], entry[1]))
        out[name] = tuple(pairs)
    return out


def _signatures(root: Reader) -> SignaturePolicy:
    """The optional [signatures] table: meanings and whether open queries block signing."""
    if "signatures" not in root.data:
        return SignaturePolicy()
    r = root.table("signatures")
    meanings = tuple(
        SignatureMeaning(
            code=m.get("code", str),
            text=m.get("text", str),
            scopes=tuple(m.get("scopes", list, ["visit", "casebook"])),
        )
        for m in r.tables("meanings", [])
    )
    kinds = r.get("required_form_kinds", list, list(SignaturePolicy().required_form_kinds))
    return SignaturePolicy(
        meanings=meanings or SignaturePolicy().meanings,
        block_on_open_queries=r.get("block_on_open_queries", bool, False),
        required_form_kinds=tuple(kinds),
    )
