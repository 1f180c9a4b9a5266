"""The subject casebook (REQ-EXP-01, REQ-SIG-01): its content against the listings and the audit
trail it was read with, the PDF's text as printed, and the export's audit row.

One `manage.py demo` study (`cli_demo`: four subjects with signatures, queries, SDV and a
correction) is shared by the module; the test that corrects a value runs last.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from exports.casebook import build_casebook
from models import Actor, AuditEvent, Subject
from models.audit_chain import chain_head
from models.db import read_session
from records.casebook import SKIPPED, as_text, block, read_casebook
from records.context import Workbench
from records.errors import PermissionDenied
from records.integrity import anchor_line, read_anchor
from records.listings.model import Column, Listing, Scope
from records.listings.safety import _BODY
from records.listings.snapshot import read_snapshot
from records.signatures import signatures_of
from records.vitals import load_vitals, save_vitals
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.req("REQ-EXP-01")

MONITOR = Actor(user_id=None, username="mon", full_name="Mo Monitor", role="monitor", origin="cli")
PI = Actor(user_id=None, username="pi", full_name="Ivy Investigator", role="investigator",
           origin="cli")  # fmt: skip
SITE = Actor(user_id=None, username="cc", full_name="Casey Coord", role="coordinator",
             origin="cli")  # fmt: skip


def _signed_subject(wb: Workbench) -> int:
    """A subject with signatures (the demo signs two subjects' visits and casebooks)."""
    return min(s.subject_id for s in signatures_of(wb))


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    """PDF text with wrapping undone: long values wrap inside their cell."""
    return re.sub(r"\s+", "", text)


def _printed_by_listing(book) -> dict[str, set[str]]:
    """Every printed cell and caption value, by the listing number its block was drawn from."""
    printed: dict[str, set[str]] = {}
    for drawn in (b for s in book.sections for b in s.blocks):
        values = printed.setdefault(drawn.title.split()[0], set())
        values |= {value for row in drawn.rows for value in row}
        values |= {c.split(": ", 1)[1] for c in drawn.caption.split("; ") if ": " in c}
    return printed


def test_every_listing_value_of_the_subject_is_in_the_casebook(cli_demo):
    """Each value is printed in the block of its own listing (not merely somewhere), MedDRA
    codes included; only the visit identity (in the heading), study days (beside their
    date) and a study code beside its named twin are left out."""
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    printed = _printed_by_listing(read_casebook(wb, MONITOR, subject_id))
    snapshot = read_snapshot(wb.engine, wb.study, Scope((subject_id,)))
    skipped = SKIPPED  # AEs by SOC and activity by visit fold listings printed in full; aids
    assert {"16.2.6.1.1", "16.2.6.2.1"} <= {s.number for s in snapshot.sheets} - set(skipped)
    identity = ("subject", "visit_code", "visit_sequence", "visit_name")
    checked: dict[str, int] = {}
    for listing in snapshot.sheets:
        if listing.number in skipped:
            continue
        names = {c.name for c in listing.columns}
        for _, row in listing.frame.iterrows():
            for column in listing.columns:
                value = row[column.name]
                label = row.get(f"{column.name}_label")
                twin = column.kind == "code" and column.name.endswith("_code")
                if (column.name in identity or column.kind == "day"
                        or (twin and column.name[:-5] in names)
                        or as_text(value) == ""):  # fmt: skip
                    continue
                shown = as_text(label) if as_text(label) else as_text(value)
                assert any(p == shown or p.startswith(f"{shown} (day ")
                           for p in printed[listing.number]), (
                    listing.number, column.name, shown)  # fmt: skip
                checked[column.name] = checked.get(column.name, 0) + 1
    assert sum(checked.values()) > 3000  # forms, labs, responses, events, review: the record


def test_dictionary_codes_print_beside_their_terms_study_codes_do_not():
    """The demo codes no AE (MedDRA is licensed): the rule is checked on the AE columns."""
    ae = _BODY
    frame = pd.DataFrame([{c.name: None for c in ae} | {
        "sequence": 1, "term": "Headache", "pt": "Headache", "pt_code": "10019211",
        "soc": "Nervous system disorders", "soc_code": "10029205"}])  # fmt: skip
    listing = Listing("16.2.7.1", "AE", "Adverse events", "all", "AE", ae, frame)
    printed = block(listing, frame, listing.title, fold=False)
    assert {"PT code", "SOC code"} <= set(printed.headers)
    assert {"10019211", "10029205"} <= set(printed.rows[0])
    tests = (Column("test_code", "Test code", "code"), Column("test", "Test", "text"))
    lab = pd.DataFrame([{"test_code": "CREAT", "test": "Creatinine"}])
    assert block(Listing("16.2.8.2", "L", "Lab", "all", "LB", tests, lab), lab, "Lab").headers == (
        "Test",
    )


def test_visits_in_schedule_order_with_forms_units_and_derived_scores(cli_demo):
    wb, _ = cli_demo
    book = read_casebook(wb, MONITOR, _signed_subject(wb))
    headings = [s.heading for s in book.sections]
    assert headings[0] == "Subject" and headings[-1] == "Audit history"
    visits = [h.split()[1] for h in headings if h.startswith("Visit ")]
    order = [v.code for v in wb.study.visits]
    assert visits == sorted(visits, key=order.index) and {"SCR", "V1", "V11"} <= set(visits)
    v1 = next(s for s in book.sections if s.heading.startswith("Visit V1 "))
    sledai = next(b for b in v1.blocks if "SLEDAI-2K" in b.title)
    total = next(r for r in sledai.rows if "SLEDAI-2K total" in r)
    assert "Y" in total  # the derived row, with its derivation
    assert any("Arthritis +4" in v or "total" in v for v in total)
    labs = next(b for b in v1.blocks if "Haematology" in b.title)
    assert "Original unit" in labs.headers and "Standard unit" in labs.headers
    assert "Assessment date" in sledai.caption and "(day " in sledai.caption


@pytest.mark.req("REQ-SIG-01")
def test_signatures_show_their_manifestation_on_every_row(cli_demo):
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    book = read_casebook(wb, MONITOR, subject_id)
    review = next(s for s in book.sections if s.heading.startswith("Review"))
    block = next(b for b in review.blocks if "signatures" in b.title)
    assert {"Printed name", "Signed (UTC)", "Meaning", "Status"} <= set(block.headers)
    sigs = signatures_of(wb, subject_id)
    assert len(block.rows) == len(sigs) > 0
    name, meaning = block.headers.index("Printed name"), block.headers.index("Meaning")
    printed = {(r[name], r[meaning]) for r in block.rows}
    assert printed == {(s.printed_name, s.meaning) for s in sigs}


def test_audit_history_counts_every_row_and_lists_every_change(cli_demo):
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    book = read_casebook(wb, MONITOR, subject_id)
    entries, changes = book.sections[-1].blocks
    with read_session(wb.engine) as session:
        actions = list(session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == subject_id)
        ))  # fmt: skip
    assert sum(int(r[3]) for r in entries.rows) == actions.count("create")
    assert len(changes.rows) == len(actions) - actions.count("create")
    kinds = {r[changes.headers.index("Action")] for r in changes.rows}
    assert {"Record updated", "Signed"} & kinds or len(kinds) >= 2


