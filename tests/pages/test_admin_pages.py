"""The administrator opens every clinical page it may see without an error (issue #13): the
pages link only to pages in the role's navigation."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages import capture_support as fixtures
from tests.pages.capture_support import ENTRY, PAGES, screen

wb = fixtures.wb  # the shared database fixture
ADMIN = {
    "id": 1,
    "username": "admin",
    "full_name": "Ada Admin",
    "role": "admin",
}  # the seeded account


def _open(page: str, **state) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=30)
    at.session_state["user"] = ADMIN
    for name, value in state.items():
        at.session_state[name] = value
    at.run()
    at.switch_page(str(PAGES / page)).run()
    return at


@pytest.mark.req("REQ-SEC-01")
def test_the_admin_subject_page_shows_no_links_it_cannot_follow(wb):
    subject = screen(wb)
    at = _open("subject.py", subject_id=subject.id)
    assert not at.exception, at.exception
    assert at.title[0].value.startswith("Subject ")
    labels = {link.label for link in at.get("page_link")}
    assert not labels & {"Adverse events", "Medications and steroids", "Medical and SLE history"}


@pytest.mark.req("REQ-SEC-01")
def test_the_admin_visit_page_opens(wb):
    subject = screen(wb)
    at = _open("visit.py", subject_id=subject.id, visit_id=subject.visits["SCR"])
    assert not at.exception, at.exception


@pytest.mark.req("REQ-VAL-02")
def test_the_audit_page_shows_the_anchor_to_file_elsewhere(wb, tmp_path):
    from records.integrity import ANCHOR_LABEL, read_anchor

    screen(wb)
    at = _open("audit.py")
    assert not at.exception, at.exception
    line = next(c.value for c in at.code if c.value.startswith(ANCHOR_LABEL))
    note = tmp_path / "anchor-note.txt"
    note.write_text(line)
    assert read_anchor(note).rows > 0
