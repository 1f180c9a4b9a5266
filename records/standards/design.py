"""Trial design datasets from the study definition: TS, TA, TE, TV, TI (records §4.1)."""

from __future__ import annotations

from records.standards.model import Dataset, Variable, build
from records.standards.source import SdtmSource
from records.standards.special import ELEMENTS
from records.standards.terms import ascii_text, short_label

_STUDY = Variable("STUDYID", "Study Identifier", core="Req", origin="Protocol")


def _domain(name: str) -> Variable:
    del name
    return Variable("DOMAIN", "Domain Abbreviation", core="Req", origin="Assigned")


_TS = (
    _STUDY, _domain("TS"),
    Variable("TSSEQ", "Sequence Number", "integer", core="Req", origin="Assigned"),
    Variable("TSPARMCD", "Trial Summary Parameter Short Name", core="Req", origin="Protocol",
             codelist="TSPARMCD"),
    Variable("TSPARM", "Trial Summary Parameter", core="Req", origin="Protocol"),
    Variable("TSVAL", "Parameter Value", core="Exp", origin="Protocol"),
)  # fmt: skip


def ts(sdtm: SdtmSource) -> Dataset:
    """Trial summary parameters from the study definition."""
    s = sdtm.study.study
    params = [
        ("TITLE", "Trial Title", s.official_title), ("TPHASE", "Trial Phase Classification",
                                                     f"PHASE {s.phase} TRIAL".upper()),
        ("INDIC", "Trial Disease/Condition Indication", "Systemic Lupus Erythematosus"),
        ("TRT", "Investigational Therapy or Treatment", sdtm.study.product.name),
        ("TTYPE", "Trial Type", "SAFETY"), ("TBLIND", "Trial Blinding Schema", "OPEN LABEL"),
        ("TCNTRL", "Control Type", "NONE"), ("RANDOM", "Trial is Randomized", "N"),
        ("PLANSUB", "Planned Number of Subjects", str(s.planned_subjects)),
        ("AGEMIN", "Planned Minimum Age of Subjects", f"P{s.age_min}Y"),
        ("AGEMAX", "Planned Maximum Age of Subjects", f"P{s.age_max}Y"),
        ("SEXPOP", "Sex of Participants", "BOTH"), ("REGID", "Registry Identifier", s.id),
        ("SSTDTC", "Study Start Date", s.start_date.isoformat() if s.start_date else None),
        ("SDTIGVER", "SDTM IG Version", "3.4"), ("SPONSOR", "Clinical Study Sponsor", s.sponsor),
        ("ROUTE", "Route of Administration", sdtm.study.product.route),
    ]  # fmt: skip
    rows = [{"STUDYID": sdtm.studyid, "DOMAIN": "TS", "TSSEQ": 1, "TSPARMCD": code,
             "TSPARM": label, "TSVAL": ascii_text(value)[:200] if value else None}
            for code, label, value in params]  # fmt: skip
    head = ("TS", "Trial Summary", "TRIAL DESIGN", "One record per trial summary parameter value")
    return build(head, ("STUDYID", "TSPARMCD", "TSSEQ"), _TS, rows)


_TE = (
    _STUDY, _domain("TE"),
    Variable("ETCD", "Element Code", core="Req", origin="Protocol", codelist="ETCD"),
    Variable("ELEMENT", "Description of Element", core="Req", origin="Protocol"),
    Variable("TESTRL", "Rule for Start of Element", core="Req", origin="Protocol"),
    Variable("TEENRL", "Rule for End of Element", core="Perm", origin="Protocol"),
    Variable("TEDUR", "Planned Duration of Element", core="Perm", origin="Protocol"),
)  # fmt: skip
_RULES = {
    "SCRN": ("Informed consent", "Start of the UC-MSC administration", "P28D"),
    "UCMSC": ("Start of the UC-MSC administration", "End of day 1", "P1D"),
    "FU": ("Day 2", "Day 168 visit or early termination", "P167D"),
}


def te(sdtm: SdtmSource) -> Dataset:
    """Trial elements: screening, the single dose, follow-up."""
    rows = [
        {
            "STUDYID": sdtm.studyid,
            "DOMAIN": "TE",
            "ETCD": code,
            "ELEMENT": ELEMENTS[code],
            "TESTRL": r[0],
            "TEENRL": r[1],
            "TEDUR": r[2],
        }
        for code, r in _RULES.items()
    ]
    head = ("TE", "Trial Elements", "TRIAL DESIGN", "One record per planned Element")
    return build(head, ("STUDYID", "ETCD"), _TE, rows)