def test_pdf_header_footer_anchor_and_digest(cli_demo, tmp_path):
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    with wb.engine.connect() as conn:
        before = anchor_line(chain_head(conn))
    export = build_casebook(wb, MONITOR, subject_id)
    pages, text = _pdf_text(export.content)
    assert export.book.anchor == before  # read with the data, before its own audit row
    with read_session(wb.engine) as session:
        number = session.get(Subject, subject_id).screening_number
    assert pages > 20
    assert f"Subject {number}" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    flat = _flat(text)
    assert _flat(before) in flat and export.book.content_sha256 in flat
    assert "Databasestatus:LIVE" in flat
    out = tmp_path / export.file_name
    out.write_bytes(export.content)
    head = read_anchor(out)  # `manage.py verify --anchor casebook.pdf`
    assert anchor_line(head) == before
    for s in signatures_of(wb, subject_id):
        assert _flat(s.printed_name) in flat and _flat(s.meaning) in flat
    with read_session(wb.engine) as session:
        row = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    logged = json.loads(row.new_value)
    assert (row.action, row.entity, row.username) == ("export", "casebook", "mon")
    assert logged["content_sha256"] == export.book.content_sha256 and logged["subject"] == number


def test_who_may_have_a_casebook(cli_demo):
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    assert read_casebook(wb, PI, subject_id).subject  # the site's own certified copy
    with pytest.raises(PermissionDenied):
        read_casebook(wb, SITE, subject_id)


def test_numbers_print_exactly_as_stored():
    assert as_text(15.0) == "15" and as_text(1.74) == "1.74"
    assert as_text(0.1 + 0.2) == "0.30000000000000004"  # never rounded away
    assert as_text(float("nan")) == "" and as_text(None) == ""
    assert as_text(date(2025, 3, 4)) == "2025-03-04"


def test_cli_writes_one_subject_and_refuses_two(cli_demo, tmp_path):
    wb, url = cli_demo
    with read_session(wb.engine) as session:
        numbers = list(session.scalars(select(Subject.screening_number).order_by(Subject.id)))
    out = tmp_path / "casebook.pdf"
    run = [sys.executable, "manage.py", "--db", url, "export", "casebook", "--out", str(out)]
    done = subprocess.run([*run, "--subject", numbers[0]], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Subject {numbers[0]}" in _pdf_text(out.read_bytes())[1]
    two = subprocess.run([*run, "--subject", numbers[0], "--subject", numbers[1]], cwd=REPO_ROOT,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert two.returncode != 0 and "one subject" in two.stderr


def test_a_correction_changes_the_digest_and_shows_old_and_new(cli_demo):
    """Runs last: it changes the shared study."""
    wb, _ = cli_demo
    subject_id = _signed_subject(wb)
    first = read_casebook(wb, MONITOR, subject_id)
    assert read_casebook(wb, MONITOR, subject_id).content_sha256 == first.content_sha256
    visit_id = next(s.visit_id for s in signatures_of(wb, subject_id) if s.visit_id)
    current = load_vitals(wb, visit_id)
    old = current.values["WEIGHT"]
    new = old + 0.7
    save_vitals(wb, PI, visit_id=visit_id, values={**current.values, "WEIGHT": new},
                reason="casebook test correction", expected_version=current.version)  # fmt: skip
    after = read_casebook(wb, MONITOR, subject_id)
    assert after.content_sha256 != first.content_sha256
    changes = after.sections[-1].blocks[1]
    h = changes.headers
    row = next(r for r in changes.rows if r[h.index("Reason")] == "casebook test correction")
    assert (row[h.index("Old value")], row[h.index("New value")]) == (str(old), str(new))
    status = after.sections[-2].blocks[-1]
    assert "INVALIDATED" in {r[status.headers.index("Status")] for r in status.rows}
