"""AppTest: password change, administrator reset and unlock, a changed account's session,
deep links through sign-in, and PI sign-off of a visit (#11)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from models import SYSTEM_ACTOR, User
from models.base import utc_now
from models.db import make_engine
from records import auth
from records.context import Workbench
from records.signatures import signatures_of
from records.subjects import screen_subject
from records.visits import calendar, record_visit_date
from records.vitals import load_vitals, save_vitals
from study import DEFAULT_DEFINITION, load_study
from tests.pages.conftest import PASSWORD

PAGES_DIR = Path(__file__).resolve().parents[2] / "app_pages"
VITALS = {"SYSBP": 118, "DIABP": 74, "PULSE": 70, "RESP": 14, "TEMP": 36.8, "WEIGHT": 64}


def _page(app, file: str):
    return app.switch_page(str(PAGES_DIR / file)).run()


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def _texts(app) -> str:
    parts = [*app.markdown, *app.text, *app.caption, *app.error, *app.info, *app.warning]
    parts += [*app.success, *app.title]
    return "\n".join(str(p.value) for p in parts)


def test_change_my_password(signed_in, app_db):
    app = _page(signed_in("monitor"), "account.py")
    app.text_input(key="pw_current").input(PASSWORD)
    app.text_input(key="pw_new").input("monitor password")  # contains the username
    app.text_input(key="pw_confirm").input("monitor password")
    _button(app, "Change password").click().run()
    assert "username" in _texts(app)
    app.text_input(key="pw_current").input(PASSWORD)
    app.text_input(key="pw_new").input("a brand new pass phrase")
    app.text_input(key="pw_confirm").input("a brand new pass phrase")
    _button(app, "Change password").click().run()
    assert not app.exception
    engine = make_engine(app_db)
    assert auth.authenticate(engine, "monitor", "a brand new pass phrase").role == "monitor"


@pytest.mark.req("REQ-SEC-04")
def test_reset_issues_a_one_time_password_that_must_be_changed(signed_in, app, app_db, users):
    admin = _page(signed_in("admin"), "users.py")
    admin.selectbox(key="rs_user").select("coordinator")
    admin.text_input(key="rs_reason").input("forgot it")
    _button(admin, "Reset password").click().run()
    assert not admin.exception
    one_time = admin.code[0].value
    engine = make_engine(app_db)
    user = auth.authenticate(engine, "coordinator", one_time)
    assert user.must_change_password
    with pytest.raises(Exception, match="one-time password"):
        screen_subject(
            Workbench(engine, load_study()),
            auth.actor_for(user),
            {"screening_number": "001-009", "sex": "F", "birth_year": 1980,
             "consent_date": "2025-01-02"},
        )  # fmt: skip


def test_unlock_is_explicit_and_audited(signed_in, app_db, users):
    engine = make_engine(app_db)
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(auth.PermissionDenied):
            auth.authenticate(engine, "investigator", "not the right one")
    with pytest.raises(auth.PermissionDenied, match="locked"):
        auth.authenticate(engine, "investigator", PASSWORD)
    admin = _page(signed_in("admin"), "users.py")
    admin.selectbox(key="rs_user").select("investigator")
    admin.text_input(key="rs_reason").input("called the help desk")
    _button(admin, "Unlock").click().run()
    assert not admin.exception
    assert auth.authenticate(engine, "investigator", PASSWORD).role == "investigator"


def test_an_open_session_ends_when_the_account_changes(signed_in, app_db, users):
    app = signed_in("coordinator")
    engine = make_engine(app_db)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.username == "coordinator").values(active=False))
    app.run()
    assert "user" not in app.session_state
    assert "deactivated" in _texts(app)


def test_a_locked_account_session_ends_too(signed_in, app_db, users):
    app = signed_in("monitor")
    engine = make_engine(app_db)
    with engine.begin() as conn:
        conn.execute(
            update(User)
            .where(User.username == "monitor")
            .values(locked_until=utc_now() + timedelta(minutes=5))
        )
    app.run()
    assert "user" not in app.session_state


def test_a_subject_link_survives_sign_in(app, users, app_db):
    engine = make_engine(app_db)
    wb = Workbench(engine, load_study())
    values = {"screening_number": "001-001", "sex": "F", "birth_year": 1980}
    screen_subject(wb, SYSTEM_ACTOR, {**values, "consent_date": "2025-01-02"})
    app.query_params["subject"] = "001-001"
    app.run()
    app.text_input(key="login_username").input("monitor")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    # AppTest starts at the default page; the browser journey proves the URL path itself.
    app = _page(app, "subject.py")
    assert any("001-001" in t.value for t in app.title)


@pytest.fixture
def study_file(tmp_path, monkeypatch) -> Path:
    """The default study with only vital signs required, so a visit is quick to complete."""
    text = Path(DEFAULT_DEFINITION).read_text(encoding="utf-8")
    text = text.replace(
        'required_form_kinds = ["instrument", "items", "labs", "vitals"]',
        'required_form_kinds = ["vitals"]',
    )
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("WORKBENCH_STUDY", str(path))
    return path


@pytest.mark.req("REQ-SIG-01", "REQ-SIG-03")
def test_pi_signs_a_visit_and_a_correction_invalidates_it(signed_in, users, app_db, study_file):
    engine = make_engine(app_db)
    wb = Workbench(engine, load_study(study_file))
    coordinator = auth.actor_for(users["coordinator"])
    subject = screen_subject(wb, coordinator, {"screening_number": "001-001", "sex": "F",
                             "birth_year": 1980, "consent_date": "2025-01-02"})  # fmt: skip
    scr = next(r.visit_id for r in calendar(wb, subject.id) if r.visit_code == "SCR")
    record_visit_date(wb, coordinator, scr, "2025-01-03")
    save_vitals(wb, coordinator, visit_id=scr, values=VITALS)
    app = signed_in("investigator")
    sign_off = _page(app, "signoff.py")
    assert "001-001 · SCR" in _texts(sign_off)
    app.session_state["subject_id"] = subject.id
    app.session_state["visit_id"] = scr
    app = _page(app, "visit.py")
    key = f"sign_visit_{scr}"
    app.text_input(key=f"{key}_u").input("investigator")
    app.text_input(key=f"{key}_p").input("a wrong password")
    _button(app, "Sign the visit").click().run()
    assert "wrong password" in _texts(app) and not signatures_of(wb)
    app.text_input(key=f"{key}_u").input("investigator")
    app.text_input(key=f"{key}_p").input(PASSWORD)
    _button(app, "Sign the visit").click().run()
    assert not app.exception
    assert "VALID SIGNATURE" in _texts(app) and "Investigator User" in _texts(app)
    save_vitals(wb, coordinator, visit_id=scr, values={**VITALS, "WEIGHT": 66},
                reason="scale was not zeroed",
                expected_version=load_vitals(wb, scr).version)  # fmt: skip
    app.run()
    assert "INVALIDATED by change" in _texts(app)
    # The second signing of the session asks for the password only.
    with pytest.raises(KeyError):
        app.text_input(key=f"{key}_u")
    app.text_input(key=f"{key}_p").input(PASSWORD)
    _button(app, "Sign the visit").click().run()
    assert [s.valid for s in signatures_of(wb)] == [False, True]


def test_a_one_time_password_leads_to_the_password_change_only(app, users, app_db):
    engine = make_engine(app_db)
    one_time = auth.reset_password(engine, SYSTEM_ACTOR, users["investigator"].id, "forgot")
    app.run()
    app.text_input(key="login_username").input("Investigator")  # any case
    app.text_input(key="login_password").input(one_time)
    app.button[0].click().run()
    assert not app.exception
    assert [t.value for t in app.title] == ["My account"]
    assert "reset by an administrator" in _texts(app)
    app.text_input(key="pw_current").input(one_time)
    app.text_input(key="pw_new").input("my own new pass phrase")
    app.text_input(key="pw_confirm").input("my own new pass phrase")
    _button(app, "Change password").click().run()
    assert not app.exception and not app.session_state["must_change_password"]
    app = _page(app, "signoff.py")
    assert [t.value for t in app.title] == ["PI sign-off"]
