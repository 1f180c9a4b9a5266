"""Electronic signatures: re-authentication, binding by hash, invalidation on every change (#11)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from models import SYSTEM_ACTOR, Actor, Medication, VitalSign
from models.db import read_session, unit_of_work
from records import auth
from records.context import Workbench
from records.errors import Held, PermissionDenied, ValidationFailed
from records.holds import place_hold
from records.maintenance import check
from records.medications import save_medication
from records.queries import raise_query
from records.signature_status import casebook_signed
from records.signatures import readiness, sign, signatures_of, verify_signatures
from records.visits import calendar, record_visit_date
from records.vitals import load_vitals, save_vitals
from study.schema import SignaturePolicy
from tests.records.conftest import SCREENING, TODAY, screen

PASSWORD = "a pass phrase to sign with"
VITALS = {"SYSBP": 118, "DIABP": 74, "PULSE": 70, "RESP": 14, "TEMP": 36.8, "WEIGHT": 64}
MED = {"drug": "hydroxychloroquine", "dose": 200, "dose_unit": "mg", "route": "ORAL",
       "frequency": "QD", "start": "2024-11"}  # fmt: skip


@pytest.fixture
def swb(wb: Workbench) -> Workbench:
    """The default study with only the vital signs required, so a visit is quick to complete."""
    policy = dataclasses.replace(wb.study.signatures, required_form_kinds=("vitals",))
    return Workbench(wb.engine, dataclasses.replace(wb.study, signatures=policy))


@pytest.fixture
def people(swb):
    made = {}
    for role in ("investigator", "coordinator"):
        user = auth.create_user(
            swb.engine,
            SYSTEM_ACTOR,
            {"username": role[:3], "full_name": f"Dr {role.title()}", "role": role,
             "password": PASSWORD},
        )  # fmt: skip
        made[role] = auth.actor_for(user)
    return made


@pytest.fixture
def visit(swb, people):
    subject = screen(swb, people["coordinator"])
    save_vitals(swb, people["coordinator"], visit_id=subject.visits["SCR"], values=VITALS,
                today=TODAY)  # fmt: skip
    return subject


def _sign_visit(swb, people, visit, **kw):
    args = {"subject_id": visit.id, "visit_id": visit.visits["SCR"], "meaning_code": "REVIEW",
            "password": PASSWORD} | kw  # fmt: skip
    return sign(swb, people["investigator"], **args)


@pytest.mark.req("REQ-DOC-03", "REQ-SIG-02", "REQ-AUD-04")
def test_signature_records_who_when_meaning_and_hash(swb, people, visit):
    sig = _sign_visit(swb, people, visit, username="INV")
    assert (sig.printed_name, sig.username, sig.role) == ("Dr Investigator", "inv", "investigator")
    assert sig.meaning == "I have reviewed the data of this visit" and sig.valid
    assert len(sig.content_hash) == 64 and sig.chain_head.count(":") == 2
    assert sig.signed_at.tzinfo is not None
    assert "Signed by Dr Investigator (inv, investigator)" in sig.manifestation()
    assert verify_signatures(swb.engine) == (1, ())
    with swb.engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM auditevent ORDER BY id")).scalars().all()
    assert actions[-1] == "sign"


@pytest.mark.req("REQ-SIG-03", "REQ-SEC-02")
def test_signing_needs_password_investigator_complete_forms(swb, people, visit):
    with pytest.raises(PermissionDenied, match="wrong password"):
        _sign_visit(swb, people, visit, password="not the password at all")
    with pytest.raises(PermissionDenied, match="username"):
        _sign_visit(swb, people, visit, username="someone_else")
    with pytest.raises(PermissionDenied):
        sign(swb, people["coordinator"], subject_id=visit.id, visit_id=visit.visits["SCR"],
             meaning_code="REVIEW", password=PASSWORD)  # fmt: skip
    with pytest.raises(ValidationFailed, match="meaning"):
        _sign_visit(swb, people, visit, meaning_code="APPROVAL")  # casebook meaning only
    v1 = visit.visits["V1"]
    with pytest.raises(ValidationFailed):
        _sign_visit(swb, people, visit, visit_id=v1)  # V1 has no date yet
    assert signatures_of(swb) == []


@pytest.mark.req("REQ-WF-01")
def test_required_form_missing_blocks_signing(swb, people):
    subject = screen(swb, people["coordinator"])
    ready = readiness(swb, subject.id, subject.visits["SCR"])
    assert not ready.ready and any("Vital" in x for x in ready.incomplete)
    with pytest.raises(ValidationFailed, match="complete every required form"):
        _sign_visit(swb, people, subject)


@pytest.mark.req("REQ-SIG-02")
def test_value_change_invalidates_visit_and_casebook_in_the_same_transaction(swb, people, visit):
    visit_sig = _sign_visit(swb, people, visit)
    book = sign(swb, people["investigator"], subject_id=visit.id, visit_id=None,
                meaning_code="APPROVAL", password=PASSWORD)  # fmt: skip
    with read_session(swb.engine) as session:
        assert casebook_signed(session, visit.id)
    save_vitals(swb, people["coordinator"], visit_id=visit.visits["SCR"],
                values={**VITALS, "WEIGHT": 65}, reason="transcription error", today=TODAY,
                expected_version=load_vitals(swb, visit.visits["SCR"]).version)  # fmt: skip
    sigs = {s.id: s for s in signatures_of(swb, visit.id)}
    assert not sigs[visit_sig.id].valid and not sigs[book.id].valid
    assert "vitalsign" in sigs[visit_sig.id].invalidating_change
    assert sigs[visit_sig.id].invalidated_by == "coo"
    assert "INVALIDATED by change" in sigs[visit_sig.id].manifestation()
    with read_session(swb.engine) as session:
        assert not casebook_signed(session, visit.id)
    with swb.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT record_id, reason FROM auditevent WHERE action = 'sig_invalidate'")
        ).all()
    assert {r[0] for r in rows} == {visit_sig.id, book.id}
    again = _sign_visit(swb, people, visit)
    assert again.id > book.id and again.valid
    assert verify_signatures(swb.engine) == (1, ())
    assert check(swb.engine).ok


def test_new_record_in_scope_invalidates_only_the_casebook(swb, people, visit):
    visit_sig = _sign_visit(swb, people, visit)
    book = sign(swb, people["investigator"], subject_id=visit.id, visit_id=None,
                meaning_code="APPROVAL", password=PASSWORD)  # fmt: skip
    save_medication(swb, people["coordinator"], subject_id=visit.id, values=MED, today=TODAY)
    sigs = {s.id: s for s in signatures_of(swb, visit.id)}
    assert sigs[visit_sig.id].valid and not sigs[book.id].valid
    assert "create medication" in sigs[book.id].invalidating_change


def test_visit_date_change_invalidates_the_visit_signature(swb, people, visit):
    visit_sig = _sign_visit(swb, people, visit)
    _correct_visit_date(swb, people, visit)
    (sig,) = signatures_of(swb, visit.id, visit.visits["SCR"])
    assert sig.id == visit_sig.id and not sig.valid and "visit" in sig.invalidating_change


@pytest.mark.req("REQ-SIG-02")
def test_deletion_invalidates_even_outside_any_use_case(swb, people, visit):
    save_medication(swb, people["coordinator"], subject_id=visit.id, values=MED, today=TODAY)
    book = sign(swb, people["investigator"], subject_id=visit.id, visit_id=None,
                meaning_code="APPROVAL", password=PASSWORD)  # fmt: skip
    with unit_of_work(swb.engine, people["coordinator"], reason="entered twice") as session:
        session.delete(session.scalars(select(Medication)).one())
    (sig,) = signatures_of(swb, visit.id, casebook=True)
    assert sig.id == book.id and "delete medication" in sig.invalidating_change


def test_signatures_and_invalidations_are_append_only(swb, people, visit):
    _sign_visit(swb, people, visit)
    for sql in ("UPDATE signature SET meaning = 'x'", "DELETE FROM signature"):
        with pytest.raises(DatabaseError, match="append-only"), swb.engine.begin() as conn:
            conn.execute(text(sql))


@pytest.mark.req("REQ-SIG-02")
def test_verify_reports_signed_data_changed_outside_the_application(swb, people, visit):
    _sign_visit(swb, people, visit)
    with swb.engine.begin() as conn:
        conn.execute(text("UPDATE vitalsign SET value_num = 99 WHERE test_code = 'WEIGHT'"))
    checked, problems = verify_signatures(swb.engine)
    assert checked == 1 and "does not match its hash" in problems[0]
    assert any("signature" in p for p in check(swb.engine).problems)


def test_open_queries_block_when_the_study_says_so(swb, people, visit):
    policy = SignaturePolicy(required_form_kinds=("vitals",), block_on_open_queries=True)
    strict = Workbench(swb.engine, dataclasses.replace(swb.study, signatures=policy))
    monitor = Actor(user_id=None, username="mo", full_name="Mo Monitor", role="monitor")
    raise_query(swb, monitor, "check weight", visit_id=visit.visits["SCR"], form_code="VS")
    assert readiness(swb, visit.id, visit.visits["SCR"]).open_queries == 1
    with pytest.raises(ValidationFailed, match="open data quer"):
        _sign_visit(strict, people, visit)
    assert _sign_visit(swb, people, visit).valid  # the default study shows them, no block


def _correct_visit_date(swb, people, visit) -> None:
    """The coordinator corrects the screening date, with its reason and the version she read."""
    scr = visit.visits["SCR"]
    row = next(r for r in calendar(swb, visit.id, TODAY) if r.visit_id == scr)
    record_visit_date(swb, people["coordinator"], scr, SCREENING.replace(day=5), reason="wrong day",
                      expected_version=row.version_id, today=TODAY)  # fmt: skip


def test_vital_sign_model_in_scope(swb, people, visit):
    with read_session(swb.engine) as session:
        assert session.scalars(select(VitalSign)).first() is not None


@pytest.mark.req("REQ-SIG-01")
def test_signatures_sheet_lists_valid_and_invalidated(swb, people, visit):
    from records.listings.catalogue import read_listings
    from records.listings.model import Scope

    first = _sign_visit(swb, people, visit)
    save_medication(swb, people["coordinator"], subject_id=visit.id, values=MED, today=TODAY)
    book = sign(swb, people["investigator"], subject_id=visit.id, visit_id=None,
                meaning_code="APPROVAL", password=PASSWORD)  # fmt: skip
    _correct_visit_date(swb, people, visit)
    with swb.engine.connect() as conn:
        sheet = read_listings(conn, swb.study, Scope())[-1]
    assert sheet.sheet == "L16.2.10.3 Signatures"
    rows = sheet.frame.set_index("scope_label")
    assert (
        rows.loc["SCR", "status"] == "INVALIDATED"
        and rows.loc["CASEBOOK", "status"] == "INVALIDATED"
    )
    assert rows.loc["SCR", "printed_name"] == "Dr Investigator"
    assert {first.content_hash, book.content_hash} == set(sheet.frame["content_hash"])


@pytest.mark.req("REQ-SEC-02")
@pytest.mark.parametrize("change", ["deactivated", "demoted", "locked"])
def test_a_changed_investigator_cannot_sign(swb, people, visit, change):
    from datetime import timedelta

    from sqlalchemy import update

    from models import User
    from models.base import utc_now

    values = {
        "deactivated": {"active": False},
        "demoted": {"role": "coordinator"},
        "locked": {"locked_until": utc_now() + timedelta(minutes=10)},
    }[change]
    with swb.engine.begin() as conn:
        conn.execute(update(User).where(User.id == people["investigator"].user_id).values(**values))
    with pytest.raises(PermissionDenied):
        _sign_visit(swb, people, visit)
    assert signatures_of(swb) == []


@pytest.mark.req("REQ-WF-02", "REQ-SIG-01")
def test_signing_goes_on_under_a_freeze_and_is_refused_under_a_lock(swb, people, visit):
    manager = Actor(user_id=None, username="dm", full_name="Dee Manager", role="data_manager")
    place_hold(swb, manager, "freeze", "monitoring visit", subject_id=visit.id)
    assert _sign_visit(swb, people, visit).valid
    place_hold(swb, manager, "lock", "casebook review done", subject_id=visit.id)
    with pytest.raises(Held):
        _sign_visit(swb, people, visit)
