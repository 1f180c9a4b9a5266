"""Cross-reference checks of a parsed study definition (unique codes, known references)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from study.schema import LabTestDef, StudyDefinition

Fail = Callable[[str, str], Exception]


def _unique(codes: Iterable[str], key: str, fail: Fail) -> None:
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise fail(key, f"duplicate codes: {', '.join(sorted(dupes))}")


def check_consistency(d: StudyDefinition, fail: Fail) -> None:
    """Raise (through `fail`) on the first inconsistency, naming the key."""
    _unique((v.code for v in d.visits), "visits", fail)
    _unique((s.code for s in d.sites), "sites", fail)
    _check_sites(d, fail)
    _unique((f.code for f in d.forms), "forms", fail)
    _unique((t.code for t in d.lab_tests), "labs.tests", fail)
    _unique((c.code for c in d.eligibility), "eligibility", fail)
    form_codes = {f.code for f in d.forms}
    panels = {p.code for p in d.lab_panels}
    _check_visits(d, form_codes, fail)
    for i, f in enumerate(d.forms):
        if f.kind == "instrument" and not f.instrument:
            raise fail(f"forms[{i}].instrument", f"form {f.code} of kind instrument needs one")
        if f.kind == "labs" and f.panel not in panels:
            raise fail(f"forms[{i}].panel", f"unknown panel {f.panel!r}; known: {sorted(panels)}")
        for j, item in enumerate(f.items):
            if item.codelist and item.codelist not in d.codelists:
                raise fail(f"forms[{i}].items[{j}].codelist", f"unknown codelist {item.codelist!r}")
    for i in range(len(d.lab_tests)):
        _check_lab_test(d, i, panels, fail)
    visit_codes = {v.code for v in d.visits}
    for code in d.protocol.baseline_visit, d.protocol.primary_endpoint_visit:
        if code not in visit_codes:
            raise fail("protocol", f"visit {code!r} is not defined in visits")
    if not any(c.kind == "inclusion" for c in d.eligibility):
        raise fail("eligibility", "at least one inclusion criterion is required")
    _check_response_rules(d, fail)
    _check_criteria(d, fail)
    _check_wording(d, fail)


def _check_wording(d: StudyDefinition, fail: Fail) -> None:
    """One wording file per instrument, and only for an instrument the study collects."""
    _unique((w.instrument for w in d.wording), "wording", fail)
    collected = {f.instrument for f in d.forms if f.instrument}
    for i, w in enumerate(d.wording):
        if w.instrument not in collected:
            raise fail(f"wording[{i}].instrument", f"no form of the study collects {w.instrument}")


def _check_criteria(d: StudyDefinition, fail: Fail) -> None:
    """A criterion check names a measure the system holds and at least one limit."""
    measures = {"age", "egfr", *(t.code for t in d.lab_tests)}
    for i, c in enumerate(d.eligibility):
        if c.check is None:
            continue
        if c.check.measure not in measures:
            raise fail(f"eligibility[{i}].check.measure", f"unknown measure {c.check.measure!r}")
        if c.check.minimum is None and c.check.maximum is None:
            raise fail(f"eligibility[{i}].check", "needs min, max or both")


def _check_response_rules(d: StudyDefinition, fail: Fail) -> None:
    """The optional steroid ceiling (spec/scoring.md §3.3 (c)) must be usable when set."""
    p = d.protocol
    if p.steroid_ceiling_mg is not None and p.steroid_ceiling_mg <= 0:
        raise fail("response_rules.steroid_ceiling_mg", "must be above 0 mg/day (or left unset)")
    if not 1 <= p.steroid_ceiling_days <= 28:
        raise fail("response_rules.steroid_ceiling_days", "must be 1–28 days (the look-back)")
    if p.steroid_ceiling_days != 1 and p.steroid_ceiling_mg is None:
        raise fail("response_rules.steroid_ceiling_days", "needs steroid_ceiling_mg")


def _check_visits(d: StudyDefinition, form_codes: set[str], fail: Fail) -> None:
    last_day: int | None = None
    for i, v in enumerate(d.visits):
        unknown = [f for f in v.forms if f not in form_codes]
        if unknown:
            raise fail(
                f"visits[{i}].forms", f"unknown forms {unknown}; known: {sorted(form_codes)}"
            )
        if v.kind == "scheduled":
            if v.target_day is None:
                raise fail(
                    f"visits[{i}].target_day", f"scheduled visit {v.code} needs a target day"
                )
            if v.target_day == 0:
                raise fail(f"visits[{i}].target_day", "there is no study day 0 (CDISC)")
            if last_day is not None and v.target_day <= last_day:
                raise fail(f"visits[{i}].target_day", "scheduled visits must be in day order")
            if v.window < 0:
                raise fail(f"visits[{i}].window", "window must be zero or positive")
            last_day = v.target_day


def _check_lab_test(d: StudyDefinition, i: int, panels: set[str], fail: Fail) -> None:
    t = d.lab_tests[i]
    key = f"labs.tests[{i}]"
    if t.panel not in panels:
        raise fail(f"{key}.panel", f"unknown panel {t.panel!r}; known: {sorted(panels)}")
    if t.type == "choice" and t.codelist not in d.codelists:
        raise fail(f"{key}.codelist", f"choice test {t.code} needs a known codelist")
    if t.low is not None and t.high is not None and t.low > t.high:
        raise fail(f"{key}.low", f"reference low {t.low} is above high {t.high}")
    if t.min is not None and t.max is not None and t.min >= t.max:
        raise fail(f"{key}.min", f"physiological min {t.min} is not below max {t.max}")
    _check_lab_units(t, key, fail)
    low, high = t.critical_low, t.critical_high
    if low is not None and high is not None and low >= high:
        raise fail(f"{key}.critical_low", f"critical low {low} is not below critical high {high}")


def _check_lab_units(t: LabTestDef, key: str, fail: Fail) -> None:
    """Further units need a default unit and an analyte to convert through; that the
    conversion exists is checked where the conversions live (`records.lab_units`)."""
    if any(not isinstance(u, str) or not u.strip() for u in t.units):
        raise fail(f"{key}.units", "units are non-empty texts")
    if t.units and (t.unit is None or t.analyte is None):
        raise fail(f"{key}.units", "further units need a default unit and an analyte to "
                   "convert through")  # fmt: skip


SITE_CODE = re.compile(r"^[0-9A-Z]{2,6}$")


def _check_sites(d: StudyDefinition, fail: Fail) -> None:
    """Site codes prefix the screening numbers; all sites keep the study's one clock.

    Dates and times are shown and derived in the lead site's time zone throughout (visit
    windows, dose times, dashboards), so a site in another zone would be shown wrong times:
    such a definition is refused until clocks per site exist.
    """
    for i, site in enumerate(d.sites):
        if not SITE_CODE.match(site.code):
            raise fail(f"sites[{i}].code", "2 to 6 capital letters or digits (it prefixes "
                       "the screening numbers)")  # fmt: skip
        if site.timezone != d.site.timezone:
            raise fail(
                f"sites[{i}].timezone",
                f"{site.timezone} differs from the lead site's {d.site.timezone}: all sites "
                "of a study share its clock",
            )