_TA = (
    _STUDY, _domain("TA"),
    Variable("ARMCD", "Planned Arm Code", core="Req", origin="Protocol", codelist="ARMCD"),
    Variable("ARM", "Description of Planned Arm", core="Req", origin="Protocol"),
    Variable("TAETORD", "Planned Order of Element within Arm", "integer", core="Req",
             origin="Protocol"),
    Variable("ETCD", "Element Code", core="Req", origin="Protocol", codelist="ETCD"),
    Variable("ELEMENT", "Description of Element", core="Perm", origin="Protocol"),
    Variable("EPOCH", "Epoch", core="Req", origin="Protocol", codelist="EPOCH"),
)  # fmt: skip


def ta(sdtm: SdtmSource) -> Dataset:
    """The single arm: screening, UC-MSC on day 1, follow-up to day 168."""
    epochs = {"SCRN": "SCREENING", "UCMSC": "TREATMENT", "FU": "FOLLOW-UP"}
    rows = [{"STUDYID": sdtm.studyid, "DOMAIN": "TA", "ARMCD": "UCMSC",
             "ARM": "UC-MSC single dose", "TAETORD": i, "ETCD": code, "ELEMENT": ELEMENTS[code],
             "EPOCH": epochs[code]} for i, code in enumerate(epochs, start=1)]  # fmt: skip
    head = ("TA", "Trial Arms", "TRIAL DESIGN", "One record per planned Element per Arm")
    return build(head, ("STUDYID", "ARMCD", "TAETORD"), _TA, rows)


_TV = (
    _STUDY, _domain("TV"),
    Variable("VISITNUM", "Visit Number", "float", core="Req", origin="Protocol"),
    Variable("VISIT", "Visit Name", core="Perm", origin="Protocol"),
    Variable("VISITDY", "Planned Study Day of Visit", "integer", core="Perm", origin="Protocol"),
    Variable("ARMCD", "Planned Arm Code", core="Exp", origin="Protocol", codelist="ARMCD"),
    Variable("TVSTRL", "Visit Start Rule", core="Req", origin="Protocol"),
    Variable("TVENRL", "Visit End Rule", core="Perm", origin="Protocol"),
)  # fmt: skip


def tv(sdtm: SdtmSource) -> Dataset:
    """Planned visits with their target days and windows (unplanned visits are not listed)."""
    rows = []
    for v in sdtm.study.visits:
        if v.kind == "unscheduled":
            continue
        start = (
            f"Study day {v.target_day} (window +/-{v.window} days)"
            if v.target_day
            else f"Days {v.day_from} to {v.day_to}"
            if v.day_from
            else "At early termination"
        )
        rows.append({"STUDYID": sdtm.studyid, "DOMAIN": "TV", "VISITNUM": sdtm.visitnum(v.code),
                     "VISIT": sdtm.visit_name(v.code), "VISITDY": v.target_day,
                     "ARMCD": "UCMSC", "TVSTRL": start, "TVENRL": None})  # fmt: skip
    head = ("TV", "Trial Visits", "TRIAL DESIGN", "One record per planned Visit per Arm")
    return build(head, ("STUDYID", "ARMCD", "VISITNUM"), _TV, rows)


_TI = (
    _STUDY, _domain("TI"),
    Variable("IETESTCD", "Incl/Excl Criterion Short Name", core="Req", origin="Protocol"),
    Variable("IETEST", "Inclusion/Exclusion Criterion", core="Req", origin="Protocol"),
    Variable("IECAT", "Inclusion/Exclusion Category", core="Req", origin="Protocol"),
    Variable("TIVERS", "Protocol Criteria Versions", core="Perm", origin="Protocol"),
)  # fmt: skip


def ti(sdtm: SdtmSource) -> Dataset:
    """Inclusion/exclusion criteria (IETEST ≤ 40 characters; the full text is in the protocol)."""
    rows = [
        {
            "STUDYID": sdtm.studyid,
            "DOMAIN": "TI",
            "IETESTCD": c.code,
            "IETEST": short_label(c.text),
            "IECAT": c.kind.upper(),
            "TIVERS": sdtm.study.study.definition_version,
        }
        for c in sdtm.study.eligibility
    ]
    head = ("TI", "Trial Inclusion/Exclusion Criteria", "TRIAL DESIGN",
            "One record per I/E criterion")  # fmt: skip
    return build(head, ("STUDYID", "IETESTCD"), _TI, rows)
