"""The validation pack: the catalogue is complete, every requirement is tested or justified, and
the report (HTML and PDF) shows every requirement one way or the other (REQ-VAL-01)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from validation.catalogue import (
    SPEC_IDS,
    Requirement,
    catalogue_problems,
    link_problems,
    load,
    source_links,
)
from validation.report import Evidence, render_html, render_pdf

pytestmark = pytest.mark.req("REQ-VAL-01")
REPO = Path(__file__).resolve().parents[2]


def test_the_catalogue_holds_every_spec_id_scoring_and_study_rules():
    reqs = load()
    assert catalogue_problems(reqs) == []
    ids = [r.id for r in reqs]
    assert set(SPEC_IDS) <= set(ids)
    assert any(i.startswith("SCO-") for i in ids) and any(i.startswith("STU-") for i in ids)


def test_every_implemented_requirement_has_a_test_and_every_marker_is_known():
    assert link_problems(load(), set(source_links())) == []


def test_gaps_are_refused_unless_justified():
    gap = Requirement("REQ-X-01", "here", "something")
    unjustified = Requirement("REQ-X-02", "here", "else", status="not implemented")
    assert link_problems((gap,), set()) == [
        "REQ-X-01: no test carries this requirement (mark one, or mark it not implemented)"
    ]
    assert "REQ-X-02: not implemented without a justification" in catalogue_problems((unjustified,))
    assert link_problems((gap,), {"REQ-X-01", "REQ-X-99"}) == [
        "REQ-X-99: used in a req marker but not in the catalogue"
    ]


def _evidence(outcome: str) -> Evidence:
    reqs = (
        Requirement("REQ-A-01", "spec", "tested"),
        Requirement("REQ-A-02", "spec", "untested"),
        Requirement("REQ-A-03", "spec", "later", status="not implemented", justification="why"),
    )
    tests = {"tests/t.py::test_a[1]": {"reqs": ["REQ-A-01"], "outcome": outcome, "seconds": 0}}
    return Evidence("now", reqs, tests, [("Python", "3")], [("pkg", "1.0", "ab" * 32)])


def test_verdicts_and_acceptance():
    ev = _evidence("passed")
    assert [ev.verdict(r) for r in ev.reqs] == ["PASS", "NO TEST", "NOT IMPLEMENTED"]
    assert not ev.ok
    failing = _evidence("failed")
    assert failing.verdict(failing.reqs[0]) == "FAIL"
    complete = Evidence("now", (ev.reqs[0], ev.reqs[2]), ev.tests, [], [])
    assert complete.ok


def test_the_report_has_its_sections_in_html_and_pdf():
    ev = _evidence("passed")
    page = render_html(ev)
    for expected in (
        "1. Installation qualification",
        "2. Operational qualification",
        "3. Traceability matrix",
        "4. Requirements without a test",
        "5. Requirements not implemented",
        "REQ-A-01",
        "REQ-A-02",
        "why",
    ):
        assert expected in page
    assert render_pdf(ev).startswith(b"%PDF")


def test_make_validate_writes_the_report_naming_every_spec_id(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "validation.report", "--collect-only", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "validation-report.html").read_text(encoding="utf-8")
    assert all(req_id in page for req_id in SPEC_IDS)
    assert "Study definition" in page and "SHA-256 of its RECORD" in page
    assert (tmp_path / "validation-report.pdf").read_bytes().startswith(b"%PDF")
